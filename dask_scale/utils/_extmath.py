"""Numerical helpers of ``dask_ml.utils`` on NumPy and dask input: :func:`handle_zeros_in_scale`,
:func:`row_norms`, :func:`svd_flip`. Each has scikit-learn's definition; dask input stays lazy.
"""

from __future__ import annotations

import functools
import numbers

import dask.array as da
import numpy as np
import pandas as pd
from sklearn.utils.extmath import row_norms as _sk_row_norms

from .._graph import map_row_blocks, tree_reduce
from .._graph.keys import merge_inner_chunks
from .._types import is_dask_array, is_dask_frame
from .._validation import non_numeric_message

__all__ = ["flip_vector_signs", "handle_zeros_in_scale", "row_norms", "svd_flip"]


def _constant(scale):
    """scikit-learn's test for a near-constant feature: a scale below 10 machine epsilons."""
    dtype = np.dtype(scale.dtype)
    if dtype.kind != "f":
        return scale == 0
    return scale < 10 * np.finfo(dtype).eps


def handle_zeros_in_scale(scale, copy=True, constant_mask=None):
    """Set the scale of (near) constant features to 1, so that dividing by it is safe.

    scikit-learn's definition (``sklearn.preprocessing._data._handle_zeros_in_scale``, which
    the scalers use): a scalar is replaced by 1 where it is 0; in an array, the entries below
    ``10 * eps`` of their float dtype (0 for integer dtypes), or those of ``constant_mask``,
    are replaced by 1.

    Parameters
    ----------
    scale : scalar, ndarray, dask array, pandas Series or dask Series
        Per-feature scales (standard deviations, ranges, ...).
    copy : bool, default=True
        For a NumPy array: write to a copy (True) or to ``scale`` itself (False). Dask and
        pandas input is never modified.
    constant_mask : array of bool or None, default=None
        Features to treat as constant; None finds them from ``scale`` as above (for
        standard scaling, scikit-learn computes it on the variances instead).

    Returns
    -------
    scale : same kind as the input
        Lazy for dask input.
    """
    if np.isscalar(scale) or isinstance(scale, numbers.Number):
        return 1.0 if scale == 0.0 else scale
    if is_dask_array(scale) or is_dask_frame(scale):
        mask = _constant(scale) if constant_mask is None else constant_mask
        if is_dask_array(scale):
            return da.where(mask, scale.dtype.type(1), scale)
        return scale.mask(mask, 1)
    if isinstance(scale, pd.Series):
        mask = _constant(scale) if constant_mask is None else constant_mask
        return scale.mask(np.asarray(mask), 1)
    scale = np.array(scale, copy=True) if copy else np.asarray(scale)
    mask = _constant(scale) if constant_mask is None else constant_mask
    scale[mask] = 1
    return scale


def _frame_row_norms(squared, dtype, part):
    return pd.Series(_sk_row_norms(part.to_numpy(dtype=dtype), squared=squared), index=part.index)


def row_norms(X, squared=False):
    """Row-wise (squared) Euclidean norms of ``X``.

    scikit-learn's :func:`sklearn.utils.extmath.row_norms` for in-memory input (NumPy,
    scipy.sparse, pandas) and on every row block of dask input.

    Parameters
    ----------
    X : array-like, sparse matrix, dask array or dask DataFrame of shape (n_samples, n_features)
        Numeric input; it is not validated (as in scikit-learn).
    squared : bool, default=False
        Return the squared norms.

    Returns
    -------
    norms : ndarray, dask array or dask Series of shape (n_samples,)
        Lazy for dask input, with its row chunks (a dask DataFrame gives a dask Series with
        its index and partitions). The dtype is scikit-learn's for the input's dtype.
    """
    if is_dask_frame(X):
        if X.ndim != 2:
            raise ValueError("row_norms needs a 2-D input: pass a DataFrame, not a Series.")
        message = non_numeric_message(X)
        if message:
            raise ValueError(message)
        dtype = np.result_type(*[np.dtype(getattr(d, "numpy_dtype", d)) for d in X.dtypes])
        out = _sk_row_norms(np.zeros((1, len(X.columns)), dtype=dtype), squared=squared)
        meta = pd.Series(np.empty(0, dtype=out.dtype))
        return map_row_blocks(
            functools.partial(_frame_row_norms, squared, dtype), X, meta=meta
        )
    if is_dask_array(X):
        if X.ndim != 2:
            raise ValueError(f"row_norms needs a 2-D array, got shape {X.shape}.")
        out = _sk_row_norms(np.zeros((1, X.shape[1]), dtype=X.dtype), squared=squared)
        return map_row_blocks(
            functools.partial(_sk_row_norms, squared=squared),
            X,
            meta=np.empty((0,), dtype=out.dtype),
        )
    return _sk_row_norms(X, squared=squared)


def _max_abs_entries(block):
    """Per column of ``block``: the largest absolute value and the entry holding it (the
    first one on ties, as ``np.argmax``)."""
    block = np.asarray(block)
    if block.shape[0] == 0:
        return np.full(block.shape[1], -np.inf), np.zeros(block.shape[1], dtype=block.dtype)
    rows = np.argmax(np.abs(block), axis=0)
    entries = block[rows, np.arange(block.shape[1])]
    return np.abs(entries), entries


def _merge_max_abs(parts):
    """Merge :func:`_max_abs_entries` of consecutive row blocks, in order: an entry is
    replaced only by a strictly larger one, so the first maximum wins."""
    best, entries = parts[0][0].copy(), parts[0][1].copy()
    for size, values in parts[1:]:
        larger = size > best
        best[larger] = size[larger]
        entries[larger] = values[larger]
    return best, entries


def _signs_of(merged):
    return np.sign(merged[1])


def _column_signs(M):
    """Sign of the largest-magnitude entry of every column of ``M`` (0 for a zero column).

    NumPy in, NumPy out; a dask array gives a lazy dask array (one tree reduction over its
    row blocks).
    """
    if not is_dask_array(M):
        return _signs_of(_max_abs_entries(M))
    M = merge_inner_chunks(M)
    lazy = tree_reduce(
        _max_abs_entries,
        [M],
        combine=_merge_max_abs,
        aggregate=_signs_of,
        name="svd-flip-signs",
    )
    signs = da.from_delayed(lazy, shape=(M.shape[1],), dtype=M.dtype)
    return signs


def svd_flip(u, v, u_based_decision=True):
    """Sign correction of an SVD, so that its output is deterministic.

    scikit-learn's :func:`sklearn.utils.extmath.svd_flip`: the columns of ``u`` and the rows
    of ``v`` are multiplied by the sign of the largest-magnitude entry of each column of
    ``u`` (``u_based_decision=True``) or of each row of ``v`` (False), the first such
    entry on ties. The inputs are left as they are (scikit-learn modifies NumPy inputs in
    place).

    Parameters
    ----------
    u : ndarray or dask array of shape (M, K), or None
        Left singular vectors, in columns (e.g. from :func:`dask.array.linalg.svd` or
        :func:`dask.array.linalg.tsqr`). May be None when ``u_based_decision`` is False.
    v : ndarray or dask array of shape (K, N), or None
        Right singular vectors, in rows. May be None when ``u_based_decision`` is True.
    u_based_decision : bool, default=True
        Base the signs on the columns of ``u`` (True) or the rows of ``v`` (False).

    Returns
    -------
    u_adjusted, v_adjusted : arrays (or None where None was passed)
        NumPy when both inputs are NumPy. When the array the signs are read from is a dask
        array, both results are lazy dask arrays (the signs are one tree reduction over its
        row blocks, computed with the results); otherwise each keeps its kind.
    """
    basis = u if u_based_decision else v
    if basis is None:
        raise ValueError(
            f"svd_flip(u_based_decision={u_based_decision}) reads its signs from "
            f"{'u' if u_based_decision else 'v'}, which is None."
        )
    if basis.ndim != 2:
        raise ValueError(f"svd_flip needs 2-D arrays, got shape {basis.shape}.")
    signs = _column_signs(u if u_based_decision else v.T)
    if is_dask_array(signs):
        u = None if u is None else da.asarray(u)
        v = None if v is None else da.asarray(v)
    u_out = None if u is None else u * signs[np.newaxis, :].astype(u.dtype)
    v_out = None if v is None else v * signs[:, np.newaxis].astype(v.dtype)
    return u_out, v_out


def flip_vector_signs(x, axis):
    """Flip the signs of vectors so that they compare equal up to sign, as dask-ml's helper.

    Each vector is multiplied by the sign of its largest-magnitude entry (the first such
    entry on ties; a zero vector stays zero), the rule :func:`svd_flip` applies, so two
    sets of vectors that differ only by signs (e.g. components from two SVD routines)
    become equal.

    Parameters
    ----------
    x : ndarray or dask array of shape (M, N)
        The vectors.
    axis : {0, 1}
        The axis the entries of each vector run along: 0 for vectors in the columns of
        ``x``, 1 for vectors in its rows.

    Returns
    -------
    x_flipped : ndarray or dask array of shape (M, N)
        NumPy for NumPy input, lazy for a dask array (the signs are one tree reduction over
        its blocks). ``x`` is left as it is.
    """
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 or 1, got {axis!r}.")
    if getattr(x, "ndim", None) != 2:
        x = np.asarray(x) if not is_dask_array(x) else x
        if x.ndim != 2:
            raise ValueError(f"flip_vector_signs needs a 2-D array, got shape {x.shape}.")
    if axis == 0:
        signs = _column_signs(x)
        return x * signs[np.newaxis, :].astype(x.dtype)
    signs = _column_signs(x.T)
    return x * signs[:, np.newaxis].astype(x.dtype)
