"""Column selection: which columns of ``X`` every transformer of a ColumnTransformer gets.

Columns are selected by name (str or list of str; DataFrames), by position (int, list of
int, slice), by boolean mask, or by a callable returning any of these. A callable gets the
DataFrame (for a dask DataFrame: its ``_meta``, an empty pandas DataFrame with the same
columns and dtypes, so scikit-learn's ``make_column_selector`` works) or the array.
"""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np

from .._types import is_dask_frame, is_frame

__all__ = ["column_specs", "select_columns", "validate_transformers"]


def _columns_of(X):
    return X.columns if is_frame(X) else None


def _n_columns(X):
    return len(X.columns) if is_frame(X) else X.shape[1]


def _is_scalar_key(key):
    return isinstance(key, (str, numbers.Integral)) and not isinstance(key, bool)


def _column_positions(X, key):
    """Positions of the columns ``key`` selects in ``X`` (list of int)."""
    n = _n_columns(X)
    columns = _columns_of(X)
    if callable(key):
        key = key(X._meta if is_dask_frame(X) else X)
    if key is None:
        return []
    if isinstance(key, slice):
        if isinstance(key.start, str) or isinstance(key.stop, str):
            if columns is None:
                raise ValueError(
                    "Selecting columns by name (a slice of strings) needs a DataFrame input."
                )
            start, stop = columns.slice_locs(key.start, key.stop)
            return list(range(start, stop, key.step or 1))
        return list(range(n))[key]
    if _is_scalar_key(key):
        key = [key]
    keys = list(np.asarray(key, dtype=object).ravel()) if not isinstance(key, list) else key
    if len(keys) == 0:
        return []
    if all(isinstance(k, (bool, np.bool_)) for k in keys):
        if len(keys) != n:
            raise ValueError(
                f"A boolean column mask must have one entry per column: got {len(keys)} "
                f"for X with {n} feature(s)."
            )
        return [i for i, k in enumerate(keys) if k]
    if all(isinstance(k, numbers.Integral) for k in keys):
        out = []
        for k in keys:
            k = int(k)
            if not -n <= k < n:
                raise ValueError(
                    f"Column index {k} is out of range: X has {n} feature(s) "
                    f"(shape {getattr(X, 'shape', None)})."
                )
            out.append(k % n)
        return out
    if all(isinstance(k, str) for k in keys):
        if columns is None:
            raise ValueError(
                "Specifying the columns using strings is only supported for DataFrames "
                f"(got {type(X).__name__}). Use column positions for arrays."
            )
        missing = [k for k in keys if k not in columns]
        if missing:
            raise ValueError(f"A given column is not a column of the dataframe: {missing}")
        return [int(columns.get_loc(k)) for k in keys]
    raise ValueError(
        "No valid specification of the columns. Only a scalar, list or slice of all "
        "integers or all strings, a boolean mask, or a callable returning one of those is "
        f"allowed; got {key!r}."
    )


def select_columns(X, positions, scalar):
    """The columns at ``positions`` (1-D when the selection was a scalar key)."""
    if is_frame(X):
        out = X.iloc[:, positions[0]] if scalar else X.iloc[:, list(positions)]
        return out
    if scalar:
        return X[:, positions[0]]
    return X[:, list(positions)]


def validate_transformers(transformers):
    """Check the ``(name, transformer, columns)`` tuples of ``transformers``: transformers
    with ``fit``/``transform`` or "drop"/"passthrough", unique names without ``__``."""
    if not transformers:
        return
    names = []
    for item in transformers:
        if not isinstance(item, tuple) or len(item) != 3:
            raise ValueError(
                "transformers must be a list of (name, transformer, columns) tuples; got "
                f"{item!r}."
            )
        name, trans, _ = item
        names.append(name)
        if isinstance(trans, str):
            if trans not in ("drop", "passthrough"):
                raise ValueError(
                    f"Transformer {name!r}: a string transformer must be 'drop' or "
                    f"'passthrough', got {trans!r}."
                )
            continue
        if not (hasattr(trans, "fit") or hasattr(trans, "fit_transform")) or not hasattr(
            trans, "transform"
        ):
            raise TypeError(
                "All estimators should implement fit and transform, or can be 'drop' or "
                f"'passthrough' specifiers. '{trans}' (type {type(trans)}) doesn't."
            )
    dupes = [n for n, c in Counter(names).items() if c > 1]
    if dupes:
        raise ValueError(f"Names provided are not unique: {dupes}")
    bad = [n for n in names if "__" in n or n == "remainder"]
    if bad:
        raise ValueError(
            f"Transformer names must not contain '__' nor be 'remainder': {bad}"
        )


def column_specs(X, transformers, remainder):
    """``(name, transformer, columns_key, positions, scalar)`` for every transformer of
    ``transformers``, and a ``"remainder"`` entry for the columns none of them selects."""
    specs = []
    taken = set()
    for name, trans, key in transformers:
        positions = _column_positions(X, key)
        scalar = _is_scalar_key(key)
        specs.append((name, trans, key, positions, scalar))
        taken.update(positions)
    rest = [i for i in range(_n_columns(X)) if i not in taken]
    columns = _columns_of(X)
    rest_key = [columns[i] for i in rest] if columns is not None else rest
    if rest:
        specs.append(("remainder", remainder, rest_key, rest, False))
    return specs
