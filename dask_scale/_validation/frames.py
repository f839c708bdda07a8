"""Dask DataFrame/Series -> dask array, lazily: one row block per partition.

Numeric columns convert as scikit-learn converts them (nullable and mixed bool/float
columns to a float dtype); non-numeric ones get an error that says how to encode them. The
X, y and weights of one fit are converted from one graph (:func:`frames_to_dask_arrays`).
This is the only module of dask_scale that calls ``to_dask_array``.
"""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

from .._graph.compute import keep_partitions

__all__ = [
    "as_dask_array",
    "frame_to_dask_array",
    "frames_to_dask_arrays",
    "non_numeric_message",
]


def _non_numeric_columns(frame):
    frames = (dd.DataFrame, pd.DataFrame)
    dtypes = frame.dtypes if isinstance(frame, frames) else pd.Series([frame.dtype])
    names = frame.columns if isinstance(frame, frames) else [frame.name]
    bad = []
    for name, dt in zip(names, dtypes, strict=False):
        if not (pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)):
            bad.append(name)
    return bad


def as_dask_array(frame, *, input_name="X", numeric=True):
    """Lazily convert a dask DataFrame/Series to a dask array (row chunks may be unknown).

    Non-numeric columns raise a clear error when ``numeric`` is true.
    """
    if numeric:
        message = non_numeric_message(frame, input_name)
        if message:
            raise ValueError(message)
    return frame_to_dask_array(frame)


def non_numeric_message(frame, input_name="X"):
    """The error for the non-numeric columns of a (dask or pandas) frame, or None."""
    bad = _non_numeric_columns(frame)
    if not bad:
        return None
    frames = (dd.DataFrame, pd.DataFrame)
    if isinstance(frame, frames):
        dtypes = [str(frame.dtypes[c]) for c in bad[:10]]
    else:
        dtypes = str(frame.dtype)
    return (
        f"{input_name} has non-numeric columns {bad[:10]!r} (dtypes {dtypes}). "
        "Encode them first, e.g. with dask_scale.preprocessing.Categorizer followed by "
        "DummyEncoder/OneHotEncoder, or select numeric columns with "
        "dask_scale.compose.ColumnTransformer."
    )


def frame_to_dask_array(frame):
    """A dask array with one row block per partition of the dask DataFrame/Series ``frame``.

    The conversion keeps the partitions as ``frame.npartitions`` lists them (see
    :func:`dask_scale._graph.compute.keep_partitions`), so that ``df[features]`` and
    ``df["y"]`` of one Parquet read get the same row blocks.
    """
    target = _numeric_frame_dtype(frame)
    if target is not None:
        frame = frame.astype(target)
    with keep_partitions():
        return frame.to_dask_array()


def _block_of(part, dtype):
    """One pandas partition (or its projection) as the NumPy block of its dask array."""
    return (part if dtype is None else part.astype(dtype)).to_numpy()


def _join_partitions(*parts):
    return tuple(parts)


def _split_partition(joined, spec):
    return tuple(_block_of(part, dtype) for part, dtype in zip(joined, spec, strict=True))


def _pick(split, spec, j):
    # ``spec`` is an argument only so that this task has two dependencies: dask's linear
    # fusion then never merges it with the split, so its key names one task for good
    return split[j]


def frames_to_dask_arrays(*frames):
    """Dask arrays of several dask frames of one fit (X, y, weights), from one graph.

    Converted one by one, ``df[features]`` and ``df["y"]`` each get the graph of ``df``:
    every partition of the source is read (and every step upstream of the selection run)
    once for X and again for y, in every pass. Here each partition of the frames is
    computed once, in one task, and split into the NumPy blocks of every array (numeric
    columns converted as :func:`frame_to_dask_array` does). Frames with different numbers
    of partitions, or a single frame, are converted one by one. ``None`` entries stay None.
    """
    present = [f for f in frames if f is not None]
    if len(present) < 2 or len({f.npartitions for f in present}) != 1:
        return [None if f is None else frame_to_dask_array(f) for f in frames]
    spec = tuple(_numeric_frame_dtype(f) for f in present)
    metas = [_block_of(f._meta, dt) for f, dt in zip(present, spec, strict=True)]
    with keep_partitions():
        joined = dd.map_partitions(
            _join_partitions,
            *present,
            align_dataframes=False,
            enforce_metadata=False,
            transform_divisions=False,
            meta=present[0]._meta,
        )
        parts = joined.to_delayed()
    token = tokenize(*[p.key for p in parts], spec)
    split, spec_key = f"frame-split-{token}", f"frame-split-spec-{token}"
    dsk = {spec_key: spec}
    for i, part in enumerate(parts):
        dsk[(split, i)] = (_split_partition, part.key, spec_key)
    n = len(parts)
    arrays = iter(range(len(present)))
    out = []
    for f in frames:
        if f is None:
            out.append(None)
            continue
        j = next(arrays)
        meta = metas[j]
        name = f"frame-array-{j}-{token}"
        layer = {}
        for i in range(n):
            key = (name, i) if meta.ndim == 1 else (name, i, 0)
            layer[key] = (_pick, (split, i), spec_key, j)
        graph = HighLevelGraph.from_collections(name, {**layer, **dsk}, dependencies=parts)
        chunks = ((np.nan,) * n,) + tuple((s,) for s in meta.shape[1:])
        out.append(da.Array(graph, name, chunks, meta=meta))
    return out


def _numeric_frame_dtype(frame):
    """The NumPy dtype scikit-learn gives a numeric frame whose pandas dtype would be object.

    pandas turns a frame of float and ``bool`` columns, or one with nullable ``Int64`` /
    ``Float64`` / ``boolean`` columns, into an object array; scikit-learn converts it column
    by column instead (nullable columns to float, ``pd.NA`` to NaN). Returns that dtype, or
    None where the frame converts as it is (or has non-numeric columns, refused elsewhere).
    """
    dtypes = list(frame.dtypes) if isinstance(frame, dd.DataFrame) else [frame.dtype]
    converted = []
    needs = False
    for dt in dtypes:
        if pd.api.types.is_extension_array_dtype(dt):
            numpy_dtype = getattr(dt, "numpy_dtype", None)
            if numpy_dtype is None or not (
                pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)
            ):
                return None
            # a nullable column may hold pd.NA, which only a float can carry (as NaN)
            converted.append(numpy_dtype if numpy_dtype.kind == "f" else np.dtype(np.float64))
            needs = True
        elif isinstance(dt, np.dtype) and dt.kind in "biuf":
            converted.append(dt)
            needs = needs or dt.kind == "b"
        else:
            return None
    if not needs:
        return None
    target = np.result_type(*converted)
    return None if target.kind == "b" else target
