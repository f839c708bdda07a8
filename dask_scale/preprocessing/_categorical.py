"""Categorizer and DummyEncoder: categorical dtypes and dummy columns for DataFrames.

Both keep dask-ml's parameters and fitted attributes. :class:`Categorizer` turns object and
string columns into pandas categoricals with known categories (found in one pass over a
dask DataFrame); :class:`DummyEncoder` expands categorical columns into indicator columns
(``pandas.get_dummies`` per partition, with the fitted categories so that every partition
gets the same columns).

Both are DataFrame transformers: on a numeric NumPy array there is nothing to categorise or
expand and they return the data unchanged; an object NumPy array raises (a categorical
dtype needs a DataFrame to live in).
"""

from __future__ import annotations

import warnings

import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import check_is_fitted
from sklearn.utils.validation import validate_data as _sk_validate_data

from .._graph import map_row_blocks
from .._set_output import TransformerMixin
from .._types import is_dask_array, is_dask_frame, is_frame
from .._validation import check_input_features, check_table
from ._encoders import _check_frame_columns, _default_frame_columns, _observed_dtypes

__all__ = ["Categorizer", "DummyEncoder"]


def _check_frame_or_numeric(est, X, *, reset):
    """Set/check feature names and counts; return ``X`` (numeric arrays checked)."""
    if is_frame(X):
        return check_table(est, X, reset=reset)[1]
    if is_dask_frame(X) or hasattr(X, "dask"):
        raise TypeError(
            f"{type(est).__name__} works on pandas or dask DataFrames (categorical dtypes "
            f"need a DataFrame); got {type(X).__name__}. Build a DataFrame first, e.g. "
            "dd.from_dask_array(X, columns=[...])."
        )
    checked = _sk_check_array(X, dtype=None, ensure_all_finite="allow-nan", estimator=est)
    if checked.dtype.kind == "O":
        # Numbers stored as objects are numbers; anything else needs a DataFrame.
        try:
            checked = _sk_check_array(
                checked, dtype="numeric", ensure_all_finite="allow-nan", estimator=est
            )
        except ValueError:
            pass
    if checked.dtype.kind not in "biuf":
        raise TypeError(
            f"{type(est).__name__} needs a pandas or dask DataFrame to hold categorical "
            f"columns; got a NumPy array of dtype {checked.dtype}. Wrap it first: "
            "pd.DataFrame(X, columns=[...])."
        )
    _sk_validate_data(est, checked, reset=reset, skip_check_array=True)
    return checked


def _as_categorical_dtype(col, spec):
    """A ``CategoricalDtype`` from a dtype, a ``(categories, ordered)`` tuple or a list."""
    if isinstance(spec, pd.CategoricalDtype):
        return spec
    if (
        isinstance(spec, tuple)
        and len(spec) == 2
        and isinstance(spec[1], (bool, np.bool_))
        and not isinstance(spec[0], (str, bytes))
        and np.ndim(spec[0]) == 1
    ):
        return pd.CategoricalDtype(list(spec[0]), ordered=bool(spec[1]))
    if isinstance(spec, (str, bytes)) or np.ndim(spec) != 1:
        raise TypeError(
            f"categories[{col!r}] must be a pandas.CategoricalDtype, a (categories, ordered) "
            f"tuple or a list of categories; got {spec!r}."
        )
    return pd.CategoricalDtype(list(spec))


class Categorizer(TransformerMixin, BaseEstimator):
    """Convert columns of a DataFrame to categorical dtype with known categories.

    By default every object or string column (pandas ``object``, ``str``, ``string``) and
    every categorical column with unknown categories is categorised. The categories of a
    column are its distinct non-missing values, sorted as pandas sorts them
    (``Series.astype("category")``), found in one pass over a dask DataFrame. Other
    columns are passed through untouched.

    Parameters
    ----------
    categories : mapping, optional
        Column name to ``pandas.CategoricalDtype``, to a ``(categories, ordered)`` tuple or
        to a list of categories: the dtypes to use, without a pass over the data.
    columns : sequence, optional
        Columns to categorise from the data (default: object, string and categorical
        columns). Ignored when ``categories`` is given, as in dask-ml (a ``UserWarning``
        says so when it names other columns than ``categories``).

    Attributes
    ----------
    columns_ : pandas.Index
        The categorised columns.
    categories_ : dict
        Column name to ``pandas.CategoricalDtype``.
    n_features_in_ : int
        Number of columns seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during fit, when they are all strings.

    Examples
    --------
    >>> import pandas as pd
    >>> from dask_scale.preprocessing import Categorizer
    >>> df = pd.DataFrame({"A": [1, 2, 3], "B": ["a", "a", "b"]})
    >>> Categorizer().fit_transform(df).dtypes
    A       int64
    B    category
    dtype: object
    """

    _parameter_constraints: dict = {
        "categories": [dict, None],
        "columns": ["array-like", pd.Index, None],
    }

    def __init__(self, categories=None, columns=None):
        self.categories = categories
        self.columns = columns

    def fit(self, X, y=None):
        """Find the categories of the columns to categorise.

        Parameters
        ----------
        X : pandas or dask DataFrame (a numeric ndarray is passed through)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        if (
            self.categories is not None
            and self.columns is not None
            and set(self.columns) != set(self.categories)
        ):
            warnings.warn(
                "Categorizer: `columns` is ignored when `categories` is given (as in "
                f"dask-ml); the columns {sorted(map(str, self.categories))} of `categories` "
                "are categorised. Leave `columns` out, or list the same columns in both.",
                UserWarning,
                stacklevel=2,
            )
        X = _check_frame_or_numeric(self, X, reset=True)
        if not is_frame(X):
            self.columns_ = pd.Index([])
            self.categories_ = {}
            return self
        if self.categories is not None:
            categories = {}
            for col, dtype in self.categories.items():
                if col not in X.columns:
                    raise ValueError(f"Column {col!r} of `categories` is not in X.")
                categories[col] = _as_categorical_dtype(col, dtype)
            self.columns_ = pd.Index(list(categories))
            self.categories_ = categories
            return self
        if self.columns is None:
            columns = [
                c
                for c, dt in X.dtypes.items()
                if isinstance(dt, pd.CategoricalDtype)
                or pd.api.types.is_object_dtype(dt)
                or pd.api.types.is_string_dtype(dt)
            ]
        else:
            columns = list(self.columns)
            absent = [c for c in columns if c not in X.columns]
            if absent:
                raise ValueError(f"Columns {absent} are not in X.")
        self.columns_ = pd.Index(columns)
        self.categories_ = _observed_dtypes(self, X, columns)
        return self

    def transform(self, X, y=None):
        """Give the fitted categorical dtypes to the categorised columns.

        Parameters
        ----------
        X : pandas or dask DataFrame (a numeric ndarray is passed through)
        y : None
            Ignored.

        Returns
        -------
        X_tr : same kind as X
        """
        check_is_fitted(self, "categories_")
        X = _check_frame_or_numeric(self, X, reset=False)
        if not is_frame(X):
            return X.copy()
        absent = [c for c in self.columns_ if c not in X.columns]
        if absent:
            raise ValueError(f"Columns {absent} seen in fit are missing from X.")
        if not self.categories_:
            return X.copy() if isinstance(X, pd.DataFrame) else X
        return X.astype(self.categories_)

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
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _dummies(pdf, dtypes, columns, drop_first, out_columns):
    pdf = pdf.astype(dtypes)
    # dtype=bool: NumPy bool whatever the categories' dtype (pandas would otherwise give the
    # nullable "boolean" for categories of string dtype, as dask's frames have)
    out = pd.get_dummies(pdf, columns=columns, drop_first=drop_first, dtype=bool)
    return out[out_columns]


class DummyEncoder(TransformerMixin, BaseEstimator):
    """Dummy (one-hot) encode the categorical columns of a DataFrame.

    Each categorical column ``c`` with categories ``k1..km`` becomes columns ``c_k1 .. c_km``
    (``pandas.get_dummies`` naming and order: the other columns first, then the dummy
    columns); the categories are the fitted ones, so unseen values give all-false rows and
    every partition has the same columns. The dummy columns are NumPy ``bool`` for pandas
    and dask input alike, whatever the categories' dtype. Use :class:`Categorizer` first to
    turn string
    columns into categoricals. Categorical columns of a dask DataFrame with unknown
    categories get them from one pass over the data. Without ``columns``, ``fit`` warns
    (``UserWarning``) when X has no categorical column or has string columns, which would
    pass through unencoded (as :class:`OrdinalEncoder` does).

    Parameters
    ----------
    columns : sequence, optional
        Columns to encode; they must be categorical. Default: every categorical column.
    drop_first : bool, default=False
        Drop the first category of every encoded column.

    Attributes
    ----------
    columns_ : pandas.Index
        Columns of the training data.
    categorical_columns_ : pandas.Index
        The encoded columns.
    non_categorical_columns_ : pandas.Index
        The other columns, passed through.
    dtypes_ : dict
        Encoded column name to its ``pandas.CategoricalDtype``.
    transformed_columns_ : pandas.Index
        Columns of the output.
    categorical_blocks_ : dict
        Encoded column name to the ``slice`` of ``transformed_columns_`` (positions) that
        holds its dummy columns.
    n_features_in_ : int
        Number of columns seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "columns": ["array-like", pd.Index, None],
        "drop_first": ["boolean"],
    }

    def __init__(self, columns=None, drop_first=False):
        self.columns = columns
        self.drop_first = drop_first

    def fit(self, X, y=None):
        """Record the categorical columns and their categories.

        Parameters
        ----------
        X : pandas or dask DataFrame (a numeric ndarray is passed through)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        X = _check_frame_or_numeric(self, X, reset=True)
        if not is_frame(X):
            names = pd.Index([f"x{i}" for i in range(X.shape[1])])
            self.columns_ = names
            self.categorical_columns_ = pd.Index([])
            self.non_categorical_columns_ = names
            self.dtypes_ = {}
            self.transformed_columns_ = names
            self.categorical_blocks_ = {}
            return self
        if self.columns is None:
            columns = _default_frame_columns(
                self, X, "use OneHotEncoder for scikit-learn's encoding of every column",
                stacklevel=2
            )
        else:
            columns = list(self.columns)
            absent = [c for c in columns if c not in X.columns]
            if absent:
                raise ValueError(f"Columns {absent} are not in X.")
            not_cat = [c for c in columns if not isinstance(X[c].dtype, pd.CategoricalDtype)]
            if not_cat:
                raise ValueError(
                    f"Columns {not_cat} are not categorical. Convert them first, e.g. with "
                    "dask_scale.preprocessing.Categorizer(columns=...)."
                )
        self.columns_ = X.columns
        self.categorical_columns_ = pd.Index(columns)
        self.non_categorical_columns_ = X.columns.drop(self.categorical_columns_)
        self.dtypes_ = _observed_dtypes(self, X, columns)
        empty = X._meta if is_dask_frame(X) else X.iloc[:0]
        sample = pd.get_dummies(
            empty.astype(self.dtypes_), columns=columns, drop_first=self.drop_first, dtype=bool
        )
        self.transformed_columns_ = sample.columns
        left = len(self.non_categorical_columns_)
        blocks = {}
        for col in columns:
            width = len(self.dtypes_[col].categories) - (1 if self.drop_first else 0)
            blocks[col] = slice(left, left + max(width, 0))
            left += max(width, 0)
        self.categorical_blocks_ = blocks
        return self

    def transform(self, X, y=None):
        """Dummy encode the categorical columns.

        Parameters
        ----------
        X : pandas or dask DataFrame (a numeric ndarray is passed through)
        y : None
            Ignored.

        Returns
        -------
        X_tr : same kind as X, with ``transformed_columns_`` columns
        """
        check_is_fitted(self, "transformed_columns_")
        if is_frame(X) and hasattr(self, "feature_names_in_"):
            _, X = _check_frame_columns(self, X)
        else:
            X = _check_frame_or_numeric(self, X, reset=False)
        if not is_frame(X):
            return X.copy()
        if not X.columns.equals(self.columns_):
            raise ValueError(
                "Columns of 'X' do not match the training columns. Got "
                f"{list(X.columns)!r}, expected {list(self.columns_)!r}."
            )
        columns = list(self.categorical_columns_)
        out_columns = list(self.transformed_columns_)
        if is_dask_frame(X):
            meta = _dummies(X._meta, self.dtypes_, columns, self.drop_first, out_columns)
            return map_row_blocks(
                _dummies, X, self.dtypes_, columns, self.drop_first, out_columns, meta=meta
            )
        return _dummies(X, self.dtypes_, columns, self.drop_first, out_columns)

    def inverse_transform(self, X):
        """Rebuild the categorical columns from their dummy columns.

        Parameters
        ----------
        X : pandas or dask DataFrame with ``transformed_columns_``, or a NumPy or dask
            array of the same width (read as a DataFrame with those columns)

        Returns
        -------
        X_original : DataFrame with ``columns_``
            A dask DataFrame for dask input, a pandas DataFrame for NumPy or pandas input.
            A row with no dummy set gives a missing value (the first category when
            ``drop_first``).
        """
        check_is_fitted(self, "transformed_columns_")
        if is_dask_array(X):
            if X.ndim != 2 or X.shape[1] != len(self.transformed_columns_):
                raise ValueError(
                    f"X must have {len(self.transformed_columns_)} columns "
                    f"({list(self.transformed_columns_)[:10]}...), got shape {X.shape}."
                )
            X = dd.from_dask_array(X, columns=list(self.transformed_columns_))
        elif not is_frame(X):
            X = np.asarray(X)
            if X.ndim != 2 or X.shape[1] != len(self.transformed_columns_):
                raise ValueError(
                    f"X must have {len(self.transformed_columns_)} columns "
                    f"({list(self.transformed_columns_)[:10]}...), got shape {X.shape}."
                )
            X = pd.DataFrame(X, columns=self.transformed_columns_)
        if is_dask_frame(X):
            meta = self._inverse(X._meta)
            return map_row_blocks(self._inverse, X, meta=meta)
        return self._inverse(X)

    def _inverse(self, pdf):
        out = {}
        for col in self.columns_:
            if col not in self.dtypes_:
                out[col] = pdf[col]
                continue
            dtype = self.dtypes_[col]
            names = list(self.transformed_columns_[self.categorical_blocks_[col]])
            values = pdf[names].to_numpy(dtype=np.float64) if names else np.zeros((len(pdf), 0))
            codes = values.argmax(axis=1) if names else np.zeros(len(pdf), dtype=np.int64)
            hot = values.max(axis=1) > 0 if names else np.zeros(len(pdf), dtype=bool)
            if self.drop_first:
                codes = np.where(hot, codes + 1, 0)
            else:
                codes = np.where(hot, codes, -1)
            out[col] = pd.Categorical.from_codes(codes, dtype=dtype)
        return pd.DataFrame(out, index=pdf.index)[list(self.columns_)]

    def get_feature_names_out(self, input_features=None):
        """Output feature names: ``transformed_columns_`` as strings.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "transformed_columns_")
        check_input_features(self, input_features)
        return np.asarray([str(c) for c in self.transformed_columns_], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
