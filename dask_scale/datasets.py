"""Reproducible, chunked random data generators.

Every generator returns lazy dask collections whose row blocks are produced by one task each.
Nothing is ever materialised as a whole: block ``i`` is generated from its own random stream,
derived from ``random_state`` and ``i``, so

- the same call gives the same data whatever the scheduler (threads, synchronous,
  processes, dask.distributed) and whichever blocks are computed, in whatever order;
- computing block ``i`` alone (``X.blocks[i]``) never needs any other block.

The small global structure of a problem (cluster centres, coefficients, per-class cluster
sizes, the split of those sizes over the blocks) is drawn once, on the client, from the same
``random_state`` and embedded in the graph.

Because each block has its own stream, the data depend on the chunking: the same
``random_state`` with different ``chunks`` gives different (but equally distributed) data.

``chunks`` is the number of rows per block (an int), the size of every row block (a tuple
of ints summing to ``n_samples``; a dask-style ``((rows, ...), (n_features,))`` is accepted
too) or None for blocks of 100_000 rows. Columns always form a single block.

``random_state`` follows scikit-learn: ``None`` draws from NumPy's global random state, an
int is a seed, and a ``numpy.random.RandomState`` or ``numpy.random.Generator`` is used to
draw a base seed (advancing it once).
"""

from __future__ import annotations

import math
import numbers

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph

__all__ = [
    "make_blobs",
    "make_classification",
    "make_classification_df",
    "make_counts",
    "make_regression",
]

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
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int64).max, dtype=np.int64))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(np.iinfo(np.int64).max))
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


# --------------------------------------------------------------------------------------------
# make_blobs
# --------------------------------------------------------------------------------------------


def _blobs_block(params, block_index):
    rng = _block_rng(params, block_index)
    counts = params.table[block_index]
    n = int(counts.sum())
    labels = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    if params.shuffle:
        labels = rng.permutation(labels)
    X = rng.standard_normal((n, params.centers.shape[1]))
    # Shift and scale in row slices: ``centers[labels]`` for the whole block would be a
    # temporary as large as the block (the peak memory of out-of-core fits).
    for start in range(0, n, _ROW_SLICE):
        rows = slice(start, start + _ROW_SLICE)
        X[rows] *= params.cluster_std[labels[rows], None]
        X[rows] += params.centers[labels[rows]]
    return X, labels


def make_blobs(
    n_samples=100,
    n_features=None,
    centers=None,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    shuffle=True,
    random_state=None,
    chunks=None,
    return_centers=False,
):
    """Generate isotropic Gaussian blobs for clustering, as a chunked dask array.

    The model is scikit-learn's :func:`sklearn.datasets.make_blobs`: the sample of centre
    ``k`` is ``centers[k] + cluster_std[k] * N(0, I)``. Each row block is generated from its
    own random stream, so the data are reproducible whatever the scheduler and never
    materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int or array-like of int, default=100
        Total number of points, split as equally as possible between the centres, or the
        number of points of each centre.
    n_features : int or None, default=None
        Number of features. None means 2, or the width of ``centers`` when it is an array
        (an explicit value that disagrees with ``centers`` raises a ValueError).
    centers : int, array-like of shape (n_centers, n_features) or None, default=None
        Number of centres to draw uniformly in ``center_box``, or the centres themselves.
        None means 3 centres, or one per entry of ``n_samples`` when it is a list.
    cluster_std : float or array-like of shape (n_centers,), default=1.0
        Standard deviation of the clusters.
    center_box : tuple of float (min, max), default=(-10.0, 10.0)
        Bounding box of the randomly drawn centres.
    shuffle : bool, default=True
        Put the rows in a uniformly random order. Blocks still hold exactly the requested
        number of points per centre in total. If False, rows are ordered by centre.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per block, or the size of each row block (summing to the number of samples).
        None means blocks of 100_000 rows. Columns are always a single block.
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The samples.
    y : dask array of shape (n_samples,), int64
        The centre index of each sample.
    centers : ndarray of shape (n_centers, n_features)
        The centres; only when ``return_centers=True``.

    Examples
    --------
    >>> from dask_scale.datasets import make_blobs
    >>> X, y = make_blobs(n_samples=1000, centers=4, random_state=0, chunks=250)
    >>> X
    dask.array<make_blobs-0, shape=(1000, 2), dtype=float64, chunksize=(250, 2), chunktype=numpy.ndarray>
    >>> y.chunks
    ((250, 250, 250, 250),)
    """
    # sample counts per centre and the centres
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n_total = _check_int("n_samples", n_samples, low=1)
        per_centre = None
    else:
        per_centre = np.asarray(n_samples)
        if per_centre.ndim != 1 or len(per_centre) == 0 or per_centre.dtype.kind not in "iu":
            raise ValueError(
                "n_samples must be an int or a non-empty 1-D array-like of ints (points per "
                f"centre), got {n_samples!r}."
            )
        if (per_centre < 0).any() or per_centre.sum() < 1:
            raise ValueError(
                "n_samples per centre must be non-negative with at least one point in total, "
                f"got {list(per_centre)}."
            )
        per_centre = per_centre.astype(np.int64)
        n_total = int(per_centre.sum())
    if n_features is not None:
        n_features = _check_int("n_features", n_features, low=1)
    if len(center_box) != 2:
        raise ValueError(f"center_box must be a (min, max) pair, got {center_box!r}.")
    box_low = _check_real("center_box[0]", center_box[0])
    box_high = _check_real("center_box[1]", center_box[1])
    if box_low >= box_high:
        raise ValueError(f"center_box must satisfy min < max, got {center_box!r}.")
    shuffle = _check_bool("shuffle", shuffle)
    return_centers = _check_bool("return_centers", return_centers)
    random_centers = centers is None or (
        isinstance(centers, numbers.Integral) and not isinstance(centers, bool)
    )
    if random_centers:
        if centers is None:
            n_centers = 3 if per_centre is None else len(per_centre)
        else:
            n_centers = _check_int("centers", centers, low=1)
        if per_centre is not None and len(per_centre) != n_centers:
            raise ValueError(
                f"n_samples lists {len(per_centre)} centres but centers={centers}; give one "
                "count per centre."
            )
        if n_features is None:
            n_features = 2
    else:
        centers = np.array(centers, dtype=np.float64)
        if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] == 0:
            raise ValueError(
                "centers must be an int or a 2-D array-like of shape (n_centers, n_features), "
                f"got shape {centers.shape}."
            )
        if not np.isfinite(centers).all():
            raise ValueError("centers must be finite.")
        if n_features is None:
            n_features = centers.shape[1]
        elif n_features != centers.shape[1]:
            raise ValueError(
                f"centers has {centers.shape[1]} columns but n_features={n_features}; leave "
                "n_features=None to use the width of centers."
            )
        n_centers = centers.shape[0]
        if per_centre is not None and len(per_centre) != n_centers:
            raise ValueError(
                f"n_samples lists {len(per_centre)} centres but centers has {n_centers} rows."
            )
    if isinstance(cluster_std, numbers.Real) and not isinstance(cluster_std, bool):
        cluster_std = np.full(n_centers, _check_real("cluster_std", cluster_std, low=0.0))
    else:
        cluster_std = _check_vector("cluster_std", cluster_std, n_centers, non_negative=True)
    if per_centre is None:
        per_centre = _apportion(n_total, np.full(n_centers, 1.0 / n_centers))
    rows = _row_chunks(chunks, n_total, n_features)

    base = _base_seed(random_state)
    if random_centers:
        centers = _stream(base, _STRUCTURE_STREAM).uniform(
            box_low, box_high, size=(n_centers, n_features)
        )
    table = _allocate(per_centre, rows, shuffle, _stream(base, _ALLOCATION_STREAM))
    params = _Params(
        "make_blobs",
        base_seed=base,
        centers=centers,
        cluster_std=cluster_std,
        shuffle=shuffle,
        rows=rows,
        table=table,
    )
    X, y = _block_arrays(
        "make_blobs", _blobs_block, params, [(n_features, np.float64), (None, np.int64)]
    )
    if return_centers:
        return X, y, centers
    return X, y


# --------------------------------------------------------------------------------------------
# make_classification
# --------------------------------------------------------------------------------------------


def _hypercube_vertices(rng, n_vertices, dim):
    """``n_vertices`` distinct random vertices of {-1, 1}**dim, in random order."""
    if dim <= 30:
        ids = rng.choice(2**dim, size=n_vertices, replace=False)
        bits = (ids[:, None] >> np.arange(dim)) & 1
    else:
        seen, chosen = set(), []
        while len(chosen) < n_vertices:
            candidate = rng.integers(0, 2, size=dim)
            key = candidate.tobytes()
            if key not in seen:
                seen.add(key)
                chosen.append(candidate)
        bits = np.array(chosen)
    return 2.0 * bits - 1.0


def _informative_block(rng, counts, centroids, transforms):
    """Gaussian clusters, rows ordered by cluster: ``Z @ A_k + centroid_k`` per cluster."""
    n = int(counts.sum())
    Z = rng.standard_normal((n, centroids.shape[1]))
    start = 0
    for k, c in enumerate(counts.tolist()):
        if c:
            segment = slice(start, start + c)
            if transforms is not None:
                Z[segment] = Z[segment] @ transforms[k]
            Z[segment] += centroids[k]
            start += c
    cluster = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return Z, cluster


def _flip(rng, y, fraction, n_classes):
    if fraction > 0:
        mask = rng.random(len(y)) < fraction
        y[mask] = rng.integers(n_classes, size=int(mask.sum()))
    return y


def _classification_block(p, block_index):
    rng = _block_rng(p, block_index)
    counts = p.table[block_index]
    n = int(counts.sum())
    n_inf = p.centroids.shape[1]
    X = np.empty((n, p.n_features))
    X[:, :n_inf], cluster = _informative_block(rng, counts, p.centroids, p.transforms)
    stop = n_inf
    if p.redundant is not None:
        X[:, stop : stop + p.redundant.shape[1]] = X[:, :n_inf] @ p.redundant
        stop += p.redundant.shape[1]
    if len(p.repeated):
        X[:, stop : stop + len(p.repeated)] = X[:, p.repeated]
        stop += len(p.repeated)
    if stop < p.n_features:
        X[:, stop:] = rng.standard_normal((n, p.n_features - stop))
    y = _flip(rng, cluster % p.n_classes, p.flip_y, p.n_classes)
    if np.any(p.shift != 0.0):
        X += p.shift
    if np.any(p.scale != 1.0):
        X *= p.scale
    if p.shuffle:
        order = rng.permutation(n)
        X = X[np.ix_(order, p.columns)]
        y = y[order]
    return X, y


def _cluster_sizes(n_samples, class_weights, n_clusters_per_class):
    """Rows per cluster; cluster ``k`` belongs to class ``k % n_classes``."""
    n_classes = len(class_weights)
    per_class = _apportion(n_samples, class_weights)
    sizes = np.empty(n_classes * n_clusters_per_class, dtype=np.int64)
    for c in range(n_classes):
        share = _apportion(
            int(per_class[c]), np.full(n_clusters_per_class, 1 / n_clusters_per_class)
        )
        sizes[c::n_classes] = share
    return sizes


def _check_feature_values(name, value, n_features, positive):
    """``shift``/``scale``: a number, an array of shape (n_features,), or None (drawn later)."""
    if value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _check_real(name, value, low=0.0 if positive else None, low_open=positive)
    return _check_vector(name, value, n_features, positive=positive)


def make_classification(
    n_samples=100,
    n_features=20,
    n_informative=2,
    n_redundant=2,
    n_repeated=0,
    n_classes=2,
    n_clusters_per_class=2,
    weights=None,
    flip_y=0.01,
    class_sep=1.0,
    hypercube=True,
    shift=0.0,
    scale=1.0,
    shuffle=True,
    random_state=None,
    chunks=None,
):
    """Generate a random n-class classification problem, as chunked dask arrays.

    The generative model is that of scikit-learn's
    :func:`sklearn.datasets.make_classification`:

    - ``n_classes * n_clusters_per_class`` clusters of points, each normally distributed
      (standard deviation 1) around a distinct vertex of an ``n_informative``-dimensional
      hypercube with sides of length ``2 * class_sep``, then given a random covariance (the
      points of cluster ``k`` are multiplied by a matrix with entries uniform in [-1, 1]).
      Cluster ``k`` belongs to class ``k % n_classes``; the rows of a class are split equally
      between its clusters. With ``hypercube=False`` the centroids are the vertices of a
      random polytope instead: each coordinate of a hypercube vertex is multiplied by an
      independent uniform factor in [0, 1).
    - ``n_redundant`` features are random linear combinations (coefficients uniform in
      [-1, 1]) of the informative ones, ``n_repeated`` features are copies of informative or
      redundant ones drawn with replacement, and the remaining features are standard normal
      noise.
    - A fraction ``flip_y`` of the labels is replaced by a uniformly random class.
    - Features are shifted by ``shift`` and then multiplied by ``scale``.

    Without shuffling, the columns are, in order: informative, redundant, repeated, noise,
    and the rows are ordered by cluster.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=20
        Total number of features.
    n_informative : int, default=2
        Number of informative features.
    n_redundant : int, default=2
        Number of redundant features (linear combinations of the informative ones).
    n_repeated : int, default=0
        Number of duplicated features.
    n_classes : int, default=2
        Number of classes.
    n_clusters_per_class : int, default=2
        Number of clusters per class. ``n_classes * n_clusters_per_class`` must not exceed
        ``2 ** n_informative``.
    weights : array-like of shape (n_classes,) or (n_classes - 1,) or None, default=None
        Proportion of samples of each class (normalised to sum to one). With
        ``n_classes - 1`` entries the last class gets ``1 - sum(weights)``. None means
        balanced classes. The class sizes before label flipping are exact.
    flip_y : float in [0, 1], default=0.01
        Fraction of samples whose class is assigned at random.
    class_sep : float, default=1.0
        Half the side of the hypercube; larger values make the problem easier.
    hypercube : bool, default=True
        Centroids on hypercube vertices (True) or on a random polytope (False).
    shift : float, array of shape (n_features,) or None, default=0.0
        Added to the features. None draws one shift per feature uniformly in
        [-class_sep, class_sep].
    scale : float, array of shape (n_features,) or None, default=1.0
        Multiplies the features (after shifting); must be positive. None draws one scale
        per feature uniformly in [1, 100].
    shuffle : bool, default=True
        Put the rows in a uniformly random order and permute the columns (the same column
        permutation for every block).
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per block, or the size of each row block (summing to ``n_samples``). None means
        blocks of 100_000 rows. Columns are always a single block.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The samples.
    y : dask array of shape (n_samples,), int64
        The class labels, in ``range(n_classes)``.

    Examples
    --------
    >>> from dask_scale.datasets import make_classification
    >>> X, y = make_classification(n_samples=1000, n_features=10, random_state=0, chunks=400)
    >>> X.shape, X.chunks[0], y.dtype
    ((1000, 10), (400, 400, 200), dtype('int64'))
    >>> X.compute().shape
    (1000, 10)
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1)
    n_redundant = _check_int("n_redundant", n_redundant, low=0)
    n_repeated = _check_int("n_repeated", n_repeated, low=0)
    n_classes = _check_int("n_classes", n_classes, low=1)
    n_clusters_per_class = _check_int("n_clusters_per_class", n_clusters_per_class, low=1)
    if n_informative + n_redundant + n_repeated > n_features:
        raise ValueError(
            f"n_informative + n_redundant + n_repeated = "
            f"{n_informative + n_redundant + n_repeated} exceeds n_features={n_features}; "
            "increase n_features or lower the others."
        )
    n_clusters = n_classes * n_clusters_per_class
    if n_clusters > 2**n_informative:
        raise ValueError(
            f"n_classes * n_clusters_per_class = {n_clusters} must be smaller than or equal to "
            f"2**n_informative = {2**n_informative}; increase n_informative or lower "
            "n_classes / n_clusters_per_class."
        )
    class_weights = _class_weights(weights, n_classes)
    flip_y = _check_real("flip_y", flip_y, low=0.0, high=1.0)
    class_sep = _check_real("class_sep", class_sep, low=0.0)
    shift = _check_feature_values("shift", shift, n_features, positive=False)
    scale = _check_feature_values("scale", scale, n_features, positive=True)
    hypercube = _check_bool("hypercube", hypercube)
    shuffle = _check_bool("shuffle", shuffle)
    rows = _row_chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    centroids = class_sep * _hypercube_vertices(rng, n_clusters, n_informative)
    if not hypercube:
        centroids *= rng.random(size=centroids.shape)
    transforms = 2.0 * rng.random(size=(n_clusters, n_informative, n_informative)) - 1.0
    redundant = None
    if n_redundant:
        redundant = 2.0 * rng.random(size=(n_informative, n_redundant)) - 1.0
    repeated = rng.integers(0, n_informative + n_redundant, size=n_repeated)
    if shift is None:
        shift = rng.uniform(-class_sep, class_sep, size=n_features)
    if scale is None:
        scale = rng.uniform(1.0, 100.0, size=n_features)
    columns = rng.permutation(n_features) if shuffle else np.arange(n_features)

    sizes = _cluster_sizes(n_samples, class_weights, n_clusters_per_class)
    table = _allocate(sizes, rows, shuffle, _stream(base, _ALLOCATION_STREAM))
    params = _Params(
        "make_classification",
        base_seed=base,
        n_features=n_features,
        n_classes=n_classes,
        centroids=centroids,
        transforms=transforms,
        redundant=redundant,
        repeated=repeated,
        flip_y=flip_y,
        shift=shift,
        scale=scale,
        shuffle=shuffle,
        columns=columns,
        rows=rows,
        table=table,
    )
    X, y = _block_arrays(
        "make_classification",
        _classification_block,
        params,
        [(n_features, np.float64), (None, np.int64)],
    )
    return X, y


# --------------------------------------------------------------------------------------------
# make_regression
# --------------------------------------------------------------------------------------------


def _regression_block(p, block_index):
    rng = _block_rng(p, block_index)
    n_rows = p.rows[block_index]
    X = rng.standard_normal((n_rows, p.n_features))
    y = X[:, p.informative] @ p.coef + p.bias
    if p.noise > 0:
        y += p.noise * rng.standard_normal(y.shape)
    if p.squeeze:
        y = y[:, 0]
    return X, y


def make_regression(
    n_samples=100,
    n_features=100,
    n_informative=10,
    n_targets=1,
    bias=0.0,
    noise=0.0,
    shuffle=True,
    coef=False,
    random_state=None,
    chunks=None,
):
    """Generate a random linear regression problem, as chunked dask arrays.

    The model is scikit-learn's :func:`sklearn.datasets.make_regression` (with
    ``effective_rank=None``): the features are independent standard normal, ``n_informative``
    of them have coefficients drawn uniformly in [0, 100) (the others are zero), and
    ``y = X @ coef + bias + noise * N(0, 1)``.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=100
        Number of features.
    n_informative : int, default=10
        Number of features with a non-zero coefficient (at most ``n_features``).
    n_targets : int, default=1
        Number of regression targets.
    bias : float, default=0.0
        Intercept of the linear model.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to ``y``.
    shuffle : bool, default=True
        Put the informative features at random columns (without shuffling they are the
        first ``n_informative`` columns). The rows are independent and identically
        distributed, so their order is random either way.
    coef : bool, default=False
        Also return the coefficients of the model.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per block, or the size of each row block (summing to ``n_samples``). None means
        blocks of 100_000 rows. Columns are always a single block.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The input samples.
    y : dask array of shape (n_samples,) or (n_samples, n_targets), float64
        The targets (1-D when ``n_targets == 1``).
    coef : ndarray of shape (n_features,) or (n_features, n_targets)
        The coefficients; only when ``coef=True``.

    Examples
    --------
    >>> from dask_scale.datasets import make_regression
    >>> X, y, w = make_regression(n_samples=500, n_features=5, n_informative=2,
    ...                           coef=True, random_state=0, chunks=200)
    >>> X.shape, y.shape, w.shape
    ((500, 5), (500,), (5,))
    >>> import numpy as np
    >>> bool(np.allclose(X.compute() @ w, y.compute()))
    True
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=0)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} exceeds n_features={n_features}; lower "
            "n_informative or increase n_features."
        )
    n_targets = _check_int("n_targets", n_targets, low=1)
    bias = _check_real("bias", bias)
    noise = _check_real("noise", noise, low=0.0)
    shuffle = _check_bool("shuffle", shuffle)
    return_coef = _check_bool("coef", coef)
    rows = _row_chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    coef_informative = 100.0 * rng.random(size=(n_informative, n_targets))
    if shuffle:
        informative = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    else:
        informative = np.arange(n_informative)
    full_coef = np.zeros((n_features, n_targets))
    full_coef[informative] = coef_informative
    params = _Params(
        "make_regression",
        base_seed=base,
        n_features=n_features,
        informative=informative,
        coef=coef_informative,
        bias=bias,
        noise=noise,
        squeeze=n_targets == 1,
        rows=rows,
    )
    X, y = _block_arrays(
        "make_regression",
        _regression_block,
        params,
        [(n_features, np.float64), (None if n_targets == 1 else n_targets, np.float64)],
    )
    if return_coef:
        return X, y, full_coef[:, 0] if n_targets == 1 else full_coef
    return X, y


# --------------------------------------------------------------------------------------------
# make_counts
# --------------------------------------------------------------------------------------------


def _counts_block(p, block_index):
    rng = _block_rng(p, block_index)
    n_rows = p.rows[block_index]
    X = rng.standard_normal((n_rows, p.n_features))
    rate = np.exp(X[:, p.informative] @ p.coef)
    return X, rng.poisson(rate).astype(np.int64)


def make_counts(
    n_samples=1000,
    n_features=100,
    n_informative=2,
    scale=1.0,
    coef=False,
    random_state=None,
    chunks=None,
):
    """Generate a Poisson regression problem (count targets), as chunked dask arrays.

    The model: the features are independent standard normal; ``n_informative`` of them,
    at random columns, have non-zero coefficients, the others zero. The informative
    coefficients form a uniformly random direction of Euclidean norm ``scale``, so the
    log-rate ``X @ coef`` is exactly ``N(0, scale**2)`` distributed and the rates stay
    moderate (with ``scale=1`` the mean count is ``exp(1/2)``). Then
    ``y ~ Poisson(exp(X @ coef))``; there is no intercept.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples.
    n_features : int, default=100
        Number of features.
    n_informative : int, default=2
        Number of features with a non-zero coefficient (1 to ``n_features``).
    scale : float, default=1.0
        Norm of the coefficient vector, i.e. the standard deviation of the log-rate.
    coef : bool, default=False
        Also return the coefficients of the model.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per block, or the size of each row block (summing to ``n_samples``). None means
        blocks of 100_000 rows. Columns are always a single block.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The input samples.
    y : dask array of shape (n_samples,), int64
        The counts (non-negative integers).
    coef : ndarray of shape (n_features,)
        The coefficients; only when ``coef=True``.

    Examples
    --------
    >>> from dask_scale.datasets import make_counts
    >>> X, y = make_counts(n_samples=1000, n_features=10, random_state=0, chunks=500)
    >>> X.chunks, y.dtype
    (((500, 500), (10,)), dtype('int64'))
    >>> bool((y >= 0).all().compute())
    True
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} exceeds n_features={n_features}; lower "
            "n_informative or increase n_features."
        )
    scale = _check_real("scale", scale, low=0.0)
    return_coef = _check_bool("coef", coef)
    rows = _row_chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    informative = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    direction = rng.standard_normal(n_informative)
    coef_informative = scale * direction / np.linalg.norm(direction)
    full_coef = np.zeros(n_features)
    full_coef[informative] = coef_informative
    params = _Params(
        "make_counts",
        base_seed=base,
        n_features=n_features,
        informative=informative,
        coef=coef_informative,
        rows=rows,
    )
    X, y = _block_arrays(
        "make_counts", _counts_block, params, [(n_features, np.float64), (None, np.int64)]
    )
    if return_coef:
        return X, y, full_coef
    return X, y


# --------------------------------------------------------------------------------------------
# make_classification_df
# --------------------------------------------------------------------------------------------


def _category_dtype(n_categories):
    return pd.CategoricalDtype([f"c{j}" for j in range(n_categories)])


def _classification_df_partition(block_index, p):
    rng = _block_rng(p, block_index)
    counts = p.table[block_index]
    start = p.starts[block_index]
    n = int(counts.sum())
    n_inf = p.centroids.shape[1]
    numeric = np.empty((n, p.n_numeric))
    numeric[:, :n_inf], label = _informative_block(rng, counts, p.centroids, None)
    if p.n_numeric > n_inf:
        numeric[:, n_inf:] = rng.standard_normal((n, p.n_numeric - n_inf))
    # categorical codes drawn from the class's own distribution over the categories: the
    # code is the number of cumulative probabilities (of the row's class) <= a uniform draw
    # (a binary search per class: the cumulative probabilities are sorted)
    n_categorical, n_classes, n_categories = p.category_cdf.shape
    codes = np.empty((n_categorical, n), dtype=np.int8 if n_categories <= 127 else np.int32)
    draws = rng.random((n_categorical, n))
    for j in range(n_categorical):
        for c in range(n_classes):
            rows = label == c
            codes[j, rows] = np.searchsorted(p.category_cdf[j, c], draws[j, rows], side="right")
    y = _flip(rng, label, 1.0 - p.predictability, p.n_classes)
    order = rng.permutation(n)
    dtype = _category_dtype(n_categories)
    # the numeric columns as one 2-D block (rows gathered once, no per-column copies)
    frame = pd.DataFrame(
        numeric[order],
        columns=[f"num_{j}" for j in range(p.n_numeric)],
        index=pd.RangeIndex(start, start + n),
        copy=False,
    )
    extra = {
        f"cat_{j}": pd.Categorical.from_codes(codes[j][order], dtype=dtype)
        for j in range(n_categorical)
    }
    extra["target"] = y[order]
    return frame.assign(**extra)


def make_classification_df(
    n_samples=10000,
    n_features=5,
    n_informative=2,
    n_classes=2,
    n_categorical=2,
    n_categories=4,
    weights=None,
    response_rate=None,
    predictability=0.9,
    class_sep=1.0,
    random_state=None,
    chunks=None,
):
    """Generate a classification problem with numeric and categorical columns, as a dask
    DataFrame.

    The model:

    - Each row first gets a true class, with exact class sizes from ``weights`` (or
      ``response_rate``); rows are in a uniformly random order.
    - Numeric columns ``num_0`` … ``num_{n_features - 1}``: the first ``n_informative`` are
      normally distributed (standard deviation 1) around a class centroid, the centroids
      being distinct random vertices of the hypercube ``{-class_sep, class_sep}**n_informative``;
      the others are standard normal noise.
    - Categorical columns ``cat_0`` … ``cat_{n_categorical - 1}`` (pandas ``category``
      dtype with the categories ``"c0"`` … ``"c{n_categories - 1}"`` known and identical in
      every partition): for every column and class, a probability vector over the
      categories is drawn once from a flat Dirichlet distribution; each row's category is
      drawn from the vector of its true class, so categories carry information about the
      class.
    - The label equals the true class with probability ``predictability``; otherwise it is
      a uniformly random class.

    The index holds the global row numbers (0 to ``n_samples - 1``) and the divisions are
    known. Each partition is generated from its own random stream, so the data are
    reproducible whatever the scheduler and never materialised as a whole; they depend on
    ``chunks``.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of rows.
    n_features : int, default=5
        Number of numeric columns.
    n_informative : int, default=2
        Number of informative numeric columns (1 to ``n_features``);
        ``n_classes <= 2 ** n_informative``.
    n_classes : int, default=2
        Number of classes.
    n_categorical : int, default=2
        Number of categorical columns (may be 0).
    n_categories : int, default=4
        Number of categories of each categorical column (at least 2).
    weights : array-like of shape (n_classes,) or (n_classes - 1,) or None, default=None
        Proportion of rows of each class, as in :func:`make_classification`. None means
        balanced classes.
    response_rate : float in (0, 1) or None, default=None
        Binary problems only: the proportion of the positive class, a shorthand for
        ``weights=[1 - response_rate, response_rate]``. Cannot be combined with ``weights``.
    predictability : float in [0, 1], default=0.9
        Probability that a label is the true class; the others are uniformly random
        (``1 - predictability`` plays the role of ``flip_y``). 1.0 is the easiest problem,
        0.0 makes the labels independent of the features.
    class_sep : float, default=1.0
        Half the distance between class centroids along each informative column.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per partition, or the size of each partition (summing to ``n_samples``). None
        means partitions of 100_000 rows.

    Returns
    -------
    X : dask DataFrame of shape (n_samples, n_features + n_categorical)
        Float64 columns ``num_*`` then categorical columns ``cat_*``.
    y : dask Series of shape (n_samples,), int64
        The labels, named ``"target"``, with the same index and divisions as ``X``.

    Examples
    --------
    >>> from dask_scale.datasets import make_classification_df
    >>> X, y = make_classification_df(n_samples=1000, random_state=0, chunks=250)
    >>> list(X.columns)
    ['num_0', 'num_1', 'num_2', 'num_3', 'num_4', 'cat_0', 'cat_1']
    >>> X.divisions
    (0, 250, 500, 750, 999)
    >>> X.dtypes["cat_0"]
    CategoricalDtype(categories=['c0', 'c1', 'c2', 'c3'], ordered=False, categories_dtype=str)
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1, high=n_features)
    n_classes = _check_int("n_classes", n_classes, low=1)
    if n_classes > 2**n_informative:
        raise ValueError(
            f"n_classes={n_classes} must be smaller than or equal to 2**n_informative = "
            f"{2**n_informative}; increase n_informative."
        )
    n_categorical = _check_int("n_categorical", n_categorical, low=0)
    n_categories = _check_int("n_categories", n_categories, low=2)
    if response_rate is not None:
        if weights is not None:
            raise ValueError("Pass either weights or response_rate, not both.")
        if n_classes != 2:
            raise ValueError(
                f"response_rate is for binary problems but n_classes={n_classes}; use weights."
            )
        response_rate = _check_real("response_rate", response_rate, low=0.0, low_open=True)
        if response_rate >= 1.0:
            raise ValueError(f"response_rate must be < 1, got {response_rate}.")
        weights = [1.0 - response_rate, response_rate]
    class_weights = _class_weights(weights, n_classes)
    predictability = _check_real("predictability", predictability, low=0.0, high=1.0)
    class_sep = _check_real("class_sep", class_sep, low=0.0)
    rows = _row_chunks(chunks, n_samples)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    centroids = class_sep * _hypercube_vertices(rng, n_classes, n_informative)
    probabilities = rng.dirichlet(np.ones(n_categories), size=(n_categorical, n_classes))
    category_cdf = np.cumsum(probabilities, axis=2)
    category_cdf[:, :, -1] = np.inf  # guard against rounding: the last category closes at 1
    table = _allocate(
        _apportion(n_samples, class_weights), rows, True, _stream(base, _ALLOCATION_STREAM)
    )
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
    params = _Params(
        "make_classification_df",
        base_seed=base,
        n_numeric=n_features,
        n_classes=n_classes,
        centroids=centroids,
        category_cdf=category_cdf,
        predictability=predictability,
        table=table,
        starts=starts,
    )
    columns = [f"num_{j}" for j in range(n_features)] + [f"cat_{j}" for j in range(n_categorical)]
    category_dtype = _category_dtype(n_categories)
    meta = pd.DataFrame(
        {c: np.empty(0) for c in columns[:n_features]}
        | {c: pd.Categorical.from_codes([], dtype=category_dtype) for c in columns[n_features:]}
        | {"target": np.empty(0, dtype=np.int64)},
        index=pd.RangeIndex(0),
    )
    frame = dd.from_map(
        _classification_df_partition,
        range(len(rows)),
        args=(params,),
        meta=meta,
        divisions=(*starts.tolist(), n_samples - 1),
        label="make_classification_df",
        enforce_metadata=False,
    )
    return frame[columns], frame["target"]
