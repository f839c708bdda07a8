"""Helpers shared by test modules (import as ``from _helpers import ...`` from tests/*.py).

- :func:`default_instance`: one instance of a public estimator class, meta-estimators and
  estimators with required arguments given a default inner estimator / argument.
- :func:`time_limit`: fail a block of code that runs longer than a number of seconds (a
  ``signal.alarm`` guard; pytest-timeout is not a dependency).
- :func:`worker_pids_after_kill`: the worker pids once a killed worker has been replaced.
- :class:`BlockCounter`: counts how often the blocks of a dask array are computed.
- :class:`GraphCounter`: counts the graphs dask computes (every submission).
- :func:`count_scaled_blocks`: records the blocks StandardScaler's transform scales.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import signal
import threading

import numpy as np
from dask.callbacks import Callback


class _Identity:
    """The identity function, with a repr free of memory addresses: test ids built from an
    estimator's repr must be the same in every process (pytest-xdist compares them)."""

    def __call__(self, X):
        return X

    def __repr__(self):
        return "identity"

    def __eq__(self, other):
        return isinstance(other, _Identity)

    def __hash__(self):
        return hash(_Identity)


_identity = _Identity()


def _dask_scale(subpackage, name):
    return getattr(importlib.import_module(f"dask_scale.{subpackage}"), name)


# Estimators whose constructor needs an argument: a default that makes them usable.
NEEDS_ARGUMENTS = {
    "ParallelPostFit": lambda cls: cls(_sklearn_logistic()),
    "Incremental": lambda cls: cls(_sklearn_sgd()),
    "BlockTransformer": lambda cls: cls(func=_identity),
    "BlockwiseVotingClassifier": lambda cls: cls(_sklearn_logistic()),
    "BlockwiseVotingRegressor": lambda cls: cls(_sklearn_ridge()),
    "ColumnTransformer": lambda cls: cls(
        [("scale", _dask_scale("preprocessing", "StandardScaler")(), slice(None))]
    ),
    "GridSearchCV": lambda cls: cls(_sklearn_logistic(), {"C": [0.1, 1.0]}, cv=2),
    "RandomizedSearchCV": lambda cls: cls(
        _sklearn_logistic(), {"C": [0.1, 1.0, 10.0]}, n_iter=2, cv=2, random_state=0
    ),
    # adaptive searches: a small search (they run on a temporary in-process cluster)
    "HyperbandSearchCV": lambda cls: cls(_sklearn_sgd(), _alphas(), max_iter=3, random_state=0),
    "IncrementalSearchCV": lambda cls: cls(
        _sklearn_sgd(), _alphas(), n_initial_parameters=2, max_iter=2, random_state=0
    ),
    "InverseDecaySearchCV": lambda cls: cls(
        _sklearn_sgd(), _alphas(), n_initial_parameters=2, max_iter=4, random_state=0
    ),
    "SuccessiveHalvingSearchCV": lambda cls: cls(
        _sklearn_sgd(), _alphas(), n_initial_parameters=3, n_initial_iter=3, random_state=0
    ),
    "HalvingGridSearchCV": lambda cls: cls(
        _sklearn_logistic(), {"C": [0.1, 1.0]}, cv=2, min_resources="smallest", random_state=0
    ),
    "HalvingRandomSearchCV": lambda cls: cls(
        _sklearn_logistic(), {"C": [0.1, 1.0, 10.0]}, n_candidates=2, cv=2, random_state=0
    ),
}


# Hyperparameter searches: what the adaptive ones find depends on the blocks by design (a
# held-out split of the row blocks), every fit is a search (many fits, on a cluster for the
# adaptive ones), and their input handling and its errors are tested in tests/model_selection.
# The tables of tests over every estimator (bad input, pickling, Parquet, frame outputs) leave
# them out.
SEARCHES = frozenset(
    {"GridSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV", "HyperbandSearchCV",
     "IncrementalSearchCV", "InverseDecaySearchCV", "RandomizedSearchCV",
     "SuccessiveHalvingSearchCV"}
)


def table_estimators():
    """``all_estimators()`` but the searches (see ``SEARCHES``)."""
    from dask_scale.utils import all_estimators

    return [(name, cls) for name, cls in all_estimators() if name not in SEARCHES]


def _alphas():
    # a list, not a scipy distribution: a frozen distribution's repr holds its address, and
    # test ids from the estimator's repr must be the same in every process (pytest-xdist)
    return {"alpha": [1e-5, 3e-5, 1e-4, 3e-4, 1e-3]}


def _sklearn_ridge():
    from sklearn.linear_model import Ridge

    return Ridge()


def _sklearn_logistic():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression()


def _sklearn_sgd():
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(random_state=0, tol=None, max_iter=5)


def default_instance(name, cls):
    """An instance of ``cls`` built with its defaults (meta-estimators: a default inner one).

    Raises
    ------
    AssertionError
        If ``cls`` needs constructor arguments and is not listed in ``NEEDS_ARGUMENTS``.
    """
    if name in NEEDS_ARGUMENTS:
        return NEEDS_ARGUMENTS[name](cls)
    required = [
        p.name
        for p in inspect.signature(cls).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    if required:
        raise AssertionError(
            f"{name} needs constructor arguments {required}; add it to NEEDS_ARGUMENTS in "
            "tests/_helpers.py"
        )
    return cls()


def seeded(estimator, seed=0):
    """``estimator`` with ``random_state=seed`` where it has that parameter (returned)."""
    if "random_state" in estimator.get_params(deep=False):
        estimator.set_params(random_state=seed)
    return estimator


class TimeLimitExceeded(BaseException):
    """Raised by :func:`time_limit`: a BaseException, so no ``except Exception`` (or
    ``except TimeoutError``, which ``concurrent.futures.TimeoutError`` is) swallows it."""


@contextlib.contextmanager
def time_limit(seconds, what="the block"):
    """Raise :class:`TimeLimitExceeded` in the main thread if the block runs over ``seconds``.

    A hang (a deadlocked scheduler, an endless loop) fails the test instead of the suite.
    Outside the main thread (where signals cannot be used) the block runs unguarded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        # not a TimeoutError: library code waiting with timeouts catches those and retries
        raise TimeLimitExceeded(f"{what} ran for more than {seconds} s (hang?)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(seconds))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def worker_pids_after_kill(client, victim, n_workers=2, timeout=60):
    """The worker pids once the nanny has replaced the killed worker ``victim``.

    ``client.wait_for_workers`` can return while the scheduler still lists the dead worker
    (it has not noticed yet), and a ``client.run`` on it then raises ``CommClosedError``: poll
    until ``n_workers`` live workers answer and none of them is ``victim``.
    """
    import os
    import time

    deadline = time.monotonic() + timeout
    while True:
        pids = client.run(os.getpid, on_error="ignore")
        if len(pids) == n_workers and victim not in pids.values():
            return pids
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the killed worker (pid {victim}) was not replaced within {timeout} s: {pids}"
            )
        time.sleep(0.1)


class BlockCounter:
    """Identity on blocks that counts, per block, how often each block was computed.

    ``counter.wrap(X)`` returns ``X`` with every block passed through the counter
    (``X.map_blocks``); ``counter.per_block`` is the array of counts, thread-safe.
    """

    def __init__(self, n_blocks):
        self._lock = threading.Lock()
        self.counts = np.zeros(n_blocks, dtype=np.int64)

    def _count(self, block, block_info=None):
        i = block_info[0]["chunk-location"][0]
        with self._lock:
            self.counts[i] += 1
        return block

    def wrap(self, X, name):
        return X.map_blocks(self._count, dtype=X.dtype, meta=X._meta, name=name)

    @property
    def per_block(self):
        with self._lock:
            return self.counts.copy()

    def reset(self):
        with self._lock:
            self.counts[:] = 0


class GraphCounter(Callback):
    """Counts the graphs dask's local schedulers compute while active (``dask.compute``,
    ``.compute()``, ``persist``, chunk-size computations: every submission)."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def _start(self, dsk):
        self.count += 1


def count_scaled_blocks(monkeypatch):
    """A list that grows by the row count of every block StandardScaler's transform scales
    (to check that a model folds a scaler's affine map into its own pass instead)."""
    import dask_scale.preprocessing._standard as scalers

    calls = []
    scale_block = scalers._standard_new_block

    def counted(block, *args):
        calls.append(block.shape[0])
        return scale_block(block, *args)

    monkeypatch.setattr(scalers, "_standard_new_block", counted)
    return calls
