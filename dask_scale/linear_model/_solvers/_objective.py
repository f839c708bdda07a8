"""The penalised GLM objective the solvers minimise, evaluated with one pass per call.

scikit-learn's objective is ``C * sum_i sw_i * loss_i + P(w)`` with the penalty ``P`` over the
coefficients (never the intercept)::

    P(w) = l1 * ||w||_1 + l2 / 2 * ||w||_2^2

(``l2``: l1=0, l2=1; ``l1``: l1=1, l2=0; ``elasticnet``: l1=l1_ratio, l2=1-l1_ratio;
``None``: both 0). Like scikit-learn, the solvers work on that objective divided by
``C * S`` where ``S = sum_i sw_i`` (class weights included)::

    f(w) = 1/S * sum_i sw_i * loss_i + l2 / (C S) / 2 * ||w||^2  +  l1 / (C S) * ||w||_1
           `------------------ smooth part -------------------'    `-- non-smooth --'

so ``tol`` means the same thing as in scikit-learn (a bound on the scaled gradient).

The coefficients are a flat vector ``w = W.ravel()`` with ``W`` of shape
``(n_outputs, n_features + fit_intercept)``, the intercept in the last column.

Scaled input: when ``X`` is a scaler's lazy output ``(S - offset) * factor`` (see
:mod:`dask_scale._graph.affine`), the passes read the scaler's input ``S`` and fold the map
into the coefficients instead: ``X @ coef + b = S @ (factor * coef) + (b - offset . (factor
* coef))``, so the kernels see the same linear predictor, and the gradient and Hessian in
``(coef, b)`` follow by the chain rule from the kernels' ones in the folded coefficients
(:func:`block_eval`). No block is scaled, and no kernel changes.
"""

from __future__ import annotations

import numpy as np

from ..._graph import reduce_blocks
from ..._kernels.glm import (
    BINOMIAL,
    POISSON,
    SQUARED,
    glm_loss,
    glm_loss_grad,
    glm_loss_grad_hess,
    multinomial_loss,
    multinomial_loss_grad,
    multinomial_loss_grad_hess,
)

__all__ = [
    "BINOMIAL",
    "GLMObjective",
    "MULTINOMIAL",
    "POISSON",
    "Penalty",
    "SQUARED",
    "block_eval",
    "block_inputs",
    "flat_grad",
    "split_flat",
]

MULTINOMIAL = 3

# What a pass computes.
LOSS, GRAD, HESS = 0, 1, 2


class Penalty:
    """Penalty ``l1 * ||w||_1 + l2 / 2 * ||w||^2`` from a penalty name and ``l1_ratio``.

    Parameters
    ----------
    name : {"l2", "l1", "elasticnet", None}
    l1_ratio : float or None
        Only used by ``"elasticnet"``.
    """

    def __init__(self, name, l1_ratio=None):
        self.name = name
        if name is None:
            self.l1, self.l2 = 0.0, 0.0
        elif name == "l2":
            self.l1, self.l2 = 0.0, 1.0
        elif name == "l1":
            self.l1, self.l2 = 1.0, 0.0
        elif name == "elasticnet":
            self.l1, self.l2 = float(l1_ratio), 1.0 - float(l1_ratio)
        else:  # pragma: no cover - validated by the estimators
            raise ValueError(f"unknown penalty {name!r}")

    def value(self, coef):
        """``P(coef)`` for the penalised coefficients ``coef``."""
        coef = np.asarray(coef, dtype=np.float64)
        return self.l1 * np.abs(coef).sum() + 0.5 * self.l2 * float(coef.ravel() @ coef.ravel())


def block_inputs(Xb, yb, swb, family, classes, class_weight):
    """Per-block inputs for the kernels: C-ordered ``X``, encoded ``y``, effective weights.

    ``classes`` (the sorted labels) is given when ``yb`` holds raw labels that still need
    encoding (dask input: encoded as each block is read); ``class_weight`` (one weight per
    class, or None) multiplies the sample weights.
    """
    X = np.ascontiguousarray(Xb)
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    n = X.shape[0]
    if classes is not None:
        if family == BINOMIAL:
            y = (np.asarray(yb) == classes[1]).astype(np.float64)
        else:
            y = np.searchsorted(classes, np.asarray(yb)).astype(np.intp)
    elif family == MULTINOMIAL:
        y = np.ascontiguousarray(yb, dtype=np.intp)
    else:
        y = np.ascontiguousarray(yb, dtype=np.float64)
    if swb is None:
        sw = np.ones(n)
    else:
        sw = np.ascontiguousarray(swb, dtype=np.float64)
    if class_weight is not None:
        idx = y.astype(np.intp) if family == BINOMIAL else y
        sw = sw * class_weight[idx]
    return X, y, sw


def _kernel_eval(X, y, sw, coef, intercept, family, mode, fit_intercept):
    if family == MULTINOMIAL:
        if mode == LOSS:
            return (multinomial_loss(X, y, sw, coef, intercept),)
        if mode == GRAD:
            return multinomial_loss_grad(X, y, sw, coef, intercept)
        return multinomial_loss_grad_hess(X, y, sw, coef, intercept, fit_intercept)
    if mode == LOSS:
        return (glm_loss(X, y, sw, coef, intercept, family),)
    if mode == GRAD:
        return glm_loss_grad(X, y, sw, coef, intercept, family)
    return glm_loss_grad_hess(X, y, sw, coef, intercept, family, fit_intercept)


def _folded_hessian(H, offset, factor, n_outputs, fit_intercept):
    """Hessian in ``(coef, b)`` from the kernel's one (intercept included) in the folded ones.

    With ``x = (s - offset) * factor``, ``[x, 1] = A [s, 1]`` where ``A`` is diagonal in
    ``factor`` with last column ``(-offset * factor, 1)``, so every ``(k, q)`` block of the
    Hessian is ``A H_kq A^T``; without an intercept its row and column are dropped after.
    """
    p = offset.shape[0]
    A = np.zeros((p + 1, p + 1))
    A[np.arange(p), np.arange(p)] = factor
    A[:p, p] = -factor * offset
    A[p, p] = 1.0
    H = H.reshape(n_outputs, p + 1, n_outputs, p + 1)
    H = np.einsum("ab,kbqc,dc->kaqd", A, H, A, optimize=True)
    if not fit_intercept:
        H = H[:, :p, :, :p]
    m = n_outputs * H.shape[1]
    return np.ascontiguousarray(H.reshape(m, m))


def block_eval(X, y, sw, coef, intercept, family, mode, fit_intercept, affine=None):
    """Kernel call on prepared block inputs: ``(loss,)``, ``(loss, G, gb)`` or ``(.., H)``.

    ``affine``: None, or ``(offset, factor)`` (float64, per feature) when ``X`` is the input
    ``S`` of a scaler and the model is on ``(S - offset) * factor``; the results are those
    of the model on the scaled block (see the module docstring).
    """
    if affine is None:
        return _kernel_eval(X, y, sw, coef, intercept, family, mode, fit_intercept)
    offset, factor = affine
    coef_s = coef * factor
    intercept_s = intercept - coef_s @ offset
    # the Hessian's map needs the intercept's row and column, fitted or not
    out = _kernel_eval(
        X, y, sw, coef_s, intercept_s, family, mode, fit_intercept or mode == HESS
    )
    if mode == LOSS:
        return out
    loss, G, gb = out[:3]
    G = (G - np.multiply.outer(gb, offset)) * factor
    if mode == GRAD:
        return loss, G, gb
    n_outputs = coef.shape[0] if family == MULTINOMIAL else 1
    return loss, G, gb, _folded_hessian(out[3], offset, factor, n_outputs, fit_intercept)


def split_flat(w, n_outputs, n_features, fit_intercept, family):
    """Kernel arguments ``(coef, intercept)`` from the flat coefficients ``w``.

    Multinomial: ``(K, p)`` and ``(K,)`` arrays; other families: ``(p,)`` and a float.
    """
    W = np.asarray(w, dtype=np.float64).reshape(n_outputs, n_features + int(fit_intercept))
    coef = np.ascontiguousarray(W[:, :n_features])
    intercept = np.ascontiguousarray(W[:, -1]) if fit_intercept else np.zeros(n_outputs)
    if family == MULTINOMIAL:
        return coef, intercept
    return coef[0], float(intercept[0])


def flat_grad(G, gb, n_outputs, n_features, fit_intercept):
    """Flat gradient (layout of ``w``) from the kernels' ``(G, gb)``."""
    G = np.asarray(G, dtype=np.float64).reshape(n_outputs, n_features)
    if not fit_intercept:
        return G.ravel().copy()
    return np.hstack([G, np.asarray(gb, dtype=np.float64).reshape(n_outputs, 1)]).ravel()


def _chunk(
    Xb, yb, swb, coef, intercept, family, classes, class_weight, mode, fit_intercept, affine
):
    X, y, sw = block_inputs(Xb, yb, swb, family, classes, class_weight)
    return block_eval(X, y, sw, coef, intercept, family, mode, fit_intercept, affine)


class GLMObjective:
    """Scaled penalised objective of a GLM on (possibly lazy) data.

    Parameters
    ----------
    X : ndarray or dask array of shape (n_samples, n_features)
    y : ndarray or dask array of shape (n_samples,)
        Encoded targets (NumPy: float for single-output families, class index for
        multinomial), or raw labels with ``classes`` given.
    sample_weight : ndarray, dask array or None
    family : {SQUARED, BINOMIAL, POISSON, MULTINOMIAL}
    n_outputs : int
        Rows of coefficients (1, or the number of classes for multinomial).
    fit_intercept : bool
    C : float
    penalty : Penalty
    sw_sum : float
        ``S``, the sum of effective sample weights.
    classes : ndarray or None, default=None
        Sorted labels when ``y`` holds raw labels (encoded block by block).
    class_weight : ndarray or None, default=None
        Weight per class, applied block by block.
    check_finite : bool, default=True
        Check the blocks of ``X`` for NaN/inf in the first pass.
    affine : tuple (offset, factor) or None, default=None
        When given, ``X`` is a scaler's input and the model is fitted on
        ``(X - offset) * factor`` (folded into every pass, see :func:`block_eval`).
    """

    def __init__(
        self,
        X,
        y,
        sample_weight,
        *,
        family,
        n_outputs,
        fit_intercept,
        C,
        penalty,
        sw_sum,
        classes=None,
        class_weight=None,
        check_finite=True,
        affine=None,
    ):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.affine = affine
        self.family = family
        self.n_outputs = n_outputs
        self.n_features = X.shape[1]
        self.fit_intercept = bool(fit_intercept)
        self.C = float(C)
        self.penalty = penalty
        self.sw_sum = float(sw_sum)
        self.classes = classes
        self.class_weight = class_weight
        self._check_finite = check_finite
        self.shape = (n_outputs, self.n_features + int(self.fit_intercept))
        self.size = self.shape[0] * self.shape[1]
        mask = np.ones(self.shape, dtype=bool)
        if self.fit_intercept:
            mask[:, -1] = False
        self.pen_mask = mask.ravel()
        # C = inf means no penalty (scikit-learn's convention); the objective is then
        # reported without the factor C.
        cs = self.sw_sum * (self.C if np.isfinite(self.C) else np.inf)
        self.l1 = penalty.l1 / cs
        self.l2 = penalty.l2 / cs
        self.n_passes = 0

    # -- layout -------------------------------------------------------------------------
    def split(self, w):
        """``(coef, intercept)`` from the flat ``w``: shapes ``(K, p)`` and ``(K,)``."""
        W = np.asarray(w, dtype=np.float64).reshape(self.shape)
        coef = W[:, : self.n_features].copy()
        intercept = W[:, -1].copy() if self.fit_intercept else np.zeros(self.n_outputs)
        return coef, intercept

    def join(self, coef, intercept):
        """Flat ``w`` from ``coef`` ``(K, p)`` and ``intercept`` ``(K,)``."""
        coef = np.asarray(coef, dtype=np.float64).reshape(self.n_outputs, self.n_features)
        if not self.fit_intercept:
            return coef.ravel().copy()
        intercept = np.asarray(intercept, dtype=np.float64).reshape(self.n_outputs, 1)
        return np.hstack([coef, intercept]).ravel()

    def kernel_params(self, w):
        """``(coef, intercept)`` in the form the kernels take for this family."""
        return split_flat(w, self.n_outputs, self.n_features, self.fit_intercept, self.family)

    @property
    def arrays(self):
        """The inputs every pass reads: ``[X, y, sample_weight]``."""
        return [self.X, self.y, self.sample_weight]

    def take_finite_check(self):
        """Inputs to check for NaN/inf in the next pass (only the first pass checks)."""
        check = {0: "X"} if self._check_finite else {}
        self._check_finite = False
        return check

    # -- passes -------------------------------------------------------------------------
    def _pass(self, w, mode):
        coef, intercept = self.kernel_params(w)
        params = (
            coef,
            intercept,
            self.family,
            self.classes,
            self.class_weight,
            mode,
            self.fit_intercept,
            self.affine,
        )
        out = reduce_blocks(
            _chunk, self.arrays, params, check_finite=self.take_finite_check(), name="glm-pass"
        )
        self.n_passes += 1
        return out

    def _flat_grad(self, G, gb):
        return flat_grad(G, gb, self.n_outputs, self.n_features, self.fit_intercept)

    def smooth_penalty(self, w):
        wp = w[self.pen_mask]
        return 0.5 * self.l2 * float(wp @ wp)

    def loss(self, w):
        """Smooth part of the scaled objective at ``w`` (one pass)."""
        (loss,) = self._pass(w, LOSS)
        return loss / self.sw_sum + self.smooth_penalty(w)

    def loss_grad(self, w):
        """Smooth part and its gradient at ``w`` (one pass)."""
        loss, G, gb = self._pass(w, GRAD)
        g = self._flat_grad(G, gb) / self.sw_sum
        g[self.pen_mask] += self.l2 * w[self.pen_mask]
        return loss / self.sw_sum + self.smooth_penalty(w), g

    def loss_grad_hess(self, w):
        """Smooth part, gradient and Hessian at ``w`` (one pass)."""
        loss, G, gb, H = self._pass(w, HESS)
        g = self._flat_grad(G, gb) / self.sw_sum
        g[self.pen_mask] += self.l2 * w[self.pen_mask]
        H = H / self.sw_sum
        H[np.diag_indices_from(H)] += self.l2 * self.pen_mask
        return loss / self.sw_sum + self.smooth_penalty(w), g, H

    def invariant_basis(self):
        """Orthonormal directions along which the objective is constant, shape (size, m).

        A multinomial model is unchanged when the same constant is added to every class's
        intercept, and (without penalty) to every class's coefficient of one feature. Newton
        steps must not wander along these directions; the estimators also centre the
        solution along them, which is where gradient methods started at zero stay (and so
        where scikit-learn's solution lies).
        """
        if self.family != MULTINOMIAL:
            return np.zeros((self.size, 0))
        K, p1 = self.shape
        cols = []
        if self.fit_intercept:
            cols.append(p1 - 1)
        if self.penalty.l1 == 0.0 and self.l2 == 0.0:
            cols.extend(range(self.n_features))
        V = np.zeros((self.size, len(cols)))
        for m, j in enumerate(cols):
            V[np.arange(K) * p1 + j, m] = 1.0 / np.sqrt(K)
        return V

    def center(self, w):
        """Project ``w`` onto the complement of :meth:`invariant_basis` (same objective)."""
        V = self.invariant_basis()
        if V.shape[1] == 0:
            return w
        return w - V @ (V.T @ w)

    # -- non-smooth part ----------------------------------------------------------------
    def nonsmooth(self, w):
        """The scaled L1 part ``l1 / (C S) * ||w||_1`` (intercept excluded)."""
        if self.l1 == 0.0:
            return 0.0
        return self.l1 * float(np.abs(w[self.pen_mask]).sum())

    def prox(self, w, step):
        """Proximal operator of ``step * nonsmooth`` (soft-thresholding, intercept kept)."""
        if self.l1 == 0.0:
            return w
        out = w.copy()
        t = step * self.l1
        v = w[self.pen_mask]
        out[self.pen_mask] = np.sign(v) * np.maximum(np.abs(v) - t, 0.0)
        return out

    def prox_penalty(self, a, weight):
        """``argmin_z  l1 ||z||_1 + l2/2 ||z||^2 + weight/2 ||z - a||^2`` (scaled penalty).

        The intercept entries are not penalised and come back as ``a``.
        """
        z = np.array(a, dtype=np.float64, copy=True)
        v = z[self.pen_mask]
        if self.l1 > 0.0:
            v = np.sign(v) * np.maximum(np.abs(v) - self.l1 / weight, 0.0)
        z[self.pen_mask] = v / (1.0 + self.l2 / weight)
        return z

    def optimality(self, w, grad):
        """Largest entry of the minimum-norm subgradient of the scaled objective at ``w``.

        ``grad`` is the gradient of the smooth part at ``w``. Without an L1 term this is
        ``max|grad|``, the quantity scikit-learn's ``lbfgs`` compares with ``tol``.
        """
        g = np.array(grad, dtype=np.float64, copy=True)
        if self.l1 > 0.0:
            m = self.pen_mask
            wp, gp = w[m], g[m]
            nz = wp != 0
            gp[nz] += self.l1 * np.sign(wp[nz])
            gp[~nz] = np.sign(gp[~nz]) * np.maximum(np.abs(gp[~nz]) - self.l1, 0.0)
            g[m] = gp
        return float(np.max(np.abs(g), initial=0.0))

    # -- reporting ----------------------------------------------------------------------
    def unscale(self, value):
        """scikit-learn's objective ``C * sum(sw * loss) + P`` from a scaled value."""
        c = self.C if np.isfinite(self.C) else 1.0
        return value * c * self.sw_sum
