"""Gradient descent with Barzilai-Borwein steps and a non-monotone backtracking line search.

One pass (loss + gradient) per iteration when the step is accepted, which the
Barzilai-Borwein step size makes the common case (Raydan 1997, global BB method).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ._options import POSITIVE_INT, open_interval
from ._result import SolverResult

__all__ = ["gradient_descent"]

DEFAULTS = {"maxls": 30, "memory": 10, "armijo": 1e-4}
OPTIONS = {"maxls": POSITIVE_INT, "memory": POSITIVE_INT, "armijo": open_interval(0, 1)}


def gradient_descent(obj, w0, *, max_iter, tol, log, maxls=30, memory=10, armijo=1e-4):
    """Minimise the smooth objective ``obj`` by gradient descent.

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
    memory : int, default=10
        Number of past objective values the non-monotone line search compares with
        (1 gives a monotone Armijo search).
    armijo : float, default=1e-4
        Sufficient-decrease constant.

    Returns
    -------
    SolverResult
    """
    w = np.asarray(w0, dtype=np.float64).copy()
    f, g = obj.loss_grad(w)
    recent = deque([f], maxlen=max(int(memory), 1))
    gnorm = float(np.linalg.norm(g))
    step = 1.0 / max(gnorm, 1.0)
    for it in range(1, max_iter + 1):
        if np.max(np.abs(g), initial=0.0) <= tol:
            return SolverResult(w, it - 1, True, obj.unscale(f))
        gg = float(g @ g)
        ref = max(recent)
        for _ in range(maxls):
            w_new = w - step * g
            f_new, g_new = obj.loss_grad(w_new)
            if np.isfinite(f_new) and f_new <= ref - armijo * step * gg:
                break
            step *= 0.5
        else:
            return SolverResult(
                w,
                it - 1,
                False,
                obj.unscale(f),
                "the line search found no decrease (standardise the features, or use "
                "solver='lbfgs' or 'newton')",
            )
        s = w_new - w
        yv = g_new - g
        sy = float(s @ yv)
        w, f, g = w_new, f_new, g_new
        recent.append(f)
        log(it, obj.unscale(f), step=step)
        # Barzilai-Borwein step for the next iteration, safeguarded.
        step = float(s @ s) / sy if sy > 0 else step * 2.0
        step = min(max(step, 1e-12), 1e12)
    converged = np.max(np.abs(g), initial=0.0) <= tol
    return SolverResult(w, max_iter, bool(converged), obj.unscale(f))
