"""Clustering: :class:`KMeans` with k-means|| initialisation, trained block by block.

:mod:`dask_scale.cluster.k_means` is dask-ml's module path of KMeans and its helpers
(``k_init``, ``evaluate_cost``, ``k_means``, ...).
"""

from . import k_means as k_means  # the module, dask-ml's path (re-exported)
from ._kmeans import KMeans

__all__ = ["KMeans"]
