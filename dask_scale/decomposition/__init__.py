"""Matrix decompositions trained block by block, at dask-ml's module path with
scikit-learn's results: :class:`PCA` (exact in one pass by a tall-skinny QR tree
reduction, or randomized), :class:`TruncatedSVD` and :class:`IncrementalPCA` (the row
blocks are its batches).

``dask_scale.decomposition.pca``, ``.truncated_svd`` and ``.incremental_pca`` are
dask-ml's module paths of the same classes."""

from . import incremental_pca as incremental_pca  # dask-ml's module paths (re-exported)
from . import pca as pca
from . import truncated_svd as truncated_svd
from ._incremental_pca import IncrementalPCA
from ._pca import PCA
from ._truncated_svd import TruncatedSVD

__all__ = ["IncrementalPCA", "PCA", "TruncatedSVD"]
