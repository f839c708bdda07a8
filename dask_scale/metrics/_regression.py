"""Regression metrics: one pass over ``y_true``, ``y_pred`` (and ``sample_weight``).

Per row block, the weighted sums of the errors of each output (and, for R², the weighted
moments of ``y_true`` around the block's own mean, :func:`dask_scale._kernels.stats.
block_moments`); a tree reduction adds the sums and merges the moments stably
(:func:`~dask_scale._kernels.stats.merge_moments`), so R² of targets with a large mean
keeps scikit-learn's two-pass accuracy. In-memory input is scikit-learn's own function.
"""

from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np
import sklearn.metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from .._kernels.stats import block_moments, merge_moments
from ._reduce import dask_inputs, run

__all__ = [
    "fraction_explained",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_log_error",
    "r2_score",
    "root_mean_squared_error",
    "root_mean_squared_log_error",
]

_FINITE = {0: "y_true", 1: "y_pred", 2: "sample_weight"}
_MSLE_NEGATIVE = (
    "Mean Squared Logarithmic Error cannot be used when targets contain values less than "
    "or equal to -1."
)


def _as_2d(block, n):
    return np.asarray(block, dtype=np.float64).reshape(n, -1)


def _check_outputs(y_true, y_pred, multioutput, allowed):
    """scikit-learn's checks of the outputs and ``multioutput``, from metadata."""
    n_true = 1 if y_true.ndim == 1 else y_true.shape[1]
    n_pred = 1 if y_pred.ndim == 1 else y_pred.shape[1]
    if n_true != n_pred:
        raise ValueError(
            f"y_true and y_pred have different number of output ({n_true}!={n_pred})"
        )
    if isinstance(multioutput, str):
        if multioutput not in allowed:
            raise ValueError(
                f"The 'multioutput' parameter must be one of {sorted(allowed)} or an "
                f"array-like of weights; got {multioutput!r}."
            )
        return multioutput
    weights = np.asarray(multioutput, dtype=np.float64)
    if n_true == 1:
        raise ValueError("Custom weights are useful only in multi-output cases.")
    if weights.shape != (n_true,):
        raise ValueError(
            f"There must be equally many custom weights ({weights.shape[0]}) as outputs "
            f"({n_true})."
        )
    return weights


def _average_outputs(values, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return values
        return float(np.mean(values))
    return float(np.average(values, weights=multioutput))


def _error_chunk(yt, yp, w, kind):
    """``(sum_i w_i * err_i per output, sum_i w_i)`` of one block."""
    n = yt.shape[0]
    t, p = _as_2d(yt, n), _as_2d(yp, n)
    if kind == "abs":
        err = np.abs(p - t)
    elif kind == "ape":
        err = np.abs(p - t) / np.maximum(np.abs(t), np.finfo(np.float64).eps)
    else:
        if kind == "sqlog":
            if (t <= -1).any() or (p <= -1).any():
                raise ValueError(_MSLE_NEGATIVE)
            t, p = np.log1p(t), np.log1p(p)
        err = (t - p) ** 2
    if w is None:
        return err.sum(axis=0), float(n)
    w = np.asarray(w, dtype=np.float64)
    return w @ err, float(w.sum())


def _weighted_mean(sums, total, weighted):
    if total == 0:
        if weighted:
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
    return sums / total


def _error_aggregate(parts, multioutput, root, weighted):
    sums, total = parts
    errors = _weighted_mean(sums, total, weighted)
    if root:
        errors = np.sqrt(errors)
    return _average_outputs(errors, multioutput)


def _error_metric(kind, sk_func, y_true, y_pred, sample_weight, multioutput, compute, root):
    arrays = dask_inputs(y_true, y_pred, sample_weight)
    if arrays is None:
        return sk_func(y_true, y_pred, sample_weight=sample_weight, multioutput=multioutput)
    multioutput = _check_outputs(arrays[0], arrays[1], multioutput,
                                 {"raw_values", "uniform_average"})
    return run(
        _error_chunk,
        arrays,
        (kind,),
        aggregate=functools.partial(
            _error_aggregate, multioutput=multioutput, root=root,
            weighted=sample_weight is not None,
        ),
        compute=compute,
        check_finite=_FINITE,
        name=f"metric-{kind}",
    )


_DOC_COMMON = """
    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        NumPy/pandas, dask array (known or unknown chunk sizes), dask Series or DataFrame.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Same kinds; rows aligned with ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
    multioutput : {{"raw_values", "uniform_average"}} or array-like of shape (n_outputs,), \
default="uniform_average"
    compute : bool, default=True
        With dask input, False returns a ``dask.delayed.Delayed`` of the value (one tree
        reduction, nothing computed yet). In-memory input is always scored now.

    Returns
    -------
    float, or ndarray of shape (n_outputs,) for ``multioutput="raw_values"``
"""


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
                        compute=True):
    return _error_metric("abs", skm.mean_absolute_error, y_true, y_pred, sample_weight,
                         multioutput, compute, False)


def mean_absolute_percentage_error(y_true, y_pred, *, sample_weight=None,
                                   multioutput="uniform_average", compute=True):
    return _error_metric("ape", skm.mean_absolute_percentage_error, y_true, y_pred,
                         sample_weight, multioutput, compute, False)


def _check_squared(squared):
    if not isinstance(squared, (bool, np.bool_)):
        raise TypeError(f"squared must be True or False, got {squared!r}.")


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
                       squared=True, compute=True):
    _check_squared(squared)
    sk = skm.mean_squared_error if squared else skm.root_mean_squared_error
    return _error_metric("sq", sk, y_true, y_pred, sample_weight, multioutput, compute,
                         not squared)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None,
                            multioutput="uniform_average", compute=True):
    return _error_metric("sq", skm.root_mean_squared_error, y_true, y_pred, sample_weight,
                         multioutput, compute, True)


def mean_squared_log_error(y_true, y_pred, *, sample_weight=None,
                           multioutput="uniform_average", squared=True, compute=True):
    _check_squared(squared)
    sk = skm.mean_squared_log_error if squared else skm.root_mean_squared_log_error
    return _error_metric("sqlog", sk, y_true, y_pred, sample_weight, multioutput, compute,
                         not squared)


def root_mean_squared_log_error(y_true, y_pred, *, sample_weight=None,
                                multioutput="uniform_average", compute=True):
    return _error_metric("sqlog", skm.root_mean_squared_log_error, y_true, y_pred,
                         sample_weight, multioutput, compute, True)


_SUMMARIES = {
    mean_absolute_error: "Mean absolute error ``sum w |y_true - y_pred| / sum w`` per output.",
    mean_absolute_percentage_error: (
        "Mean absolute percentage error ``|y_pred - y_true| / max(|y_true|, eps)`` "
        "(a fraction, not percent), weighted mean per output."
    ),
    mean_squared_error: (
        "Mean squared error per output; ``squared=False`` (dask-ml's keyword) gives its "
        "root, as :func:`root_mean_squared_error`.\n\n    squared : bool, default=True"
    ),
    root_mean_squared_error: "Root of the mean squared error of each output.",
    mean_squared_log_error: (
        "Mean squared error of ``log1p`` of the targets; values <= -1 raise. "
        "``squared=False`` gives its root.\n\n    squared : bool, default=True"
    ),
    root_mean_squared_log_error: "Root of :func:`mean_squared_log_error` of each output.",
}
for _f, _summary in _SUMMARIES.items():
    _f.__doc__ = f"""{_summary}

    One pass over dask input (a tree reduction of per-block weighted sums); scikit-learn's
    function on in-memory input.
{_DOC_COMMON}"""


# ---------------------------------------------------------------------------------------
# R²


def _r2_chunk(yt, yp, w):
    """(weighted moments of y_true around the block mean, residual sums, rows) of a block."""
    n = yt.shape[0]
    t, p = _as_2d(yt, n), _as_2d(yp, n)
    if t.shape != p.shape:
        raise ValueError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}.")
    w = np.ones(n) if w is None else np.asarray(w, dtype=np.float64)
    return block_moments(np.ascontiguousarray(t), w, True), w @ (t - p) ** 2, n


def r2_combine(parts):
    """Merge R² partials: the moments with the stable merge, the rest summed."""
    moments, ss_res, n = parts[0]
    for moments_b, res_b, n_b in parts[1:]:
        moments = merge_moments(moments, moments_b)
        ss_res = ss_res + res_b
        n += n_b
    return moments, ss_res, n


def fraction_explained(numerator, denominator, multioutput="uniform_average",
                       force_finite=True):
    """``1 - numerator / denominator`` per output, averaged as ``multioutput`` says.

    scikit-learn's definition of R² (and D²) from the residual (``numerator``) and null
    (``denominator``) sums of each output: with ``force_finite`` a perfect fit is 1.0 and a
    non-zero residual on a constant target 0.0 instead of NaN / -inf. Every score of this
    kind (the metrics, and the GLM estimators' fused ``score``) ends here.
    """
    numerator = np.atleast_1d(np.asarray(numerator, dtype=np.float64))
    denominator = np.atleast_1d(np.asarray(denominator, dtype=np.float64))
    nonzero_den = denominator != 0
    if force_finite:
        nonzero_num = numerator != 0
        scores = np.ones(numerator.shape[0])
        valid = nonzero_den & nonzero_num
        scores[valid] = 1.0 - numerator[valid] / denominator[valid]
        scores[nonzero_num & ~nonzero_den] = 0.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1.0 - numerator / denominator
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return scores
        if multioutput == "variance_weighted" and nonzero_den.any():
            return float(np.average(scores, weights=denominator))
        return float(np.mean(scores))
    return float(np.average(scores, weights=multioutput))


def _r2_aggregate(parts, multioutput, force_finite):
    (_, _, _, denominator), numerator, n = parts
    if n < 2:
        warnings.warn(
            "R^2 score is not well-defined with less than two samples.", UndefinedMetricWarning
        )
        return float("nan")
    return fraction_explained(numerator, denominator, multioutput, force_finite)


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
             force_finite=True, compute=True):
    """R² (coefficient of determination), scikit-learn's definition.

    One pass over dask input: per block the weighted residual sums and the moments of
    ``y_true`` around the block's mean, merged stably (Chan et al.), so targets whose mean
    is large against their spread score as accurately as scikit-learn's two-pass function.
    scikit-learn's function on in-memory input.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        NumPy/pandas, dask array (known or unknown chunk sizes), dask Series or DataFrame.
    sample_weight : array-like of shape (n_samples,), default=None
    multioutput : {"raw_values", "uniform_average", "variance_weighted"} or array-like of \
shape (n_outputs,), default="uniform_average"
    force_finite : bool, default=True
        As scikit-learn: a constant ``y_true`` gives 1.0 (perfect fit) or 0.0, not NaN/-inf.
    compute : bool, default=True
        With dask input, False returns a ``dask.delayed.Delayed`` of the value.

    Returns
    -------
    float, or ndarray of shape (n_outputs,) for ``multioutput="raw_values"``
    """
    arrays = dask_inputs(y_true, y_pred, sample_weight)
    if arrays is None:
        return skm.r2_score(y_true, y_pred, sample_weight=sample_weight,
                            multioutput=multioutput, force_finite=force_finite)
    multioutput = _check_outputs(arrays[0], arrays[1], multioutput,
                                 {"raw_values", "uniform_average", "variance_weighted"})
    if not isinstance(force_finite, (bool, np.bool_, numbers.Integral)):
        raise TypeError(f"force_finite must be True or False, got {force_finite!r}.")
    return run(
        _r2_chunk,
        arrays,
        combine=r2_combine,
        aggregate=functools.partial(
            _r2_aggregate, multioutput=multioutput, force_finite=bool(force_finite)
        ),
        compute=compute,
        check_finite=_FINITE,
        name="metric-r2",
    )
