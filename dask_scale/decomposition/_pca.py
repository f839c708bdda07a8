"""PCA: exact by a tall-skinny QR of the centred blocks (one pass, a tree reduction), by
the covariance matrix (one pass), or randomized (one pass per power iteration, the first
also computing the mean, and one for the range; or, with few features, on the R of one
pass)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions

from .._graph import blas_per_block, reduce_blocks
from .._kernels.linalg import centred_gram, centred_r, merge_centred_gram, merge_centred_r
from .._validation import check_n_rows, ensure_known_chunks, warn_no_effect
from ..utils import svd_flip
from ._base import BasePCA, flipped_svd, validate_input
from ._randomized import centred_start, one_pass_cheaper, randomized_range_svd

__all__ = ["PCA"]

def _infer_dimension(spectrum, n_samples):
    """Minka's choice of the dimension (``n_components="mle"``): the rank maximising the
    Laplace approximation of the evidence of the probabilistic PCA model (Minka, 2000)."""
    spectrum = np.asarray(spectrum, dtype=np.float64)
    n_features = spectrum.shape[0]
    log_like = np.full(n_features, -np.inf)
    for rank in range(1, n_features):
        log_like[rank] = _rank_evidence(spectrum, rank, n_samples)
    return int(np.argmax(log_like))


def _rank_evidence(spectrum, rank, n_samples):
    if spectrum[rank - 1] < 1e-15:
        return -np.inf  # the rank's own eigenvalue is numerically zero
    n_features = spectrum.shape[0]
    # log p(U): the uniform prior over the Stiefel manifold
    i = np.arange(1, rank + 1)
    log_pu = -rank * np.log(2.0) + np.sum(
        _gammaln((n_features - i + 1) / 2.0) - np.log(np.pi) * (n_features - i + 1) / 2.0
    )
    log_pl = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0
    v = max(np.sum(spectrum[rank:]) / (n_features - rank), 1e-15)
    log_pv = -np.log(v) * n_samples * (n_features - rank) / 2.0
    m = n_features * rank - rank * (rank + 1.0) / 2.0
    log_pp = np.log(2.0 * np.pi) * (m + rank) / 2.0
    # log |A_Z|: the Hessian of the evidence, pairs of the kept eigenvalues against all
    inv_spec = spectrum.copy()
    inv_spec[rank:] = v
    log_pa = 0.0
    for j in range(rank):
        others = spectrum[j + 1 :]
        log_pa += np.sum(
            np.log((1.0 / inv_spec[j + 1 :] - 1.0 / inv_spec[j]) * (spectrum[j] - others))
            + np.log(n_samples)
        )
    return log_pu + log_pl + log_pv + log_pp - log_pa / 2.0 - rank * np.log(n_samples) / 2.0


def _gammaln(x):
    from scipy.special import gammaln

    return gammaln(x)


class PCA(BasePCA):
    """Principal component analysis of dask arrays and DataFrames, block by block.

    The data is centred on its mean and decomposed by a singular value decomposition; the
    results are scikit-learn's :class:`sklearn.decomposition.PCA` (up to rounding, signs
    fixed the same way), whatever the number of rows, with no task holding more than one
    row block:

    - ``svd_solver="full"`` (alias ``"tsqr"``, dask-ml's name): exact, in ONE pass. Each
      row block is centred on its own mean and QR-factorised; a tree reduction merges the
      triangular factors a few at a time (stacking them with one mean-correction row per
      part, ``sqrt(n_i) (mean_i - mean)``, and taking the R of the stack), so the final
      ``R`` is the one of a QR of all the centred rows (a block's by CholeskyQR2, three
      BLAS products, or Householder's QR where the block is too ill-conditioned for it). The SVD of ``R`` gives the singular
      values and components.
    - ``svd_solver="covariance_eigh"``: exact, in one pass: per-block centred Gram matrices
      merged with the same corrections, then an eigendecomposition of the covariance
      (faster than QR; squares the condition number, as scikit-learn's).
    - ``svd_solver="randomized"``: randomized range finding (Halko et al.) with
      ``iterated_power`` power iterations: one pass per power iteration (``Xc^T (Xc W)``
      fused per block; the first one also computes the mean and total variance, each block
      centred on its own mean and merged exactly) and one for the range: ``q + 1`` passes
      (2 for ``q = 0``). With few features (``3 n_features <= 4 k passes``, ``k`` random
      vectors), ONE pass computes the ``R`` of the centred data as ``"full"`` does and the
      same iterations run on ``R`` (``Xc = Q R``, ``Q`` orthonormal): same draws, same
      results to rounding, fewer flops and one read of the data.
    - ``svd_solver="auto"``: scikit-learn's policy by shape: ``"covariance_eigh"`` for tall
      and skinny data (at most 1000 features and 10 times as many rows), else ``"full"`` for
      small data or ``n_components="mle"``, ``"randomized"`` when ``n_components`` is below
      80% of the smallest dimension, ``"full"`` otherwise. It needs the number of rows:
      dask input of unknown chunk sizes costs one extra (cheap) pass to compute them.

    Parameters
    ----------
    n_components : int, float, "mle" or None, default=None
        Number of components to keep: all (``min(n_samples, n_features)``) when None; an
        int; a float in (0, 1): the fewest components explaining more than that fraction of
        the variance (exact solvers); ``"mle"``: Minka's MLE of the dimension (exact
        solvers).
    copy : bool, default=True
        Kept for compatibility: dask_scale never modifies ``X`` (each block is centred into
        a new array), so ``copy=False`` has no effect and warns.
    whiten : bool, default=False
        Scale the projected data to unit variance per component.
    svd_solver : {"auto", "full", "tsqr", "covariance_eigh", "randomized"}, default="auto"
        See above. scikit-learn's ``"arpack"`` is not provided (use ``"randomized"``).
    tol : float, default=0.0
        scikit-learn's tolerance of ``"arpack"``, which is not provided: a non-zero value
        has no effect and warns.
    iterated_power : int or "auto", default="auto"
        Power iterations of ``"randomized"``; ``"auto"``: 7 when ``n_components`` is below
        10% of the smallest dimension, else 4 (scikit-learn's rule).
    n_oversamples : int, default=10
        Extra random vectors of ``"randomized"`` (scikit-learn's parameter).
    random_state : int, RandomState instance or None, default=None
        Seed of the random test matrix of ``"randomized"``.

    Attributes
    ----------
    components_ : ndarray of shape (`n_components_`, n_features)
        Principal axes, by decreasing explained variance.
    explained_variance_ : ndarray of shape (`n_components_`,)
        Variance (``ddof=1``) along each component.
    explained_variance_ratio_ : ndarray of shape (`n_components_`,)
        Fraction of the total variance along each component.
    singular_values_ : ndarray of shape (`n_components_`,)
        Singular values of the centred data.
    mean_ : ndarray of shape (n_features,)
        Per-feature mean.
    n_components_ : int
        Number of components kept.
    noise_variance_ : float
        Variance of the noise of the probabilistic PCA model (mean of the discarded
        eigenvalues).
    n_samples_ : int
        Number of samples.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.decomposition import PCA
    >>> X = da.random.default_rng(0).normal(size=(1000, 5), chunks=(250, 5))
    >>> pca = PCA(n_components=2, svd_solver="full").fit(X)
    >>> pca.components_.shape
    (2, 5)
    """

    _parameter_constraints: dict = {
        "n_components": [
            Interval(Integral, 0, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            StrOptions({"mle"}),
            None,
        ],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions({"auto", "full", "tsqr", "covariance_eigh", "randomized"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "iterated_power": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=None,
        *,
        copy=True,
        whiten=False,
        svd_solver="auto",
        tol=0.0,
        iterated_power="auto",
        n_oversamples=10,
        random_state=None,
    ):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.random_state = random_state

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
        if not self.copy:
            warn_no_effect(
                self, "copy", "X is never modified", value=self.copy, category=UserWarning
            )
        if self.tol != 0.0:
            warn_no_effect(
                self,
                "tol",
                "it is the tolerance of scikit-learn's 'arpack' solver, which dask_scale does "
                "not provide",
                value=self.tol,
                category=UserWarning,
            )
        X, _ = validate_input(self, X, reset=True)
        solver = "full" if self.svd_solver == "tsqr" else self.svd_solver
        n_rows = X.shape[0]
        if solver == "auto" and np.isnan(n_rows):
            X = ensure_known_chunks(X)
            n_rows = X.shape[0]
        n_features = X.shape[1]
        if not np.isnan(n_rows):
            check_n_rows(self, n_rows, n_features)
        shape = (n_rows, n_features)
        n_components = self.n_components
        if n_components is None and not np.isnan(n_rows):
            n_components = min(shape)
        if solver == "auto":
            if n_features <= 1000 and n_rows >= 10 * n_features:
                solver = "covariance_eigh"
            elif max(shape) <= 500 or n_components == "mle":
                solver = "full"
            elif 1 <= n_components < 0.8 * min(shape):
                solver = "randomized"
            else:
                solver = "full"
        self._fit_svd_solver = solver
        with blas_per_block([X]):
            if solver == "randomized":
                self._fit_randomized(X, n_components)
            else:
                self._fit_exact(X, n_components, solver)
        self._cast_attributes(X.dtype)
        return self

    def _cast_attributes(self, dtype):
        for attr in (
            "components_",
            "explained_variance_",
            "explained_variance_ratio_",
            "singular_values_",
            "mean_",
        ):
            setattr(self, attr, np.ascontiguousarray(getattr(self, attr), dtype=dtype))
        self.noise_variance_ = dtype.type(self.noise_variance_)

    def _check_exact_range(self, n_components, shape, solver):
        if n_components == "mle":
            if shape[0] < shape[1]:
                raise ValueError(
                    "n_components='mle' is only supported if n_samples >= n_features"
                )
        elif n_components is not None and not 0 <= n_components <= min(shape):
            raise ValueError(
                f"n_components={n_components} must be between 0 and "
                f"min(n_samples, n_features)={min(shape)} with svd_solver={solver!r}"
            )

    def _fit_exact(self, X, n_components, solver):
        n_features = X.shape[1]
        if not np.isnan(X.shape[0]):
            self._check_exact_range(n_components, X.shape, solver)
        if solver == "full":
            n, mean, R = reduce_blocks(
                centred_r, [X], combine=merge_centred_r, check_finite={0: "X"}, name="pca-tsqr"
            )
        else:
            n, mean, G = reduce_blocks(
                centred_gram,
                [X],
                combine=merge_centred_gram,
                check_finite={0: "X"},
                name="pca-covariance",
            )
        check_n_rows(self, n, n_features)
        shape = (n, n_features)
        if n_components is None:
            n_components = min(shape)
        self._check_exact_range(n_components, shape, solver)
        if solver == "full":
            _, S, Vt = flipped_svd(R)
            with np.errstate(divide="ignore", invalid="ignore"):
                explained_variance = S**2 / (n - 1)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                C = G / (n - 1)
            eigenvalues, eigenvectors = linalg.eigh(C, check_finite=False)
            eigenvalues = eigenvalues[::-1].copy()
            eigenvalues[eigenvalues < 0.0] = 0.0
            _, Vt = svd_flip(None, eigenvectors[:, ::-1].T, u_based_decision=False)
            explained_variance = eigenvalues
            S = np.sqrt(eigenvalues * (n - 1))
        total_var = explained_variance.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = explained_variance / total_var
        if n_components == "mle":
            n_components = _infer_dimension(explained_variance, n)
        elif 0 < n_components < 1.0:
            cumulative = np.cumsum(ratio)
            n_components = int(np.searchsorted(cumulative, n_components, side="right")) + 1
        n_components = int(n_components)
        if n_components < min(shape):
            self.noise_variance_ = float(np.mean(explained_variance[n_components:]))
        else:
            self.noise_variance_ = 0.0
        self.mean_ = mean
        self.n_samples_ = int(n)
        self.n_components_ = n_components
        self.components_ = Vt[:n_components].copy()
        self.explained_variance_ = explained_variance[:n_components].copy()
        self.explained_variance_ratio_ = ratio[:n_components].copy()
        self.singular_values_ = S[:n_components].copy()

    def _check_truncated_range(self, n_components, shape):
        if isinstance(n_components, str):
            raise ValueError(
                f"n_components={n_components!r} cannot be a string with "
                "svd_solver='randomized'"
            )
        if n_components is not None and not 1 <= n_components <= min(shape):
            raise ValueError(
                f"n_components={n_components!r} must be between 1 and "
                f"min(n_samples, n_features)={min(shape)!r} with svd_solver='randomized'"
            )

    def _fit_randomized(self, X, n_components):
        n_features = X.shape[1]
        if not np.isnan(X.shape[0]):
            self._check_truncated_range(n_components, X.shape)
        elif isinstance(n_components, str) or (
            n_components is not None and n_components > n_features
        ):
            self._check_truncated_range(n_components, (n_features, n_features))
        n_iter = self.iterated_power
        rows = X.shape[0]
        smallest = n_features if np.isnan(rows) else min(rows, n_features)
        k = smallest if n_components is None else n_components
        if n_iter == "auto":
            n_iter = 7 if k < 0.1 * smallest else 4
        n_random = min(k + self.n_oversamples, smallest)
        random_state = check_random_state(self.random_state)
        if one_pass_cheaper(n_features, n_random, max(n_iter + 1, 2)):
            # one pass: the R of the centred data, the range finding on it (Xc = Q R)
            n, mean, R = reduce_blocks(
                centred_r, [X], combine=merge_centred_r, check_finite={0: "X"},
                name="pca-randomized-tsqr",
            )
            self._fit_randomized_passes = 1
        else:
            (count, shift, offset, m2), W, left = centred_start(
                X, n_random, n_iter, random_state, name="pca-randomized"
            )
            n = int(count[0]) if count.size else 0
            mean = shift + offset
            self._fit_randomized_passes = max(n_iter + 1, 2)
        check_n_rows(self, n, n_features)
        shape = (n, n_features)
        if n_components is None:
            n_components = min(shape)
        self._check_truncated_range(n_components, shape)
        n_components = int(n_components)
        if self._fit_randomized_passes == 1:
            # the same draws and iterations as the passes over the data would make
            S, Vt, _, _, _ = randomized_range_svd(
                R, None, n_random, n_iter, random_state, name="pca-randomized"
            )
            sum_squares = float(np.sum(R * R))
        else:
            S, Vt, _, _, _ = randomized_range_svd(
                X, mean, n_random, left, random_state, name="pca-randomized", start=W
            )
            sum_squares = m2.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            total_var = sum_squares / (n - 1)
            explained_variance = S[:n_components] ** 2 / (n - 1)
        self.mean_ = mean
        self.n_samples_ = n
        self.n_components_ = n_components
        self.components_ = Vt[:n_components].copy()
        self.explained_variance_ = explained_variance
        with np.errstate(divide="ignore", invalid="ignore"):
            self.explained_variance_ratio_ = explained_variance / total_var
        self.singular_values_ = S[:n_components].copy()
        if n_components < min(shape):
            self.noise_variance_ = float(
                (total_var - explained_variance.sum()) / (min(shape) - n_components)
            )
        else:
            self.noise_variance_ = 0.0

    def fit_transform(self, X, y=None):
        """Fit the model on ``X`` and return its projection (:meth:`transform`).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray, dask array or dask DataFrame of shape (n_samples, `n_components_`)
        """
        return self.fit(X, y).transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = False
        return tags
