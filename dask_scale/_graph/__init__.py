"""Dask plumbing shared by the estimators: no estimator logic lives here.

- :func:`reduce_blocks` / :func:`tree_reduce`: chunk -> combine -> aggregate over the row
  blocks of aligned inputs (dask arrays, or DataFrames whose pandas partitions keep their
  dtypes), one graph submission (NumPy input: in-process thread pool).
- :func:`map_row_blocks` / :func:`map_rows`: row-block maps for predict/transform keeping
  the container kind (the first wires any per-block function with a given output meta);
  :func:`frame_output`: such a lazy output as a dask DataFrame with the input's index.
- :func:`blas_per_block`: BLAS threads capped while a reduction's BLAS-bound blocks run
  in parallel on this process's threads (no oversubscription of the cores).
- :func:`get_client`: the active distributed Client or None.
- :class:`BlockStates`: per-block state kept where its row block is processed (on the
  block's worker with a distributed Client, in the driver's memory otherwise); each
  ``step`` runs ``func(block_index, state, *blocks, *params) -> (state, summary)`` on every
  row block in one graph submission and brings back only the summaries (consensus ADMM).
  :func:`gather_blocks` is its stateless case, the list of per-block results in block
  order; :func:`n_blocks_of` says how many blocks they use.
- :func:`param_nbytes`: the size of a parameter, nested containers included, by which
  parameters are judged small (in the graph) or large (scattered).
- :func:`fold_blocks`: a function folded over the row blocks, a bounded number at a time.
- :func:`take_rows` / :class:`RowTaker` / :func:`row_block_lengths` /
  :func:`optimized_blocks`: rows of a collection by position (a fold),
  built block by block from the row blocks holding them, lazily, or (:meth:`RowTaker.task`)
  as one task giving an in-memory block (a search's fold); the row-block lengths such
  plans are made against (unknown ones computed once per collection)
  (:mod:`dask_scale._graph.rows`).
- :func:`register_affine` / :func:`affine_source`: a scaler's lazy output remembered as
  ``(source - offset) * factor``, so that the next fit can read the source and apply the map
  in its own kernels (:mod:`dask_scale._graph.affine`).

The graphs these build take the caller's blocks by the keys of their *optimised* graph
(:mod:`dask_scale._graph.keys`), so the keys they submit name the same tasks as a
``dask.compute`` of those collections would.
"""

from .affine import AffineSource, affine_source, link_affine, register_affine
from .blocks import fold_blocks
from .blockwise import frame_output, map_row_blocks, map_rows
from .client import get_client
from .gather import BlockStates, gather_blocks, n_blocks_of
from .keys import content_token, count_row_blocks
from .reduction import (
    blas_per_block,
    n_row_blocks,
    param_nbytes,
    reduce_blocks,
    row_slices,
    sum_partials,
    tree_reduce,
)
from .rows import RowTaker, optimized_blocks, row_block_lengths, take_rows

__all__ = [
    "AffineSource",
    "BlockStates",
    "RowTaker",
    "affine_source",
    "blas_per_block",
    "content_token",
    "count_row_blocks",
    "fold_blocks",
    "frame_output",
    "gather_blocks",
    "get_client",
    "link_affine",
    "map_row_blocks",
    "map_rows",
    "n_blocks_of",
    "n_row_blocks",
    "optimized_blocks",
    "param_nbytes",
    "reduce_blocks",
    "register_affine",
    "row_block_lengths",
    "row_slices",
    "sum_partials",
    "take_rows",
    "tree_reduce",
]
