"""Scorers that score dask input without gathering X.

A scorer is called as ``scorer(estimator, X, y, sample_weight=None)``. With dask ``X`` the
response it needs (``predict``, ``predict_proba``, ``decision_function``) is built lazily,
block by block: by the estimator itself when it answers dask input lazily (the dask_scale
estimators, :class:`dask_scale.wrappers.ParallelPostFit`, a Pipeline of them), else by
wrapping the fitted estimator in ``ParallelPostFit``, which maps the method over the row
blocks. The response then goes to this package's metric, one tree reduction with ``y`` and
the weights: a few numbers come back, never the rows. With in-memory input a scorer is
scikit-learn's own scorer of that name (the same value, bit for bit).

Names (:func:`get_scorer_names`) are scikit-learn's. Those in :data:`SCORERS` run
blockwise; the others (e.g. ``"top_k_accuracy"``, ``"average_precision"``,
``"explained_variance"``) run scikit-learn's scorer on the estimator's responses, each
computed blockwise and concatenated into memory (X itself still never is), with ``y``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import sklearn.metrics as skm
from dask.delayed import Delayed, delayed
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if

from .._graph import content_token
from .._graph.compute import compute as _compute
from .._types import is_dask_collection
from . import _classification as C
from . import _ranking as R
from . import _regression as G

__all__ = [
    "SCORERS",
    "check_scoring",
    "get_scorer",
    "get_scorer_names",
    "make_scorer",
]


def _lazy_by_itself(estimator):
    """Whether the estimator answers dask input lazily (dask_scale's own, or a Pipeline of
    them)."""
    if isinstance(estimator, Pipeline):
        return all(
            step in (None, "passthrough") or _lazy_by_itself(step)
            for _, step in estimator.steps
        )
    return type(estimator).__module__.split(".")[0] == "dask_scale"


def _methods(response_method):
    return (response_method,) if isinstance(response_method, str) else tuple(response_method)


def _pick_method(estimator, response_method):
    for method in _methods(response_method):
        if hasattr(estimator, method):
            return method
    raise AttributeError(
        f"{type(estimator).__name__} has none of the methods {list(_methods(response_method))} "
        "that this scorer needs."
    )


def lazy_response(estimator, method, X):
    """``estimator.<method>(X)`` for dask ``X``, built lazily block by block."""
    if not _lazy_by_itself(estimator):
        from ..wrappers import ParallelPostFit

        estimator = ParallelPostFit(estimator)
    return getattr(estimator, method)(X)


def _inner(estimator):
    get = getattr(estimator, "_postfit_estimator", None)
    return get() if get is not None else estimator


def _positive_column(estimator, response, method, pos_label):
    """The positive class's column of a binary ``predict_proba`` (scikit-learn's choice)."""
    classes = getattr(estimator, "classes_", None)
    if method != "predict_proba" or classes is None or len(classes) != 2:
        return response
    if pos_label is None:
        column = 1
    else:
        matches = np.flatnonzero(np.asarray(classes) == pos_label)
        if not len(matches):
            raise ValueError(
                f"pos_label={pos_label!r} is not a valid label: It should be one of {classes}"
            )
        column = int(matches[0])
    if hasattr(response, "iloc"):  # a dask DataFrame of probabilities
        return response.iloc[:, column]
    return response[:, column]


def _signed(value, sign):
    return sign * value if sign == 1 else -value


class DaskScorer:
    """A scorer whose metric runs blockwise on dask input (see the module notes).

    Parameters
    ----------
    score_func : callable
        A metric of this package, ``score_func(y_true, response, *, sample_weight,
        compute, **kwargs)``.
    sign : {1, -1}
        -1 for losses (the score is the negated metric, greater is better).
    kwargs : dict
        Passed to ``score_func``.
    response_method : str or tuple of str
        The estimator method(s) giving the response, the first available used.
    sk_scorer : callable or None
        scikit-learn's scorer for in-memory input (None: ``score_func`` on the in-memory
        response).
    compute : bool, default=True
        The default of ``compute`` in calls.
    """

    def __init__(self, score_func, sign, kwargs, response_method, sk_scorer=None,
                 compute=True):
        self._score_func = score_func
        self._sign = sign
        self._kwargs = kwargs
        self._response_method = response_method
        self._sk_scorer = sk_scorer
        self._compute = compute

    def __repr__(self):
        kwargs = "".join(f", {k}={v!r}" for k, v in self._kwargs.items())
        sign = "" if self._sign == 1 else ", greater_is_better=False"
        return (f"make_scorer({self._score_func.__name__}{sign}, "
                f"response_method={self._response_method!r}{kwargs})")

    def __call__(self, estimator, X, y_true=None, sample_weight=None, *, compute=None,
                 **kwargs):
        """The score of the fitted ``estimator`` on ``(X, y_true)``.

        ``compute=False`` (dask input) returns a ``dask.delayed.Delayed`` of the score.
        """
        compute = self._compute if compute is None else compute
        kwargs = {**self._kwargs, **kwargs}
        if not any(is_dask_collection(v) for v in (X, y_true, sample_weight)):
            if self._sk_scorer is not None and kwargs == self._kwargs:
                extra = {} if sample_weight is None else {"sample_weight": sample_weight}
                return self._sk_scorer(estimator, X, y_true, **extra)
            method = _pick_method(estimator, self._response_method)
            response = _positive_column(estimator, getattr(estimator, method)(X), method,
                                        kwargs.get("pos_label"))
            return self._sign * self._score_func(y_true, response,
                                                 sample_weight=sample_weight, **kwargs)
        method = _pick_method(estimator, self._response_method)
        if is_dask_collection(X):
            response = lazy_response(estimator, method, X)
        else:
            response = getattr(estimator, method)(X)
        response = _positive_column(_inner(estimator), response, method,
                                    kwargs.get("pos_label"))
        value = self._score_func(y_true, response, sample_weight=sample_weight,
                                 compute=compute, **kwargs)
        if isinstance(value, Delayed):
            token = content_token(value.key, self._sign)
            return delayed(_signed, pure=True)(value, self._sign,
                                               dask_key_name=f"signed-score-{token}")
        return _signed(value, self._sign)


class _ResponseProxy:
    """Stands in for the fitted estimator in a scikit-learn scorer on dask ``X``.

    The scorer asks for ``predict`` / ``predict_proba`` / ``decision_function`` /
    ``predict_log_proba`` of the scored X; each is built blockwise (:func:`lazy_response`),
    computed once and concatenated into memory. Other attributes (``classes_``, tags) are
    the estimator's.
    """

    def __init__(self, estimator, X):
        self._estimator = estimator
        self._X = X
        self._cache = {}

    def __sklearn_tags__(self):
        return get_tags(_inner(self._estimator))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(_inner(self.__dict__["_estimator"]), name)

    def _response(self, method, X):
        if X is not self._X:
            raise ValueError(
                "A scorer called the estimator on data other than the X being scored; "
                "a scorer on dask input only answers for the X it was given. Score that data "
                "separately."
            )
        if method not in self._cache:
            (out,) = _compute(lazy_response(self._estimator, method, X))
            self._cache[method] = _to_numpy(out)
        return self._cache[method]

    def _has(method):
        return lambda self: hasattr(self._estimator, method)

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




def _to_numpy(value):
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.to_numpy()
    return value


def _in_memory_kwargs(y, sample_weight):
    y, sample_weight = _compute(y, sample_weight)
    kwargs = {} if sample_weight is None else {"sample_weight": _to_numpy(sample_weight)}
    return _to_numpy(y), kwargs


class InMemoryScorer:
    """A scikit-learn scorer (or scorer callable) used on dask input: the estimator's
    responses are built blockwise and concatenated into memory (X never is), ``y`` and the
    weights computed, then the scorer runs. ``compute=False`` cannot be honoured (the
    scorer calls the estimator itself) and warns."""

    def __init__(self, scorer, name=None):
        self._scorer = scorer
        self._name = name

    def __repr__(self):
        return f"InMemoryScorer({self._name or self._scorer!r})"

    def __call__(self, estimator, X, y_true=None, sample_weight=None, *, compute=True,
                 **kwargs):
        if not is_dask_collection(X):
            if is_dask_collection(y_true) or is_dask_collection(sample_weight):
                y_true, extra = _in_memory_kwargs(y_true, sample_weight)
            else:
                extra = {} if sample_weight is None else {"sample_weight": sample_weight}
            return self._scorer(estimator, X, y_true, **extra, **kwargs)
        if not compute:
            warnings.warn(
                f"compute=False: scoring={self._name or self._scorer!r} is not one of the "
                "scorers computed blockwise (dask_scale.metrics.SCORERS); the scorer calls "
                "the estimator itself, so the score is computed now and returned as a float.",
                UserWarning,
                stacklevel=3,
            )
        y_true, extra = _in_memory_kwargs(y_true, sample_weight)
        return self._scorer(_ResponseProxy(estimator, X), X, y_true, **extra, **kwargs)


def _named(func, sign, response_method, name, **kwargs):
    return DaskScorer(func, sign, kwargs, response_method, skm.get_scorer(name))


def _build_scorers():
    out = {
        "accuracy": _named(C.accuracy_score, 1, "predict", "accuracy"),
        "balanced_accuracy": _named(C.balanced_accuracy_score, 1, "predict",
                                    "balanced_accuracy"),
        "matthews_corrcoef": _named(C.matthews_corrcoef, 1, "predict", "matthews_corrcoef"),
        "neg_log_loss": _named(C.log_loss, -1, "predict_proba", "neg_log_loss"),
        "roc_auc": _named(R.roc_auc_score, 1, ("decision_function", "predict_proba"),
                          "roc_auc"),
        "roc_auc_ovr": _named(R.roc_auc_score, 1, "predict_proba", "roc_auc_ovr",
                              multi_class="ovr"),
        "roc_auc_ovo": _named(R.roc_auc_score, 1, "predict_proba", "roc_auc_ovo",
                              multi_class="ovo"),
        "roc_auc_ovo_weighted": _named(R.roc_auc_score, 1, "predict_proba",
                                       "roc_auc_ovo_weighted", multi_class="ovo",
                                       average="weighted"),
        "roc_auc_ovr_weighted": _named(R.roc_auc_score, 1, "predict_proba",
                                       "roc_auc_ovr_weighted", multi_class="ovr",
                                       average="weighted"),
        "r2": _named(G.r2_score, 1, "predict", "r2"),
        "neg_mean_squared_error": _named(G.mean_squared_error, -1, "predict",
                                         "neg_mean_squared_error"),
        "neg_root_mean_squared_error": _named(G.root_mean_squared_error, -1, "predict",
                                              "neg_root_mean_squared_error"),
        "neg_mean_absolute_error": _named(G.mean_absolute_error, -1, "predict",
                                          "neg_mean_absolute_error"),
        "neg_mean_absolute_percentage_error": _named(
            G.mean_absolute_percentage_error, -1, "predict",
            "neg_mean_absolute_percentage_error"),
        "neg_mean_squared_log_error": _named(G.mean_squared_log_error, -1, "predict",
                                             "neg_mean_squared_log_error"),
        "neg_root_mean_squared_log_error": _named(G.root_mean_squared_log_error, -1,
                                                  "predict",
                                                  "neg_root_mean_squared_log_error"),
    }
    for base, func in [("precision", C.precision_score), ("recall", C.recall_score),
                       ("f1", C.f1_score), ("jaccard", C.jaccard_score)]:
        out[base] = _named(func, 1, "predict", base, average="binary")
        for average in ("macro", "micro", "weighted"):
            name = f"{base}_{average}"
            out[name] = _named(func, 1, "predict", name, average=average)
    return dict(sorted(out.items()))


#: Scorer name -> scorer computed blockwise on dask input (dask-ml's dict of scorers).
SCORERS = _build_scorers()


def get_scorer_names():
    """The names :func:`get_scorer` accepts, scikit-learn's scorer names.

    Those in ``SCORERS`` run blockwise on dask input, the others on the responses computed
    into memory.

    Returns
    -------
    list of str
    """
    return sorted(skm.get_scorer_names())


def get_scorer(scoring, compute=True):
    """The scorer named ``scoring`` (a callable is returned as it is).

    Parameters
    ----------
    scoring : str or callable
        A name from :func:`get_scorer_names`.
    compute : bool, default=True
        dask-ml's keyword: the default ``compute`` of the scorer's calls (False: a
        ``dask.delayed.Delayed`` of the score for dask input, for the scorers of
        :data:`SCORERS`).

    Returns
    -------
    callable
        ``scorer(estimator, X, y, sample_weight=None, compute=...)``.
    """
    if callable(scoring):
        return scoring
    if not isinstance(scoring, str):
        raise TypeError(f"scoring must be a str or a callable, got {type(scoring).__name__}.")
    if scoring in SCORERS:
        if compute == SCORERS[scoring]._compute:
            return SCORERS[scoring]
        base = SCORERS[scoring]
        return DaskScorer(base._score_func, base._sign, base._kwargs, base._response_method,
                          base._sk_scorer, compute=compute)
    if scoring not in skm.get_scorer_names():
        raise ValueError(
            f"{scoring!r} is not a valid scoring value. Use "
            "dask_scale.metrics.get_scorer_names() to get valid options."
        )
    return InMemoryScorer(skm.get_scorer(scoring), scoring)


#: scikit-learn metric -> this package's blockwise metric of the same definition.
_DASK_TWINS = {
    getattr(skm, name): getattr(module, name)
    for module in (C, R, G)
    for name in module.__all__
    if hasattr(skm, name)
}


def make_scorer(score_func, *, response_method="predict", greater_is_better=True, **kwargs):
    """A scorer from a metric, as :func:`sklearn.metrics.make_scorer`.

    A metric of this package, or a scikit-learn metric that this package computes
    blockwise (replaced by it), gives a scorer that scores dask input blockwise. Any other
    metric gives a scorer that computes the estimator's response and ``y`` into memory on
    dask input (X still never is) and calls it.

    Parameters
    ----------
    score_func : callable
        ``score_func(y_true, response, **kwargs)``.
    response_method : str or tuple of str, default="predict"
    greater_is_better : bool, default=True
        False for a loss: the scorer returns its negative.
    **kwargs : passed to ``score_func``.

    Returns
    -------
    callable
    """
    sign = 1 if greater_is_better else -1
    sk_func = next((k for k, v in _DASK_TWINS.items() if v is score_func), score_func)
    sk_scorer = skm.make_scorer(sk_func, response_method=response_method,
                                greater_is_better=greater_is_better, **kwargs)
    dask_func = _DASK_TWINS.get(score_func, score_func)
    if getattr(dask_func, "__module__", "").startswith("dask_scale.metrics"):
        return DaskScorer(dask_func, sign, kwargs, response_method, sk_scorer)
    return InMemoryScorer(sk_scorer)


def _final_step(estimator):
    estimator = _inner(estimator)
    while isinstance(estimator, Pipeline):
        estimator = _inner(estimator.steps[-1][1])
    return estimator


class _PassthroughScorer:
    """The estimator's own ``score``: on dask input, scikit-learn's classifier (accuracy)
    and regressor (R²) scores run blockwise, any other ``score`` is the estimator's."""

    def __call__(self, estimator, X, y_true=None, sample_weight=None, *, compute=True):
        if is_dask_collection(X):
            metric = own_score_metric(estimator)
            if metric is not None:
                return SCORERS[metric](estimator, X, y_true, sample_weight, compute=compute)
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        return estimator.score(X, y_true, **kwargs)


def own_score_metric(estimator):
    """``"accuracy"`` / ``"r2"`` when the estimator's ``score`` is scikit-learn's classifier
    / regressor score (directly or as the last step of a Pipeline), else None."""
    score = getattr(type(_final_step(estimator)), "score", None)
    if score is ClassifierMixin.score:
        return "accuracy"
    if score is RegressorMixin.score:
        return "r2"
    return None


class _MultiScorer:
    def __init__(self, scorers):
        self._scorers = scorers

    def __call__(self, estimator, X, y_true=None, sample_weight=None, **kwargs):
        return {name: s(estimator, X, y_true, sample_weight, **kwargs)
                for name, s in self._scorers.items()}


def check_scoring(estimator, scoring=None, *, allow_none=False):
    """The scorer for ``scoring``, as :func:`sklearn.metrics.check_scoring`.

    Parameters
    ----------
    estimator : estimator
    scoring : str, callable, list, tuple, dict or None, default=None
        None: the estimator's ``score`` (blockwise on dask input for scikit-learn's
        accuracy and R² scores); a name (:func:`get_scorer_names`); a callable
        ``scorer(estimator, X, y)``, returned as it is; several names (list, tuple, or a
        dict name -> scorer) give a scorer returning a dict of scores.
    allow_none : bool, default=False
        Return None instead of raising when ``scoring`` is None and the estimator has no
        ``score``.

    Returns
    -------
    callable or None
    """
    if isinstance(scoring, (list, tuple, set, dict)):
        items = scoring.items() if isinstance(scoring, dict) else [(s, s) for s in scoring]
        return _MultiScorer({name: get_scorer(s) for name, s in items})
    if scoring is not None:
        return get_scorer(scoring)
    if hasattr(estimator, "score"):
        return _PassthroughScorer()
    if allow_none:
        return None
    raise TypeError(
        f"If no scoring is specified, the estimator passed should have a 'score' method. "
        f"The estimator {estimator!r} does not."
    )
