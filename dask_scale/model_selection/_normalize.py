"""A search's arguments checked and put in one form: scheduler, scorers, candidates.

Scorers come from :mod:`dask_scale.metrics` (the library's registry: scikit-learn's names and
numbers on in-memory data, which is what a search's tasks score).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping

import dask
import dask.multiprocessing
import dask.threaded
from sklearn.base import clone

from .._graph import get_client
from ..metrics import check_scoring, get_scorer, get_scorer_names

__all__ = ["Scheduler", "candidate_estimators", "check_scorers", "resolve_scheduler"]

_THREADS = {"threading", "threads"}
_PROCESSES = {"processes", "multiprocessing"}
_SYNC = {"sync", "synchronous", "single-threaded"}


class Scheduler:
    """Where a search runs: ``kind`` is "threads", "processes", "sync" or "distributed"."""

    def __init__(self, kind, client=None, n_workers=1):
        self.kind = kind
        self.client = client
        self.n_workers = n_workers

    @property
    def get(self):
        return {
            "threads": dask.threaded.get,
            "processes": dask.multiprocessing.get,
            "sync": dask.get,
        }[self.kind]


def _n_workers(n_jobs):
    cores = os.cpu_count() or 1
    if n_jobs is None:
        return 1
    if n_jobs < 0:
        return max(1, cores + 1 + n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning: use a positive number, or -1 for all cores.")
    return n_jobs


def _client_of(scheduler):
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    return scheduler if isinstance(scheduler, Client) else None


def resolve_scheduler(scheduler, n_jobs, default_n_jobs=-1):
    """The :class:`Scheduler` of dask-ml's ``scheduler`` / ``n_jobs`` parameters.

    None: the active distributed Client if there is one, else dask's configured local
    scheduler (threads unless configured otherwise). A name: "threading"/"threads",
    "processes"/"multiprocessing", "sync"/"synchronous"/"single-threaded" or "distributed"
    (the active Client). A ``distributed.Client``: that client. ``n_jobs`` sets the number of
    workers of the threads and processes schedulers; elsewhere it has no effect and a
    non-default value warns.
    """
    client = _client_of(scheduler)
    if client is not None:
        kind = "distributed"
    elif scheduler is None:
        client = get_client()
        if client is not None:
            kind = "distributed"
        else:
            configured = dask.base.get_scheduler()
            if configured is dask.multiprocessing.get:
                kind = "processes"
            elif configured is dask.get or configured is dask.local.get_sync:
                kind = "sync"
            else:
                kind = "threads"
    elif isinstance(scheduler, str):
        name = scheduler.lower()
        if name in _THREADS:
            kind = "threads"
        elif name in _PROCESSES:
            kind = "processes"
        elif name in _SYNC:
            kind = "sync"
        elif name in {"distributed", "dask.distributed"}:
            client = get_client()
            if client is None:
                raise ValueError(
                    "scheduler='distributed' needs an active distributed Client; create one "
                    "(distributed.Client(...)) or pass it as scheduler=client."
                )
            kind = "distributed"
        else:
            raise ValueError(
                f"Unknown scheduler {scheduler!r}: use None, 'threading', 'processes', "
                "'sync', 'distributed' or a distributed.Client."
            )
    else:
        raise TypeError(
            f"scheduler must be None, a name or a distributed.Client; got {type(scheduler).__name__}."
        )
    if kind in ("threads", "processes"):
        return Scheduler(kind, n_workers=_n_workers(n_jobs))
    if n_jobs != default_n_jobs:
        where = "a distributed Client (its workers set the parallelism)" if client else (
            "the synchronous scheduler (one task at a time)"
        )
        warnings.warn(
            f"n_jobs={n_jobs} has no effect on {where}.", UserWarning, stacklevel=3
        )
    return Scheduler(kind, client=client, n_workers=1)


def _scorer(name):
    if name not in get_scorer_names():
        raise ValueError(
            f"Unknown scorer {name!r}: use a name from sklearn.metrics.get_scorer_names() "
            "(e.g. 'accuracy', 'roc_auc', 'r2', 'neg_log_loss') or a callable "
            "scorer(estimator, X, y)."
        )
    return get_scorer(name)


def check_scorers(estimator, scoring):
    """``(scorers, multimetric)``: name -> scorer, and whether ``scoring`` named several.

    A single metric is named "score" (scikit-learn's ``cv_results_`` naming).
    """
    if isinstance(scoring, str):
        return {"score": _scorer(scoring)}, False
    if scoring is None or callable(scoring):
        scorer = check_scoring(estimator, scoring=scoring)
        return {"score": scorer}, False
    if isinstance(scoring, Mapping):
        if not scoring:
            raise ValueError("scoring is an empty dict: name at least one metric.")
        scorers = {}
        for name, value in scoring.items():
            if not isinstance(name, str):
                raise ValueError(f"The keys of a scoring dict are metric names; got {name!r}.")
            scorers[name] = _scorer(value) if isinstance(value, str) else value
            if not callable(scorers[name]):
                raise ValueError(f"scoring[{name!r}] must be a scorer name or a callable.")
        return scorers, True
    if isinstance(scoring, (list, tuple, set)):
        names = list(scoring)
        if not names or not all(isinstance(n, str) for n in names):
            raise ValueError(
                "A list/tuple scoring must be a non-empty sequence of scorer names; got "
                f"{scoring!r}."
            )
        if len(set(names)) != len(names):
            raise ValueError(f"scoring lists a metric twice: {names}.")
        return {name: _scorer(name) for name in names}, True
    raise TypeError(f"scoring must be None, a name, a callable, a list or a dict; got {scoring!r}.")


def candidate_estimators(estimator, candidates):
    """A clone of ``estimator`` per candidate, its parameters set (bad names: clear error)."""
    out = []
    valid = None
    for params in candidates:
        est = clone(estimator)
        try:
            est.set_params(**clone(params, safe=False))
        except ValueError as exc:
            if valid is None:
                valid = sorted(estimator.get_params(deep=True))
            bad = [p for p in params if p not in valid and p.split("__")[0] not in valid]
            raise ValueError(
                f"The candidate {params!r} sets parameter(s) {bad or list(params)} that "
                f"{type(estimator).__name__} does not have ({exc}). Its parameters are: "
                f"{valid}."
            ) from exc
        out.append(est)
    return out
