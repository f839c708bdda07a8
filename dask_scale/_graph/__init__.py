"""Dask plumbing shared by the estimators: no estimator logic lives here.

- :func:`reduce_blocks` / :func:`tree_reduce`: chunk -> combine -> aggregate over the row
  blocks of aligned inputs, one graph submission (NumPy input: in-process thread pool).
- :func:`map_rows`: row-block maps for predict/transform keeping the container kind.
- :func:`get_client`: the active distributed Client or None.
"""

from .blockwise import map_rows
from .client import get_client
from .reduction import n_row_blocks, reduce_blocks, row_slices, sum_partials, tree_reduce

__all__ = [
    "get_client",
    "map_rows",
    "n_row_blocks",
    "reduce_blocks",
    "row_slices",
    "sum_partials",
    "tree_reduce",
]
