"""Lazy per-feature affine transforms that a later fit may fold into its own passes.

A scaler's ``transform`` of a dask collection returns a lazy collection whose every block is
``(source_block - offset) * factor``. An estimator fitted on that output next (the usual
``make_pipeline(StandardScaler(), KMeans())``) would compute the transform again in every
pass, a pass of its own over the block's memory that costs about as much as a Lloyd or a
gradient pass. Estimators whose passes can take the map into account exactly (KMeans applies
it to each tile of rows as its kernel loads them; the linear models reparametrise their
coefficients) instead read the source and apply the map themselves: a single function,
:func:`affine_source`, tells them what a collection is.

The registry holds one entry per transformed collection *object* (not per graph name: a
persisted copy of the output has the same name but its blocks in memory, where reading them
is cheaper than folding). An entry lives as long as its output object (a weak reference
removes it when that is collected) and at most :data:`MAX_ENTRIES` entries are kept, so
nothing leaks. Only the client process uses it; the graphs themselves are unchanged.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

__all__ = ["AffineSource", "affine_source", "link_affine", "register_affine"]

#: At most this many transformed collections are remembered (oldest forgotten first).
MAX_ENTRIES = 64

# reentrant: a weak reference's callback may run (garbage collection) while the lock is held
_LOCK = threading.RLock()
_ENTRIES: OrderedDict = OrderedDict()  # id(output) -> (weakref(output), AffineSource)


@dataclass(frozen=True)
class AffineSource:
    """A collection that is ``(source - offset) * factor``, feature by feature.

    Attributes
    ----------
    source : dask array of shape (n_samples, n_features)
        Validated input of the transform (one column block, the output's row blocks).
    offset, factor : ndarray of shape (n_features,)
        Finite, in the dtype the transform computes in (the source's).
    """

    source: object
    offset: np.ndarray
    factor: np.ndarray


def _forget(key, ref):
    with _LOCK:
        entry = _ENTRIES.get(key)
        if entry is not None and entry[0] is ref:
            del _ENTRIES[key]


def _remember(output, entry):
    key = id(output)
    ref = weakref.ref(output, lambda r, key=key: _forget(key, r))
    with _LOCK:
        _ENTRIES[key] = (ref, entry)
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MAX_ENTRIES:
            _ENTRIES.popitem(last=False)


def register_affine(output, source, offset, factor):
    """Record that the lazy collection ``output`` is ``(source - offset) * factor``.

    ``offset`` and ``factor`` (per feature; None for 0 and 1) must be what the transform
    computes with. Maps with a non-finite parameter are not recorded: folding them would not
    give the transform's NaN where the parameter is NaN. Returns ``output``.
    """
    n_features = source.shape[1]
    dtype = source.dtype
    # copies: the registry's arrays are made read-only, the caller's stay as they are
    offset = np.zeros(n_features, dtype) if offset is None else np.array(offset, dtype)
    factor = np.ones(n_features, dtype) if factor is None else np.array(factor, dtype)
    if offset.shape != (n_features,) or factor.shape != (n_features,):
        raise ValueError(
            f"internal: affine map of shapes {offset.shape}, {factor.shape} for "
            f"{n_features} features"
        )
    if not (np.isfinite(offset).all() and np.isfinite(factor).all()):
        return output
    offset.setflags(write=False)
    factor.setflags(write=False)
    _remember(output, AffineSource(source, offset, factor))
    return output


def _lookup(X):
    with _LOCK:
        entry = _ENTRIES.get(id(X))
    if entry is None or entry[0]() is not X:
        return None
    return entry[1]


def link_affine(converted, original):
    """Let ``converted`` (e.g. the array of a transformed DataFrame) share ``original``'s entry.

    Only for conversions that keep the values and the row blocks as they are.
    """
    entry = _lookup(original)
    if entry is not None:
        _remember(converted, entry)
    return converted


def has_affine_record(obj):
    """Whether ``obj`` (an array or frame) is a recorded scaler output (see :func:`link_affine`)."""
    return _lookup(obj) is not None


def _same_rows(a, b):
    if len(a) != len(b):
        return False
    return all((np.isnan(x) and np.isnan(y)) or x == y for x, y in zip(a, b, strict=True))


def affine_source(X):
    """``AffineSource`` of the validated dask array ``X`` when it is a recorded transform.

    None when ``X`` is not one (a NumPy array, a persisted array, any other collection), or
    when its source no longer matches it (shape, row blocks, dtype).
    """
    entry = _lookup(X)
    if entry is None:
        return None
    source = entry.source
    if (
        getattr(X, "ndim", 0) != 2
        or source.ndim != 2
        or source.shape[1] != X.shape[1]
        or len(source.chunks[1]) != 1
        or source.dtype != X.dtype
        or not _same_rows(source.chunks[0], X.chunks[0])
    ):
        return None
    return entry
