"""The row-block keys of the caller's collections, as the graphs built here reference them.

Reductions, per-block maps and folds are graphs of their own whose tasks take the blocks of
the caller's collections by key. They take the keys of the *optimised* graph of those
collections (optimised together, once, as one ``dask.compute`` call would), never those of
the raw graphs: dask's optimisation fuses tasks, which gives a raw key another task (a fused
blockwise chain, or an alias of a renamed fused key). A fit submitting a collection's raw keys
and a later ``X.compute()`` would then send the same key with two different tasks, which a
distributed scheduler still holding the first warns about ("Detected different `run_spec`",
a source of failures and deadlocks).
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter

import dask.array as da
from dask.base import collections_to_expr
from dask.core import flatten

from .._types import is_dask_array, is_dask_frame, is_lazy
from .compute import keep_partitions

__all__ = [
    "Opaque",
    "count_row_blocks",
    "content_token",
    "merge_inner_chunks",
    "optimized_row_blocks",
]


class Opaque:
    """A value passed to a task as it is (dask does not look inside it for keys: a list or
    tuple in a task would be read as keys and tasks)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (Opaque, (self.value,))


def content_token(*objects):
    """A graph-key token that depends on the *content* of ``objects`` (fitted estimators,
    arrays, dask collections), so one task spec always gets one key: two identical calls
    share their work and a changed estimator gets a new key. Objects are hashed by their
    pickled bytes (joblib's hash); one that cannot be pickled makes the token random, which
    is still unique."""
    import uuid

    import joblib
    from dask.base import tokenize

    parts = []
    for obj in objects:
        if is_dask_array(obj) or is_dask_frame(obj) or obj is None or isinstance(obj, str):
            parts.append(obj)
            continue
        try:
            parts.append(joblib.hash(obj))
        except Exception:  # unpicklable: unique, never shared
            parts.append(uuid.uuid4().hex)
    return tokenize(*parts)


def merge_inner_chunks(arr):
    """A dask array with one block along every axis but the first (a cheap rechunk)."""
    if arr.ndim > 1 and any(len(c) > 1 for c in arr.chunks[1:]):
        arr = arr.rechunk({ax: -1 for ax in range(1, arr.ndim)})
    return arr


def count_row_blocks(collections):
    """Number of row blocks shared by dask arrays / DataFrames / Series / Bags (``None``
    skipped): a DataFrame's (or a Bag's) partitions are its row blocks.

    Raises
    ------
    ValueError
        If the collections have different numbers of row blocks.
    TypeError
        If an entry is not a dask collection.
    """
    counts = []
    for c in collections:
        if c is None:
            continue
        if is_dask_array(c):
            counts.append(len(c.chunks[0]))
        elif is_lazy(c):  # a DataFrame, Series or Bag
            counts.append(c.npartitions)
        else:
            raise TypeError(
                "Row blocks are read from dask arrays, DataFrames, Series and Bags; got "
                f"{type(c).__name__}."
            )
    if not counts:
        raise ValueError("Row blocks are read from at least one dask collection; got none.")
    if len(set(counts)) != 1:
        raise ValueError(
            f"The inputs have different numbers of row blocks ({counts}); they must be "
            "partitioned alike (e.g. X and y selected from the same DataFrame, or y rechunked "
            "to X's row chunks)."
        )
    return counts[0]


def _ordered_block_keys(keys, n_blocks):
    """The output keys of one collection, in row-block order (checked, not assumed)."""
    if len(keys) != n_blocks or not all(isinstance(k, tuple) and len(k) >= 2 for k in keys):
        raise RuntimeError(
            f"internal: expected {n_blocks} block keys, got {keys[:3]}... from dask's graph"
        )
    keys = sorted(keys, key=lambda k: k[1:])
    if len({k[0] for k in keys}) != 1 or [k[1] for k in keys] != list(range(n_blocks)):
        raise RuntimeError(f"internal: unexpected block keys from dask's graph: {keys[:3]}...")
    return keys


def optimized_row_blocks(collections, n_blocks):
    """The optimised graph of ``collections`` and the keys of their row blocks.

    Parameters
    ----------
    collections : sequence of dask arrays, DataFrames, Series or None (any dask collection
        that is not an array counts as a DataFrame)
        Aligned inputs with ``n_blocks`` row blocks each; arrays must have a single block
        along every other axis.
    n_blocks : int
        Their number of row blocks.

    Returns
    -------
    graph : dict
        Key -> task of the optimised graph. DataFrames are optimised together, and arrays
        together, as one ``dask.compute`` call would, so work they share (a partition both
        X and y are selected from) stays one task. (The two kinds are optimised apart: dask
        cannot share work between them anyway, and optimising a mix returns the
        DataFrame's keys in no particular order.) Blocks persisted on a distributed cluster
        are in it as the futures of the collection's own graph.
    keys : list
        Per collection, the keys of its row blocks in order (None for a None entry).
    """
    graph = {}
    found = {}
    present = [c for c in collections if c is not None]
    for group, context in (
        # frames keep their partitions (a projection's would be fused otherwise); the
        # setting would also stop arrays' blockwise fusion, so arrays are optimised apart
        ([c for c in present if not isinstance(c, da.Array)], keep_partitions),
        ([c for c in present if isinstance(c, da.Array)], contextlib.nullcontext),
    ):
        if not group:
            continue
        with context():
            expr = collections_to_expr(group, optimize_graph=True).optimize()
        graph.update(expr.__dask_graph__())
        for c, keys in zip(group, expr.__dask_keys__(), strict=True):
            found[id(c)] = _ordered_block_keys(list(flatten(keys)), n_blocks)
    # Optimisation drops the keys of persisted blocks (held by futures): put the futures back,
    # so the graph references them (and keeps them alive while it runs).
    for c in present:
        missing = [k for k in found[id(c)] if k not in graph]
        if missing:
            raw = c.__dask_graph__()
            graph.update({k: raw[k] for k in missing if k in raw})
    keys = [None if c is None else found[id(c)] for c in collections]
    return graph, keys


def is_future(value):
    """Whether ``value`` is a distributed Future (a persisted block in a graph)."""
    try:
        from distributed import Future
    except ImportError:  # pragma: no cover - distributed is a dependency
        return False
    return isinstance(value, Future)


def block_nbytes(array, i):
    """Bytes of row block ``i`` of a dask array or frame (1 where its size is unknown)."""
    chunks = getattr(array, "chunks", None)
    if chunks is None:
        return 1
    size = chunks[0][i] * math.prod(c[0] for c in chunks[1:])
    return int(size * array.dtype.itemsize) + 1 if math.isfinite(size) else 1


def persisted_homes(client, graph, block_keys, arrays):
    """Per row block, the worker holding most bytes of its persisted inputs (or None).

    ``block_keys`` lists, per block, the keys of ``arrays``' blocks in ``graph`` (as
    :func:`optimized_row_blocks` gives them, transposed); persisted ones are futures there.
    By bytes, not by number of blocks: X's block and y's are often on different workers,
    and the work on the block must run where X's is.
    """
    held = [[] for _ in block_keys]  # per block: (future, its block's bytes)
    for i, keys in enumerate(block_keys):
        for array, key in zip(arrays, keys, strict=True):
            if key is not None and is_future(graph.get(key)):
                held[i].append((graph[key], block_nbytes(array, i)))
    wanted = [f for pairs in held for f, _ in pairs]
    if not wanted:
        return [None] * len(block_keys)
    who = client.who_has(wanted)
    homes = []
    for pairs in held:
        on = Counter()
        for future, nbytes in pairs:
            for w in who.get(future.key, ()):
                on[w] += nbytes
        homes.append(min(on, key=lambda w: (-on[w], w)) if on else None)
    return homes
