"""Row-wise maps (predict, transform) that keep the caller's container kind.

:func:`map_row_blocks` is the one place a per-block function is wired over the row blocks of
a dask collection, with the output's meta; :func:`map_rows` adds what most callers want
around it: outputs of a given dtype and width, NaN/inf checks, a private copy of each block,
and dask DataFrame outputs with the input's index. :func:`frame_output` turns such a lazy
output into a dask DataFrame with the input's index (``set_output(transform="pandas")``).
"""

from __future__ import annotations

import functools

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd

from .._types import is_dask_array, is_dask_bag, is_dask_frame
from .compute import keep_partitions
from .keys import merge_inner_chunks
from .reduction import reject_nonfinite, sized_block

__all__ = ["frame_output", "map_row_blocks", "map_rows"]


def _on_sized_block(block, func, *args):
    """``func`` on a Bag partition given as a list (:func:`sized_block`)."""
    return func(sized_block(block), *args)


def map_row_blocks(func, X, *args, meta, name=None):
    """``func(block, *args)`` on every row block of the dask collection ``X``, lazily.

    Parameters
    ----------
    func : callable
        Maps one row block to its output, with the block's rows.
    X : dask array, DataFrame, Series or Bag
        A dask array's other axes are merged into one block first, so ``func`` sees whole
        rows (NumPy blocks); a DataFrame's partitions are passed as they are (pandas), and
        so are a Bag's (as lists of its elements, :func:`sized_block`: documents, records).
    *args
        Passed to every call after the block (small values, or a ``Delayed`` holding a
        larger one, e.g. a fitted estimator: every block task then refers to its one key).
    meta : ndarray, scipy sparse matrix, pandas Series or DataFrame with zero rows
        The output's type, dtype and trailing shape (or columns). A DataFrame input with a
        pandas ``meta`` gives a dask Series/DataFrame with the input's index (the meta's
        index is replaced by the input's, empty) and partitions;
        with an array ``meta`` (the only kind a Bag takes), a dask array with one row
        block per partition (unknown sizes).
    name : str or None, default=None
        Output name (graph key prefix); dask's token of the call when None.

    Returns
    -------
    dask array, or dask Series/DataFrame.
    """
    if is_dask_frame(X) or is_dask_bag(X):
        if isinstance(meta, (pd.Series, pd.DataFrame)):
            if is_dask_bag(X):
                raise TypeError("internal: a Bag's row map gives a dask array: pass an array meta")
            # the partitions keep the input's index: so does the meta (its name and dtype)
            meta = meta.iloc[:0].set_axis(X._meta.index[:0])
            return X.map_partitions(func, *args, meta=meta, enforce_metadata=False)
        task = dask.delayed(func, pure=True)
        if is_dask_bag(X):
            # the raw partitions: the array's optimisation fuses them once, as the Bag's own
            # and a reduction's do, under the same keys (fused twice, by ``to_delayed`` and
            # then the array's, a partition's key would name another task: see ``keys``)
            parts = X.to_delayed(optimize_graph=False)
            task = dask.delayed(_on_sized_block, pure=True)
            args = (func, *args)
        else:
            with keep_partitions():
                parts = X.to_delayed()
        shape = (np.nan,) + meta.shape[1:]
        blocks = []
        for i, part in enumerate(parts):
            key = {} if name is None else {"dask_key_name": f"{name}-{i}"}
            out = task(part, *args, **key)
            blocks.append(da.from_delayed(out, shape=shape, dtype=meta.dtype, meta=meta))
        return da.concatenate(blocks, axis=0)
    X = merge_inner_chunks(X)
    axes = {}
    if X.ndim > meta.ndim:
        axes["drop_axis"] = list(range(meta.ndim, X.ndim))
    elif X.ndim < meta.ndim:
        axes["new_axis"] = list(range(X.ndim, meta.ndim))
    chunks = (X.chunks[0],) + tuple((int(s),) for s in meta.shape[1:])
    return X.map_blocks(func, *args, chunks=chunks, dtype=meta.dtype, meta=meta, name=name, **axes)


def _checked(func, finite, copy, block, *args):
    if finite:
        reject_nonfinite(block, allow_nan=finite == "allow-nan")
    return func(np.array(block, copy=True) if copy else block, *args)


def _frame_partition(func, finite, copy, dtype, n_out, columns, name, dtypes, pdf, *args):
    block = pdf if dtype == "pandas" else pdf.to_numpy(dtype=dtype)
    out = _checked(func, finite, copy, block, *args)
    # A new array that ``func`` made becomes the partition as it is (pandas would copy an
    # ndarray by default); a view, or the input's own memory (``to_numpy`` can return a
    # view that ``func`` may hand back), is copied.
    out = np.asarray(out)
    copy = not out.flags.owndata or bool(np.may_share_memory(out, block))
    # pandas infers ``str`` for an object ndarray of strings: an object output stays object,
    # as its meta says
    as_object = object if out.dtype == object else None
    if n_out is None:
        return pd.Series(out, index=pdf.index, name=name, copy=copy, dtype=as_object)
    if dtypes is None:
        return pd.DataFrame(out, index=pdf.index, columns=columns, copy=copy, dtype=as_object)
    frame = pd.DataFrame(
        {j: pd.Series(out[:, j], index=pdf.index, dtype=dt) for j, dt in enumerate(dtypes)}
    )
    frame.columns = columns if columns is not None else range(n_out)
    return frame


def _frame_meta(n_out, out_dtype, columns, dtypes):
    if dtypes is None:
        return pd.DataFrame(np.empty((0, n_out), dtype=out_dtype), columns=columns)
    meta = pd.DataFrame({j: pd.Series([], dtype=dt) for j, dt in enumerate(dtypes)})
    meta.columns = columns if columns is not None else range(n_out)
    return meta


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
    copy=False,
    frame=None,
    dtypes=None,
):
    """Apply ``func(block, *args)`` to every row block of ``X``.

    Parameters
    ----------
    func : callable
        Maps a 2-D NumPy block with ``m`` rows to an array with ``m`` rows: 1-D when ``n_out``
        is None, else ``(m, n_out)``.
    X : ndarray, pandas DataFrame or dask array
        Validated input (a dask DataFrame is passed as ``frame`` to keep its index).
    *args
        Small parameters (fitted attributes) passed to every call.
    out_dtype : dtype
        Output dtype.
    n_out : int or None, default=None
        Number of output columns, None for a 1-D output.
    in_dtype : dtype, "pandas" or None, default=None
        dtype the partitions of ``frame`` are converted to (NumPy's choice when None);
        ``"pandas"`` passes them to ``func`` as they are.
    columns : list of str or None, default=None
        Output column names when the output is a DataFrame.
    name : str or None, default=None
        Output Series name when the output is a Series.
    check_finite : bool or "allow-nan", default=True
        Raise a clear error, when a block is computed, if it holds NaN or infinity (only
        infinity with "allow-nan").
    copy : bool, default=False
        Pass ``func`` a private copy of every dask block, which it may modify in place.
    frame : dask DataFrame or None, default=None
        The caller's original DataFrame; when given, the output is a dask Series/DataFrame
        with its index and partitions.
    dtypes : sequence of dtypes or None, default=None
        The dtype (NumPy or pandas) of every column of a DataFrame output (``n_out`` of
        them), for outputs whose columns differ in kind (strings next to numbers);
        ``func`` then returns an ``out_dtype`` array that every column is converted from.
        None gives every column ``out_dtype``. Array outputs ignore it.

    Returns
    -------
    ndarray, dask array, or dask Series/DataFrame, following the input.
    """
    if frame is not None and is_dask_frame(frame):
        if n_out is None:
            meta = pd.Series(np.empty(0, dtype=out_dtype), name=name)
        else:
            if dtypes is not None and len(dtypes) != n_out:
                raise ValueError(f"dtypes has {len(dtypes)} entries for {n_out} columns.")
            meta = _frame_meta(n_out, out_dtype, columns, dtypes)
        part = functools.partial(
            _frame_partition, func, check_finite, copy, in_dtype, n_out, columns, name, dtypes
        )
        return map_row_blocks(part, frame, *args, meta=meta)
    if is_dask_array(X):
        # A partial of module-level functions (not a lambda) keeps the lazy result
        # picklable (e.g. a prediction sent to another process).
        part = functools.partial(_checked, func, check_finite, copy)
        shape = (0,) if n_out is None else (0, n_out)
        return map_row_blocks(part, X, *args, meta=np.empty(shape, dtype=out_dtype))
    return _checked(func, check_finite, False, X, *args)


def frame_output(out, X, columns=None):
    """The lazy output ``out`` of a row map over ``X`` as a dask DataFrame, lazily.

    Parameters
    ----------
    out : dask array (1-D or 2-D), dask Series or DataFrame
        The output; a dask array must have one row block per partition of a DataFrame
        ``X`` (as :func:`map_row_blocks` makes it).
    X : dask array, DataFrame or Series
        The input whose rows ``out`` holds. A DataFrame or Series gives the output its index
        and divisions; a dask array has no index, so the output gets dask's default one:
        ``0..n-1`` with known divisions when the row chunks of ``X`` (or of ``out``) are
        known, else each partition numbered from 0 (unknown divisions).
    columns : sequence of str or None, default=None
        Output column names; None keeps ``out``'s (``0..k-1`` for an array).

    Returns
    -------
    dask DataFrame
        ``out`` itself when it already is a DataFrame with these columns; the caller's
        objects are never modified.
    """
    if isinstance(out, dd.Series):
        out = out.to_frame()
    elif not is_dask_frame(out):
        if out.ndim == 1:
            out = out[:, None]
        out = dd.from_dask_array(out, index=_row_index(out, X))
    if columns is not None and list(out.columns) != list(columns):
        out = out.copy()  # a new collection: renaming it leaves the caller's alone
        out.columns = list(columns)
    return out


def _row_index(out, X):
    """The dask Index of the rows of the array ``out`` of ``X``, or None for dask's default."""
    if is_dask_frame(X):
        if out.numblocks[0] != X.npartitions:
            raise ValueError(
                f"The output has {out.numblocks[0]} row blocks but the input DataFrame "
                f"{X.npartitions} partitions, so its rows cannot be given the input's index; "
                "the transform must keep one row block per partition."
            )
        return X.index
    rows = X.chunks[0]
    if not np.isnan(out.shape[0]) or np.isnan(X.shape[0]) or out.numblocks[0] != len(rows):
        return None
    # ``out`` lost the row block sizes that ``X`` knows (e.g. through a DataFrame): number
    # its rows 0..n-1 as they would be
    return dd.from_dask_array(da.arange(X.shape[0], chunks=(rows,))).index
