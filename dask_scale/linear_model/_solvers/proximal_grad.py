"""Accelerated proximal gradient (FISTA) with backtracking and adaptive restart.

Handles the non-smooth L1 part of ``l1`` / ``elasticnet`` penalties exactly through its
proximal operator (soft-thresholding, intercept left alone), so L1 solutions are truly
sparse. Beck & Teboulle (2009); restart test of O'Donoghue & Candès (2015).
Two passes per iteration: loss + gradient at the extrapolated point, loss at the candidate.
"""

from __future__ import annotations

import numpy as np

from ._options import BOOLEAN, POSITIVE, POSITIVE_INT
from ._result import SolverResult

__all__ = ["proximal_grad"]

DEFAULTS = {"maxls": 30, "restart": True, "step": 1.0}
OPTIONS = {"maxls": POSITIVE_INT, "restart": BOOLEAN, "step": POSITIVE}


def proximal_grad(obj, w0, *, max_iter, tol, log, maxls=30, restart=True, step=1.0):
    """Minimise ``smooth + nonsmooth`` of ``obj`` with FISTA.

    Stops when the largest entry of the gradient mapping ``(y - prox(y - t g)) / t`` (the
    scaled gradient for smooth problems) is at most ``tol``.

    Parameters
    ----------
    obj : GLMObjective
    w0 : ndarray of shape (n_coef,)
    max_iter : int
    tol : float
    log : IterationLog
    maxls : int, default=30
        Maximum halvings of the step in each backtracking search.
    restart : bool, default=True
        Reset the momentum when it points uphill (adaptive restart).
    step : float, default=1.0
        Initial step size (halved by backtracking as needed; never increased).

    Returns
    -------
    SolverResult
    """
    x = np.asarray(w0, dtype=np.float64).copy()
    yk = x.copy()
    tk = 1.0
    t = float(step)
    value = np.nan
    for it in range(1, max_iter + 1):
        f_y, g_y = obj.loss_grad(yk)
        for _ in range(maxls):
            x_new = obj.prox(yk - t * g_y, t)
            d = x_new - yk
            f_new = obj.loss(x_new)
            bound = f_y + float(g_y @ d) + float(d @ d) / (2.0 * t)
            if np.isfinite(f_new) and f_new <= bound + 1e-12 * abs(bound):
                break
            t *= 0.5
        else:
            return SolverResult(
                x,
                it - 1,
                False,
                obj.unscale(value),
                "the backtracking search found no step (standardise the features)",
            )
        value = f_new + obj.nonsmooth(x_new)
        log(it, obj.unscale(value), step=t)
        gmap = np.max(np.abs(d), initial=0.0) / t
        if gmap <= tol:
            return SolverResult(x_new, it, True, obj.unscale(value))
        tk1 = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * tk * tk))
        if restart and float((yk - x_new) @ (x_new - x)) > 0.0:
            tk, tk1 = 1.0, 1.0
        yk = x_new + ((tk - 1.0) / tk1) * (x_new - x)
        x, tk = x_new, tk1
    return SolverResult(x, max_iter, False, obj.unscale(value))
