"""OrdinalEncoder: category ``k`` of a feature encoded as ``k``, one column per feature."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import check_is_fitted

from .._columns import map_blocks_2d
from .._graph import map_rows
from .._validation import check_input_features, is_dask_array, is_dask_collection
from ._encoders import (
    _BaseEncoder,
    _category_codes,
    _factorize,
    _is_nan,
    _lookup,
    _unknown_message,
)

__all__ = ["OrdinalEncoder"]


def _ordinal_block(columns, lookups, missing_codes, dtype, handle_unknown, unknown_value,
                   missing_value):
    factors, maps, unknown = _factorize(columns, lookups)
    if unknown and handle_unknown == "error":
        raise ValueError(_unknown_message(unknown, "transform"))
    codes = _category_codes(factors, maps)
    out = codes.astype(dtype)
    if unknown:
        out[codes < 0] = unknown_value
    for j, code in missing_codes.items():
        out[codes[:, j] == code, j] = missing_value
    return out


class OrdinalEncoder(_BaseEncoder):
    """Encode categorical features as an integer array (one column per feature).

    Categories are found in one pass over the data (see
    ``dask_scale.preprocessing._encoders``); category ``k`` of ``categories_[j]`` is
    encoded as ``k``. Missing values (NaN, None, ``pd.NA``) are encoded as
    ``encoded_missing_value``. Works on NumPy arrays, pandas DataFrames, dask
    arrays and dask DataFrames (numbers, strings including pandas 3's string dtype,
    categoricals); the output follows the input kind.

    Parameters
    ----------
    categories : 'auto' or list of array-like, default='auto'
        Categories per feature: 'auto' finds them in the data (sorted); a list gives the
        categories of feature ``i`` in ``categories[i]`` (numbers must be sorted).
    dtype : number type, default=np.float64
        Desired dtype of output.
    handle_unknown : {'error', 'use_encoded_value'}, default='error'
        Raise for a category not seen in fit, or encode it as ``unknown_value``.
    unknown_value : int or np.nan, default=None
        Encoding of unknown categories when ``handle_unknown='use_encoded_value'``.
    encoded_missing_value : int or np.nan, default=np.nan
        Encoding of missing values.

    Attributes
    ----------
    categories_ : list of ndarray
        Categories of each feature (missing, if seen, last as ``nan``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "categories": [StrOptions({"auto"}), list],
        "dtype": "no_validation",
        "handle_unknown": [StrOptions({"error", "use_encoded_value"})],
        "unknown_value": [numbers.Integral, numbers.Real, None],
        "encoded_missing_value": [numbers.Integral, numbers.Real],
    }

    def __init__(
        self,
        *,
        categories="auto",
        dtype=np.float64,
        handle_unknown="error",
        unknown_value=None,
        encoded_missing_value=np.nan,
    ):
        self.categories = categories
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.unknown_value = unknown_value
        self.encoded_missing_value = encoded_missing_value

    def fit(self, X, y=None):
        """Find the categories of every feature.

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
        if self.handle_unknown == "use_encoded_value":
            if _is_nan(self.unknown_value):
                if np.dtype(self.dtype).kind != "f":
                    raise ValueError(
                        "When unknown_value is np.nan, the dtype parameter should be a "
                        f"float dtype. Got {self.dtype}."
                    )
            elif not isinstance(self.unknown_value, numbers.Integral):
                raise TypeError(
                    "unknown_value should be an integer or np.nan when handle_unknown is "
                    f"'use_encoded_value', got {self.unknown_value}."
                )
        elif self.unknown_value is not None:
            raise TypeError(
                "unknown_value should only be set when handle_unknown is "
                f"'use_encoded_value', got {self.unknown_value}."
            )
        self._fit_categories(X)
        self._missing_indices = {
            j: len(c) - 1 for j, c in enumerate(self.categories_) if len(c) and _is_nan(c[-1])
        }
        cardinalities = [
            len(c) - (1 if j in self._missing_indices else 0)
            for j, c in enumerate(self.categories_)
        ]
        if self.handle_unknown == "use_encoded_value" and not _is_nan(self.unknown_value):
            for card in cardinalities:
                if 0 <= self.unknown_value < card:
                    raise ValueError(
                        f"The used value for unknown_value {self.unknown_value} is one of "
                        "the values already used for encoding the seen categories."
                    )
        if self._missing_indices:
            if np.dtype(self.dtype).kind != "f" and _is_nan(self.encoded_missing_value):
                raise ValueError(
                    f"There are missing values in features {list(self._missing_indices)}. "
                    f"For OrdinalEncoder to encode missing values with dtype: {self.dtype}, "
                    "set encoded_missing_value to a non-nan value, or set dtype to a float"
                )
            if not _is_nan(self.encoded_missing_value):
                invalid = [
                    j
                    for j, card in enumerate(cardinalities)
                    if j in self._missing_indices and 0 <= self.encoded_missing_value < card
                ]
                if invalid:
                    if hasattr(self, "feature_names_in_"):
                        invalid = self.feature_names_in_[invalid]
                    raise ValueError(
                        f"encoded_missing_value ({self.encoded_missing_value}) is already "
                        f"used to encode a known category in features: {invalid}"
                    )
        return self

    def transform(self, X):
        """Encode ``X`` as ordinal codes.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray, dask array or dask DataFrame of shape (n_samples, n_features)
        """
        check_is_fitted(self, "categories_")
        kind, X = self._transform_input(X)
        lookups = [_lookup(c) for c in self.categories_]
        dtype = np.dtype(self.dtype)
        return map_blocks_2d(
            _ordinal_block,
            kind,
            X,
            lookups,
            dict(self._missing_indices),
            dtype,
            self.handle_unknown,
            self.unknown_value,
            self.encoded_missing_value,
            n_out=len(self.categories_),
            dtype=dtype,
            names=self.get_feature_names_out() if kind == "frame" else None,
            raw=True,
        )

    def inverse_transform(self, X):
        """Convert codes back to the categories (None for ``unknown_value``).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)

        Returns
        -------
        X_original : ndarray or dask array of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        n_features = len(self.categories_)
        if is_dask_array(X) or is_dask_collection(X):
            from .._validation import check_array

            X = check_array(X, dtype=None)
            if X.shape[1] != n_features:
                raise ValueError(
                    "Shape of the passed X data is not correct. Expected "
                    f"{n_features} columns, got {X.shape[1]}."
                )
            return map_rows(
                self._inverse_block, X, out_dtype=object, n_out=n_features, check_finite=False
            )
        X = _sk_check_array(X, ensure_all_finite="allow-nan")
        if X.shape[1] != n_features:
            raise ValueError(
                "Shape of the passed X data is not correct. Expected "
                f"{n_features} columns, got {X.shape[1]}."
            )
        return self._inverse_block(X)

    def _inverse_block(self, X):
        n_features = len(self.categories_)
        dtype = np.result_type(*[c.dtype for c in self.categories_])
        out = np.empty((X.shape[0], n_features), dtype=dtype)
        unknown = {}
        for j, cats in enumerate(self.categories_):
            labels = np.array(X[:, j], dtype=np.float64, copy=True)
            if j in self._missing_indices:
                miss = (
                    np.isnan(labels)
                    if _is_nan(self.encoded_missing_value)
                    else labels == self.encoded_missing_value
                )
                labels[miss] = self._missing_indices[j]
            rows = np.ones(X.shape[0], dtype=bool)
            if self.handle_unknown == "use_encoded_value":
                mask = (
                    np.isnan(labels) if _is_nan(self.unknown_value) else labels == self.unknown_value
                )
                unknown[j] = mask
                rows = ~mask
            out[rows, j] = cats[labels[rows].astype(np.int64)]
        if unknown:
            out = out.astype(object)
            for j, mask in unknown.items():
                out[mask, j] = None
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names: the input feature names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        return check_input_features(self, input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags
