"""Scoring a fitted estimator on dask input without gathering X: the wrappers' ``score``.

Everything goes through :mod:`dask_scale.metrics`' scorers, called with the wrapper itself
as the estimator (so the responses are the wrapper's lazy blockwise ``predict``,
``predict_proba``, ``decision_function``):

- ``scoring`` a name of :data:`dask_scale.metrics.SCORERS` (``"accuracy"``, ``"r2"``,
  ``"neg_mean_squared_error"``, ``"neg_log_loss"``, ``"roc_auc"``, ``"f1_macro"``, ...), or
  None when the estimator's ``score`` is scikit-learn's classifier (accuracy) or regressor
  (R²) score, directly or as the last step of a Pipeline: the metric runs on the lazy
  responses and ``y`` in one tree reduction; nothing but a few numbers comes back.
- any other name of ``sklearn.metrics.get_scorer_names()``, or a callable
  ``scorer(estimator, X, y)``: the responses it asks for are computed blockwise and
  concatenated in memory, plus ``y`` (:class:`dask_scale.metrics._scorer.InMemoryScorer`);
  X itself is never gathered.
- ``scoring=None`` with an estimator whose own ``score`` is something else (e.g. KMeans'
  negative inertia) needs X itself: X, y are computed into memory and the estimator's score
  is called on them.

``compute=False`` (dask input) returns a :class:`dask.delayed.Delayed` instead of a float:
the tree reduction of a blockwise scorer, or one task calling the estimator's own ``score``
on the computed X and y. Any other scorer calls the estimator's methods itself, so what it
needs is known only when it runs: it is computed now, with a UserWarning.
"""

from __future__ import annotations

import pandas as pd
from dask.delayed import delayed
from sklearn.metrics import get_scorer as sk_get_scorer

from .._graph import content_token
from .._validation import is_dask_collection
from ..metrics import SCORERS, get_scorer
from ..metrics._scorer import DaskScorer, InMemoryScorer, own_score_metric
from ._blockwise import compute as compute_

__all__ = ["score"]


def _to_numpy(value):
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.to_numpy()
    return value


def _own_score(estimator, X, y, sample_weight):
    """The estimator's own ``score`` on in-memory X and y (pandas y as NumPy)."""
    kwargs = {} if sample_weight is None else {"sample_weight": _to_numpy(sample_weight)}
    return estimator.score(X, _to_numpy(y), **kwargs)


def score(wrapper, X, y, sample_weight=None, compute=True):
    """Score the wrapper's fitted estimator on (X, y); see the module docstring."""
    estimator = wrapper._postfit_estimator()
    scoring = wrapper.scoring
    if not is_dask_collection(X):
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        if is_dask_collection(y) or is_dask_collection(sample_weight):
            y, sample_weight = compute_(y, sample_weight)
            y = _to_numpy(y)
            kwargs = {} if sample_weight is None else {"sample_weight": _to_numpy(sample_weight)}
        if scoring is None:
            return estimator.score(X, y, **kwargs)
        return sk_get_scorer(scoring)(estimator, X, y, **kwargs)
    if scoring is None:
        metric = own_score_metric(estimator)
        if metric is not None:
            return SCORERS[metric](wrapper, X, y, sample_weight, compute=compute)
        if not compute:
            token = content_token(estimator, X, y, sample_weight)
            return delayed(_own_score, pure=True)(
                estimator, X, y, sample_weight, dask_key_name=f"own-score-{token}"
            )
        X, y, sample_weight = compute_(X, y, sample_weight)
        return _own_score(estimator, X, y, sample_weight)
    scorer = get_scorer(scoring)
    if not isinstance(scorer, (DaskScorer, InMemoryScorer)):
        scorer = InMemoryScorer(scorer)  # a user's callable: responses computed blockwise
    return scorer(wrapper, X, y, sample_weight, compute=compute)
