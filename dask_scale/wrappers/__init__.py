"""Meta-estimators that apply scikit-learn estimators to dask collections.

- :class:`ParallelPostFit`: fit in memory, predict / transform / score block by block.
- :class:`Incremental`: train with ``partial_fit`` one row block at a time (bounded memory,
  several epochs, on a distributed cluster without pulling the data to the client).
"""

from ._incremental import Incremental
from ._parallel_post_fit import ParallelPostFit

__all__ = ["Incremental", "ParallelPostFit"]
