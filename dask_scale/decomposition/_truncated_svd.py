"""TruncatedSVD: the SVD of the data itself (no centring), exact by a tall-skinny QR in
one pass or randomized."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .._graph import blas_per_block, reduce_blocks
from .._kernels.linalg import centred_r, merge_centred_r, stacked_r
from .._validation import check_n_rows, warn_no_effect
from ._base import BaseProjection, flipped_svd, pad_triplets, validate_input
from ._randomized import one_pass_cheaper, randomized_range_svd

__all__ = ["TruncatedSVD"]


class TruncatedSVD(BaseProjection):
    """Dimensionality reduction by a truncated SVD of the (uncentred) data.

    scikit-learn's :class:`sklearn.decomposition.TruncatedSVD` on dask arrays and
    DataFrames, with dask-ml's algorithms:

    - ``algorithm="tsqr"`` (dask-ml's default): exact, in ONE pass. A tall-skinny QR of the
      blocks centred on their own means, merged by a tree reduction (see
      :class:`~dask_scale.decomposition.PCA`), gives the centred ``R_c`` and the mean; the
      ``R`` of the data itself is that of ``[R_c; sqrt(n) mean]``, whose SVD gives the
      singular values and components, and ``R_c`` the explained variances, all without
      cancellation.
    - ``algorithm="randomized"``: randomized range finding with ``n_iter`` power iterations
      (one pass each, ``X^T (X W)`` fused per block) and one pass for the range and the
      variances: ``n_iter + 1`` passes.

    Parameters
    ----------
    n_components : int, default=2
        Number of components.
    algorithm : {"tsqr", "randomized"}, default="tsqr"
        See above. scikit-learn's ``"arpack"`` is not provided.
    n_iter : int, default=5
        Power iterations of ``"randomized"``.
    n_oversamples : int, default=10
        Extra random vectors of ``"randomized"`` (scikit-learn's parameter).
    random_state : int, RandomState instance or None, default=None
        Seed of the random test matrix of ``"randomized"``.
    tol : float, default=0.0
        scikit-learn's tolerance of ``"arpack"``, which is not provided: a non-zero value has
        no effect and warns.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Right singular vectors, by decreasing singular value.
    explained_variance_ : ndarray of shape (n_components,)
        Variance (``ddof=0``) of the projection on each component.
    explained_variance_ratio_ : ndarray of shape (n_components,)
        Fraction of the total variance of the features.
    singular_values_ : ndarray of shape (n_components,)
        Singular values of ``X``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.decomposition import TruncatedSVD
    >>> X = da.random.default_rng(0).normal(size=(1000, 5), chunks=(250, 5))
    >>> TruncatedSVD(n_components=2).fit(X).components_.shape
    (2, 5)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"tsqr", "randomized"})],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_components=2,
        *,
        algorithm="tsqr",
        n_iter=5,
        n_oversamples=10,
        random_state=None,
        tol=0.0,
    ):
        self.n_components = n_components
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.random_state = random_state
        self.tol = tol

    def fit(self, X, y=None):
        """Fit the model on ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        if self.tol != 0.0:
            warn_no_effect(
                self,
                "tol",
                "it is the tolerance of scikit-learn's 'arpack' algorithm, which dask_scale "
                "does not provide",
                value=self.tol,
                category=UserWarning,
            )
        X, _ = validate_input(self, X, reset=True)
        n_features = X.shape[1]
        if n_features < 2:
            raise ValueError(
                f"Found array with {n_features} feature(s) (shape={X.shape}) while a minimum "
                "of 2 is required by TruncatedSVD."
            )
        k = self.n_components
        if k > n_features:
            raise ValueError(f"n_components({k}) must be <= n_features({n_features}).")
        with blas_per_block([X]):
            if self.algorithm == "tsqr":
                self._fit_tsqr(X, k)
            else:
                self._fit_randomized(X, k)
        for attr in ("components_", "explained_variance_", "explained_variance_ratio_"):
            setattr(self, attr, np.ascontiguousarray(getattr(self, attr), dtype=X.dtype))
        self.singular_values_ = np.asarray(self.singular_values_, dtype=X.dtype)
        return self

    def _centred_r(self, X):
        n, mean, Rc = reduce_blocks(
            centred_r, [X], combine=merge_centred_r, check_finite={0: "X"}, name="tsvd-tsqr"
        )
        check_n_rows(self, n, X.shape[1])
        # the R of X from the centred R_c and the mean
        return n, Rc, stacked_r([Rc, np.sqrt(n) * mean[np.newaxis, :]])

    def _fit_tsqr(self, X, k):
        n, Rc, R = self._centred_r(X)
        _, S, Vt = flipped_svd(R)
        S, Vt = pad_triplets(S[:k], Vt[:k], k)
        self.components_ = Vt
        self.singular_values_ = S
        self.explained_variance_ = np.sum((Rc @ Vt.T) ** 2, axis=0) / n
        self.explained_variance_ratio_ = self.explained_variance_ / (np.sum(Rc**2) / n)

    def _fit_randomized(self, X, k):
        n_random = min(k + self.n_oversamples, X.shape[1])
        if not np.isnan(X.shape[0]):
            n_random = max(k, min(n_random, X.shape[0]))
        random_state = check_random_state(self.random_state)
        if one_pass_cheaper(X.shape[1], n_random, self.n_iter + 1):
            # few features: one pass for R (X = Q R), the same range finding on R
            n, Rc, R = self._centred_r(X)
            S, Vt, a, _, _, W = randomized_range_svd(
                R, None, n_random, self.n_iter, random_state, name="tsvd-randomized",
                return_basis=True,
            )
            S, Vt = pad_triplets(S[:k], Vt[:k], k)
            # scikit-learn's explained variance: np.var of U * S = X (W a), by R_c
            explained = np.sum((Rc @ (W @ a[:, :k])) ** 2, axis=0) / n
            self.components_ = Vt
            self.singular_values_ = S
            self.explained_variance_ = np.concatenate([explained, np.zeros(k - explained.size)])
            self.explained_variance_ratio_ = self.explained_variance_ / (np.sum(Rc**2) / n)
            self._fit_randomized_passes = 1
            return
        self._fit_randomized_passes = self.n_iter + 1
        S, Vt, a, y_stats, moments = randomized_range_svd(
            X,
            None,
            n_random,
            self.n_iter,
            random_state,
            with_stats=True,
            name="tsvd-randomized",
        )
        n, _, Gyc = y_stats
        check_n_rows(self, n, X.shape[1])
        S, Vt = pad_triplets(S[:k], Vt[:k], k)
        a = a[:, :k]
        self.components_ = Vt
        self.singular_values_ = S
        explained = np.einsum("ij,ij->j", a, Gyc @ a) / n
        self.explained_variance_ = np.concatenate([explained, np.zeros(k - explained.size)])
        self.explained_variance_ratio_ = self.explained_variance_ / (moments[3].sum() / n)

    def fit_transform(self, X, y=None):
        """Fit the model on ``X`` and return ``X @ components_.T`` (:meth:`transform`).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray, dask array or dask DataFrame of shape (n_samples, n_components)
        """
        return self.fit(X, y).transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
