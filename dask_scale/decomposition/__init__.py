"""Matrix decompositions trained block by block, at dask-ml's module path with
scikit-learn's results: :class:`PCA` (exact in one pass by a tall-skinny QR tree
reduction, or randomized), :class:`TruncatedSVD` and :class:`IncrementalPCA` (the row
blocks are its batches)."""

from ._incremental_pca import IncrementalPCA
from ._pca import PCA
from ._truncated_svd import TruncatedSVD

__all__ = ["IncrementalPCA", "PCA", "TruncatedSVD"]
