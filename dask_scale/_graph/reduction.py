"""Tree reductions over the row blocks of one or more aligned arrays or DataFrames.

A reduction is three plain functions:

``chunk(*blocks, *params) -> partial``
    runs on one row block of every input (numpy in, small numpy/scalars out);
``combine(list_of_partials) -> partial``
    merges a few partials (default: element-wise sum, tuples element by element);
``aggregate(partial) -> result``
    turns the last partial into the result (default: identity).

Dask input (arrays, whose row blocks reach ``chunk`` as NumPy blocks, DataFrames and
Series, whose partitions reach it as pandas objects with their own dtypes, or Bags, whose
partitions reach it as lists) is wired into one
graph (chunk tasks, then ``combine`` levels of at most ``split_every`` partials, then
``aggregate``) that is submitted once. Small parameters are a single key of that graph, so
each worker fetches them once however many blocks it holds. In-memory input (NumPy, or
pandas) runs the same functions over row slices on a thread pool (the numba kernels release
the GIL; see :func:`dask_scale._graph.compute.local_map`), with the same combine tree
(:func:`_merge_tree`), so results do not depend on the input kind beyond the block
boundaries.

The NaN/inf check of the blocks and its message (:func:`reject_nonfinite`,
:func:`nonfinite_message`) live here too, for every layer: ``_validation`` re-exports them.
"""

from __future__ import annotations

import math
import uuid

import numpy as np
from dask.delayed import Delayed
from dask.sizeof import sizeof

from .._types import is_lazy
from .client import get_client
from .compute import blas_threads, compute, local_map, local_workers
from .keys import count_row_blocks, optimized_row_blocks, persisted_homes
from .rows import in_memory_rows

__all__ = [
    "blas_per_block",
    "n_row_blocks",
    "param_nbytes",
    "reduce_blocks",
    "row_slices",
    "sized_block",
    "sum_partials",
    "tree_reduce",
]

# Rows per block when NumPy input is split for the thread pool.
LOCAL_BLOCK_ROWS = 1 << 16
# With a distributed Client, reductions over at most this many row blocks merge the chunk
# results on the client (same tree, no combine tasks on the cluster).
CLIENT_COMBINE_BLOCKS = 64
# Parameters larger than this are scattered (broadcast) when a distributed Client is active.
BROADCAST_BYTES = 1 << 20


def sum_partials(parts):
    """Element-wise sum of a list of partials (arrays, scalars or tuples of them)."""
    first = parts[0]
    if isinstance(first, tuple):
        return tuple(sum_partials([p[i] for p in parts]) for i in range(len(first)))
    if first is None:
        return None
    out = first.copy() if isinstance(first, np.ndarray) else first
    for p in parts[1:]:
        out = out + p
    return out


def nonfinite_message(name, block_index=None, *, allow_nan=False, fix=None):
    """The error for NaN/inf found in (row block ``block_index`` of) the input ``name``.

    With ``allow_nan`` the error is for infinite values only (NaN is accepted there).
    ``fix`` replaces the default advice on what to do.
    """
    where = "" if block_index is None else f" (row block {block_index})"
    if fix is None and allow_nan:
        fix = (
            "NaN is accepted there, infinite values are not: replace them first, e.g. "
            f"`{name}[da.isinf({name})] = np.nan`."
        )
    elif fix is None and name == "X":
        fix = (
            "Remove or impute those values first, e.g. with dask_scale.impute.SimpleImputer, "
            "or drop them with `X[da.isfinite(X).all(axis=1)]`."
        )
    elif fix is None:
        fix = (
            f"Drop those rows from X and {name} alike, e.g. `keep = da.isfinite({name})` then "
            f"`X[keep]`, `{name}[keep]`."
        )
    what = "infinity" if allow_nan else "NaN or infinity"
    return f"Input {name} contains {what}{where}. {fix}"


def reject_nonfinite(block, name="X", *, allow_nan=False, block_index=None, fix=None):
    """Raise :func:`nonfinite_message` where the NumPy ``block`` holds infinity (or NaN,
    unless ``allow_nan``); blocks of other dtypes than float and complex pass."""
    if block.dtype.kind not in "fc" or not block.size:
        return
    if np.isinf(block).any() if allow_nan else not np.isfinite(block).all():
        raise ValueError(nonfinite_message(name, block_index, allow_nan=allow_nan, fix=fix))


def finite_check(check_finite):
    """Normalise ``check_finite``, a mapping position -> input name (the user's, e.g. "X").

    Returns a frozenset of ``(position, name)`` pairs, a form that dask passes to tasks
    untouched. Positions alone are refused: an error must name the input the user passed.
    """
    if isinstance(check_finite, frozenset):
        return check_finite
    if not isinstance(check_finite, dict):
        raise TypeError(
            "internal: check_finite maps input positions to the names users know them by, "
            f"e.g. {{0: 'X'}}; got {check_finite!r}"
        )
    return frozenset((int(k), str(v)) for k, v in check_finite.items())


def sized_block(block):
    """A row block as a task receives it, with a length: a Bag partition (which may be any
    iterable) as a list; blocks with a shape or a length (and None) as they are."""
    if block is None or hasattr(block, "shape") or hasattr(block, "__len__"):
        return block
    return list(block)


def _run_chunk(chunk, check_finite, block_index, params, *blocks, pass_index=False):
    """Apply ``chunk`` to one row block after the cheap per-block checks."""
    n = None
    names = dict(check_finite)
    blocks = [sized_block(b) for b in blocks]
    for pos, b in enumerate(blocks):
        if b is None:
            continue
        rows = in_memory_rows(b)
        if n is None:
            n = rows
        elif rows != n:
            raise ValueError(
                f"Inputs have different numbers of rows in row block {block_index} "
                f"({n} vs {rows}): X, y and sample_weight must be partitioned alike. "
                "Rechunk y/sample_weight to X's chunks, or build them from the same DataFrame."
            )
        if pos in names and hasattr(b, "dtype"):
            reject_nonfinite(b, names[pos], block_index=block_index)
    if pass_index:
        return chunk(block_index, *blocks, *params)
    return chunk(*blocks, *params)


def _run_chunk_indexed(chunk, check_finite, block_index, params, *blocks):
    return _run_chunk(chunk, check_finite, block_index, params, *blocks, pass_index=True)


def _rows(a, rows):
    """Rows ``rows`` (a slice) of an in-memory array or pandas object."""
    return a.iloc[rows] if hasattr(a, "iloc") else a[rows]


def _apply_combine(combine, *parts):
    return combine(list(parts))


#: The number of row blocks shared by aligned inputs (the name the per-block gathers use).
n_row_blocks = count_row_blocks


def blas_per_block(arrays, block_rows=LOCAL_BLOCK_ROWS):
    """A context manager for a :func:`reduce_blocks` over ``arrays`` whose ``chunk`` is
    BLAS-bound: BLAS capped (:func:`dask_scale._graph.compute.blas_threads`) to share the
    cores among the blocks that run at once on this process's threads (dask's threaded
    scheduler, or the thread pool of in-memory input). A distributed Client's workers, the
    synchronous and the processes schedulers run no parallel tasks here: no cap.
    """
    arrays = [a for a in arrays if a is not None]
    lazy = [a for a in arrays if is_lazy(a)]
    if lazy:
        import dask.threaded
        from dask.base import get_scheduler

        if get_client() is not None or get_scheduler(collections=lazy) is not dask.threaded.get:
            return blas_threads(0)
        n_blocks = count_row_blocks(lazy)
    elif arrays:
        n_blocks = len(row_slices(arrays[0].shape[0], block_rows))
    else:
        n_blocks = 0
    return blas_threads(min(n_blocks, local_workers()))


def _merge_tree(level, merge, split_every):
    """Merge ``level``'s items ``split_every`` at a time, level after level, until one is left.

    ``merge(group, depth, index)`` returns the item standing for ``group``, the
    ``index``-th group of merge level ``depth``: the same tree for graphs and local lists.
    """
    depth = 0
    while len(level) > 1:
        level = [
            merge(level[j : j + split_every], depth, j // split_every)
            for j in range(0, len(level), split_every)
        ]
        depth += 1
    return level[0]


def _check_split_every(split_every):
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every}")


def input_blocks(arrays, nblocks):
    """The optimised graph of the inputs and, per input, its row-block keys.

    ``None`` inputs get ``None`` for every block. See :mod:`dask_scale._graph.keys` for why
    the graphs built here reference the optimised keys.
    """
    for a in arrays:
        if getattr(a, "chunks", None) is not None and a.ndim == 2 and len(a.chunks[1]) != 1:
            raise ValueError(
                "internal: a 2-D input reached a reduction with several column blocks; "
                "validate it with dask_scale._validation first"
            )
    graph, keys = optimized_row_blocks(arrays, nblocks)
    return graph, [[None] * nblocks if k is None else k for k in keys]


def param_nbytes(value):
    """Bytes a parameter holds, the arrays nested in tuples, lists, sets and dicts included.

    Containers are walked (each once); anything else counts for ``dask.sizeof`` (an array
    its ``nbytes``). This is how the library judges the size of parameters it ships.
    """
    total = 0
    seen = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (tuple, list, set, frozenset, dict)):
            if id(v) in seen:
                continue
            seen.add(id(v))
            stack.extend(v.items() if isinstance(v, dict) else v)
        else:
            total += sizeof(v)
    return total


def _param_node(params):
    """The graph node (value or future) carrying the parameters."""
    params = tuple(params)
    client = get_client()
    if client is not None and param_nbytes(params) > BROADCAST_BYTES:
        return client.scatter(params, broadcast=True, hash=False)
    return params


def _chunk_graph(chunk, arrays, params, check_finite, name, block_index):
    """The graph of the chunk tasks of a reduction: ``(graph, chunk keys, key prefix)``."""
    arrays = list(arrays)
    nblocks = count_row_blocks(arrays)
    prefix = f"{name}-{uuid.uuid4().hex}"
    dsk, per_array = input_blocks(arrays, nblocks)
    param_key = f"{prefix}-params"
    dsk[param_key] = _param_node(params)
    check_finite = finite_check(check_finite or {})
    level = []
    for i in range(nblocks):
        key = (f"{prefix}-chunk", i)
        dsk[key] = (
            _run_chunk_indexed if block_index else _run_chunk,
            chunk,
            check_finite,
            i,
            param_key,
            *[keys[i] for keys in per_array],
        )
        level.append(key)
    return dsk, level, prefix


def _run_group(chunk, check_finite, block_index, indices, params, *blocks):
    """The chunk results of several row blocks (``blocks`` flattened block by block)."""
    per = len(blocks) // len(indices)
    return [
        _run_chunk(
            chunk, check_finite, i, params, *blocks[n * per : (n + 1) * per], pass_index=block_index
        )
        for n, i in enumerate(indices)
    ]


def _cluster_partials(client, chunk, arrays, params, check_finite, name, block_index):
    """The chunk results of every row block, in block order, computed on the cluster.

    On a cluster each task and each level of a combine tree costs scheduler round trips and
    transfers between workers, a fixed cost that dominates a pass over a few persisted
    blocks. So the chunk results (small partials) come straight back to the client to be
    merged there by the same tree (the result is bitwise the one a tree of tasks gives),
    and where the blocks are persisted, each worker runs one task for all the blocks it
    holds instead of one task per block.
    """
    dsk, level, prefix = _chunk_graph(chunk, arrays, params, check_finite, name, block_index)
    inputs = [dsk[k][5:] for k in level]  # the block keys of each chunk task
    homes = persisted_homes(client, dsk, inputs, list(arrays))
    if any(h is None for h in homes) or len(set(homes)) == len(level):
        return list(compute(*[Delayed(k, dsk) for k in level], optimize_graph=False))
    groups = {}
    for i, home in enumerate(homes):
        groups.setdefault(home, []).append(i)
    chunk_keys = set(level)
    graph = {k: v for k, v in dsk.items() if k not in chunk_keys}
    param_key = f"{prefix}-params"
    group_keys = []
    for n, (_, indices) in enumerate(sorted(groups.items())):
        key = (f"{prefix}-group", n)
        graph[key] = (
            _run_group,
            chunk,
            finite_check(check_finite or {}),
            block_index,
            indices,
            param_key,
            *[k for i in indices for k in inputs[i]],
        )
        group_keys.append((key, indices))
    results = compute(*[Delayed(k, graph) for k, _ in group_keys], optimize_graph=False)
    parts = [None] * len(level)
    for (_, indices), values in zip(group_keys, results, strict=True):
        for i, value in zip(indices, values, strict=True):
            parts[i] = value
    return parts


def tree_reduce(
    chunk,
    arrays,
    params=(),
    *,
    combine=sum_partials,
    aggregate=None,
    split_every=8,
    check_finite=None,
    name="reduce",
    block_index=False,
):
    """Lazy tree reduction over aligned dask arrays, DataFrames and Series.

    Parameters
    ----------
    chunk : callable
        ``chunk(*blocks, *params)``, called once per row block.
    arrays : sequence of dask arrays, DataFrames, Series, Bags or None
        Inputs split alike along axis 0 (a DataFrame's partitions are its row blocks, passed
        to ``chunk`` as pandas objects; a Bag's partitions are passed as lists); 2-D arrays
        must have a single column block.
        ``None`` entries are passed to ``chunk`` as ``None``.
    params : sequence, default=()
        Small values passed to every ``chunk`` call after the blocks.
    combine : callable, default=sum_partials
        Merges a list of partials.
    aggregate : callable or None, default=None
        Applied to the final partial.
    split_every : int, default=8
        Fan-in of each combine task.
    check_finite : dict, default={}
        Positions in ``arrays`` whose blocks are checked for NaN/inf before ``chunk`` runs
        (a cheap in-memory check in the pass that reads the block anyway), each mapped to
        the input's name for the error message (e.g. ``{0: "X", 1: "y"}``).
    name : str, default="reduce"
        Prefix of the graph keys.
    block_index : bool, default=False
        When true, ``chunk`` is called as ``chunk(i, *blocks, *params)`` with ``i`` the
        position of the row block (e.g. to seed a per-block random stream so that results
        do not depend on the scheduler).

    Returns
    -------
    dask.delayed.Delayed
        Its graph holds the inputs' graph already optimised (see :mod:`dask_scale._graph.keys`):
        compute it with ``optimize_graph=False``, as :func:`reduce_blocks` does.
    """
    dsk, level, prefix = _chunk_graph(chunk, arrays, params, check_finite, name, block_index)
    _check_split_every(split_every)

    def merge(group, depth, index):
        key = (f"{prefix}-combine-{depth}", index)
        dsk[key] = (_apply_combine, combine, *group)
        return key

    top = _merge_tree(level, merge, split_every)
    final = f"{prefix}-result"
    dsk[final] = top if aggregate is None else (aggregate, top)
    return Delayed(final, dsk)


def row_slices(n_rows, block_rows=LOCAL_BLOCK_ROWS):
    """Row slices that split ``n_rows`` into near-equal blocks of at most ``block_rows``."""
    nblocks = max(1, math.ceil(n_rows / block_rows))
    edges = np.linspace(0, n_rows, nblocks + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=False)]


def reduce_blocks(
    chunk,
    arrays,
    params=(),
    *,
    combine=sum_partials,
    aggregate=None,
    split_every=8,
    check_finite=None,
    name="reduce",
    block_rows=LOCAL_BLOCK_ROWS,
    block_index=False,
):
    """Run a tree reduction now and return its concrete result.

    Same arguments as :func:`tree_reduce` (with NumPy input, ``block_index`` numbers the
    row slices of ``block_rows`` rows). Dask input (arrays, DataFrames, Series, Bags) is
    submitted as one graph (to the active distributed Client if there is one, else to dask's
    default scheduler); in-memory input (NumPy, pandas) runs in-process over row slices of
    ``block_rows`` rows.
    """
    _check_split_every(split_every)
    arrays = list(arrays)
    if any(is_lazy(a) for a in arrays):
        if not all(a is None or is_lazy(a) for a in arrays):
            raise TypeError("internal: mix of dask and non-dask inputs in one reduction")
        client = get_client()
        if client is not None and count_row_blocks(arrays) <= CLIENT_COMBINE_BLOCKS:
            parts = _cluster_partials(
                client, chunk, arrays, params, check_finite, name, block_index
            )
            out = _merge_tree(parts, lambda group, *_: combine(group), split_every)
            return out if aggregate is None else aggregate(out)
        lazy = tree_reduce(
            chunk,
            arrays,
            params,
            combine=combine,
            aggregate=aggregate,
            split_every=split_every,
            check_finite=check_finite,
            name=name,
            block_index=block_index,
        )
        (result,) = compute(lazy, optimize_graph=False)
        return result
    lengths = {a.shape[0] for a in arrays if a is not None}
    if len(lengths) != 1:
        raise ValueError(f"Inputs have different numbers of rows: {sorted(lengths)}")
    slices = row_slices(lengths.pop(), block_rows)
    check_finite = finite_check(check_finite or {})
    params = tuple(params)

    def run(i):
        blocks = [None if a is None else _rows(a, slices[i]) for a in arrays]
        return _run_chunk(chunk, check_finite, i, params, *blocks, pass_index=block_index)

    parts = local_map(run, range(len(slices)))
    out = _merge_tree(parts, lambda group, *_: combine(group), split_every)
    return out if aggregate is None else aggregate(out)
