"""Chunk and combine functions of the KMeans passes: the glue between kernels and graphs.

Each pass over the data is one :func:`dask_scale._graph.reduce_blocks` call: a ``*_chunk``
function runs the numba kernel of :mod:`dask_scale._kernels.kmeans` on one row block and
returns a small partial; the matching ``combine_*`` function merges partials in the reduction
tree. Partials are tuples of NumPy arrays and floats.

Sampled rows travel as a "top list": ``(keys, *payload)`` sorted best first (key descending,
then block order, then row order). Merging concatenates the lists of consecutive blocks and
keeps the ``n_keep`` best with a stable sort, so the result is the same whatever the shape of
the reduction tree.

Affine input: the functions of a fit's passes take ``affine``, None or the pair
``(offset, factor)`` of a scaler's map that the kernels apply to every entry as they read
it (see :mod:`dask_scale._graph.affine`): the block is then the scaler's input and every
partial is in the scaled coordinates, as if the block had been scaled first.

Randomness: the per-row draws of block ``i`` in stage ``s`` come from
``SeedSequence(seed, spawn_key=(s, i))``, so a pass gives the same result on every scheduler
(threads, synchronous, distributed) for a given ``seed`` and chunking.
"""

from __future__ import annotations

import functools

import numpy as np

from .._kernels._dispatch import readonly
from .._kernels.kmeans import (
    assign_block,
    heap_order,
    lloyd_block,
    sample_block,
    sqdist_block,
    sse_block,
    weighted_sample_block,
)
from .._kernels.stats import block_moments, merge_moments

__all__ = [
    "UNIFORM",
    "EXPONENTIAL",
    "TINY",
    "assigned_sse_chunk",
    "block_rng",
    "combine_first",
    "combine_lloyd",
    "combine_lloyd_labels",
    "combine_lloyd_moments",
    "combine_sample",
    "distances_chunk",
    "first_chunk",
    "labels_chunk",
    "lloyd_chunk",
    "lloyd_labels_chunk",
    "lloyd_moments_chunk",
    "moments_of",
    "sample_chunk",
    "sse_chunk",
]

#: Law of the per-row draws ``r`` of :func:`sample_chunk` (score ``w * d2 / r``).
UNIFORM = 0  # r uniform on (0, 1]: Bernoulli thresholding (k-means|| rounds)
EXPONENTIAL = 1  # r standard exponential: draws proportional to the score (k-means++)

#: Smallest exponential draw used (a draw of exactly 0 would give an infinite key).
TINY = np.finfo(np.float64).tiny


def block_rng(seed, stage, block_index):
    """Random generator of one row block in one stage of a fit."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stage, block_index)))


def _contiguous(X):
    """``X`` read-only, C- or F-contiguous (the layouts the kernels are compiled for)."""
    return readonly(X, keep_f=True)


def _weights(w, n):
    """Sample weights for the kernels: float64, ones when None.

    The kernels accept ``w=None`` too, but weights of ones give the same sums bit for bit
    and one compiled specialisation serves weighted and unweighted fits (the per-row load
    of a weight is nothing against the distances to every centre).
    """
    if w is None:
        return np.ones(n)
    return readonly(np.asarray(w, dtype=np.float64))


def _map(affine):
    """``(offset, factor)`` for the kernels: the affine map, or ``(None, None)``."""
    return (None, None) if affine is None else affine


def _top(hkey, hrow, hslot, size, *payload):
    slots, keys, _ = heap_order(hkey, hrow, hslot, size)
    return (keys, *(p[slots] for p in payload))


def merge_top(tops, n_keep):
    """Keep the ``n_keep`` best entries of top lists given in block order."""
    if len(tops) == 1:
        return tops[0]
    keys = np.concatenate([t[0] for t in tops])
    order = np.argsort(-keys, kind="stable")[:n_keep]
    payload = [np.concatenate([t[j] for t in tops])[order] for j in range(1, len(tops[0]))]
    return (keys[order], *payload)


_NO_WEIGHTS = np.empty(0)


def _moments(X, affine=None):
    """Per-feature moments of a block, unweighted (scikit-learn's ``tol`` is unweighted).

    With ``affine``, the moments of the mapped entries ``(x - offset) * factor``: the mean
    is mapped, the centred sum of squares scaled by ``factor**2`` (no mapped block is made).
    """
    count, shift, off, m2 = block_moments(X, _NO_WEIGHTS, False)
    if affine is None:
        return count, shift, off, m2
    offset, factor = affine
    return count, (shift - offset) * factor, off * factor, m2 * factor * factor


def _merge_all_moments(parts):
    return functools.reduce(merge_moments, parts)


def moments_of(summary):
    """``(n, mean, m2)`` of the data from its merged moments (finite data: one count)."""
    count, shift, offset, m2 = summary
    return float(count[0]), shift + offset, m2


# --------------------------------------------------------------------------------------------
# Lloyd iterations
# --------------------------------------------------------------------------------------------


def lloyd_chunk(X, w, C, n_far, affine=None):
    """Partial ``(sums, weight, sse, far)`` of one Lloyd pass over a block."""
    X = _contiguous(X)
    # a scratch labels array: one specialisation for this pass and the final E-step's
    labels = np.empty(X.shape[0], dtype=np.int32)
    sums, weight, sse, fkey, frow, fslot, fsize, fx, fw, flab = lloyd_block(
        X, _weights(w, X.shape[0]), C, n_far, labels, *_map(affine)
    )
    return sums, weight, sse, _top(fkey, frow, fslot, fsize, fx, fw, flab)


def combine_lloyd(parts, n_far):
    sums = parts[0][0].copy()
    weight = parts[0][1].copy()
    sse = parts[0][2]
    for p in parts[1:]:
        sums += p[0]
        weight += p[1]
        sse += p[2]
    return sums, weight, sse, merge_top([p[3] for p in parts], n_far)


def lloyd_labels_chunk(X, w, C, n_far, affine=None):
    """A Lloyd pass that also returns the block's labels (int32), for the final E-step.

    The labels come as a one-element list so that the reduction keeps one array per row
    block (empty blocks included): the block structure of the labels is the input's.
    """
    X = _contiguous(X)
    labels = np.empty(X.shape[0], dtype=np.int32)
    sums, weight, sse, fkey, frow, fslot, fsize, fx, fw, flab = lloyd_block(
        X, _weights(w, X.shape[0]), C, n_far, labels, *_map(affine)
    )
    return (sums, weight, sse, _top(fkey, frow, fslot, fsize, fx, fw, flab)), [labels]


def combine_lloyd_labels(parts, n_far):
    """Merge Lloyd partials; the per-block label lists of consecutive parts are joined in
    order (one array per row block, never concatenated on the way up)."""
    return (
        combine_lloyd([p[0] for p in parts], n_far),
        [block for p in parts for block in p[1]],
    )


def lloyd_moments_chunk(X, w, C, n_far, affine=None):
    """A Lloyd pass fused with the per-feature moments (for ``tol``) of the data."""
    X = _contiguous(X)
    return lloyd_chunk(X, w, C, n_far, affine), _moments(X, affine)


def combine_lloyd_moments(parts, n_far):
    return (
        combine_lloyd([p[0] for p in parts], n_far),
        _merge_all_moments([p[1] for p in parts]),
    )


def assigned_sse_chunk(X, labels, C):
    """Sum of squared distances of the block's rows to the centres their labels name
    (float64 accumulation)."""
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(
            f"labels block of shape {labels.shape} for a block of {X.shape[0]} rows: labels "
            "must have the row chunks of X."
        )
    if labels.size and not (
        np.issubdtype(labels.dtype, np.integer) and 0 <= labels.min() and labels.max() < len(C)
    ):
        raise ValueError(f"labels must be integers in [0, {len(C)}): indices of centers.")
    diff = np.asarray(X, dtype=np.float64) - C.astype(np.float64)[labels]
    return float(np.einsum("ij,ij->", diff, diff))


def sse_chunk(X, w, C):
    X = _contiguous(X)
    return sse_block(X, _weights(w, X.shape[0]), C)


# --------------------------------------------------------------------------------------------
# initialisation
# --------------------------------------------------------------------------------------------


def first_chunk(block_index, X, w, seed, stage, n_keep, affine=None):
    """Moments of the block and its ``n_keep`` rows of largest key ``w / Exp(1)``."""
    X = _contiguous(X)
    r = block_rng(seed, stage, block_index).standard_exponential(X.shape[0])
    np.maximum(r, TINY, out=r)
    offset, factor = _map(affine)
    total, hkey, hrow, hslot, size, px = weighted_sample_block(
        X, _weights(w, X.shape[0]), r, n_keep, offset, factor
    )
    return _moments(X, affine), total, _top(hkey, hrow, hslot, size, px)


def combine_first(parts, n_keep):
    return (
        _merge_all_moments([p[0] for p in parts]),
        sum(p[1] for p in parts),
        merge_top([p[2] for p in parts], n_keep),
    )


def sample_chunk(block_index, X, w, C, T, shift, scale, seed, stage, law, n_keep, affine=None):
    """Cost, attracted weights and best ``w * d2 / r`` scores of a block against ``C``.

    ``C`` (and the trial centres ``T`` of a greedy k-means++ step, possibly empty) hold
    centres in the standardised coordinates ``(c - shift) * scale`` (see
    :func:`dask_scale._kernels.kmeans.sample_block`). Returns ``(phi, attracted, tops)``
    with ``phi`` and ``tops`` (a list of top lists ``(keys, rows)``) per outcome: one per
    trial, or one for ``C`` itself when ``T`` is empty.
    """
    X = _contiguous(X)
    n = X.shape[0]
    if n_keep == 0:
        r = np.empty(0)
    elif law == UNIFORM:
        r = 1.0 - block_rng(seed, stage, block_index).random(n)
    else:
        r = block_rng(seed, stage, block_index).standard_exponential(n)
        np.maximum(r, TINY, out=r)
    phi, attracted, hkey, hrow, hslot, size, px = sample_block(
        X, _weights(w, n), r, C, T, shift, scale, n_keep, *_map(affine)
    )
    tops = [_top(hkey[o], hrow[o], hslot[o], size[o], px[o]) for o in range(phi.shape[0])]
    return phi, attracted, tops


def combine_sample(parts, n_keep):
    phi = parts[0][0].copy()
    attracted = parts[0][1].copy()
    for p in parts[1:]:
        phi += p[0]
        attracted += p[1]
    tops = [merge_top([p[2][o] for p in parts], n_keep) for o in range(phi.shape[0])]
    return phi, attracted, tops


# --------------------------------------------------------------------------------------------
# predict / transform (row maps)
# --------------------------------------------------------------------------------------------


def labels_chunk(X, C):
    return assign_block(_contiguous(X), C)[0]


def distances_chunk(X, C):
    out = sqdist_block(_contiguous(X), C)
    np.sqrt(out, out=out)
    return out
