"""Clustering: :class:`KMeans` with k-means|| initialisation, trained block by block, and
:class:`SpectralClustering` by the Nyström approximation.

:mod:`dask_scale.cluster.k_means` is dask-ml's module path of KMeans and its helpers
(``k_init``, ``evaluate_cost``, ``k_means``, ...); :mod:`dask_scale.cluster.spectral` is
dask-ml's module path of SpectralClustering.
"""

from . import k_means as k_means  # the module, dask-ml's path (re-exported)
from . import spectral as spectral  # the module, dask-ml's path (re-exported)
from ._kmeans import KMeans
from ._spectral import SpectralClustering

__all__ = ["KMeans", "SpectralClustering"]
