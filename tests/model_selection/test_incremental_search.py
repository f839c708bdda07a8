"""IncrementalSearchCV and InverseDecaySearchCV: equal to scikit-learn's partial_fit on the
same blocks, numpy / dask array / dask DataFrame input, interruption (partial results,
futures released), a worker process killed mid-search, bad input."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import time_limit, worker_pids_after_kill
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, SGDClassifier, SGDRegressor
from sklearn.utils.validation import check_is_fitted

from dask_scale.model_selection import IncrementalSearchCV, InverseDecaySearchCV
from dask_scale.model_selection._holdout import _holdout_split

PARAMS = {"alpha": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0], "penalty": ["l2", "l1"]}


def _numpy_data(n=2000, d=10):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.5 * X[:, 2] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y


def _search(cls=IncrementalSearchCV, **kw):
    kw = {"n_initial_parameters": 3, "max_iter": 4, "random_state": 0, **kw}
    return cls(SGDClassifier(tol=None, random_state=0), PARAMS, **kw)


def _manual_histories(search, X, y, test_size):
    """Each model trained with scikit-learn's partial_fit on the search's blocks, in order."""
    seed = np.random.RandomState(0).randint(2**31)  # the first draw of random_state=0
    X_train, X_test, y_train, y_test = _holdout_split(X, y, test_size, seed)
    xs, ys = X_train.to_delayed().ravel().tolist(), y_train.to_delayed().ravel().tolist()
    *parts, X_test, y_test = dask.compute(*xs, *ys, X_test, y_test, scheduler="sync")
    blocks = [b for b in zip(parts[: len(xs)], parts[len(xs) :], strict=True) if len(b[0])]
    classes = np.unique(dask.compute(y, scheduler="sync")[0])
    out = {}
    for index, (ident, params) in enumerate(
        zip(search.cv_results_["model_id"], search.cv_results_["params"], strict=True)
    ):
        model = clone(search.estimator).set_params(**params)
        offset = int(np.random.default_rng([seed, index]).integers(1 << 30))
        scores = []
        calls = [h["partial_fit_calls"] for h in search.model_history_[ident]]
        for c in range(1, max(calls) + 1):
            Xb, yb = blocks[(offset + c - 1) % len(blocks)]
            model.partial_fit(Xb, yb, classes=classes)
            if c in calls:
                scores.append((c, model.score(X_test, y_test)))
        out[ident] = scores
    return out


def _histories(search):
    return {k: [(r["partial_fit_calls"], r["score"]) for r in v] for k, v in search.model_history_.items()}


@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_scores_equal_scikit_learn_on_the_same_blocks(kind, client, unique_task_keys):
    X, y = _numpy_data()
    if kind == "dask":
        Xs, ys = da.from_array(X, chunks=200), da.from_array(y, chunks=200)
        test_size = 0.1
    else:
        Xs, ys = X, y
        test_size = 0.25
    search = _search(fits_per_score=2).fit(Xs, ys)
    Xd = da.from_array(X, chunks=200 if kind == "dask" else (len(X), -1))
    yd = da.from_array(y, chunks=Xd.chunks[0])
    expected = _manual_histories(search, Xd, yd, test_size)
    got = _histories(search)
    assert got.keys() == expected.keys()
    for ident in got:
        assert [c for c, _ in got[ident]] == [2, 4]
        np.testing.assert_allclose([s for _, s in got[ident]], [s for _, s in expected[ident]])
    assert search.metadata_ == search.metadata == {"n_models": 3, "partial_fit_calls": 12}
    assert search.best_score_ == max(s for h in got.values() for c, s in h if c == 4)
    assert isinstance(search.best_estimator_, SGDClassifier)
    unique_task_keys.check()


def test_dask_dataframe_input_equals_dask_array_input(client):
    X, y = _numpy_data(n=1000)
    Xa, ya = da.from_array(X, chunks=250), da.from_array(y, chunks=250)
    frame = dd.from_pandas(pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]), npartitions=4)
    target = dd.from_pandas(pd.Series(y, name="y"), npartitions=4)
    from_array = _search(max_iter=2).fit(Xa, ya)
    from_frame = _search(max_iter=2).fit(frame, target)
    assert _histories(from_frame) == _histories(from_array)
    # unknown chunk sizes (a filter that keeps every row): the same blocks, the same search
    keep = Xa[:, 0] > -np.inf
    unknown = _search(max_iter=2).fit(Xa[keep], ya[keep])
    assert np.isnan(Xa[keep].chunks[0]).all()
    assert _histories(unknown) == _histories(from_array)
    np.testing.assert_array_equal(from_frame.feature_names_in_, frame.columns)
    np.testing.assert_array_equal(from_frame.predict(frame).compute(), from_array.predict(X))


def test_inverse_decay_keeps_fewer_models(client):
    X, y = _numpy_data()
    Xd, yd = da.from_array(X, chunks=200), da.from_array(y, chunks=200)
    search = _search(InverseDecaySearchCV, n_initial_parameters=8, max_iter=4).fit(Xd, yd)
    # rounds of 8, 4 (8/2), 2 (8/3), 2 (8/4) models
    assert search.metadata == {"n_models": 8, "partial_fit_calls": 8 + 4 + 2 + 2}
    assert search.metadata_ == search.metadata
    per_round = [sum(1 for h in search.history_ if h["partial_fit_calls"] == c) for c in (1, 2, 3, 4)]
    assert per_round == [8, 4, 2, 2]
    # the kept models are the best of the round before
    first = {h["model_id"]: h["score"] for h in search.history_ if h["partial_fit_calls"] == 1}
    kept = {h["model_id"] for h in search.history_ if h["partial_fit_calls"] == 2}
    assert min(first[i] for i in kept) >= sorted(first.values(), reverse=True)[3]
    with pytest.warns(FutureWarning, match="InverseDecaySearchCV"):
        legacy = _search(n_initial_parameters=8, max_iter=4, decay_rate=1.0).fit(Xd, yd)
    assert _histories(legacy) == _histories(search)


def test_patience_stops_a_model_on_a_plateau(client):
    X, y = _numpy_data(n=1000)
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    search = _search(max_iter=30, patience=2, tol=1.0).fit(Xd, yd)
    # no score improves by 1: every model stops after 1 + 2 calls
    assert set(search.cv_results_["partial_fit_calls"]) == {3}
    assert search.metadata_["partial_fit_calls"] == 9 < search.metadata["partial_fit_calls"]


class _FirstProgress(logging.Handler):
    def __init__(self, inline=None):
        super().__init__(level=logging.INFO)
        self.seen = threading.Event()
        self.inline = inline

    def emit(self, record):
        if self.inline is not None and not self.seen.is_set():
            self.inline()
        self.seen.set()


class _on_first_progress:
    """Run ``action`` after the search's first progress line (a round).

    By default in a thread, ``delay`` seconds later (a signal must reach the main thread
    while it waits on the scheduler); ``inline=True`` runs it inside the logging call, so the
    search is certainly still running (a short search can finish within any delay).
    """

    def __init__(self, action, delay=0.2, inline=False):
        self.action, self.delay, self.inline = action, delay, inline
        self.handler = _FirstProgress(self._inline if inline else None)
        self.done = threading.Event()
        self.fired = {}

    def _inline(self):
        self.fired["during_fit"] = not self.done.is_set()
        self.action()

    def _run(self):
        if self.inline:
            return
        if self.handler.seen.wait(60) and not self.done.is_set():
            time.sleep(self.delay)
            self.fired["during_fit"] = not self.done.is_set()
            self.action()

    def __enter__(self):
        self.logger = logging.getLogger("dask_scale")
        self.level = self.logger.level
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.INFO)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.handler.seen.set()
        self.thread.join(10)
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)


def _search_keys(dask_scheduler):
    return [str(k) for k in dask_scheduler.tasks if "incremental-search" in str(k)]


def test_keyboard_interrupt_keeps_partial_results_and_releases_futures(client):
    X, y = _numpy_data()
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    search = _search(n_initial_parameters=4, max_iter=500)  # far longer than the test
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _on_first_progress(lambda: os.kill(os.getpid(), signal.SIGINT)) as trigger:
            with time_limit(60, "interrupted search"), pytest.raises(KeyboardInterrupt) as info:
                search.fit(Xd, yd)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert trigger.fired.get("during_fit")
    partial = info.value.cv_results_
    assert 1 <= len(partial["model_id"]) <= 4
    assert len(info.value.history_) >= len(partial["model_id"])
    assert (partial["partial_fit_calls"] < 500).all()
    with pytest.raises(Exception, match="not fitted"):
        check_is_fitted(search)
    deadline = time.monotonic() + 10
    while client.run_on_scheduler(_search_keys) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not client.run_on_scheduler(_search_keys)


def test_a_worker_killed_mid_search_changes_nothing(client):
    from distributed import Client, LocalCluster

    X, y = _numpy_data(n=1000)
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    reference = _search(max_iter=10, fits_per_score=2).fit(Xd, yd)  # in-process cluster
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as c, c.as_current():
        victim = sorted(c.run(os.getpid).items())[0][1]
        with _on_first_progress(lambda: os.kill(victim, signal.SIGKILL), inline=True) as trigger:
            with time_limit(90, "search with a killed worker"):
                search = _search(max_iter=10, fits_per_score=2).fit(Xd, yd)
        worker_pids_after_kill(c, victim)
    assert trigger.fired.get("during_fit"), "the worker was not killed during the search"
    # the lost models and blocks were recomputed from their tasks: the same search
    assert _histories(search) == _histories(reference)
    np.testing.assert_array_equal(search.best_estimator_.coef_, reference.best_estimator_.coef_)


def test_bad_input_is_refused_clearly():
    X, y = _numpy_data(n=100)
    with pytest.raises(ValueError, match=r"has no parameter\(s\) \['C'\]"):
        IncrementalSearchCV(SGDClassifier(), {"C": [1.0]}).fit(X, y)
    with pytest.raises(ValueError, match="empty list of values"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": []}).fit(X, y)
    with pytest.raises(ValueError, match="non-empty dict"):
        IncrementalSearchCV(SGDClassifier(), {}).fit(X, y)
    with pytest.raises(ValueError, match="'accurracy' is not a valid scoring value"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": [1e-4]}, scoring="accurracy").fit(X, y)
    with pytest.raises(ValueError, match="requires y to be passed"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": [1e-4]}).fit(X)
    with pytest.raises(ValueError, match="'estimator' parameter .* implementing 'partial_fit'"):
        IncrementalSearchCV(LogisticRegression(), {"C": [1.0]}).fit(X, y)
    with pytest.raises(ValueError, match="'test_size' parameter"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": [1e-4]}, test_size=1.5).fit(X, y)
    with pytest.raises(ValueError, match="patience=True"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": [1e-4]}, patience=True).fit(X, y)
    with pytest.raises(ValueError, match=r"a value per row of X \('sample_weight'\)"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": [1e-4]}).fit(X, y, sample_weight=y * 1.0)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        IncrementalSearchCV(SGDClassifier(), {"alpha": [1e-4]}).fit(X, y[:50])


def test_without_a_client_it_warns_and_runs_in_process():
    X, y = _numpy_data(n=200)
    search = IncrementalSearchCV(SGDRegressor(random_state=0), {"alpha": [1e-4, 1e-2]},
                                 n_initial_parameters="grid", max_iter=2, random_state=0)
    with pytest.warns(UserWarning, match="none is active: using a temporary in-process"):
        search.fit(X, y.astype(float))
    assert search.metadata_ == {"n_models": 2, "partial_fit_calls": 4}
    assert search.predict(X).shape == (200,)
