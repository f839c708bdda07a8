"""Kernels, objective and solvers of the GLMs, tested below the estimators."""

import dask
import dask.array as da
import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import logsumexp

from dask_scale._kernels import glm as kernels
from dask_scale.linear_model._solvers import SOLVERS, GLMObjective, Penalty, make_solver
from dask_scale.linear_model._solvers._linalg import newton_direction
from dask_scale.linear_model._solvers._objective import MULTINOMIAL


class _NoLog:
    def __call__(self, *args, **kwargs):
        pass


def _data(family, n=300, p=4, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    sw = rng.uniform(0.5, 2.0, size=n)
    if family == kernels.SQUARED:
        y = X @ rng.normal(size=p) + rng.normal(size=n)
    elif family == kernels.BINOMIAL:
        y = (rng.uniform(size=n) < 0.4).astype(np.float64)
    elif family == kernels.POISSON:
        y = rng.poisson(np.exp(0.3 * X[:, 0] + 0.5)).astype(np.float64)
    else:
        y = rng.integers(0, K, size=n).astype(np.intp)
    return X, y, sw


def _reference_loss(family, X, y, sw, coef, intercept):
    """Weighted loss written with plain NumPy/SciPy (independent of the kernels)."""
    if family == MULTINOMIAL:
        eta = X @ coef.T + intercept
        return float(sw @ (logsumexp(eta, axis=1) - eta[np.arange(len(y)), y]))
    eta = X @ coef + intercept
    if family == kernels.SQUARED:
        return float(sw @ (0.5 * (eta - y) ** 2))
    if family == kernels.BINOMIAL:
        return float(sw @ (np.logaddexp(0.0, eta) - y * eta))
    return float(sw @ (np.exp(eta) - y * eta))


FAMILIES = [kernels.SQUARED, kernels.BINOMIAL, kernels.POISSON, MULTINOMIAL]


def _objective(family, X, y, sw, *, fit_intercept=True, penalty="l2", l1_ratio=None, C=0.7):
    K = len(np.unique(y)) if family == MULTINOMIAL else 1
    return GLMObjective(
        X,
        y,
        sw,
        family=family,
        n_outputs=K,
        fit_intercept=fit_intercept,
        C=C,
        penalty=Penalty(penalty, l1_ratio),
        sw_sum=float(X.shape[0] if sw is None else np.sum(sw)),
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_kernel_loss_matches_numpy_reference(family):
    X, y, sw = _data(family)
    rng = np.random.default_rng(1)
    if family == MULTINOMIAL:
        coef, intercept = rng.normal(size=(3, 4)) * 0.3, rng.normal(size=3) * 0.3
        got = kernels.multinomial_loss(X, y, sw, coef, intercept)
        got_g = kernels.multinomial_loss_grad(X, y, sw, coef, intercept)[0]
        got_h = kernels.multinomial_loss_grad_hess(X, y, sw, coef, intercept, True)[0]
    else:
        coef, intercept = rng.normal(size=4) * 0.3, 0.2
        got = kernels.glm_loss(X, y, sw, coef, intercept, family)
        got_g = kernels.glm_loss_grad(X, y, sw, coef, intercept, family)[0]
        got_h = kernels.glm_loss_grad_hess(X, y, sw, coef, intercept, family, True)[0]
    expected = _reference_loss(family, X, y, sw, coef, intercept)
    # Same sums in a different order: agreement to rounding.
    np.testing.assert_allclose([got, got_g, got_h], expected, rtol=1e-11)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gradient_and_hessian_match_finite_differences(family, fit_intercept):
    X, y, sw = _data(family, n=120)
    obj = _objective(family, X, y, sw, fit_intercept=fit_intercept)
    rng = np.random.default_rng(2)
    w = rng.normal(size=obj.size) * 0.3
    f, g = obj.loss_grad(w)
    f2, g2, H = obj.loss_grad_hess(w)
    assert f == pytest.approx(obj.loss(w), rel=1e-12)
    assert f2 == pytest.approx(f, rel=1e-12)
    np.testing.assert_allclose(g2, g, rtol=1e-10, atol=1e-14)
    # Central-difference accuracy is ~1e-9 relative here.
    num_g = approx_fprime(w, obj.loss, 1e-6)
    np.testing.assert_allclose(g, num_g, rtol=1e-4, atol=1e-6)
    num_H = np.column_stack(
        [approx_fprime(w, lambda v, j=j: obj.loss_grad(v)[1][j], 1e-6) for j in range(obj.size)]
    ).T
    np.testing.assert_allclose(H, num_H, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(H, H.T, atol=1e-14)


def test_objective_is_scaled_sklearn_objective():
    X, y, sw = _data(kernels.BINOMIAL)
    C = 0.3
    obj = _objective(kernels.BINOMIAL, X, y, sw, C=C, penalty="elasticnet", l1_ratio=0.25)
    w = np.array([0.1, -0.2, 0.3, 0.05, 0.4])
    coef, b = w[:4], w[4]
    expected = C * _reference_loss(kernels.BINOMIAL, X, y, sw, coef, b) + (
        0.25 * np.abs(coef).sum() + 0.75 / 2 * coef @ coef
    )
    value = obj.unscale(obj.loss(w) + obj.nonsmooth(w))
    assert value == pytest.approx(expected, rel=1e-12)


def test_dask_and_numpy_passes_agree_and_class_encoding_is_lazy():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3))
    labels = np.array(["no", "yes"])[(X[:, 0] > 0).astype(int)]
    cw = np.array([1.0, 3.0])
    obj_np = GLMObjective(
        X,
        (labels == "yes").astype(float),
        cw[(labels == "yes").astype(int)],
        family=kernels.BINOMIAL,
        n_outputs=1,
        fit_intercept=True,
        C=1.0,
        penalty=Penalty("l2"),
        sw_sum=1.0,
    )
    obj_dask = GLMObjective(
        da.from_array(X, chunks=(70, 3)),
        da.from_array(labels, chunks=70),
        None,
        family=kernels.BINOMIAL,
        n_outputs=1,
        fit_intercept=True,
        C=1.0,
        penalty=Penalty("l2"),
        sw_sum=1.0,
        classes=np.array(["no", "yes"]),
        class_weight=cw,
    )
    w = np.array([0.5, -0.1, 0.2, 0.1])
    f1, g1 = obj_np.loss_grad(w)
    f2, g2 = obj_dask.loss_grad(w)
    assert f2 == pytest.approx(f1, rel=1e-12)
    np.testing.assert_allclose(g2, g1, rtol=1e-12)


def test_nan_in_dask_X_is_caught_in_the_first_pass():
    X = np.ones((30, 2))
    X[17, 1] = np.nan
    obj = GLMObjective(
        da.from_array(X, chunks=(10, 2)),
        da.zeros(30, chunks=10),
        None,
        family=kernels.SQUARED,
        n_outputs=1,
        fit_intercept=True,
        C=1.0,
        penalty=Penalty("l2"),
        sw_sum=30.0,
    )
    with pytest.raises(ValueError, match="NaN or infinity"):
        obj.loss_grad(np.zeros(3))


@pytest.mark.parametrize("l1,l2", [(0.0, 1.0), (1.0, 0.0), (0.3, 0.7)])
def test_prox_penalty_minimises_its_problem(l1, l2):
    X, y, sw = _data(kernels.SQUARED, n=10)
    obj = _objective(kernels.SQUARED, X, y, sw, C=0.05)
    obj.l1, obj.l2 = l1, l2
    a = np.array([0.8, -0.05, 0.3, -2.0, 5.0])
    weight = 1.7
    z = obj.prox_penalty(a, weight)

    def h(v):
        vp = v[:4]
        return l1 * np.abs(vp).sum() + l2 / 2 * vp @ vp + weight / 2 * np.sum((v - a) ** 2)

    rng = np.random.default_rng(0)
    for _ in range(200):
        assert h(z) <= h(z + rng.normal(scale=0.05, size=5)) + 1e-12
    assert z[4] == a[4]  # intercept not penalised
    if l1 > 0:
        assert z[1] == 0.0  # |a| below the threshold -> exact zero


def test_optimality_is_zero_only_at_the_l1_solution():
    X, y, sw = _data(kernels.SQUARED, n=200)
    obj = _objective(kernels.SQUARED, X, y, sw, penalty="l1", C=0.002)
    solve = make_solver("proximal_grad", obj.penalty, {})
    res = solve(obj, np.zeros(obj.size), max_iter=5000, tol=1e-10, log=_NoLog())
    assert res.converged
    _, g = obj.loss_grad(res.w)
    assert obj.optimality(res.w, g) <= 1e-9
    assert (res.w[:4] == 0).any()  # this C zeroes some coefficients
    moved = res.w + 0.01
    assert obj.optimality(moved, obj.loss_grad(moved)[1]) > 1e-3


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("family", FAMILIES)
def test_every_solver_reaches_the_lbfgs_optimum(solver, family):
    X, y, sw = _data(family, n=400)
    obj = _objective(family, X, y, sw)
    ref = make_solver("lbfgs", obj.penalty, {})(
        obj, np.zeros(obj.size), max_iter=1000, tol=1e-10, log=_NoLog()
    )
    res = make_solver(solver, obj.penalty, {})(
        obj, np.zeros(obj.size), max_iter=5000, tol=1e-8, log=_NoLog()
    )
    assert res.converged
    f_ref = obj.loss(ref.w)
    # Scaled objectives are O(1); gradient tolerance 1e-8 gives ~1e-12 objective error.
    assert obj.loss(res.w) == pytest.approx(f_ref, rel=1e-9, abs=1e-10)
    np.testing.assert_allclose(obj.center(res.w), obj.center(ref.w), atol=1e-5)


def test_solvers_report_non_convergence():
    X, y, sw = _data(kernels.BINOMIAL)
    obj = _objective(kernels.BINOMIAL, X, y, sw)
    for solver in SOLVERS:
        res = make_solver(solver, obj.penalty, {})(
            obj, np.zeros(obj.size), max_iter=1, tol=1e-12, log=_NoLog()
        )
        assert not res.converged
        assert res.n_iter == 1


def test_make_solver_rejects_l1_for_smooth_solvers_and_unknown_options():
    for solver in ("lbfgs", "newton", "gradient_descent"):
        with pytest.raises(ValueError, match="proximal_grad.*admm"):
            make_solver(solver, Penalty("l1"), None)
        with pytest.raises(ValueError, match="proximal_grad.*admm"):
            make_solver(solver, Penalty("elasticnet", 0.5), None)
    with pytest.raises(ValueError, match=r"Unknown solver_kwargs \['bogus'\].*maxcor"):
        make_solver("lbfgs", Penalty("l2"), {"bogus": 1})
    assert make_solver("admm", Penalty("l1"), {"rho": 0.1, "over_relax": 1.2})


def test_admm_options_are_validated_and_used():
    X, y, sw = _data(kernels.BINOMIAL)
    obj = _objective(kernels.BINOMIAL, X, y, sw)
    with pytest.raises(ValueError, match="over_relax"):
        make_solver("admm", obj.penalty, {"over_relax": 2.5})(
            obj, np.zeros(obj.size), max_iter=5, tol=1e-4, log=_NoLog()
        )
    seen = []

    def log(it, value, **extra):
        seen.append(extra["rho"])

    make_solver("admm", obj.penalty, {"rho": 0.123, "mu": 1e12})(
        obj, np.zeros(obj.size), max_iter=3, tol=1e-12, log=log
    )
    assert seen and all(r == 0.123 for r in seen)


def test_admm_uses_one_graph_per_iteration_with_dask_blocks():
    X, y, sw = _data(kernels.BINOMIAL, n=600)
    Xd, yd = da.from_array(X, chunks=(150, 4)), da.from_array(y, chunks=150)
    obj = _objective(kernels.BINOMIAL, Xd, yd, None)
    calls = []
    original = dask.compute

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dask, "compute", counting)
        res = make_solver("admm", obj.penalty, {})(
            obj, np.zeros(obj.size), max_iter=50, tol=1e-6, log=_NoLog()
        )
    assert res.converged
    # one initial pass, then one graph per iteration, plus the iteration that confirms z
    assert len(calls) == res.n_iter + 2


def test_newton_direction_handles_singular_hessians():
    H = np.array([[2.0, 0.0], [0.0, 0.0]])
    g = np.array([1.0, 0.0])
    d = newton_direction(H, g)
    assert np.all(np.isfinite(d))
    np.testing.assert_allclose(d[0], -0.5, rtol=1e-6)
    assert g @ d < 0


def test_admm_residual_rule_stops_when_primal_and_dual_residuals_are_small():
    # Boyd et al. (3.12): stop once ||r|| <= eps_pri and ||s|| <= eps_dual. With a loose
    # abstol the residual rule ends the run before the (tight) optimality test would.
    X, y, sw = _data(kernels.BINOMIAL, n=600)
    Xd, yd = da.from_array(X, chunks=(150, 4)), da.from_array(y, chunks=150)
    obj = _objective(kernels.BINOMIAL, Xd, yd, None)
    logged = []

    def log(it, value, **extra):
        logged.append(extra)

    tight = make_solver("admm", obj.penalty, {})(
        obj, np.zeros(obj.size), max_iter=200, tol=1e-10, log=_NoLog()
    )
    loose = make_solver("admm", obj.penalty, {"abstol": 1e-3, "reltol": 1e-2})(
        obj, np.zeros(obj.size), max_iter=200, tol=1e-10, log=log
    )
    assert loose.converged and tight.converged
    assert loose.n_iter < tight.n_iter
    # the run stopped on the residuals: the optimality at z was still above tol
    assert logged[-1]["optimality"] > 1e-10
    assert logged[-1]["primal"] < logged[0]["primal"]
    np.testing.assert_allclose(loose.w, tight.w, atol=5e-2)
