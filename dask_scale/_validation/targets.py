"""Targets and sample weights: ``y`` and ``sample_weight`` checked and given the row blocks
of ``X`` (lengths compared from metadata; an in-memory ``X`` split like a dask ``y``)."""

from __future__ import annotations

import numbers
import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
from sklearn.utils.validation import check_array as _sk_check_array

from .._graph.reduction import reject_nonfinite
from .._types import is_dask_array, is_dask_frame
from .arrays import ensure_known_chunks
from .errors import inconsistent_lengths_error
from .frames import frame_to_dask_array

__all__ = ["check_consistent_rows", "check_sample_weight", "check_y"]


def check_y(y, *, y_numeric=False, input_name="y", estimator=None):
    """Validate a target: 1-D (a column vector is raveled with scikit-learn's warning)."""
    if y is None:
        name = type(estimator).__name__ if estimator is not None else "This estimator"
        raise ValueError(
            f"{name} requires y to be passed, but the target y is None."
        )
    if isinstance(y, dd.DataFrame):
        if len(y.columns) != 1:
            raise ValueError(f"{input_name} must be 1-D; got a DataFrame with {len(y.columns)} columns.")
        y = y[y.columns[0]]
    if isinstance(y, dd.Series):
        y = frame_to_dask_array(y)
    if is_dask_array(y):
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change the "
                "shape of y to (n_samples,), for example using ravel().",
                _data_conversion_warning(),
            )
            y = y.rechunk({1: -1})[:, 0]
        if y.ndim != 1:
            raise ValueError(f"{input_name} must be 1-D, got shape {y.shape}.")
        if y.dtype.kind == "c":
            raise ValueError(
                f"Complex data not supported: {input_name} has dtype {y.dtype}. Pass its real "
                f"part ({input_name}.real) or its magnitude (abs({input_name})) if that is meant."
            )
        if y_numeric and y.dtype.kind == "O":
            y = y.astype(np.float64)
        return y
    from sklearn.utils.validation import column_or_1d

    y = column_or_1d(y, warn=True)
    if y_numeric and y.dtype.kind == "O":
        y = y.astype(np.float64)
    return y


def _data_conversion_warning():
    from sklearn.exceptions import DataConversionWarning

    return DataConversionWarning


def check_consistent_rows(X, y, *, names=("X", "y")):
    """Align ``y`` (dask) with ``X``'s row chunks; raise if lengths differ (metadata only)."""
    if not is_dask_array(X):
        return y
    if not is_dask_array(y):
        y = np.asarray(y)
        X_chunks = X.chunks[0]
        if any(np.isnan(c) for c in X_chunks):
            raise ValueError(
                f"{names[1]} is in memory but {names[0]} is a dask array with unknown chunk "
                f"sizes, so their rows cannot be matched. Pass {names[1]} as a dask "
                f"array/Series partitioned like {names[0]} (e.g. from the same DataFrame), or "
                f"call {names[0]} = {names[0]}.compute_chunk_sizes() first."
            )
        if y.shape[0] != X.shape[0]:
            raise inconsistent_lengths_error([X.shape[0], y.shape[0]])
        return da.from_array(y, chunks=(X_chunks,) + y.shape[1:])
    nx, ny = X.shape[0], y.shape[0]
    if not np.isnan(nx) and not np.isnan(ny) and nx != ny:
        raise inconsistent_lengths_error([nx, ny])
    if y.chunks[0] == X.chunks[0]:
        return y
    x_known = not any(np.isnan(c) for c in X.chunks[0])
    y_known = not any(np.isnan(c) for c in y.chunks[0])
    if x_known and y_known:
        return y.rechunk({0: X.chunks[0]})
    if len(X.chunks[0]) == len(y.chunks[0]):
        # Unknown sizes: assumed partitioned alike; each block is checked when it is read.
        return y
    if x_known:
        # only y's block lengths are unknown (e.g. a dask Series): a pass over y alone
        # finds them, then y is split as X is
        y = ensure_known_chunks(y)
        if y.shape[0] != nx:
            raise inconsistent_lengths_error([nx, y.shape[0]])
        return y.rechunk({0: X.chunks[0]})
    raise ValueError(
        f"{names[0]} and {names[1]} have unknown chunk sizes and different numbers of blocks "
        f"({len(X.chunks[0])} vs {len(y.chunks[0])}). Build them from the same DataFrame, or "
        "call .compute_chunk_sizes() on both."
    )


def check_sample_weight(sample_weight, X, *, dtype=None, only_non_negative=True):
    """Return sample weights shaped like ``X``'s rows: NumPy for NumPy ``X``, dask for dask.

    ``None`` gives unit weights (lazy ``ones`` for dask input); a scalar gives a constant.
    """
    dtype = np.dtype(dtype or getattr(X, "dtype", np.float64))
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    if is_dask_array(X):
        if sample_weight is None or isinstance(sample_weight, numbers.Number):
            value = 1.0 if sample_weight is None else float(sample_weight)
            if any(np.isnan(c) for c in X.chunks[0]):
                return X[:, 0].map_blocks(
                    lambda b: np.full(b.shape[0], value, dtype=dtype), dtype=dtype
                ) if X.ndim == 2 else X.map_blocks(
                    lambda b: np.full(b.shape[0], value, dtype=dtype), dtype=dtype
                )
            return da.full(X.shape[0], value, chunks=(X.chunks[0],), dtype=dtype)
        sw = sample_weight
        if is_dask_frame(sw):
            sw = check_y(sw, input_name="sample_weight")
        if not is_dask_array(sw):
            sw = np.asarray(sw, dtype=dtype)
            if sw.ndim != 1:
                raise ValueError(f"sample_weight must be 1-D, got shape {sw.shape}.")
        elif sw.ndim != 1:
            raise ValueError(f"sample_weight must be 1-D, got shape {sw.shape}.")
        sw = check_consistent_rows(X, sw, names=("X", "sample_weight"))
        if only_non_negative:
            sw = sw.map_blocks(_check_weights_block, dtype=dtype)
        return sw.astype(dtype)
    n = X.shape[0]
    if sample_weight is None:
        return np.ones(n, dtype=dtype)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n, float(sample_weight), dtype=dtype)
    sw = _sk_check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight", order="C"
    )
    if sw.ndim != 1:
        raise ValueError(f"Sample weights must be 1D array or scalar, got shape {sw.shape}.")
    if sw.shape != (n,):
        raise ValueError(f"sample_weight.shape == {sw.shape}, expected {(n,)}!")
    if only_non_negative:
        _check_weights_block(sw)
    return sw


def _check_weights_block(sw):
    reject_nonfinite(sw, "sample_weight")
    if sw.size and (sw < 0).any():
        raise ValueError("Negative values in data passed to `sample_weight`.")
    return sw


def _in_memory_x_for_dask_y(X, y, estimator, dtype):
    """NumPy/pandas ``X`` as a dask array with the row blocks of the dask target ``y``.

    ``y``'s block lengths are needed to split ``X`` alike; where they are unknown (a dask
    Series, a filtered array) they are computed, a pass over ``y`` alone.
    """
    X = _sk_check_array(
        X, dtype=dtype, ensure_all_finite=False, ensure_min_samples=0, estimator=estimator
    )
    yt = y
    if isinstance(yt, dd.DataFrame) and len(yt.columns) == 1:
        yt = yt[yt.columns[0]]
    if is_dask_frame(yt):
        yt = frame_to_dask_array(yt)
    yt = ensure_known_chunks(yt)
    if yt.shape[0] != X.shape[0]:
        raise inconsistent_lengths_error([X.shape[0], yt.shape[0]])
    return da.from_array(X, chunks=(yt.chunks[0],) + X.shape[1:])
