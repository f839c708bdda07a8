"""What kind of input a value is: the one place every layer asks (no other imports)."""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import pandas as pd

__all__ = ["is_dask_array", "is_dask_collection", "is_dask_frame", "is_frame"]


def is_dask_array(x):
    """A dask array."""
    return isinstance(x, da.Array)


def is_dask_frame(x):
    """A dask DataFrame or Series."""
    return isinstance(x, (dd.DataFrame, dd.Series))


def is_dask_collection(x):
    """A dask array, DataFrame or Series."""
    return is_dask_array(x) or is_dask_frame(x)


def is_frame(x):
    """A pandas or dask DataFrame (not a Series)."""
    return isinstance(x, (pd.DataFrame, dd.DataFrame))
