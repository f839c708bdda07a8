"""Clustering: :class:`KMeans` with k-means|| initialisation, trained block by block."""

from ._kmeans import KMeans

__all__ = ["KMeans"]
