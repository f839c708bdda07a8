"""The exact least-squares solve: one pass for the Gram matrix, then a direct solve.

For squared loss with an L2 penalty or none, the objective
``C * sum_i sw_i * 0.5 * (y_i - x_i @ coef - b)**2 + l2 / 2 * ||coef||^2`` is quadratic, so
its minimiser solves the normal equations

    (Cxx + l2 / C * I) coef = cxy,        b = my - mx @ coef

with ``Cxx``, ``cxy`` the weighted co-moments of the data centred on their weighted means
``mx``, ``my`` (without an intercept, the raw moments ``Cxx + S mx mx^T`` and
``cxy + S mx my``). One pass over the row blocks computes them (BLAS per block,
:func:`dask_scale._kernels.glm.block_gram`, merged by the library's tree reduction), then a
Cholesky solve on the client (:func:`._linalg.solve_normal_equations`, minimum-norm when the
Gram matrix is singular) gives the coefficients, as scikit-learn's ``Ridge`` /
``LinearRegression`` do in memory. The cost is ``n * d**2`` flops and a ``d x d`` partial per
block, so it suits up to a few thousand features.

Scaled input (a scaler's lazy output ``(S - offset) * factor``, see
:mod:`dask_scale._graph.affine`): the pass reads ``S`` and the map is applied to the merged
moments (means shift and scale, co-moments scale), so no block is scaled.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..._graph import reduce_blocks
from ..._kernels.glm import SQUARED, block_gram, merge_gram
from ..._types import is_dask_collection
from ._linalg import solve_normal_equations
from ._objective import block_inputs

__all__ = ["GramSolution", "gram_solve"]

DEFAULTS: dict = {}
OPTIONS: dict = {}


@dataclass
class GramSolution:
    """Result of :func:`gram_solve`.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
    intercept : float
        0.0 without an intercept.
    n_rows : int
        Rows read (for the "0 samples" check).
    sw_sum : float
        Sum of the sample weights.
    objective : float
        scikit-learn's objective ``C * sum(sw * loss) + P`` at the solution (without the
        factor ``C`` when there is no penalty).
    """

    coef: np.ndarray
    intercept: float
    n_rows: int
    sw_sum: float
    objective: float


def _gram_chunk(Xb, yb, swb):
    X, y, sw = block_inputs(Xb, yb, swb, SQUARED, None, None)
    return block_gram(X, y, sw)


def gram_solve(X, y, sample_weight, *, fit_intercept, ridge, C, affine=None, check_finite=None):
    """Minimise the (ridge) least-squares objective exactly, reading the data once.

    Parameters
    ----------
    X : ndarray or dask array of shape (n_samples, n_features)
    y : ndarray or dask array of shape (n_samples,)
    sample_weight : ndarray, dask array or None
    fit_intercept : bool
    ridge : float
        ``l2 / C``, the ridge added to the Gram matrix (scikit-learn's ``Ridge(alpha)``);
        0 for no penalty.
    C : float
        For the reported objective only.
    affine : tuple (offset, factor) or None, default=None
        ``X`` is a scaler's input and the model is on ``(X - offset) * factor``.
    check_finite : dict or None
        Inputs checked for NaN/inf as the blocks are read (see :func:`reduce_blocks`).

    Returns
    -------
    GramSolution
    """
    # The blocks run in parallel, one task a core: nested BLAS threads inside them would
    # oversubscribe the cores. BLAS thread counts are process-wide, so the limit is set here,
    # once, by the caller's thread around the whole reduction (tasks changing it would race:
    # one restoring the count while another computes). Workers of a dask.distributed
    # cluster start with one BLAS thread already. In-memory input is one BLAS call on the
    # whole array and keeps every thread.
    limit = (
        threadpool_limits(limits=1, user_api="blas")
        if is_dask_collection(X)
        else contextlib.nullcontext()
    )
    with limit:
        n_rows, S, mx, my, Cxx, cxy, cyy = reduce_blocks(
            _gram_chunk,
            [X, y, sample_weight],
            combine=merge_gram,
            check_finite=check_finite,
            name="glm-gram",
        )
    p = Cxx.shape[0]
    if affine is not None:
        offset, factor = affine
        mx = (mx - offset) * factor
        Cxx = Cxx * np.multiply.outer(factor, factor)
        cxy = cxy * factor
    if not S > 0.0:
        return GramSolution(np.zeros(p), 0.0, int(n_rows), float(S), 0.0)
    if fit_intercept:
        A, b, byy = Cxx, cxy, cyy
    else:
        A = Cxx + S * np.multiply.outer(mx, mx)
        b = cxy + S * mx * my
        byy = cyy + S * my * my
    A = 0.5 * (A + A.T)
    if ridge > 0.0:
        A = A + ridge * np.eye(p)
    coef = solve_normal_equations(A, b)
    intercept = float(my - mx @ coef) if fit_intercept else 0.0
    # residual sum of squares from the moments: byy - 2 coef.b + coef.(Cxx or G).coef
    rss = max(float(byy - 2.0 * coef @ b + coef @ (A @ coef) - ridge * coef @ coef), 0.0)
    c = C if np.isfinite(C) else 1.0
    objective = c * 0.5 * rss + (0.5 * ridge * c * float(coef @ coef))
    return GramSolution(coef, intercept, int(n_rows), float(S), objective)
