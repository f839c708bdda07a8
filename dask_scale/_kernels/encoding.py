"""Per-block encoding kernels for the categorical encoders (numpy in, numpy out)."""

from __future__ import annotations

from ._dispatch import kernel

__all__ = ["onehot_fill"]


@kernel(reads=("factors", "maps", "starts"))
def onehot_fill(factors, maps, starts, out):
    """Write the one-hot rows of a block into ``out``, every entry of it, in one pass.

    Row ``i`` of ``out`` is zero except ``out[i, maps[starts[j] + factors[j, i] + 1]] = 1``
    for every feature ``j`` whose map entry is not ``-1``. The maps compose the
    factorisation of a block (codes into the block's own distinct values) with the fitted
    categories and the dropped ones, so the block is read once and ``out`` written once,
    row after row.

    Parameters
    ----------
    factors : ndarray of shape (p, n), int64
        Per feature, the index of every entry in that feature's distinct values of the
        block, ``-1`` for a missing value.
    maps : ndarray of shape (sum over features of (n_distinct + 1),), int64
        Per feature, the output column of a missing value (first) and of each distinct
        value (then), ``-1`` where nothing is set: an unknown or a dropped category.
    starts : ndarray of shape (p,), int64
        Offset of each feature's map in ``maps``.
    out : ndarray of shape (n, n_out)
        Output, uninitialised on entry (C-contiguous rows are written sequentially).
    """
    p, n = factors.shape
    n_out = out.shape[1]
    for i in range(n):
        for k in range(n_out):
            out[i, k] = 0
        for j in range(p):
            pos = maps[starts[j] + factors[j, i] + 1]
            if pos >= 0:
                out[i, pos] = 1
    return out
