"""Inputs of the metrics tests: one NumPy array as every kind of input the metrics take."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd

KINDS = ["dask", "unknown", "frame"]


def as_kind(a, kind, chunks=70):
    """``a`` as a dask array (known or unknown chunk sizes) or a dask Series/DataFrame."""
    if kind == "numpy":
        return a
    if kind == "dask":
        return da.from_array(a, chunks=(chunks,) + a.shape[1:])
    if kind == "unknown":
        d = da.from_array(a, chunks=(chunks,) + a.shape[1:])
        unknown = ((np.nan,) * d.numblocks[0],) + d.chunks[1:]
        return da.Array(d.dask, d.name, unknown, meta=d._meta)
    npart = int(np.ceil(len(a) / chunks))
    if a.ndim == 1:
        return dd.from_pandas(pd.Series(a), npartitions=npart, sort=False)
    return dd.from_pandas(pd.DataFrame(a), npartitions=npart, sort=False)


def raise_if_computed(block):
    raise AssertionError("a block was computed")
