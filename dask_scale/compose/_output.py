"""Output assembly: a ColumnTransformer's outputs stacked side by side.

When every part is a DataFrame (and ``preserve_dataframe``), the result is a DataFrame
(dask DataFrames are joined partition by partition) with ``get_feature_names_out`` column
names; otherwise an array (a lazy dask array for dask input, with the row blocks of the
input). The output widths come from the outputs themselves (their metadata, for dask), so
feature names are read only for a DataFrame output.
"""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._types import is_frame
from .._validation import (
    check_consistent_rows,
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


def is_sparse_output(parts, sparse_threshold):
    """Whether the stacked ``parts`` are sparse: some part is, and the overall density is
    below ``sparse_threshold``."""
    if not any(sp.issparse(p) for p in parts):
        return False
    nnz = sum(p.nnz if sp.issparse(p) else np.count_nonzero(p) for p in parts)
    total = sum(np.prod(as_2d(p).shape) for p in parts)
    density = nnz / total if total else 0.0
    return density < sparse_threshold


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
        return _stack_dask(parts, part_names, _row_blocks(X), preserve_dataframe, feature_names)
    if sparse:
        return sp.hstack([sp.csr_matrix(p) for p in parts]).tocsr()
    parts = [p.toarray() if sp.issparse(p) else p for p in parts]
    if preserve_dataframe and all(isinstance(p, pd.DataFrame) for p in parts):
        out = pd.concat(parts, axis=1)
        out.columns = list(feature_names())
        return out
    if names_needed:
        # set_output's wrapper names the columns with get_feature_names_out, and would
        # silently fall back to numbers where a transformer has no names: fail clearly.
        feature_names()
    return np.hstack([np.asarray(p) for p in parts])


def _stack_dask(parts, part_names, rows, preserve_dataframe, feature_names):
    """Join dask outputs: DataFrames partition by partition, or arrays with the row
    blocks of ``rows`` (the input's, as an empty array)."""
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
    arrays = []
    for p, f in zip(parts, frames, strict=True):
        # one row block per partition, however many columns the part keeps (dask would
        # fuse the partitions of a projection of a Parquet read by its width)
        a = frame_to_dask_array(p) if f else p
        if a.ndim == 1:
            a = a[:, None]
        if len(a.chunks[1]) > 1:
            a = a.rechunk({1: -1})
        arrays.append(a)
    arrays = [
        check_consistent_rows(rows, a, names=("X", f"the output of {name}"))
        for name, a in zip(part_names, arrays, strict=True)
    ]
    if len(arrays) == 1:
        return arrays[0]
    return da.concatenate(arrays, axis=1, allow_unknown_chunksizes=True)
