"""Fold a function over the row blocks of dask collections, a bounded number of blocks at a time.

``fold_blocks(func, init, collections, order)`` computes::

    acc = init
    for i in order:
        acc = func(acc, *row_block_i_of_each_collection, *params)

without ever holding more than ``prefetch + 1`` row blocks in memory: the block being folded
and at most ``prefetch`` blocks read ahead. The blocks of all the collections for one step
(e.g. ``X`` and ``y`` of one partition) are computed together, in one submission, so work they
share upstream (reading a partition of the DataFrame they both come from) runs once.

Where the steps run:

- **local schedulers** (threads, processes, sync): the driver computes the blocks of step ``i``
  (a background thread computes the next ``prefetch`` steps' blocks meanwhile) and calls
  ``func`` in the calling process;
- **dask.distributed Client**: each step is a task ``func(acc_{i-1}, blocks_i)`` that depends on
  the previous step's task and on the step's blocks, so the scheduler runs it on the worker
  holding the blocks (the accumulator moves between workers, the data stays where it was
  computed). The client waits for step ``i - prefetch - 1`` before submitting step ``i`` and
  never gathers a block: only the final accumulator comes back.

The collections are optimised together once (as one ``dask.compute`` call would); each step
submits only the part of that graph its blocks need. Collections already persisted are read
from memory (on the cluster, their futures are referenced, not copied).
"""

from __future__ import annotations

import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from dask.core import get_dependencies
from dask.delayed import Delayed

from .. import _progress
from .._types import is_dask_array
from .client import follow, get_client
from .compute import compute
from .keys import count_row_blocks, merge_inner_chunks, optimized_row_blocks

__all__ = ["count_row_blocks", "fold_blocks"]


def _cull(graph, keys):
    """The part of ``graph`` that ``keys`` need; keys it lacks are held elsewhere (futures)."""
    out = {}
    stack = list(keys)
    while stack:
        key = stack.pop()
        if key in out or key not in graph:
            continue
        task = graph[key]
        out[key] = task
        stack.extend(get_dependencies(graph, task=task))
    return out


class _Blocks:
    """Per-step access to the aligned row blocks of several collections.

    The collections are optimised once, as one ``dask.compute`` call would optimise them
    (:func:`~dask_scale._graph.keys.optimized_row_blocks`), so work they share (a partition
    both X and y are selected from) stays one task; each step then submits the part of the
    graph its blocks need.
    """

    def __init__(self, collections):
        collections = [
            merge_inner_chunks(c) if is_dask_array(c) else c for c in collections
        ]
        n_blocks = count_row_blocks(collections)
        self.graph, self.keys = optimized_row_blocks(collections, n_blocks)
        # Persisted blocks are held by futures of these collections: keep them alive for
        # the whole fold.
        self._collections = [c for c in collections if c is not None]

    def delayed(self, i):
        """One Delayed per non-None collection for row block ``i``, sharing a culled graph."""
        keys = [k[i] for k in self.keys if k is not None]
        sub = _cull(self.graph, keys)
        return [Delayed(k, sub) for k in keys]

    def assemble(self, values):
        """Put computed values (or futures) back in place, ``None`` where a collection was None."""
        values = iter(values)
        return [None if k is None else next(values) for k in self.keys]


def _apply(func, acc, params, *blocks):
    return func(acc, *blocks, *params)


def _fold_local(func, acc, blocks, order, params, prefetch, bar):
    def load(i):
        return blocks.assemble(compute(*blocks.delayed(i), optimize_graph=False))

    if prefetch == 0:
        for i in order:
            acc = _apply(func, acc, params, *load(i))
            bar.step()
        return acc
    # One loader thread: blocks are read one after the other, in fold order, at most
    # ``prefetch`` steps ahead of the step being folded.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dask_scale-prefetch") as pool:
        pending = deque(pool.submit(load, i) for i in order[:prefetch])
        try:
            for k in range(len(order)):
                current = pending.popleft()
                if k + prefetch < len(order):
                    pending.append(pool.submit(load, order[k + prefetch]))
                step_blocks = current.result()
                del current
                acc = _apply(func, acc, params, *step_blocks)
                del step_blocks
                bar.step()
        finally:
            for fut in pending:
                fut.cancel()
    return acc


def _wait_ok(future):
    from distributed import wait

    wait([future])
    if future.status == "error":
        future.result()  # raises the task's exception with its traceback
    if future.status == "cancelled":
        raise RuntimeError(f"fold step {future.key!r} was cancelled (did a worker die?)")


def _fold_distributed(client, func, acc, blocks, order, params, prefetch, name, bar):
    token = uuid.uuid4().hex
    inflight = deque()
    for k, i in enumerate(order):
        while len(inflight) > prefetch:
            _wait_ok(inflight.popleft())  # a step done on the cluster
            bar.step()
        futures = client.compute(blocks.delayed(i), optimize_graph=False)
        acc = client.submit(
            _apply, func, acc, params, *blocks.assemble(futures), key=f"{name}-{token}-{k}"
        )
        del futures  # the step task keeps its blocks alive until it has run, then they go
        inflight.append(acc)
    if not inflight:
        return acc
    with follow(client, list(inflight)):  # the last steps' tasks, as the scheduler sees them
        for future in inflight:
            _wait_ok(future)
            bar.step()
    return acc.result()


def fold_blocks(func, init, collections, order=None, *, params=(), prefetch=1, name="fold"):
    """Fold ``func`` over aligned row blocks, in ``order``, with bounded memory.

    Parameters
    ----------
    func : callable
        ``func(acc, *blocks, *params) -> acc``. ``blocks`` holds one row block per entry of
        ``collections``: a NumPy array for a dask array (all axes but the first in one block),
        a pandas DataFrame/Series for a dask DataFrame/Series, ``None`` for a ``None`` entry.
        On a distributed Client it runs on a worker, so it must be picklable and must return
        the new accumulator (not mutate a driver-side object).
    init : object
        The initial accumulator (small: it travels with every step).
    collections : sequence of dask arrays, DataFrames, Series or None
        Inputs with the same number of row blocks, block ``i`` of each holding the same rows.
    order : sequence of int or None, default=None
        Row block indices in fold order; may repeat blocks (several passes). ``None`` means
        every block once, in order.
    params : tuple, default=()
        Small values passed to every ``func`` call after the blocks.
    prefetch : int, default=1
        Steps whose blocks are computed ahead of the one being folded. At most
        ``prefetch + 1`` row blocks (of every collection) are materialised at any time.
        ``0`` reads each block only once the previous step is done.
    name : str, default="fold"
        Prefix of the step task keys on a distributed Client.

    Returns
    -------
    object
        The final accumulator, concrete (gathered from the cluster when a Client is active).
    """
    collections = list(collections)
    n_blocks = count_row_blocks(collections)
    if order is None:
        order = range(n_blocks)
    order = [int(i) for i in np.asarray(order, dtype=np.int64).reshape(-1)]
    bad = [i for i in order if not 0 <= i < n_blocks]
    if bad:
        raise ValueError(f"Block indices {bad[:5]} out of range for {n_blocks} row blocks.")
    if not isinstance(prefetch, (int, np.integer)) or prefetch < 0:
        raise ValueError(f"prefetch must be a non-negative integer, got {prefetch!r}.")
    blocks = _Blocks(collections)
    params = tuple(params)
    client = get_client()
    # the outer progress bar: steps folded (each step's block reads fill the inner bar)
    with _progress.scope(name, len(order), unit="blocks") as bar:
        if client is not None:
            return _fold_distributed(
                client, func, init, blocks, order, params, int(prefetch), name, bar
            )
        return _fold_local(func, init, blocks, order, params, int(prefetch), bar)
