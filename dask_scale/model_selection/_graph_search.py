"""The graph of a whole search: every fit, transform and score a task named by its content.

A candidate's Pipeline (and any FeatureUnion in it) is taken apart into its steps. Each step's
fit is a task keyed by a token of (the step's estimator with its parameters, the rows it is
fitted on), and the rows it is fitted on are named by the fold and the fit upstream of it; each
transform of a fold is keyed by (the fitted step, the rows transformed). Candidates that share
a prefix of their pipeline therefore share its tasks: for two transformer settings times five
classifier settings and three folds, the transformer is fitted six times, not thirty.

The final step's score on the test rows (and the train rows with ``return_train_score``) is
one task per (fitted final step, fold), given the already transformed test rows, so test
folds are transformed once per fitted upstream step. Scoring the final step on transformed
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

__all__ = ["Opaque", "SearchGraph", "ThreadCap", "thread_cap"]

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


class Opaque:
    """A value passed to a task as it is (dask does not look inside it for keys)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (Opaque, (self.value,))


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
    if isinstance(X, _Failed):
        return X
    start = time.perf_counter()
    try:
        with cap.limits():
            est = clone(estimator)
            fit_params = fit_params.value
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


def _score_step(fitted, X_test, y_test, X_train, y_train, scorers, train, error_score, cap):
    """The scores of a fitted final step on its (transformed) test rows (and train rows)."""
    out = {"test": None, "train": None, "fit_time": 0.0, "score_time": 0.0, "failed": None,
           "n_test": None}
    failed = next((v for v in (fitted, X_test, X_train) if isinstance(v, _Failed)), None)
    if failed is not None:
        out["failed"] = failed.message
        return out
    out["fit_time"] = fitted.seconds
    est = fitted.estimator
    scorers = scorers.value
    start = time.perf_counter()
    try:
        with cap.limits():
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


def _candidate(scores, upstream_seconds):
    """Per fold: the final step's score record, its fit time including the upstream fits."""
    out = []
    for record, seconds in zip(scores, upstream_seconds, strict=True):
        record = dict(record)
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

    # -- steps ----------------------------------------------------------------------------
    def _fit(self, est, X, y, fit_params, transform):
        """The key of the fit (``transform``: fit_transform) of ``est`` on ``X``, ``y``."""
        (x_ref, x_id), (y_ref, y_id) = X, y
        token = content_token(
            est, x_id, y_id, fit_params, transform, self.error_score, self._cap_token
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
        """The score task of candidate estimator ``est`` on fold ``fold``, and the keys of
        the upstream fits whose times add to its fit time."""
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
        fit_key = self._fit(final, X_train, y_train, fit_params, transform=False)
        token = content_token(
            fit_key, X_test[1], y_test[1], X_train[1], self._scorers_token,
            self.return_train_score, self.error_score, self._cap_token,
        )
        score_key = f"search-score-{token}"
        if score_key not in self.graph:
            self.graph[score_key] = (
                _score_step,
                fit_key,
                X_test[0],
                y_test[0],
                X_train[0] if self.return_train_score else None,
                y_train[0] if self.return_train_score else None,
                Opaque(self.scorers),
                self.return_train_score,
                self.error_score,
                self.cap,
            )
        return score_key, [self._get(k, "seconds") for k in upstream]

    def candidate_node(self, score_keys, seconds_keys):
        """One task per candidate collecting its folds' records (its key names its content)."""
        key = f"search-candidate-{content_token(score_keys, seconds_keys)}"
        self.graph[key] = (_candidate, list(score_keys), [list(s) for s in seconds_keys])
        return key


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
