"""Consensus ADMM over row blocks (Boyd et al. 2011, section 7.1, with over-relaxation).

The smooth data term is split over the ``N`` row blocks, ``f = sum_k f_k``, and the penalty
``g`` is kept on the client::

    x_k  <- argmin_x f_k(x) + rho/2 ||x - z + u_k||^2        (per block, next to its data)
    xh_k <- alpha x_k + (1 - alpha) z                        (over-relaxation)
    z    <- argmin_z g(z) + N rho/2 ||z - mean_k(xh_k + u_k)||^2    (closed form prox)
    u_k  <- u_k + xh_k - z

Each block keeps its local state with it (a :class:`~dask_scale._graph.BlockStates` state:
on the worker that holds the block on a cluster, in the driver's memory on the local
schedulers): ``x_k``, ``u_k`` and its data term's loss, gradient and Hessian at ``x_k``, so a
local solve, warm-started from the previous ``x_k`` by Newton's method, usually costs one
fused pass. A pass's task first brings ``u_k`` up to date with the new consensus point (the
same arithmetic as the client's), then evaluates the block's loss and gradient at ``z``, then
solves. Only ``O(d)`` numbers per block come back (``x_k``, the ``u_k`` it used, the
gradient at ``z``); only ``z``, the previous ``z`` and a few scalars go out. The sums of the
losses and gradients at ``z`` give the exact objective and gradient there, so ADMM stops on
the same optimality test as the other solvers (largest entry of the minimum-norm
subgradient at most ``tol``) rather than on residuals alone. A state lost with a worker is
rebuilt from the ``x_k`` and ``u_k`` the client last received (:func:`_rebuilt_state`); the
loss, gradient and Hessian at ``x_k``, a function of the block and ``x_k``, are recomputed
by the next pass, so the iterations go on exactly as they would have.

``rho`` starts at a small fraction of the typical curvature of a block's loss (from a first
pass, a tree reduction of the Hessian at the starting point): when blocks are alike, the
average of nearly independent local solutions is already close to the optimum. It is then
balanced against the primal and dual residuals (``mu``, ``tau``), raising it only while the
optimality at ``z`` stalls, which is when the blocks disagree. The result is ``z``, so L1
penalties give exact zeros. Multiclass problems use the same multinomial loss as the other
solvers (each block solves a local multinomial problem).
"""

from __future__ import annotations

import numpy as np

from ..._graph import BlockStates
from ._linalg import newton_direction
from ._objective import GRAD, HESS, block_eval, block_inputs, flat_grad, split_flat
from ._options import (
    OPTIONAL_NON_NEGATIVE,
    OPTIONAL_POSITIVE,
    POSITIVE,
    POSITIVE_INT,
    open_interval,
)
from ._result import SolverResult

__all__ = ["admm"]

DEFAULTS = {
    "rho": None,
    "over_relax": 1.5,
    "abstol": None,
    "reltol": None,
    "mu": 10.0,
    "tau": 2.0,
    "local_max_iter": 10,
}
OPTIONS = {
    "rho": OPTIONAL_POSITIVE,
    "over_relax": open_interval(0, 2),
    "abstol": OPTIONAL_NON_NEGATIVE,
    "reltol": OPTIONAL_NON_NEGATIVE,
    "mu": POSITIVE,
    "tau": POSITIVE,
    "local_max_iter": POSITIVE_INT,
}

# A block keeps its Hessian between passes while it is no larger than the block's data (or
# than this); above, it is recomputed at the start of each local solve.
_CACHE_FLOOR_BYTES = 1 << 20
# Initial rho as a fraction of a block's typical curvature (see _initial_rho).
_RHO_FRACTION = 0.03
_ROUNDING = 16 * np.finfo(float).eps
# Local solves stop when their gradient is below this fraction of tol / n_blocks.
_LOCAL_ACCURACY = 0.1


def _data_eval(X, y, sw, x, spec, mode=HESS):
    """Block's scaled data term at ``x``: ``(f, g, H)`` (``mode=HESS``) or ``(f, g)``."""
    family, classes, cw, fit_intercept, n_outputs, n_features, inv_s, affine = spec
    coef, intercept = split_flat(x, n_outputs, n_features, fit_intercept, family)
    out = block_eval(X, y, sw, coef, intercept, family, mode, fit_intercept, affine)
    g = flat_grad(out[1], out[2], n_outputs, n_features, fit_intercept) * inv_s
    if mode == HESS:
        return out[0] * inv_s, g, out[3] * inv_s
    return out[0] * inv_s, g


def _local_solve(X, y, sw, x, f, g, H, v, rho, local_tol, local_max_iter, spec):
    """Newton's method on ``f(x) + rho/2 ||x - v||^2`` from ``x`` (``f, g, H`` at ``x``)."""
    eye = np.eye(x.size)
    for _ in range(local_max_iter):
        r = x - v
        phi = f + 0.5 * rho * float(r @ r)
        gphi = g + rho * r
        if np.max(np.abs(gphi), initial=0.0) <= local_tol:
            break
        d = newton_direction(H + rho * eye, gphi)
        slope = float(gphi @ d)
        t = 1.0
        for _ in range(30):
            xn = x + t * d
            fn, gn, Hn = _data_eval(X, y, sw, xn, spec)
            rn = xn - v
            # Armijo test, with room for rounding once the decrease is below it.
            bound = phi + 1e-4 * t * slope + _ROUNDING * abs(phi)
            if np.isfinite(fn) and fn + 0.5 * rho * float(rn @ rn) <= bound:
                break
            t *= 0.5
        else:
            break
        x, f, g, H = xn, fn, gn, Hn
    return x, f, g, H


def _block_step(
    i,
    state,
    Xb,
    yb,
    swb,
    z,
    z_prev,
    u_scale,
    rho,
    over_relax,
    local_tol,
    local_max_iter,
    spec,
):
    """One ADMM pass on block ``i``: update ``u``, evaluate at ``z``, solve the local problem.

    ``state`` is ``(x, u, f(x), g(x), H(x) or None)`` from the previous pass (``None`` at the
    first: ``x = z``, ``u = 0``), or ``(x, u, None, None, None)`` rebuilt by
    :func:`_rebuilt_state`; without ``H``, ``f, g, H`` are computed at ``x``. ``u`` is first brought up to date with the new ``z``::

        u <- (u + alpha x + (1 - alpha) z_prev - z) * u_scale

    (``u_scale`` rescales it when ``rho`` changed). Returns the new state and the summary
    ``(x_new, u, f(z), g(z))`` of the block's scaled data term.
    """
    family, classes, cw = spec[:3]
    X, y, sw = block_inputs(Xb, yb, swb, family, classes, cw)
    if state is None:
        fz, gz, H = _data_eval(X, y, sw, z, spec)
        x, u, f, g = z.copy(), np.zeros_like(z), fz, gz
    else:
        x, u, f, g, H = state
        u = (u + (over_relax * x + (1.0 - over_relax) * z_prev) - z) * u_scale
        fz, gz = _data_eval(X, y, sw, z, spec, GRAD)
        if H is None:
            f, g, H = _data_eval(X, y, sw, x, spec)
    x, f, g, H = _local_solve(X, y, sw, x, f, g, H, z - u, rho, local_tol, local_max_iter, spec)
    keep = H if H.nbytes <= max(X.nbytes, _CACHE_FLOOR_BYTES) else None
    return (x, u, f, g, keep), (x, u, fz, gz)


def _rebuilt_state(i, summary):
    """Block ``i``'s state from its last summary ``(x, u, f(z), g(z))``: ``x`` and ``u``.

    Its loss, gradient and Hessian at ``x`` (kept by :func:`_block_step`, or not when the
    Hessian is large) are left out: the next step computes them from the block at ``x``,
    the same numbers as those lost.
    """
    x, u = summary[:2]
    return x, u, None, None, None


def _initial_rho(H_sum, n_blocks):
    """A small fraction of the typical curvature of an average block's loss.

    The typical curvature is the geometric mean of the Hessian's eigenvalues, leaving out
    directions of (near) zero curvature (collinear features, the multinomial symmetry).
    Starting well below it makes the first local solves close to the blocks' own optima,
    whose average is already accurate when the blocks are alike; residual balancing raises
    ``rho`` when they are not.
    """
    ev = np.linalg.eigvalsh(H_sum / n_blocks)
    top = float(ev[-1]) if ev.size else 1.0
    if not np.isfinite(top) or top <= 0.0:
        return 1.0
    ev = ev[ev > top * 1e-3]
    return _RHO_FRACTION * float(np.exp(np.mean(np.log(ev))))


def admm(
    obj,
    w0,
    *,
    max_iter,
    tol,
    log,
    rho=None,
    over_relax=1.5,
    abstol=None,
    reltol=None,
    mu=10.0,
    tau=2.0,
    local_max_iter=10,
):
    """Minimise ``obj`` by consensus ADMM over its row blocks.

    Every iteration also sums the blocks' gradients at the current consensus ``z`` (in the
    same tasks), so the stopping rule is the one of the other solvers: the largest entry of
    the (minimum-norm sub)gradient of the scaled objective at ``z`` is at most ``tol``.

    Parameters
    ----------
    obj : GLMObjective
    w0 : ndarray of shape (n_coef,)
    max_iter : int
        Maximum ADMM iterations.
    tol : float
        Optimality tolerance at ``z`` (as for ``lbfgs``).
    log : IterationLog
    rho : float or None, default=None
        Initial penalty parameter; None derives it from the curvature of a block's loss at
        the starting point.
    over_relax : float, default=1.5
        Over-relaxation ``alpha`` in (0, 2).
    abstol, reltol : float or None, default=None
        When given (dask-glm's options), also stop once the primal and dual residuals are
        below ``sqrt(N d) abstol + reltol * scale`` (Boyd et al. 2011, eq. 3.12).
    mu, tau : float, default=10.0, 2.0
        Residual balancing: ``rho`` is divided by ``tau`` when the dual residual exceeds
        ``mu`` times the primal one, and multiplied by ``tau`` when the primal residual
        exceeds ``mu`` times the dual one while the optimality at ``z`` improved by less
        than half since the previous iteration.
    local_max_iter : int, default=10
        Maximum Newton steps of each local solve.

    Returns
    -------
    SolverResult
    """
    residual_rule = abstol is not None or reltol is not None
    abstol = 0.0 if abstol is None else float(abstol)
    reltol = 0.0 if reltol is None else float(reltol)
    spec = (
        obj.family,
        obj.classes,
        obj.class_weight,
        obj.fit_intercept,
        obj.n_outputs,
        obj.n_features,
        1.0 / obj.sw_sum,
        obj.affine,
    )
    z = np.asarray(w0, dtype=np.float64).copy()
    pen = obj.pen_mask
    # First pass: objective, gradient and Hessian at w0 (a tree reduction; sets rho).
    smooth, grad, H = obj.loss_grad_hess(z)
    value = obj.unscale(smooth + obj.nonsmooth(z))
    if obj.optimality(z, grad) <= tol:
        return SolverResult(z, 0, True, value)
    with BlockStates(obj.arrays, name="admm", rebuild=_rebuilt_state) as blocks:
        n_blocks = blocks.n_blocks
        if rho is None:
            H[np.diag_indices_from(H)] -= obj.l2 * pen  # the data term's Hessian
            rho = _initial_rho(H, n_blocks)
        return _iterate(
            obj,
            blocks,
            z,
            spec,
            max_iter=max_iter,
            tol=tol,
            log=log,
            rho=float(rho),
            over_relax=over_relax,
            residual_rule=residual_rule,
            abstol=abstol,
            reltol=reltol,
            mu=mu,
            tau=tau,
            local_max_iter=local_max_iter,
        )


def _iterate(
    obj,
    blocks,
    z,
    spec,
    *,
    max_iter,
    tol,
    log,
    rho,
    over_relax,
    residual_rule,
    abstol,
    reltol,
    mu,
    tau,
    local_max_iter,
):
    """The ADMM iterations from ``z``; each is one :meth:`BlockStates.step`."""
    n_blocks = blocks.n_blocks
    d = z.size
    pen = obj.pen_mask
    local_tol = _LOCAL_ACCURACY * tol / n_blocks
    sqrt_nd = np.sqrt(n_blocks * d)
    residuals_small = False
    prev_opt = np.inf
    r_norm = s_norm = np.nan
    z_prev, u_scale = z, 1.0
    value = np.nan
    for it in range(1, max_iter + 1):
        results = blocks.step(
            _block_step,
            (z, z_prev, u_scale, rho, over_relax, local_tol, local_max_iter, spec),
        )
        obj.n_passes += 1
        # Exact objective and gradient at the z this iteration started from.
        grad = np.sum([r[3] for r in results], axis=0)
        grad[pen] += obj.l2 * z[pen]
        value = obj.unscale(sum(r[2] for r in results) + obj.smooth_penalty(z) + obj.nonsmooth(z))
        opt = obj.optimality(z, grad)
        if it > 1:
            log(it - 1, value, optimality=opt, primal=r_norm, dual=s_norm, rho=rho)
        if opt <= tol or residuals_small:
            return SolverResult(z, it - 1, True, value)
        slow = opt > 0.5 * prev_opt
        prev_opt = opt
        X_local = np.stack([r[0] for r in results])
        U = np.stack([r[1] for r in results])
        X_hat = over_relax * X_local + (1.0 - over_relax) * z
        z_prev = z
        z = obj.prox_penalty((X_hat + U).mean(axis=0), n_blocks * rho)
        # the blocks make the same update of their u at the start of the next pass
        U = U + X_hat - z
        r_norm = float(np.sqrt(((X_local - z) ** 2).sum()))
        s_norm = float(rho * np.sqrt(n_blocks) * np.linalg.norm(z - z_prev))
        if residual_rule:
            eps_pri = sqrt_nd * abstol + reltol * max(
                float(np.linalg.norm(X_local)), np.sqrt(n_blocks) * float(np.linalg.norm(z))
            )
            eps_dual = sqrt_nd * abstol + reltol * rho * float(np.linalg.norm(U))
            residuals_small = r_norm <= eps_pri and s_norm <= eps_dual
        u_scale = 1.0
        if r_norm > mu * s_norm and slow:
            rho *= tau
            u_scale = 1.0 / tau
        elif s_norm > mu * r_norm:
            rho /= tau
            u_scale = tau
    return SolverResult(z, max_iter, False, value)
