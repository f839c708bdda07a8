"""GridSearchCV / RandomizedSearchCV against scikit-learn's searches on the same folds.

- ``cv_results_`` (split scores, means, stds, ranks), ``best_params_``, ``best_score_``,
  ``best_index_`` equal scikit-learn's for NumPy, dask array and dask DataFrame input,
  single and multi-metric scoring, refit True / a metric name / a callable / False;
- ``error_score``: a number records failures like scikit-learn (FitFailedWarning), "raise"
  raises the estimator's error (once: not retried on a Client);
- ``iid`` warns and has no effect; bad input gets a clear error;
- ``verbose`` prints one line per finished candidate; a KeyboardInterrupt leaves the search
  unfitted (or as it was) and nothing of it on the cluster;
- on a distributed Client (keys name one task for good) and on worker processes, one of
  them killed mid-search, the results are those of the threaded scheduler.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import time_limit, worker_pids_after_kill
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV as SkGridSearchCV
from sklearn.model_selection import KFold
from sklearn.model_selection import RandomizedSearchCV as SkRandomizedSearchCV
from sklearn.utils.validation import check_is_fitted

from dask_scale.model_selection import GridSearchCV, RandomizedSearchCV


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # scikit-learn's reference searches run serially: without the cap their tiny BLAS calls
    # oversubscribe a loaded machine (the searches under test cap their tasks themselves)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield


GRID = {"C": [0.01, 0.1, 1.0, 10.0]}
DISTRIBUTIONS = {"C": np.logspace(-3, 2, 20).tolist()}


def _data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = (X[:, 0] - 0.7 * X[:, 1] + 0.8 * rng.normal(size=n) > 0).astype(int)
    return X, y


def _searches(kind, **kwargs):
    if kind == "grid":
        return (
            GridSearchCV(LogisticRegression(), GRID, **kwargs),
            SkGridSearchCV(LogisticRegression(), GRID, **kwargs),
        )
    return (
        RandomizedSearchCV(LogisticRegression(), DISTRIBUTIONS, n_iter=5, random_state=0, **kwargs),
        SkRandomizedSearchCV(
            LogisticRegression(), DISTRIBUTIONS, n_iter=5, random_state=0, **kwargs
        ),
    )


def _assert_results_equal(ours, theirs, rtol=1e-12):
    """Every score/rank/param column of cv_results_ and the best_* attributes."""
    ours_keys = set(ours.cv_results_)
    assert ours_keys == set(theirs.cv_results_)
    for key, expected in theirs.cv_results_.items():
        got = ours.cv_results_[key]
        if key.endswith("_time"):
            assert got.shape == expected.shape and np.all(got >= 0)
        elif key == "params":
            assert got == expected
        elif key.startswith("param_"):
            assert isinstance(got, np.ma.MaskedArray)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got.mask, expected.mask)
            assert list(got.compressed()) == list(expected.compressed())
        elif key.startswith("rank_"):
            np.testing.assert_array_equal(got, expected)
            assert got.dtype == expected.dtype
        else:
            np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-14, err_msg=key)
    for attr in ("best_index_", "best_params_", "multimetric_", "n_splits_"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    if hasattr(theirs, "best_score_"):
        np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=rtol)
    else:
        assert not hasattr(ours, "best_score_")


# --------------------------------------------------------------------------------------------
# equal to scikit-learn
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["grid", "random"])
def test_numpy_results_equal_scikit_learn(kind):
    X, y = _data()
    ours, theirs = _searches(kind, cv=3, return_train_score=True)
    ours.fit(X, y)
    theirs.fit(X, y)
    _assert_results_equal(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12)
    assert ours.score(X, y) == theirs.score(X, y)
    assert ours.n_features_in_ == 5
    np.testing.assert_array_equal(ours.classes_, [0, 1])
    assert ours.refit_time_ > 0
    np.testing.assert_allclose(ours.best_estimator_.coef_, theirs.best_estimator_.coef_)


def test_dask_array_and_dataframe_results_equal_scikit_learn():
    X, y = _data()
    cv = KFold(4, shuffle=True, random_state=0)  # every fold spans several blocks
    theirs = SkGridSearchCV(LogisticRegression(), GRID, cv=cv).fit(X, y)
    dX, dy = da.from_array(X, chunks=50), da.from_array(y, chunks=50)
    ours = GridSearchCV(LogisticRegression(), GRID, cv=cv).fit(dX, dy)
    _assert_results_equal(ours, theirs)
    pred = ours.predict(dX)
    assert isinstance(pred, da.Array)
    np.testing.assert_array_equal(pred.compute(), theirs.predict(X))

    # a DataFrame with unknown partition lengths: its folds are pandas frames
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    frame["y"] = y
    ddf = dd.from_pandas(frame, npartitions=5)
    ddf = ddf[ddf["f0"] > -100]  # all rows kept, lengths unknown to dask
    theirs = SkGridSearchCV(LogisticRegression(), GRID, cv=cv).fit(frame.iloc[:, :5], y)
    ours = GridSearchCV(LogisticRegression(), GRID, cv=cv).fit(ddf.iloc[:, :5], ddf["y"])
    _assert_results_equal(ours, theirs)
    np.testing.assert_array_equal(ours.feature_names_in_, theirs.feature_names_in_)


def test_multimetric_with_refit_by_name_equals_scikit_learn():
    X, y = _data()
    scoring = {"acc": "accuracy", "ll": "neg_log_loss"}
    kwargs = dict(cv=3, scoring=scoring, refit="ll", return_train_score=True)
    ours = GridSearchCV(LogisticRegression(), GRID, **kwargs).fit(X, y)
    theirs = SkGridSearchCV(LogisticRegression(), GRID, **kwargs).fit(X, y)
    _assert_results_equal(ours, theirs)
    assert set(ours.scorer_) == {"acc", "ll"}
    assert ours.score(X, y) == theirs.score(X, y)

    names = ["accuracy", "roc_auc"]
    ours = GridSearchCV(LogisticRegression(), GRID, cv=3, scoring=names, refit=False).fit(X, y)
    theirs = SkGridSearchCV(LogisticRegression(), GRID, cv=3, scoring=names, refit=False)
    theirs.fit(X, y)
    assert not hasattr(ours, "best_index_") and not hasattr(ours, "best_estimator_")
    for key in ("mean_test_accuracy", "mean_test_roc_auc", "rank_test_roc_auc"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], rtol=1e-12)


def test_refit_callable_and_refit_false():
    X, y = _data()

    def lowest_c_within_a_std(results):
        means, stds = results["mean_test_score"], results["std_test_score"]
        ok = np.flatnonzero(means >= means.max() - stds[np.argmax(means)])
        return int(ok[np.argmin(np.asarray(results["param_C"])[ok])])

    ours = GridSearchCV(LogisticRegression(), GRID, cv=3, refit=lowest_c_within_a_std)
    theirs = SkGridSearchCV(LogisticRegression(), GRID, cv=3, refit=lowest_c_within_a_std)
    _assert_results_equal(ours.fit(X, y), theirs.fit(X, y))
    assert ours.best_estimator_.C == theirs.best_estimator_.C
    assert not hasattr(ours, "best_score_")

    ours = GridSearchCV(LogisticRegression(), GRID, cv=3, refit=False).fit(X, y)
    theirs = SkGridSearchCV(LogisticRegression(), GRID, cv=3, refit=False).fit(X, y)
    _assert_results_equal(ours, theirs)
    assert not hasattr(ours, "best_estimator_")
    with pytest.raises(NotFittedError, match="refit=False"):
        ours.predict(X)

    bad = GridSearchCV(LogisticRegression(), GRID, cv=3, refit=lambda results: 1.5)
    with pytest.raises(TypeError, match="integer index"):
        bad.fit(X, y)


class _FailsFor(ClassifierMixin, BaseEstimator):
    """A logistic regression whose fit raises for ``C == bad`` (counts its fits)."""

    calls = 0
    lock = threading.Lock()

    def __init__(self, C=1.0, bad=0.1):
        self.C = C
        self.bad = bad

    def fit(self, X, y):
        with _FailsFor.lock:
            _FailsFor.calls += 1
        if self.C == self.bad:
            raise ValueError("this C cannot be fitted")
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_error_score_number_records_failures_like_scikit_learn():
    X, y = _data()
    kwargs = dict(cv=3, error_score=-1.0, return_train_score=True)
    with pytest.warns(FitFailedWarning, match="3 fits failed out of a total of 12"):
        ours = GridSearchCV(_FailsFor(), GRID, **kwargs).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        theirs = SkGridSearchCV(_FailsFor(), GRID, **kwargs).fit(X, y)
    _assert_results_equal(ours, theirs)
    assert ours.cv_results_["mean_test_score"][1] == -1.0

    with pytest.raises(ValueError, match="this C cannot be fitted"):
        GridSearchCV(_FailsFor(), GRID, cv=3).fit(X, y)
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        GridSearchCV(_FailsFor(), {"C": [0.1]}, cv=3, error_score=0).fit(X, y)


def test_iid_warns_and_has_no_effect():
    X, y = _data()
    expected = GridSearchCV(LogisticRegression(), GRID, cv=3).fit(X, y)
    with pytest.warns(FutureWarning, match="'iid' has no effect in GridSearchCV"):
        got = GridSearchCV(LogisticRegression(), GRID, cv=3, iid=True).fit(X, y)
    _assert_results_equal(got, expected, rtol=0)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: GridSearchCV(LogisticRegression(), {"alpha": [1.0]}), ValueError, "'alpha'"),
        (lambda: GridSearchCV(LogisticRegression(), []), ValueError, "No candidates"),
        (lambda: GridSearchCV(LogisticRegression(), {"C": []}), ValueError, "non-empty"),
        (lambda: GridSearchCV(LogisticRegression(), GRID, cv=500), ValueError, "n_splits=500"),
        (lambda: GridSearchCV(LogisticRegression(), GRID, scoring="acuracy"), ValueError,
         "Unknown scorer 'acuracy'"),
        (lambda: GridSearchCV(LogisticRegression(), GRID, scoring=["accuracy", "r2"], refit=True),
         ValueError, "refit must be the name of one of them"),
        (lambda: GridSearchCV(LogisticRegression(), GRID, scheduler="gpu"), ValueError,
         "Unknown scheduler 'gpu'"),
        (lambda: GridSearchCV(LogisticRegression(), GRID, n_jobs=0), ValueError, "n_jobs"),
    ],
)
def test_bad_input_gets_a_clear_error(make, error, match):
    X, y = _data()
    with pytest.raises(error, match=match):
        make().fit(X, y)
    search = make()
    with pytest.raises(NotFittedError):
        check_is_fitted(search)


def test_dask_and_in_memory_inputs_mixed():
    X, y = _data()
    expected = SkGridSearchCV(LogisticRegression(), GRID, cv=3).fit(X, y)
    dX, dy = da.from_array(X, chunks=60), da.from_array(y, chunks=60)
    for Xi, yi in [(dX, y), (X, dy), (dX, pd.Series(y))]:
        got = GridSearchCV(LogisticRegression(), GRID, cv=3).fit(Xi, yi)
        _assert_results_equal(got, expected)
    with pytest.raises(ValueError, match="X has 240 rows and y 239"):
        GridSearchCV(LogisticRegression(), GRID, cv=3).fit(dX, y[:-1])


def test_other_schedulers_give_the_threaded_result():
    X, y = _data(n=120)
    expected = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, cv=3).fit(X, y)
    # (scheduler="processes" gives it too; not run here: starting a pool takes seconds)
    got = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, cv=3, scheduler="sync")
    _assert_results_equal(got.fit(X, y), expected, rtol=0)
    with pytest.warns(UserWarning, match="n_jobs=2 has no effect on the synchronous"):
        GridSearchCV(Ridge(), {"alpha": [1.0]}, cv=2, scheduler="sync", n_jobs=2).fit(X, y)


# --------------------------------------------------------------------------------------------
# progress and interruption
# --------------------------------------------------------------------------------------------

_LINE = re.compile(
    r"^\[GridSearchCV\] iter (\d+): mean_test_score=([-+0-9.e]+), candidate=(\d+), of=4 "
    r"\((\d+\.\d+)s\)$"
)


def test_verbose_reports_each_finished_candidate(capsys):
    X, y = _data()
    search = GridSearchCV(LogisticRegression(), GRID, cv=3, verbose=1).fit(X, y)
    lines = [m.groups() for line in capsys.readouterr().err.splitlines() if (m := _LINE.match(line))]
    assert [int(done) for done, *_ in lines] == [1, 2, 3, 4]
    reported = {int(c): float(score) for _, score, c, _ in lines}
    assert sorted(reported) == [0, 1, 2, 3]
    for c, score in reported.items():
        np.testing.assert_allclose(score, search.cv_results_["mean_test_score"][c], rtol=1e-5)
    GridSearchCV(LogisticRegression(), GRID, cv=3).fit(X, y)
    assert capsys.readouterr().err == ""


class _InterruptedFit(ClassifierMixin, BaseEstimator):
    """Raises KeyboardInterrupt in fit when ``C == stop`` (Ctrl-C during that fit)."""

    def __init__(self, C=1.0, stop=10.0):
        self.C = C
        self.stop = stop

    def fit(self, X, y):
        if self.C == self.stop:
            raise KeyboardInterrupt
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_interrupt_leaves_the_search_unfitted_or_as_it_was():
    X, y = _data()
    search = GridSearchCV(_InterruptedFit(), GRID, cv=3, error_score=0.0)
    with pytest.raises(KeyboardInterrupt), time_limit(30, "interrupted search"):
        search.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(search)
    assert not [a for a in vars(search) if a.endswith("_")]
    # fitted before: an interrupted refit leaves the previous results
    search.set_params(param_grid={"C": [0.1, 1.0]}).fit(X, y)
    before = dict(vars(search))
    with pytest.raises(KeyboardInterrupt):
        search.set_params(param_grid=GRID).fit(X, y)
    fitted = [a for a in before if a.endswith("_")]
    assert fitted and all(getattr(search, a) is before[a] for a in fitted)


# --------------------------------------------------------------------------------------------
# distributed
# --------------------------------------------------------------------------------------------


def _scheduler_keys(dask_scheduler):
    return [str(k) for k in dask_scheduler.tasks]


def _wait_released(client, prefix="search-", seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        held = [k for k in client.run_on_scheduler(_scheduler_keys) if prefix in k]
        if not held or time.monotonic() > deadline:
            return held
        time.sleep(0.05)


def test_on_a_client_results_equal_threads_and_keys_are_unique(client, unique_task_keys):
    X, y = _data()
    dX, dy = da.from_array(X, chunks=60), da.from_array(y, chunks=60)
    with dask.config.set(scheduler="threads"):
        expected = GridSearchCV(LogisticRegression(), GRID, cv=3).fit(dX, dy)
    for _ in range(2):  # the same search twice names the same tasks
        got = GridSearchCV(LogisticRegression(), GRID, cv=3, scheduler=client).fit(dX, dy)
        _assert_results_equal(got, expected, rtol=0)
    # other folds of the same data: other tasks, under other keys
    cv = KFold(3, shuffle=True, random_state=0)
    got = GridSearchCV(LogisticRegression(), GRID, cv=cv, scheduler=client).fit(dX, dy)
    _assert_results_equal(got, SkGridSearchCV(LogisticRegression(), GRID, cv=cv).fit(X, y))
    with client.as_current():  # scheduler=None: the active client
        got = GridSearchCV(LogisticRegression(), GRID, cv=3, return_train_score=True).fit(X, y)
    _assert_results_equal(
        got, SkGridSearchCV(LogisticRegression(), GRID, cv=3, return_train_score=True).fit(X, y)
    )
    unique_task_keys.check()
    assert not _wait_released(client)

    # a deterministic failure raises once: not retried
    _FailsFor.calls = 0
    with pytest.raises(ValueError, match="this C cannot be fitted"), time_limit(30, "failing"):
        GridSearchCV(_FailsFor(), {"C": [0.1]}, cv=3, scheduler=client).fit(X, y)
    assert 1 <= _FailsFor.calls <= 3
    assert not _wait_released(client)


class _Slow(ClassifierMixin, BaseEstimator):
    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        time.sleep(0.1)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_interrupt_on_a_client_releases_the_search(client):
    X, y = _data()
    search = GridSearchCV(_Slow(), {"C": list(range(30))}, cv=3, scheduler=client)
    main = threading.main_thread().ident
    timer = threading.Timer(0.6, lambda: signal.pthread_kill(main, signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt), time_limit(30, "interrupted search"):
            search.fit(X, y)
    finally:
        timer.cancel()
    with pytest.raises(NotFittedError):
        check_is_fitted(search)
    assert not _wait_released(client)


class _FirstRecord(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.seen = threading.Event()

    def emit(self, record):
        self.seen.set()


class _SlowLogistic(ClassifierMixin, BaseEstimator):
    """LogisticRegression whose fit takes at least 50 ms (a search that lasts a while)."""

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        time.sleep(0.05)
        self.model_ = LogisticRegression(C=self.C).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_worker_killed_mid_search_gives_the_same_result():
    import sys

    import cloudpickle
    import distributed

    # the worker processes cannot import this test module: its classes travel by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    X, y = _data(n=300)
    grid = {"C": [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]}
    dX, dy = da.from_array(X, chunks=60), da.from_array(y, chunks=60)
    expected = SkGridSearchCV(_SlowLogistic(), grid, cv=3, n_jobs=1).fit(X, y)
    logger = logging.getLogger("dask_scale")
    handler, old_level = _FirstRecord(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    killed = {}
    done = threading.Event()
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster, distributed.Client(cluster) as client:
            victim = sorted(client.run(os.getpid).items())[0][1]

            def kill():
                if handler.seen.wait(60):
                    killed["mid_search"] = not done.is_set()
                    os.kill(victim, signal.SIGKILL)

            killer = threading.Thread(target=kill, daemon=True)
            killer.start()
            with time_limit(90, "search with a killed worker"):
                got = GridSearchCV(_SlowLogistic(), grid, cv=3, scheduler=client, verbose=1)
                got.fit(dX, dy)
            done.set()
            killer.join(5)
            worker_pids_after_kill(client, victim)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert killed.get("mid_search"), "the worker was not killed during the search"
    _assert_results_equal(got, expected)
