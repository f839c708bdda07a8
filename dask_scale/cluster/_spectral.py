"""Spectral clustering by the Nyström approximation, block by block over the rows."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.metrics.pairwise import PAIRWISE_KERNEL_FUNCTIONS
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Hidden, Interval, StrOptions

from .._fitting import all_or_nothing
from .._graph import row_block_lengths
from .._validation import is_dask_array, nonfinite_message, validate_data, warn_no_effect
from ._spectral_labels import fit_labels, make_clusterer
from ._spectral_nystrom import degree_extension, embedding_basis, inverse_sqrt_degrees
from ._spectral_passes import (
    affinity,
    affinity_column_sums,
    embed,
    normalised_gram,
    sample_rows,
)

__all__ = ["SpectralClustering"]

_KERNELS = frozenset(PAIRWISE_KERNEL_FUNCTIONS)
_N_INIT = 10
_N_NEIGHBORS = 10


class SpectralClustering(ClusterMixin, BaseEstimator):
    """Spectral clustering of data larger than memory, by the Nyström approximation.

    The ``n_samples x n_samples`` affinity matrix is never formed. ``n_components`` rows are
    drawn at random from the whole of ``X``; every row block's affinity to them is computed
    with scikit-learn's kernel (``affinity``) and reduced: one pass gives the degrees of the
    sampled rows, a second the ``n_components x n_components`` Gram matrix of the rows'
    normalised affinities, from which the leading ``n_clusters`` eigenvectors of the
    normalised affinity ``D^-1/2 W D^-1/2`` of all the rows follow (the orthogonalised
    Nyström method of Fowlkes et al., 2004). Each row's embedding, its affinity to the
    sample mapped onto those eigenvectors and normalised to unit length (Ng, Jordan and
    Weiss), is computed block by block, and :class:`~dask_scale.cluster.KMeans` clusters it.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters, and dimension of the spectral embedding.
    eigen_solver : {None, "arpack", "lobpcg"}, default=None
        Eigensolver of the ``n_components x n_components`` matrix of the approximation:
        None for LAPACK's dense symmetric solver (exact), "arpack" or "lobpcg" for SciPy's
        iterative ones (to ``eigen_tol``). "amg" (scikit-learn's solver for large sparse
        Laplacians) raises a ValueError: the matrix here is small and dense.
    random_state : int, RandomState instance or None, default=None
        Draws the sampled rows (positions drawn over all ``n_samples`` rows: the sample does
        not depend on the chunking), the start of the iterative eigensolvers, and the seed
        of the k-means label assignment.
    n_init : int, default=10
        Number of k-means runs with different seeds in the label assignment (the best, by
        inertia, is kept), as in scikit-learn. With an estimator ``assign_labels``, its own
        parameters apply (a value other than 10 then warns that it has no effect).
    gamma : float, default=1.0
        Kernel coefficient of the rbf, polynomial, sigmoid, laplacian and chi2 kernels.
    affinity : str or callable, default="rbf"
        A kernel of :func:`sklearn.metrics.pairwise.pairwise_kernels` ("rbf", "polynomial"
        or "poly", "sigmoid", "linear", "cosine", "laplacian", "chi2", "additive_chi2"),
        or a callable ``affinity(x, y, **kernel_params) -> float`` of two rows, as
        scikit-learn calls it. Only kernels giving non-negative similarities make sense.
        "nearest_neighbors" and "precomputed" raise a ValueError: a k-nearest-neighbours
        graph or a given ``n x n`` matrix is not a kernel that the sampled rows can extend.
    n_neighbors : int, default=10
        scikit-learn's parameter of ``affinity="nearest_neighbors"``, which is not
        supported; a value other than 10 warns at fit time that it has no effect.
    eigen_tol : float or "auto", default="auto"
        Stopping tolerance of the "arpack" and "lobpcg" eigensolvers ("auto": arpack's
        machine precision, lobpcg's default). With the dense solver (exact), a value other
        than "auto" or 0 warns that it has no effect.
    assign_labels : {"kmeans", "sklearn-kmeans"} or estimator, default="kmeans"
        Clusterer of the embedding: this library's :class:`~dask_scale.cluster.KMeans`
        (block by block), scikit-learn's :class:`~sklearn.cluster.KMeans` (the embedding,
        ``n_samples x n_clusters``, in memory), or a clusterer instance (cloned; fitted on
        the embedding). "discretize" and "cluster_qr" raise a ValueError: they need the
        whole embedding at once.
    degree : float, default=3
        Degree of the polynomial kernel.
    coef0 : float, default=1
        Zero coefficient of the polynomial and sigmoid kernels.
    kernel_params : dict or None, default=None
        Keyword arguments of a callable ``affinity`` (or extra ones of a named kernel).
    n_components : int, default=100
        Number of rows sampled for the Nyström approximation (dask-ml's meaning; at most
        ``n_samples``). More rows give a closer approximation and cost
        ``O(n_samples * n_components)`` kernel evaluations per pass.
    persist_embedding : bool, default=False
        Persist the ``n_samples x n_clusters`` embedding of dask input (``persist``: in
        the workers' memory with a distributed Client) before the k-means passes, so
        that each of them reads it instead of recomputing every row's affinity to the
        sample. The embedding of NumPy input is always in memory.
    kmeans_params : dict or None, default=None
        Parameters set on the label-assignment clusterer (e.g. ``{"max_iter": 100}``). For
        a string ``assign_labels`` it may not set ``n_clusters``, ``n_init`` or
        ``random_state`` (SpectralClustering's own parameters).
    n_jobs : int or None, default="deprecated"
        dask-ml's keyword; it has no effect here: the parallelism is the dask scheduler's.
        Setting it warns (``FutureWarning``) at fit time; leave it out.

    Attributes
    ----------
    labels_ : ndarray or dask array of shape (n_samples,)
        Cluster of each training row: the label-assignment clusterer's ``labels_`` (a
        NumPy array for NumPy input; for dask input with ``assign_labels="kmeans"`` a dask
        array over the labels already computed, with ``X``'s row chunks, as
        :class:`~dask_scale.cluster.KMeans` gives).
    assign_labels_ : estimator
        The fitted label-assignment clusterer.
    eigenvalues_ : ndarray of shape (n_clusters,)
        The leading eigenvalues of the approximate normalised affinity matrix, largest first
        (the largest is close to 1); fewer (with a warning) when the sampled rows' affinity
        has a lower rank (duplicate rows), the dimension of the embedding then.
    basis_inds_ : ndarray of shape (n_components,)
        Sorted positions of the sampled rows in ``X``.
    n_isolated_ : int
        Number of training rows whose approximate degree is not positive (no affinity to
        the sample); their embedding is zero.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (only when they are all strings).

    See Also
    --------
    sklearn.cluster.SpectralClustering : exact, in memory.

    Notes
    -----
    ``fit`` makes three passes over dask input (the sampled rows; the degrees; the Gram
    matrix) and then the passes of k-means over the lazy embedding, each of which
    recomputes the affinities of a block to the sample unless ``persist_embedding=True``.

    References
    ----------
    C. Fowlkes, S. Belongie, F. Chung and J. Malik, "Spectral grouping using the Nyström
    method", IEEE TPAMI 26(2), 2004.

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.cluster import SpectralClustering
    >>> from dask_scale.datasets import make_blobs
    >>> X, _ = make_blobs(n_samples=2_000, centers=3, chunks=500, random_state=0)
    >>> sc = SpectralClustering(n_clusters=3, gamma=0.1, random_state=0).fit(X)
    >>> sc.eigenvalues_.shape
    (3,)
    """

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "eigen_solver": [StrOptions({"arpack", "lobpcg", "amg"}), None],
        "random_state": ["random_state"],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "affinity": [StrOptions(_KERNELS | {"nearest_neighbors", "precomputed"}), callable],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "eigen_tol": [Interval(Real, 0.0, None, closed="left"), StrOptions({"auto"})],
        "assign_labels": [StrOptions({"kmeans", "sklearn-kmeans", "discretize", "cluster_qr"}),
                          BaseEstimator],
        "degree": [Interval(Real, 0, None, closed="left")],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "kernel_params": [dict, None],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "persist_embedding": ["boolean"],
        "kmeans_params": [dict, None],
        "n_jobs": [Integral, None, Hidden(StrOptions({"deprecated"}))],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        eigen_solver=None,
        random_state=None,
        n_init=_N_INIT,
        gamma=1.0,
        affinity="rbf",
        n_neighbors=_N_NEIGHBORS,
        eigen_tol="auto",
        assign_labels="kmeans",
        degree=3,
        coef0=1,
        kernel_params=None,
        n_components=100,
        persist_embedding=False,
        kmeans_params=None,
        n_jobs="deprecated",
    ):
        self.n_clusters = n_clusters
        self.eigen_solver = eigen_solver
        self.random_state = random_state
        self.n_init = n_init
        self.gamma = gamma
        self.affinity = affinity
        self.n_neighbors = n_neighbors
        self.eigen_tol = eigen_tol
        self.assign_labels = assign_labels
        self.degree = degree
        self.coef0 = coef0
        self.kernel_params = kernel_params
        self.n_components = n_components
        self.persist_embedding = persist_embedding
        self.kmeans_params = kmeans_params
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------------------------------
    # checks
    # ----------------------------------------------------------------------------------------

    def _check_keywords(self):
        if self.affinity in ("nearest_neighbors", "precomputed"):
            what = (
                "a k-nearest-neighbours graph is sparse and not a kernel, so the affinities "
                "of the sampled rows cannot be extended to the others"
                if self.affinity == "nearest_neighbors"
                else "a precomputed n_samples x n_samples matrix is what the Nyström method "
                "avoids forming"
            )
            raise ValueError(
                f"affinity={self.affinity!r} is not supported by this Nyström "
                f"SpectralClustering: {what}. Use a kernel (e.g. 'rbf' with gamma), or "
                "sklearn.cluster.SpectralClustering on data that fits in memory."
            )
        if self.eigen_solver == "amg":
            raise ValueError(
                "eigen_solver='amg' is not supported: it is for large sparse Laplacians, "
                "and the matrix solved here is the small dense n_components x n_components "
                "one. Use None (dense), 'arpack' or 'lobpcg'."
            )
        if self.n_neighbors != _N_NEIGHBORS:
            warn_no_effect(
                self,
                "n_neighbors",
                "affinity='nearest_neighbors' is not supported by the Nyström approximation",
                value=self.n_neighbors,
                category=UserWarning,
                stacklevel=4,
            )
        if self.eigen_solver is None and self.eigen_tol not in ("auto", 0, 0.0):
            warn_no_effect(
                self,
                "eigen_tol",
                "with eigen_solver=None the dense solver is exact",
                value=self.eigen_tol,
                fix="use eigen_solver='arpack' or 'lobpcg' for an iterative solve to a tolerance",
                category=UserWarning,
                stacklevel=4,
            )
        if self.n_jobs != "deprecated":
            warn_no_effect(
                self,
                "n_jobs",
                "the parallelism is the dask scheduler's: use dask.config.set(num_workers=...) "
                "or a dask.distributed Client",
                removed=True,
                stacklevel=4,
            )

    def _kernel(self):
        """``(metric, params)`` for :func:`sklearn.metrics.pairwise.pairwise_kernels`."""
        params = dict(self.kernel_params or {})
        if not callable(self.affinity):
            # scikit-learn's rule: named kernels get gamma, degree and coef0 (filtered)
            params.update(gamma=self.gamma, degree=self.degree, coef0=self.coef0)
        return self.affinity, params

    # ----------------------------------------------------------------------------------------
    # fit
    # ----------------------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Fit the spectral clustering of ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
            Training data (processed in float64).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : SpectralClustering
            Fitted estimator.
        """
        with all_or_nothing(self):
            return self._fit(X)

    def _fit(self, X):
        self._validate_params()
        self._check_keywords()
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        dask_in = is_dask_array(X)
        # counted once per collection where the chunk sizes are unknown (and remembered)
        n = int(sum(row_block_lengths(X)[0]))
        n_sample, k = self.n_components, self.n_clusters
        if n_sample > n:
            raise ValueError(
                f"n_components={n_sample} is larger than the number of samples (n_samples={n}): "
                "the Nyström approximation samples n_components rows of X. Set "
                f"n_components to at most {n}."
            )
        if k > n_sample:
            raise ValueError(
                f"n_clusters={k} is larger than n_components={n_sample}: the embedding has at most "
                "n_components dimensions. Increase n_components or decrease n_clusters."
            )
        rng = check_random_state(self.random_state)
        inds = np.sort(rng.choice(n, size=n_sample, replace=False))
        metric, params = self._kernel()
        sample = sample_rows(X, inds)
        if not np.isfinite(sample).all():
            raise ValueError(nonfinite_message("X"))
        A = affinity(sample, sample, metric, params)
        A = (A + A.T) / 2
        column_sums = affinity_column_sums(
            X, sample, metric, params, check_finite={0: "X"} if dask_in else {}
        )
        extend = degree_extension(A, column_sums)
        scale = inverse_sqrt_degrees(column_sums)
        gram, isolated = normalised_gram(X, sample, metric, params, extend, scale)
        if isolated:
            warnings.warn(
                f"{isolated} of {n} rows have no positive affinity to the {n_sample} sampled rows "
                "(the graph is not connected under this kernel): their embedding is zero. "
                "Increase n_components, or use a wider kernel (a smaller gamma for 'rbf').",
                UserWarning,
                stacklevel=3,
            )
        basis, eigenvalues = embedding_basis(
            A, scale, gram, k, solver=self.eigen_solver, tol=self.eigen_tol, rng=rng
        )
        embedding = embed(X, sample, metric, params, extend, scale, basis)
        if dask_in and self.persist_embedding:
            embedding = embedding.persist()
        seed = int(rng.randint(np.iinfo(np.int32).max))
        clusterer = make_clusterer(
            self.assign_labels, self.kmeans_params, k, self.n_init, seed, _N_INIT
        )
        clusterer = fit_labels(clusterer, embedding)
        self.assign_labels_ = clusterer
        self.labels_ = clusterer.labels_
        self.eigenvalues_ = eigenvalues
        self.basis_inds_ = inds
        self.n_isolated_ = isolated
        return self
