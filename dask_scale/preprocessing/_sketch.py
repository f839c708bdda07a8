"""A mergeable per-column quantile summary, built in one pass over the row blocks.

Each row block is summarised per column by its sorted non-NaN values when it has at most
``k`` of them (exact), else by ``k`` points of equal weight ("equi-depth compression": point
``b`` carries ``n/k`` of the block's values and takes the value found in the middle of its
share). A tree reduction merges summaries by concatenating them and, if a column then has
more than ``k`` points, compressing it again to ``k``.

Accuracy
--------
Let ``N`` be the number of non-NaN values of a column and ``L`` the number of merge levels
of the reduction tree (``ceil(log_8(number of row blocks))`` with the default fan-in of 8).
Every compression moves the summary's rank function by at most ``W/(2k)`` for the ``W``
values it summarises, and the merged errors add, so for any returned quantile ``q`` of the
fraction ``p``::

    #{x < q} <= p (N - 1) + eps N + 1    and    #{x <= q} >= p (N - 1) - eps N,
    eps = (L + 2) / (2 k).

Columns that never exceed ``k`` points on any merge path are kept exactly, and their
quantiles are then exactly ``numpy.percentile``'s (linear interpolation). ``k <= 0`` keeps
every value (exact, memory proportional to the data). The memory of one partial result is
``16 k`` bytes per column.
"""

from __future__ import annotations

import math

import numpy as np

from .._graph import reduce_blocks
from .._kernels.stats import block_sketch, compress_sketch

__all__ = ["fit_sketch", "rank_error_bound", "sketch_quantiles"]


def rank_error_bound(n_blocks, k, split_every=8):
    """The bound ``eps`` of the module docstring for ``n_blocks`` row blocks."""
    if k <= 0:
        return 0.0
    levels = 0 if n_blocks <= 1 else math.ceil(math.log(n_blocks) / math.log(split_every) - 1e-12)
    return (levels + 2) / (2 * k)


def _chunk(block, k, check):
    if check is not None:
        check(block)
    if k <= 0:
        k_block = max(block.shape[0], 1)
    else:
        k_block = k
    return (*block_sketch(block, k_block), block.shape[0])


def _combine(parts, k):
    values = np.concatenate([p[0] for p in parts], axis=1)
    weights = np.concatenate([p[1] for p in parts], axis=1)
    return (*compress_sketch(values, weights, k), sum(p[3] for p in parts))


def fit_sketch(X, k, *, check=None, split_every=8):
    """Summarise every column of ``X`` (NumPy or dask array) in one pass.

    Parameters
    ----------
    X : ndarray or dask array of shape (n_samples, n_features)
    k : int
        Summary size per column (``<= 0``: exact).
    check : callable or None, default=None
        Called on every block before it is summarised (e.g. to reject infinity).

    Returns
    -------
    values, weights, sizes, n_rows
        Sorted points per column, padded after ``sizes[j]`` entries, and the number of
        rows read.
    """
    return reduce_blocks(
        _chunk,
        [X],
        (k, check),
        combine=lambda parts: _combine(parts, k),
        split_every=split_every,
        name="quantile-sketch",
    )


def sketch_quantiles(sketch, percents, *, median=False):
    """Quantiles (``percents`` in [0, 100]) of every column of a summary.

    Parameters
    ----------
    sketch : tuple
        As returned by :func:`fit_sketch`.
    percents : array-like of float
    median : bool, default=False
        Return ``numpy.median``'s value (mean of the two middle values) for an exact column
        instead of the interpolated 50th percentile (they can differ in the last bit).

    Returns
    -------
    ndarray of shape (len(percents), n_features)
        NaN for a column without values.
    """
    values, weights, sizes = sketch[:3]
    percents = np.asarray(percents, dtype=np.float64)
    p = values.shape[0]
    out = np.full((percents.shape[0], p), np.nan)
    for j in range(p):
        s = int(sizes[j])
        if s == 0:
            continue
        v = values[j, :s]
        w = weights[j, :s]
        if np.all(w == 1.0):
            out[:, j] = np.median(v) if median else np.percentile(v, percents)
            continue
        total = w.sum()
        positions = np.cumsum(w) - w + (w - 1.0) / 2.0
        out[:, j] = np.interp(percents / 100.0 * (total - 1.0), positions, v)
    return out
