"""Per-block linear algebra of the decomposition estimators: NumPy in, small arrays out.

Every function reads one row block (a 2-D NumPy array, accumulated in float64 whatever the
input precision) and returns a summary of size independent of the number of rows, with a
merge that a tree reduction applies to a few summaries at a time. The heavy lifting is
LAPACK/BLAS (QR, matrix products), which releases the GIL.

- :func:`centred_r` / :func:`merge_centred_r`: a tall-skinny QR of the *centred* data in one
  pass. A block gives ``(n, mean, R)`` with ``R`` the triangular factor of ``X_b - mean_b``;
  a merge stacks the ``R`` factors of its parts with one row ``sqrt(n_i) (mean_i - mean)``
  each and takes the ``R`` of that stack. This is exact: the Gram matrix of the centred
  union is ``sum_i R_i^T R_i + n_i d_i d_i^T`` (``d_i = mean_i - mean``), and orthogonal
  factorisations keep it as accurate as one QR of all the centred rows, without a pass for
  the mean first.
- :func:`centred_gram` / :func:`merge_centred_gram`: the same pass with Gram matrices
  ``(X_b - mean_b)^T (X_b - mean_b)`` and the same rank-one corrections (the covariance
  solver: cheaper than QR, squares the condition number).
- :func:`gram_product`: ``Xc^T (Xc W)`` for a small ``W`` (one power iteration, fused per
  block; summed).
- :func:`moments_gram_product` / :func:`merge_moments_gram_product`: the first power
  iteration fused with the pass for the column moments (centred on each block's mean,
  merged with rank-one corrections as above).
- :func:`range_summary` / :func:`merge_range_summary`: the final pass of randomized range
  finding: for ``Y = Xc W``, ``Y^T Y`` and ``Y^T Xc`` (so that ``Q^T Xc`` follows from the
  eigendecomposition of ``Y^T Y`` with ``Q = Y V L^{-1/2}``), optionally with the centred
  Gram matrix of ``Y`` and the column moments of the block (TruncatedSVD's explained
  variance).
- :func:`incremental_svd_update`: IncrementalPCA's update with one batch (Ross et al.'s
  incremental SVD with the mean correction), sequential by nature.
"""

from __future__ import annotations

import numpy as np

from .stats import block_moments, merge_moments

__all__ = [
    "centred_gram",
    "cholesky_qr2_r",
    "centred_r",
    "gram_product",
    "incremental_svd_update",
    "merge_centred_gram",
    "merge_centred_r",
    "merge_moments_gram_product",
    "merge_range_summary",
    "moments_gram_product",
    "r_factor",
    "range_summary",
    "stacked_r",
]

_NO_WEIGHTS = np.empty(0)


def r_factor(A):
    """The upper triangular factor ``R`` of the economic QR of ``A`` (``min(m, n) x n``).

    NumPy's ``mode="r"`` returns the ``min(m, n) x n`` factor (SciPy's returns ``m x n``,
    mostly zeros: as large as the block)."""
    if A.shape[0] == 0:
        return np.zeros((0, A.shape[1]))
    return np.linalg.qr(A, mode="r")


def stacked_r(factors):
    """``R`` of the rows of ``factors`` stacked (the R of a union of row sets)."""
    return r_factor(np.vstack(factors))


def _float_block(X):
    return np.asarray(X, dtype=np.float64)


# CholeskyQR2 accepts a block when its first Q is this close to orthonormal (largest entry
# of ``Q^T Q - I``): then ``cond(Q) <= 1.11`` and the second step is backward stable.
_CHOLQR_ORTHOGONALITY = 0.1


def cholesky_qr2_r(A):
    """The ``R`` factor of the tall ``A`` (``m >= n``) by CholeskyQR2, or None when ``A`` is
    too ill-conditioned for it (about ``cond(A) > 1e7``; the caller then takes a Householder
    QR, :func:`r_factor`).

    CholeskyQR2 (Fukaya, Nakatsukasa, Yanagisawa & Yamamoto, 2014): ``R1 = chol(A^T A)``,
    ``Q1 = A R1^{-1}``, ``R2 = chol(Q1^T Q1)``, ``R = R2 R1``. The first step alone loses
    ``u cond(A)^2`` in the small singular values; the second, on the nearly orthonormal
    ``Q1``, restores them, so that ``R`` is as accurate as Householder's (orthogonality and
    residual ``O(u)``) whenever ``Q1`` is well conditioned, which is checked. It is three
    level-3 BLAS products (Gram, triangular solve, Gram) instead of LAPACK's QR, whose
    panel factorisations run at a fraction of the BLAS speed on tall-skinny blocks (3-4x
    slower on 200,000 x 50). ``A`` is overwritten (it becomes ``Q1``).
    """
    from scipy.linalg import LinAlgError, cholesky, solve_triangular

    m, n = A.shape
    if m < n or n == 0:
        return None
    try:
        R1 = cholesky(A.T @ A, lower=False, check_finite=False)
        # Q1^T = R1^{-T} A^T, solved in place on the Fortran-ordered view of A
        Qt = solve_triangular(
            R1, A.T, trans="T", lower=False, overwrite_b=True, check_finite=False
        )
        G = Qt @ Qt.T
        G.flat[:: n + 1] -= 1.0
        if not np.abs(G).max() <= _CHOLQR_ORTHOGONALITY:  # also False for NaN
            return None
        G.flat[:: n + 1] += 1.0
        R2 = cholesky(G, lower=False, check_finite=False)
    except LinAlgError:
        return None
    return R2 @ R1


def centred_r(X):
    """``(n, mean, R)`` of one block: its row count, column means and the ``R`` of the QR of
    the block centred on its own means (by :func:`cholesky_qr2_r` on the one centred copy
    of the block, else a Householder QR)."""
    n, p = X.shape
    if n == 0:
        return 0, np.zeros(p), np.zeros((0, p))
    mean = X.mean(axis=0, dtype=np.float64)
    R = None if n < p else cholesky_qr2_r(np.subtract(X, mean, out=np.empty((n, p))))
    if R is None:
        R = r_factor(np.subtract(X, mean, out=np.empty((n, p))))
    return n, mean, R


def _merged_mean(parts):
    """Total count and mean of ``(n, mean, ...)`` parts, and each part's mean difference."""
    counts = np.array([p[0] for p in parts], dtype=np.float64)
    n = counts.sum()
    if n == 0:
        return 0, parts[0][1], []
    base = next(p[1] for p in parts if p[0] > 0)
    mean = base + sum(c * (p[1] - base) for c, p in zip(counts, parts, strict=True)) / n
    return int(n), mean, [(c, p[1] - mean) for c, p in zip(counts, parts, strict=True)]


def merge_centred_r(parts):
    """Merge :func:`centred_r` summaries of disjoint row sets into the union's summary."""
    parts = [p for p in parts if p[0] > 0] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    n, mean, diffs = _merged_mean(parts)
    rows = [p[2] for p in parts]
    rows += [np.sqrt(c) * d[np.newaxis, :] for c, d in diffs]
    return n, mean, stacked_r(rows)


def centred_gram(X):
    """``(n, mean, G)`` of one block, ``G = (X - mean)^T (X - mean)`` on its own means."""
    X = _float_block(X)
    n, p = X.shape
    if n == 0:
        return 0, np.zeros(p), np.zeros((p, p))
    mean = X.mean(axis=0)
    Xc = X - mean
    return n, mean, Xc.T @ Xc


def merge_centred_gram(parts):
    """Merge :func:`centred_gram` summaries of disjoint row sets."""
    parts = [p for p in parts if p[0] > 0] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    n, mean, diffs = _merged_mean(parts)
    G = sum(p[2] for p in parts)
    for c, d in diffs:
        G = G + c * np.outer(d, d)
    return n, mean, G


def _centred_product(X, mean, W):
    """``(X - mean) @ W`` without forming ``X - mean`` (a rank-one correction of ``X @ W``:
    the products read the block once, in its own dtype, accumulated in float64)."""
    Y = X @ W
    if mean is not None:
        Y -= mean @ W
    return Y


def _centred_t_product(X, mean, Y):
    """``(X - mean)^T @ Y``, again as a rank-one correction of ``X^T @ Y``."""
    out = X.T @ Y
    if mean is not None:
        out -= np.outer(mean, Y.sum(axis=0))
    return out


def gram_product(X, mean, W):
    """``Xc^T (Xc W)`` with ``Xc = X - mean`` (``mean`` None: no centring), float64.

    The centring is folded into the products (no centred copy of the block is made): this
    loses about ``|mean| / spread`` units in the last place, harmless for randomized range
    finding, which the exact solvers (centred QR) do not share."""
    X = _float_block(X)
    return _centred_t_product(X, mean, _centred_product(X, mean, W))


def moments_gram_product(X, W):
    """The first pass of randomized PCA: the column moments of the block
    (:func:`~dask_scale._kernels.stats.block_moments`), ``Xc^T (Xc W)`` centred on the
    block's own mean, and ``mean @ W``; merged exactly by :func:`merge_moments_gram_product`
    (so the power iteration needs no earlier pass for the mean)."""
    X = _float_block(X)
    moments = block_moments(np.ascontiguousarray(X), _NO_WEIGHTS, False)
    mean = moments[1] + moments[2]
    if X.shape[0] == 0:
        mean = np.zeros(X.shape[1])
    G = _centred_t_product(X, mean, _centred_product(X, mean, W))
    return moments, G, mean @ W


def merge_moments_gram_product(parts):
    """Merge :func:`moments_gram_product` results of disjoint row sets: with ``d`` the
    difference of two parts' means, ``G = G_a + G_b + (n_a n_b / n) d (d^T W)``."""
    moments, G, mW = parts[0]
    for m_b, G_b, mW_b in parts[1:]:
        na, nb = moments[0][0] if moments[0].size else 0.0, m_b[0][0] if m_b[0].size else 0.0
        n = na + nb
        if nb == 0:
            continue
        if na == 0:
            moments, G, mW = m_b, G_b, mW_b
            continue
        d = (m_b[1] + m_b[2]) - (moments[1] + moments[2])
        G = G + G_b + (na * nb / n) * np.outer(d, mW_b - mW)
        mW = mW + (nb / n) * (mW_b - mW)
        moments = merge_moments(moments, m_b)
    return moments, G, mW


def range_summary(X, mean, W, with_stats):
    """The last pass of randomized range finding on one block.

    Returns ``(G_y, C, y_stats, x_moments)``: ``G_y = Y^T Y`` for ``Y = Xc W`` and
    ``C = Y^T Xc`` (two matrix products and a small one: the pass costs what a power
    iteration costs); with ``with_stats`` also :func:`centred_gram` of ``Y`` and the
    column moments of ``X`` (:func:`dask_scale._kernels.stats.block_moments`), else
    ``None``s.
    """
    X = _float_block(X)
    Y = _centred_product(X, mean, W)
    C = _centred_t_product(X, mean, Y).T
    if not with_stats:
        return Y.T @ Y, C, None, None
    moments = block_moments(np.ascontiguousarray(X), _NO_WEIGHTS, False)
    return Y.T @ Y, C, centred_gram(Y), moments


def merge_range_summary(parts):
    """Merge :func:`range_summary` results (summed products, merged stats)."""
    G = sum(p[0] for p in parts)
    C = sum(p[1] for p in parts)
    if parts[0][2] is None:
        return G, C, None, None
    y_stats = merge_centred_gram([p[2] for p in parts])
    moments = parts[0][3]
    for p in parts[1:]:
        moments = merge_moments(moments, p[3])
    return G, C, y_stats, moments


def incremental_svd_update(state, X, n_components, svd):
    """IncrementalPCA's update of ``state`` with the batch ``X`` (a new state).

    ``state`` is None before the first batch, else a dict with ``n`` (rows seen),
    ``moments`` (:func:`~dask_scale._kernels.stats.block_moments` summary of them),
    ``components`` and ``singular_values``. The batch is centred on its own mean and
    stacked below ``singular_values * components`` with one mean-correction row
    ``sqrt(n_seen * n_batch / n_total) * (mean_seen - mean_batch)``; the SVD of that stack
    (``svd(A) -> (U, S, Vt)``, which also fixes the signs) gives the new components. ``n_components`` is the number kept (already validated).
    """
    X = _float_block(X)
    n_batch = X.shape[0]
    moments = block_moments(np.ascontiguousarray(X), _NO_WEIGHTS, False)
    batch_mean = moments[1] + moments[2]
    A = X - batch_mean
    if state is not None:
        n_seen = state["n"]
        seen_mean = state["moments"][1] + state["moments"][2]
        correction = np.sqrt(n_seen * n_batch / (n_seen + n_batch)) * (seen_mean - batch_mean)
        A = np.vstack(
            (state["singular_values"][:, np.newaxis] * state["components"], A, correction)
        )
        moments = merge_moments(state["moments"], moments)
        n_total = n_seen + n_batch
    else:
        n_total = n_batch
    _, S, Vt = svd(A)
    return {
        "n": n_total,
        "n_batch": n_batch,
        "moments": moments,
        "components": Vt[:n_components].copy(),
        "singular_values": S[:n_components].copy(),
        "all_singular_values": S,
        # for SVDs that return fewer singular values than the stack has (randomized):
        # the stack's squared norm and rank bound give the mean of the discarded ones
        "stack_sq": float(np.sum(A * A)),
        "stack_rank": min(A.shape),
    }
