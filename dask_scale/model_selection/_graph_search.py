"""The graph of a whole search: every fit, transform and score a task named by its content.

A candidate's Pipeline (and any FeatureUnion in it) is taken apart into its steps. Each step's
fit is a task keyed by a token of (the step's estimator with its parameters, the rows it is
fitted on), and the rows it is fitted on are named by the fold and the fit upstream of it; each
transform of a fold is keyed by (the fitted step, the rows transformed). Candidates that share
a prefix of their pipeline therefore share its tasks: for two transformer settings times five
classifier settings and three folds, the transformer is fitted six times, not thirty.

The final step is fitted and scored on its test rows (and the train rows with
``return_train_score``) in one task, given the already transformed rows, so test folds are
transformed once per fitted upstream step and a fitted final step never travels between
tasks. When there are many such fits (more than 16 per scheduler thread), those reading the
same rows of a fold are grouped, several to a task (:meth:`SearchGraph.finish`): every fit
still runs once, on the same rows, and the scheduler's cost per task is paid far fewer
times. Scoring the final step on transformed
rows gives the numbers scoring the whole pipeline on raw rows gives (a Pipeline's predict is
its final step's predict of the transformed rows).

Every task caps the native thread pools it runs (:func:`thread_cap`) and catches the
failures of fits and scores when ``error_score`` is a number (``_Failed`` then flows down to
the score, which records ``error_score``).
"""

from __future__ import annotations

import threading
import time
import traceback

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from .._graph import content_token
from .._graph.keys import Opaque

__all__ = ["SearchGraph", "ThreadCap", "thread_cap"]

_CONTROLLER = {}
_CONTROLLER_LOCK = threading.Lock()


def _controller(api):
    """The threadpoolctl controller of the ``api`` ("openmp", "blas") libraries, one per
    process (inspecting the loaded libraries is slow). Selected by API, so that restoring
    one API's limit never resets another's (a full controller restores every library)."""
    import os

    from threadpoolctl import ThreadpoolController

    key = (os.getpid(), api)
    with _CONTROLLER_LOCK:
        ctl = _CONTROLLER.get(key)
        if ctl is None:
            ctl = _CONTROLLER[key] = ThreadpoolController().select(user_api=api)
        return ctl


_SHARED_BLAS = {"count": 0, "limiter": None}


class thread_cap:
    """Cap the native thread pools of ``apis`` to ``n`` threads while a task runs.

    ``apis`` holds "openmp" (a setting of the calling thread: each task sets and restores
    its own), "blas" (process-wide: set and restored by one caller, e.g. the driver around a
    whole search on dask's threads), or "shared-blas": process-wide, shared by the tasks
    running at once in a distributed worker: the first to start sets it, the last to finish
    restores it (so tasks that overlap never restore each other's limit halfway).
    """

    def __init__(self, n, apis):
        self.n = n
        self.apis = tuple(apis)
        self._limits = []
        self._shared = False

    def __enter__(self):
        if self.n is None or not self.apis:
            return self
        for api in self.apis:
            if api == "shared-blas":
                ctl = _controller("blas")
                with _CONTROLLER_LOCK:
                    if _SHARED_BLAS["count"] == 0:
                        _SHARED_BLAS["limiter"] = ctl.limit(limits=self.n)
                    _SHARED_BLAS["count"] += 1
                self._shared = True
            else:
                self._limits.append(_controller(api).limit(limits=self.n))
        return self

    def __exit__(self, *exc):
        while self._limits:
            self._limits.pop().restore_original_limits()
        if self._shared:
            self._shared = False
            with _CONTROLLER_LOCK:
                _SHARED_BLAS["count"] -= 1
                if _SHARED_BLAS["count"] == 0:
                    _SHARED_BLAS.pop("limiter").restore_original_limits()
                    _SHARED_BLAS["limiter"] = None


class ThreadCap:
    """What a task caps: ``n`` threads for the pools of ``apis`` (immutable, graph-safe)."""

    __slots__ = ("apis", "n")

    def __init__(self, n, apis):
        self.n = n
        self.apis = tuple(apis)

    def __reduce__(self):
        return (ThreadCap, (self.n, self.apis))

    def limits(self):
        return thread_cap(self.n, self.apis)


class _Failed:
    """A fit (or a step upstream of it) that raised, with the error's text."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


class _FitResult:
    __slots__ = ("estimator", "output", "seconds")

    def __init__(self, estimator, output, seconds):
        self.estimator = estimator
        self.output = output
        self.seconds = seconds


def _failure(exc):
    return _Failed("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


def _fit_step(estimator, X, y, fit_params, transform, error_score, cap):
    """Fit a clone of ``estimator`` on ``X``/``y`` (and transform ``X`` when asked)."""
    with cap.limits():
        return _fit(estimator, X, y, fit_params.value, transform, error_score)


def _fit(estimator, X, y, fit_params, transform, error_score):
    if isinstance(X, _Failed):
        return X
    start = time.perf_counter()
    try:
        est = clone(estimator)
        args = (X,) if y is None else (X, y)
        if not transform:
            est.fit(*args, **fit_params)
            output = None
        elif hasattr(est, "fit_transform"):
            output = est.fit_transform(*args, **fit_params)
        else:
            output = est.fit(*args, **fit_params).transform(X)
    except Exception as exc:
        if error_score == "raise":
            raise
        return _failure(exc)
    return _FitResult(est, output, time.perf_counter() - start)


def _part(result, what):
    """The fitted estimator, the transformed rows or the fit time of a :func:`_fit_step`."""
    if isinstance(result, _Failed):
        return 0.0 if what == "seconds" else result
    return getattr(result, what)


def _transform_step(estimator, X, error_score, cap):
    if isinstance(estimator, _Failed):
        return estimator
    if isinstance(X, _Failed):
        return X
    try:
        with cap.limits():
            return estimator.transform(X)
    except Exception as exc:
        if error_score == "raise":
            raise
        return _failure(exc)


def _stack_union(weights, *outputs):
    """A FeatureUnion's output from its parts' (weighted) outputs."""
    for out in outputs:
        if isinstance(out, _Failed):
            return out
    if not outputs:
        raise ValueError("internal: a FeatureUnion without transformers in a search")
    weighted = [out if w is None else out * w for out, w in zip(outputs, weights, strict=True)]
    if all(isinstance(out, pd.DataFrame) for out in weighted):
        return pd.concat(weighted, axis=1)
    if any(sp.issparse(out) for out in weighted):
        return sp.hstack(weighted).tocsr()
    return np.hstack([np.asarray(out) for out in weighted])


def _fit_score_batch(jobs, X_train, y_train, X_test, y_test, scorers, train, error_score, cap):
    """Fit and score final steps on one fold, one after the other in one task.

    ``jobs`` (an :class:`Opaque` list of ``(estimator, fit_params)``) share the fold's rows
    (``X_train`` and ``X_test`` already transformed by their common upstream steps): each
    is fitted on ``X_train``/``y_train`` and scored on ``X_test``/``y_test`` (and on the
    train rows when ``train``). Returns a score record per job, in order.
    """
    scorers = scorers.value
    with cap.limits():
        return [
            _score(
                _fit(est, X_train, y_train, fit_params, False, error_score),
                X_test, y_test, X_train, y_train, scorers, train, error_score,
            )
            for est, fit_params in jobs.value
        ]


def _score(fitted, X_test, y_test, X_train, y_train, scorers, train, error_score):
    """The scores of a fitted final step on its (transformed) test rows (and train rows)."""
    out = {"test": None, "train": None, "fit_time": 0.0, "score_time": 0.0, "failed": None,
           "n_test": None}
    failed = next((v for v in (fitted, X_test, X_train) if isinstance(v, _Failed)), None)
    if failed is not None:
        out["failed"] = failed.message
        return out
    out["fit_time"] = fitted.seconds
    est = fitted.estimator
    start = time.perf_counter()
    try:
        out["test"] = _scores(scorers, est, X_test, y_test)
        if train:
            out["train"] = _scores(scorers, est, X_train, y_train)
    except Exception as exc:
        if error_score == "raise":
            raise
        out["failed"] = _failure(exc).message
        out["test"] = out["train"] = None
    out["score_time"] = time.perf_counter() - start
    return out


def _scores(scorers, est, X, y):
    result = {}
    for name, scorer in scorers.items():
        value = scorer(est, X) if y is None else scorer(est, X, y)
        if isinstance(value, dict):  # a callable returning several metrics
            result.update(value)
        else:
            result[name] = value
    return result


def _candidate(batches, positions, upstream_seconds):
    """Per fold: the final step's score record (record ``positions[k]`` of the batch
    ``batches[k]``), its fit time including the upstream fits."""
    out = []
    for batch, position, seconds in zip(
        batches, positions.value, upstream_seconds, strict=True
    ):
        record = dict(batch[position])
        if record["failed"] is None:
            record["fit_time"] += float(sum(seconds))
        out.append(record)
    return out


def _is_pipeline(est):
    # exactly scikit-learn's Pipeline: a subclass (a sampler pipeline) may fit otherwise
    return type(est) is Pipeline and est.get_params(deep=False).get("transform_input") is None


def _is_union(est):
    return type(est) is FeatureUnion


def _is_passthrough(est):
    return est is None or (isinstance(est, str) and est == "passthrough")


class SearchGraph:
    """The tasks of one search, built candidate by candidate on top of a :class:`FoldData`.

    Parameters
    ----------
    folds : FoldData
    scorers : dict
        Name -> scorer.
    return_train_score : bool
    error_score : "raise" or float
    cap : ThreadCap
        What each task caps.
    """

    def __init__(self, folds, scorers, *, return_train_score, error_score, cap):
        self.data = folds
        self.graph = folds.graph  # fold nodes are added to it as candidates need them
        self.scorers = scorers
        self.return_train_score = return_train_score
        self.error_score = error_score
        self.cap = cap
        self._scorers_token = content_token(scorers)
        self._cap_token = (cap.n, cap.apis)  # part of every task: in its key too
        self._jobs = {}  # token -> _Job: each final-step fit-and-score once
        self._candidates = []
        self._tokens = {}  # id(estimator) -> (estimator, token) while the graph is built

    def _token_of(self, est):
        """The content token of ``est`` (hashed once per object: a candidate's steps are
        the same objects on every fold)."""
        held = self._tokens.get(id(est))
        if held is None:
            held = self._tokens[id(est)] = (est, content_token(est))
        return held[1]

    # -- steps ----------------------------------------------------------------------------
    def _fit(self, est, X, y, fit_params, transform):
        """The key of the fit (``transform``: fit_transform) of ``est`` on ``X``, ``y``."""
        (x_ref, x_id), (y_ref, y_id) = X, y
        token = content_token(
            self._token_of(est), x_id, y_id, fit_params, transform, self.error_score,
            self._cap_token,
        )
        key = f"search-fit-{type(est).__name__}-{token}"
        if key not in self.graph:
            self.graph[key] = (
                _fit_step,
                est,
                x_ref,
                y_ref,
                Opaque(fit_params),
                transform,
                self.error_score,
                self.cap,
            )
        return key

    def _get(self, key, what):
        part = f"search-{what}-{key[len('search-fit-'):]}"
        if part not in self.graph:
            self.graph[part] = (_part, key, what)
        return part

    def fit_transform(self, est, X, y, fit_params):
        """Fit ``est`` as an intermediate step: ``(train output node, transform, fit keys)``.

        ``transform(node) -> node`` adds the tasks transforming other rows with the fitted
        step; nodes are ``(ref, id)`` pairs.
        """
        if _is_passthrough(est):
            if fit_params:
                raise ValueError(f"Fit parameters {sorted(fit_params)} given to a passthrough step.")
            return X, (lambda node: node), []
        if _is_pipeline(est):
            routed = _route(est, fit_params)
            transforms, fits = [], []
            for name, step in est.steps:
                X, transform, step_fits = self.fit_transform(step, X, y, routed[name])
                transforms.append(transform)
                fits.extend(step_fits)

            def chain(node, transforms=tuple(transforms)):
                for transform in transforms:
                    node = transform(node)
                return node

            return X, chain, fits
        if _is_union(est):
            if fit_params:
                raise ValueError(
                    f"Fit parameters {sorted(fit_params)} for a FeatureUnion: a search splits "
                    "the union into its transformers and passes none to them."
                )
            weights_of = est.transformer_weights or {}
            parts = [(n, t) for n, t in est.transformer_list if not (isinstance(t, str) and t == "drop")]
            weights = [weights_of.get(n) for n, _ in parts]
            outs, transforms, fits = [], [], []
            for _, part in parts:
                out, transform, part_fits = self.fit_transform(part, X, y, {})
                outs.append(out)
                transforms.append(transform)
                fits.extend(part_fits)

            def union(node, transforms=tuple(transforms)):
                return self._stack([t(node) for t in transforms], weights)

            return self._stack(outs, weights), union, fits
        key = self._fit(est, X, y, fit_params, transform=True)
        est_key = self._get(key, "estimator")
        out_key = self._get(key, "output")

        def transform(node, est_key=est_key):
            ref, node_id = node
            tkey = f"search-transform-{content_token(est_key, node_id, self._cap_token)}"
            if tkey not in self.graph:
                self.graph[tkey] = (_transform_step, est_key, ref, self.error_score, self.cap)
            return tkey, tkey

        return (out_key, out_key), transform, [key]

    def _stack(self, nodes, weights):
        token = content_token([n[1] for n in nodes], weights)
        key = f"search-union-{token}"
        if key not in self.graph:
            self.graph[key] = (_stack_union, weights, *[n[0] for n in nodes])
        return key, key

    # -- candidates -----------------------------------------------------------------------
    def add_candidate(self, est, fold, fit_params):
        """Add what candidate estimator ``est`` needs on fold ``fold``: the tasks of its
        upstream steps, and its final step's fit-and-score job. Returns the job's token and
        the keys of the upstream fit times that add to its fit time."""
        X_train, y_train = self.data.node("X", fold, "train"), self.data.node("y", fold, "train")
        X_test, y_test = self.data.node("X", fold, "test"), self.data.node("y", fold, "test")
        upstream = []
        final = est
        if _is_pipeline(est):
            routed = _route(est, fit_params)
            *head, (last_name, final) = est.steps
            for name, step in head:
                X_train, transform, fits = self.fit_transform(step, X_train, y_train, routed[name])
                X_test = transform(X_test)
                upstream.extend(fits)
            fit_params = routed[last_name]
            if _is_passthrough(final):
                raise ValueError("A search needs a Pipeline whose last step is an estimator.")
        token = content_token(
            self._token_of(final), X_train[1], y_train[1], fit_params, X_test[1], y_test[1],
            self._scorers_token, self.return_train_score, self.error_score, self._cap_token,
        )
        if token not in self._jobs:
            self._jobs[token] = _Job(final, fit_params, X_train, y_train, X_test, y_test)
        return token, [self._get(k, "seconds") for k in upstream]

    def candidate_node(self, jobs, seconds_keys):
        """Record a candidate: its job per fold (from :meth:`add_candidate`) and the keys of
        the upstream fit times per fold. Its task is made by :meth:`finish`."""
        self._candidates.append((list(jobs), [list(s) for s in seconds_keys]))

    def finish(self, batch_size):
        """Add the fit-and-score tasks and one task per candidate; the candidates' keys.

        The final-step jobs reading the same (transformed) rows of a fold are grouped into
        tasks of at most ``batch_size`` jobs (:func:`_fit_score_batch`); a group's jobs are
        dealt to its tasks in turn (job ``i`` of ``n`` tasks to task ``i % n``), so that jobs
        next to each other in the grid, often alike in cost, spread over the tasks. Every job
        is still run once, whatever the batching.
        """
        groups = {}
        for token, job in self._jobs.items():
            groups.setdefault(job.rows, []).append(token)
        where = {}
        for tokens in groups.values():
            n_tasks = -(-len(tokens) // max(1, int(batch_size)))
            for t in range(n_tasks):
                members = tokens[t::n_tasks]
                key = f"search-score-{content_token(*members)}"
                first = self._jobs[members[0]]
                self.graph[key] = (
                    _fit_score_batch,
                    Opaque([(self._jobs[m].estimator, self._jobs[m].fit_params) for m in members]),
                    first.X_train[0],
                    first.y_train[0],
                    first.X_test[0],
                    first.y_test[0],
                    Opaque(self.scorers),
                    self.return_train_score,
                    self.error_score,
                    self.cap,
                )
                for position, member in enumerate(members):
                    where[member] = (key, position)
        keys = []
        for jobs, seconds in self._candidates:
            batches = [where[j][0] for j in jobs]
            positions = tuple(where[j][1] for j in jobs)
            token = content_token(*batches, str(positions), str(seconds))
            key = f"search-candidate-{token}"
            self.graph[key] = (_candidate, batches, Opaque(positions), seconds)
            keys.append(key)
        return keys


class _Job:
    """The fit and score of a final step on one fold's rows (``(ref, id)`` nodes)."""

    __slots__ = ("X_test", "X_train", "estimator", "fit_params", "rows", "y_test", "y_train")

    def __init__(self, estimator, fit_params, X_train, y_train, X_test, y_test):
        self.estimator = estimator
        self.fit_params = fit_params
        self.X_train, self.y_train, self.X_test, self.y_test = X_train, y_train, X_test, y_test
        self.rows = (X_train[1], y_train[1], X_test[1], y_test[1])


def _route(pipeline, fit_params):
    """``step__param`` fit parameters of a Pipeline, per step name."""
    routed = {name: {} for name, _ in pipeline.steps}
    for key, value in fit_params.items():
        step, sep, param = key.partition("__")
        if not sep or step not in routed:
            raise ValueError(
                f"Fit parameter {key!r} for a Pipeline must be named '<step>__<parameter>' "
                f"with a step among {list(routed)}."
            )
        routed[step][param] = value
    return routed
