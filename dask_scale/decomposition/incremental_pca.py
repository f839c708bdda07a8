"""dask-ml's module path ``dask_ml.decomposition.incremental_pca``: :class:`IncrementalPCA` of
:mod:`dask_scale.decomposition` (the very class)."""

from ._incremental_pca import IncrementalPCA

__all__ = ["IncrementalPCA"]
