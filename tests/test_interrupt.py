"""Progress reports and Ctrl-C during long fits (KMeans, LogisticRegression).

- ``verbose`` prints one line per iteration: the estimator, the iteration, the objective
  (inertia for KMeans) and the elapsed time.
- A KeyboardInterrupt during a fit (raised by a block being read, or a real SIGINT while the
  driver waits for a pass, on the threaded scheduler or a distributed Client) propagates
  as KeyboardInterrupt, leaves a fresh estimator unfitted, leaves a previously fitted one as
  it was (never half-updated), and leaves the scheduler usable: the same fit afterwards gives
  the uninterrupted result.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import time
import warnings

import dask
import dask.array as da
import numpy as np
import pytest
from _helpers import time_limit
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from dask_scale.cluster import KMeans
from dask_scale.datasets import make_blobs, make_classification
from dask_scale.linear_model import LogisticRegression
from dask_scale.utils import assert_estimator_equal

KINDS = ["kmeans", "logistic"]

def _data(kind, n_samples=6_000, n_features=6, chunks=500):
    if kind == "kmeans":
        X, _ = make_blobs(
            n_samples=n_samples,
            n_features=n_features,
            centers=5,
            cluster_std=3.0,
            random_state=0,
            chunks=chunks,
        )
        return X, None
    return make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=3,
        random_state=0,
        chunks=chunks,
    )


def _model(kind, verbose=0):
    if kind == "kmeans":
        # tol=0: iterates until the centres stop moving
        return KMeans(n_clusters=5, max_iter=8, tol=0.0, random_state=0, verbose=verbose)
    return LogisticRegression(C=1e4, max_iter=8, tol=0.0, verbose=verbose)


def _long_fit(kind):
    """A fit of a few seconds: overlapping blobs and many clusters; separable classes."""
    if kind == "kmeans":
        X, _ = make_blobs(
            n_samples=60_000,
            n_features=6,
            centers=5,
            cluster_std=3.0,
            random_state=0,
            chunks=1_000,
        )
        model = KMeans(n_clusters=16, max_iter=300, tol=0.0, random_state=0, verbose=1)
        return model, X, None
    X, y = make_classification(
        n_samples=60_000,
        n_features=6,
        n_informative=3,
        class_sep=4.0,
        flip_y=0.0,
        random_state=0,
        chunks=1_000,
    )
    # no penalty on separable data: the coefficients grow for many iterations
    model = LogisticRegression(
        penalty=None, max_iter=500, tol=0.0, solver_kwargs={"ftol": 0.0}, verbose=1
    )
    return model, X, y


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X) if y is None else model.fit(X, y)


def _fitted_attributes(model):
    return {a for a in vars(model) if a.endswith("_") and not a.startswith("__")}


# --------------------------------------------------------------------------------------------
# progress
# --------------------------------------------------------------------------------------------

PROGRESS = {
    "kmeans": re.compile(r"^\[KMeans\] iter (\d+): inertia=([-+0-9.e]+).*\((\d+\.\d+)s\)$"),
    "logistic": re.compile(
        r"^\[LogisticRegression\[lbfgs\]\] iter (\d+): objective=([-+0-9.e]+).*\((\d+\.\d+)s\)$"
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_verbose_prints_iteration_objective_and_time(kind, capsys):
    X, y = _data(kind)
    model = _fit(_model(kind, verbose=1), X, y)
    lines = [
        m.groups()
        for line in capsys.readouterr().err.splitlines()
        if (m := PROGRESS[kind].match(line.strip()))
    ]
    n_iter = int(np.max(model.n_iter_))
    assert len(lines) == n_iter >= 2
    iterations = [int(i) for i, _, _ in lines]
    values = [float(v) for _, v, _ in lines]
    times = [float(t) for _, _, t in lines]
    assert iterations == list(range(1, n_iter + 1))
    assert times == sorted(times)
    # the objective goes down (Lloyd and L-BFGS are descent methods)
    assert values[-1] <= values[0]
    if kind == "kmeans":
        # the inertia reported in the last line is that of the centres before the last update
        assert values[-1] >= model.inertia_ * (1 - 1e-5)  # printed with 6 digits


@pytest.mark.parametrize("kind", KINDS)
def test_verbose_zero_prints_nothing(kind, capsys):
    X, y = _data(kind)
    _fit(_model(kind, verbose=0), X, y)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------
# KeyboardInterrupt raised while a block is read
# --------------------------------------------------------------------------------------------


class _InterruptAt:
    """Identity on blocks that raises KeyboardInterrupt at the ``n``-th block read."""

    def __init__(self, n):
        self.n = n
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, block):
        with self.lock:
            self.calls += 1
            hit = self.calls == self.n
        if hit:
            raise KeyboardInterrupt
        return block


def _interrupted_fit(model, X, y, after_blocks):
    trap = _InterruptAt(after_blocks)
    Xi = X.map_blocks(trap, dtype=X.dtype, meta=X._meta)
    with pytest.raises(KeyboardInterrupt), time_limit(60, "interrupted fit"):
        _fit(model, Xi, y)
    assert trap.calls >= after_blocks


@pytest.mark.parametrize("kind", KINDS)
def test_interrupt_leaves_a_new_estimator_unfitted(kind):
    X, y = _data(kind)
    model = _model(kind)
    # in the third pass over the 12 blocks: mid-fit
    _interrupted_fit(model, X, y, after_blocks=2 * X.numblocks[0] + 5)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    assert not _fitted_attributes(model), sorted(_fitted_attributes(model))
    # the threaded scheduler is usable, and the estimator fits as if nothing happened
    expected = _fit(_model(kind), X, y)
    assert_estimator_equal(_fit(model, X, y), expected, exclude={"labels_"}, rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_interrupted_refit_keeps_the_previous_model(kind):
    X, y = _data(kind)
    model = _fit(_model(kind), X, y)
    before = {a: getattr(model, a) for a in _fitted_attributes(model)}
    expected_pred = np.asarray(model.predict(X).compute())
    # refit on other data (one more feature), interrupted mid-fit
    X2, y2 = _data(kind, n_features=7)
    _interrupted_fit(model, X2, y2, after_blocks=2 * X2.numblocks[0] + 5)
    after = {a: getattr(model, a) for a in _fitted_attributes(model)}
    # all or nothing: the previous model, untouched
    assert after.keys() == before.keys()
    for attr, value in before.items():
        if attr == "labels_":
            continue
        np.testing.assert_array_equal(np.asarray(after[attr]), np.asarray(value), err_msg=attr)
    np.testing.assert_array_equal(np.asarray(model.predict(X).compute()), expected_pred)


# --------------------------------------------------------------------------------------------
# a real SIGINT (Ctrl-C) while the driver waits for a pass
# --------------------------------------------------------------------------------------------


class _CtrlC:
    """Sends SIGINT to this process shortly after the fit's first progress record.

    The SIGINT handler raises KeyboardInterrupt (as Python's default one does) only while
    armed, so a late signal can never hit the test runner. Python runs signal handlers
    wherever the main thread happens to be; when that is a finaliser (``__del__``, a weakref
    callback) the KeyboardInterrupt is swallowed and the fit goes on, exactly as with a
    real Ctrl-C. Like a user, the sender then presses Ctrl-C again (after a second).
    """

    def __init__(self, delay=0.1, repeat_after=1.0, max_presses=5):
        self.delay = delay
        self.repeat_after = repeat_after
        self.max_presses = max_presses
        self.seen = threading.Event()
        self.armed = threading.Event()
        self.sent = threading.Event()
        self.presses = 0

    def _on_sigint(self, signum, frame):
        if self.armed.is_set():
            raise KeyboardInterrupt

    def _send(self):
        import os

        if not self.seen.wait(30):
            return
        wait = self.delay
        while self.presses < self.max_presses:
            time.sleep(wait)
            if not self.armed.is_set():
                return
            self.sent.set()
            self.presses += 1
            os.kill(os.getpid(), signal.SIGINT)
            wait = self.repeat_after

    def __enter__(self):
        outer = self

        class _Handler(logging.Handler):
            def emit(self, record):
                outer.seen.set()

        self._handler = _Handler(level=logging.INFO)
        self._logger = logging.getLogger("dask_scale")
        self._level = self._logger.level
        self._logger.addHandler(self._handler)
        self._logger.setLevel(logging.INFO)
        self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        self.armed.set()
        self._thread = threading.Thread(target=self._send, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.armed.clear()
        self.seen.set()
        self._thread.join(5)
        signal.signal(signal.SIGINT, self._previous)
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._level)


def _ctrl_c_during_fit(kind):
    model, X, y = _long_fit(kind)
    with _CtrlC() as ctrl_c, pytest.raises(KeyboardInterrupt), time_limit(60, "Ctrl-C fit"):
        _fit(model, X, y)
    assert ctrl_c.sent.is_set(), "the fit ended before Ctrl-C was sent"
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    assert not _fitted_attributes(model), sorted(_fitted_attributes(model))
    return model


# a Ctrl-C landing in a finaliser is reported by Python as "unraisable" (and pressed again)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("kind", KINDS)
def test_ctrl_c_on_the_threaded_scheduler(kind):
    expected = _fit(_model(kind), *_data(kind))
    _ctrl_c_during_fit(kind)
    # the scheduler still works: the same fit after the interrupt gives the model it gave
    # before (nothing left behind, e.g. in the thread pool, changes it)
    assert_estimator_equal(
        _fit(_model(kind), *_data(kind)), expected, exclude={"labels_"}, rtol=1e-12
    )


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.distributed
@pytest.mark.parametrize("kind", KINDS)
def test_ctrl_c_with_a_distributed_client(kind, client):
    with dask.config.set(scheduler="threads"):
        expected = _fit(_model(kind), *_data(kind))
    with dask.config.set(scheduler="dask.distributed"):
        _ctrl_c_during_fit(kind)
        # the cluster is usable and computes the same model; the interrupted graph is gone
        got = _fit(_model(kind), *_data(kind))
        assert_estimator_equal(got, expected, exclude={"labels_"}, rtol=1e-12)
        assert da.ones(10, chunks=5).sum().compute() == 10

    def n_tasks(dask_scheduler):
        return len(dask_scheduler.tasks)

    deadline = time.monotonic() + 10
    while client.run_on_scheduler(n_tasks) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.run_on_scheduler(n_tasks) == 0
