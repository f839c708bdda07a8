"""Fused per-block kernels of k-means (Lloyd iterations, k-means|| and k-means++ sampling).

Every kernel makes one pass over the rows of a block ``X`` (n, d) and returns small arrays.
Squared distances to a set of centres are computed tile by tile: ``TILE_ROWS`` rows are
transposed into a (d, TILE_ROWS) buffer and the distances to one centre are accumulated over
the features with the innermost loop running over the rows of the tile. That loop has no
reduction in it, so LLVM vectorises it without reassociating anything: every row gets exactly
the same sequence of floating-point operations whatever its position in a block, which is why
results do not depend on how the data is chunked (beyond the order of the per-block sums).
No ``fastmath``: the distances are exact IEEE sums of squared differences (no
``|x|^2 - 2 x.c + |c|^2`` expansion, so no cancellation), in the dtype of ``X``; float32
input stays float32 in the distance loops, and every accumulation across rows is float64.

Sampling kernels keep the best rows of a block in a bounded heap ordered by a score, ties
broken by the row's position (earlier wins); callers sort the survivors with
:func:`heap_order`. Randomness is supplied by the caller as one array of per-row draws, so
these kernels are deterministic functions of their inputs.

Affine input: the kernels that a fit runs take an optional per-feature map
``offset, factor`` (arrays of ``X``'s dtype, or both None): each entry is then read as
``(x - offset[f]) * factor[f]``, computed in ``X``'s dtype as the entry is loaded, so that a
fit on a scaler's lazy output can read the scaler's input instead and never materialise the
scaled block. Everything a kernel returns (sums, sampled rows, moments) is then in the mapped
coordinates. Without the map, entries are read as they are.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._dispatch import kernel

__all__ = [
    "TILE_ROWS",
    "assign_block",
    "heap_order",
    "lloyd_block",
    "sample_block",
    "sqdist_block",
    "sse_block",
    "weighted_sample_block",
]

#: Rows per tile in the distance loops (the tile and its distances stay in L1/L2 cache).
TILE_ROWS = 128


# --------------------------------------------------------------------------------------------
# distances on a tile
# --------------------------------------------------------------------------------------------


@njit(nogil=True, cache=True)
def _entry(X, r, f, offset, factor):
    """Entry ``(r, f)`` of ``X`` as the kernels see it (mapped when ``offset`` is given)."""
    if offset is None:
        return X[r, f]
    return (X[r, f] - offset[f]) * factor[f]


@njit(nogil=True, cache=True)
def _load_tile(X, start, m, Xt, offset, factor):
    """Copy rows ``start:start + m`` of ``X`` (mapped, see :func:`_entry`) into the columns
    of ``Xt`` (d, TILE_ROWS)."""
    d = X.shape[1]
    for i in range(m):
        for f in range(d):
            Xt[f, i] = _entry(X, start + i, f, offset, factor)


@njit(nogil=True, cache=True)
def _sqdist_tile(Xt, m, C, j, dist):
    """``dist[i] = sum_f (Xt[f, i] - C[j, f]) ** 2`` for the ``m`` rows of the tile.

    Features are taken four at a time (fewer loads and stores of ``dist``); the grouping is
    the same for every row.
    """
    d = Xt.shape[0]
    for i in range(m):
        dist[i] = 0.0
    f = 0
    while f + 3 < d:
        c0 = C[j, f]
        c1 = C[j, f + 1]
        c2 = C[j, f + 2]
        c3 = C[j, f + 3]
        for i in range(m):
            t0 = Xt[f, i] - c0
            t1 = Xt[f + 1, i] - c1
            t2 = Xt[f + 2, i] - c2
            t3 = Xt[f + 3, i] - c3
            dist[i] += (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3)
        f += 4
    while f < d:
        c0 = C[j, f]
        for i in range(m):
            t0 = Xt[f, i] - c0
            dist[i] += t0 * t0
        f += 1


@njit(nogil=True, cache=True)
def _nearest_tile(Xt, m, C, dist, best, label):
    """Squared distance to, and index of, the nearest row of ``C`` for each row of the tile.

    Ties go to the lowest centre index. ``C`` must have at least one row.
    """
    k = C.shape[0]
    for i in range(m):
        best[i] = np.inf
        label[i] = 0
    for j in range(k):
        _sqdist_tile(Xt, m, C, j, dist)
        for i in range(m):
            if dist[i] < best[i]:
                best[i] = dist[i]
                label[i] = j


# --------------------------------------------------------------------------------------------
# bounded heap keeping the best (score, row) pairs; the root is the worst kept
# --------------------------------------------------------------------------------------------


@njit(nogil=True, cache=True)
def _better(key_a, row_a, key_b, row_b):
    return key_a > key_b or (key_a == key_b and row_a < row_b)


@njit(nogil=True, cache=True)
def _heap_offer(hkey, hrow, hslot, size, key, row):
    """Offer ``(key, row)`` to a heap of capacity ``len(hkey)`` holding ``size`` entries.

    Returns ``(size, slot)``: the new size and the payload slot the caller must fill with the
    row's data, or ``slot == -1`` when the pair was not kept. A full heap reuses the slot of
    the entry it evicts.
    """
    cap = hkey.shape[0]
    if cap == 0:
        return size, -1
    if size < cap:
        slot = size
        pos = size
        size += 1
        while pos > 0:
            parent = (pos - 1) // 2
            if _better(hkey[parent], hrow[parent], key, row):
                hkey[pos] = hkey[parent]
                hrow[pos] = hrow[parent]
                hslot[pos] = hslot[parent]
                pos = parent
            else:
                break
        hkey[pos] = key
        hrow[pos] = row
        hslot[pos] = slot
        return size, slot
    if not _better(key, row, hkey[0], hrow[0]):
        return size, -1
    slot = hslot[0]
    pos = 0
    while True:
        left = 2 * pos + 1
        if left >= size:
            break
        worst = left
        right = left + 1
        if right < size and _better(hkey[left], hrow[left], hkey[right], hrow[right]):
            worst = right
        if _better(key, row, hkey[worst], hrow[worst]):
            hkey[pos] = hkey[worst]
            hrow[pos] = hrow[worst]
            hslot[pos] = hslot[worst]
            pos = worst
        else:
            break
    hkey[pos] = key
    hrow[pos] = row
    hslot[pos] = slot
    return size, slot


def heap_order(hkey, hrow, hslot, size):
    """Payload slots and keys of a heap's entries, best first (key descending, row ascending)."""
    hkey = hkey[:size]
    hrow = hrow[:size]
    order = np.lexsort((hrow, -hkey))
    return hslot[:size][order], hkey[order], hrow[order]


# --------------------------------------------------------------------------------------------
# Lloyd iteration
# --------------------------------------------------------------------------------------------


@kernel(reads=("X", "w", "C", "offset", "factor"), keep_f=("X",))
def lloyd_block(X, w, C, n_far, labels=None, offset=None, factor=None):
    """One Lloyd pass over a block: assignment, weighted per-cluster sums, SSE, far points.

    Parameters
    ----------
    X : ndarray of shape (n, d), float32 or float64, C-contiguous
    w : ndarray of shape (n,) or None
        Sample weights (None: all ones).
    C : ndarray of shape (k, d), dtype of ``X``
        Current centres.
    n_far : int
        How many of the block's points farthest from their centre to return (for relocating
        empty clusters). Only points with positive weight are candidates.
    labels : ndarray of shape (n,), int32, or None
        When given, filled with the nearest centre of every row (the final E-step's labels).
    offset, factor : ndarrays of shape (d,), dtype of ``X``, or None
        Optional affine map of the entries (see the module docstring); ``C`` and every
        output are then in the mapped coordinates.

    Returns
    -------
    sums : ndarray of shape (k, d), float64
        Weighted sum of the points assigned to each centre.
    weight : ndarray of shape (k,), float64
        Total weight assigned to each centre.
    sse : float
        Weighted sum of squared distances to the nearest centre.
    far_key, far_row, far_slot : ndarrays of shape (n_far,); far_size : int
        Heap of the farthest points (squared distance, row in block, payload slot).
    far_x : ndarray of shape (n_far, d), dtype of ``X``
        The farthest points (payload).
    far_w : ndarray of shape (n_far,), float64
        Their weights.
    far_label : ndarray of shape (n_far,), int64
        Their current centre.
    """
    n, d = X.shape
    k = C.shape[0]
    sums = np.zeros((k, d))
    weight = np.zeros(k)
    sse = 0.0
    far_key = np.empty(n_far)
    far_row = np.empty(n_far, dtype=np.int64)
    far_slot = np.empty(n_far, dtype=np.int64)
    far_x = np.zeros((n_far, d), dtype=X.dtype)
    far_w = np.zeros(n_far)
    far_label = np.zeros(n_far, dtype=np.int64)
    far_size = 0
    # Points closer than this to their centre cannot enter the (full) far-point heap.
    far_floor = -1.0
    Xt = np.empty((d, TILE_ROWS), dtype=X.dtype)
    dist = np.empty(TILE_ROWS, dtype=X.dtype)
    best = np.empty(TILE_ROWS, dtype=X.dtype)
    label = np.empty(TILE_ROWS, dtype=np.int64)
    for start in range(0, n, TILE_ROWS):
        m = min(TILE_ROWS, n - start)
        _load_tile(X, start, m, Xt, offset, factor)
        _nearest_tile(Xt, m, C, dist, best, label)
        for i in range(m):
            r = start + i
            wi = 1.0 if w is None else np.float64(w[r])
            lab = label[i]
            if labels is not None:
                labels[r] = lab
            bi = np.float64(best[i])
            weight[lab] += wi
            for f in range(d):
                sums[lab, f] += wi * _entry(X, r, f, offset, factor)
            sse += wi * bi
            if wi > 0.0 and bi > far_floor:
                far_size, slot = _heap_offer(far_key, far_row, far_slot, far_size, bi, r)
                if slot >= 0:
                    for f in range(d):
                        far_x[slot, f] = _entry(X, r, f, offset, factor)
                    far_w[slot] = wi
                    far_label[slot] = lab
                    if far_size == n_far:
                        far_floor = far_key[0]
    return (
        sums,
        weight,
        sse,
        far_key,
        far_row,
        far_slot,
        far_size,
        far_x,
        far_w,
        far_label,
    )


@kernel(reads=("X", "w", "C"), keep_f=("X",))
def sse_block(X, w, C):
    """Weighted sum of squared distances of the rows of ``X`` to their nearest centre."""
    n, d = X.shape
    sse = 0.0
    Xt = np.empty((d, TILE_ROWS), dtype=X.dtype)
    dist = np.empty(TILE_ROWS, dtype=X.dtype)
    best = np.empty(TILE_ROWS, dtype=X.dtype)
    label = np.empty(TILE_ROWS, dtype=np.int64)
    for start in range(0, n, TILE_ROWS):
        m = min(TILE_ROWS, n - start)
        _load_tile(X, start, m, Xt, None, None)
        _nearest_tile(Xt, m, C, dist, best, label)
        for i in range(m):
            wi = 1.0 if w is None else np.float64(w[start + i])
            sse += wi * np.float64(best[i])
    return sse


@kernel(reads=("X", "C"), keep_f=("X",))
def assign_block(X, C):
    """Nearest centre (int32) and squared distance to it (dtype of ``X``) for every row."""
    n, d = X.shape
    labels = np.empty(n, dtype=np.int32)
    mind = np.empty(n, dtype=X.dtype)
    Xt = np.empty((d, TILE_ROWS), dtype=X.dtype)
    dist = np.empty(TILE_ROWS, dtype=X.dtype)
    best = np.empty(TILE_ROWS, dtype=X.dtype)
    label = np.empty(TILE_ROWS, dtype=np.int64)
    for start in range(0, n, TILE_ROWS):
        m = min(TILE_ROWS, n - start)
        _load_tile(X, start, m, Xt, None, None)
        _nearest_tile(Xt, m, C, dist, best, label)
        for i in range(m):
            labels[start + i] = label[i]
            mind[start + i] = best[i]
    return labels, mind


@kernel(reads=("X", "C"), keep_f=("X",))
def sqdist_block(X, C):
    """Squared distances (n, k) of every row of ``X`` to every centre, dtype of ``X``."""
    n, d = X.shape
    k = C.shape[0]
    out = np.empty((n, k), dtype=X.dtype)
    Xt = np.empty((d, TILE_ROWS), dtype=X.dtype)
    dist = np.empty(TILE_ROWS, dtype=X.dtype)
    for start in range(0, n, TILE_ROWS):
        m = min(TILE_ROWS, n - start)
        _load_tile(X, start, m, Xt, None, None)
        for j in range(k):
            _sqdist_tile(Xt, m, C, j, dist)
            for i in range(m):
                out[start + i, j] = dist[i]
    return out


# --------------------------------------------------------------------------------------------
# initialisation
# --------------------------------------------------------------------------------------------


@kernel(reads=("X", "w", "r", "offset", "factor"), keep_f=("X",))
def weighted_sample_block(X, w, r, n_keep, offset=None, factor=None):
    """Keep the ``n_keep`` rows with the largest ``w / r`` (weighted sampling by keys).

    With ``r`` i.i.d. standard exponential draws, the ``m`` rows with the largest keys over
    all blocks are a weighted sample without replacement of size ``m`` (probability of each
    next pick proportional to ``w``), whatever the blocking: the exponential-clocks form of
    Efraimidis and Spirakis' keys. Rows of weight zero have key 0 and come last.

    Returns
    -------
    total_weight : float
    key, row, slot : ndarrays of shape (n_keep,); size : int
        The heap of kept rows.
    x : ndarray of shape (n_keep, d)
        The kept rows (payload; mapped by ``offset, factor`` when given).
    """
    n, d = X.shape
    hkey = np.empty(n_keep)
    hrow = np.empty(n_keep, dtype=np.int64)
    hslot = np.empty(n_keep, dtype=np.int64)
    px = np.zeros((n_keep, d), dtype=X.dtype)
    size = 0
    total = 0.0
    for i in range(n):
        wi = 1.0 if w is None else np.float64(w[i])
        total += wi
        key = wi / r[i]
        size, slot = _heap_offer(hkey, hrow, hslot, size, key, i)
        if slot >= 0:
            for f in range(d):
                px[slot, f] = _entry(X, i, f, offset, factor)
    return total, hkey, hrow, hslot, size, px


@njit(nogil=True, cache=True)
def _load_tile_scaled(X, start, m, shift, scale, Xt, offset, factor):
    """Like :func:`_load_tile`, storing ``(x - shift) * scale`` in the dtype of ``Xt``."""
    d = X.shape[1]
    for i in range(m):
        for f in range(d):
            x = np.float64(_entry(X, start + i, f, offset, factor))
            Xt[f, i] = (x - shift[f]) * scale


@kernel(reads=("X", "w", "r", "C", "T", "shift", "offset", "factor"), keep_f=("X",))
def sample_block(X, w, r, C, T, shift, scale, n_keep, offset=None, factor=None):
    """One pass of D^2 sampling against the candidate set ``C`` (k-means|| and k-means++).

    For each row: squared distance ``d2`` to its nearest row of ``C``, the cost
    ``phi = sum w * d2``, the weight attracted by each row of ``C``, and the score
    ``w * d2 / r`` kept for the ``n_keep`` best rows.

    ``T`` holds trial centres for a greedy k-means++ step. With ``T`` empty there is one
    outcome, ``C`` itself, as above. Otherwise there is one outcome per trial ``t``: the set
    ``C + {t}``, whose squared distance is ``min(d2, |x - t|^2)``; its cost and its best
    scores (the same draws ``r`` for every outcome) are returned for each trial, so one pass
    both measures every trial and samples the next step's trials for whichever wins.

    Distances are computed in the dtype of ``C`` on standardised coordinates: each row is
    mapped to ``(x - shift) * scale`` (float64 arithmetic, then rounded to ``C``'s dtype) and
    ``C`` and ``T`` must hold the centres mapped the same way. Sampling probabilities are
    invariant to that map (``phi`` scales like every ``d2``), so float32 ``C`` gives the
    sampling passes float32 speed on float64 data without overflow or underflow for any data
    scale; the sampled rows themselves are returned exactly.

    With ``r`` uniform on (0, 1] the rows whose score exceeds ``phi / l`` are exactly those a
    Bernoulli draw with probability ``min(1, l * w * d2 / phi)`` selects (k-means|| round);
    ``phi`` is only known after the pass, so blocks keep their best scores and the caller
    applies the threshold. With ``r`` standard exponential, the ``m`` best scores over all
    blocks are a sample of ``m`` distinct rows drawn with probability proportional to
    ``w * d2`` (k-means++ trials). With ``n_keep == 0`` nothing is sampled and ``r`` is not
    read (weighting pass, or the last k-means++ step).

    With ``offset, factor`` the entries are mapped first (see the module docstring): the
    standardisation applies to the mapped entries and the kept rows are mapped rows.

    Returns
    -------
    phi : ndarray of shape (n_out,), float64
        Cost of each outcome; ``n_out`` is ``len(T)``, or 1 when ``T`` is empty.
    attracted : ndarray of shape (len(C),), float64
        Total weight of the rows whose nearest row of ``C`` is each row of ``C``.
    key, row, slot : ndarrays of shape (n_out, n_keep); size : ndarray of shape (n_out,)
        Heap of the best scores of each outcome.
    x : ndarray of shape (n_out, n_keep, d)
        The kept rows (payload) of each outcome.
    """
    n, d = X.shape
    kc = C.shape[0]
    nt = T.shape[0]
    n_out = max(nt, 1)
    attracted = np.zeros(kc)
    phi = np.zeros(n_out)
    hkey = np.empty((n_out, n_keep))
    hrow = np.empty((n_out, n_keep), dtype=np.int64)
    hslot = np.empty((n_out, n_keep), dtype=np.int64)
    px = np.zeros((n_out, n_keep, d), dtype=X.dtype)
    size = np.zeros(n_out, dtype=np.int64)
    floor = np.full(n_out, -1.0)
    Xt = np.empty((d, TILE_ROWS), dtype=C.dtype)
    dist = np.empty(TILE_ROWS, dtype=C.dtype)
    best = np.empty(TILE_ROWS, dtype=C.dtype)
    label = np.empty(TILE_ROWS, dtype=np.int64)
    wt = np.empty(TILE_ROWS)
    for start in range(0, n, TILE_ROWS):
        m = min(TILE_ROWS, n - start)
        _load_tile_scaled(X, start, m, shift, scale, Xt, offset, factor)
        _nearest_tile(Xt, m, C, dist, best, label)
        for i in range(m):
            wt[i] = 1.0 if w is None else np.float64(w[start + i])
            attracted[label[i]] += wt[i]
        for o in range(n_out):
            if nt > 0:
                _sqdist_tile(Xt, m, T, o, dist)
            for i in range(m):
                d2 = best[i]
                if nt > 0 and dist[i] < d2:
                    d2 = dist[i]
                row = start + i
                cost = wt[i] * np.float64(d2)
                phi[o] += cost
                if n_keep > 0:
                    key = cost / r[row]
                    if key >= floor[o]:
                        size[o], slot = _heap_offer(
                            hkey[o], hrow[o], hslot[o], size[o], key, row
                        )
                        if slot >= 0:
                            for f in range(d):
                                px[o, slot, f] = _entry(X, row, f, offset, factor)
                            if size[o] == n_keep:
                                floor[o] = hkey[o, 0]
    return phi, attracted, hkey, hrow, hslot, size, px
