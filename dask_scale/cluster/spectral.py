"""dask-ml's ``dask_ml.cluster.spectral`` module path: :class:`SpectralClustering`.

Code written against dask-ml imports it from here (``from dask_ml.cluster.spectral import
SpectralClustering``); it is the class of :mod:`dask_scale.cluster`.
"""

from ._spectral import SpectralClustering

__all__ = ["SpectralClustering"]
