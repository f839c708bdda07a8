"""The exact least-squares solve (``solver='cholesky'``, LinearRegression's ``'auto'``).

Written from scikit-learn's definitions (``Ridge(alpha=1/C)``, ``LinearRegression`` with its
minimum-norm solution on rank-deficient data) and dask-ml's documented example
``LinearRegression().fit(*make_regression(...))``.
"""

import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.linear_model as sk_lm
from _helpers import BlockCounter, GraphCounter
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from dask_scale.datasets import make_regression
from dask_scale.linear_model import LinearRegression, PoissonRegression
from dask_scale.linear_model._solvers._linalg import solve_normal_equations

pytestmark = pytest.mark.filterwarnings("ignore:Dask currently has limited support")


def _data(n=300, p=8, seed=0):
    """Features with large offsets and spreads over four orders of magnitude."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * 10.0 ** rng.uniform(-2, 2, p) + rng.uniform(-1e3, 1e3, p)
    coef = rng.normal(size=p) / np.std(X, axis=0)
    y = X @ coef + 5.0 + rng.normal(size=n)
    sw = rng.uniform(0.2, 3.0, n)
    return X, y, sw


def _inputs(kind, X, y, sw, rows=70):
    """``(X, y, sample_weight)`` as NumPy, dask arrays (known/unknown chunks) or a frame."""
    if kind == "numpy":
        return X, y, sw
    if kind == "frame":
        cols = [f"f{j}" for j in range(X.shape[1])]
        frame = pd.DataFrame(X, columns=cols).assign(target=y, w=sw)
        frame = dd.from_pandas(frame, npartitions=-(-X.shape[0] // rows))
        return frame[cols], frame["target"], frame["w"]
    Xd, yd, wd = (da.from_array(a, chunks=rows) for a in (X, y, sw))
    if kind == "unknown":
        keep = da.from_array(np.ones(X.shape[0], dtype=bool), chunks=rows)
        Xd, yd, wd = Xd[keep], yd[keep], wd[keep]
    return Xd, yd, wd


def _sk_reference(penalty, C, fit_intercept):
    if penalty is None or not np.isfinite(C):
        return sk_lm.LinearRegression(fit_intercept=fit_intercept)
    return sk_lm.Ridge(alpha=1.0 / C, fit_intercept=fit_intercept, solver="svd")


def _assert_close(est, ref, rtol):
    scale = max(np.abs(ref.coef_).max(), 1.0)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=rtol * scale)
    scale_b = max(abs(float(ref.intercept_)), scale)
    assert abs(est.intercept_ - float(ref.intercept_)) <= rtol * scale_b


# -- equals scikit-learn ------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["numpy", "known", "unknown", "frame"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("penalty, C", [("l2", 1.0), ("l2", 1e-3), (None, 1.0), ("l2", np.inf)])
def test_exact_solve_equals_sklearn(kind, fit_intercept, weighted, penalty, C):
    # LinearRegression(penalty='l2', C) is Ridge(alpha=1/C); penalty=None (or C=inf) is
    # ordinary least squares; relative agreement 1e-8 whatever the input kind.
    X, y, sw = _data()
    ref = _sk_reference(penalty, C, fit_intercept).fit(X, y, sample_weight=sw if weighted else None)
    Xi, yi, wi = _inputs(kind, X, y, sw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = LinearRegression(penalty=penalty, C=C, fit_intercept=fit_intercept).fit(
            Xi, yi, sample_weight=wi if weighted else None
        )
    assert est.solver_ == "cholesky"
    assert est.n_iter_ == 1
    _assert_close(est, ref, 1e-8)
    if not fit_intercept:
        assert est.intercept_ == 0.0


def test_explicit_cholesky_and_float32():
    X, y, sw = _data()
    ref = sk_lm.Ridge(alpha=0.5).fit(X.astype(np.float32).astype(np.float64), y)
    est = LinearRegression(solver="cholesky", C=2.0).fit(
        da.from_array(X.astype(np.float32), chunks=50), da.from_array(y, chunks=50)
    )
    _assert_close(est, ref, 1e-8)


@pytest.mark.parametrize("kind", ["numpy", "known", "frame"])
def test_rank_deficient_gives_the_minimum_norm_solution(kind):
    # a duplicated and a constant column: scikit-learn's LinearRegression (lstsq) returns the
    # minimum-norm coefficients; so does the pseudo-inverse of the singular Gram matrix.
    X, y, sw = _data(p=5)
    X = np.hstack([X, X[:, :1], np.full((X.shape[0], 1), 7.0)])
    ref = sk_lm.LinearRegression().fit(X, y, sample_weight=sw)
    Xi, yi, wi = _inputs(kind, X, y, sw)
    est = LinearRegression(penalty=None).fit(Xi, yi, sample_weight=wi)
    _assert_close(est, ref, 1e-7)
    assert est.coef_[0] == pytest.approx(est.coef_[5], rel=1e-7)
    assert abs(est.coef_[6]) < 1e-8


def test_more_features_than_samples_minimum_norm():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 90))
    y = rng.normal(size=40)
    ref = sk_lm.LinearRegression().fit(X, y)
    est = LinearRegression(penalty=None).fit(da.from_array(X, chunks=15), da.from_array(y, 15))
    _assert_close(est, ref, 1e-8)
    np.testing.assert_allclose(est.predict(X), y, atol=1e-8 * np.abs(y).max())


def test_solve_normal_equations_paths():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(30, 6))
    G = A.T @ A
    b = rng.normal(size=6)
    np.testing.assert_allclose(solve_normal_equations(G, b), np.linalg.solve(G, b), rtol=1e-10)
    singular = np.diag([4.0, 1.0, 0.0])
    np.testing.assert_array_equal(solve_normal_equations(singular, np.array([8.0, 1.0, 5.0])),
                                  np.array([2.0, 1.0, 0.0]))
    assert solve_normal_equations(np.zeros((0, 0)), np.zeros(0)).shape == (0,)
    with pytest.raises(ValueError, match="overflowed"):
        solve_normal_equations(np.array([[np.inf]]), np.array([1.0]))


# -- dask-ml's example: converges, one pass --------------------------------------------------
def test_dask_ml_example_converges_in_one_pass():
    # issue #12: 100 x 100 with the default penalty stopped at max_iter with L-BFGS
    X, y = make_regression(
        n_samples=100, n_features=100, n_informative=10, chunks=100, random_state=0
    )
    ref = sk_lm.Ridge(alpha=1.0).fit(X.compute(), y.compute())
    with warnings.catch_warnings(), GraphCounter() as graphs:
        warnings.simplefilter("error", ConvergenceWarning)
        est = LinearRegression().fit(X, y)
    assert graphs.count == 1  # one graph submission: the Gram pass
    _assert_close(est, ref, 1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_every_block_is_read_once(weighted):
    X, y, sw = _data(n=400)
    counter_x, counter_y = BlockCounter(4), BlockCounter(4)
    Xd = counter_x.wrap(da.from_array(X, chunks=100), "x-blocks")
    yd = counter_y.wrap(da.from_array(y, chunks=100), "y-blocks")
    wd = da.from_array(sw, chunks=100) if weighted else None
    with dask.config.set(scheduler="sync"):
        LinearRegression().fit(Xd, yd, sample_weight=wd)
    np.testing.assert_array_equal(counter_x.per_block, [1, 1, 1, 1])
    np.testing.assert_array_equal(counter_y.per_block, [1, 1, 1, 1])


def test_frame_input_is_one_graph_submission():
    X, y, sw = _data(n=400)
    Xf, yf, wf = _inputs("frame", X, y, sw, rows=100)
    with GraphCounter() as graphs:
        est = LinearRegression().fit(Xf, yf, sample_weight=wf)
    assert graphs.count == 1
    _assert_close(est, sk_lm.Ridge(alpha=1.0).fit(X, y, sample_weight=sw), 1e-8)


def test_scaler_output_folded_into_the_gram_pass(monkeypatch):
    # StandardScaler's lazy output: the pass reads the raw blocks (never scaled) and the map
    # is applied to the merged moments; same coefficients as on the scaled data.
    from sklearn.pipeline import make_pipeline

    import dask_scale.preprocessing._standard as scalers
    from dask_scale.preprocessing import StandardScaler

    X, y, sw = _data(n=400)
    scaled = (X - X.mean(axis=0)) / X.std(axis=0)
    ref = sk_lm.Ridge(alpha=1.0).fit(scaled, y, sample_weight=sw)
    calls = []
    original = scalers._standard_new_block
    monkeypatch.setattr(
        scalers, "_standard_new_block", lambda b, *a: calls.append(1) or original(b, *a)
    )
    pipe = make_pipeline(StandardScaler(), LinearRegression()).fit(
        da.from_array(X, chunks=100),
        da.from_array(y, chunks=100),
        linearregression__sample_weight=da.from_array(sw, chunks=100),
    )
    assert calls == []
    _assert_close(pipe[-1], ref, 1e-8)


# -- which solver runs -----------------------------------------------------------------------
def test_auto_choices_and_explicit_solvers_still_iterate():
    X, y, _ = _data(n=200, p=4)
    scaled = (X - X.mean(axis=0)) / X.std(axis=0)
    assert LinearRegression().fit(X, y).solver_ == "cholesky"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert LinearRegression(penalty="l1").fit(scaled, y).solver_ == "admm"
    with pytest.warns(ConvergenceWarning, match="solver='lbfgs' did not converge"):
        est = LinearRegression(solver="lbfgs", max_iter=2, tol=1e-12).fit(scaled, y)
    assert est.solver_ == "lbfgs" and est.n_iter_ == 2
    assert LinearRegression(solver="admm").fit(scaled, y).solver_ == "admm"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"solver": "cholesky", "penalty": "l1"}, "solver='cholesky' solves penalty='l2' or None"),
        ({"solver": "cholesky", "solver_kwargs": {"ftol": 0.0}}, "takes no solver_kwargs"),
        ({"solver_kwargs": {"ftol": 0.0}}, r"\(chosen by solver='auto'\) takes no solver_kwargs"),
    ],
)
def test_cholesky_refuses_what_it_cannot_do(kwargs, match):
    X, y, _ = _data(n=50, p=3)
    with pytest.raises(ValueError, match=match):
        LinearRegression(**kwargs).fit(X, y)


def test_poisson_has_no_cholesky():
    X, y, _ = _data(n=50, p=3)
    with pytest.raises(ValueError, match="solver=.* is not|must be a str among"):
        PoissonRegression(solver="cholesky").fit(X, np.abs(y))


def test_zero_rows_and_zero_weights_refused():
    X, y, sw = _data(n=50, p=3)
    with pytest.raises(ValueError, match="Sample weights sum to zero"):
        LinearRegression().fit(da.from_array(X, chunks=10), da.from_array(y, chunks=10),
                               sample_weight=np.zeros(50))
    with pytest.raises(ValueError, match="0 sample"):
        LinearRegression().fit(
            da.from_array(X, chunks=10)[da.from_array(np.zeros(50, bool), chunks=10)],
            da.from_array(y, chunks=10)[da.from_array(np.zeros(50, bool), chunks=10)],
        )


def test_nan_in_dask_input_rejected():
    X, y, _ = _data(n=50, p=3)
    X[7, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN or infinity"):
        LinearRegression().fit(da.from_array(X, chunks=10), da.from_array(y, chunks=10))
    y2 = y.copy()
    y2[3] = np.inf
    with pytest.raises(ValueError, match="Input y contains NaN or infinity"):
        LinearRegression().fit(da.from_array(_data(n=50, p=3)[0], chunks=10),
                               da.from_array(y2, chunks=10))


def test_blocks_with_zero_weight_and_empty_blocks():
    X, y, sw = _data(n=300)
    sw[:100] = 0.0  # the first block weighs nothing
    ref = sk_lm.Ridge(alpha=1.0).fit(X, y, sample_weight=sw)
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    est = LinearRegression().fit(Xd, yd, sample_weight=da.from_array(sw, chunks=100))
    _assert_close(est, ref, 1e-8)
    # an empty row block (unknown chunks) contributes nothing
    ref2 = sk_lm.Ridge(alpha=1.0).fit(X[100:], y[100:])
    mask = da.from_array(np.r_[np.zeros(100, bool), np.ones(200, bool)], chunks=100)
    est2 = LinearRegression().fit(Xd[mask], yd[mask])
    _assert_close(est2, ref2, 1e-8)


def test_warm_start_and_refit_give_the_exact_solution():
    X, y, _ = _data()
    est = LinearRegression(warm_start=True).fit(X, y)
    again = clone(est).fit(X, y)
    np.testing.assert_array_equal(est.fit(X, y).coef_, again.coef_)


def test_auto_uses_lbfgs_above_the_gram_size(monkeypatch):
    import dask_scale.linear_model._glm as glm

    X, y, _ = _data(n=200, p=4)
    scaled = (X - X.mean(axis=0)) / X.std(axis=0)
    monkeypatch.setattr(glm, "AUTO_GRAM_MAX_FEATURES", 3)
    est = LinearRegression().fit(scaled, y)
    assert est.solver_ == "lbfgs" and est.n_iter_ > 1
    _assert_close(est, sk_lm.Ridge(alpha=1.0).fit(scaled, y), 1e-3)


def test_verbose_reports_the_objective(capsys):
    X, y, sw = _data(n=200, p=3)
    est = LinearRegression(C=0.5, verbose=1).fit(X, y, sample_weight=sw)
    resid = y - X @ est.coef_ - est.intercept_
    objective = 0.5 * 0.5 * float(sw @ resid**2) + 0.5 * float(est.coef_ @ est.coef_)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("[LinearRegression[cholesky]] iter 1: objective=")
    value = float(line.split("objective=")[1].split()[0])
    assert value == pytest.approx(objective, rel=1e-5)


def _blas_threads():
    import threadpoolctl

    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


def test_blas_runs_single_threaded_inside_the_blocks_and_is_restored_after():
    # the exact solve caps BLAS threads once, around the whole reduction (blocks already run
    # in parallel); the process's setting is back afterwards, also when a block fails
    import threadpoolctl

    seen = []

    def record(block):
        if block.size:  # not dask's meta probe on an empty block
            seen.append(_blas_threads())
        return block

    rng = np.random.default_rng(0)
    Xn, yn = rng.normal(size=(400, 5)), rng.normal(size=400)
    X = da.from_array(Xn, chunks=100).map_blocks(record, dtype=float)
    y = da.from_array(yn, chunks=100)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        LinearRegression().fit(X, y)
        assert _blas_threads() == before
        assert seen and all(all(n == 1 for n in s) for s in seen)
        bad = da.from_array(np.where(np.arange(400)[:, None] == 250, np.nan, Xn), chunks=100)
        with pytest.raises(ValueError):
            LinearRegression().fit(bad, y)
        assert _blas_threads() == before
