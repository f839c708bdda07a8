"""QuantileTransformer: map every feature to a uniform or normal distribution."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.utils import check_random_state, resample
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._set_output import TransformerMixin
from .._validation import check_n_rows, is_dask_collection
from ._base import (
    check_inverse_input,
    inverse_names,
    reject_infinite,
    transform_rows,
    validate_numeric,
)
from ._sketch import fit_sketch, sketch_quantiles

__all__ = ["QuantileTransformer"]

# Values this close to the ends of [0, 1] are sent to the ends (scikit-learn's threshold).
BOUNDS_THRESHOLD = 1e-7


def _map_column(x, quantiles, references, normal, inverse):
    """Map one column through the quantile function (NaN kept).

    Forward: the value's position among the quantiles, as the mean of the interpolation
    from below and from above, so that runs of equal quantiles map to their middle.
    """
    if inverse:
        lo_x, hi_x, lo_y, hi_y = 0.0, 1.0, quantiles[0], quantiles[-1]
        if normal:
            x = stats.norm.cdf(x)
    else:
        lo_x, hi_x, lo_y, hi_y = quantiles[0], quantiles[-1], 0.0, 1.0
    with np.errstate(invalid="ignore"):
        if normal:
            at_lo = x - BOUNDS_THRESHOLD < lo_x
            at_hi = x + BOUNDS_THRESHOLD > hi_x
        else:
            at_lo = x == lo_x
            at_hi = x == hi_x
    present = ~np.isnan(x)
    values = x[present]
    out = np.array(x, copy=True)
    if inverse:
        out[present] = np.interp(values, references, quantiles)
    else:
        up = np.interp(values, quantiles, references)
        down = np.interp(-values, -quantiles[::-1], -references[::-1])
        out[present] = 0.5 * (up - down)
    out[at_hi] = hi_y
    out[at_lo] = lo_y
    if normal and not inverse:
        with np.errstate(invalid="ignore"):
            out = stats.norm.ppf(out)
            low = stats.norm.ppf(BOUNDS_THRESHOLD - np.spacing(1))
            high = stats.norm.ppf(1 - (BOUNDS_THRESHOLD - np.spacing(1)))
            out = np.clip(out, low, high)
    return out


def _quantile_block(X, quantiles, references, normal, inverse):
    for j in range(X.shape[1]):
        X[:, j] = _map_column(X[:, j], quantiles[:, j], references, normal, inverse)
    return X


class QuantileTransformer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Transform features to follow a uniform or a normal distribution, using quantiles.

    Every feature is mapped through its estimated quantile function at ``n_quantiles``
    evenly spaced probabilities (``quantiles_``), then optionally through the normal
    quantile function. NaNs are ignored in fit and kept in transform.

    In-memory (NumPy/pandas) input gives exactly scikit-learn's result, including its
    random subsampling of ``subsample`` rows. Dask input is read once and every column is
    summarised by a mergeable quantile sketch of ``subsample`` points (see
    ``dask_scale.preprocessing._sketch``): a column with at most ``subsample`` values is
    summarised exactly (scikit-learn's quantiles), a longer one with a rank error of at most
    ``(L + 2) / (2 * subsample)`` of its values (``L`` merge levels,
    ``ceil(log_8(n_blocks))``), deterministic, which is tighter than the error of a random
    subsample of the same size. ``subsample=None`` keeps every value (exact; memory
    proportional to the data).

    Parameters
    ----------
    n_quantiles : int, default=1000
        Number of quantiles (at most the number of samples).
    output_distribution : {'uniform', 'normal'}, default='uniform'
        Marginal distribution of the transformed data.
    ignore_implicit_zeros : bool, default=False
        Must be False: sparse input is densified, so its implicit zeros count as values
        (scikit-learn's default).
    subsample : int or None, default=10_000
        In-memory input: rows randomly subsampled to estimate the quantiles. Dask input:
        size of the per-column quantile sketch.
    random_state : int, RandomState instance or None, default=None
        Subsampling of in-memory input (dask input is summarised deterministically).
    copy : bool, default=True
        If False, NumPy input is transformed in place when possible.

    Attributes
    ----------
    n_quantiles_ : int
        The number of quantiles used.
    quantiles_ : ndarray of shape (`n_quantiles_`, n_features)
        The values corresponding to ``references_``.
    references_ : ndarray of shape (`n_quantiles_`,)
        Probabilities of the quantiles.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "n_quantiles": [Interval(numbers.Integral, 1, None, closed="left")],
        "output_distribution": [StrOptions({"uniform", "normal"})],
        "ignore_implicit_zeros": ["boolean"],
        "subsample": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "copy": ["boolean"],
    }

    def __init__(
        self,
        *,
        n_quantiles=1000,
        output_distribution="uniform",
        ignore_implicit_zeros=False,
        subsample=10_000,
        random_state=None,
        copy=True,
    ):
        self.n_quantiles = n_quantiles
        self.output_distribution = output_distribution
        self.ignore_implicit_zeros = ignore_implicit_zeros
        self.subsample = subsample
        self.random_state = random_state
        self.copy = copy

    def fit(self, X, y=None):
        """Compute the quantiles of every feature.

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
        if self.ignore_implicit_zeros:
            raise ValueError(
                "ignore_implicit_zeros=True is not supported: dask_scale densifies sparse "
                "input, so its implicit zeros are values; leave it False."
            )
        if self.subsample is not None and self.n_quantiles > self.subsample:
            raise ValueError(
                "The number of quantiles cannot be greater than the number of samples used. "
                f"Got {self.n_quantiles} quantiles and {self.subsample} samples."
            )
        X, _ = validate_numeric(self, X, reset=True)
        if is_dask_collection(X):
            sketch = fit_sketch(X, self.subsample or 0, check=reject_infinite)
            n_samples = int(sketch[3])
            check_n_rows(self, n_samples, X.shape[1])
        else:
            n_samples = X.shape[0]
        if self.n_quantiles > n_samples:
            warnings.warn(
                f"n_quantiles ({self.n_quantiles}) is greater than the total number of "
                f"samples ({n_samples}). n_quantiles is set to n_samples."
            )
        self.n_quantiles_ = max(1, min(self.n_quantiles, n_samples))
        self.references_ = np.linspace(0, 1, self.n_quantiles_, endpoint=True)
        percents = self.references_ * 100
        if is_dask_collection(X):
            # float64 whatever X's dtype, as scikit-learn's nanpercentile gives them
            self.quantiles_ = sketch_quantiles(sketch, percents)
        else:
            rng = check_random_state(self.random_state)
            if self.subsample is not None and self.subsample < n_samples:
                X = resample(X, replace=False, n_samples=self.subsample, random_state=rng)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
                self.quantiles_ = np.nanpercentile(X, percents, axis=0)
        return self

    def transform(self, X):
        """Map ``X`` to the output distribution.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_tr : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X, frame = validate_numeric(self, X, reset=False, copy=self.copy)
        return transform_rows(
            _quantile_block,
            X,
            frame,
            self.quantiles_,
            self.references_,
            self.output_distribution == "normal",
            False,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=self.get_feature_names_out(),
        )

    def inverse_transform(self, X):
        """Map back to the original feature space.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X, frame = check_inverse_input(self, X, self.copy)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but QuantileTransformer is expecting "
                f"{self.n_features_in_} features as input."
            )
        return transform_rows(
            _quantile_block,
            X,
            frame,
            self.quantiles_,
            self.references_,
            self.output_distribution == "normal",
            True,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=inverse_names(self),
        )

    # in-memory sparse X: densified; the output is CSC with X's stored entries mapped (its
    # implicit zeros stay zero), as scikit-learn's
    _sparse_output_format = "csc"
    _sparse_output_stored_only = True

    def _sparse_input_error(self, X):
        if hasattr(X, "columns"):  # a frame of pandas Sparse columns
            data = np.concatenate([X[c].array.sp_values for c in X.columns])
        else:  # the stored values of a scipy.sparse matrix, any format
            data = X.tocoo().data
        if np.any(data < 0):
            return ValueError("QuantileTransformer only accepts non-negative sparse matrices.")
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        return tags
