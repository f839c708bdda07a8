"""Per-block encoding kernels for the categorical encoders (numpy in, numpy out)."""

from __future__ import annotations

from numba import njit

__all__ = ["onehot_fill"]


@njit(nogil=True, cache=True)
def onehot_fill(codes, table, starts, out):
    """Set ``out[i, table[starts[j] + codes[i, j]]] = 1`` for every known, kept category.

    Parameters
    ----------
    codes : ndarray of shape (n, p), int64
        Category index of every entry, ``-1`` for an unknown value.
    table : ndarray of shape (sum of the features' category counts,), int64
        Output column of each (feature, category), ``-1`` for a dropped category.
    starts : ndarray of shape (p,), int64
        Offset of each feature's categories in ``table``.
    out : ndarray of shape (n, n_out)
        Zero-filled output, written in place.
    """
    n, p = codes.shape
    for i in range(n):
        for j in range(p):
            c = codes[i, j]
            if c >= 0:
                pos = table[starts[j] + c]
                if pos >= 0:
                    out[i, pos] = 1
    return out
