"""Shared pieces of the generators: argument checks, seeds and streams, row chunks,
allocation of rows to blocks, and the graph of per-block outputs."""

from __future__ import annotations

import math
import numbers

import dask.array as da
import numpy as np
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

from ..utils._random import draw_seed

#: Rows per block when ``chunks=None``.
DEFAULT_BLOCK_ROWS = 100_000

# Spawn-key namespaces of the seed sequences derived from the base seed.
_STRUCTURE_STREAM = 0
_BLOCK_STREAM = 1
_ALLOCATION_STREAM = 2

# numpy's hypergeometric samplers lose precision above this population size.
_HYPERGEOMETRIC_LIMIT = 10**9


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------


def _check_int(name, value, *, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r} of type {type(value).__name__}.")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}.")
    return value


def _check_real(name, value, *, low=None, high=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}.")
    return value


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def _check_vector(name, value, length, *, positive=False, non_negative=False):
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != (length,):
        raise ValueError(
            f"{name} must be a scalar or an array of shape ({length},), got shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite.")
    if positive and (arr <= 0).any():
        raise ValueError(f"{name} must be > 0 everywhere.")
    if non_negative and (arr < 0).any():
        raise ValueError(f"{name} must be >= 0 everywhere.")
    return arr


def _base_seed(random_state):
    """Draw the base seed of all streams from a scikit-learn style ``random_state``."""
    if random_state is None:
        return int(np.random.randint(np.iinfo(np.int64).max, dtype=np.int64))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}.")
        return int(random_state)
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return int(draw_seed(random_state, np.iinfo(np.int64).max, dtype=np.int64))
    raise TypeError(
        "random_state must be None, a non-negative int, a numpy.random.RandomState or a "
        f"numpy.random.Generator, got {random_state!r}."
    )


def _stream(base_seed, *key):
    return np.random.default_rng(np.random.SeedSequence(base_seed, spawn_key=key))


def _row_chunks(chunks, n_samples, n_features=None):
    """Normalise ``chunks`` to a tuple of row-block sizes summing to ``n_samples``."""
    if chunks is None:
        chunks = min(n_samples, DEFAULT_BLOCK_ROWS)
    if isinstance(chunks, numbers.Integral) and not isinstance(chunks, bool):
        size = int(chunks)
        if size < 1:
            raise ValueError(f"chunks must be a positive number of rows per block, got {size}.")
        full, rest = divmod(n_samples, size)
        return (size,) * full + ((rest,) if rest else ())
    if not isinstance(chunks, (tuple, list)):
        raise TypeError(
            "chunks must be None, an int (rows per block) or a tuple of row-block sizes, "
            f"got {chunks!r}."
        )
    if chunks and isinstance(chunks[0], (tuple, list)):
        # dask-style ((rows, ...),) or ((rows, ...), (n_features,))
        if len(chunks) > 2 or (
            len(chunks) == 2
            and (len(chunks[1]) != 1 or n_features is not None and chunks[1][0] != n_features)
        ):
            raise ValueError(
                f"chunks={chunks!r}: columns are always a single block; pass the row-block "
                f"sizes only, e.g. chunks={tuple(chunks[0])!r}."
            )
        chunks = chunks[0]
    rows = []
    for c in chunks:
        if isinstance(c, bool) or not isinstance(c, numbers.Integral) or c < 1:
            raise ValueError(f"chunks must hold positive ints (rows per block), got {chunks!r}.")
        rows.append(int(c))
    if sum(rows) != n_samples:
        raise ValueError(
            f"chunks {tuple(rows)!r} sum to {sum(rows)} rows but n_samples={n_samples}; "
            "the row-block sizes must add up to n_samples."
        )
    return tuple(rows)


def _class_weights(weights, n_classes):
    """Class proportions summing to one from scikit-learn style ``weights``."""
    if weights is None:
        return np.full(n_classes, 1.0 / n_classes)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or len(w) not in (n_classes, n_classes - 1) or len(w) == 0:
        raise ValueError(
            f"weights must have n_classes={n_classes} or n_classes - 1 entries, got "
            f"{np.shape(weights)}."
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"weights must be finite and non-negative, got {list(w)}.")
    if len(w) == n_classes - 1:
        if w.sum() > 1.0 + 1e-12:
            raise ValueError(
                f"weights has n_classes - 1 entries summing to {w.sum():g} > 1; the last class "
                "weight is 1 - sum(weights) and cannot be negative."
            )
        w = np.append(w, max(0.0, 1.0 - w.sum()))
    if w.sum() <= 0:
        raise ValueError("weights must not all be zero.")
    return w / w.sum()


def _apportion(n, proportions):
    """Integers summing to ``n`` proportional to ``proportions`` (largest remainder)."""
    exact = n * np.asarray(proportions, dtype=np.float64)
    counts = np.floor(exact).astype(np.int64)
    short = n - int(counts.sum())
    if short:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


# --------------------------------------------------------------------------------------------
# how many rows of each group go to each block
# --------------------------------------------------------------------------------------------


def _hypergeometric(rng, good, bad, n):
    """Hypergeometric draw, with a normal approximation above numpy's precision limit."""
    if n == 0 or good == 0:
        return 0
    if bad == 0:
        return n
    total = good + bad
    if total < _HYPERGEOMETRIC_LIMIT:
        return int(rng.hypergeometric(good, bad, n))
    p = good / total
    var = n * p * (1.0 - p) * (total - n) / (total - 1)
    draw = round(n * p + math.sqrt(max(var, 0.0)) * rng.standard_normal())
    return int(min(max(draw, n - bad, 0), n, good))


def _multivariate_hypergeometric(rng, colors, n):
    if int(colors.sum()) < _HYPERGEOMETRIC_LIMIT:
        return rng.multivariate_hypergeometric(colors, n).astype(np.int64)
    out = np.zeros(len(colors), dtype=np.int64)
    rest = int(colors.sum())
    for g, good in enumerate(colors.tolist()):
        rest -= good
        out[g] = _hypergeometric(rng, good, rest, n)
        n -= int(out[g])
        if n == 0:
            break
    return out


def _allocate(totals, rows, shuffle, rng):
    """Table ``(n_blocks, n_groups)`` of how many rows of each group each block holds.

    Row and column margins are exact (``rows`` and ``totals``). Without ``shuffle`` the rows
    are ordered by group; with it, the table is that of a uniformly random permutation of the
    rows (drawn block after block from multivariate hypergeometric distributions).
    """
    totals = np.asarray(totals, dtype=np.int64)
    rows = np.asarray(rows, dtype=np.int64)
    if not shuffle:
        block_edges = np.concatenate([[0], np.cumsum(rows)])
        group_edges = np.concatenate([[0], np.cumsum(totals)])
        low = np.maximum(block_edges[:-1, None], group_edges[None, :-1])
        high = np.minimum(block_edges[1:, None], group_edges[None, 1:])
        return np.clip(high - low, 0, None)
    table = np.empty((len(rows), len(totals)), dtype=np.int64)
    remaining = totals.copy()
    for b, n in enumerate(rows.tolist()):
        if b == len(rows) - 1:
            table[b] = remaining
        else:
            table[b] = _multivariate_hypergeometric(rng, remaining, n)
            remaining -= table[b]
    return table


# --------------------------------------------------------------------------------------------
# graph construction: one generating task per block, outputs pick from its tuple
# --------------------------------------------------------------------------------------------


def _block_output(block, params, j):
    """Output ``j`` of a generated block (``params`` is a dependency only, see below)."""
    return block[j]


def _block_arrays(label, block_fn, params, outputs):
    """Dask arrays whose row block ``i`` is output ``j`` of ``block_fn(params, i)``.

    ``params.rows`` holds the row-block sizes; ``outputs`` lists ``(n_columns or None,
    dtype)`` per output (None: 1-D).

    The graph: one key for ``params``, one generating task per block (its outputs as a
    tuple), and per output one task per block that takes its element. Every key is named by
    the token of all the parameters, and each names one task in every graph it is part of:
    the output tasks depend on the ``params`` key as well as on the generating task, so
    dask's linear fusion (which only merges chains of single-dependency tasks) never folds a
    generating task into an output's key. Without that, computing ``X`` alone would give
    ``X``'s keys another task (an alias of a fused key) than a graph holding both ``X`` and
    ``y``, and a distributed scheduler still holding one would receive the other (its
    "Detected different `run_spec`" warning, a source of failures and deadlocks).
    """
    rows = params.rows
    gen = f"{label}-blocks-{params.token}"
    param_key = f"{label}-params-{params.token}"
    gen_layer = {param_key: params}
    for i in range(len(rows)):
        gen_layer[(gen, i)] = (block_fn, param_key, i)
    arrays = []
    for j, (n_columns, dtype) in enumerate(outputs):
        name = f"{label}-{j}-{params.token}"
        index = (0,) if n_columns is not None else ()
        layer = {
            (name, i, *index): (_block_output, (gen, i), param_key, j) for i in range(len(rows))
        }
        if n_columns is None:
            chunks = (rows,)
            meta = np.empty((0,), dtype=dtype)
        else:
            chunks = (rows, (n_columns,))
            meta = np.empty((0, 0), dtype=dtype)
        graph = HighLevelGraph({gen: gen_layer, name: layer}, {gen: set(), name: {gen}})
        arrays.append(da.Array(graph, name, chunks, meta=meta))
    return arrays


class _Params:
    """Everything one generator call needs, shared by all its block tasks (one graph key).

    The token, computed from the values, names the collection: equal calls give equal keys.
    """

    def __init__(self, label, **values):
        self.__dict__.update(values)
        self.token = tokenize(label, sorted(values.items()))

    def __dask_tokenize__(self):
        return self.token


# Rows transformed at a time inside a block (bounds temporaries to ~1 MB per 16 columns).
_ROW_SLICE = 8192


def _block_rng(params, block_index):
    return _stream(params.base_seed, _BLOCK_STREAM, block_index)
