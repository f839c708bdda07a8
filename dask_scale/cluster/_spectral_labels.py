"""Label assignment in the spectral embedding: the clusterer that ``assign_labels`` names.

- ``"kmeans"``: :class:`dask_scale.cluster.KMeans` on the embedding (a lazy dask array for
  dask input: read block by block, never gathered).
- ``"sklearn-kmeans"``: :class:`sklearn.cluster.KMeans` on the embedding in memory (for
  dask input the ``n_samples x n_clusters`` embedding is computed first).
- an estimator: a clone of it, fitted on the embedding (computed first for dask input
  unless it is one of this library's estimators, which read dask arrays).

``kmeans_params`` are set on the clusterer (``set_params``) after ``n_clusters``,
``n_init`` and ``random_state`` (string options only).
"""

from __future__ import annotations

import sklearn.cluster
from sklearn.base import BaseEstimator, clone

from .._graph.compute import compute
from .._validation import is_dask_array, warn_no_effect
from ._kmeans import KMeans

__all__ = ["fit_labels", "make_clusterer"]

_OWN = ("kmeans", "sklearn-kmeans")
# dask-ml's / scikit-learn's other options: they need the whole embedding at once
_UNSUPPORTED = ("discretize", "cluster_qr")
# set by SpectralClustering itself: a kmeans_params entry for them would contradict it
_OWNED_KEYS = ("n_clusters", "n_init", "random_state")


def make_clusterer(assign_labels, kmeans_params, n_clusters, n_init, seed, n_init_default):
    """The unfitted clusterer of the embedding."""
    params = dict(kmeans_params or {})
    if isinstance(assign_labels, str):
        if assign_labels in _UNSUPPORTED:
            raise ValueError(
                f"assign_labels={assign_labels!r} is not supported: it needs the whole "
                "n_samples x n_clusters embedding in one array (a pivoted QR or a rotation "
                "over all the rows). Use assign_labels='kmeans' (block by block) or "
                "'sklearn-kmeans' (in memory)."
            )
        if assign_labels not in _OWN:
            raise ValueError(
                f"assign_labels must be one of {_OWN + _UNSUPPORTED} or an estimator, got "
                f"{assign_labels!r}."
            )
        clash = sorted(set(params) & set(_OWNED_KEYS))
        if clash:
            raise ValueError(
                f"kmeans_params may not set {clash}: SpectralClustering sets them from its "
                "own n_clusters, n_init and random_state; set those instead."
            )
        cls = KMeans if assign_labels == "kmeans" else sklearn.cluster.KMeans
        return cls(n_clusters=n_clusters, n_init=n_init, random_state=seed).set_params(**params)
    if not isinstance(assign_labels, BaseEstimator) or not hasattr(assign_labels, "fit"):
        raise TypeError(
            "assign_labels must be 'kmeans', 'sklearn-kmeans' or an estimator with fit and "
            f"labels_, got {type(assign_labels).__name__}."
        )
    if n_init != n_init_default:
        warn_no_effect(
            "SpectralClustering",
            "n_init",
            "assign_labels is an estimator: its own parameters apply",
            value=n_init,
            fix="set it on that estimator or in kmeans_params",
            category=UserWarning,
            stacklevel=4,
        )
    return clone(assign_labels).set_params(**params)


def _reads_dask(est):
    return type(est).__module__.split(".")[0] == "dask_scale"


def fit_labels(clusterer, embedding):
    """Fit ``clusterer`` on the embedding; return it (its ``labels_`` are the labels)."""
    if is_dask_array(embedding) and not _reads_dask(clusterer):
        (embedding,) = compute(embedding)
    clusterer.fit(embedding)
    if not hasattr(clusterer, "labels_"):
        raise TypeError(
            f"assign_labels estimator {type(clusterer).__name__} has no labels_ after fit: "
            "pass a clusterer (e.g. KMeans)."
        )
    return clusterer
