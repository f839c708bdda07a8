"""Per-column statistics of the values that are not missing, exact, over row blocks.

- :func:`masked_means`: count and sum per column, one pass.
- :func:`exact_medians`: exact medians by refinement over order-preserving integer keys.
  Pass 1 counts the values of every column and finds their smallest and largest key; every
  further pass either counts, for each wanted order statistic, the values of its current
  key interval in up to 4096 power-of-two-wide bins (narrowing the interval to the bin that
  holds the wanted rank), or, once at most ``MAX_COLLECT`` values remain in the interval,
  collects them so that the statistic is read off exactly. A float64 key has 64 bits and a
  bin pass removes at least 8 of them, so at most 9 passes are made in the worst case;
  for most data 3 (count, one bin pass, collect). The driver and every partial result
  hold ``O(n_features * 4096)`` numbers, whatever the number of rows.
- :func:`present_value_counts`: the distinct values of every column with their counts
  (exact; memory proportional to the number of distinct values, so meant for discrete
  data), one pass.

Every function takes a NumPy or dask array (:func:`present_value_counts` a dask DataFrame
too) and returns NumPy values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._columns import block_columns, merge_block_counts
from .._graph import reduce_blocks
from .._kernels.stats import (
    block_key_select,
    block_key_stats,
    block_masked_sums,
    float_keys,
    keys_to_float,
    value_counts,
)
from .._validation import reject_nonfinite

__all__ = [
    "check_block",
    "exact_medians",
    "masked_means",
    "missing_mask",
    "present_value_counts",
]

#: Most values collected per wanted order statistic in the last pass.
MAX_COLLECT = 4096
#: Bound on ``targets * bins`` of one bin pass (memory of a partial result).
_BIN_BUDGET = 1 << 20


def missing_mask(block, missing_values, nan_missing):
    """Boolean mask of the missing entries of a NumPy block."""
    if nan_missing:
        if block.dtype.kind == "f":
            return np.isnan(block)
        if block.dtype.kind == "O":
            return pd.isna(block)
        return np.zeros(block.shape, dtype=bool)
    if block.dtype.kind == "O":
        return np.asarray(block == missing_values, dtype=bool)
    return block == missing_values


#: What to do about NaN in ``X`` when ``missing_values`` is not NaN.
NOT_MISSING_FIX = (
    "missing_values is not NaN here: replace those values first, or set "
    "missing_values=np.nan to impute NaN."
)


def check_block(block, nan_missing):
    """Refuse infinity in a block, and NaN too where it is not the missing-value marker."""
    reject_nonfinite(block, allow_nan=nan_missing, fix=None if nan_missing else NOT_MISSING_FIX)


def _sums_chunk(X, missing_values, nan_missing):
    check_block(X, nan_missing)
    count, total = block_masked_sums(X, float(missing_values) if not nan_missing else 0.0, nan_missing)
    return count, total, X.shape[0]


def masked_means(X, missing_values, nan_missing):
    """Per-column count of present values, their sum, and the number of rows.

    Returns
    -------
    count : ndarray of int64, total : ndarray of float64, n_rows : int
    """
    return reduce_blocks(
        _sums_chunk, [X], (missing_values, nan_missing), name="imputer-sums"
    )


# ---------------------------------------------------------------------------------------
# Exact medians


def _present_keys(X, missing_values, nan_missing):
    check_block(X, nan_missing)
    present = ~missing_mask(X, missing_values, nan_missing)
    return float_keys(X), present


def _key_stats_chunk(X, missing_values, nan_missing):
    keys, present = _present_keys(X, missing_values, nan_missing)
    count, lo, hi = block_key_stats(keys, present)
    return count, lo, hi, X.shape[0]


def _key_stats_combine(parts):
    count = parts[0][0].copy()
    lo = parts[0][1].copy()
    hi = parts[0][2].copy()
    n_rows = parts[0][3]
    for c, a, b, n in parts[1:]:
        count += c
        lo = np.minimum(lo, a)
        hi = np.maximum(hi, b)
        n_rows += n
    return count, lo, hi, n_rows


def _select_chunk(X, missing_values, nan_missing, col, lo, hi, shift, collect, nbins, max_collect):
    keys, present = _present_keys(X, missing_values, nan_missing)
    return block_key_select(keys, present, col, lo, hi, shift, collect, nbins, max_collect)


def _select_combine(parts):
    hist = parts[0][0].copy()
    for p in parts[1:]:
        hist += p[0]
    n_found = sum(p[2] for p in parts)
    width = parts[0][1].shape[1]
    found = np.zeros((hist.shape[0], width), dtype=np.uint64)
    for t in range(hist.shape[0]):
        vals = np.concatenate([p[1][t, : min(p[2][t], width)] for p in parts])
        found[t, : vals.shape[0]] = vals[:width]
    return hist, found, n_found


def _order_statistic_keys(X, missing_values, nan_missing, count, lo, hi, cols, ranks):
    """Keys of the ``ranks[t]``-th smallest present value of column ``cols[t]``."""
    T = len(cols)
    lo_t = [int(lo[c]) for c in cols]
    hi_t = [int(hi[c]) for c in cols]
    below = [0] * T
    inside = [int(count[c]) for c in cols]
    result = [None] * T
    for t in range(T):
        if lo_t[t] == hi_t[t]:
            result[t] = lo_t[t]
    while any(r is None for r in result):
        active = [t for t in range(T) if result[t] is None]
        collect = [inside[t] <= MAX_COLLECT for t in active]
        n_hist = sum(not c for c in collect)
        nbins = int(min(4096, max(256, _BIN_BUDGET // max(n_hist, 1)))) if n_hist else 1
        shifts = []
        for t, c in zip(active, collect, strict=True):
            width = hi_t[t] - lo_t[t]
            s = 0
            if not c:
                while (width >> s) >= nbins:
                    s += 1
            shifts.append(s)
        max_collect = max([inside[t] for t, c in zip(active, collect, strict=True) if c] or [1])
        params = (
            missing_values,
            nan_missing,
            np.asarray([cols[t] for t in active], dtype=np.int64),
            np.asarray([lo_t[t] for t in active], dtype=np.uint64),
            np.asarray([hi_t[t] for t in active], dtype=np.uint64),
            np.asarray(shifts, dtype=np.uint64),
            np.asarray(collect, dtype=np.bool_),
            nbins,
            max_collect,
        )
        hist, found, n_found = reduce_blocks(
            _select_chunk, [X], params, combine=_select_combine, name="imputer-median"
        )
        for k, t in enumerate(active):
            want = ranks[t] - below[t]
            if collect[k]:
                vals = np.sort(found[k, : n_found[k]])
                result[t] = int(vals[want])
                continue
            cum = np.cumsum(hist[k])
            b = int(np.searchsorted(cum, want, side="right"))
            below[t] += int(cum[b - 1]) if b > 0 else 0
            new_lo = lo_t[t] + (b << shifts[k])
            new_hi = min(hi_t[t], new_lo + (1 << shifts[k]) - 1)
            lo_t[t], hi_t[t] = new_lo, new_hi
            inside[t] = int(hist[k, b])
            if new_lo == new_hi:
                result[t] = new_lo
    return result


def exact_medians(X, missing_values, nan_missing, dtype):
    """Exact median of the present values of every column (NaN for a column with none).

    ``dtype`` is the float dtype the median is computed in: ``(a + b) / 2`` of the two
    middle values, as ``numpy.ma.median`` does.

    Returns
    -------
    medians : ndarray of shape (n_features,), ``dtype``
    count : ndarray of shape (n_features,), int64 (present values per column)
    n_rows : int
    """
    count, lo, hi, n_rows = reduce_blocks(
        _key_stats_chunk,
        [X],
        (missing_values, nan_missing),
        combine=_key_stats_combine,
        name="imputer-median-range",
    )
    cols, ranks = [], []
    for j, n in enumerate(count):
        if n == 0:
            continue
        cols += [j, j]
        ranks += [(int(n) - 1) // 2, int(n) // 2]
    medians = np.full(count.shape[0], np.nan, dtype=dtype)
    if cols:
        keys = _order_statistic_keys(X, missing_values, nan_missing, count, lo, hi, cols, ranks)
        values = keys_to_float(np.asarray(keys, dtype=np.uint64)).astype(dtype)
        for t in range(0, len(cols), 2):
            a, b = values[t], values[t + 1]
            with np.errstate(over="ignore"):
                medians[cols[t]] = (a + b) / dtype.type(2)
    return medians, count, n_rows


# ---------------------------------------------------------------------------------------
# Most frequent values


def _counts_chunk(block, missing_values, nan_missing):
    if isinstance(block, np.ndarray):
        check_block(block, nan_missing)
    out = []
    for col in block_columns(block):
        present = col[~missing_mask(col, missing_values, nan_missing)]
        out.append(value_counts(present))
    return out, block.shape[0]


def present_value_counts(X, missing_values, nan_missing):
    """Distinct present values of every column with their counts, and the number of rows.

    Parameters
    ----------
    X : ndarray, dask array or dask DataFrame
        Numeric or object columns (a DataFrame's partitions are read as they are).

    Returns
    -------
    list of (values, counts, _) per column (values unsorted), and the number of rows.
    """
    return reduce_blocks(
        _counts_chunk,
        [X],
        (missing_values, nan_missing),
        combine=merge_block_counts,
        name="imputer-counts",
    )


def smallest_most_frequent(values, counts):
    """The most frequent value; ties go to the smallest (scikit-learn's rule)."""
    if len(values) == 0:
        return np.nan
    best = counts.max()
    tied = [v for v, c in zip(values, counts, strict=True) if c == best]
    try:
        return min(tied)
    except TypeError:
        return min(tied, key=lambda v: (str(type(v)), str(v)))
