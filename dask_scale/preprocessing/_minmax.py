"""MinMaxScaler: minimum and maximum of every feature in one pass."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.utils.validation import check_is_fitted

from .._graph import reduce_blocks
from .._kernels.stats import block_minmax
from .._set_output import TransformerMixin
from .._validation import check_n_rows
from ._base import (
    affine_output,
    check_inverse_input,
    inverse_names,
    nonzero_scale,
    reject_infinite,
    transform_rows,
    validate_numeric,
)

__all__ = ["MinMaxScaler"]


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
        self.scale_ = (feature_range[1] - feature_range[0]) / nonzero_scale(data_range)
        self.min_ = feature_range[0] - data_min * self.scale_
        self.data_min_ = data_min
        self.data_max_ = data_max
        self.data_range_ = data_range
        return self

    def transform(self, X, copy=None):
        """Scale ``X`` to ``feature_range`` (NaN kept).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        copy : bool or None, default=None
            dask-ml's argument: whether to copy NumPy input (None: the ``copy`` parameter).
            ``copy=False`` scales a float NumPy array in place, as
            ``sklearn.preprocessing.StandardScaler.transform(copy=False)`` does (input
            that needs a conversion is still copied). Dask input is never modified: every
            block is written to a new array whatever ``copy`` says.

        Returns
        -------
        X_tr : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        X, frame = validate_numeric(self, X, reset=False, copy=copy)
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

    def inverse_transform(self, X, copy=None):
        """Undo the scaling of ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        copy : bool or None, default=None
            dask-ml's argument, as in :meth:`transform`: ``copy=False`` undoes the scaling
            of a float NumPy array in place; dask input is never modified.

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        X, frame = check_inverse_input(self, X, copy)
        return transform_rows(
            _minmax_inverse_block,
            X,
            frame,
            self.scale_,
            self.min_,
            n_out=X.shape[1],
            out_dtype=X.dtype,
            names=inverse_names(self),
        )

    def _sparse_input_error(self, X):
        return TypeError(
            "MinMaxScaler does not support sparse input. Consider using MaxAbsScaler instead."
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
