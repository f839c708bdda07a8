"""Per-block kernel of Gaussian naive Bayes prediction (NumPy in, NumPy out)."""

from __future__ import annotations

import numpy as np

from ._dispatch import kernel

__all__ = ["gaussian_joint_log_likelihood"]


@kernel(reads=("X", "theta", "var", "log_prior"))
def gaussian_joint_log_likelihood(X, theta, var, log_prior):
    """``log P(c) + log N(x | theta_c, var_c)`` of every row of ``X`` and every class ``c``.

    Parameters
    ----------
    X : ndarray of shape (n, p), float32 or float64
    theta, var : ndarray of shape (k, p), float64
        Per-class means and (smoothed, positive) variances.
    log_prior : ndarray of shape (k,), float64
        Log class priors (``-inf`` for a zero prior).

    Returns
    -------
    jll : ndarray of shape (n, k), float64
    """
    n, p = X.shape
    k = theta.shape[0]
    norm = np.empty(k)
    for c in range(k):
        s = 0.0
        for j in range(p):
            s += np.log(2.0 * np.pi * var[c, j])
        norm[c] = -0.5 * s
    out = np.empty((n, k))
    for i in range(n):
        for c in range(k):
            s = 0.0
            for j in range(p):
                d = np.float64(X[i, j]) - theta[c, j]
                s += d * d / var[c, j]
            out[i, c] = log_prior[c] + (norm[c] - 0.5 * s)
    return out
