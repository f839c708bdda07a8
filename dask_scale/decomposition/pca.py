"""dask-ml's module path ``dask_ml.decomposition.pca``: :class:`PCA` of
:mod:`dask_scale.decomposition` (the very class)."""

from ._pca import PCA

__all__ = ["PCA"]
