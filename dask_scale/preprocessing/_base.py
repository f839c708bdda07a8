"""Helpers shared by the preprocessing estimators.

Validation of numeric input for fit/transform/inverse_transform (NumPy/pandas through
scikit-learn's checks, dask lazily), the row-block transform that keeps the caller's
container kind (and, for the scalers, records their lazy output as an affine map of their
input), the scalers' scale of a constant feature, and feature name handling.
"""

from __future__ import annotations

import numpy as np

from .._graph import map_rows, register_affine
from .._validation import (
    FLOAT_DTYPES,
    check_array,
    is_dask_collection,
    is_dask_frame,
    reject_nonfinite,
    validate_data,
)
from ..utils import handle_zeros_in_scale

__all__ = [
    "affine_output",
    "check_inverse_input",
    "inverse_names",
    "nonzero_scale",
    "reject_infinite",
    "transform_rows",
    "validate_numeric",
]


def validate_numeric(
    est, X, *, reset, allow_nan=True, copy=False, dtype=FLOAT_DTYPES, ensure_min_samples=1,
    **weights,
):
    """Validate numeric ``X`` for a fit or a transform.

    ``weights``: ``sample_weight`` (and :func:`validate_data`'s options for it), validated
    with ``X`` (dask frames of one fit converted from one graph) and returned third.

    Returns
    -------
    X : ndarray or dask array
        NumPy input follows scikit-learn's ``validate_data`` exactly (``copy`` honoured,
        writeable); dask input becomes a lazy dask array with one column block.
    frame : dask DataFrame or None
        The caller's dask DataFrame, kept so that transforms return a frame with its index.
    sample_weight : ndarray, dask array or None
        Only when ``sample_weight`` is passed.
    """
    frame = X if is_dask_frame(X) else None
    if is_dask_collection(X):
        out = validate_data(
            est, X, reset=reset, dtype=dtype, ensure_min_samples=ensure_min_samples, **weights
        )
        return (out[0], frame, out[1]) if "sample_weight" in weights else (out, frame)
    kwargs = {}
    if copy:
        kwargs["copy"] = True
    if not reset:
        kwargs["force_writeable"] = True
    out = validate_data(
        est,
        X,
        reset=reset,
        dtype=dtype,
        ensure_all_finite="allow-nan" if allow_nan else True,
        ensure_min_samples=ensure_min_samples,
        **kwargs,
        **weights,
    )
    return (out[0], None, out[1]) if "sample_weight" in weights else (out, None)


def check_inverse_input(est, X, copy):
    """Validation of ``inverse_transform`` input (no feature-name check, like scikit-learn)."""
    if is_dask_collection(X):
        frame = X if is_dask_frame(X) else None
        return check_array(X, dtype=FLOAT_DTYPES, estimator=est), frame
    return (
        check_array(
            X,
            copy=copy,
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan",
            estimator=est,
        ),
        None,
    )


def reject_infinite(block):
    """Refuse infinite values in a block of ``X`` where NaN is allowed."""
    reject_nonfinite(block, allow_nan=True)


def nonzero_scale(scale, constant=None):
    """``scale`` (a new NumPy array) with 1 where a feature is constant (or its scale is
    numerically zero): :func:`dask_scale.utils.handle_zeros_in_scale`."""
    return handle_zeros_in_scale(np.array(scale, copy=True), copy=False, constant_mask=constant)


def transform_rows(
    func, X, frame, *args, n_out, out_dtype, names=None, allow_nan=True, block_func=None
):
    """Apply ``func(block, *args)`` row block by row block, keeping the container kind.

    NumPy in gives NumPy out (``func`` runs on the whole array, which it may modify in
    place: validation already copied it when ``copy=True``); a dask array gives a lazy dask
    array; a dask DataFrame (``frame``) gives a dask DataFrame with columns ``names``.
    Blocks of dask input are never modified in place: ``func`` gets a private copy, checked
    for infinite values (and NaN unless ``allow_nan``).

    ``block_func``, when given, replaces that for dask input: ``block_func(block, *args)``
    must write its result to a new array, leave ``block`` as it is and check its values
    itself, so a block is read once and neither copied nor scanned beforehand.
    """
    if not is_dask_collection(X):
        return func(X, *args)
    return map_rows(
        func if block_func is None else block_func,
        X,
        *args,
        out_dtype=out_dtype,
        n_out=n_out,
        in_dtype=X.dtype,
        columns=None if names is None else list(names),
        check_finite=block_func is None and ("allow-nan" if allow_nan else True),
        copy=block_func is None,
        frame=frame,
    )


def affine_output(out, X, offset, factor):
    """Record the dask output ``out`` of a transform as ``(X - offset) * factor``.

    ``X`` is the validated input the transform read (a dask array), ``offset`` and
    ``factor`` the per-feature parameters (None for 0 and 1). A fit that reads ``out`` next
    may then read ``X`` and apply the map in its own kernels instead of computing the
    transform in every pass (see :mod:`dask_scale._graph.affine`). NumPy output is left
    alone. Returns ``out``.
    """
    if is_dask_collection(out):
        register_affine(out, X, offset, factor)
    return out


def inverse_names(est):
    """The feature names of ``inverse_transform``'s output: ``feature_names_in_`` or ``x0..``."""
    names = getattr(est, "feature_names_in_", None)
    if names is None:
        return [f"x{i}" for i in range(est.n_features_in_)]
    return list(names)
