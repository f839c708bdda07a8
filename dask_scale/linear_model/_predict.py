"""Per-block prediction and scoring functions of the GLM estimators (NumPy in, NumPy out).

They are mapped over row blocks with :func:`dask_scale._graph.map_rows` (predictions) or
reduced with :func:`dask_scale._graph.reduce_blocks` (scores, one pass).
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_expit, logsumexp

from .._kernels.glm import POISSON, SQUARED, glm_score_sums
from .._kernels.stats import block_moments, block_poisson_null, merge_moments, merge_poisson_null

__all__ = [
    "binary_decision",
    "binary_log_proba",
    "binary_proba",
    "binary_predict",
    "linear_predict",
    "multi_decision",
    "multi_log_proba",
    "multi_proba",
    "multi_predict",
    "poisson_predict",
    "accuracy_sums",
    "regression_score_sums",
    "SQUARED",
    "POISSON",
]


def _as_float(block):
    return block if block.dtype in (np.float32, np.float64) else block.astype(np.float64)


def binary_decision(block, coef, intercept):
    """Signed distance ``X @ coef + intercept`` for a binary classifier, shape (m,)."""
    return _as_float(block) @ coef + intercept


def multi_decision(block, coef, intercept):
    """Class scores ``X @ coef.T + intercept``, shape (m, n_classes)."""
    return _as_float(block) @ coef.T + intercept


def binary_proba(block, coef, intercept):
    d = binary_decision(block, coef, intercept)
    out = np.empty((d.shape[0], 2))
    out[:, 1] = np.exp(log_expit(d))
    out[:, 0] = np.exp(log_expit(-d))
    return out


def binary_log_proba(block, coef, intercept):
    d = binary_decision(block, coef, intercept)
    return np.column_stack([log_expit(-d), log_expit(d)])


def multi_log_proba(block, coef, intercept):
    d = multi_decision(block, coef, intercept)
    return d - logsumexp(d, axis=1, keepdims=True)


def multi_proba(block, coef, intercept):
    return np.exp(multi_log_proba(block, coef, intercept))


def binary_predict(block, coef, intercept, classes):
    return classes[(binary_decision(block, coef, intercept) > 0).astype(np.intp)]


def multi_predict(block, coef, intercept, classes):
    return classes[np.argmax(multi_decision(block, coef, intercept), axis=1)]


def linear_predict(block, coef, intercept):
    return _as_float(block) @ coef + intercept


def poisson_predict(block, coef, intercept):
    return np.exp(_as_float(block) @ coef + intercept)


def accuracy_sums(Xb, yb, swb, coef, intercept, classes):
    """``(sum of weights of correct predictions, sum of weights)`` for one block."""
    if coef.shape[0] == 1:
        pred = binary_predict(Xb, coef[0], intercept[0], classes)
    else:
        pred = multi_predict(Xb, coef, intercept, classes)
    correct = pred == np.asarray(yb)
    if swb is None:
        return float(correct.sum()), float(correct.shape[0])
    swb = np.asarray(swb, dtype=np.float64)
    return float(swb[correct].sum()), float(swb.sum())


def regression_score_sums(Xb, yb, swb, coef, intercept, family):
    """What R² (squared) or D² (Poisson) needs of one block, merged by
    :func:`merge_score_sums`: ``(dev, summary, y_min)``.

    ``dev`` is the weighted residual deviance (squared: ``sum w r**2``; Poisson: half the
    Poisson deviance, see :func:`dask_scale._kernels.glm.glm_score_sums`), ``summary`` that of
    ``y`` around its own mean (the null model's deviance) and ``y_min`` the smallest target
    (a Poisson deviance needs ``y >= 0``).
    """
    X = np.ascontiguousarray(_as_float(Xb))
    y = np.ascontiguousarray(yb, dtype=np.float64)
    sw = np.ones(X.shape[0]) if swb is None else np.ascontiguousarray(swb, dtype=np.float64)
    dev = glm_score_sums(X, y, sw, coef, float(intercept), family)
    y_min = float(y.min(initial=np.inf))
    if family == SQUARED:
        return dev, block_moments(y[:, None], sw, True), y_min
    return dev, block_poisson_null(y, sw), y_min


def merge_score_sums(parts):
    """Merge :func:`regression_score_sums` partials (stable merges of the ``y`` summaries)."""
    dev, summary, y_min = parts[0]
    merge = merge_moments if len(summary) == 4 else merge_poisson_null
    for d, other, m in parts[1:]:
        dev += d
        summary = merge(summary, other)
        y_min = min(y_min, m)
    return dev, summary, y_min
