"""KMeans and LogisticRegression on a real dask.distributed cluster of worker processes.

- Data larger than a worker's ``memory_limit`` (generated lazily, never held): no worker is
  paused, spills or is restarted, no block of the data is left on the cluster, and the fitted
  models equal those of the threaded scheduler (1e-8).
- A worker process killed (SIGKILL) mid-fit is restarted by its nanny; the lost blocks are
  regenerated (every block is a deterministic function of its index) and the fit ends with
  the same model as an uninterrupted fit.
- Fitted models pickle (pickle, cloudpickle), predict identically, and predict on workers.
- A fit, then computing its data (alone, with y, again after another fit), never sends the
  scheduler a key with another task than before (``unique_task_keys``, on every test here).
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import threading
import time
import warnings

import cloudpickle
import dask
import dask.array as da
import numpy as np
import pytest
from _helpers import time_limit, worker_pids_after_kill
from dask.utils import parse_bytes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

from dask_scale.cluster import KMeans
from dask_scale.datasets import (
    make_blobs,
    make_classification,
    make_classification_df,
    make_counts,
    make_mixed_classification_df,
    make_regression,
)
from dask_scale.linear_model import LinearRegression, LogisticRegression, PoissonRegression
from dask_scale.preprocessing import OrdinalEncoder
from dask_scale.utils import assert_estimator_equal
from dask_scale.wrappers import Incremental

distributed = pytest.importorskip("distributed")

# every test also fails if a graph key reaches the scheduler with two different tasks
pytestmark = [pytest.mark.distributed, pytest.mark.usefixtures("unique_task_keys")]

# A worker process holds ~300 MB once numba, scikit-learn and the kernels are loaded, and
# peaked at ~385 MB in these fits (a few 10 MB blocks in flight): a 650 MB limit keeps it
# under the 70 % (455 MB: spill) and 80 % (520 MB: pause) thresholds, while the data
# (653 MB) does not fit in one worker.
MEMORY_LIMIT = "650MB"
BIG = dict(n_samples=850_000, n_features=96, chunks=12_500)  # 68 blocks of 9.6 MB
# k-means|| and the kill test: more passes over less data
SMALL = dict(n_samples=100_000, n_features=20, chunks=12_500)  # 8 blocks of 2 MB
# the ADMM kill test: more blocks, each with its state (x, u, Hessian) on a worker
MANY = dict(n_samples=100_000, n_features=20, chunks=5_000)  # 20 blocks of 0.8 MB


def _blobs(size, cluster_std=1.0):
    X, _ = make_blobs(centers=4, cluster_std=cluster_std, random_state=1, **size)
    return X


def _classification(size):
    return make_classification(n_informative=8, random_state=2, **size)


def _kmeans(init="k-means||", max_iter=4, verbose=0):
    # tol=0: a fixed sequence of passes (until the centres stop moving)
    return KMeans(
        n_clusters=4,
        init=init,
        init_max_iter=2,
        max_iter=max_iter,
        tol=0.0,
        random_state=0,
        verbose=verbose,
    )


def _kmeans_big():
    # explicit initial centres and one iteration: two passes over the big data (a Lloyd
    # pass and the final E-step), k-means|| is run on the small data
    init = np.linspace(-5.0, 5.0, 4 * BIG["n_features"]).reshape(4, -1)
    return _kmeans(init=init, max_iter=1)


def _logistic(max_iter=4):
    return LogisticRegression(C=0.5, max_iter=max_iter)


def _fit(model, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args)


CASES = {
    # name: (estimator factory, data factory)
    "kmeans-big": (_kmeans_big, lambda: (_blobs(BIG),)),
    "logistic-big": (lambda: _logistic(max_iter=1), lambda: _classification(BIG)),
    "kmeans||": (_kmeans, lambda: (_blobs(SMALL),)),
    "logistic": (_logistic, lambda: _classification(SMALL)),
}
# the fits interrupted by a worker kill: overlapping blobs and 8 clusters, ~20-30 passes;
# plain gradient descent with tol=0, a fixed number of passes; ADMM over 20 blocks (24
# iterations), whose blocks' states are lost with the killed worker and rebuilt
LONG = {
    "kmeans-long": (
        lambda: _kmeans(max_iter=30).set_params(n_clusters=8),
        lambda: (_blobs(SMALL, cluster_std=4.0),),
    ),
    "logistic-long": (
        lambda: LogisticRegression(C=0.5, solver="gradient_descent", max_iter=40, tol=0.0),
        lambda: _classification(SMALL),
    ),
    "logistic-admm-long": (
        lambda: LogisticRegression(C=0.5, solver="admm", max_iter=40, tol=1.8e-5),
        lambda: _classification(MANY),
    ),
}


@pytest.fixture(scope="module")
def reference():
    """The fits on dask's threaded scheduler, the results the cluster must reproduce."""
    with dask.config.set(scheduler="threads"):
        return {
            name: _fit(make(), *data())
            for name, (make, data) in {**CASES, **LONG}.items()
        }


def _cluster():
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit=MEMORY_LIMIT,
        dashboard_address=None,
    )


@pytest.fixture(scope="module")
def client():
    with _cluster() as cluster, distributed.Client(cluster) as c:
        yield c


class _on:
    """Run dask computations on ``client`` (the tests' default is the threaded scheduler)."""

    def __init__(self, client):
        self.client = client

    def __enter__(self):
        self._config = dask.config.set(scheduler="dask.distributed")
        self._config.__enter__()
        self._current = self.client.as_current()
        self._current.__enter__()

    def __exit__(self, *exc):
        self._current.__exit__(*exc)
        self._config.__exit__(*exc)


def _worker_state(dask_worker):
    metrics = getattr(dask_worker.data, "cumulative_metrics", {})
    disk_writes = sum(
        v for (label, unit), v in metrics.items() if label == "disk-write" and unit == "count"
    )
    return {"pid": os.getpid(), "disk_writes": disk_writes, "status": dask_worker.status.name}


def _status_changes(client, addresses):
    changes = []
    for addr in addresses:
        for _, event in client.get_events(addr):
            if isinstance(event, dict) and event.get("action") == "worker-status-change":
                changes.append((addr, event["prev-status"], event["status"]))
    return changes


def _scheduler_keys(dask_scheduler):
    return [str(k) for k in dask_scheduler.tasks]


@pytest.mark.parametrize("case", list(CASES))
def test_fit_on_worker_processes_equals_threaded_fit(case, client, reference):
    make, data = CASES[case]
    args = data()
    X = args[0]
    if case.endswith("-big"):
        # the data does not fit in one worker's memory
        assert X.nbytes > parse_bytes(MEMORY_LIMIT)
    before = client.run(_worker_state)
    with _on(client), time_limit(60, f"{case} fit on the cluster"):
        model = _fit(make(), *args)
    after = client.run(_worker_state)

    # same workers (none killed or restarted), none paused, nothing spilled to disk
    assert set(after) == set(before)
    assert {a: s["pid"] for a, s in after.items()} == {a: s["pid"] for a, s in before.items()}
    assert all(s["status"] == "running" for s in after.values()), after
    assert all(s["disk_writes"] == 0 for s in after.values()), after
    assert not [c for c in _status_changes(client, after) if c[2] == "paused"]
    # the fit left no block of the data (nor anything else) on the cluster; the release of
    # the last pass's futures reaches the scheduler asynchronously, so wait for it (a leak
    # stays for good)
    deadline = time.monotonic() + 10
    while True:
        held = client.run_on_scheduler(_scheduler_keys)
        if not [k for k in held if X.name in k] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not [k for k in held if X.name in k], held[:5]

    # results equal to the threaded scheduler's (same blocks, same reduction tree)
    assert_estimator_equal(model, reference[case], rtol=1e-8, atol=1e-10)


class _FirstRecord(logging.Handler):
    """Sets an event at the first progress record of a fit."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.seen = threading.Event()

    def emit(self, record):
        self.seen.set()


@pytest.mark.parametrize("case", list(LONG))
def test_fit_completes_after_a_worker_is_killed(case, client, reference):
    make, data = LONG[case]
    arrays = data()
    logger = logging.getLogger("dask_scale")
    handler = _FirstRecord()
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    fit_done = threading.Event()
    killed = {}
    pids = client.run(os.getpid)
    victim_pid = sorted(pids.items())[0][1]

    def kill_mid_fit():
        # after the first progress line (a k-means|| round, a gradient step), while the next pass
        # is running
        if not handler.seen.wait(60):
            return
        time.sleep(0.3)
        killed["while_fitting"] = not fit_done.is_set()
        os.kill(victim_pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_mid_fit, daemon=True)
    try:
        killer.start()
        with _on(client), time_limit(80, "fit with a killed worker"):
            model = _fit(make().set_params(verbose=1), *arrays)
        fit_done.set()
        killer.join(5)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    # the nanny starts a new worker process in place of the killed one
    new_pids = worker_pids_after_kill(client, victim_pid)

    assert killed.get("while_fitting"), "the worker was not killed during the fit"
    assert victim_pid not in new_pids.values()
    assert len(new_pids) == 2
    assert_estimator_equal(model, reference[case], rtol=1e-8, atol=1e-10)


def _predict(model, X):
    return model.predict(X)


@pytest.mark.parametrize("fit_on", ["numpy", "dask"])
@pytest.mark.parametrize("kind", ["kmeans", "logistic"])
def test_fitted_models_pickle_and_predict_on_workers(kind, fit_on, client):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    Xf, yf = X, y
    if fit_on == "dask":
        Xf, yf = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    if kind == "kmeans":
        model = KMeans(n_clusters=3, random_state=0).fit(Xf)
    else:
        model = LogisticRegression().fit(Xf, yf)
    expected = model.predict(X)
    for dumps, loads in [(pickle.dumps, pickle.loads), (cloudpickle.dumps, cloudpickle.loads)]:
        clone = loads(dumps(model))
        # labels_ of a dask fit is lazy: computed from the unpickled graph
        assert_estimator_equal(clone, model, rtol=0, atol=0)
        np.testing.assert_array_equal(clone.predict(X), expected)
    # sent to a worker process (pickled on the way) and used there
    on_worker = client.submit(_predict, model, X, pure=False).result()
    np.testing.assert_array_equal(on_worker, expected)


# --------------------------------------------------------------------------------------------
# graph keys: a collection's keys name one task in every graph it is part of
# --------------------------------------------------------------------------------------------


def _frame_logistic(X, y):
    numeric = [c for c in X.columns if c.startswith("num_")]
    return _fit(LogisticRegression(max_iter=5), X[numeric], y)


def _user_array():
    # a plain dask collection with a chain of blockwise layers, which dask's optimisation
    # fuses when the array is computed by itself
    rs = da.random.RandomState(0)
    return (rs.normal(size=(400, 5), chunks=(50, 5)) * 2.0 + 1.0,)


KEY_CASES = {
    # name: (data factory, fit)
    "make_classification-logistic": (
        lambda: make_classification(n_samples=400, chunks=50, random_state=0),
        lambda X, y: _fit(LogisticRegression(), X, y),
    ),
    "make_classification-incremental": (  # blocks folded on the workers (fold_blocks)
        lambda: make_classification(n_samples=400, chunks=50, random_state=0),
        lambda X, y: Incremental(SGDClassifier(random_state=0)).fit(X, y),
    ),
    "make_blobs-kmeans": (
        lambda: make_blobs(n_samples=400, chunks=50, random_state=0),
        lambda X, y: KMeans(n_clusters=3, random_state=0).fit(X),
    ),
    "make_regression-linear": (
        lambda: make_regression(
            n_samples=400, n_features=5, n_informative=3, chunks=50, random_state=0
        ),
        lambda X, y: LinearRegression().fit(X, y),
    ),
    "make_counts-poisson": (
        lambda: make_counts(n_samples=400, n_features=5, chunks=50, random_state=0),
        lambda X, y: _fit(PoissonRegression(max_iter=5), X, y),
    ),
    "make_classification_df-logistic": (
        lambda: make_classification_df(n_samples=400, chunks=50, random_state=0),
        lambda X, y: _fit(LogisticRegression(max_iter=5), X, y),
    ),
    "make_mixed_classification_df-logistic": (
        lambda: make_mixed_classification_df(n_samples=400, chunks=50, random_state=0),
        _frame_logistic,
    ),
    "make_mixed_classification_df-ordinal": (  # a reduction over the pandas partitions
        lambda: make_mixed_classification_df(n_samples=400, chunks=50, random_state=0),
        lambda X, y: OrdinalEncoder().fit(X),
    ),
    "user-array-kmeans": (
        _user_array,
        lambda X, *_: KMeans(n_clusters=3, random_state=0).fit(X),
    ),
}


@pytest.mark.parametrize("case", list(KEY_CASES))
def test_keys_name_one_task_across_fits_and_computes(case, client, unique_task_keys):
    """The user's sequence that made the scheduler warn "Detected different `run_spec`":
    fit on generated (or plain dask) data, then compute the data, alone and together, and
    lazy predictions on it."""
    make, fit = KEY_CASES[case]
    data = make()
    X = data[0]
    with _on(client), time_limit(60, f"{case} fits and computes"):
        model = fit(*data)
        X.compute()
        unique_task_keys.check()
        dask.compute(*data)
        data[-1].compute()
        if isinstance(X, da.Array) and hasattr(model, "predict"):
            # (not with X in one compute: dask itself gives a collection computed with one
            # derived from it other tasks than when computed alone, whatever built them)
            model.predict(X).compute()
            X.compute()
        fit(*data)
        X.compute()
