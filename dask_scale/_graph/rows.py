"""Rows of a collection taken by position, block by block, lazily (train/test folds).

A :class:`RowPlan` says which rows of a collection with given row-block lengths make up the
output, as a list of output blocks ("pieces"). Each piece takes rows from one or more input
blocks through a small *selector*:

- ``slice(start, stop)``: the block's rows ``start:stop``;
- an integer ndarray: the block's rows at those local positions, in that order;
- :class:`RowRuns`: the rows of a few ascending runs ``start:stop`` (a cross-validation
  fold's rows of a block: the graph holds two integers a run, not one a row);
- :class:`BlockPermutation`: ``RandomState(seed).permutation(n_rows)[start:stop]`` of the
  block, drawn inside the block's task (no index array in the graph or on the driver).

A piece that reads one input block is one task on that block. Pieces that read several
(rows in an order that crosses blocks, e.g. a global shuffle) are a task-based shuffle: each
input block is indexed once, by a task that splits the rows it gives into one part per
piece, and each piece is a task joining its parts in the requested order. No task holds more
than one input block's rows or one output piece; while such a shuffle runs, the selected
rows are all in (worker) memory at once. :func:`take_rows` builds the plan
for global row positions; :func:`apply_plan` realises a plan on any input kind (NumPy and
pandas are indexed in memory). :meth:`RowTaker.task` realises one as a single task whose
result is the rows in memory (:func:`plan_rows_in_memory`), reading only the blocks that
hold them: a search's fold, a graph fragment its fits and scores take by key or nest. :func:`row_block_lengths` gives the row-block lengths a plan
is made against, computing unknown ones (one pass over the inputs whose sizes are unknown,
computed together, and remembered per collection).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.base import tokenize
from dask.delayed import Delayed

from .._types import is_dask_array, is_dask_collection, is_dask_frame
from .blocks import _cull
from .compute import compute
from .keys import Opaque, count_row_blocks, merge_inner_chunks, optimized_row_blocks

__all__ = [
    "BlockPermutation",
    "RowPlan",
    "RowRuns",
    "RowTaker",
    "apply_plan",
    "in_memory_rows",
    "lengths_and_values",
    "optimized_blocks",
    "plan_from_indices",
    "plan_rows_in_memory",
    "plan_from_range",
    "row_block_lengths",
    "select_block_rows",
    "take_rows",
]


@dataclass(frozen=True)
class BlockPermutation:
    """Rows ``RandomState(seed).permutation(n_rows)[start:stop]`` of one block."""

    seed: int
    n_rows: int
    start: int
    stop: int

    def positions(self):
        perm = np.random.RandomState(self.seed).permutation(self.n_rows)
        return perm[self.start : self.stop]

    def __len__(self):
        return self.stop - self.start


@dataclass(frozen=True)
class RowRuns:
    """Rows ``starts[k]:stops[k]`` of one block, run after run."""

    starts: tuple
    stops: tuple

    def positions(self):
        runs = [
            np.arange(a, b, dtype=np.intp) for a, b in zip(self.starts, self.stops, strict=True)
        ]
        return np.concatenate(runs) if runs else np.empty(0, dtype=np.intp)

    def __len__(self):
        return int(sum(b - a for a, b in zip(self.starts, self.stops, strict=True)))


def _selector_positions(sel):
    if isinstance(sel, slice):
        return np.arange(sel.start, sel.stop, dtype=np.intp)
    if isinstance(sel, (BlockPermutation, RowRuns)):
        return sel.positions()
    return np.asarray(sel, dtype=np.intp)


def _selector_len(sel):
    if isinstance(sel, slice):
        return sel.stop - sel.start
    return len(sel)


def select_block_rows(block, sel):
    """The rows of one block (NumPy, pandas or scipy.sparse) that ``sel`` selects."""
    _check_block(block, sel)
    if isinstance(sel, slice):
        out = block.iloc[sel] if hasattr(block, "iloc") else block[sel]
        # a slice is a view: copy it, so the piece does not keep the whole block alive
        return out.copy()
    return _take_positions(block, _selector_positions(sel))


def _take_positions(block, positions):
    return _take_in_memory(block, positions)


def _check_block(block, sel):
    """Raise if ``block`` is too short for ``sel`` (a source that changed since its lengths
    were computed)."""
    n_rows = in_memory_rows(block)
    exact = isinstance(sel, BlockPermutation)  # a permutation of the whole block
    if n_rows < _selector_max(sel) or (exact and n_rows != sel.n_rows):
        raise ValueError(
            f"A row block has {n_rows} rows, {'not' if exact else 'fewer than'} the "
            f"{_selector_max(sel)} the split expected: the collection changed since its "
            "row-block lengths were computed (e.g. a non-deterministic source). Persist it "
            "before splitting."
        )


def _selector_max(sel):
    if isinstance(sel, slice):
        return sel.stop
    if isinstance(sel, BlockPermutation):
        return sel.n_rows
    if isinstance(sel, RowRuns):
        return max(sel.stops, default=0)
    return int(sel.max()) + 1 if len(sel) else 0


def _split_block_rows(block, selectors):
    """The rows of one block for each selector, with one index operation on the block."""
    for sel in selectors:
        _check_block(block, sel)
    positions = [_selector_positions(sel) for sel in selectors]
    rows = _take_positions(block, np.concatenate(positions))
    stops = np.cumsum([len(p) for p in positions])
    starts = stops - np.array([len(p) for p in positions])
    if hasattr(rows, "iloc"):
        return [rows.iloc[a:b] for a, b in zip(starts, stops, strict=True)]
    return [rows[a:b] for a, b in zip(starts, stops, strict=True)]


def _part(parts, i):
    return parts[i]


def _concat_rows(parts):
    first = parts[0]
    if isinstance(first, (pd.DataFrame, pd.Series)):
        return pd.concat(parts)
    if hasattr(first, "tocsr") and hasattr(first, "nnz"):  # scipy.sparse
        import scipy.sparse as sp

        return sp.vstack(parts, format=first.format)
    return np.concatenate(parts, axis=0)


def _join_rows(order, *parts):
    joined = parts[0] if len(parts) == 1 else _concat_rows(list(parts))
    if order is None:
        return joined
    return joined.iloc[order] if hasattr(joined, "iloc") else joined[order]


@dataclass(frozen=True, eq=False)
class RowPlan:
    """Which rows of a collection with row-block ``lengths`` make up each output block.

    ``pieces`` is a tuple of ``(sources, order)``: ``sources`` a tuple of ``(block_index,
    selector)``; ``order`` None (the sources' rows, concatenated) or the permutation of
    the concatenated rows that gives the piece's order.
    """

    lengths: tuple
    pieces: tuple

    @property
    def piece_rows(self):
        return [sum(_selector_len(s) for _, s in sources) for sources, _ in self.pieces]

    @property
    def n_rows(self):
        return int(sum(self.piece_rows))

    def global_indices(self):
        """The selected rows as positions in the whole collection, in output order."""
        offsets = np.concatenate([[0], np.cumsum(self.lengths, dtype=np.int64)])
        out = []
        for sources, order in self.pieces:
            parts = [offsets[b] + _selector_positions(sel) for b, sel in sources]
            joined = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
            out.append(joined if order is None else joined[order])
        if not out:
            return np.empty(0, dtype=np.intp)
        return np.concatenate(out).astype(np.intp, copy=False)

    @functools.cached_property
    def _token(self):
        return (
            "RowPlan",
            self.lengths,
            tuple(
                (tuple((b, _token_of(s)) for b, s in sources), _token_of(order))
                for sources, order in self.pieces
            ),
        )

    def __dask_tokenize__(self):
        return self._token


def _array_token(arr):
    arr = np.ascontiguousarray(arr)
    return (arr.dtype.str, arr.shape, hashlib.blake2b(arr.tobytes(), digest_size=16).hexdigest())


def _token_of(sel):
    if sel is None:
        return None
    if isinstance(sel, slice):
        return ("slice", sel.start, sel.stop)
    if isinstance(sel, BlockPermutation):
        return ("perm", sel.seed, sel.n_rows, sel.start, sel.stop)
    if isinstance(sel, RowRuns):
        return ("runs", sel.starts, sel.stops)
    return ("positions", _array_token(sel))


def _as_lengths(lengths):
    lengths = tuple(int(n) for n in np.asarray(lengths, dtype=np.int64).reshape(-1))
    if any(n < 0 for n in lengths):
        raise ValueError(f"Row-block lengths must be non-negative, got {lengths[:10]}.")
    return lengths


#: positions of a block are kept as runs when there are at most this share as many runs
_RUNS_SHARE = 1 / 8


def _compact(local):
    """A slice for ascending consecutive positions, :class:`RowRuns` for a few ascending
    runs, else the positions themselves."""
    if not len(local):
        return local
    steps = np.diff(local)
    if np.all(steps == 1):
        return slice(int(local[0]), int(local[-1]) + 1)
    breaks = np.flatnonzero(steps != 1)
    if np.all(steps > 0) and len(breaks) + 1 <= max(1, len(local) * _RUNS_SHARE):
        starts = np.concatenate([[0], breaks + 1])
        stops = np.concatenate([breaks + 1, [len(local)]])
        return RowRuns(
            tuple(int(local[i]) for i in starts), tuple(int(local[i - 1]) + 1 for i in stops)
        )
    return local


def plan_from_range(start, stop, lengths):
    """The rows ``start:stop`` of a collection with row-block ``lengths``, in order."""
    lengths = _as_lengths(lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    start, stop = int(start), int(stop)
    if not 0 <= start <= stop <= offsets[-1]:
        raise ValueError(f"Rows {start}:{stop} out of range for {offsets[-1]} rows.")
    pieces = []
    for b, n_b in enumerate(lengths):
        lo = max(start - offsets[b], 0)
        hi = min(stop - offsets[b], n_b)
        if hi > lo:
            pieces.append((((b, slice(int(lo), int(hi))),), None))
    return RowPlan(lengths, tuple(pieces))


def plan_from_indices(indices, lengths):
    """The rows at global positions ``indices`` (in that order) of a collection with
    row-block ``lengths``.

    Where the positions run block by block (each block's rows together, blocks in
    increasing order, e.g. sorted positions, or a per-block shuffle), each output block is
    the selected rows of one input block. Otherwise the rows cross blocks (a global
    shuffle): the output has as many blocks as the input, of near-equal sizes, each joined
    from the input blocks it needs.
    """
    lengths = _as_lengths(lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    n = int(offsets[-1])
    idx = np.asarray(indices)
    if idx.dtype == bool:
        if idx.shape != (n,):
            raise ValueError(f"A boolean row mask must have {n} entries, got shape {idx.shape}.")
        idx = np.flatnonzero(idx)
    if idx.ndim != 1 or (idx.size and idx.dtype.kind not in "iu"):
        raise ValueError(
            f"Row indices must be a 1-D array of integer positions, got {idx.dtype} with "
            f"shape {idx.shape}."
        )
    idx = idx.astype(np.int64, copy=False)
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx[(idx < -n) | (idx >= n)][:5]
        raise IndexError(f"Row indices {bad.tolist()} out of range for {n} rows.")
    idx = np.where(idx < 0, idx + n, idx)
    blocks = np.searchsorted(offsets[1:], idx, side="right")
    if idx.size == 0 or np.all(np.diff(blocks) >= 0):
        pieces = []
        bounds = np.flatnonzero(np.diff(blocks)) + 1
        for run in np.split(np.arange(idx.size), bounds):
            if run.size:
                b = int(blocks[run[0]])
                pieces.append((((b, _compact(idx[run] - offsets[b])),), None))
        return RowPlan(lengths, tuple(pieces))
    pieces = []
    for part in np.array_split(np.arange(idx.size), max(len(lengths), 1)):
        if not part.size:
            continue
        pb = blocks[part]
        by_block = np.argsort(pb, kind="stable")
        sorted_blocks = pb[by_block]
        sorted_idx = idx[part][by_block]
        sources = []
        bounds = np.flatnonzero(np.diff(sorted_blocks)) + 1
        for run in np.split(np.arange(part.size), bounds):
            b = int(sorted_blocks[run[0]])
            sources.append((b, _compact(sorted_idx[run] - offsets[b])))
        order = np.empty(part.size, dtype=np.intp)
        order[by_block] = np.arange(part.size)
        # rows already in block order need no reordering after the join
        if np.all(np.diff(order) == 1):
            order = None
        pieces.append((tuple(sources), order))
    return RowPlan(lengths, tuple(pieces))


# ------------------------------------------------------------------------------------------
# row-block lengths
# ------------------------------------------------------------------------------------------

_LENGTHS_LOCK = threading.Lock()
_LENGTHS_CACHE: OrderedDict = OrderedDict()  # collection token -> lengths
_LENGTHS_CACHE_SIZE = 128


def _collection_token(x):
    return (type(x).__name__, tokenize(x))


def _known_lengths(x):
    if is_dask_array(x):
        chunks = x.chunks[0]
        if not any(np.isnan(c) for c in chunks):
            return np.asarray(chunks, dtype=np.int64)
    return None


def optimized_blocks(collections):
    """Per dask collection, ``(graph, keys)``: the optimised graph and its row-block keys.

    Collections with the same number of row blocks are optimised together, once (as one
    ``dask.compute`` call would), so a block two of them share upstream (a partition that
    X and y are both selected from, a Parquet read) is one task that every graph built on
    these keys names alike: computing their outputs together reads it once.
    """
    prepared = [merge_inner_chunks(c) if is_dask_array(c) else c for c in collections]
    groups = {}
    for i, c in enumerate(prepared):
        groups.setdefault(count_row_blocks([c]), []).append(i)
    out = [None] * len(prepared)
    for n_blocks, members in groups.items():
        graph, keys = optimized_row_blocks([prepared[i] for i in members], n_blocks)
        for i, k in zip(members, keys, strict=True):
            out[i] = (graph, k)
    return out


def _remember(token, lengths):
    with _LENGTHS_LOCK:
        _LENGTHS_CACHE[token] = np.array(lengths, dtype=np.int64)
        while len(_LENGTHS_CACHE) > _LENGTHS_CACHE_SIZE:
            _LENGTHS_CACHE.popitem(last=False)


def _cached_lengths(x):
    if not is_dask_collection(x):
        return np.asarray([in_memory_rows(x)], dtype=np.int64)
    known = _known_lengths(x)
    if known is not None:
        return known
    with _LENGTHS_LOCK:
        cached = _LENGTHS_CACHE.get(_collection_token(x))
        if cached is not None:
            _LENGTHS_CACHE.move_to_end(_collection_token(x))
            return cached.copy()
    return None


def lengths_and_values(collections, values=()):
    """Row-block lengths of ``collections`` and the computed ``values``, in one submission.

    Parameters
    ----------
    collections : sequence
        Inputs whose row-block lengths are wanted (see :func:`row_block_lengths`).
    values : sequence, default=()
        Inputs wanted in memory (labels, groups): a dask collection is computed, its
        blocks concatenated (NumPy or pandas); other input is returned as it is.

    Returns
    -------
    lengths : list of int64 ndarray
        One per entry of ``collections``.
    computed : list
        One per entry of ``values``.

    All the dask inputs that need computing are optimised together and computed in one
    submission, so a partition that ``X`` (counted) and ``y`` (computed) both come from is
    read once. Lengths found are remembered per collection (those of ``values`` too).
    """
    collections, values = list(collections), list(values)
    lengths = [_cached_lengths(x) for x in collections]
    count = [i for i, n in enumerate(lengths) if n is None]
    fetch = [j for j, v in enumerate(values) if is_dask_collection(v)]
    computed = list(values)
    if not count and not fetch:
        return lengths, computed
    wanted = [collections[i] for i in count] + [values[j] for j in fetch]
    delayed = []
    for k, (graph, keys) in enumerate(optimized_blocks(wanted)):
        if k < len(count):
            name = f"row-block-lengths-{tokenize(keys)}"
            layer = {(name, i): (in_memory_rows, key) for i, key in enumerate(keys)}
            full = {**_cull(graph, keys), **layer}
            delayed.append([Delayed((name, i), full) for i in range(len(keys))])
        else:
            sub = _cull(graph, keys)
            delayed.append([Delayed(key, sub) for key in keys])
    flat = compute(*[d for group in delayed for d in group], optimize_graph=False)
    pos = 0
    results = []
    for group in delayed:
        results.append(flat[pos : pos + len(group)])
        pos += len(group)
    for i, got in zip(count, results[: len(count)], strict=True):
        lengths[i] = np.asarray(got, dtype=np.int64)
        _remember(_collection_token(collections[i]), lengths[i])
    for j, blocks in zip(fetch, results[len(count) :], strict=True):
        blocks = list(blocks)
        if _known_lengths(values[j]) is None:
            _remember(_collection_token(values[j]), [in_memory_rows(b) for b in blocks])
        computed[j] = _concat_rows(blocks)
    return lengths, computed


def row_block_lengths(*collections):
    """Row-block lengths of each input, as int64 arrays (one entry per input).

    Dask arrays with known chunks are read from their chunks; dask DataFrames, Series and
    arrays with unknown chunk sizes have their blocks' lengths computed, all in one graph
    submission (one pass over those inputs: a block both need, e.g. a partition X and y are
    selected from, is read once). The result is remembered per collection, so splitting the
    same collection again (its folds, its train and test sets) computes nothing. In-memory
    inputs count as one block.
    """
    return lengths_and_values(collections)[0]


def in_memory_rows(x):
    """The number of rows of an in-memory block or collection: its ``shape[0]`` (NumPy,
    pandas, scipy.sparse), else its length (a list, a Bag partition)."""
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape):
        return int(shape[0])
    if hasattr(x, "__len__"):
        return len(x)
    raise TypeError(f"Expected an array-like with rows, got {type(x).__name__}.")


# ------------------------------------------------------------------------------------------
# realising a plan
# ------------------------------------------------------------------------------------------


def _take_in_memory(x, idx):
    if hasattr(x, "iloc"):
        return x.iloc[idx]
    if isinstance(x, (list, tuple)):
        return [x[i] for i in idx]
    return x[idx]


def _graph_pieces(x, plan, prefix, blocks, trailing):
    """The tasks of ``plan`` on ``x``'s row blocks: ``(graph, output keys, name)``.

    The name is a token of the block keys the tasks read and of the plan, so one key always
    names one task (the same rows of the same upstream tasks).
    """
    n_blocks = count_row_blocks([x])
    if n_blocks != len(plan.lengths):
        raise ValueError(
            f"The row plan is for {len(plan.lengths)} row blocks; the input has {n_blocks}."
        )
    graph, keys = optimized_blocks([x])[0] if blocks is None else blocks
    name = f"{prefix}-{tokenize(keys, plan)}"
    layer = {}
    outputs = []
    crossing = {}  # input block -> [(part key, selector)] of pieces joined from several blocks
    for j, (sources, order) in enumerate(plan.pieces):
        out_key = (name, j) + (0,) * trailing
        if len(sources) == 1 and order is None:
            b, sel = sources[0]
            layer[out_key] = (select_block_rows, keys[b], sel)
        else:
            parts = []
            for k, (b, sel) in enumerate(sources):
                part_key = (f"{name}-part", j, k)
                crossing.setdefault(b, []).append((part_key, sel))
                parts.append(part_key)
            layer[out_key] = (_join_rows, order, *parts)
        outputs.append(out_key)
    # rows that cross blocks: each input block is indexed once, by one task that splits its
    # selected rows into the parts the output pieces take (one index operation per block,
    # not one per piece)
    for b, wanted in crossing.items():
        split_key = (f"{name}-split", b)
        layer[split_key] = (_split_block_rows, keys[b], tuple(sel for _, sel in wanted))
        for i, (part_key, _) in enumerate(wanted):
            layer[part_key] = (_part, split_key, i)
    used = sorted({keys[b] for sources, _ in plan.pieces for b, _ in sources}, key=str)
    return {**_cull(graph, used), **layer}, outputs, name


class _NamedLayer(Mapping):
    """A read-only graph whose dask token is its name (the name is a content token)."""

    def __init__(self, graph, name):
        self._graph = graph
        self._name = name

    def __getitem__(self, key):
        return self._graph[key]

    def __iter__(self):
        return iter(self._graph)

    def __len__(self):
        return len(self._graph)

    def __dask_tokenize__(self):
        return ("rows-layer", self._name)


def _empty_plan(lengths):
    return RowPlan(lengths, ((((0, slice(0, 0)),), None),))


def plan_rows_in_memory(pieces, *blocks):
    """The rows of a plan's ``pieces`` as one in-memory block, in the plan's order.

    The task body of :meth:`RowTaker.task`: ``pieces`` are :attr:`RowPlan.pieces` with
    each source's block index replaced by its position in ``blocks`` (the blocks the plan
    reads, nothing else).
    """
    out = [
        _join_rows(order, *[select_block_rows(blocks[k], sel) for k, sel in sources])
        for sources, order in pieces
    ]
    return out[0] if len(out) == 1 else _concat_rows(out)


def _unwrap(held):
    return held.value


def apply_plan(x, plan, *, name="take-rows", blocks=None):
    """The rows of ``x`` that ``plan`` selects, as the same kind of collection.

    Parameters
    ----------
    x : dask array, DataFrame or Series, or an in-memory array-like
        Its row-block lengths must be ``plan.lengths`` (in-memory input: one block, or any
        layout with the same total: it is indexed by the plan's global positions). A dask
        input partitioned differently is selected by the plan's global positions, planned
        anew for its own blocks.
    plan : RowPlan
    name : str, default="take-rows"
        Prefix of the output's graph keys (the rest is a token of the input and the plan).
    blocks : tuple or None, default=None
        ``(graph, keys)`` of ``x``'s row blocks from :func:`optimized_blocks` (to share
        the work upstream of several inputs split together); None optimises ``x`` alone.

    Returns
    -------
    Same kind as ``x``: a dask array with known chunks (one block per piece), a dask
    DataFrame/Series with the input's columns and index values (unknown divisions), or the
    in-memory rows.
    """
    total = sum(plan.lengths)
    if not is_dask_collection(x):
        n = in_memory_rows(x)
        if n != total:
            raise ValueError(f"The row plan is for {total} rows; the input has {n}.")
        return _take_in_memory(x, plan.global_indices())
    if is_dask_array(x):
        x = merge_inner_chunks(x)
    (lengths,) = row_block_lengths(x)
    if tuple(int(n) for n in lengths) != tuple(plan.lengths):
        if int(lengths.sum()) != total:
            raise ValueError(
                f"The row plan is for {total} rows; the input has {int(lengths.sum())}."
            )
        plan = plan_from_indices(plan.global_indices(), lengths)
    if not plan.pieces:
        plan = _empty_plan(plan.lengths)
    if is_dask_frame(x):
        graph, outputs, out_name = _graph_pieces(x, plan, name, blocks, 0)
        # the layer is tokenized by its name (a token of its content already): dask would
        # hash the whole graph, index arrays included, on every call
        layer = _NamedLayer(graph, out_name)
        return dd.from_graph(layer, x._meta, (None,) * (len(outputs) + 1), outputs, name)
    graph, _, out_name = _graph_pieces(x, plan, name, blocks, x.ndim - 1)
    chunks = (tuple(int(r) for r in plan.piece_rows),) + tuple((int(s),) for s in x.shape[1:])
    return da.Array(graph, out_name, chunks, meta=x._meta)


def take_rows(x, indices, *, lengths=None, name="take-rows", blocks=None):
    """The rows of ``x`` at positions ``indices``, in that order, lazily for dask input.

    ``take_rows(X, idx)`` equals ``X[idx]`` (NumPy), ``X.iloc[idx]`` (pandas: index values
    kept), computed; for a dask collection each output block is built from the row blocks
    that hold its rows, without gathering ``x``: sorted positions (a cross-validation fold)
    give one task per input block holding selected rows, reading only that block.

    Parameters
    ----------
    x : dask array, DataFrame or Series, NumPy array, pandas object, scipy.sparse matrix
    indices : 1-D array of int (positions; negative counts from the end) or of bool (a mask)
    lengths : sequence of int or None, default=None
        The row-block lengths of ``x``, if the caller has them (else
        :func:`row_block_lengths` gives them: read from known chunks, otherwise computed
        once per collection). Given for a collection of unknown sizes, they are taken as
        its lengths (and remembered) without computing anything.
    name : str, default="take-rows"
        Prefix of the output's graph keys.
    blocks : tuple or None, default=None
        ``(graph, keys)`` of ``x`` from :func:`optimized_blocks`, called once on all the
        collections a caller splits together (X and y of one fit): their outputs then share
        the tasks upstream, so computing them together reads each source partition once.

    Returns
    -------
    Same kind as ``x``.
    """
    if lengths is None:
        (lengths,) = row_block_lengths(x)
    elif is_dask_collection(x) and _cached_lengths(x) is None:
        # the caller's lengths of a collection of unknown sizes: remembered, not recomputed
        given = np.asarray(lengths, dtype=np.int64).reshape(-1)
        n_blocks = count_row_blocks([merge_inner_chunks(x) if is_dask_array(x) else x])
        if given.size != n_blocks:
            raise ValueError(
                f"lengths has {given.size} entries; the input has {n_blocks} row blocks."
            )
        _remember(_collection_token(x), given)
    return apply_plan(x, plan_from_indices(indices, lengths), name=name, blocks=blocks)


class RowTaker:
    """Rows of several aligned collections (X, y, weights of one fit) by position, for many
    index sets (the folds of a search), from one optimisation and one length count.

    ``RowTaker(X, y)(indices)`` is ``[take_rows(X, indices), take_rows(y, indices)]``, with
    the row-block lengths found once (:func:`row_block_lengths`) and the inputs optimised
    together once (:func:`optimized_blocks`): every fold's outputs name the same upstream
    tasks, so a partition X and y share is read once for all the outputs computed together.

    :meth:`task` gives the same rows as one in-memory block computed by one task (a fold of
    a search, taken by the task that fits or scores on it): the task reads the keys of
    :attr:`graph` that hold those rows, only those.

    Parameters
    ----------
    *collections : dask collections or in-memory array-likes (None entries stay None)
        The same number of rows each.
    hold : sequence of str or None, default=None
        Per collection, the prefix of the :attr:`graph` key that holds it when it is in
        memory (one key, one block); None: ``"rows-data"``.
    """

    def __init__(self, *collections, hold=None):
        self.collections = collections
        present = [c for c in collections if c is not None]
        lengths = iter(row_block_lengths(*present))
        self.lengths = [None if c is None else next(lengths) for c in collections]
        totals = [int(np.sum(n)) for n in self.lengths if n is not None]
        if len(set(totals)) > 1:
            raise ValueError(
                f"The collections have different numbers of rows {totals}: rows taken by "
                "position from each would not match."
            )
        lazy = [i for i, c in enumerate(collections) if is_dask_collection(c)]
        blocks = optimized_blocks([collections[i] for i in lazy]) if lazy else []
        self._blocks = dict(zip(lazy, blocks, strict=True))
        self._hold = tuple(hold) if hold is not None else ("rows-data",) * len(collections)
        if len(self._hold) != len(collections):
            raise ValueError(
                f"hold names {len(self._hold)} key prefixes for {len(collections)} collections."
            )

    def __call__(self, indices, *, name="take-rows"):
        """The rows at ``indices`` of every collection, in order, each of its input's kind."""
        return [
            None
            if c is None
            else take_rows(
                c, indices, lengths=self.lengths[i], blocks=self._blocks.get(i), name=name
            )
            for i, c in enumerate(self.collections)
        ]

    @functools.cached_property
    def _sources(self):
        """Per collection, ``(graph, block keys)``: a dask collection's optimised graph, or
        one key holding an in-memory collection (None for a None entry)."""
        out = []
        for i, c in enumerate(self.collections):
            if c is None:
                out.append(None)
            elif i in self._blocks:
                out.append(self._blocks[i])
            else:
                key = f"{self._hold[i]}-{tokenize(type(c).__name__, c)}"
                out.append(({key: (_unwrap, Opaque(c))}, [key]))
        return out

    @property
    def graph(self):
        """The tasks every :meth:`task` reads from: the optimised graph of the dask
        collections (shared upstream tasks once) and one key per in-memory collection."""
        graph = {}
        for source in self._sources:
            if source is not None:
                graph.update(source[0])
        return graph

    def task(self, i, indices):
        """``(task, token)``: a task computing the rows at ``indices`` of collection ``i``, in
        that order, as one in-memory block (NumPy, pandas, scipy.sparse or list), and a
        token naming those rows of that input for good; ``(None, None)`` for a None entry.

        The task reads only the keys of :attr:`graph` holding selected rows (a fold of a
        dask input: the blocks its rows are in). Key it (the rows are computed once for
        every task reading the key) or nest it in the tasks that use it (taken again by
        each, nothing held between tasks).
        """
        source = self._sources[i]
        if source is None:
            return None, None
        _, keys = source
        plan = plan_from_indices(indices, self.lengths[i])
        if not plan.pieces:
            plan = _empty_plan(plan.lengths)
        used = sorted({b for sources, _ in plan.pieces for b, _ in sources})
        at = {b: k for k, b in enumerate(used)}
        pieces = tuple(
            (tuple((at[b], sel) for b, sel in sources), order) for sources, order in plan.pieces
        )
        read = [keys[b] for b in used]
        return (plan_rows_in_memory, pieces, *read), tokenize(read, plan)
