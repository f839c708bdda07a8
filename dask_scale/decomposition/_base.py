"""What PCA, IncrementalPCA and TruncatedSVD share: input validation, the row-block
transforms (lazy for dask input, via :func:`dask_scale._graph.map_rows`), the probabilistic
PCA model's covariance, precision and log-likelihood, and the SVD of a small matrix with
scikit-learn's signs."""

from __future__ import annotations

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin
from sklearn.utils.validation import check_is_fitted

from .._graph import map_rows, reduce_blocks
from .._set_output import TransformerMixin
from .._validation import (
    FLOAT_DTYPES,
    check_array,
    is_dask_collection,
    is_dask_frame,
    validate_data,
)
from ..utils import svd_flip

__all__ = ["BasePCA", "BaseProjection", "flipped_svd", "pad_triplets", "validate_input"]


def validate_input(est, X, *, reset):
    """``(X, frame)``: ``X`` validated as float (a lazy dask array for dask input, one column
    block) and the caller's dask DataFrame (or None), whose index transforms keep."""
    frame = X if is_dask_frame(X) else None
    return validate_data(est, X, reset=reset, dtype=FLOAT_DTYPES), frame


def flipped_svd(A):
    """``(U, S, Vt)`` of the economic SVD of ``A``, signs as scikit-learn's PCA fixes them
    (``svd_flip(u_based_decision=False)``: the largest entry of every row of ``Vt`` positive)."""
    U, S, Vt = linalg.svd(A, full_matrices=False, check_finite=False)
    U, Vt = svd_flip(U, Vt, u_based_decision=False)
    return U, S, Vt


def pad_triplets(S, Vt, k):
    """``(S, Vt)`` completed to ``k`` components where the data spans fewer: zero singular
    values and an orthonormal completion of the rows of ``Vt`` (any is as good)."""
    extra = k - S.shape[0]
    if extra <= 0:
        return S, Vt
    S = np.concatenate([S, np.zeros(extra, dtype=S.dtype)])
    Vt = np.vstack([Vt, linalg.null_space(Vt).T[:extra]])
    return S, Vt


def _project(block, mean, components_t, scale):
    out = block @ components_t
    if mean is not None:
        out -= mean @ components_t
    if scale is not None:
        out /= scale
    return out


def _reconstruct(block, components, mean):
    out = block @ components
    if mean is not None:
        out += mean
    return out


def _log_likelihood(block, mean, precision, constant):
    Xr = block - mean
    return -0.5 * np.einsum("ij,ij->i", Xr, Xr @ precision) - constant


def _sum_and_count(block, mean, precision, constant):
    values = _log_likelihood(block, mean, precision, constant)
    return float(values.sum()), values.shape[0]


class BaseProjection(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """The transforms of a fitted decomposition.

    Subclasses set ``components_``, ``mean_`` (none without centring) and, to whiten,
    ``whiten`` and ``explained_variance_``.
    """

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def _rows(self, func, X, frame, *args, n_out, names):
        return map_rows(
            func,
            X,
            *args,
            out_dtype=X.dtype,
            n_out=n_out,
            in_dtype=X.dtype,
            columns=names,
            frame=frame,
        )

    def _centre(self, dtype):
        """``mean_`` in ``dtype``, or None for a decomposition of uncentred data."""
        mean = getattr(self, "mean_", None)
        return None if mean is None else np.asarray(mean, dtype=dtype)

    def _whiten_scale(self, dtype):
        if not getattr(self, "whiten", False):
            return None
        scale = np.sqrt(self.explained_variance_).astype(dtype)
        eps = np.finfo(scale.dtype).eps
        scale[scale < eps] = eps
        return scale

    def transform(self, X):
        """Project ``X`` on the components.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_new : ndarray, dask array or dask DataFrame of shape (n_samples, `n_components_`)
            Lazy for dask input (one task per row block); a dask DataFrame gives a dask
            DataFrame with its index and ``get_feature_names_out()`` columns.
        """
        check_is_fitted(self)
        X, frame = validate_input(self, X, reset=False)
        mean = self._centre(X.dtype)
        comps = np.ascontiguousarray(self.components_.T, dtype=X.dtype)
        return self._rows(
            _project,
            X,
            frame,
            mean,
            comps,
            self._whiten_scale(X.dtype),
            n_out=comps.shape[1],
            names=list(self.get_feature_names_out()),
        )

    def inverse_transform(self, X):
        """Map projected data back to the feature space.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, `n_components_`)

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        frame = X if is_dask_frame(X) else None
        X = check_array(X, dtype=FLOAT_DTYPES, estimator=self)
        components = np.asarray(self.components_, dtype=X.dtype)
        scale = self._whiten_scale(X.dtype)
        if scale is not None:
            components = np.sqrt(self.explained_variance_).astype(X.dtype)[:, None] * components
        mean = self._centre(X.dtype)
        names = getattr(self, "feature_names_in_", None)
        names = [f"x{i}" for i in range(components.shape[1])] if names is None else list(names)
        return self._rows(
            _reconstruct, X, frame, components, mean, n_out=components.shape[1], names=names
        )



class BasePCA(BaseProjection):
    """:class:`BaseProjection` with the probabilistic PCA model (``explained_variance_``,
    ``noise_variance_``, ``n_components_``): covariance, precision, log-likelihood."""

    def get_covariance(self):
        """The data covariance of the probabilistic PCA model.

        ``components_.T @ diag(explained_variance_ - noise_variance_) @ components_ +
        noise_variance_ * I`` (the components scaled back when ``whiten``).

        Returns
        -------
        cov : ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        components = self.components_
        variance = self.explained_variance_
        if getattr(self, "whiten", False):
            components = components * np.sqrt(variance[:, np.newaxis])
        above = np.where(variance > self.noise_variance_, variance - self.noise_variance_, 0.0)
        cov = (components.T * above) @ components
        cov.flat[:: cov.shape[0] + 1] += self.noise_variance_
        return cov

    def get_precision(self):
        """The inverse of :meth:`get_covariance`.

        Returns
        -------
        precision : ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        n_features = self.components_.shape[1]
        if self.n_components_ == 0:
            return np.eye(n_features) / self.noise_variance_
        return linalg.inv(self.get_covariance())

    def _likelihood_params(self, dtype):
        precision = self.get_precision()
        n_features = precision.shape[0]
        _, logdet = np.linalg.slogdet(precision)
        constant = 0.5 * (n_features * np.log(2.0 * np.pi) - logdet)
        return np.asarray(self.mean_, dtype=dtype), precision.astype(dtype), constant

    def score_samples(self, X):
        """Log-likelihood of every sample under the probabilistic PCA model.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        ll : ndarray or dask array of shape (n_samples,)
            Lazy for dask input (a dask Series with the index of a dask DataFrame).
        """
        check_is_fitted(self)
        X, frame = validate_input(self, X, reset=False)
        params = self._likelihood_params(X.dtype)
        return map_rows(
            _log_likelihood, X, *params, out_dtype=X.dtype, in_dtype=X.dtype, frame=frame
        )

    def score(self, X, y=None):
        """Average log-likelihood of the samples (one pass over dask input).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        ll : float
        """
        check_is_fitted(self)
        X, _ = validate_input(self, X, reset=False)
        params = self._likelihood_params(X.dtype)
        if not is_dask_collection(X):
            return float(np.mean(_log_likelihood(X, *params)))
        total, count = reduce_blocks(
            _sum_and_count, [X], params, check_finite={0: "X"}, name="pca-score"
        )
        return total / count
