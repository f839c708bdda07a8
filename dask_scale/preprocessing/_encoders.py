"""OneHotEncoder and OrdinalEncoder for NumPy, pandas and dask arrays and DataFrames.

Fitting finds the categories of every column in one pass: each row block gives the distinct
values of every column (hash-based, ``pandas.unique``, on the column's own dtype for a
DataFrame), a tree reduction merges them, and the categories are then sorted as scikit-learn
sorts them (numbers ascending or strings lexicographically, missing values last as ``nan``).
Transforming factorises every column of a block on its own dtype (``pandas.factorize``: Arrow
string hashing, categorical codes), looks only the block's distinct values up among the
categories (``pandas.Index.get_indexer``), and maps the codes: OneHotEncoder writes each
output row once in a numba kernel (``_kernels.encoding.onehot_fill``).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import check_is_fitted

from .._columns import (
    column_dtype,
    column_values,
    factorize_column,
    map_blocks_2d,
    sort_uniques,
    table_counts,
)
from .._graph import map_rows
from .._kernels.encoding import onehot_fill
from .._validation import (
    check_input_features,
    check_n_rows,
    check_table,
    is_dask_array,
    is_dask_collection,
)
from ._base import reject_infinite

__all__ = ["OneHotEncoder", "OrdinalEncoder"]


def _is_nan(value):
    return isinstance(value, numbers.Real) and np.isnan(value)


def _lookup(categories):
    if categories.dtype.kind == "O":
        return pd.Index(categories, dtype=object)
    return pd.Index(categories)


def _index_in(lookup, values):
    """Position of every value in the ``lookup`` index, ``-1`` where it is absent."""
    try:
        return lookup.get_indexer(values)
    except TypeError:
        return lookup.get_indexer(values.astype(object))


def _factorize(columns, lookups):
    """Factorise the raw columns of a block against the fitted categories.

    Every column is factorised on its own dtype (hash tables over Arrow strings, categorical
    codes), then only its distinct values are looked up among the categories.

    Returns
    -------
    factors : ndarray of shape (p, n), int64
        Per feature, the index of every entry among the block's distinct values of that
        feature, ``-1`` for a missing value.
    maps : list of ndarray of int64
        Per feature, the category index of a missing value (first) and of each distinct
        value (then); ``-1`` for a value that is not a category.
    unknown : dict
        Feature index to the values of the block that are not categories (``nan`` for a
        missing value), for features that have any.
    """
    n = columns[0].shape[0] if columns else 0
    factors = np.empty((len(columns), n), dtype=np.int64)
    maps = []
    unknown = {}
    for j, (column, lookup) in enumerate(zip(columns, lookups, strict=True)):
        factors[j], uniques = factorize_column(column)
        missing = np.array([np.nan], dtype=object if lookup.dtype == object else np.float64)
        positions = np.concatenate([_index_in(lookup, missing), _index_in(lookup, uniques)])
        maps.append(positions)
        unseen = uniques[positions[1:] < 0]
        if positions[0] < 0 and n and factors[j].min() < 0:
            unseen = np.append(unseen.astype(object), np.nan)
        if unseen.size:
            unknown[j] = unseen
    return factors, maps, unknown


def _category_codes(factors, maps):
    """Category index of every entry (``-1`` for an unknown value), shape (n, p)."""
    codes = np.empty(factors.shape[::-1], dtype=np.int64)
    for j, positions in enumerate(maps):
        codes[:, j] = positions[factors[j] + 1]
    return codes


def _unknown_message(unknown, when):
    j = min(unknown)
    shown = sorted({str(v) for v in unknown[j]})[:10]
    return (
        f"Found unknown categories {shown} in column {j} during {when}. Refit on data "
        "that contains them, pass them in `categories`, or use "
        "handle_unknown='ignore'."
    )


class _BaseEncoder(TransformerMixin, BaseEstimator):
    """Category discovery shared by the encoders (one pass over the data)."""

    def _fit_categories(self, X):
        kind, X = check_table(self, X, reset=True)
        if kind == "frame":
            dtypes = [column_dtype(dt) for dt in X.dtypes]
        elif isinstance(X, pd.DataFrame):
            dtypes = [column_values(X.iloc[:, j]).dtype for j in range(X.shape[1])]
        else:
            dtypes = [column_dtype(X.dtype)] * X.shape[1]
        n_features = len(dtypes)
        if self.categories != "auto" and len(self.categories) != n_features:
            raise ValueError(
                "Shape mismatch: if categories is an array, it has to be of shape "
                f"(n_features,): got {len(self.categories)} lists for {n_features} features."
            )
        need_pass = self.categories == "auto" or self.handle_unknown == "error"
        summaries = None
        if need_pass and n_features:
            # distinct values of every column, counted on the columns' own dtypes
            summaries, n_rows = table_counts(X)
            for uniques, _, _ in summaries:
                reject_infinite(uniques)
            check_n_rows(self, n_rows, n_features)
        categories = []
        for j in range(n_features):
            if self.categories == "auto":
                uniques, _, missing = summaries[j]
                categories.append(sort_uniques(uniques, missing > 0, j))
                continue
            given = self._given_categories(j, dtypes[j])
            if summaries is not None and self.handle_unknown == "error":
                uniques, _, missing = summaries[j]
                seen = uniques if not missing else np.append(uniques.astype(object), np.nan)
                unknown = _lookup(given).get_indexer(seen) < 0
                if unknown.any():
                    shown = sorted(str(v) for v in np.asarray(seen)[unknown])[:10]
                    raise ValueError(f"Found unknown categories {shown} in column {j} during fit")
            categories.append(given)
        self.categories_ = categories
        return kind, X

    def _given_categories(self, j, column_dtype):
        dtype = object if column_dtype.kind in "OUS" else column_dtype
        cats = np.array(self.categories[j], dtype=dtype)
        if cats.ndim != 1 or cats.size == 0:
            raise ValueError(f"categories[{j}] must be a non-empty 1-D list of categories.")
        for value in cats[:-1]:
            if _is_nan(value):
                raise ValueError(
                    f"Nan should be the last element in user provided categories, see "
                    f"categories {cats} in column #{j}"
                )
        if len(pd.unique(cats)) != cats.size:
            raise ValueError(f"In column {j}, the predefined categories contain duplicate elements.")
        if cats.dtype.kind not in "OUS":
            stop = -1 if _is_nan(cats[-1]) else None
            if np.any(np.sort(cats)[:stop] != cats[:stop]):
                raise ValueError("Unsorted categories are not supported for numerical categories")
        return cats

    def _transform_input(self, X):
        return check_table(self, X, reset=False)


# ---------------------------------------------------------------------------------------


def _onehot_block(columns, lookups, tables, n_out, dtype, handle_unknown):
    factors, maps, unknown = _factorize(columns, lookups)
    if unknown:
        if handle_unknown == "error":
            raise ValueError(_unknown_message(unknown, "transform"))
        if handle_unknown == "warn":
            warnings.warn(
                f"Found unknown categories in columns {sorted(unknown)} during transform. "
                "These unknown categories will be encoded as all zeros",
                UserWarning,
            )
    # compose "distinct value -> category" with "category -> output column (-1: dropped)"
    out_maps = [np.where(m >= 0, t[m], -1) for m, t in zip(maps, tables, strict=True)]
    starts = np.cumsum([0] + [len(m) for m in out_maps[:-1]]).astype(np.int64)
    flat = np.concatenate(out_maps or [np.empty(0, np.int64)]).astype(np.int64, copy=False)
    out = np.empty((factors.shape[1], n_out), dtype=dtype)
    return onehot_fill(factors, flat, starts, out)


class OneHotEncoder(_BaseEncoder):
    """Encode categorical features as a one-hot numeric array.

    Categories are found in one pass over the data (see the module docstring); the output
    has one column per (feature, category), in the order of ``categories_``. Works on NumPy
    arrays, pandas DataFrames, dask arrays and dask DataFrames whose columns are numbers,
    strings (object, pandas ``str``/``string``, including pandas 3's default string dtype)
    or categoricals. Missing values (NaN, None, ``pd.NA``) form their own category, last.
    The output is dense: NumPy in gives NumPy out, dask gives lazy dask (a dask DataFrame
    gives a dask DataFrame with ``get_feature_names_out`` columns).

    Parameters
    ----------
    categories : 'auto' or list of array-like, default='auto'
        Categories per feature: 'auto' finds them in the data (sorted); a list gives the
        categories of feature ``i`` in ``categories[i]`` (numbers must be sorted).
    drop : {'first', 'if_binary'} or array-like of shape (n_features,), default=None
        Category to drop per feature: None keeps all; 'first' drops each feature's first
        category; 'if_binary' drops the first category of features with two categories;
        an array gives the category to drop for each feature.
    sparse_output : bool, default=False
        Return a SciPy CSR matrix (in-memory input only; dask output is always dense).
    dtype : number type, default=np.float64
        Desired dtype of output.
    handle_unknown : {'error', 'ignore', 'warn'}, default='error'
        What to do with a category not seen in fit: raise (when the block is computed for
        dask input), encode as all zeros, or encode as all zeros with a warning.
    feature_name_combiner : "concat" or callable, default="concat"
        ``callable(input_feature, category) -> str`` naming the output columns; "concat"
        gives ``f"{feature}_{category}"``.

    Attributes
    ----------
    categories_ : list of ndarray
        Categories of each feature, in output order.
    drop_idx_ : ndarray of shape (n_features,) or None
        Index in ``categories_[i]`` of the dropped category of feature ``i`` (None where
        nothing is dropped); None when nothing is dropped at all.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from dask_scale.preprocessing import OneHotEncoder
    >>> df = dd.from_pandas(pd.DataFrame({"c": ["a", "b", "a"]}), npartitions=2)
    >>> OneHotEncoder().fit(df).transform(df).compute()
       c_a  c_b
    0  1.0  0.0
    1  0.0  1.0
    2  1.0  0.0
    """

    _parameter_constraints: dict = {
        "categories": [StrOptions({"auto"}), list],
        "drop": [StrOptions({"first", "if_binary"}), "array-like", None],
        "sparse_output": ["boolean"],
        "dtype": "no_validation",
        "handle_unknown": [StrOptions({"error", "ignore", "warn"})],
        "feature_name_combiner": [StrOptions({"concat"}), callable],
    }

    def __init__(
        self,
        *,
        categories="auto",
        drop=None,
        sparse_output=False,
        dtype=np.float64,
        handle_unknown="error",
        feature_name_combiner="concat",
    ):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.feature_name_combiner = feature_name_combiner

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
        if self.sparse_output and is_dask_collection(X):
            raise ValueError(
                "sparse_output=True is not supported for dask input (the blocks are dense); "
                "use sparse_output=False."
            )
        self._fit_categories(X)
        self.drop_idx_ = self._drop_indices()
        self._positions = self._output_positions()
        return self

    def _drop_indices(self):
        if self.drop is None:
            return None
        if isinstance(self.drop, str):
            if self.drop == "first":
                return np.zeros(len(self.categories_), dtype=object)
            return np.array(
                [0 if len(c) == 2 else None for c in self.categories_], dtype=object
            )
        drop = np.asarray(self.drop, dtype=object)
        if drop.ndim != 1 or len(drop) != len(self.categories_):
            raise ValueError(
                f"`drop` should have length equal to the number of features "
                f"({len(self.categories_)}), got {len(drop)}"
            )
        indices = []
        missing = []
        for j, (value, cats) in enumerate(zip(drop, self.categories_, strict=True)):
            if _is_nan(value):
                found = [len(cats) - 1] if len(cats) and _is_nan(cats[-1]) else []
            else:
                found = [i for i, c in enumerate(cats) if not _is_nan(c) and c == value]
            if found:
                indices.append(found[0])
            else:
                missing.append((j, value))
        if missing:
            lines = "\n".join(f"Category: {v}, Feature: {j}" for j, v in missing)
            raise ValueError(
                "The following categories were supposed to be dropped, but were not found "
                f"in the training data.\n{lines}"
            )
        return np.array(indices, dtype=object)

    def _output_positions(self):
        """Per feature, the output column of each category (``-1`` when dropped)."""
        positions = []
        offset = 0
        for j, cats in enumerate(self.categories_):
            table = np.arange(len(cats), dtype=np.int64)
            drop = None if self.drop_idx_ is None else self.drop_idx_[j]
            if drop is not None:
                table[drop] = -1
                table[drop + 1 :] -= 1
            kept = int((table >= 0).sum())
            table[table >= 0] += offset
            offset += kept
            positions.append(table)
        self._n_out = offset
        return positions

    def transform(self, X):
        """One-hot encode ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray, sparse matrix, dask array or dask DataFrame of shape \
                (n_samples, n_encoded_features)
        """
        check_is_fitted(self)
        kind, X = self._transform_input(X)
        lookups = [_lookup(c) for c in self.categories_]
        handle = self.handle_unknown
        if handle == "ignore" and self.drop_idx_ is not None:
            handle = "warn"
        dtype = np.dtype(self.dtype)
        out = map_blocks_2d(
            _onehot_block,
            kind,
            X,
            lookups,
            list(self._positions),
            self._n_out,
            dtype,
            handle,
            n_out=self._n_out,
            dtype=dtype,
            names=self.get_feature_names_out() if kind == "frame" else None,
            raw=True,
        )
        if self.sparse_output and kind == "memory":
            return sp.csr_matrix(out)
        if self.sparse_output:
            raise ValueError("sparse_output=True is not supported for dask input.")
        return out

    def inverse_transform(self, X):
        """Convert one-hot columns back to the categories.

        Rows with all zeros for a feature give the dropped category, or None when that
        feature had no dropped category (an unknown category at transform).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_encoded_features)

        Returns
        -------
        X_original : ndarray or dask array of shape (n_samples, n_features), object dtype
            unless every feature is numeric.
        """
        check_is_fitted(self)
        if is_dask_collection(X):
            from .._validation import check_array

            X = check_array(X, dtype=None)
            if X.shape[1] != self._n_out:
                raise ValueError(
                    f"Shape of the passed X data is not correct. Expected {self._n_out} "
                    f"columns, got {X.shape[1]}."
                )
            n_out, dtype = len(self.categories_), self._inverse_dtype()
            return map_rows(
                self._inverse_block, X, out_dtype=dtype, n_out=n_out, check_finite=False
            )
        if sp.issparse(X):
            X = X.toarray()
        X = _sk_check_array(X, dtype=None)
        if X.shape[1] != self._n_out:
            raise ValueError(
                f"Shape of the passed X data is not correct. Expected {self._n_out} "
                f"columns, got {X.shape[1]}."
            )
        return self._inverse_block(X)

    def _inverse_dtype(self):
        dtypes = [c.dtype for c in self.categories_]
        return np.result_type(*dtypes) if dtypes else np.dtype(object)

    def _inverse_block(self, X):
        n = X.shape[0]
        out = np.empty((n, len(self.categories_)), dtype=self._inverse_dtype())
        unknown = {}
        for j, (cats, table) in enumerate(zip(self.categories_, self._positions, strict=True)):
            kept = np.flatnonzero(table >= 0)
            block = X[:, table[kept]]
            hot = block.argmax(axis=1) if kept.size else np.zeros(n, dtype=np.int64)
            any_hot = block.max(axis=1) > 0 if kept.size else np.zeros(n, dtype=bool)
            values = cats[kept][hot] if kept.size else np.empty(n, dtype=cats.dtype)
            drop = None if self.drop_idx_ is None else self.drop_idx_[j]
            if drop is not None:
                values = np.where(any_hot, values, cats[drop])
            elif not any_hot.all():
                unknown[j] = ~any_hot
            out[:, j] = values
        if unknown:
            out = out.astype(object)
            for j, mask in unknown.items():
                out[mask, j] = None
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names: ``combiner(input_feature, category)`` per kept category.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        features = check_input_features(self, input_features)
        combiner = self.feature_name_combiner
        names = []
        for j, (cats, table) in enumerate(zip(self.categories_, self._positions, strict=True)):
            for c, pos in zip(cats, table, strict=True):
                if pos < 0:
                    continue
                if combiner == "concat":
                    names.append(f"{features[j]}_{c}")
                else:
                    name = combiner(features[j], c)
                    if not isinstance(name, str):
                        raise TypeError(
                            f"When `feature_name_combiner` is a callable, it should return a "
                            f"Python string. Got {type(name)} instead."
                        )
                    names.append(name)
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


# ---------------------------------------------------------------------------------------


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

    Categories are found in one pass over the data (see the module docstring); category
    ``k`` of ``categories_[j]`` is encoded as ``k``. Missing values (NaN, None, ``pd.NA``)
    are encoded as ``encoded_missing_value``. Works on NumPy arrays, pandas DataFrames, dask
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
