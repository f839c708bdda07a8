"""Per-block scaling kernels for the scalers' transforms (numpy in, numpy out)."""

from __future__ import annotations

import numpy as np

from ._dispatch import kernel

__all__ = ["standard_scale"]


@kernel(reads=("X", "mean", "scale"))
def standard_scale(X, mean, scale, with_mean, with_std, out):
    """``out = (X - mean) / scale`` in one pass over ``X``; True when ``X`` holds an infinity.

    The same two correctly rounded operations as ``X -= mean; X /= scale`` in NumPy, in the
    input's precision (``mean`` and ``scale`` have ``X``'s dtype), so the result is bitwise
    equal to it. NaN stays NaN; an infinite value is reported (and still written) so that
    the caller can raise.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    mean, scale : ndarray of shape (p,)
        Ignored where ``with_mean`` / ``with_std`` is False.
    with_mean, with_std : bool
        Subtract ``mean`` / divide by ``scale``.
    out : ndarray of shape (n, p)
        Output; may be ``X`` itself (each entry is read before it is written).
    """
    n, p = X.shape
    infinite = False
    for i in range(n):
        for j in range(p):
            v = X[i, j]
            if np.isinf(v):
                infinite = True
            if with_mean:
                v = v - mean[j]
            if with_std:
                v = v / scale[j]
            out[i, j] = v
    return infinite
