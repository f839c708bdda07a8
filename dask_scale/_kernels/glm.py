"""Fused per-block kernels of generalised linear models.

Every kernel makes one pass over the rows of a block ``X`` (n, p), computes the linear
predictor ``eta = X @ coef + intercept`` row by row and accumulates, with the sample weights
applied, the loss and (depending on the kernel) its gradient and Hessian. The outputs are small
(scalars, ``p``- or ``p**2``-sized arrays) and are summed over blocks by the caller.

Losses are the "half" losses scikit-learn uses (pointwise, before weighting):

- squared error (``SQUARED``):  ``0.5 * (eta - y) ** 2``
- binomial (``BINOMIAL``, ``y`` in {0, 1}):  ``log(1 + exp(eta)) - y * eta``
- Poisson with log link (``POISSON``):  ``exp(eta) - y * eta``
- multinomial (softmax over ``K`` rows of coefficients, ``y`` an integer class index):
  ``logsumexp(eta) - eta[y]``

``X`` may be float32 or float64; accumulation is always float64.

:func:`block_gram` / :func:`merge_gram` are the exception to the row loop: the centred,
weighted Gram matrix of a block (for the exact least-squares solve) is a matrix product, so
it is computed by BLAS on the block, and partial Grams are merged with Chan et al.'s pairwise
update of co-moments.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._dispatch import kernel
from .stats import half_poisson_deviance

__all__ = [
    "BINOMIAL",
    "POISSON",
    "SQUARED",
    "block_gram",
    "glm_loss",
    "glm_loss_grad",
    "glm_loss_grad_hess",
    "glm_score_sums",
    "merge_gram",
    "multinomial_loss",
    "multinomial_loss_grad",
    "multinomial_loss_grad_hess",
]

SQUARED = 0
BINOMIAL = 1
POISSON = 2

# Reassociation lets LLVM vectorise the short dot products; no assumption about NaN/inf.
# A reassociated reduction must sit in a loop without stores (see glm_loss_grad_hess): a
# loop that also stores gets a run-time overlap check choosing between the vectorised sum and
# the in-order one, which makes the result depend on memory addresses, not only on the data.
_FM = {"reassoc", "contract", "nsz", "arcp"}


@njit(nogil=True, cache=True, inline="always")
def _point(family, eta, y):
    """Pointwise (loss, first derivative, second derivative) in the linear predictor."""
    if family == SQUARED:
        r = eta - y
        return 0.5 * r * r, r, 1.0
    if family == BINOMIAL:
        e = np.exp(-abs(eta))
        if eta >= 0.0:
            loss = eta + np.log1p(e) - y * eta
            prob = 1.0 / (1.0 + e)
        else:
            loss = np.log1p(e) - y * eta
            prob = e / (1.0 + e)
        return loss, prob - y, prob * (1.0 - prob)
    # POISSON
    mu = np.exp(eta)
    return mu - y * eta, mu - y, mu


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def glm_loss(X, y, sw, coef, intercept, family):
    """Weighted loss ``sum_i sw_i * loss(eta_i, y_i)`` of a single-output GLM.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,)
    sw : ndarray of shape (n,)
    coef : ndarray of shape (p,)
    intercept : float
    family : int
        ``SQUARED``, ``BINOMIAL`` or ``POISSON``.

    Returns
    -------
    loss : float
    """
    n, p = X.shape
    loss = 0.0
    for i in range(n):
        eta = intercept
        for j in range(p):
            eta += X[i, j] * coef[j]
        li, _, _ = _point(family, eta, y[i])
        loss += sw[i] * li
    return loss


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def glm_loss_grad(X, y, sw, coef, intercept, family):
    """Weighted loss and its gradient in ``(coef, intercept)``, one pass.

    Returns
    -------
    loss : float
    grad : ndarray of shape (p,)
    grad_intercept : float
    """
    n, p = X.shape
    loss = 0.0
    gb = 0.0
    grad = np.zeros(p)
    for i in range(n):
        eta = intercept
        for j in range(p):
            eta += X[i, j] * coef[j]
        li, gi, _ = _point(family, eta, y[i])
        loss += sw[i] * li
        gi *= sw[i]
        gb += gi
        for j in range(p):
            grad[j] += gi * X[i, j]
    return loss, grad, gb


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def glm_loss_grad_hess(X, y, sw, coef, intercept, family, fit_intercept):
    """Weighted loss, gradient and Hessian, one pass.

    The Hessian is over ``[coef, intercept]`` (intercept last) when ``fit_intercept`` is true,
    else over ``coef`` only.

    Returns
    -------
    loss : float
    grad : ndarray of shape (p,)
    grad_intercept : float
    hess : ndarray of shape (p + fit_intercept, p + fit_intercept)
    """
    n, p = X.shape
    p1 = p + 1 if fit_intercept else p
    loss = 0.0
    gb = 0.0
    grad = np.zeros(p)
    hess = np.zeros((p1, p1))
    xi = np.ones(p1)
    for i in range(n):
        # The dot product is a loop of loads only: with a store in it (say, filling ``xi``
        # in the same loop), LLVM guards the reassociated, vectorised sum with a run-time
        # check that the arrays do not overlap and otherwise sums in order, so the bits of
        # ``eta`` would depend on where the allocator put ``xi`` and ``coef`` (different
        # from run to run when threads allocate concurrently).
        eta = intercept
        for j in range(p):
            eta += X[i, j] * coef[j]
        for j in range(p):
            xi[j] = X[i, j]
        li, gi, hi = _point(family, eta, y[i])
        w = sw[i]
        loss += w * li
        gi *= w
        hi *= w
        gb += gi
        for j in range(p):
            grad[j] += gi * xi[j]
        for j in range(p1):
            c = hi * xi[j]
            for m in range(j + 1):
                hess[j, m] += c * xi[m]
    for j in range(p1):
        for m in range(j):
            hess[m, j] = hess[j, m]
    return loss, grad, gb, hess


@njit(nogil=True, cache=True, fastmath=_FM)
def _softmax_row(X, i, coef, intercept, eta):
    """Fill ``eta`` with the linear predictor of row ``i``; return (max, log-sum-exp)."""
    K, p = coef.shape
    mx = -np.inf
    for k in range(K):
        e = intercept[k]
        for j in range(p):
            e += X[i, j] * coef[k, j]
        eta[k] = e
        if e > mx:
            mx = e
    s = 0.0
    for k in range(K):
        s += np.exp(eta[k] - mx)
    return mx, mx + np.log(s)


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def multinomial_loss(X, y, sw, coef, intercept):
    """Weighted multinomial loss ``sum_i sw_i * (logsumexp(eta_i) - eta_i[y_i])``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,)
        Integer class indices in ``[0, K)``.
    sw : ndarray of shape (n,)
    coef : ndarray of shape (K, p)
    intercept : ndarray of shape (K,)

    Returns
    -------
    loss : float
    """
    n = X.shape[0]
    K = coef.shape[0]
    eta = np.empty(K)
    loss = 0.0
    for i in range(n):
        _, lse = _softmax_row(X, i, coef, intercept, eta)
        loss += sw[i] * (lse - eta[y[i]])
    return loss


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def multinomial_loss_grad(X, y, sw, coef, intercept):
    """Weighted multinomial loss and gradient, one pass.

    Returns
    -------
    loss : float
    grad : ndarray of shape (K, p)
    grad_intercept : ndarray of shape (K,)
    """
    n, p = X.shape
    K = coef.shape[0]
    eta = np.empty(K)
    grad = np.zeros((K, p))
    gb = np.zeros(K)
    loss = 0.0
    for i in range(n):
        _, lse = _softmax_row(X, i, coef, intercept, eta)
        w = sw[i]
        yi = y[i]
        loss += w * (lse - eta[yi])
        for k in range(K):
            g = np.exp(eta[k] - lse)
            if k == yi:
                g -= 1.0
            g *= w
            gb[k] += g
            for j in range(p):
                grad[k, j] += g * X[i, j]
    return loss, grad, gb


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def multinomial_loss_grad_hess(X, y, sw, coef, intercept, fit_intercept):
    """Weighted multinomial loss, gradient and Hessian, one pass.

    The Hessian is over the coefficients laid out as ``W.ravel()`` where ``W`` has shape
    ``(K, p + fit_intercept)`` (intercept in the last column).

    Returns
    -------
    loss : float
    grad : ndarray of shape (K, p)
    grad_intercept : ndarray of shape (K,)
    hess : ndarray of shape (K * (p + fit_intercept), K * (p + fit_intercept))
    """
    n, p = X.shape
    K = coef.shape[0]
    p1 = p + 1 if fit_intercept else p
    eta = np.empty(K)
    prob = np.empty(K)
    grad = np.zeros((K, p))
    gb = np.zeros(K)
    # blocks[k, q] holds sum_i c_ikq * x_i x_i^T (lower triangle of each block used)
    blocks = np.zeros((K, K, p1, p1))
    xi = np.ones(p1)
    loss = 0.0
    for i in range(n):
        _, lse = _softmax_row(X, i, coef, intercept, eta)
        w = sw[i]
        yi = y[i]
        loss += w * (lse - eta[yi])
        for j in range(p):
            xi[j] = X[i, j]
        for k in range(K):
            prob[k] = np.exp(eta[k] - lse)
        for k in range(K):
            g = prob[k]
            if k == yi:
                g -= 1.0
            g *= w
            gb[k] += g
            for j in range(p):
                grad[k, j] += g * xi[j]
            for q in range(k + 1):
                c = -w * prob[k] * prob[q]
                if q == k:
                    c += w * prob[k]
                for j in range(p1):
                    cj = c * xi[j]
                    for m in range(j + 1):
                        blocks[k, q, j, m] += cj * xi[m]
    d = K * p1
    hess = np.empty((d, d))
    for k in range(K):
        for q in range(k + 1):
            for j in range(p1):
                for m in range(j + 1):
                    v = blocks[k, q, j, m]
                    hess[k * p1 + j, q * p1 + m] = v
                    hess[k * p1 + m, q * p1 + j] = v
                    hess[q * p1 + j, k * p1 + m] = v
                    hess[q * p1 + m, k * p1 + j] = v
    return loss, grad, gb, hess


@kernel(reads=("X", "y", "sw", "coef", "intercept"), fastmath=_FM)
def glm_score_sums(X, y, sw, coef, intercept, family):
    """Weighted residual deviance of a fitted single-output GLM on one block, one pass.

    Returns
    -------
    dev : float
        ``sum w * r**2`` (``SQUARED``) or ``sum w * (y*log(y/mu) - y + mu)`` (``POISSON``,
        half the unit Poisson deviance, each term computed on its own so that large counts
        do not cancel).
    """
    n, p = X.shape
    dev = 0.0
    for i in range(n):
        eta = intercept
        for j in range(p):
            eta += X[i, j] * coef[j]
        yi = y[i]
        if family == SQUARED:
            r = yi - eta
            dev += sw[i] * r * r
        else:
            dev += sw[i] * half_poisson_deviance(yi, np.exp(eta))
    return dev


def block_gram(X, y, sw):
    """Weighted co-moments of a block, centred on the block's weighted means.

    Centring each block on its own means before forming the products (the block is in
    memory: a two-pass computation within it) keeps the Gram matrix accurate when the
    features' means are large against their spread, which a Gram of the raw values would
    lose to cancellation; :func:`merge_gram` then merges blocks without forming raw sums.

    Parameters
    ----------
    X : ndarray of shape (n, p), float32 or float64
    y : ndarray of shape (n,), float64
    sw : ndarray of shape (n,), float64
        Non-negative sample weights.

    Returns
    -------
    stats : tuple ``(n, S, mx, my, Cxx, cxy, cyy)``
        Rows ``n``; ``S = sum sw``; weighted means ``mx`` (p,) and ``my``; with
        ``Xc = X - mx`` and ``yc = y - my``: ``Cxx = Xc.T @ diag(sw) @ Xc`` (p, p),
        ``cxy = Xc.T @ diag(sw) @ yc`` (p,) and ``cyy = yc @ diag(sw) @ yc``. A block whose
        weights sum to zero contributes its row count only.
    """
    n, p = X.shape
    S = float(sw.sum())
    if not S > 0.0:
        return n, 0.0, np.zeros(p), 0.0, np.zeros((p, p)), np.zeros(p), 0.0
    Xf = np.asarray(X, dtype=np.float64)
    mx = (sw @ Xf) / S
    my = float(sw @ y) / S
    root = np.sqrt(sw)
    Xs = (Xf - mx) * root[:, None]
    ys = (y - my) * root
    # ``A.T @ A`` on one buffer is a symmetric rank-k update (BLAS syrk); the caller caps
    # BLAS threads around the whole reduction (blocks already run in parallel)
    Cxx = Xs.T @ Xs
    cxy = Xs.T @ ys
    return n, S, mx, my, Cxx, cxy, float(ys @ ys)


def _merge_two_grams(a, b):
    na, Sa, mxa, mya, Ca, ca, cya = a
    nb, Sb, mxb, myb, Cb, cb, cyb = b
    if Sb == 0.0:
        return (na + nb, Sa, mxa, mya, Ca, ca, cya)
    if Sa == 0.0:
        return (na + nb, Sb, mxb, myb, Cb, cb, cyb)
    S = Sa + Sb
    f = Sa * Sb / S
    d = mxb - mxa
    dy = myb - mya
    return (
        na + nb,
        S,
        mxa + d * (Sb / S),
        mya + dy * (Sb / S),
        Ca + Cb + f * np.multiply.outer(d, d),
        ca + cb + f * d * dy,
        cya + cyb + f * dy * dy,
    )


def merge_gram(parts):
    """Merge a list of :func:`block_gram` partials (pairwise co-moment update, in order)."""
    out = parts[0]
    for part in parts[1:]:
        out = _merge_two_grams(out, part)
    return out
