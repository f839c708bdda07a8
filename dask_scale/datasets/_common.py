"""Shared pieces of the generators: argument checks, seeds and streams, row chunks,
allocation of rows to blocks, and the graph of per-block outputs."""

from __future__ import annotations

import math
import numbers

import dask.array as da
import numpy as np
from dask.array.core import normalize_chunks
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

from ..utils import draw_seed

#: Rows per block when ``chunks=None``.
DEFAULT_BLOCK_ROWS = 100_000

# Spawn-key namespaces of the seed sequences derived from the base seed.
_STRUCTURE_STREAM = 0
_BLOCK_STREAM = 1
_ALLOCATION_STREAM = 2
_DATE_STREAM = 3

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


def _chunks(chunks, n_samples, n_features, *, name="chunks"):
    """Row and column block sizes of a ``(n_samples, n_features)`` output, dask's convention.

    ``chunks`` is read as :func:`dask.array.core.normalize_chunks` reads it for the shape
    ``(n_samples, n_features)`` and float64 data, with two additions: an int is the number of
    rows per block (the columns form one block; dask would apply it to both dimensions), and a
    tuple with fewer entries than dimensions leaves the remaining dimensions whole (so
    ``((30, 30, 40),)`` gives explicit row blocks). None means blocks of
    ``DEFAULT_BLOCK_ROWS`` rows. Returns ``(rows, columns)``, two tuples of block sizes.
    """
    if chunks is None:
        chunks = min(n_samples, DEFAULT_BLOCK_ROWS)
    if isinstance(chunks, bool):
        raise TypeError(f"{name} must not be a bool, got {chunks!r}.")
    if isinstance(chunks, numbers.Real) and not isinstance(chunks, numbers.Integral):
        raise TypeError(f"{name} must be an int number of rows per block, got {chunks!r}.")
    if isinstance(chunks, numbers.Integral):
        if chunks < 1 and chunks != -1:
            raise ValueError(
                f"{name} must be a positive number of rows per block (or -1: one block), "
                f"got {chunks}."
            )
        chunks = (int(chunks), -1)
    elif isinstance(chunks, list):
        chunks = tuple(chunks)
    if isinstance(chunks, tuple):
        if len(chunks) > 2:
            raise ValueError(
                f"{name}={chunks!r} has {len(chunks)} entries for a 2-D output of shape "
                f"({n_samples}, {n_features}); dask's convention is one entry per dimension: "
                f"explicit row-block sizes are passed as ({chunks!r},), e.g. "
                f"chunks=({chunks!r}, {n_features})."
            )
        for c in chunks:
            if isinstance(c, bool) or (isinstance(c, numbers.Integral) and c < 1 and c != -1):
                raise ValueError(
                    f"{name}={chunks!r}: a block size must be a positive int (or -1 / None: "
                    f"the whole dimension), got {c!r}."
                )
        chunks = chunks + (-1,) * (2 - len(chunks))
    try:
        rows, columns = normalize_chunks(chunks, (n_samples, n_features), dtype=np.float64)
    except (ValueError, TypeError, ZeroDivisionError) as exc:
        raise ValueError(
            f"{name}={chunks!r} cannot be read as dask chunks of an array of shape "
            f"({n_samples}, {n_features}): {exc} Pass an int (rows per block), a tuple with "
            "one entry per dimension such as (1000, -1), a tuple of block-size tuples, "
            '"auto" or a dict.'
        ) from None
    return tuple(int(r) for r in rows), tuple(int(c) for c in columns)


#: The ``chunks`` entry of the generators' docstrings (the arrays' forms).
CHUNKS_DOC = """chunks : int, tuple, "auto", dict or None, default={default}
        Blocks of ``X``, in dask's convention (:func:`dask.array.core.normalize_chunks` for
        the shape ``(n_samples, n_features)``): an int is the number of rows per block, all
        columns in one block (dask.array would apply an int to both dimensions); a tuple has
        one entry per dimension: ``(1000, 20)`` or ``(1000, -1)`` mean blocks of 1000 rows
        and all 20 columns, an entry that is itself a tuple gives explicit block sizes
        (``((600, 400), (20,))``), a missing column entry means one column block
        (``((600, 400),)``); ``"auto"`` lets dask choose the block shape (about
        ``array.chunk-size`` per block); a dict maps an axis to its chunks (``{{0: 1000}}``);
        None means blocks of 100_000 rows. Column blocks that split the features are
        supported: each row block is generated whole and its column blocks are copied from
        it, so the values do not depend on the column chunks. 1-D outputs (``y``) have the
        row blocks of ``X``."""


def _single_column_block(columns, chunks, what):
    """Refuse column chunks that split the columns (a DataFrame partition holds every column)."""
    if len(columns) > 1:
        raise ValueError(
            f"chunks={chunks!r} splits the {sum(columns)} columns into blocks {columns}, but "
            f"{what}; give the row blocks only, e.g. chunks=1000 or chunks=((500, 500),)."
        )


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


def _block_output(block, params, j, columns=None):
    """Output ``j`` of a generated block, or its columns ``columns`` (a slice) copied
    (``params`` is a dependency only, see below)."""
    out = block[j]
    if columns is not None:
        out = np.ascontiguousarray(out[:, columns])
    return out


def _block_arrays(label, block_fn, params, outputs):
    """Dask arrays whose row block ``i`` is output ``j`` of ``block_fn(params, i)``.

    ``params.rows`` holds the row-block sizes; ``outputs`` lists ``(columns, dtype)`` per
    output: ``columns`` is None for a 1-D output, else the tuple of column-block sizes. A
    generating task makes every column of its row block; an output split into several column
    blocks takes each as a copied slice (the data do not depend on the column chunks).

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
    for j, (columns, dtype) in enumerate(outputs):
        if columns is None:
            name = f"{label}-{j}-{params.token}"
            layer = {(name, i): (_block_output, (gen, i), param_key, j) for i in range(len(rows))}
            chunks = (rows,)
            meta = np.empty((0,), dtype=dtype)
        else:
            columns = tuple(columns)
            # named by the parameters' token (the generating tasks' one), and by the column
            # blocks too when they split the columns (other blocks, other keys)
            token = params.token if len(columns) == 1 else tokenize(params.token, columns)
            name = f"{label}-{j}-{token}"
            edges = np.concatenate([[0], np.cumsum(columns)]).tolist()
            layer = {}
            for i in range(len(rows)):
                for k in range(len(columns)):
                    piece = None if len(columns) == 1 else slice(edges[k], edges[k + 1])
                    layer[(name, i, k)] = (_block_output, (gen, i), param_key, j, piece)
            chunks = (rows, columns)
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
