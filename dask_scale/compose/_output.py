"""Output assembly: a ColumnTransformer's outputs stacked side by side.

When every part is a DataFrame (and ``preserve_dataframe``), the result is a DataFrame
(dask DataFrames are joined partition by partition) with ``get_feature_names_out`` column
names; otherwise an array (a lazy dask array for dask input, with the row blocks of the
input). The array is sparse (CSR) when some part is sparse and the density of all the parts
is below ``sparse_threshold``, as in scikit-learn; a dask array is then stacked per row
block with ``scipy.sparse.hstack`` (CSR blocks), and otherwise every sparse block is
densified per row block. Sparse parts are SciPy sparse matrices, dask arrays of sparse
blocks and (pandas or dask) DataFrames whose columns are all pandas ``Sparse``. The output
widths come from the outputs themselves (their metadata, for dask), so
feature names are read only for a DataFrame output.
"""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._graph import map_row_blocks, reduce_blocks
from .._types import is_frame, is_sparse_backed
from .._validation import (
    check_consistent_rows,
    densify_block,
    frame_to_dask_array,
    is_dask_collection,
    is_dask_frame,
)

__all__ = ["as_2d", "frame_columns", "is_sparse_output", "output_width", "stack_outputs"]


def output_width(Xt):
    """Number of output columns of a (2-D) transformer output, or None when unknown."""
    if is_frame(Xt):
        return len(Xt.columns)
    width = Xt.shape[1]
    return None if np.isnan(width) else int(width)


def frame_columns(Xt):
    """The column names of a DataFrame output (all str), else None."""
    if not is_frame(Xt):
        return None
    columns = list(Xt.columns)
    return columns if all(isinstance(c, str) for c in columns) else None


def as_2d(Xt):
    if isinstance(Xt, (pd.Series, dd.Series)):
        return Xt.to_frame()
    if not sp.issparse(Xt) and getattr(Xt, "ndim", 2) == 1:
        return Xt[:, None]  # not reshape: a dask array's row chunks may be unknown
    return Xt


def _row_blocks(X):
    """An empty (n_samples, 0) dask array with the row blocks of dask input ``X``."""
    arr = frame_to_dask_array(X) if is_dask_frame(X) else X
    return arr[:, :0]


def _concat_partitions(names, *parts):
    out = pd.concat([p.reset_index(drop=True) for p in parts], axis=1)
    out.columns = names
    out.index = parts[0].index
    return out


def _is_sparse_frame(Xt):
    return (
        is_frame(Xt)
        and len(Xt.columns) > 0
        and all(isinstance(dt, pd.SparseDtype) for dt in Xt.dtypes)
    )


def _is_sparse_part(Xt):
    """A SciPy sparse matrix, a dask array of sparse blocks or a DataFrame (pandas or dask)
    of pandas ``Sparse`` columns."""
    return sp.issparse(Xt) or _is_sparse_frame(Xt) or is_sparse_backed(Xt)


def _as_csr(block):
    """One sparse part or block (SciPy, pydata ``sparse``, pandas ``Sparse`` frame) or
    dense block as a CSR matrix."""
    if isinstance(block, pd.DataFrame):
        if _is_sparse_frame(block):
            return block.sparse.to_coo().tocsr()
        return sp.csr_matrix(block.to_numpy())
    if sp.issparse(block):
        return block.tocsr()
    to_scipy = getattr(block, "to_scipy_sparse", None)  # pydata sparse
    if callable(to_scipy):
        return to_scipy().tocsr()
    return sp.csr_matrix(np.asarray(block))


def _as_dense(block):
    """One part or block as a dense array (sparse ones densified)."""
    if isinstance(block, pd.DataFrame):
        return block.sparse.to_dense().to_numpy() if _is_sparse_frame(block) else block
    if isinstance(block, np.ndarray) or not callable(getattr(block, "todense", None)):
        return block
    return densify_block(block)  # scipy.sparse or pydata sparse


def _nonzeros_and_cells(*blocks):
    nnz = cells = 0
    for b in blocks:
        b = b if sp.issparse(b) else _as_csr(b) if _is_sparse_part(b) else np.asarray(b)
        nnz += b.nnz if sp.issparse(b) else np.count_nonzero(b)
        cells += int(np.prod(as_2d(b).shape))
    return np.array([nnz, cells], dtype=np.float64)


def is_sparse_output(parts, sparse_threshold, X=None, preserve_dataframe=False):
    """Whether the stacked ``parts`` are sparse: some part is, and the overall density is
    below ``sparse_threshold`` (scikit-learn's rule).

    A DataFrame output (every part a DataFrame, ``preserve_dataframe``) is never sparse.
    For dask parts stacked into an array the nonzeros are counted in one pass over the
    parts, with ``X`` (the validated input) giving the row blocks."""
    parts = [as_2d(p) for p in parts]
    if sparse_threshold <= 0 or not any(_is_sparse_part(p) for p in parts):
        return False  # (no density is below 0: nothing to count)
    if preserve_dataframe and all(is_frame(p) for p in parts):
        return False  # a DataFrame output, never a sparse matrix
    if any(is_dask_collection(p) for p in parts):
        arrays = _dask_arrays(parts, None, _row_blocks(X))
        nnz, total = reduce_blocks(_nonzeros_and_cells, arrays, name="ct-density")
    else:
        nnz, total = _nonzeros_and_cells(*parts)
    density = nnz / total if total else 0.0
    return bool(density < sparse_threshold)


def stack_outputs(
    parts, part_names, X, *, sparse, preserve_dataframe, feature_names, names_needed
):
    """Stack the (2-D, weighted) outputs ``parts`` of the transformers ``part_names``.

    ``X`` is the validated input; ``sparse`` says whether the in-memory output is sparse;
    ``feature_names()`` gives the output column names, called only for a DataFrame output
    or when ``names_needed`` (set_output's wrapper will name the columns).
    """
    if not parts:
        if is_dask_collection(X):
            return _row_blocks(X)
        return np.zeros((X.shape[0], 0))
    dask_parts = [is_dask_collection(p) for p in parts]
    if any(dask_parts):
        if not all(dask_parts):
            bad = [n for n, d in zip(part_names, dask_parts, strict=True) if not d]
            raise TypeError(
                f"Transformers {bad} returned in-memory output for dask input. Use "
                "dask_scale transformers, or wrap scikit-learn ones with "
                "dask_scale.wrappers.ParallelPostFit."
            )
        return _stack_dask(
            parts, part_names, _row_blocks(X), preserve_dataframe, feature_names, sparse
        )
    if sparse:
        return sp.hstack([_as_csr(p) for p in parts]).tocsr()
    if not (preserve_dataframe and all(isinstance(p, pd.DataFrame) for p in parts)):
        parts = [_as_dense(p) for p in parts]
    if preserve_dataframe and all(isinstance(p, pd.DataFrame) for p in parts):
        out = pd.concat(parts, axis=1)
        out.columns = list(feature_names())
        return out
    if names_needed:
        # set_output's wrapper names the columns with get_feature_names_out, and would
        # silently fall back to numbers where a transformer has no names: fail clearly.
        feature_names()
    return np.hstack([np.asarray(p) for p in parts])


def _stack_dask(parts, part_names, rows, preserve_dataframe, feature_names, sparse):
    """Join dask outputs: DataFrames partition by partition, or arrays with the row
    blocks of ``rows`` (the input's, as an empty array): CSR blocks when ``sparse``, else
    dense blocks (sparse blocks densified per block)."""
    frames = [is_dask_frame(p) for p in parts]
    if preserve_dataframe and all(frames):
        nblocks = {p.npartitions for p in parts}
        if len(nblocks) != 1:
            raise ValueError(
                "The transformers' outputs have different numbers of partitions "
                f"({sorted(nblocks)}); they must be partitioned like the input."
            )
        names = list(feature_names())
        if len(parts) == 1:
            out = parts[0]
            return out.rename(columns=dict(zip(out.columns, names, strict=True)))
        meta = _concat_partitions(names, *[p._meta for p in parts])
        return dd.map_partitions(
            _concat_partitions, names, *parts, meta=meta, align_dataframes=False
        )
    arrays = _dask_arrays(parts, part_names, rows)
    if not sparse and not any(_is_sparse_part(a) for a in arrays):
        if len(arrays) == 1:
            return arrays[0]
        return da.concatenate(arrays, axis=1, allow_unknown_chunksizes=True)
    width = sum(a.shape[1] for a in arrays)
    dtype = np.result_type(*[a.dtype for a in arrays])
    stack = _hstack_sparse if sparse else _hstack_dense
    meta = sp.csr_matrix((0, width), dtype=dtype) if sparse else np.empty((0, width), dtype)
    return da.map_blocks(
        stack,
        dtype,
        *arrays,
        chunks=(arrays[0].chunks[0], (width,)),
        dtype=dtype,
        meta=meta,
    )


def _hstack_sparse(dtype, *blocks):
    return sp.hstack([_as_csr(b) for b in blocks], format="csr", dtype=dtype)


def _hstack_dense(dtype, *blocks):
    return np.hstack([np.asarray(_as_dense(b), dtype=dtype) for b in blocks])


def _dask_arrays(parts, part_names, rows):
    """The dask parts as dask arrays with the row blocks of ``rows``, one column block each
    (a DataFrame of pandas ``Sparse`` columns becomes CSR blocks, one per partition)."""
    arrays = []
    for p in parts:
        if _is_sparse_frame(p):
            width = len(p.columns)
            dtype = np.result_type(*[dt.subtype for dt in p.dtypes])
            a = map_row_blocks(_as_csr, p, meta=sp.csr_matrix((0, width), dtype=dtype))
        elif is_dask_frame(p):
            # one row block per partition, however many columns the part keeps (dask would
            # fuse the partitions of a projection of a Parquet read by its width)
            a = frame_to_dask_array(p)
        else:
            a = p
        if a.ndim == 1:
            a = a[:, None]
        if len(a.chunks[1]) > 1:
            a = a.rechunk({1: -1})
        arrays.append(a)
    names = part_names or [f"transformer {i}" for i in range(len(arrays))]
    return [
        check_consistent_rows(rows, a, names=("X", f"the output of {name}"))
        for name, a in zip(names, arrays, strict=True)
    ]
