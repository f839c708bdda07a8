"""The in-memory algebra of the Nyström approximation (Fowlkes, Belongie, Chung and Malik,
2004, "one-shot" orthogonalised method), on ``l x l`` matrices only.

With ``A = K(S, S)`` the affinity of the ``l`` sampled rows and ``B`` their affinity to the
other rows, the full affinity is approximated by ``[[A, B], [B^T, B^T A^+ B]]``. Its degrees
are ``d(x) = K(x, S) @ (1 + A^+ b)``, ``b = B 1`` (for a sampled row, ``A 1 + B 1``), so the
same formula extends the degree to every row (:func:`degree_extension`). With
``c(x) = K(x, S) / sqrt(d_S d(x))`` and ``A_n = D_S^-1/2 A D_S^-1/2`` (the rows ``c`` of the
sample), the normalised affinity is ``C A_n^+ C^T`` where ``C`` stacks the ``c(x)``, and its
leading eigenvectors are ``V = C W`` with ``W = A_n^-1/2 U Lambda^-1/2``, ``U Lambda U^T`` the
eigendecomposition of ``Q = A_n^-1/2 (sum_x c(x) c(x)^T) A_n^-1/2`` (:func:`embedding_basis`):
``V`` has orthonormal columns, and ``Lambda`` approximates the leading eigenvalues of the
normalised affinity ``D^-1/2 W D^-1/2`` of all the rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse.linalg

__all__ = ["degree_extension", "embedding_basis", "inverse_sqrt_degrees"]


def degree_extension(A, column_sums):
    """``1 + A^+ b`` with ``b = column_sums - A 1`` (the sample's affinity to the other rows):
    the vector whose product with ``K(x, S)`` is the Nyström degree of row ``x``."""
    b = column_sums - A.sum(axis=1)
    return 1.0 + scipy.linalg.pinvh(A) @ b


def inverse_sqrt_degrees(column_sums):
    """``d_S^-1/2`` for the sampled rows' degrees (0 where a degree is not positive)."""
    out = np.zeros_like(column_sums)
    ok = column_sums > 0
    out[ok] = 1.0 / np.sqrt(column_sums[ok])
    return out


def _top_eigen(Q, k, solver, tol, rng):
    """The ``k`` largest eigenpairs of the symmetric ``Q``, largest first."""
    r = Q.shape[0]
    if solver is None:
        w, U = scipy.linalg.eigh(Q, subset_by_index=(r - k, r - 1))
    elif solver == "arpack":
        if k >= r:
            raise ValueError(
                f"eigen_solver='arpack' finds fewer eigenvectors than the matrix order: "
                f"n_clusters={k} must be smaller than the rank of the sample's affinity "
                f"({r}). Use eigen_solver=None (dense), or a larger n_components."
            )
        v0 = rng.uniform(-1.0, 1.0, r)
        w, U = scipy.sparse.linalg.eigsh(
            Q, k=k, which="LA", tol=0.0 if tol == "auto" else tol, v0=v0
        )
    else:  # lobpcg
        X0 = rng.standard_normal((r, k))
        w, U = scipy.sparse.linalg.lobpcg(
            Q, X0, largest=True, tol=None if tol == "auto" else tol, maxiter=2000
        )
    order = np.argsort(w)[::-1]
    return w[order], U[:, order]


def embedding_basis(A, scale, gram, k, *, solver=None, tol="auto", rng=None):
    """``(W, eigenvalues)``: the ``(l, k)`` map from ``c(x)`` to the embedding and the ``k``
    leading eigenvalues of the approximate normalised affinity.

    When the sample's affinity has rank ``r`` below ``k`` (duplicate sampled rows, or a
    kernel that makes them alike), warns and returns ``r`` columns and eigenvalues.
    """
    An = scale[:, None] * A * scale[None, :]
    w, U = scipy.linalg.eigh(An)
    cut = w.max(initial=0.0) * An.shape[0] * np.finfo(np.float64).eps
    keep = w > cut  # the positive part (a kernel that is not positive definite loses the rest)
    rank = int(np.count_nonzero(keep))
    if rank < k:
        warnings.warn(
            f"The affinity of the {A.shape[0]} sampled rows has rank {rank}, fewer than "
            f"n_clusters={k} (duplicate rows, or a kernel under which they look alike): the "
            f"embedding has {rank} dimensions. Increase n_components for a closer "
            "approximation.",
            UserWarning,
            stacklevel=4,
        )
        k = rank
    R = U[:, keep] / np.sqrt(w[keep])  # A_n^-1/2 on its range
    Q = R.T @ gram @ R
    Q = (Q + Q.T) / 2
    lam, V = _top_eigen(Q, k, solver, tol, rng)
    lam_safe = np.where(lam > 0, lam, np.inf)
    return (R @ V) / np.sqrt(lam_safe)[None, :], lam
