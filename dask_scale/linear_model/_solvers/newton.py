"""Newton's method with the exact Hessian, solved on the client, and a backtracking line search.

Each evaluation is one pass computing loss, gradient and Hessian together, so an accepted
full step (the usual case near the optimum) costs a single pass per iteration.
"""

from __future__ import annotations

import numpy as np

from ._linalg import newton_direction
from ._options import POSITIVE_INT, open_interval
from ._result import SolverResult

__all__ = ["newton"]

DEFAULTS = {"maxls": 30, "armijo": 1e-4}
OPTIONS = {"maxls": POSITIVE_INT, "armijo": open_interval(0, 1)}


def newton(obj, w0, *, max_iter, tol, log, maxls=30, armijo=1e-4):
    """Minimise the smooth objective ``obj`` with damped Newton steps.

    Stops when the largest entry of the scaled gradient is at most ``tol``.

    Parameters
    ----------
    obj : GLMObjective
        Its non-smooth part must be zero (no L1 term).
    w0 : ndarray of shape (n_coef,)
    max_iter : int
    tol : float
    log : IterationLog
    maxls : int, default=30
        Maximum halvings of the step in the line search.
    armijo : float, default=1e-4
        Sufficient-decrease constant of the line search.

    Returns
    -------
    SolverResult
    """
    w = np.asarray(w0, dtype=np.float64).copy()
    f, g, H = obj.loss_grad_hess(w)
    # Directions the objective ignores (multinomial symmetry) get unit curvature so that the
    # Newton system is regular; the gradient has no component along them.
    V = obj.invariant_basis()
    flat = V @ V.T if V.shape[1] else None
    eps = np.finfo(float).eps
    for it in range(1, max_iter + 1):
        if np.max(np.abs(g), initial=0.0) <= tol:
            return SolverResult(w, it - 1, True, obj.unscale(f))
        if flat is not None:
            scale = max(float(np.mean(np.abs(np.diag(H)))), 1e-12)
            d = obj.center(newton_direction(H + scale * flat, g))
        else:
            d = newton_direction(H, g)
        slope = float(g @ d)
        if slope >= 0.0:  # numerically singular: fall back to steepest descent
            d = -g
            slope = -float(g @ g)
        t = 1.0
        for _ in range(maxls):
            w_new = w + t * d
            f_new, g_new, H_new = obj.loss_grad_hess(w_new)
            # Armijo test, with room for rounding once the decrease is below it.
            if np.isfinite(f_new) and f_new <= f + armijo * t * slope + 16 * eps * abs(f):
                break
            t *= 0.5
        else:
            return SolverResult(
                w,
                it - 1,
                False,
                obj.unscale(f),
                "the line search found no decrease (the problem may be badly scaled; "
                "standardise the features)",
            )
        small = abs(f - f_new) <= 64 * eps * max(abs(f), 1.0)
        w, f, g, H = w_new, f_new, g_new, H_new
        log(it, obj.unscale(f), step=t)
        if small:
            # No representable decrease left: as converged as floating point allows.
            return SolverResult(w, it, True, obj.unscale(f))
    converged = np.max(np.abs(g), initial=0.0) <= tol
    return SolverResult(w, max_iter, bool(converged), obj.unscale(f))
