"""L-BFGS: scipy's L-BFGS-B driven on the client, one pass (loss + gradient) per evaluation."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ._options import NON_NEGATIVE, POSITIVE_INT
from ._result import SolverResult

__all__ = ["lbfgs"]

DEFAULTS = {"maxcor": 10, "maxls": 50, "ftol": 64 * np.finfo(float).eps}
OPTIONS = {"maxcor": POSITIVE_INT, "maxls": POSITIVE_INT, "ftol": NON_NEGATIVE}


def lbfgs(obj, w0, *, max_iter, tol, log, maxcor=10, maxls=50, ftol=DEFAULTS["ftol"]):
    """Minimise the smooth objective ``obj`` with L-BFGS-B.

    Stops like scikit-learn's ``lbfgs``: when the largest entry of the scaled gradient is at
    most ``tol`` (``gtol``), when the relative decrease falls below ``ftol``, or after
    ``max_iter`` iterations.

    Parameters
    ----------
    obj : GLMObjective
        Its non-smooth part must be zero (no L1 term).
    w0 : ndarray of shape (n_coef,)
    max_iter : int
    tol : float
    log : IterationLog
    maxcor : int, default=10
        Number of correction pairs kept.
    maxls : int, default=50
        Maximum line-search steps per iteration.
    ftol : float, default=64 * machine epsilon
        Relative objective decrease below which the optimiser stops.

    Returns
    -------
    SolverResult
    """
    state = {"it": 0}

    def callback(intermediate_result):
        state["it"] += 1
        log(state["it"], obj.unscale(intermediate_result.fun))

    res = minimize(
        obj.loss_grad,
        np.asarray(w0, dtype=np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=callback,
        options={
            "maxiter": max_iter,
            "maxls": maxls,
            "gtol": tol,
            "ftol": ftol,
            "maxcor": maxcor,
        },
    )
    n_iter = min(int(res.nit), max_iter)
    converged = res.status == 0
    message = None if converged else f"L-BFGS-B stopped with status {res.status}: {res.message}"
    return SolverResult(res.x, n_iter, converged, obj.unscale(res.fun), message)
