"""What every metric does with dask input: the inputs aligned block for block, one reduction.

:func:`dask_inputs` turns ``y_true``, ``y_pred`` (and ``sample_weight``) into dask arrays
with the same row blocks, from metadata only (dask DataFrames/Series through
:mod:`dask_scale._validation.frames`, in-memory arrays split like the dask one), or returns
None when none of them is a dask collection (the metric then is scikit-learn's own).
:func:`run` submits one tree reduction over them (:func:`dask_scale._graph.reduce_blocks`),
or returns it lazily (:func:`dask_scale._graph.tree_reduce`, a ``Delayed``) for
``compute=False``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._graph import reduce_blocks, tree_reduce
from .._validation import (
    check_consistent_rows,
    frame_to_dask_array,
    frames_to_dask_arrays,
    is_dask_array,
    is_dask_collection,
    is_dask_frame,
)

__all__ = ["dask_inputs", "run"]


def _rows(a, name):
    """A dask array of rows, one column block (a 2-D array's columns merged)."""
    if a.ndim == 2 and len(a.chunks[1]) > 1:
        a = a.rechunk({1: -1})
    if a.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got {a.ndim} dimensions.")
    return a


def _frames_to_arrays(values):
    frames = [v if is_dask_frame(v) else None for v in values]
    with warnings.catch_warnings():
        # extension dtypes (pandas strings) become object arrays: what labels need
        warnings.filterwarnings("ignore", message="Dask currently has limited support")
        if sum(f is not None for f in frames) > 1:
            converted = frames_to_dask_arrays(*frames)
        else:
            converted = [None if f is None else frame_to_dask_array(f) for f in frames]
    return [c if c is not None else v for c, v in zip(converted, values, strict=True)]


def dask_inputs(*values, names=("y_true", "y_pred", "sample_weight")):
    """``values`` as aligned dask arrays (None entries kept), or None if none is dask.

    The first dask value gives the row blocks; the others are split like it (in-memory
    ones) or checked against it (dask ones, lengths from metadata, else block by block when
    they are read). Lengths that differ give scikit-learn's error.
    """
    if not any(is_dask_collection(v) for v in values):
        return None
    values = _frames_to_arrays(values)
    ref_index = next(i for i, v in enumerate(values) if is_dask_array(v))
    ref = _rows(values[ref_index], names[ref_index])
    out = []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        if i == ref_index:
            out.append(ref)
            continue
        if not is_dask_array(v):
            v = np.asarray(v)
        else:
            v = _rows(v, names[i])
        out.append(check_consistent_rows(ref, v, names=(names[ref_index], names[i])))
    return out


def run(chunk, arrays, params=(), *, combine=None, aggregate=None, compute=True,
        check_finite=None, name="metric"):
    """One tree reduction of ``chunk`` over the aligned dask ``arrays``.

    Returns the aggregate's value (``compute=True``) or a ``Delayed`` of it.
    """
    kwargs = {"aggregate": aggregate, "check_finite": check_finite or {}, "name": name}
    if combine is not None:
        kwargs["combine"] = combine
    if compute:
        return reduce_blocks(chunk, arrays, params, **kwargs)
    return tree_reduce(chunk, arrays, params, **kwargs)
