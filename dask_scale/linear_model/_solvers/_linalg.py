"""Small dense linear algebra on the client: Newton directions from a (damped) Hessian."""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

__all__ = ["newton_direction"]


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
