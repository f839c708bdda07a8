"""Column-wise access to categorical data in NumPy arrays, pandas and dask collections.

Encoders work column by column on "normalised" 1-D NumPy columns: numeric columns keep their
NumPy dtype (nullable pandas numbers become float64 with NaN), everything else (strings,
pandas ``str``/``string``, categoricals of strings, object) becomes an object array whose
missing entries (``None``, ``pd.NA``, ``NaN``) are all ``np.nan``. A categorical column
gives its values (not its codes), as scikit-learn sees it.

Fitting reads one row block at a time through :func:`dask_scale._graph.reduce_blocks`: the
partitions of a dask DataFrame reach it as pandas frames, whose columns keep their dtypes.
:func:`table_counts` (the encoders', the Categorizer's and the LabelEncoder's fit) counts the
distinct values of each column of each block on the column's own dtype (hash tables over
Arrow strings or categorical codes, no Python string objects) and normalises only the small
summaries. Transforms may ask for the raw columns (``map_blocks_2d(raw=True)``) for the same
reason: a function that factorises a column needs to normalise its distinct values only.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ._graph import map_rows, reduce_blocks
from ._kernels.stats import merge_value_counts, value_counts

__all__ = [
    "block_columns",
    "block_counts",
    "column_counts",
    "column_dtype",
    "column_values",
    "factorize_column",
    "keep_string_dtype",
    "map_blocks_2d",
    "merge_block_counts",
    "raw_block_columns",
    "sort_uniques",
    "table_counts",
]


def column_values(x):
    """Normalise one column (NumPy 1-D array or pandas Series); see the module docstring."""
    if isinstance(x, pd.Series):
        dtype = x.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            values = np.asarray(x.cat.categories)
            if values.dtype.kind in "biuf":
                codes = x.cat.codes.to_numpy()
                if (codes < 0).any():
                    out = values.astype(np.float64)[codes]
                    out[codes < 0] = np.nan
                    return out
                return values[codes]
            return x.to_numpy(dtype=object, na_value=np.nan)
        if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
            return x.to_numpy()
        if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            numpy_dtype = getattr(dtype, "numpy_dtype", np.dtype(np.float64))
            if x.isna().any():
                return x.to_numpy(dtype=np.float64, na_value=np.nan)
            return x.to_numpy(dtype=numpy_dtype)
        return x.to_numpy(dtype=object, na_value=np.nan)
    x = np.asarray(x)
    if x.dtype.kind in "US":
        return x.astype(object)
    if x.dtype.kind == "O":
        missing = pd.isna(x)
        if missing.any():
            x = x.copy()
            x[missing] = np.nan
    return x


def block_columns(block):
    """Normalised columns of a 2-D NumPy block or a pandas DataFrame partition."""
    if isinstance(block, pd.DataFrame):
        return [column_values(block.iloc[:, j]) for j in range(block.shape[1])]
    return [column_values(block[:, j]) for j in range(block.shape[1])]


def raw_block_columns(block):
    """Columns of a block as they are: pandas Series of a DataFrame partition (their own
    dtype), 1-D NumPy columns of an array (NumPy strings as objects)."""
    if isinstance(block, pd.DataFrame):
        return [block.iloc[:, j] for j in range(block.shape[1])]
    if block.dtype.kind in "US":
        block = block.astype(object)
    return [block[:, j] for j in range(block.shape[1])]


def column_dtype(dtype):
    """The NumPy dtype of the normalised values of a column of dtype ``dtype``."""
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        if cats is not None and cats.dtype.kind in "biuf":
            return np.dtype(np.float64)
        return np.dtype(object)
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return np.dtype(np.float64)
    return np.dtype(object)


def _as_column(values):
    """An ndarray as it is, anything else (an ExtensionArray, an Index) as a Series."""
    if isinstance(values, np.ndarray):
        return values
    return pd.Series(values, copy=False)


def factorize_column(column):
    """Codes of a raw column into its distinct values, and those values normalised.

    Parameters
    ----------
    column : pandas Series or 1-D ndarray (not of NumPy string dtype)

    Returns
    -------
    codes : ndarray of shape (n,), int64
        Index of every entry in ``uniques``, ``-1`` for a missing value.
    uniques : ndarray
        The distinct non-missing values, normalised as :func:`column_values` does.
    """
    if isinstance(column, pd.Series):
        codes, uniques = column.factorize(use_na_sentinel=True)
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), column_values(_as_column(uniques))


def column_counts(values):
    """:func:`~dask_scale._kernels.stats.value_counts` of one column, its uniques normalised.

    A pandas Series is counted on its own dtype (Arrow strings and categoricals by their
    hash tables or codes) and only its distinct values are normalised.
    """
    uniques, counts, missing = value_counts(values)
    return column_values(_as_column(uniques)), counts, missing


def block_counts(block):
    """:func:`column_counts` of every column of a block, and its number of rows."""
    return [column_counts(c) for c in raw_block_columns(block)], block.shape[0]


def merge_block_counts(parts):
    """Merge :func:`block_counts` results column by column."""
    columns = [merge_value_counts([p[0][j] for p in parts]) for j in range(len(parts[0][0]))]
    return columns, sum(p[1] for p in parts)


def table_counts(X, *, split_every=8):
    """Distinct values and counts of every column of a table, in one pass.

    Parameters
    ----------
    X : ndarray, pandas DataFrame, dask array or dask DataFrame
        A DataFrame is summarised partition by partition on its columns' own dtypes.

    Returns
    -------
    counts : list of (uniques, counts, missing)
        One per column, uniques normalised, in no particular order.
    n_rows : int
        Number of rows of ``X``.
    """
    return reduce_blocks(
        block_counts, [X], combine=merge_block_counts, split_every=split_every, name="counts"
    )


def sort_uniques(uniques, has_missing, column):
    """Sorted categories of one column, missing (NaN) last, as scikit-learn orders them."""
    if uniques.dtype.kind == "O":
        kinds = {"str" if isinstance(v, str) else "number" for v in uniques}
        if len(kinds) > 1:
            types = sorted({type(v).__name__ for v in uniques})
            raise TypeError(
                "Encoders require their input argument must be uniformly strings or "
                f"numbers. Got {types} in column {column}."
            )
        try:
            cats = np.sort(uniques)
        except TypeError as exc:
            raise TypeError(
                f"The values of column {column} cannot be sorted ({exc}); encoders need "
                "uniformly strings or numbers."
            ) from None
        if has_missing:
            cats = np.concatenate([cats, np.array([np.nan], dtype=object)])
        return cats
    cats = np.sort(uniques)
    if has_missing:
        cats = np.concatenate([cats.astype(np.float64), [np.nan]])
    return cats


def keep_string_dtype(values, dtype):
    """Distinct values of a column in the input's NumPy string dtype, as scikit-learn keeps it.

    Parameters
    ----------
    values : ndarray
        Normalised values of a column (object for strings, see the module docstring), e.g.
        its sorted categories.
    dtype : dtype
        The dtype of the input array the values came from.

    Returns
    -------
    ndarray
        ``values`` as ``dtype`` when that is a NumPy string dtype (``<U..``, ``S..``: a NumPy
        array of strings gives ``<U1`` categories or classes, not object), else ``values``.
        pandas columns (``object``, ``str``, ``string``) keep object values, as in
        scikit-learn.
    """
    if isinstance(dtype, np.dtype) and dtype.kind in "US":
        return values.astype(dtype)
    return values


def _on_columns(func, columns_of, block, *args):
    return func(columns_of(block), *args)


def map_blocks_2d(func, kind, X, *args, n_out, dtype, names, raw=False, dtypes=None):
    """Apply ``func(columns, *args) -> 2-D ndarray`` to every row block of ``X``.

    ``columns`` is the list of normalised columns of the block, or with ``raw=True`` its
    :func:`raw_block_columns`. Memory input gives an ndarray, a dask array a dask array, a
    dask DataFrame a dask DataFrame with columns ``names`` and the input's index (see
    :func:`dask_scale._graph.map_rows`), whose columns have ``dtypes`` when given (one dtype
    a column) and ``dtype`` otherwise.
    """
    part = functools.partial(_on_columns, func, raw_block_columns if raw else block_columns)
    return map_rows(
        part,
        X,
        *args,
        out_dtype=dtype,
        n_out=n_out,
        in_dtype="pandas",
        columns=None if names is None else list(names),
        check_finite=False,
        frame=X if kind == "frame" else None,
        dtypes=dtypes,
    )
