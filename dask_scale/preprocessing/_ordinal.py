"""OrdinalEncoder: category ``k`` of a feature encoded as ``k``, one column per feature.

Two inputs, two documented behaviours (chosen by the input of ``fit``):

- arrays (NumPy, dask) are encoded as scikit-learn's ``OrdinalEncoder`` encodes them, every
  column, with categories found in the data;
- DataFrames (pandas, dask) are encoded as dask-ml's ``OrdinalEncoder`` encodes them: the
  categorical columns (or ``columns``) become the codes of their ``CategoricalDtype``, the
  other columns pass through untouched, and the output is a DataFrame.
"""

from __future__ import annotations

import functools
import numbers

import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import check_is_fitted

from .._columns import map_blocks_2d
from .._graph import map_row_blocks, map_rows
from .._types import is_dask_frame, is_frame
from .._validation import check_input_features, check_table, is_dask_array, is_dask_collection
from ._encoders import (
    _BaseEncoder,
    _category_codes,
    _check_frame_columns,
    _default_frame_columns,
    _factorize,
    _index_in,
    _is_nan,
    _lookup,
    _observed_dtypes,
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


def _codes_dtype(dtype):
    """pandas' dtype for the codes of the categorical dtype ``dtype`` (int8 up to 127...)."""
    return pd.Series([], dtype=dtype).cat.codes.dtype


def _holding(dtype, value):
    """``dtype`` promoted so that it holds ``value`` too (float64 for NaN)."""
    if value is None:
        return dtype
    if _is_nan(value):
        return np.result_type(dtype, np.float64)
    return np.promote_types(dtype, np.min_scalar_type(value))


def _column_codes(series, dtype):
    """Codes of ``series`` among the categories of ``dtype``: -1 where missing or unknown."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if series.cat.categories.equals(dtype.categories):
            return codes
        # recode: the column's own categories looked up among the fitted ones
        table = np.append(_index_in(dtype.categories, series.cat.categories), -1)
        return table[codes]
    codes = _index_in(dtype.categories, series.to_numpy())
    codes[series.isna().to_numpy()] = -1
    return codes


def _ordinal_frame(pdf, encoded, dtypes, out_dtypes, handle_unknown, unknown_value,
                   missing_value):
    """dask-ml's encoding of one pandas partition: the ``encoded`` columns become codes."""
    out = pdf.copy(deep=False)
    for col in encoded:
        series = pdf[col]
        codes = _column_codes(series, dtypes[col])
        missing = series.isna().to_numpy()
        unknown = (codes < 0) & ~missing
        if unknown.any():
            if handle_unknown == "error":
                shown = sorted({str(v) for v in series[unknown].unique()})[:10]
                raise ValueError(
                    f"Found unknown categories {shown} in column {col!r} during transform. "
                    "Refit on data that contains them, add them to the column's "
                    "CategoricalDtype (Categorizer(categories=...)), or use "
                    "handle_unknown='use_encoded_value'."
                )
        values = codes.astype(out_dtypes[col])
        if missing.any():
            values[missing] = missing_value
        if unknown.any():
            values[unknown] = unknown_value
        out[col] = pd.Series(values, index=pdf.index)
    return out


def _inverse_frame(pdf, encoded, dtypes, missing_value, unknown_value, columns):
    out = pdf.copy(deep=False)
    for col in encoded:
        values = pd.to_numeric(pdf[col]).to_numpy(dtype=np.float64)
        absent = np.isnan(values)
        for special in (missing_value, unknown_value):
            if special is not None and not _is_nan(special):
                absent |= values == special
        codes = np.where(absent, -1, values).astype(np.int64)
        n_cats = len(dtypes[col].categories)
        bad = (codes < -1) | (codes >= n_cats)
        if bad.any():
            raise ValueError(
                f"Column {col!r} holds codes {sorted(set(codes[bad].tolist()))[:10]} that "
                f"are not codes of its {n_cats} categories."
            )
        out[col] = pd.Categorical.from_codes(codes, dtype=dtypes[col])
    return out[list(columns)]


def _as_frame_block(func, columns, result_dtype, block, *args):
    """``func`` on an array block read as a DataFrame with the fitted ``columns``."""
    out = func(pd.DataFrame(block, columns=columns), *args)
    return out.to_numpy(dtype=result_dtype)


class OrdinalEncoder(_BaseEncoder):
    """Encode categorical features as integer codes, one column per feature.

    What is encoded depends on the input of ``fit``:

    **DataFrames** (pandas or dask), dask-ml's ``OrdinalEncoder``: the categorical columns
    (default), or the columns named in ``columns``, are replaced by the codes of their
    ``CategoricalDtype`` (code ``k`` is ``dtype.categories[k]``, ``dtypes_``); every other
    column passes through with its values, dtype and position. The output is a DataFrame of
    the same kind with the same columns and index. A named column that is not categorical
    gets the categories found in the data (one pass), sorted as
    :class:`~dask_scale.preprocessing.Categorizer` sorts them. By default the codes have
    pandas' codes dtype (int8 up to 127 categories) and a missing value is ``-1``, as
    dask-ml's ``X[col].cat.codes``.

    **Arrays** (NumPy, dask), scikit-learn's ``OrdinalEncoder``: every column is encoded,
    category ``k`` of ``categories_[j]`` as ``k``; the categories are found in one pass
    (see ``dask_scale.preprocessing._encoders``) or given in ``categories``. Missing values
    (NaN, None, ``pd.NA``) are encoded as ``encoded_missing_value``. The output follows the
    input (NumPy or dask array), float64 by default.

    So a DataFrame without categorical columns passes through unchanged (as in dask-ml),
    where scikit-learn would encode every column; ``fit`` warns (``UserWarning``) when
    ``columns`` is not given and X has no categorical column, or has string columns that
    pass through. Name the columns to encode in ``columns``, categorise them first
    (:class:`~dask_scale.preprocessing.Categorizer`), or pass an array (``X.to_numpy()`` /
    ``X.to_dask_array()``) for scikit-learn's encoding.

    Parameters
    ----------
    columns : sequence of column names, optional
        DataFrame input only: the columns to encode. Default: every categorical column.
    categories : 'auto' or list of array-like, default='auto'
        Array input only: categories per feature, 'auto' finds them in the data (sorted);
        a list gives the categories of feature ``i`` in ``categories[i]`` (numbers must be
        sorted). On a DataFrame the categories are the columns' ``CategoricalDtype``.
    dtype : number type or None, default=None
        Output dtype of the codes. None: float64 for array input (scikit-learn's default);
        for DataFrame input pandas' codes dtype of each column (int8 up to 127 categories,
        dask-ml's), widened when ``encoded_missing_value`` or ``unknown_value`` need it.
    handle_unknown : {'error', 'use_encoded_value'}, default='error'
        Raise for a category not seen in fit (not in the column's fitted categories), or
        encode it as ``unknown_value``.
    unknown_value : int or np.nan, default=None
        Encoding of unknown categories when ``handle_unknown='use_encoded_value'``.
    encoded_missing_value : int, np.nan or None, default=None
        Encoding of missing values. None: ``np.nan`` for array input (scikit-learn's
        default), ``-1`` for DataFrame input (pandas' code of a missing value, dask-ml's).

    Attributes
    ----------
    categories_ : list of ndarray
        Categories of each encoded feature (arrays: every feature, missing, if seen, last
        as ``nan``; DataFrames: ``dtypes_[col].categories`` of each encoded column).
    columns_ : pandas.Index
        DataFrame input: the columns of the training data (of the output too).
    categorical_columns_ : pandas.Index
        DataFrame input: the encoded columns.
    non_categorical_columns_ : pandas.Index
        DataFrame input: the columns passed through.
    dtypes_ : dict
        DataFrame input: encoded column name to its ``pandas.CategoricalDtype``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> import pandas as pd
    >>> from dask_scale.preprocessing import OrdinalEncoder
    >>> data = pd.DataFrame({"A": [1, 2, 3, 4], "B": pd.Categorical(["a", "a", "a", "b"])})
    >>> enc = OrdinalEncoder().fit(data)
    >>> enc.transform(data)
       A  B
    0  1  0
    1  2  0
    2  3  0
    3  4  1
    >>> list(enc.categorical_columns_), list(enc.non_categorical_columns_)
    (['B'], ['A'])
    >>> enc.transform(data).dtypes.tolist()
    [dtype('int64'), dtype('int8')]
    >>> OrdinalEncoder().fit_transform(data.to_numpy())
    array([[0., 0.],
           [1., 0.],
           [2., 0.],
           [3., 1.]])
    """

    _parameter_constraints: dict = {
        "columns": ["array-like", pd.Index, None],
        "categories": [StrOptions({"auto"}), list],
        "dtype": "no_validation",
        "handle_unknown": [StrOptions({"error", "use_encoded_value"})],
        "unknown_value": [numbers.Integral, numbers.Real, None],
        "encoded_missing_value": [numbers.Integral, numbers.Real, None],
    }

    def __init__(
        self,
        columns=None,
        *,
        categories="auto",
        dtype=None,
        handle_unknown="error",
        unknown_value=None,
        encoded_missing_value=None,
    ):
        self.columns = columns
        self.categories = categories
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.unknown_value = unknown_value
        self.encoded_missing_value = encoded_missing_value

    def fit(self, X, y=None):
        """Find the categories of the features to encode.

        Parameters
        ----------
        X : array-like, dask array, pandas or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        self._check_unknown_value()
        for name in ("columns_", "categorical_columns_", "non_categorical_columns_", "dtypes_"):
            self.__dict__.pop(name, None)
        if is_frame(X):
            return self._fit_frame(X)
        if self.columns is not None:
            raise ValueError(
                "columns= names DataFrame columns to encode; got a "
                f"{type(X).__name__}. Pass a pandas or dask DataFrame, or leave columns=None "
                "to encode every column of an array."
            )
        return self._fit_array(X)

    # -- shared checks --------------------------------------------------------------------

    def _missing_value(self, frame):
        if self.encoded_missing_value is not None:
            return self.encoded_missing_value
        return -1 if frame else np.nan

    def _check_unknown_value(self):
        if self.handle_unknown == "use_encoded_value":
            if _is_nan(self.unknown_value):
                if self.dtype is not None and np.dtype(self.dtype).kind != "f":
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

    def _check_unknown_value_unused(self, cardinalities):
        if self.handle_unknown == "use_encoded_value" and not _is_nan(self.unknown_value):
            for card in cardinalities:
                if 0 <= self.unknown_value < card:
                    raise ValueError(
                        f"The used value for unknown_value {self.unknown_value} is one of "
                        "the values already used for encoding the seen categories."
                    )

    # -- DataFrames: dask-ml's encoder --------------------------------------------------------

    def _fit_frame(self, X):
        if not (isinstance(self.categories, str) and self.categories == "auto"):
            raise ValueError(
                "categories= gives the categories of the columns of an array. On a "
                "DataFrame the encoded columns' categories are their CategoricalDtype: set "
                "them with Categorizer(categories={column: [...]}) first, or pass an array "
                "(X.to_numpy()) for scikit-learn's encoding of every column."
            )
        _, X = check_table(self, X, reset=True)
        if self.columns is None:
            columns = _default_frame_columns(
                self, X, "pass an array (X.to_numpy()) for scikit-learn's encoding of every "
                "column", stacklevel=3
            )
        else:
            columns = list(self.columns)
            absent = [c for c in columns if c not in X.columns]
            if absent:
                raise ValueError(f"Columns {absent} are not in X.")
        dtypes = _observed_dtypes(self, X, columns)
        cardinalities = [len(dtypes[c].categories) for c in columns]
        self._check_unknown_value_unused(cardinalities)
        missing_value = self._missing_value(frame=True)
        if not _is_nan(missing_value):
            used = [c for c, n in zip(columns, cardinalities, strict=True)
                    if 0 <= missing_value < n]
            if used:
                raise ValueError(
                    f"encoded_missing_value ({missing_value}) is already used to encode a "
                    f"known category in features: {used}"
                )
        out_dtypes = {}
        for col in columns:
            if self.dtype is not None:
                dtype = np.dtype(self.dtype)
                if dtype.kind != "f" and _is_nan(missing_value):
                    raise ValueError(
                        f"For OrdinalEncoder to encode missing values with dtype: {dtype}, "
                        "set encoded_missing_value to a non-nan value, or set dtype to a "
                        "float"
                    )
            else:
                dtype = _holding(_codes_dtype(dtypes[col]), missing_value)
                if self.handle_unknown == "use_encoded_value":
                    dtype = _holding(dtype, self.unknown_value)
            out_dtypes[col] = dtype
        self.columns_ = X.columns
        self.categorical_columns_ = pd.Index(columns)
        self.non_categorical_columns_ = X.columns.drop(self.categorical_columns_)
        self.dtypes_ = dtypes
        self.categories_ = [np.asarray(dtypes[c].categories) for c in columns]
        self._out_dtypes = out_dtypes
        return self

    def _frame_args(self):
        unknown = self.unknown_value if self.handle_unknown == "use_encoded_value" else None
        return (
            list(self.categorical_columns_),
            dict(self.dtypes_),
            dict(self._out_dtypes),
            self.handle_unknown,
            unknown,
            self._missing_value(frame=True),
        )

    def _transform_frame(self, X):
        args = self._frame_args()
        if is_frame(X):
            kind, X = _check_frame_columns(self, X)
            if kind == "frame":
                meta = _ordinal_frame(X._meta, *args)
                return map_row_blocks(_ordinal_frame, X, *args, meta=meta)
            return _ordinal_frame(X, *args)
        # an array given to an encoder fitted on a DataFrame: its columns are read as the
        # training columns, in order; the output is an array of the same kind
        kind, X = check_table(self, X, reset=False, convert=not is_dask_array(X))
        sample = _ordinal_frame(
            pd.DataFrame(np.empty((0, len(self.columns_)), dtype=X.dtype), columns=self.columns_)
            .astype({c: self.dtypes_[c] for c in self.categorical_columns_}),
            *args,
        )
        result = np.result_type(*sample.dtypes) if len(sample.columns) else X.dtype
        return map_rows(
            functools.partial(_as_frame_block, _ordinal_frame, list(self.columns_), result),
            X,
            *args,
            out_dtype=result,
            n_out=len(self.columns_),
            check_finite=False,
        )

    # -- arrays: scikit-learn's encoder ---------------------------------------------------

    def _fit_array(self, X):
        self._fit_categories(X)
        self._missing_indices = {
            j: len(c) - 1 for j, c in enumerate(self.categories_) if len(c) and _is_nan(c[-1])
        }
        cardinalities = [
            len(c) - (1 if j in self._missing_indices else 0)
            for j, c in enumerate(self.categories_)
        ]
        self._check_unknown_value_unused(cardinalities)
        missing_value = self._missing_value(frame=False)
        dtype = np.dtype(np.float64 if self.dtype is None else self.dtype)
        if self._missing_indices:
            if dtype.kind != "f" and _is_nan(missing_value):
                raise ValueError(
                    f"There are missing values in features {list(self._missing_indices)}. "
                    f"For OrdinalEncoder to encode missing values with dtype: {dtype}, "
                    "set encoded_missing_value to a non-nan value, or set dtype to a float"
                )
            if not _is_nan(missing_value):
                invalid = [
                    j
                    for j, card in enumerate(cardinalities)
                    if j in self._missing_indices and 0 <= missing_value < card
                ]
                if invalid:
                    if hasattr(self, "feature_names_in_"):
                        invalid = self.feature_names_in_[invalid]
                    raise ValueError(
                        f"encoded_missing_value ({missing_value}) is already "
                        f"used to encode a known category in features: {invalid}"
                    )
        return self

    def _fitted_on_frame(self):
        return hasattr(self, "dtypes_")

    def transform(self, X):
        """Encode ``X``.

        Parameters
        ----------
        X : array-like, dask array, pandas or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray, dask array, pandas or dask DataFrame of shape (n_samples, n_features)
            Fitted on a DataFrame: a DataFrame of the same kind for DataFrame input, the
            encoded and passed-through columns in the training order (an array input gives
            an array). Fitted on an array: an array (a dask DataFrame gives a dask
            DataFrame of the codes).
        """
        check_is_fitted(self, "categories_")
        if self._fitted_on_frame():
            return self._transform_frame(X)
        kind, X = self._transform_input(X)
        lookups = [_lookup(c) for c in self.categories_]
        dtype = np.dtype(np.float64 if self.dtype is None else self.dtype)
        return map_blocks_2d(
            _ordinal_block,
            kind,
            X,
            lookups,
            dict(self._missing_indices),
            dtype,
            self.handle_unknown,
            self.unknown_value,
            self._missing_value(frame=False),
            n_out=len(self.categories_),
            dtype=dtype,
            names=self.get_feature_names_out() if kind == "frame" else None,
            raw=True,
        )

    def inverse_transform(self, X):
        """Convert codes back to the categories.

        Parameters
        ----------
        X : array-like, dask array, pandas or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_original : ndarray, dask array, pandas or dask DataFrame
            Fitted on a DataFrame (dask-ml's): a pandas DataFrame for NumPy or pandas
            input, a dask DataFrame for dask input, with ``columns_`` and the encoded
            columns back as categoricals (missing where the code is a missing or unknown
            value). Fitted on an array (scikit-learn's): an array of the categories
            (None for ``unknown_value``), of the categories' dtype (``<U1`` for NumPy
            strings) or object where unknown values are found; a dask array's dtype is
            known before computing, so it is object whenever
            ``handle_unknown="use_encoded_value"``.
        """
        check_is_fitted(self, "categories_")
        if self._fitted_on_frame():
            return self._inverse_frame(X)
        n_features = len(self.categories_)
        if is_dask_array(X) or is_dask_collection(X):
            from .._validation import check_array

            X = check_array(X, dtype=None)
            if X.shape[1] != n_features:
                raise ValueError(
                    "Shape of the passed X data is not correct. Expected "
                    f"{n_features} columns, got {X.shape[1]}."
                )
            # the dtype of every block is known beforehand: the categories' (as scikit-learn's
            # NumPy output), object when unknown values may come back as None
            if self.handle_unknown == "use_encoded_value":
                out_dtype = np.dtype(object)
            else:
                out_dtype = np.result_type(*[c.dtype for c in self.categories_])
            return map_rows(
                self._inverse_block, X, out_dtype, out_dtype=out_dtype, n_out=n_features,
                check_finite=False,
            )
        X = _sk_check_array(X, ensure_all_finite="allow-nan")
        if X.shape[1] != n_features:
            raise ValueError(
                "Shape of the passed X data is not correct. Expected "
                f"{n_features} columns, got {X.shape[1]}."
            )
        return self._inverse_block(X)

    def _inverse_frame(self, X):
        n = len(self.columns_)
        if is_dask_array(X):
            if X.ndim != 2 or X.shape[1] != n:
                raise ValueError(f"X must have {n} columns ({list(self.columns_)}), got {X.shape}.")
            X = dd.from_dask_array(X, columns=list(self.columns_))
        elif not is_frame(X):
            X = np.asarray(X)
            if X.ndim != 2 or X.shape[1] != n:
                raise ValueError(f"X must have {n} columns ({list(self.columns_)}), got {X.shape}.")
            X = pd.DataFrame(X, columns=self.columns_)
        elif not X.columns.equals(self.columns_):
            raise ValueError(
                "Columns of 'X' do not match the training columns. Got "
                f"{list(X.columns)!r}, expected {list(self.columns_)!r}."
            )
        unknown = self.unknown_value if self.handle_unknown == "use_encoded_value" else None
        args = (
            list(self.categorical_columns_),
            dict(self.dtypes_),
            self._missing_value(frame=True),
            unknown,
            list(self.columns_),
        )
        if is_dask_frame(X):
            meta = _inverse_frame(X._meta, *args)
            return map_row_blocks(_inverse_frame, X, *args, meta=meta)
        return _inverse_frame(X, *args)

    def _inverse_block(self, X, out_dtype=None):
        """Categories of the codes of a NumPy block, as ``out_dtype`` when given (dask)."""
        n_features = len(self.categories_)
        dtype = np.result_type(*[c.dtype for c in self.categories_])
        out = np.empty((X.shape[0], n_features), dtype=dtype)
        missing_value = self._missing_value(frame=False)
        unknown = {}
        for j, cats in enumerate(self.categories_):
            labels = np.array(X[:, j], dtype=np.float64, copy=True)
            if j in self._missing_indices:
                miss = np.isnan(labels) if _is_nan(missing_value) else labels == missing_value
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
        return out if out_dtype is None else out.astype(out_dtype, copy=False)

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
