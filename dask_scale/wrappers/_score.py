"""Scoring a fitted estimator on dask input without gathering X.

- Metrics that are sums over rows run blockwise on the predictions and ``y`` (one tree
  reduction, nothing but a few numbers comes back): ``"accuracy"``, ``"r2"``,
  ``"neg_mean_squared_error"``, ``"neg_mean_absolute_error"``, and ``scoring=None`` when the
  estimator's ``score`` is scikit-learn's classifier (accuracy) or regressor (R²) score,
  directly or as the last step of a Pipeline.
- Any other scorer (a name from ``sklearn.metrics.get_scorer_names()`` or a callable
  ``scorer(estimator, X, y)``) gets the outputs it asks for (``predict``, ``predict_proba``,
  ``decision_function``, ...) computed blockwise and concatenated in memory, plus ``y``;
  X itself is never gathered.
- ``scoring=None`` with an estimator whose own ``score`` is something else (e.g. KMeans'
  negative inertia) needs X itself: X, y are computed into memory and the estimator's score is
  called on them.

``compute=False`` (dask input) returns a :class:`dask.delayed.Delayed` instead of a float:
the tree reduction of a blockwise metric, or one task calling the estimator's own ``score``
on the computed X and y. Any other scorer calls the estimator's methods itself, so what it
needs is known only when it runs: it is computed now, with a UserWarning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from dask.delayed import delayed
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if

from .._graph import content_token, reduce_blocks, tree_reduce
from .._kernels.stats import block_moments, merge_moments
from .._validation import (
    check_consistent_rows,
    check_sample_weight,
    frame_to_dask_array,
    is_dask_collection,
    is_dask_frame,
)
from ._blockwise import compute as compute_

__all__ = ["BLOCKWISE_SCORERS", "score"]


def _as_2d_float(a, n):
    return np.asarray(a, dtype=np.float64).reshape(n, -1)


def _accuracy_chunk(pred, y, w):
    if pred.ndim == 2 and pred.shape[1] > 1:
        correct = np.all(pred == np.asarray(y).reshape(pred.shape), axis=1)
    else:
        correct = pred.reshape(-1) == np.asarray(y).reshape(-1)
    if w is None:
        return float(correct.sum()), float(correct.shape[0])
    return float(w @ correct), float(w.sum())


def _accuracy_aggregate(parts):
    hits, total = parts
    return float(hits / total)


def _errors_chunk(power):
    def chunk(pred, y, w):
        n = pred.shape[0]
        diff = np.abs(_as_2d_float(y, n) - _as_2d_float(pred, n)) ** power
        if w is None:
            return diff.sum(axis=0), float(n)
        return w @ diff, float(w.sum())

    return chunk


def _neg_mean_aggregate(parts):
    sums, total = parts
    return float(-np.mean(sums / total))


def _r2_chunk(pred, y, w):
    """(moments of y around its block mean, residual sum of squares, rows) of one block."""
    n = pred.shape[0]
    y2 = _as_2d_float(y, n)
    p2 = _as_2d_float(pred, n)
    if y2.shape != p2.shape:
        raise ValueError(f"y has shape {y2.shape} but the predictions have shape {p2.shape}.")
    w = np.ones(n) if w is None else np.asarray(w, dtype=np.float64)
    moments = block_moments(np.ascontiguousarray(y2), w, True)
    return moments, w @ (y2 - p2) ** 2, n


def _r2_combine(parts):
    """Merge partials: the moments with the library's stable merge, the rest summed."""
    moments, ss_res, n = parts[0]
    for moments_b, res_b, n_b in parts[1:]:
        moments = merge_moments(moments, moments_b)
        ss_res = ss_res + res_b
        n += n_b
    return moments, ss_res, n


def _r2_aggregate(parts):
    (_, _, _, denominator), numerator, n = parts
    if n < 2:
        warnings.warn(
            "R^2 score is not well-defined with less than two samples.", UndefinedMetricWarning
        )
        return float("nan")
    # scikit-learn's r2_score (force_finite=True, multioutput="uniform_average").
    scores = np.ones(denominator.shape[0])
    nonzero_den = denominator != 0
    nonzero_num = numerator != 0
    valid = nonzero_den & nonzero_num
    scores[valid] = 1.0 - numerator[valid] / denominator[valid]
    scores[nonzero_num & ~nonzero_den] = 0.0
    return float(np.mean(scores))


#: scorer name -> (chunk, combine or None for element-wise sums, aggregate, finite check)
BLOCKWISE_SCORERS = {
    "accuracy": (_accuracy_chunk, None, _accuracy_aggregate, False),
    "r2": (_r2_chunk, _r2_combine, _r2_aggregate, True),
    "neg_mean_squared_error": (_errors_chunk(2), None, _neg_mean_aggregate, True),
    "neg_mean_absolute_error": (_errors_chunk(1), None, _neg_mean_aggregate, True),
}


def _final_step(estimator):
    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    return estimator


def blockwise_metric(estimator, scoring):
    """The name of the blockwise metric for ``scoring``, or None when none applies."""
    if scoring is None:
        score_method = getattr(type(_final_step(estimator)), "score", None)
        if score_method is ClassifierMixin.score:
            return "accuracy"
        if score_method is RegressorMixin.score:
            return "r2"
        return None
    if isinstance(scoring, str) and scoring in BLOCKWISE_SCORERS:
        return scoring
    return None


def _rows_array(obj, name):
    """A dask array of rows (one column block) from a dask array/Series/DataFrame."""
    if is_dask_frame(obj):
        with warnings.catch_warnings():
            # Extension dtypes (pandas strings) become object arrays: what the metrics need.
            warnings.filterwarnings("ignore", message="Dask currently has limited support")
            obj = frame_to_dask_array(obj)
    if obj.ndim == 2 and len(obj.chunks[1]) > 1:
        obj = obj.rechunk({1: -1})
    if obj.ndim > 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got {obj.ndim} dimensions.")
    return obj


def _reduce_metric(metric, pred, y, sample_weight, compute=True):
    chunk, combine, aggregate, finite = BLOCKWISE_SCORERS[metric]
    pred = _rows_array(pred, "the predictions")
    if is_dask_collection(y):
        y = _rows_array(y, "y")
    else:
        y = np.asarray(y)
    y = check_consistent_rows(pred, y)
    if sample_weight is not None:
        sample_weight = check_sample_weight(sample_weight, pred)
    kwargs = {"aggregate": aggregate, "check_finite": {0: "the predictions", 1: "y"} if finite else {}}
    if combine is not None:
        kwargs["combine"] = combine
    reduce = reduce_blocks if compute else tree_reduce
    return reduce(chunk, [pred, y, sample_weight], name=f"score-{metric}", **kwargs)


def _to_numpy(value):
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.to_numpy()
    return value


class _BlockwiseResponses:
    """Stands in for the fitted estimator in a scikit-learn scorer.

    The scorer asks for ``predict`` / ``predict_proba`` / ``decision_function`` /
    ``predict_log_proba`` of the scored X; each is computed blockwise by the wrapper once and
    concatenated into memory. Other attributes (``classes_``, tags) are the estimator's.
    """

    def __init__(self, wrapper, X):
        self._wrapper = wrapper
        self._X = X
        self._cache = {}

    def __sklearn_tags__(self):
        return get_tags(self._wrapper._postfit_estimator())

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.__dict__["_wrapper"]._postfit_estimator(), name)

    def _response(self, method, X):
        if X is not self._X:
            raise ValueError(
                "A scorer called the estimator on data other than the X being scored; "
                "ParallelPostFit.score only answers for the X it was given. Score that data "
                "separately."
            )
        if method not in self._cache:
            (out,) = compute_(getattr(self._wrapper, method)(X))
            self._cache[method] = _to_numpy(out)
        return self._cache[method]

    def _has(method):
        return lambda self: hasattr(self._wrapper._postfit_estimator(), method)

    @available_if(_has("predict"))
    def predict(self, X):
        return self._response("predict", X)

    @available_if(_has("predict_proba"))
    def predict_proba(self, X):
        return self._response("predict_proba", X)

    @available_if(_has("predict_log_proba"))
    def predict_log_proba(self, X):
        return self._response("predict_log_proba", X)

    @available_if(_has("decision_function"))
    def decision_function(self, X):
        return self._response("decision_function", X)

    del _has


def _own_score(estimator, X, y, sample_weight):
    """The estimator's own ``score`` on in-memory X and y (pandas y as NumPy)."""
    kwargs = {} if sample_weight is None else {"sample_weight": _to_numpy(sample_weight)}
    return estimator.score(X, _to_numpy(y), **kwargs)


def score(wrapper, X, y, sample_weight=None, compute=True):
    """Score the wrapper's fitted estimator on (X, y); see the module docstring."""
    estimator = wrapper._postfit_estimator()
    scoring = wrapper.scoring
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    if not is_dask_collection(X):
        if is_dask_collection(y) or is_dask_collection(sample_weight):
            y, sample_weight = compute_(y, sample_weight)
            y = _to_numpy(y)
            kwargs = {} if sample_weight is None else {"sample_weight": _to_numpy(sample_weight)}
        if scoring is None:
            return estimator.score(X, y, **kwargs)
        return get_scorer(scoring)(estimator, X, y, **kwargs)
    metric = blockwise_metric(estimator, scoring)
    if metric is not None:
        return _reduce_metric(metric, wrapper.predict(X), y, sample_weight, compute)
    if scoring is None:
        if not compute:
            token = content_token(estimator, X, y, sample_weight)
            return delayed(_own_score, pure=True)(
                estimator, X, y, sample_weight, dask_key_name=f"own-score-{token}"
            )
        X, y, sample_weight = compute_(X, y, sample_weight)
        return _own_score(estimator, X, y, sample_weight)
    if not compute:
        warnings.warn(
            f"score(compute=False): scoring={scoring!r} is not one of the metrics computed "
            f"blockwise ({', '.join(sorted(BLOCKWISE_SCORERS))}); the scorer calls the "
            "estimator itself, so the score is computed now and returned as a float.",
            UserWarning,
            stacklevel=3,
        )
    y, sample_weight = compute_(y, sample_weight)
    kwargs = {} if sample_weight is None else {"sample_weight": _to_numpy(sample_weight)}
    return get_scorer(scoring)(_BlockwiseResponses(wrapper, X), X, _to_numpy(y), **kwargs)
