"""StandardScaler: mean and variance of every feature in one pass, merged stably."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.utils.validation import check_is_fitted

from .._graph import reduce_blocks
from .._kernels.scaling import standard_scale
from .._kernels.stats import block_moments, merge_moments
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

__all__ = ["StandardScaler"]

_NO_WEIGHTS = np.empty(0)


def _constant_features(var, mean, count):
    """Features whose variance is within the rounding error of computing it (all equal)."""
    eps = np.finfo(np.float64).eps
    return var <= count * eps * var + (count * mean * eps) ** 2


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
        weighted = sample_weight is not None
        # negative weights are allowed, as scikit-learn allows them
        X, _, sw = validate_numeric(
            self, X, reset=first_call, sample_weight=sample_weight, only_non_negative=False
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
            self.scale_ = nonzero_scale(np.sqrt(self.var_), constant)
        else:
            self.scale_ = None
        return self

    def transform(self, X, copy=None):
        """Standardise ``X`` (NaN kept).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        copy : bool, default=None
            Copy NumPy input (default: the ``copy`` parameter); ``copy=False`` standardises
            a float NumPy array in place, as scikit-learn does. Dask input is never
            modified: every block is written to a new array whatever ``copy`` says.

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
            Copy NumPy input (default: the ``copy`` parameter); ``copy=False`` works in
            place on a float NumPy array, as scikit-learn does. Dask input is never
            modified.

        Returns
        -------
        X_original : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        copy = copy if copy is not None else self.copy
        X, frame = check_inverse_input(self, X, copy)
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
            names=inverse_names(self),
        )

    _sparse_output_format = "csr"  # in-memory sparse X: densified, output CSR as sklearn's

    def _sparse_input_error(self, X):
        if self.with_mean:
            return ValueError(
                "Cannot center sparse matrices: pass `with_mean=False` instead. See "
                "docstring for motivation and alternatives."
            )
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = not self.with_mean
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
    # C-ordered whatever the block's layout: the kernel is compiled for C-ordered output
    out = np.empty(block.shape, dtype=block.dtype)
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
