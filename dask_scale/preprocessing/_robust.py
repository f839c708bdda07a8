"""RobustScaler: median and quantile range of every feature (a quantile sketch on dask)."""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.utils.validation import check_is_fitted

from .._set_output import TransformerMixin
from .._validation import check_n_rows, is_dask_collection
from ._base import (
    affine_output,
    check_inverse_input,
    inverse_names,
    nonzero_scale,
    reject_infinite,
    transform_rows,
    validate_numeric,
)
from ._sketch import fit_sketch, sketch_quantiles
from ._standard import _standard_block, _standard_inverse_block

__all__ = ["RobustScaler"]

#: Points per column kept by RobustScaler's quantile sketch on dask input (see ``_sketch``).
ROBUST_SKETCH_SIZE = 2048


class RobustScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale features with statistics that are robust to outliers.

    Removes the median and scales by the range between the quantiles ``quantile_range``
    (the interquartile range by default). NaNs are ignored in fit and kept in transform.

    In-memory (NumPy/pandas) input gives exactly scikit-learn's values. Dask input is read
    once: every row block is summarised by a mergeable quantile sketch of
    ``ROBUST_SKETCH_SIZE`` (2048) points per column, merged by a tree reduction. A column
    whose summary never exceeds that size on any merge path is kept exactly (so small data
    gives scikit-learn's values); otherwise each returned quantile of the fraction ``p`` has
    rank error at most ``eps N`` with ``eps = (L + 2) / 4096``, ``N`` the number of values and
    ``L`` the number of merge levels (``ceil(log_8(n_blocks))``): about 0.12% of the rows for
    up to 512 row blocks. See ``dask_scale.preprocessing._sketch``.

    Parameters
    ----------
    with_centering : bool, default=True
        Centre the data on the median before scaling.
    with_scaling : bool, default=True
        Scale the data to the quantile range.
    quantile_range : tuple (q_min, q_max), 0.0 <= q_min <= q_max <= 100.0, default=(25.0, 75.0)
        Quantile range used to compute ``scale_``.
    copy : bool, default=True
        If False, NumPy input to ``transform`` is scaled in place when possible.
    unit_variance : bool, default=False
        Scale so that normally distributed features have a variance of 1.

    Attributes
    ----------
    center_ : ndarray of shape (n_features,) or None
        Per-feature median.
    scale_ : ndarray of shape (n_features,) or None
        Per-feature quantile range (1 where it is zero).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "with_centering": ["boolean"],
        "with_scaling": ["boolean"],
        "quantile_range": [tuple],
        "copy": ["boolean"],
        "unit_variance": ["boolean"],
    }

    def __init__(
        self,
        *,
        with_centering=True,
        with_scaling=True,
        quantile_range=(25.0, 75.0),
        copy=True,
        unit_variance=False,
    ):
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range
        self.copy = copy
        self.unit_variance = unit_variance

    def fit(self, X, y=None):
        """Compute the median and quantiles of every feature.

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
        X, _ = validate_numeric(self, X, reset=True)
        q_min, q_max = self.quantile_range
        if not 0 <= q_min <= q_max <= 100:
            raise ValueError(f"Invalid quantile range: {self.quantile_range}")
        if is_dask_collection(X):
            center, quantiles = self._dask_stats(X)
        else:
            center, quantiles = self._memory_stats(X)
        self.center_ = center
        if self.with_scaling:
            scale = nonzero_scale(quantiles[1] - quantiles[0])
            if self.unit_variance:
                adjust = stats.norm.ppf(q_max / 100.0) - stats.norm.ppf(q_min / 100.0)
                scale = scale / adjust
            self.scale_ = scale
        else:
            self.scale_ = None
        return self

    def _memory_stats(self, X):
        import warnings

        with warnings.catch_warnings():
            # All-NaN features give NaN statistics, as in scikit-learn.
            warnings.simplefilter("ignore", RuntimeWarning)
            center = np.nanmedian(X, axis=0) if self.with_centering else None
            quantiles = None
            if self.with_scaling:
                quantiles = np.transpose(
                    [np.nanpercentile(X[:, j], self.quantile_range) for j in range(X.shape[1])]
                )
        return center, quantiles

    def _dask_stats(self, X):
        sketch = fit_sketch(X, ROBUST_SKETCH_SIZE, check=reject_infinite)
        check_n_rows(self, sketch[3], X.shape[1])
        center = None
        if self.with_centering:
            center = sketch_quantiles(sketch, [50.0], median=True)[0].astype(X.dtype)
        quantiles = None
        if self.with_scaling:
            quantiles = sketch_quantiles(sketch, self.quantile_range).astype(X.dtype)
        return center, quantiles

    def transform(self, X):
        """Centre and scale ``X`` (NaN kept).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_tr : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X, frame = validate_numeric(self, X, reset=False, copy=self.copy)
        out = transform_rows(
            _standard_block,
            X,
            frame,
            self.center_,
            self.scale_,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=self.get_feature_names_out(),
        )
        factor = None if self.scale_ is None else 1.0 / self.scale_
        return affine_output(out, X, self.center_, factor)

    def inverse_transform(self, X):
        """Scale back to the original representation.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X, frame = check_inverse_input(self, X, self.copy)
        return transform_rows(
            _standard_inverse_block,
            X,
            frame,
            self.center_,
            self.scale_,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=inverse_names(self),
        )

    _sparse_output_format = "input"  # in-memory sparse X: densified, output CSR/CSC

    def _sparse_input_error(self, X):
        if self.with_centering:
            return ValueError(
                "Cannot center sparse matrices: use `with_centering=False` instead. See "
                "docstring for motivation and alternatives."
            )
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = not self.with_centering
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
