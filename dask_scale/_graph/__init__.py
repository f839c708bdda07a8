"""Dask plumbing shared by the estimators: no estimator logic lives here.

- :func:`reduce_blocks` / :func:`tree_reduce`: chunk -> combine -> aggregate over the row
  blocks of aligned inputs (dask arrays, or DataFrames whose pandas partitions keep their
  dtypes), one graph submission (NumPy input: in-process thread pool).
- :func:`map_row_blocks` / :func:`map_rows`: row-block maps for predict/transform keeping
  the container kind (the first wires any per-block function with a given output meta).
- :func:`get_client`: the active distributed Client or None.
- :func:`gather_blocks`: ``chunk(block_index, *blocks, *params)`` on every row block, the list
  of per-block results back in block order (one graph submission); for algorithms with
  per-block state such as consensus ADMM. :func:`n_blocks_of` says how many blocks it uses.
- :func:`fold_blocks`: a function folded over the row blocks, a bounded number at a time.

The graphs these build take the caller's blocks by the keys of their *optimised* graph
(:mod:`dask_scale._graph.keys`), so the keys they submit name the same tasks as a
``dask.compute`` of those collections would.
"""

from .blocks import fold_blocks
from .blockwise import map_row_blocks, map_rows
from .client import get_client
from .gather import gather_blocks, n_blocks_of
from .keys import count_row_blocks
from .reduction import (
    n_row_blocks,
    reduce_blocks,
    row_slices,
    sum_partials,
    tree_reduce,
)

__all__ = [
    "count_row_blocks",
    "fold_blocks",
    "gather_blocks",
    "get_client",
    "map_row_blocks",
    "map_rows",
    "n_blocks_of",
    "n_row_blocks",
    "reduce_blocks",
    "row_slices",
    "sum_partials",
    "tree_reduce",
]
