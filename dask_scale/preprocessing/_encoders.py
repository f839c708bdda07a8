"""The encoders' shared machinery: category discovery in fit, factorisation in transform.

Fitting finds the categories of every column in one pass: each row block gives the distinct
values of every column (hash-based, ``pandas.unique``, on the column's own dtype for a
DataFrame), a tree reduction merges them, and the categories are then sorted as scikit-learn
sorts them (numbers ascending or strings lexicographically, missing values last as ``nan``).
Transforming factorises every column of a block on its own dtype (``pandas.factorize``: Arrow
string hashing, categorical codes), looks only the block's distinct values up among the
categories (``pandas.Index.get_indexer``), and maps the codes: :class:`OneHotEncoder`
(``_onehot``) writes each output row once in a numba kernel
(``_kernels.encoding.onehot_fill``), :class:`OrdinalEncoder` (``_ordinal``) writes the codes.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._columns import (
    column_dtype,
    column_values,
    factorize_column,
    keep_string_dtype,
    sort_uniques,
    table_counts,
)
from .._set_output import TransformerMixin
from .._types import is_frame
from .._validation import check_n_rows, check_table
from ._base import reject_infinite


def _is_nan(value):
    return isinstance(value, numbers.Real) and np.isnan(value)


def _lookup(categories):
    if categories.dtype.kind in "OUS":
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


def _needs_categories(dtype):
    if isinstance(dtype, pd.CategoricalDtype):
        return dtype.categories is None or "__UNKNOWN_CATEGORIES__" in list(dtype.categories)
    return True


def _default_frame_columns(est, X, alternative, stacklevel):
    """The columns a DataFrame encoder encodes by default: the categorical ones.

    ``fit`` of a DataFrame encoder without ``columns`` encodes only the categorical
    columns (dask-ml's behaviour) and passes the others through; this warns (a
    ``UserWarning`` pointing at the caller of ``fit``) when X has no categorical column, or
    has string columns that would pass through unencoded. ``alternative`` ends the message
    with the scikit-learn-style way to encode every column; ``stacklevel`` is the number of
    frames from the caller of this function to the user's call of ``fit``.
    """
    columns = [c for c, dt in X.dtypes.items() if isinstance(dt, pd.CategoricalDtype)]
    text = [
        c
        for c, dt in X.dtypes.items()
        if c not in columns
        and (pd.api.types.is_object_dtype(dt) or pd.api.types.is_string_dtype(dt))
    ]
    if len(X.columns) and (not columns or text):
        what = "has no categorical column" if not columns else f"has string columns {text[:10]}"
        if not columns and text:
            what += f" (string columns {text[:10]})"
        warnings.warn(
            f"{type(est).__name__} on a DataFrame encodes its categorical columns only "
            f"(dask-ml's behaviour) and X {what}: they pass through unchanged. Name the "
            "columns to encode in columns=[...], categorise them first (Categorizer), or "
            f"{alternative}.",
            UserWarning,
            stacklevel=stacklevel + 1,
        )
    return columns


def _observed_dtypes(est, X, columns):
    """Categorical dtypes with the observed categories of ``columns`` (one pass for dask).

    A frame found to have no rows in that pass is refused.
    """
    todo = [c for c in columns if _needs_categories(X[c].dtype)]
    out = {c: X[c].dtype for c in columns if c not in todo}
    if not todo:
        return out
    summaries, n_rows = table_counts(X[todo])
    check_n_rows(est, n_rows, len(X.columns))
    for c, (uniques, _, _) in zip(todo, summaries, strict=True):
        dtype = X[c].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out[c] = pd.CategoricalDtype(np.sort(uniques), ordered=dtype.ordered)
        else:
            out[c] = pd.Series(uniques, dtype=dtype).astype("category").dtype
    return out


class _BaseEncoder(TransformerMixin, BaseEstimator):
    """Category discovery shared by the encoders (one pass over the data)."""

    def _fit_categories(self, X):
        kind, X = check_table(self, X, reset=True)
        # an array of NumPy strings keeps its dtype in categories_ (scikit-learn's <U1)
        input_dtype = None
        if kind == "frame":
            dtypes = [column_dtype(dt) for dt in X.dtypes]
        elif isinstance(X, pd.DataFrame):
            dtypes = [column_values(X.iloc[:, j]).dtype for j in range(X.shape[1])]
        else:
            dtypes = [column_dtype(X.dtype)] * X.shape[1]
            input_dtype = X.dtype
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
                cats = sort_uniques(uniques, missing > 0, j)
                categories.append(keep_string_dtype(cats, input_dtype))
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


def _check_frame_columns(est, X):
    """``check_table(reset=False)`` for the DataFrame transformers fitted on a DataFrame.

    When the columns differ from ``columns_`` the message starts with dask-ml's wording
    ("Columns of 'X' do not match the training columns"), followed by scikit-learn's
    feature-name message where it has one.
    """
    def mismatch(detail=""):
        return ValueError(
            "Columns of 'X' do not match the training columns. Got "
            f"{list(X.columns)!r}, expected {list(est.columns_)!r}.{detail}"
        )

    try:
        kind, X = check_table(est, X, reset=False)
    except ValueError as exc:
        if is_frame(X) and not X.columns.equals(est.columns_):
            raise mismatch(f"\n{exc}") from None
        raise
    if is_frame(X) and not X.columns.equals(est.columns_):
        raise mismatch()
    return kind, X
