"""Checks of ``X``: :func:`check_array` (numeric input) and :func:`check_table` (columns of
any dtype), scikit-learn's for in-memory input, lazy and from metadata for dask input
(dimensions, dtype, device or sparse blocks, sample and feature counts)."""

from __future__ import annotations

import warnings

import dask.dataframe as dd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils import get_tags
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import validate_data as _sk_validate_data

from .._graph.affine import link_affine
from .._graph.compute import scheduler_pool
from .._graph.keys import merge_inner_chunks
from .._types import is_dask_array, is_dask_frame, is_sparse_backed
from .errors import no_samples_error
from .features import _check_feature_names, _check_n_features, reraise_feature_names_error
from .frames import as_dask_array

__all__ = [
    "FLOAT_DTYPES",
    "check_array",
    "check_table",
    "dense_blocks_unless_accepted",
    "densify_accepted_sparse",
    "densify_block",
    "ensure_known_chunks",
    "reraise_sparse_error",
    "sparse_output_like",
]

FLOAT_DTYPES = (np.float64, np.float32)


def ensure_known_chunks(arr):
    """Return ``arr`` with known row chunk sizes, computing them (one cheap pass) if needed."""
    if is_dask_array(arr) and any(np.isnan(c) for c in arr.chunks[0]):
        with scheduler_pool():
            arr = arr.compute_chunk_sizes()
    return arr


def _series_error(input_name):
    return ValueError(
        f"Expected a 2D input for {input_name}, got a dask Series. Use "
        f"{input_name}.to_frame() if it is a single feature."
    )


def _check_dask_2d(X, *, estimator_name, input_name, ensure_2d, allow_nd):
    if X.ndim == 1 and ensure_2d:
        raise ValueError(
            f"Expected a 2D array for {input_name}, got a 1D dask array of shape {X.shape}. "
            "Reshape your data with X.reshape(-1, 1) if it has a single feature or "
            "X.reshape(1, -1) if it contains a single sample."
        )
    if X.ndim > 2 and not allow_nd:
        raise ValueError(
            f"Found array with dim {X.ndim}. {estimator_name} expected <= 2 for {input_name}."
        )
    if X.ndim == 0:
        raise ValueError(f"Expected a 2D array for {input_name}, got a scalar.")


def _to_host(block):
    """Copy one block from a device array library (CuPy) to a NumPy array."""
    get = getattr(block, "get", None)
    return get() if callable(get) else np.asarray(block)


def densify_block(block):
    """One sparse block (scipy.sparse matrix or array, pydata ``sparse`` array) as a
    dense NumPy array."""
    toarray = getattr(block, "toarray", None)  # scipy.sparse (todense gives np.matrix)
    if callable(toarray):
        return np.asarray(toarray())
    return np.asarray(block.todense())  # pydata sparse


def _host_backed(X, input_name, accept_sparse=False):
    """Return ``X`` with dense NumPy blocks, each converted when it is read.

    Device (CuPy) blocks are copied to host memory (with a warning); sparse blocks
    (scipy.sparse, pydata ``sparse``) are densified one block at a time, so peak memory is
    one dense block, unless ``accept_sparse`` is true, which keeps them sparse."""
    meta = getattr(X, "_meta", None)
    if meta is None:
        return X
    module = type(meta).__module__.split(".")[0]
    dense_meta = np.empty((0,) * X.ndim, X.dtype)
    if module == "cupy":
        warnings.warn(
            f"{input_name} is a CuPy-backed dask array; dask_scale's kernels run on the CPU, "
            "so each block is copied to host memory when it is read and outputs are "
            "NumPy-backed.",
            UserWarning,
            stacklevel=4,
        )
        return X.map_blocks(_to_host, dtype=X.dtype, meta=dense_meta)
    if is_sparse_backed(X) and not accept_sparse:
        return X.map_blocks(densify_block, dtype=X.dtype, meta=dense_meta)
    return X


IN_MEMORY_SPARSE_HINT = (
    " dask_scale's estimators take sparse data as a dask array of sparse blocks (each block "
    "is densified when it is read); for in-memory data pass a dense array (X.toarray(), or "
    "OneHotEncoder(sparse_output=False))."
)


def reraise_sparse_error(exc):
    """Re-raise scikit-learn's "Sparse data was passed ..." ``TypeError`` (in-memory sparse
    input an estimator does not take) with what to do instead, its message kept first."""
    if (
        isinstance(exc, TypeError)
        and "Sparse data was passed" in str(exc)
        and IN_MEMORY_SPARSE_HINT not in str(exc)
    ):
        raise TypeError(str(exc) + IN_MEMORY_SPARSE_HINT) from exc


def dense_blocks_unless_accepted(X, estimator):
    """``X`` for the per-block calls of a wrapped (fitted) estimator: a dask array of sparse
    blocks as it is when ``estimator``'s tags accept sparse input (scikit-learn's
    ``input_tags.sparse``), else densified block by block when read, as in
    :func:`check_array`. Any other input is returned as it is."""
    if not is_dask_array(X) or not is_sparse_backed(X):
        return X
    try:
        accepts = get_tags(estimator).input_tags.sparse
    except (AttributeError, TypeError):  # estimators without scikit-learn's tags
        accepts = False
    if accepts:
        return X
    return X.map_blocks(densify_block, dtype=X.dtype, meta=np.empty((0,) * X.ndim, X.dtype))


def _is_sparse_frame(X):
    """A pandas DataFrame whose columns are all ``Sparse`` (scikit-learn reads it as a
    sparse matrix)."""
    return (
        isinstance(X, pd.DataFrame)
        and X.shape[1] > 0
        and all(isinstance(d, pd.SparseDtype) for d in X.dtypes)
    )


def _accepts_sparse(estimator):
    try:
        return bool(get_tags(estimator).input_tags.sparse)
    except (AttributeError, TypeError):  # estimators without scikit-learn's tags
        return False


def densify_accepted_sparse(X, estimator, *, own_errors=True):
    """In-memory sparse ``X`` (a scipy.sparse matrix or array of any format, or a pandas
    DataFrame of ``Sparse`` columns) as a dense array when ``estimator`` takes sparse input.

    The kernels are dense, so the whole matrix is densified (the memory of the dense array;
    a dask array of sparse blocks is densified one block at a time instead). ``estimator``
    takes sparse input when its scikit-learn tags say so (``input_tags.sparse``). Before
    that, with ``own_errors``, an estimator's ``_sparse_input_error(X)`` (if it has one)
    may return scikit-learn's own refusal for this input (e.g. "Cannot center sparse
    matrices"), which is raised. Sparse input the estimator does not take is returned as it
    is, for scikit-learn's check to refuse. Any other input is returned as it is.
    """
    frame = _is_sparse_frame(X)
    if not (sp.issparse(X) or frame) or estimator is None or isinstance(estimator, str):
        return X
    refusal = getattr(estimator, "_sparse_input_error", None) if own_errors else None
    if callable(refusal):
        exc = refusal(X)
        if exc is not None:
            raise exc
    if not _accepts_sparse(estimator):
        return X
    if frame:
        return X.sparse.to_dense()  # keeps the column names
    return densify_block(X)


def _sparse_input_as_scipy(X):
    if _is_sparse_frame(X):
        return X.sparse.to_coo()  # a coo_matrix, as scikit-learn's check reads the frame
    return X


def sparse_output_like(estimator, X, out):
    """The dense in-memory output ``out`` of an estimator given sparse ``X``, as the sparse
    matrix (or array) scikit-learn would return.

    ``estimator._sparse_output_format`` says which: ``"csr"`` or ``"csc"``, or ``"input"``
    (CSR and CSC input keep their format, others give CSR); ``None`` (or no such attribute)
    keeps ``out`` dense. With ``estimator._sparse_output_stored_only`` true, the output has
    the entries of ``X``'s sparsity structure only, with ``out``'s values there (the
    implicit zeros of ``X`` stay zero, as scikit-learn's QuantileTransformer maps only the
    stored values). A scipy.sparse array input gives a sparse array, a matrix a matrix.
    Any other input, or output that is not a 2-D NumPy array, is returned as it is.
    """
    fmt = getattr(estimator, "_sparse_output_format", None)
    if fmt is None or not (sp.issparse(X) or _is_sparse_frame(X)):
        return out
    if not isinstance(out, np.ndarray) or out.ndim != 2:
        return out
    X = _sparse_input_as_scipy(X)
    if fmt == "input":
        fmt = X.format if X.format in ("csr", "csc") else "csr"
    is_array = isinstance(X, sp.sparray)
    if getattr(estimator, "_sparse_output_stored_only", False):
        coo = sp.coo_array(X) if is_array else sp.coo_matrix(X)
        coo.sum_duplicates()
        values = out[coo.row, coo.col]
        kind = sp.coo_array if is_array else sp.coo_matrix
        result = kind((values, (coo.row, coo.col)), shape=out.shape, dtype=out.dtype)
        return result.asformat(fmt)
    kind = {
        ("csr", True): sp.csr_array,
        ("csr", False): sp.csr_matrix,
        ("csc", True): sp.csc_array,
        ("csc", False): sp.csc_matrix,
    }[fmt, is_array]
    return kind(out)


def _dask_dtype(X, dtype, input_name):
    if X.dtype.kind == "O" or X.dtype.kind in "USM":
        raise ValueError(
            f"{input_name} has dtype {X.dtype}; numeric data is required. Convert it with "
            f"{input_name}.astype(float), or encode strings/categories with "
            "dask_scale.preprocessing (OrdinalEncoder, OneHotEncoder)."
        )
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {input_name} has dtype {X.dtype}.")
    if dtype is None:
        return X
    if dtype == "numeric":
        return X
    if isinstance(dtype, (list, tuple)):
        if X.dtype in [np.dtype(d) for d in dtype]:
            return X
        return X.astype(dtype[0])
    if X.dtype != np.dtype(dtype):
        return X.astype(dtype)
    return X


def check_array(
    X,
    *,
    dtype=FLOAT_DTYPES,
    ensure_2d=True,
    allow_nd=False,
    ensure_all_finite=True,
    ensure_min_samples=1,
    ensure_min_features=1,
    copy=False,
    estimator=None,
    input_name="X",
    **sk_params,
):
    """Validate ``X``: NumPy/pandas eagerly (scikit-learn's check), dask lazily.

    Dask arrays keep their row chunks (known or unknown); several column blocks are merged into
    one per row block (a cheap graph rewrite). Dask DataFrames become dask arrays with unknown
    row chunks; non-numeric columns raise an error that says how to encode them.

    A dask array of sparse blocks (scipy.sparse, pydata ``sparse``) is densified block by
    block as it is read (its meta becomes a dense NumPy array): peak memory is one dense
    block. In-memory sparse input (scipy.sparse, a frame of pandas ``Sparse`` columns) is
    densified as a whole when ``estimator``'s tags accept sparse input
    (:func:`densify_accepted_sparse`), and otherwise refused by scikit-learn's check
    (``accept_sparse``).

    ``sk_params`` are further arguments of scikit-learn's ``check_array`` (``accept_sparse``,
    ``order``, ``ensure_non_negative``, ...), applied to in-memory input. For dask input only
    ``accept_sparse`` has an effect (a true value keeps blocks of scipy.sparse / sparse
    matrices sparse); another one with a non-default value raises TypeError.

    Returns
    -------
    ndarray or dask array
    """
    name = estimator if isinstance(estimator, str) else type(estimator).__name__
    if estimator is None:
        name = "Estimator"
    if isinstance(X, (dd.DataFrame, dd.Series)):
        if isinstance(X, dd.Series) and ensure_2d:
            raise _series_error(input_name)
        # a scaler's lazy output frame: its array is the same affine map of the scaler's input
        X = link_affine(as_dask_array(X, input_name=input_name), X)
    if is_dask_array(X):
        _check_dask_params(sk_params)
        _check_dask_2d(
            X, estimator_name=name, input_name=input_name, ensure_2d=ensure_2d, allow_nd=allow_nd
        )
        X = _host_backed(X, input_name, accept_sparse=sk_params.get("accept_sparse", False))
        X = _dask_dtype(X, dtype, input_name)
        if X.ndim == 2 and len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        n = X.shape[0]
        if ensure_min_samples and not np.isnan(n) and n < ensure_min_samples:
            raise no_samples_error(name, X.shape, minimum=ensure_min_samples)
        if X.ndim == 2 and ensure_min_features and X.shape[1] < ensure_min_features:
            raise ValueError(
                f"Found array with {X.shape[1]} feature(s) (shape={X.shape}) while a minimum "
                f"of {ensure_min_features} is required by {name}."
            )
        return X
    X = densify_accepted_sparse(X, estimator, own_errors=False)
    try:
        return _sk_check_array(
            X,
            dtype=dtype,
            ensure_2d=ensure_2d,
            allow_nd=allow_nd,
            ensure_all_finite=ensure_all_finite,
            ensure_min_samples=ensure_min_samples,
            ensure_min_features=ensure_min_features,
            copy=copy,
            estimator=estimator,
            input_name=input_name,
            **sk_params,
        )
    except TypeError as exc:
        reraise_sparse_error(exc)
        raise


# scikit-learn check_array arguments without an effect on dask input, at their defaults
_DASK_NEUTRAL = {
    "accept_large_sparse": True,
    "order": None,
    "force_writeable": False,
    "ensure_non_negative": False,
}


def _check_dask_params(sk_params):
    for key, value in sk_params.items():
        if key == "accept_sparse":
            continue
        if key not in _DASK_NEUTRAL:
            raise TypeError(f"check_array() got an unexpected keyword argument {key!r}")
        if value != _DASK_NEUTRAL[key]:
            raise TypeError(
                f"check_array({key}={value!r}) has no effect on dask input (its blocks are "
                f"read lazily); leave {key} at its default ({_DASK_NEUTRAL[key]!r}) for dask "
                "arrays, or check the blocks where they are used."
            )


def check_table(
    estimator,
    X,
    *,
    reset,
    ensure_all_finite="allow-nan",
    ensure_min_samples=1,
    allow_nd=False,
    convert=True,
):
    """Check a 2-D input whose columns may have any dtype, keeping its container kind.

    Sets (``reset``) or checks ``n_features_in_`` and ``feature_names_in_`` from metadata:
    no pass over dask data. For the column-wise estimators (encoders, Categorizer,
    ColumnTransformer, SimpleImputer on strings, BlockTransformer).

    Parameters
    ----------
    estimator : estimator
    X : array-like, pandas DataFrame, dask array or dask DataFrame
    reset : bool
        True in fit.
    ensure_all_finite : bool or "allow-nan", default="allow-nan"
        For other in-memory input than a pandas DataFrame (scikit-learn's check).
    ensure_min_samples : int, default=1
        1 refuses input known to have no rows; 0 accepts it.
    allow_nd : bool, default=False
        Accept dask arrays of more than 2 dimensions.
    convert : bool, default=True
        Pass other in-memory input than a DataFrame through scikit-learn's
        ``check_array(dtype=None)``; with False it is returned as it is. A scipy.sparse
        matrix is kept sparse (CSR or CSC) when ``estimator``'s tags accept sparse input,
        and refused by that check otherwise.

    Returns
    -------
    kind : {"frame", "array", "memory"}
        A dask DataFrame, a dask array, or in-memory input.
    X : the dask DataFrame or pandas DataFrame as it is; the dask array with one block
        along every axis but the first; other in-memory input checked (or as it is, with
        ``convert=False``).
    """
    if isinstance(X, dd.Series):
        raise _series_error("X")
    if is_dask_frame(X) or is_dask_array(X):
        if is_dask_array(X):
            name = type(estimator).__name__
            _check_dask_2d(X, estimator_name=name, input_name="X", ensure_2d=True, allow_nd=allow_nd)
            X = merge_inner_chunks(X)
        _check_feature_names(estimator, X, reset)
        _check_n_features(estimator, X.shape[1], reset)
        kind = "array" if is_dask_array(X) else "frame"
    else:
        if convert and not isinstance(X, pd.DataFrame):
            # sparse input stays sparse (CSR or CSC) where the estimator takes it (its
            # column selections go to inner estimators as scikit-learn's ColumnTransformer's)
            accept = ("csr", "csc") if sp.issparse(X) and _accepts_sparse(estimator) else False
            X = _sk_check_array(
                X,
                dtype=None,
                ensure_all_finite=ensure_all_finite,
                estimator=estimator,
                accept_sparse=accept,
            )
        try:
            _sk_validate_data(estimator, X, reset=reset, skip_check_array=True)
        except ValueError as exc:
            reraise_feature_names_error(exc, estimator, X)
            raise
        kind = "memory"
    n_rows = X.shape[0] if kind != "frame" and hasattr(X, "shape") else np.nan
    if ensure_min_samples and not np.isnan(n_rows) and n_rows < 1:
        raise no_samples_error(estimator, X.shape)
    return kind, X
