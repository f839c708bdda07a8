"""Per-block statistics for the preprocessing and impute estimators.

Every kernel reads one row block (a C-ordered 2-D NumPy array) once or twice and returns
small per-column arrays that a tree reduction merges:

- :func:`block_moments`: weighted count, mean and centred sum of squares per column, NaN
  skipped (merged with :func:`merge_moments`, Chan et al.'s pairwise update);
- :func:`block_class_moments`: the same per class of an integer-coded label (merged with
  :func:`merge_class_moments`, which aligns the classes of two summaries first);
- :func:`block_minmax`: NaN-skipping minimum and maximum per column;
- :func:`value_counts`: the distinct values of a column with their (weighted) counts and
  the count of its missing entries (merged with :func:`merge_value_counts`): hash tables
  (pandas' factorisation) on the column's own dtype, so strings and categoricals work too;
- :func:`pair_counts`: the distinct pairs of two columns (labels and predictions, scores
  and labels) with their counts and weights (merged with :func:`merge_pair_counts`);
- :func:`block_sketch` / :func:`compress_sketch`: a mergeable quantile summary per column
  (see ``dask_scale/preprocessing/_sketch.py`` for its accuracy);
- :func:`float_keys`, :func:`block_key_stats`, :func:`block_key_select`: exact order
  statistics by refinement over the order-preserving integer keys of the values.

Accumulation is in float64 whatever the input precision.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from ._dispatch import kernel

__all__ = [
    "block_class_moments",
    "block_key_select",
    "block_masked_sums",
    "block_key_stats",
    "block_minmax",
    "block_moments",
    "block_sketch",
    "compress_sketch",
    "float_keys",
    "keys_to_float",
    "merge_class_moments",
    "merge_moments",
    "merge_pair_counts",
    "merge_value_counts",
    "pair_counts",
    "pair_entries",
    "block_poisson_null",
    "half_poisson_deviance",
    "merge_poisson_null",
    "value_counts",
]


@kernel(reads=("X", "w"))
def block_moments(X, w, weighted):
    """Weighted count, mean and centred sum of squares of every column of ``X``.

    The mean is returned as ``shift + offset`` where ``shift`` is the column's first value in
    the block: differences of block means are then computed from exact differences of
    shifts plus small, accurate offsets, which keeps the merged variance accurate even when
    the mean is large against the spread (scikit-learn's single-batch accuracy).

    Parameters
    ----------
    X : ndarray of shape (n, p), float32 or float64
        NaN entries are skipped.
    w : ndarray of shape (n,), float64
        Sample weights, read only when ``weighted`` is true.
    weighted : bool

    Returns
    -------
    count, shift, offset, m2 : ndarray of shape (p,), float64
        ``m2`` is the corrected two-pass sum ``sum w d^2 - (sum w d)^2 / count`` with
        ``d = x - shift - offset``.
    """
    n, p = X.shape
    shift = np.zeros(p)
    for j in range(p):
        for i in range(n):
            x = np.float64(X[i, j])
            if x == x:
                shift[j] = x
                break
    # NaN entries contribute zeros (selects, not branches: the column loop vectorises)
    count = np.zeros(p)
    total = np.zeros(p)
    for i in range(n):
        wi = w[i] if weighted else 1.0
        for j in range(p):
            x = np.float64(X[i, j])
            present = x == x
            c = wi if present else 0.0
            count[j] += c
            total[j] += c * ((x - shift[j]) if present else 0.0)
    offset = np.zeros(p)
    for j in range(p):
        if count[j] != 0.0:
            offset[j] = total[j] / count[j]
    corr = np.zeros(p)
    sq = np.zeros(p)
    for i in range(n):
        wi = w[i] if weighted else 1.0
        for j in range(p):
            x = np.float64(X[i, j])
            present = x == x
            c = wi if present else 0.0
            d = ((x - shift[j]) - offset[j]) if present else 0.0
            corr[j] += c * d
            sq[j] += c * d * d
    m2 = np.zeros(p)
    for j in range(p):
        if count[j] != 0.0:
            m2[j] = sq[j] - corr[j] * corr[j] / count[j]
    return count, shift, offset, m2


def merge_moments(a, b):
    """Merge two ``(count, shift, offset, m2)`` summaries (Chan, Golub & LeVeque's update).

    The result keeps ``a``'s shift (``b``'s where ``a`` is empty).
    """
    na, sa, oa, qa = a
    nb, sb, ob, qb = b
    n = na + nb
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(n != 0, nb / n, 0.0)
        delta = (sb - sa) + (ob - oa)
        offset = oa + delta * frac
        m2 = qa + qb + delta * delta * na * frac
    a_empty = na == 0
    b_empty = nb == 0
    shift = np.where(a_empty, sb, sa)
    offset = np.where(a_empty, ob, np.where(b_empty, oa, offset))
    m2 = np.where(a_empty, qb, np.where(b_empty, qa, m2))
    return n, shift, offset, m2


@kernel(reads=("X", "codes", "w"))
def block_class_moments(X, codes, n_classes, w, weighted):
    """:func:`block_moments` of the rows of each class, in one fused pass per step.

    Parameters
    ----------
    X : ndarray of shape (n, p), float32 or float64
        NaN entries are skipped.
    codes : ndarray of shape (n,), int64
        The class of every row, in ``[0, n_classes)``.
    n_classes : int
    w : ndarray of shape (n,), float64
        Sample weights, read only when ``weighted`` is true.
    weighted : bool

    Returns
    -------
    count, shift, offset, m2 : ndarray of shape (n_classes, p), float64
        Row ``k`` is the summary of the rows of class ``k`` (as :func:`block_moments`; a
        class without rows has zero count). ``shift`` is the class's first value.
    """
    n, p = X.shape
    shift = np.zeros((n_classes, p))
    seen = np.zeros((n_classes, p), dtype=np.bool_)
    for i in range(n):
        k = codes[i]
        for j in range(p):
            x = np.float64(X[i, j])
            if not seen[k, j] and x == x:
                shift[k, j] = x
                seen[k, j] = True
    count = np.zeros((n_classes, p))
    total = np.zeros((n_classes, p))
    for i in range(n):
        k = codes[i]
        wi = w[i] if weighted else 1.0
        for j in range(p):
            x = np.float64(X[i, j])
            present = x == x
            c = wi if present else 0.0
            count[k, j] += c
            total[k, j] += c * ((x - shift[k, j]) if present else 0.0)
    offset = np.zeros((n_classes, p))
    for k in range(n_classes):
        for j in range(p):
            if count[k, j] != 0.0:
                offset[k, j] = total[k, j] / count[k, j]
    corr = np.zeros((n_classes, p))
    sq = np.zeros((n_classes, p))
    for i in range(n):
        k = codes[i]
        wi = w[i] if weighted else 1.0
        for j in range(p):
            x = np.float64(X[i, j])
            present = x == x
            c = wi if present else 0.0
            d = ((x - shift[k, j]) - offset[k, j]) if present else 0.0
            corr[k, j] += c * d
            sq[k, j] += c * d * d
    m2 = np.zeros((n_classes, p))
    for k in range(n_classes):
        for j in range(p):
            if count[k, j] != 0.0:
                m2[k, j] = sq[k, j] - corr[k, j] * corr[k, j] / count[k, j]
    return count, shift, offset, m2


def _aligned_moments(labels, moments, union):
    """``moments`` (rows in ``labels`` order) spread over the rows of ``union`` (zeros)."""
    p = moments[0].shape[1]
    rows = np.searchsorted(union, labels)
    out = []
    for m in moments:
        full = np.zeros((union.shape[0], p))
        full[rows] = m
        out.append(full)
    return tuple(out)


def merge_class_moments(a, b):
    """Merge two ``(labels, (count, shift, offset, m2))`` per-class summaries.

    ``labels`` are sorted distinct class labels, one per row of the moments (as
    :func:`block_class_moments` returns them for its codes); the result is over the sorted
    union of both label sets, each class merged with :func:`merge_moments`.
    """
    la, ma = a
    lb, mb = b
    if la.shape == lb.shape and np.array_equal(la, lb):
        return la, merge_moments(ma, mb)
    union = np.union1d(la, lb)
    return union, merge_moments(
        _aligned_moments(la, ma, union), _aligned_moments(lb, mb, union)
    )


def _counts(codes, n_uniques, weights):
    present = codes >= 0
    if weights is None:
        counts = np.bincount(codes[present], minlength=n_uniques).astype(np.int64)
        return counts, int(codes.shape[0] - np.count_nonzero(present))
    weights = np.asarray(weights, dtype=np.float64)
    counts = np.bincount(codes[present], weights=weights[present], minlength=n_uniques)
    return counts, float(weights[~present].sum())


def value_counts(values, weights=None):
    """Distinct values of a 1-D array and how often each occurs.

    Parameters
    ----------
    values : ndarray, pandas Series or ExtensionArray of shape (n,)
        Hashed on its own dtype (Arrow strings, categoricals and nullable numbers too).
        Missing entries (NaN, None, ``pd.NA``) are not values: they are counted apart.
    weights : ndarray of shape (n,) or None, default=None
        Counts are sums of weights when given.

    Returns
    -------
    uniques : ndarray or pandas array
        The distinct values in order of first appearance, of ``values``' own kind.
    counts : ndarray of shape (n_uniques,), int64 (float64 with ``weights``)
    missing : int or float
        The number (or weight) of missing entries.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return (uniques, *_counts(np.asarray(codes), len(uniques), weights))


def merge_value_counts(parts):
    """Merge :func:`value_counts` results whose uniques are NumPy arrays (a union)."""
    uniques = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    codes, merged = pd.factorize(uniques, use_na_sentinel=True)
    summed = np.bincount(codes, weights=counts, minlength=len(merged)).astype(counts.dtype)
    return np.asarray(merged, dtype=uniques.dtype), summed, sum(p[2] for p in parts)


@njit(nogil=True, cache=True)
def half_poisson_deviance(y, mu):
    """``y*log(y/mu) - y + mu``, without cancellation when ``y`` is close to a large ``mu``.

    Written ``mu * ((1 + d) * log1p(d) - d)`` with ``d = (y - mu) / mu``.
    """
    if y <= 0.0:
        return mu
    d = (y - mu) / mu
    return mu * ((1.0 + d) * np.log1p(d) - d)


@kernel(reads=("y", "w"))
def block_poisson_null(y, w):
    """``(sum w, weighted mean m, sum w*(y*log(y/m) - y + m))`` of one block of counts.

    The half Poisson deviance of the block around its own mean; :func:`merge_poisson_null`
    moves it to the mean of merged blocks without cancellation (a null model's deviance for
    D², whatever the size of the counts).
    """
    total = 0.0
    s = 0.0
    for i in range(y.shape[0]):
        total += w[i]
        s += w[i] * y[i]
    mean = s / total if total != 0.0 else 0.0
    dev = 0.0
    if mean > 0.0:
        for i in range(y.shape[0]):
            dev += w[i] * half_poisson_deviance(y[i], mean)
    return total, mean, dev


def _poisson_shift(weight, mean, new_mean):
    # sum over a group of w*(y*log(m/M) - (m - M)), given sum w*y = weight*m: the group's
    # deviance moves from its own mean m to the merged mean M by weight * dev(m, M)
    return weight * half_poisson_deviance(mean, new_mean)


def merge_poisson_null(a, b):
    """Merge two :func:`block_poisson_null` summaries into that of their union."""
    wa, ma, da = a
    wb, mb, db = b
    w = wa + wb
    if w == 0.0:
        return 0.0, 0.0, 0.0
    m = (wa * ma + wb * mb) / w
    if m <= 0.0:
        return w, m, 0.0
    return w, m, da + db + _poisson_shift(wa, ma, m) + _poisson_shift(wb, mb, m)


@kernel(reads=("X",))
def block_minmax(X):
    """NaN-skipping per-column minimum, maximum and non-NaN count of ``X``.

    Returns
    -------
    lo, hi : ndarray of shape (p,), float64
        ``+inf``/``-inf`` for a column with no value.
    count : ndarray of shape (p,), int64
    """
    n, p = X.shape
    lo = np.full(p, np.inf)
    hi = np.full(p, -np.inf)
    count = np.zeros(p, dtype=np.int64)
    for i in range(n):
        for j in range(p):
            x = np.float64(X[i, j])
            if x == x:
                count[j] += 1
                if x < lo[j]:
                    lo[j] = x
                if x > hi[j]:
                    hi[j] = x
    return lo, hi, count


@kernel(reads=("X",))
def block_masked_sums(X, missing_value, nan_missing):
    """Per-column count and sum of the entries that are not missing.

    An entry is missing when it is NaN (``nan_missing``) or equal to ``missing_value``.

    Returns
    -------
    count : ndarray of shape (p,), int64
    total : ndarray of shape (p,), float64
    """
    n, p = X.shape
    count = np.zeros(p, dtype=np.int64)
    total = np.zeros(p)
    for i in range(n):
        for j in range(p):
            x = np.float64(X[i, j])
            if nan_missing:
                if x != x:
                    continue
            elif x == missing_value:
                continue
            count[j] += 1
            total[j] += x
    return count, total


@njit(nogil=True, cache=True)
def _compress_column(v, w, k, out_v, out_w):
    """Summarise sorted values ``v`` with weights ``w`` by ``k`` equal-weight points.

    Point ``b`` carries weight ``W / k`` and the value found at cumulative weight
    ``(b + 1/2) W / k``; the rank function of the result is within ``W / (2k)`` of that of
    the input everywhere.
    """
    total = 0.0
    for i in range(v.shape[0]):
        total += w[i]
    step = total / k
    cum = 0.0
    i = 0
    for b in range(k):
        target = (b + 0.5) * step
        while i < v.shape[0] - 1 and cum + w[i] <= target:
            cum += w[i]
            i += 1
        out_v[b] = v[i]
        out_w[b] = step


@kernel(reads=("X",))
def block_sketch(X, k):
    """Quantile summary of every column of one block (NaN skipped).

    A column with at most ``k`` values is kept exactly (weight 1 each); a longer one is
    compressed to ``k`` points of equal weight.

    Returns
    -------
    values, weights : ndarray of shape (p, m), float64
        Sorted values per row, padded with ``+inf``/0 after ``sizes[j]`` entries.
    sizes : ndarray of shape (p,), int64
    """
    n, p = X.shape
    m = min(n, k)
    values = np.full((p, max(m, 1)), np.inf)
    weights = np.zeros((p, max(m, 1)))
    sizes = np.zeros(p, dtype=np.int64)
    col = np.empty(n)
    ones = np.ones(n)
    for j in range(p):
        c = 0
        for i in range(n):
            x = np.float64(X[i, j])
            if x == x:
                col[c] = x
                c += 1
        s = np.sort(col[:c])
        if c <= k:
            values[j, :c] = s
            weights[j, :c] = 1.0
            sizes[j] = c
        else:
            _compress_column(s, ones[:c], k, values[j], weights[j])
            sizes[j] = k
    return values, weights, sizes


@kernel(reads=("values", "weights"))
def compress_sketch(values, weights, k):
    """Merge concatenated summaries (padded rows, see :func:`block_sketch`) into one.

    Parameters
    ----------
    values, weights : ndarray of shape (p, M)
        Several summaries concatenated along axis 1; entries with weight 0 are padding.
    k : int
        Size bound; a merged column longer than ``k`` is compressed to ``k`` points.
        ``k <= 0`` keeps every point (exact).

    Returns
    -------
    values, weights, sizes : as :func:`block_sketch`.
    """
    p, M = values.shape
    sizes = np.zeros(p, dtype=np.int64)
    for j in range(p):
        c = 0
        for i in range(M):
            if weights[j, i] > 0.0:
                c += 1
        sizes[j] = c
    width = 1
    for j in range(p):
        s = sizes[j]
        if k > 0 and s > k:
            s = k
        if s > width:
            width = s
    out_v = np.full((p, width), np.inf)
    out_w = np.zeros((p, width))
    for j in range(p):
        order = np.argsort(values[j], kind="mergesort")
        v = np.empty(sizes[j])
        w = np.empty(sizes[j])
        c = 0
        for i in order:
            if weights[j, i] > 0.0:
                v[c] = values[j, i]
                w[c] = weights[j, i]
                c += 1
        if k > 0 and c > k:
            _compress_column(v, w, k, out_v[j], out_w[j])
            sizes[j] = k
        else:
            out_v[j, :c] = v
            out_w[j, :c] = w
    return out_v, out_w, sizes


# ---------------------------------------------------------------------------------------
# Exact order statistics: every float64 maps to a uint64 key with the same order, so a
# value range can be split into power-of-two bins of keys whatever the value scale.

_SIGN = np.uint64(1) << np.uint64(63)


def float_keys(block):
    """Order-preserving uint64 keys of a float array (``-0.0`` is keyed as ``0.0``)."""
    bits = (np.asarray(block, dtype=np.float64) + 0.0).view(np.uint64)
    negative = (bits & _SIGN) != 0
    return np.where(negative, ~bits, bits | _SIGN)


def keys_to_float(keys):
    """Inverse of :func:`float_keys`."""
    keys = np.asarray(keys, dtype=np.uint64)
    positive = (keys & _SIGN) != 0
    bits = np.where(positive, keys & ~_SIGN, ~keys)
    return bits.view(np.float64)


@kernel(reads=("keys", "present"))
def block_key_stats(keys, present):
    """Per-column count of present entries and their smallest and largest key.

    Parameters
    ----------
    keys : ndarray of shape (n, p), uint64
    present : ndarray of shape (n, p), bool
        False where the entry is missing.

    Returns
    -------
    count : ndarray of shape (p,), int64
    lo, hi : ndarray of shape (p,), uint64 (``lo > hi`` for a column with no entry)
    """
    n, p = keys.shape
    count = np.zeros(p, dtype=np.int64)
    lo = np.full(p, np.uint64(0xFFFFFFFFFFFFFFFF))
    hi = np.zeros(p, dtype=np.uint64)
    for i in range(n):
        for j in range(p):
            if present[i, j]:
                key = keys[i, j]
                count[j] += 1
                if key < lo[j]:
                    lo[j] = key
                if key > hi[j]:
                    hi[j] = key
    return count, lo, hi


@kernel(reads=("keys", "present", "col", "lo", "hi", "shift", "collect"))
def block_key_select(keys, present, col, lo, hi, shift, collect, nbins, max_collect):
    """One refinement step for several order-statistic searches ("targets").

    Target ``t`` looks in column ``col[t]`` at the keys in ``[lo[t], hi[t]]``. If
    ``collect[t]`` is false the keys are counted in bins ``(key - lo[t]) >> shift[t]``,
    else the keys themselves are collected (at most ``max_collect`` of them).

    Returns
    -------
    hist : ndarray of shape (T, nbins), int64
    found : ndarray of shape (T, max_collect), uint64
    n_found : ndarray of shape (T,), int64
    """
    n = keys.shape[0]
    T = col.shape[0]
    hist = np.zeros((T, nbins), dtype=np.int64)
    found = np.zeros((T, max_collect), dtype=np.uint64)
    n_found = np.zeros(T, dtype=np.int64)
    for i in range(n):
        for t in range(T):
            j = col[t]
            if not present[i, j]:
                continue
            key = keys[i, j]
            if key < lo[t] or key > hi[t]:
                continue
            if collect[t]:
                if n_found[t] < max_collect:
                    found[t, n_found[t]] = key
                n_found[t] += 1
            else:
                hist[t, (key - lo[t]) >> shift[t]] += 1
    return hist, found, n_found


def pair_counts(a, b, weights=None):
    """The distinct pairs ``(a[i], b[i])`` of two 1-D arrays with their counts and weights.

    Returns
    -------
    ua, ub : ndarray
        The distinct values of ``a`` and of ``b`` (first appearance order, own dtype; object
        for strings).
    counts : ndarray of shape (len(ua), len(ub)), int64
        Rows of each pair.
    weighted : ndarray of shape (len(ua), len(ub)), float64, or None
        Sums of ``weights`` of each pair (None without ``weights``).
    """
    ca, ua = pd.factorize(a)
    cb, ub = pd.factorize(b)
    ca, cb = np.asarray(ca), np.asarray(cb)
    if (ca < 0).any() or (cb < 0).any():
        raise ValueError("Input contains NaN or None among the labels or scores.")
    flat = ca * len(ub) + cb
    size = len(ua) * len(ub)
    counts = np.bincount(flat, minlength=size).reshape(len(ua), len(ub)).astype(np.int64)
    weighted = None
    if weights is not None:
        weighted = np.bincount(
            flat, weights=np.asarray(weights, dtype=np.float64), minlength=size
        ).reshape(len(ua), len(ub))
    return np.asarray(ua), np.asarray(ub), counts, weighted


def _union(values):
    joined = np.concatenate(values) if len(values) > 1 else values[0]
    codes, uniques = pd.factorize(joined)
    return np.asarray(uniques), np.asarray(codes)


def merge_pair_counts(parts):
    """Merge :func:`pair_counts` results (the union of the pairs, counts and weights added)."""
    if len(parts) == 1:
        return parts[0]
    ua, codes_a = _union([p[0] for p in parts])
    ub, codes_b = _union([p[1] for p in parts])
    counts = np.zeros((len(ua), len(ub)), dtype=np.int64)
    weighted = None if parts[0][3] is None else np.zeros((len(ua), len(ub)))
    oa = ob = 0
    for pa, pb, c, w in parts:
        ia = codes_a[oa : oa + len(pa)]
        ib = codes_b[ob : ob + len(pb)]
        oa += len(pa)
        ob += len(pb)
        index = np.ix_(ia, ib)  # distinct within a part: no repeated cells
        counts[index] += c
        if weighted is not None:
            weighted[index] += w
    return ua, ub, counts, weighted


def pair_entries(table):
    """The present pairs of a :func:`pair_counts` table as three 1-D arrays
    ``(a, b, weight)``, weight the count where the table has no weights."""
    ua, ub, counts, weighted = table
    ia, ib = np.nonzero(counts)
    w = counts[ia, ib] if weighted is None else weighted[ia, ib]
    return ua[ia], ub[ib], w
