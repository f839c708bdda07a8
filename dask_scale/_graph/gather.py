"""Per-block results, and per-block state kept where its row block is processed.

Algorithms that keep per-block state between passes (the local variables of consensus ADMM
and their Hessians, for instance) need to know which block they are working on, and their
state must not travel: only a small summary of each block comes back per pass.
:class:`BlockStates` runs, once per :meth:`~BlockStates.step`::

    state_i, summary_i = func(i, state_i, *blocks_i, *params)      # for every row block i

and returns the summaries in block order. ``state_i`` is ``None`` at the first step. Where the
states live:

- **NumPy input and dask's local schedulers**: in a list in the driver's memory; on threads a
  task gets its block's state and returns the new one without a copy (dask's ``processes``
  scheduler pickles a block's state to the process that runs its task and back).
- **a distributed Client**: as futures on the worker that ran the block's step. Each later
  step of block ``i`` is pinned to that worker, with the tasks that read block ``i`` (those no
  other block needs), and reads the state there from the worker's memory, so neither the
  state nor the block moves (pinned tasks are never moved to another worker to balance the
  load); blocks persisted on the cluster fix the worker from the first step. The state is
  handed to the next step by reference, not as a dependency, so the scheduler keeps no
  lineage of earlier steps (it would grow with every step). Each step is one graph
  submission; only the summaries are gathered, in one round trip, and the previous states
  are released once the steps that read them are done.

A worker can leave a cluster mid-fit. While a step runs, the workers are checked every
:data:`_WATCH_SECONDS`: the blocks pinned to one that left move to where their states went
(a worker retired gracefully hands its data over) and their steps run again there. A worker
that died (killed, then restarted by its nanny under a new address, or not at all) took its
blocks' states with it; so does one restarted under its old address, which the steps that
look for their states there find out. Such a state is rebuilt when the caller said how:
``rebuild(i, summary_i)`` makes, on the driver, a state from the block's last summary (which
the driver has), and the block's step runs again from it wherever the scheduler puts it (its
blocks are recomputed there if they were lost too). ``func`` must then give, from the
rebuilt state, exactly the step it would have made from the lost one (what the rebuilt state
leaves out, ``func`` recomputes from the block's data), so that a worker lost mid-fit does
not change the fit. Without ``rebuild``, the step fails with an error that says so. In the
normal case nothing of this travels: the rebuilt state goes in the task of the step that
needs it.

Parameters are one key of each step's graph (scattered when large, see
:func:`~dask_scale._graph.reduction.param_nbytes`), so each worker fetches them once. The
block functions run the same arithmetic on the same inputs whatever the scheduler, so the
results are the same on threads and on a cluster.

:func:`gather_blocks` is the stateless case: one step, the results back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import operator
import uuid

import dask.array as da
from dask.core import get_dependencies
from dask.delayed import Delayed

from .client import follow, get_client
from .compute import compute, local_map
from .keys import Opaque, is_future, persisted_homes
from .reduction import (
    LOCAL_BLOCK_ROWS,
    _param_node,
    _run_chunk,
    finite_check,
    input_blocks,
    n_row_blocks,
    row_slices,
)

__all__ = ["BlockStates", "gather_blocks", "n_blocks_of"]

_SHARED = object()
# While a step runs on a cluster, how often (seconds) to check that its workers are alive.
_WATCH_SECONDS = 2.0


def _run_step(func, check_finite, block_index, params, state, *blocks):
    """One block's step: the per-block checks, then ``func(i, state, *blocks, *params)``."""
    if isinstance(state, Opaque):
        state = state.value
    out = _run_chunk(
        functools.partial(func, block_index, state), check_finite, block_index, params, *blocks
    )
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(
            "internal: a block step returns (state, summary); "
            f"{getattr(func, '__name__', func)!r} returned {type(out).__name__}"
        )
    return out


class _StateLost(RuntimeError):
    """Raised by a step that found its block's state in no worker's memory."""


class _OnWorker:
    """A block's state held in a worker's memory under ``key``, by reference.

    Passed to the block's next step as a plain value, not as a dependency: the scheduler
    would otherwise keep every earlier step's task (released) as the lineage of the new
    state, a chain that grows by a few tasks per block and step for the whole fit. The step
    is pinned to the worker holding ``key`` and reads it from that worker's memory; should
    it run elsewhere, it fetches the state, and fails (:class:`_StateLost`) if the state is
    gone.
    """

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def load(self, block_index):
        from distributed import Future, get_worker, worker_client

        try:
            return get_worker().data[self.key]
        except KeyError:
            pass
        with worker_client() as client:
            future = Future(self.key, client)
            if not client.who_has([future]).get(self.key):
                raise _StateLost(
                    f"The state of row block {block_index} was lost with the worker that "
                    "held it; this fit cannot go on without it. Fit again."
                )
            return future.result()


def _run_step_on_worker(func, check_finite, block_index, params, state, *blocks):
    """A block's step on a distributed worker; its summary comes with the worker's address."""
    from distributed import get_worker

    if isinstance(state, _OnWorker):
        state = state.load(block_index)
    new_state, summary = _run_step(func, check_finite, block_index, params, state, *blocks)
    return new_state, (summary, get_worker().address)


def _summary(out, state):
    return out[1]


def _as_list(*parts):
    return list(parts)


def _block_owners(graph, block_keys):
    """Per row block, the keys of ``graph`` that only that block's step needs.

    Each key is marked with the block that first reaches it, or as shared once a second one
    does (and so are its dependencies); a key changes mark at most twice. Persisted blocks
    (futures) are nobody's: they are where they are.
    """
    mark = {}
    for i, keys in enumerate(block_keys):
        stack = [(k, i) for k in keys if k is not None]
        while stack:
            key, m = stack.pop()
            if key not in graph or is_future(graph[key]):
                continue  # held on the cluster already (persisted): nothing to run
            old = mark.get(key)
            new = m if old is None or old == m else _SHARED
            if new == old:
                continue
            mark[key] = new
            stack.extend((dep, new) for dep in get_dependencies(graph, task=graph[key]))
    owned = [[] for _ in block_keys]
    for key, m in mark.items():
        if m is not _SHARED:
            owned[m].append(key)
    return owned


class BlockStates:
    """State per row block, kept where the block is processed, across steps.

    Parameters
    ----------
    arrays : sequence of dask arrays, NumPy arrays or None
        Inputs split alike along axis 0 (all dask or all NumPy); ``None`` entries are passed
        as ``None``. 2-D dask inputs must have a single column block.
    name : str, default="state"
        Prefix of the graph keys.
    block_rows : int, default=65536
        Rows per block for NumPy input (see :func:`row_slices`).
    rebuild : callable or None, default=None
        ``rebuild(i, summary) -> state``: block ``i``'s state after a step, made from the
        summary that step returned for it. Called on the driver, on a distributed Client
        only, when a block's state was lost with a worker; the block's step then runs again
        from the rebuilt state. The next step's ``func`` must make from it the same state
        and summary as from the lost state (it may leave out what ``func`` recomputes from
        the block's data). Keep it small: it travels in the task of that step. Without it,
        losing a state is an error.

    Use as a context manager (or call :meth:`close`) so the states are released at the end.
    """

    def __init__(self, arrays, *, name="state", block_rows=LOCAL_BLOCK_ROWS, rebuild=None):
        self.arrays = list(arrays)
        self.name = name
        self._rebuild = rebuild
        self._summaries = None  # the last step's, kept to rebuild a lost state from
        self._client = None
        self._kind = "numpy"
        if any(isinstance(a, da.Array) for a in self.arrays):
            if not all(a is None or isinstance(a, da.Array) for a in self.arrays):
                raise TypeError("internal: mix of dask and non-dask inputs in one block map")
            self._kind = "dask"
            self.n_blocks = n_row_blocks(self.arrays)
            graph, per_array = input_blocks(self.arrays, self.n_blocks)
            self._graph = graph
            self._block_keys = [[k[i] for k in per_array] for i in range(self.n_blocks)]
            self._client = get_client()
            if self._client is not None:
                self._owned = _block_owners(graph, self._block_keys)
                owned = {k for keys in self._owned for k in keys}
                self._shared = {k: v for k, v in graph.items() if k not in owned}
                self._homes = self._persisted_homes()
        else:
            lengths = {a.shape[0] for a in self.arrays if a is not None}
            if len(lengths) != 1:
                raise ValueError(f"Inputs have different numbers of rows: {sorted(lengths)}")
            self._slices = row_slices(lengths.pop(), block_rows)
            self.n_blocks = len(self._slices)
        self._states = [None] * self.n_blocks

    # -- distributed placement ------------------------------------------------------------
    def _persisted_homes(self):
        """Per block, the worker holding most bytes of its persisted input blocks (or None)."""
        return persisted_homes(self._client, self._graph, self._block_keys, self.arrays)

    def _step_distributed(self, func, params, check_finite):
        n = self.n_blocks
        states, summaries = [None] * n, [None] * n
        todo = range(n)
        while todo:
            submitted = self._submit(func, params, check_finite, todo)
            for i, (state, summary) in submitted.items():
                states[i], summaries[i] = state, summary
            followed = [f for pair in submitted.values() for f in pair]
            del submitted
            # the blocks whose step must run again: a worker they were pinned to left, or
            # their state was lost (their seeds and homes are updated)
            with follow(self._client, followed):  # the inner progress bar: the cluster's tasks
                gathered, todo = self._collect(summaries)
            del followed
        # each block's next step goes where its state now is; the previous states can go:
        # the steps that read them are done
        self._homes = [address for _, address in gathered]
        self._states = states
        summaries = [summary for summary, _ in gathered]
        if self._rebuild is not None:
            self._summaries = summaries
        return summaries

    def _submit(self, func, params, check_finite, blocks):
        """One graph of the steps of ``blocks``: ``{i: (state future, summary future)}``."""
        prefix = f"{self.name}-{uuid.uuid4().hex}"
        param_key = f"{prefix}-params"
        shared = dict(self._shared)
        shared[param_key] = _param_node(params)
        pinned = {}  # worker address -> the tasks pinned to it
        state_keys, summary_keys = [], []
        for i in blocks:
            home = self._homes[i]
            layer = shared if home is None else pinned.setdefault(home, {})
            layer.update((k, self._graph[k]) for k in self._owned[i])
            state = self._states[i]
            step = (f"{prefix}-step", i)
            layer[step] = (
                _run_step_on_worker,
                func,
                check_finite,
                i,
                param_key,
                _OnWorker(state.key) if is_future(state) else state,  # None or a seed
                *self._block_keys[i],
            )
            state_keys.append((f"{prefix}-state", i))
            summary_keys.append((f"{prefix}-summary", i))
            layer[state_keys[-1]] = (operator.getitem, step, 0)
            # the summary waits for the state: once it is gathered, the state is in memory
            layer[summary_keys[-1]] = (_summary, step, state_keys[-1])
        if len(state_keys) < self.n_blocks:  # steps run again: only what they need
            shared = _needed(shared, pinned, state_keys + summary_keys)
        futures = self._client.get(
            _pinned_graph(shared, pinned), state_keys + summary_keys, sync=False
        )
        m = len(state_keys)
        return dict(zip(blocks, zip(futures[:m], futures[m:], strict=True), strict=True))

    def _collect(self, summaries):
        """``(gathered summaries, ())``, or ``(None, blocks whose step must run again)``.

        Tasks pinned to a worker that is gone would wait for it for ever: while they run,
        and while their summaries are gathered, the workers are checked every
        :data:`_WATCH_SECONDS`. Steps that found their state lost run again from a rebuilt
        one.
        """
        from distributed import wait

        client = self._client
        pending = None  # the gather, once every step is done
        try:
            while True:
                try:
                    if pending is None:
                        wait(summaries, timeout=_WATCH_SECONDS)
                        pending = asyncio.run_coroutine_threadsafe(
                            _gather(client, summaries), client.loop.asyncio_loop
                        )
                    return pending.result(timeout=_WATCH_SECONDS), ()
                except concurrent.futures.TimeoutError as exc:
                    if pending is not None and pending.done() and pending.exception() is exc:
                        raise  # a step's own error
                except _StateLost:
                    return None, self._states_lost(summaries)
                pinned = {h for h in self._homes if h is not None}
                if pinned:
                    gone = pinned - set(client.scheduler_info(n_workers=-1)["workers"])
                    if gone:
                        return None, self._rehome(gone)
        finally:
            if pending is not None:
                pending.cancel()

    def _states_lost(self, summaries):
        """The blocks whose steps found no state; they get seeds (or the error is raised)."""
        erred = [i for i, f in enumerate(summaries) if f.status == "error"]
        lost = [i for i in erred if isinstance(summaries[i].exception(), _StateLost)]
        others = [i for i in erred if i not in lost]
        if others or self._rebuild is None:
            summaries[(others or lost)[0]].result()  # raises that step's error
        self._reseed(lost)
        return lost

    def _rehome(self, gone):
        """Pin the blocks of the workers in ``gone`` to where their states are now.

        A worker retired gracefully hands its data to the others; one that died took its
        blocks' states with it: they are rebuilt, or the fit cannot go on. Returns the
        blocks whose steps must run again (all those pinned to ``gone``).
        """
        moved = [i for i, h in enumerate(self._homes) if h in gone]
        held = [self._states[i] for i in moved if is_future(self._states[i])]
        who = self._client.who_has(held) if held else {}
        lost = []
        for i in moved:
            state = self._states[i]
            if not is_future(state):
                self._homes[i] = None  # no state yet, or a seed: anywhere will do
            elif who.get(state.key):
                self._homes[i] = min(who[state.key])
            else:
                lost.append(i)
        if lost and self._rebuild is None:
            raise RuntimeError(
                f"The worker(s) {sorted(gone)} left the cluster with the state of row "
                f"block(s) {lost[:10]}{'...' if len(lost) > 10 else ''}; this fit cannot go "
                "on without them. Fit again."
            )
        self._reseed(lost)
        return moved

    def _reseed(self, blocks):
        """Replace the lost states of ``blocks`` by states rebuilt from their summaries."""
        for i in blocks:
            self._states[i] = Opaque(self._rebuild(i, self._summaries[i]))
            self._homes[i] = None  # where the scheduler puts it, next to its blocks

    # -- local ----------------------------------------------------------------------------
    def _step_local_dask(self, func, params, check_finite):
        prefix = f"{self.name}-{uuid.uuid4().hex}"
        param_key = f"{prefix}-params"
        dsk = dict(self._graph)
        dsk[param_key] = _param_node(params)
        keys = []
        for i in range(self.n_blocks):
            key = (f"{prefix}-step", i)
            dsk[key] = (
                _run_step,
                func,
                check_finite,
                i,
                param_key,
                Opaque(self._states[i]),
                *self._block_keys[i],
            )
            keys.append(key)
        final = f"{prefix}-result"
        dsk[final] = (_as_list, *keys)
        (out,) = compute(Delayed(final, dsk), optimize_graph=False)
        return out

    def _step_numpy(self, func, params, check_finite):
        params = tuple(params)

        def run(i):
            s = self._slices[i]
            blocks = [None if a is None else a[s] for a in self.arrays]
            return _run_step(func, check_finite, i, params, self._states[i], *blocks)

        return local_map(run, range(self.n_blocks))

    # -- public ---------------------------------------------------------------------------
    def step(self, func, params=(), *, check_finite=None):
        """Run ``func(i, state_i, *blocks_i, *params) -> (state, summary)`` on every block.

        Parameters
        ----------
        func : callable
            Called once per row block with the block's index (0-based, in row order), its
            state from the previous step (``None`` at the first), its blocks and ``params``;
            returns the block's new state (kept) and its summary (returned). It must not
            modify the state it is given in place (on a cluster that copy is the worker's;
            locally it is the driver's). On a cluster it runs on a worker: picklable.
        params : sequence, default=()
            Small values passed to every call after the blocks (one key of the graph,
            scattered when large on a distributed Client).
        check_finite : dict, default={}
            Positions in ``arrays`` whose blocks are checked for NaN/inf before ``func``
            runs, each mapped to the input's name for the message, as in
            :func:`tree_reduce`.

        Returns
        -------
        list
            The summaries, one per row block, in block order. If a block's step raises, the
            error propagates and the states stay those of the previous step. With
            ``rebuild``, they are kept until the next step (to rebuild a lost state from):
            do not modify them in place.
        """
        check_finite = finite_check(check_finite or {})
        if self._client is not None:
            return self._step_distributed(func, params, check_finite)
        if self._kind == "dask":
            out = self._step_local_dask(func, params, check_finite)
        else:
            out = self._step_numpy(func, params, check_finite)
        self._states = [state for state, _ in out]
        return [summary for _, summary in out]

    def close(self):
        """Release the states (on a cluster, their futures)."""
        self._states = [None] * self.n_blocks
        self._summaries = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


async def _gather(client, futures):
    return await client.gather(futures, asynchronous=True)


def _needed(shared, pinned, keys):
    """The tasks of ``shared`` that the tasks of ``keys`` need (the graph is ``shared``
    and the layers of ``pinned``); persisted blocks (futures) are taken as they are."""
    graph = dict(shared)
    for tasks in pinned.values():
        graph.update(tasks)
    seen, stack = set(), list(keys)
    while stack:
        key = stack.pop()
        if key in seen or key not in graph:
            continue
        seen.add(key)
        if not is_future(graph[key]):
            stack.extend(get_dependencies(graph, task=graph[key]))
    return {k: v for k, v in shared.items() if k in seen}


def _pinned_graph(shared, pinned):
    """A graph of one unrestricted layer and one layer per worker its tasks are pinned to."""
    from dask.highlevelgraph import HighLevelGraph, MaterializedLayer

    layers = {"shared": MaterializedLayer(shared)}
    dependencies = {"shared": set()}
    for n, (worker, tasks) in enumerate(sorted(pinned.items())):
        name = f"pinned-{n}"
        layers[name] = MaterializedLayer(
            tasks, annotations={"workers": [worker], "allow_other_workers": False}
        )
        dependencies[name] = {"shared"}
    return HighLevelGraph(layers, dependencies)


def _stateless(chunk, block_index, state, *args):
    return None, chunk(block_index, *args)


def n_blocks_of(arrays, block_rows=LOCAL_BLOCK_ROWS):
    """Number of row blocks :func:`gather_blocks` and :class:`BlockStates` use for ``arrays``."""
    arrays = list(arrays)
    if any(isinstance(a, da.Array) for a in arrays):
        return n_row_blocks(arrays)
    n = next(a.shape[0] for a in arrays if a is not None)
    return len(row_slices(n, block_rows))


def gather_blocks(
    chunk,
    arrays,
    params=(),
    *,
    check_finite=None,
    name="gather",
    block_rows=LOCAL_BLOCK_ROWS,
):
    """Run ``chunk(block_index, *blocks, *params)`` on every row block; return the results.

    One :meth:`BlockStates.step` without state: one graph submission for dask input, row
    slices on the shared thread pool for NumPy input.

    Parameters
    ----------
    chunk : callable
        Called once per row block with the block's index (0-based, in row order) first.
    arrays : sequence of dask arrays, NumPy arrays or None
        Inputs split alike along axis 0 (all dask or all NumPy); ``None`` entries are passed
        as ``None``.
    params : sequence, default=()
        Small values passed to every call after the blocks (one broadcast key for dask input).
    check_finite : dict, default={}
        Positions in ``arrays`` whose blocks are checked for NaN/inf before ``chunk`` runs,
        each mapped to the input's name for the message, as in :func:`tree_reduce`.
    name : str, default="gather"
        Prefix of the graph keys.
    block_rows : int, default=65536
        Rows per block for NumPy input (see :func:`row_slices`).

    Returns
    -------
    list
        ``chunk``'s results, one per row block, in block order.
    """
    with BlockStates(arrays, name=name, block_rows=block_rows) as states:
        return states.step(functools.partial(_stateless, chunk), params, check_finite=check_finite)
