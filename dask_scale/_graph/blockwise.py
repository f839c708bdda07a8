"""Row-wise maps (predict, transform) that keep the caller's container kind."""

from __future__ import annotations

import functools

import dask.array as da
import numpy as np
import pandas as pd

from .._types import is_dask_frame
from .reduction import reject_nonfinite

__all__ = ["map_rows"]


def _checked(func, finite, block, *args):
    if finite:
        reject_nonfinite(block)
    return func(block, *args)


def _frame_partition(func, check_finite, dtype, n_out, columns, name, pdf, *args):
    block = pdf.to_numpy(dtype=dtype) if dtype is not None else pdf.to_numpy()
    out = _checked(func, check_finite, block, *args)
    # A new array that ``func`` made becomes the partition as it is (pandas would copy an
    # ndarray by default); a view, or the input's own memory (``to_numpy`` can return a
    # view that ``func`` may hand back), is copied.
    out = np.asarray(out)
    copy = not out.flags.owndata or bool(np.may_share_memory(out, block))
    if n_out is None:
        return pd.Series(out, index=pdf.index, name=name, copy=copy)
    return pd.DataFrame(out, index=pdf.index, columns=columns, copy=copy)


def map_rows(
    func,
    X,
    *args,
    out_dtype,
    n_out=None,
    in_dtype=None,
    columns=None,
    name=None,
    check_finite=True,
    frame=None,
):
    """Apply ``func(block, *args)`` to every row block of ``X``.

    Parameters
    ----------
    func : callable
        Maps a 2-D NumPy block with ``m`` rows to an array with ``m`` rows: 1-D when ``n_out``
        is None, else ``(m, n_out)``.
    X : ndarray, dask array or dask DataFrame
        Validated input (a dask DataFrame is passed as ``frame`` to keep its index).
    *args
        Small parameters (fitted attributes) passed to every call.
    out_dtype : dtype
        Output dtype.
    n_out : int or None, default=None
        Number of output columns, None for a 1-D output.
    in_dtype : dtype or None, default=None
        dtype the blocks of a DataFrame are converted to.
    columns : list of str or None, default=None
        Output column names when the output is a DataFrame.
    name : str or None, default=None
        Output Series name when the output is a Series.
    check_finite : bool, default=True
        Raise a clear error, when a block is computed, if it holds NaN/inf.
    frame : dask DataFrame or None, default=None
        The caller's original DataFrame; when given, the output is a dask Series/DataFrame
        with its index and partitions.

    Returns
    -------
    ndarray, dask array, or dask Series/DataFrame, following the input.
    """
    if frame is not None and is_dask_frame(frame):
        if n_out is None:
            meta = pd.Series(np.empty(0, dtype=out_dtype), name=name)
        else:
            meta = pd.DataFrame(np.empty((0, n_out), dtype=out_dtype), columns=columns)
        part = functools.partial(
            _frame_partition, func, check_finite, in_dtype, n_out, columns, name
        )
        return frame.map_partitions(part, *args, meta=meta)
    if isinstance(X, da.Array):
        part = functools.partial(_checked, func, check_finite)
        if n_out is None:
            # A partial of module-level functions (not a lambda) keeps the lazy result
            # picklable, e.g. inside a fitted estimator's ``labels_``.
            return X.map_blocks(
                part,
                *args,
                drop_axis=1,
                dtype=out_dtype,
                meta=np.empty((0,), dtype=out_dtype),
            )
        return X.map_blocks(
            part,
            *args,
            chunks=(X.chunks[0], (n_out,)),
            dtype=out_dtype,
            meta=np.empty((0, 0), dtype=out_dtype),
        )
    return _checked(func, check_finite, np.asarray(X), *args)
