"""Scalers: StandardScaler, MinMaxScaler and RobustScaler on NumPy, dask arrays and DataFrames.

Fitting reads the data once: a numba kernel summarises every row block (moments, minimum and
maximum, or a quantile sketch) and a tree reduction merges the summaries.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._graph import reduce_blocks
from .._kernels.scaling import standard_scale
from .._kernels.stats import block_minmax, block_moments, merge_moments
from .._validation import (
    check_array,
    check_n_rows,
    check_sample_weight,
    is_dask_collection,
    is_dask_frame,
)
from ._base import FLOAT_DTYPES, affine_output, reject_infinite, transform_rows, validate_numeric
from ._sketch import fit_sketch, sketch_quantiles

__all__ = ["MinMaxScaler", "RobustScaler", "StandardScaler"]

#: Points per column kept by RobustScaler's quantile sketch on dask input (see ``_sketch``).
ROBUST_SKETCH_SIZE = 2048

_NO_WEIGHTS = np.empty(0)


def _nonzero_scale(scale, constant=None):
    """``scale`` with 1 where a feature is constant (or its scale is numerically zero)."""
    scale = np.array(scale, copy=True)
    if constant is None:
        constant = scale < 10 * np.finfo(scale.dtype).eps
    scale[constant] = 1.0
    return scale


def _constant_features(var, mean, count):
    """Features whose variance is within the rounding error of computing it (all equal)."""
    eps = np.finfo(np.float64).eps
    return var <= count * eps * var + (count * mean * eps) ** 2


def _check_inverse_input(est, X, copy):
    """Validation of ``inverse_transform`` input (no feature-name check, like scikit-learn)."""
    if is_dask_collection(X):
        frame = X if is_dask_frame(X) else None
        return check_array(X, dtype=FLOAT_DTYPES, estimator=est), frame
    return (
        check_array(
            X,
            copy=copy,
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan",
            estimator=est,
        ),
        None,
    )


def _inverse_names(est):
    names = getattr(est, "feature_names_in_", None)
    if names is None:
        return [f"x{i}" for i in range(est.n_features_in_)]
    return list(names)


# ---------------------------------------------------------------------------------------
# StandardScaler


def _moments_chunk(X, w):
    reject_infinite(X)
    if w is None:
        return block_moments(X, _NO_WEIGHTS, False), 0, X.shape[0]
    return block_moments(X, w, True), int(np.count_nonzero(w)), X.shape[0]


def _moments_combine(parts):
    out, nonzero, n_rows = parts[0]
    for part, nz, n in parts[1:]:
        out = merge_moments(out, part)
        nonzero += nz
        n_rows += n
    return out, nonzero, n_rows


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise features by removing the mean and scaling to unit variance.

    ``z = (x - mean_) / scale_``, where the mean and the (population) variance of every
    feature are computed in one pass: a numba kernel computes each row block's weighted
    count, mean and centred sum of squares (two passes over the block, in float64), and a
    tree reduction merges them with Chan et al.'s pairwise update, which is as stable as
    scikit-learn's single-batch computation. NaNs are ignored in fit and kept in transform.

    Parameters
    ----------
    copy : bool, default=True
        If False, NumPy input to ``transform`` is scaled in place when possible (as in
        scikit-learn). Dask input is never modified in place.
    with_mean : bool, default=True
        Centre the data before scaling.
    with_std : bool, default=True
        Scale the data to unit variance.

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,) or None
        Per-feature scaling (``sqrt(var_)``, 1 for constant features); None when
        ``with_std=False``.
    mean_ : ndarray of shape (n_features,) or None
        Per-feature mean; None when both ``with_mean`` and ``with_std`` are False.
    var_ : ndarray of shape (n_features,) or None
        Per-feature variance; None when ``with_std=False``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    n_samples_seen_ : int or ndarray of shape (n_features,)
        Number of (non-NaN) samples, or sum of their weights, per feature; an int when it
        is the same for every feature.

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.preprocessing import StandardScaler
    >>> X = da.from_array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], chunks=2)
    >>> StandardScaler().fit(X).mean_
    array([2., 3.])
    """

    _parameter_constraints: dict = {
        "copy": ["boolean"],
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def _reset(self):
        for attr in ("n_samples_seen_", "mean_", "var_", "scale_"):
            if hasattr(self, attr):
                delattr(self, attr)

    def fit(self, X, y=None, sample_weight=None):
        """Compute the mean and standard deviation of every feature.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Individual weights for each sample.

        Returns
        -------
        self : object
        """
        self._reset()
        return self.partial_fit(X, y, sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the mean and standard deviation with a batch of samples.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Individual weights for each sample.

        Returns
        -------
        self : object
        """
        self._validate_params()
        first_call = not hasattr(self, "n_samples_seen_")
        X, _ = validate_numeric(self, X, reset=first_call)
        weighted = sample_weight is not None
        sw = None
        if weighted:
            sw = check_sample_weight(
                sample_weight, X, dtype=np.float64, only_non_negative=False
            )
        part, nonzero_weights, n_rows = reduce_blocks(
            _moments_chunk, [X, sw], combine=_moments_combine, name="standard-scaler"
        )
        check_n_rows(self, n_rows, X.shape[1])
        if weighted and nonzero_weights == 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")
        n_features = X.shape[1]
        if first_call:
            prev_int = True
            total, shift, offset, m2 = part
        else:
            seen = np.broadcast_to(np.asarray(self.n_samples_seen_), (n_features,))
            prev_int = np.asarray(self.n_samples_seen_).dtype.kind in "iu"
            prev_mean = np.zeros(n_features) if self.mean_ is None else self.mean_
            prev_var = np.zeros(n_features) if self.var_ is None else self.var_
            zeros = np.zeros(n_features)
            prev = (seen.astype(np.float64), prev_mean, zeros, prev_var * seen)
            total, shift, offset, m2 = merge_moments(prev, part)
        with np.errstate(invalid="ignore"):
            # a feature without any value has an undefined mean (NaN, as scikit-learn);
            # negative weights are taken as scikit-learn takes them (all negative: the
            # weighted mean and variance of their magnitudes)
            mean = np.where(total != 0, shift + offset, np.nan)
        if weighted or not prev_int:
            seen = total.astype(np.float64)
        else:
            seen = np.rint(total).astype(np.int64)

        if self.with_mean or self.with_std:
            self.mean_ = mean
            if self.with_std:
                with np.errstate(divide="ignore", invalid="ignore"):
                    self.var_ = m2 / total
            else:
                self.var_ = None
        else:
            self.mean_ = None
            self.var_ = None
        self.n_samples_seen_ = seen[0] if np.ptp(seen) == 0 else seen
        if self.with_std:
            constant = _constant_features(self.var_, self.mean_, seen)
            self.scale_ = _nonzero_scale(np.sqrt(self.var_), constant)
        else:
            self.scale_ = None
        return self

    def transform(self, X, copy=None):
        """Standardise ``X`` (NaN kept).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        copy : bool, default=None
            Copy NumPy input (default: the ``copy`` parameter).

        Returns
        -------
        X_tr : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = copy if copy is not None else self.copy
        X, frame = validate_numeric(self, X, reset=False, copy=copy)
        # scikit-learn subtracts and divides in the input's precision
        mean = self.mean_.astype(X.dtype) if self.with_mean else None
        scale = self.scale_.astype(X.dtype) if self.with_std else None
        out = transform_rows(
            _standard_block,
            X,
            frame,
            mean,
            scale,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=self.get_feature_names_out(),
            block_func=_standard_new_block,
        )
        return affine_output(out, X, mean, None if scale is None else 1.0 / scale)

    def inverse_transform(self, X, copy=None):
        """Scale back to the original representation.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        copy : bool, default=None
            Copy NumPy input (default: the ``copy`` parameter).

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = copy if copy is not None else self.copy
        X, frame = _check_inverse_input(self, X, copy)
        mean = self.mean_.astype(X.dtype) if self.with_mean else None
        scale = self.scale_.astype(X.dtype) if self.with_std else None
        return transform_rows(
            _standard_inverse_block,
            X,
            frame,
            mean,
            scale,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=_inverse_names(self),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _standard_block(block, mean, scale):
    if mean is not None:
        block -= mean
    if scale is not None:
        block /= scale
    return block


def _standard_new_block(block, mean, scale):
    """``_standard_block`` into a new array, in one pass (dask blocks stay untouched)."""
    out = np.empty_like(block)
    empty = np.empty(0, dtype=block.dtype)
    infinite = standard_scale(
        block,
        empty if mean is None else mean,
        empty if scale is None else scale,
        mean is not None,
        scale is not None,
        out,
    )
    if infinite:
        reject_infinite(block)
    return out


def _standard_inverse_block(block, mean, scale):
    if scale is not None:
        block *= scale
    if mean is not None:
        block += mean
    return block


# ---------------------------------------------------------------------------------------
# MinMaxScaler


def _minmax_chunk(X):
    reject_infinite(X)
    return (*block_minmax(X), X.shape[0])


def _minmax_combine(parts):
    lo, hi, count, n_rows = parts[0]
    for p in parts[1:]:
        lo = np.minimum(lo, p[0])
        hi = np.maximum(hi, p[1])
        count = count + p[2]
        n_rows += p[3]
    return lo, hi, count, n_rows


class MinMaxScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale every feature to a given range, ``feature_range``.

    ``x_scaled = x * scale_ + min_`` with ``scale_ = (max - min) / (data_max_ -
    data_min_)``. The minimum and maximum of every feature come from one pass (a numba
    kernel per row block, merged by a tree reduction); NaNs are ignored in fit and kept in
    transform.

    Parameters
    ----------
    feature_range : tuple (min, max), default=(0, 1)
        Desired range of transformed data.
    copy : bool, default=True
        If False, NumPy input to ``transform`` is scaled in place when possible.
    clip : bool, default=False
        Clip transformed values of held-out data to ``feature_range``.

    Attributes
    ----------
    min_ : ndarray of shape (n_features,)
        Per-feature adjustment for minimum.
    scale_ : ndarray of shape (n_features,)
        Per-feature relative scaling of the data.
    data_min_ : ndarray of shape (n_features,)
        Per-feature minimum seen in the data (NaN for an all-NaN feature).
    data_max_ : ndarray of shape (n_features,)
        Per-feature maximum seen in the data.
    data_range_ : ndarray of shape (n_features,)
        ``data_max_ - data_min_``.
    n_samples_seen_ : int
        Number of samples processed (NaN rows included, as in scikit-learn).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "feature_range": [tuple],
        "copy": ["boolean"],
        "clip": ["boolean"],
    }

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def _reset(self):
        for attr in ("scale_", "min_", "n_samples_seen_", "data_min_", "data_max_", "data_range_"):
            if hasattr(self, attr):
                delattr(self, attr)

    def fit(self, X, y=None):
        """Compute the minimum and maximum of every feature.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._reset()
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the minimum and maximum with a batch of samples.

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
        feature_range = self.feature_range
        if len(feature_range) != 2 or feature_range[0] >= feature_range[1]:
            raise ValueError(
                "Minimum of desired feature range must be smaller than maximum. Got "
                f"{feature_range}."
            )
        first_pass = not hasattr(self, "n_samples_seen_")
        X, _ = validate_numeric(self, X, reset=first_pass)
        lo, hi, count, n_rows = reduce_blocks(
            _minmax_chunk, [X], combine=_minmax_combine, name="minmax-scaler"
        )
        check_n_rows(self, n_rows, X.shape[1])
        empty = count == 0
        data_min = np.where(empty, np.nan, lo).astype(X.dtype)
        data_max = np.where(empty, np.nan, hi).astype(X.dtype)
        if first_pass:
            self.n_samples_seen_ = n_rows
        else:
            data_min = np.minimum(self.data_min_, data_min)
            data_max = np.maximum(self.data_max_, data_max)
            self.n_samples_seen_ += n_rows
        data_range = data_max - data_min
        self.scale_ = (feature_range[1] - feature_range[0]) / _nonzero_scale(data_range)
        self.min_ = feature_range[0] - data_min * self.scale_
        self.data_min_ = data_min
        self.data_max_ = data_max
        self.data_range_ = data_range
        return self

    def transform(self, X):
        """Scale ``X`` to ``feature_range`` (NaN kept).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_tr : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X, frame = validate_numeric(self, X, reset=False, copy=self.copy)
        clip = self.feature_range if self.clip else None
        out = transform_rows(
            _minmax_block,
            X,
            frame,
            self.scale_,
            self.min_,
            clip,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=self.get_feature_names_out(),
        )
        if clip is not None:
            return out  # clipping is not affine
        with np.errstate(divide="ignore", invalid="ignore"):
            offset = -self.min_ / self.scale_
        return affine_output(out, X, offset, self.scale_)

    def inverse_transform(self, X):
        """Undo the scaling of ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X, frame = _check_inverse_input(self, X, self.copy)
        return transform_rows(
            _minmax_inverse_block,
            X,
            frame,
            self.scale_,
            self.min_,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=_inverse_names(self),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _minmax_block(block, scale, minimum, clip):
    block *= scale
    block += minimum
    if clip is not None:
        np.clip(block, clip[0], clip[1], out=block)
    return block


def _minmax_inverse_block(block, scale, minimum):
    block -= minimum
    block /= scale
    return block


# ---------------------------------------------------------------------------------------
# RobustScaler


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
            scale = _nonzero_scale(quantiles[1] - quantiles[0])
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
        X, frame = _check_inverse_input(self, X, self.copy)
        return transform_rows(
            _standard_inverse_block,
            X,
            frame,
            self.center_,
            self.scale_,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=_inverse_names(self),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
