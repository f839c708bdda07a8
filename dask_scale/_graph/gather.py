"""Per-block results without a reduction: one small result per row block, in block order.

Algorithms that keep per-block state between passes (the local variables of consensus ADMM,
for instance) need to know which block they are working on and need every block's result,
not their sum. :func:`gather_blocks` runs ``chunk(block_index, *blocks, *params)`` on every row
block of aligned inputs and returns the list of results. Like :func:`reduce_blocks` it submits
one graph for dask input (parameters as a single broadcast key) and runs row slices on the
shared thread pool for NumPy input.
"""

from __future__ import annotations

import functools
import uuid

import dask.array as da
from dask.delayed import Delayed

from .compute import compute, local_map
from .reduction import (
    LOCAL_BLOCK_ROWS,
    _param_node,
    _run_chunk,
    finite_check,
    input_blocks,
    n_row_blocks,
    row_slices,
)

__all__ = ["gather_blocks", "n_blocks_of"]


def _with_index(chunk, block_index, *args):
    return chunk(block_index, *args)


def _as_list(*parts):
    return list(parts)


def n_blocks_of(arrays, block_rows=LOCAL_BLOCK_ROWS):
    """Number of row blocks :func:`gather_blocks` will use for ``arrays``."""
    arrays = list(arrays)
    if any(isinstance(a, da.Array) for a in arrays):
        return n_row_blocks(arrays)
    n = next(a.shape[0] for a in arrays if a is not None)
    return len(row_slices(n, block_rows))


def gather_blocks(
    chunk,
    arrays,
    params=(),
    *,
    check_finite=None,
    name="gather",
    block_rows=LOCAL_BLOCK_ROWS,
):
    """Run ``chunk(block_index, *blocks, *params)`` on every row block; return the results.

    Parameters
    ----------
    chunk : callable
        Called once per row block with the block's index (0-based, in row order) first.
    arrays : sequence of dask arrays, NumPy arrays or None
        Inputs split alike along axis 0 (all dask or all NumPy); ``None`` entries are passed
        as ``None``.
    params : sequence, default=()
        Small values passed to every call after the blocks (one broadcast key for dask input).
    check_finite : dict, default={}
        Positions in ``arrays`` whose blocks are checked for NaN/inf before ``chunk`` runs,
        each mapped to the input's name for the message, as in :func:`tree_reduce`.
    name : str, default="gather"
        Prefix of the graph keys.
    block_rows : int, default=65536
        Rows per block for NumPy input (see :func:`row_slices`).

    Returns
    -------
    list
        ``chunk``'s results, one per row block, in block order.
    """
    arrays = list(arrays)
    check_finite = finite_check(check_finite or {})
    if any(isinstance(a, da.Array) for a in arrays):
        if not all(a is None or isinstance(a, da.Array) for a in arrays):
            raise TypeError("internal: mix of dask and non-dask inputs in one gather")
        nblocks = n_row_blocks(arrays)
        prefix = f"{name}-{uuid.uuid4().hex}"
        param_key = f"{prefix}-params"
        dsk, per_array = input_blocks(arrays, nblocks)
        dsk[param_key] = _param_node(params)
        keys = []
        for i in range(nblocks):
            key = (f"{prefix}-block", i)
            dsk[key] = (
                _run_chunk,
                functools.partial(_with_index, chunk, i),
                check_finite,
                i,
                param_key,
                *[k[i] for k in per_array],
            )
            keys.append(key)
        final = f"{prefix}-result"
        dsk[final] = (_as_list, *keys)
        (result,) = compute(Delayed(final, dsk), optimize_graph=False)
        return result

    lengths = {a.shape[0] for a in arrays if a is not None}
    if len(lengths) != 1:
        raise ValueError(f"Inputs have different numbers of rows: {sorted(lengths)}")
    slices = row_slices(lengths.pop(), block_rows)
    params = tuple(params)

    def run(i):
        s = slices[i]
        blocks = [None if a is None else a[s] for a in arrays]
        return _run_chunk(
            functools.partial(_with_index, chunk, i), check_finite, i, params, *blocks
        )

    return local_map(run, range(len(slices)))
