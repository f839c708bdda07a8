"""Small dense linear algebra on the client: Newton directions from a (damped) Hessian, and
the exact solve of normal equations (:func:`solve_normal_equations`)."""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve, eigh
from scipy.linalg.lapack import dpocon

__all__ = ["newton_direction", "solve_normal_equations"]


def newton_direction(H, g):
    """Solve ``H d = -g`` for a symmetric positive semi-definite ``H``.

    Uses a Cholesky factorisation; when ``H`` is singular or indefinite (an unpenalised
    multinomial model is invariant to adding a constant to every class), a growing multiple
    of the identity is added until the factorisation succeeds.
    """
    d = H.shape[0]
    scale = max(float(np.abs(np.diag(H)).max()) if d else 0.0, 1e-12)
    damping = 0.0
    for _ in range(30):
        try:
            factor = cho_factor(H + damping * np.eye(d), lower=True, check_finite=True)
            return -cho_solve(factor, g)
        except (LinAlgError, ValueError):
            damping = scale * 1e-10 if damping == 0.0 else damping * 10.0
    return -g / scale


def solve_normal_equations(A, b):
    """The minimum-norm solution of ``A x = b`` for a symmetric positive semi-definite ``A``.

    ``A`` is a Gram matrix (plus a ridge): Cholesky when ``A`` is well enough conditioned
    (estimated reciprocal condition number above ``d * eps``), otherwise a pseudo-inverse
    from the eigendecomposition that drops the eigenvalues below ``d * eps * max eigenvalue``,
    which gives the minimum-norm least-squares solution (scikit-learn's
    ``LinearRegression`` on rank-deficient data). A Gram matrix squares the condition
    number of the data, so directions whose singular value is below about
    ``sqrt(d * eps)`` times the largest count as rank-deficient here.

    Parameters
    ----------
    A : ndarray of shape (d, d)
    b : ndarray of shape (d,)

    Returns
    -------
    x : ndarray of shape (d,)
    """
    d = b.shape[0]
    if d == 0:
        return np.zeros(0)
    if not (np.isfinite(A).all() and np.isfinite(b).all()):
        raise ValueError(
            "The normal equations of the least-squares problem overflowed (non-finite Gram "
            "matrix): the features are too large for float64 squares; rescale X (e.g. with "
            "dask_scale.preprocessing.StandardScaler)."
        )
    cutoff = d * np.finfo(np.float64).eps
    try:
        factor = cho_factor(A, lower=False, check_finite=False)
        rcond, info = dpocon(factor[0], float(np.abs(A).sum(axis=0).max()), uplo="U")
        if info == 0 and rcond > cutoff:
            return cho_solve(factor, b, check_finite=False)
    except LinAlgError:
        pass
    w, V = eigh(A, check_finite=False)
    keep = w > cutoff * max(float(w[-1]), 0.0)
    Vk = V[:, keep]
    return Vk @ ((Vk.T @ b) / w[keep])
