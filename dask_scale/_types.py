"""What kind of input a value is: the one place every layer asks (no other imports)."""

from __future__ import annotations

import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import pandas as pd

__all__ = [
    "is_dask_array",
    "is_dask_bag",
    "is_dask_collection",
    "is_dask_frame",
    "is_frame",
    "is_lazy",
    "is_sparse_backed",
]


def is_dask_array(x):
    """A dask array."""
    return isinstance(x, da.Array)


def is_dask_bag(x):
    """A dask Bag (its partitions are lists of Python objects, e.g. text documents)."""
    return isinstance(x, db.Bag)


def is_dask_frame(x):
    """A dask DataFrame or Series."""
    return isinstance(x, (dd.DataFrame, dd.Series))


def is_dask_collection(x):
    """A dask array, DataFrame or Series."""
    return is_dask_array(x) or is_dask_frame(x)


def is_lazy(x):
    """Lazy input whose row blocks the library reads: a dask array, DataFrame, Series or Bag.

    :func:`is_dask_collection` without Bags is for the inputs of numeric estimators (a Bag of
    documents is only read by the text vectorizers and the row-block plumbing).
    """
    return is_dask_collection(x) or is_dask_bag(x)


def is_frame(x):
    """A pandas or dask DataFrame (not a Series)."""
    return isinstance(x, (pd.DataFrame, dd.DataFrame))


def is_sparse_backed(x):
    """A dask array of sparse blocks (scipy.sparse matrices or arrays, pydata ``sparse``)."""
    meta = getattr(x, "_meta", None) if is_dask_array(x) else None
    return meta is not None and type(meta).__module__.split(".")[0] in ("scipy", "sparse")
