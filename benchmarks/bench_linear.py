"""Least squares and Poisson regression: dask_scale vs scikit-learn vs dask-ml, in one process.

Data: ``--rows`` x ``--features`` float64 (default 1,000,000 x 50) from
``dask_scale.datasets.make_regression`` (and ``make_counts`` for Poisson, default 200,000 x
20), in 10 row chunks persisted in memory; scikit-learn runs on the NumPy twin (the same
numbers, computed once).

- Ridge: ``LinearRegression(C=1)`` (dask-ml's default, penalty ``"l2"``) against scikit-learn's
  ``Ridge(alpha=1)``, the same objective ``0.5 * sum_i (y_i - x_i b - b0)^2 + 0.5 |b|^2``.
  dask_scale's default solver is the exact one-pass solve (``solver_ == "cholesky"``).
- Poisson: ``PoissonRegression(C=1)`` against ``PoissonRegressor(alpha=1/n)`` (the same
  objective scaled by 1/n).

Printed per run: wall time, ratio to scikit-learn's time, relative error of the coefficients
against scikit-learn's (max abs difference / max abs coefficient), iterations.

Usage::

    python benchmarks/bench_linear.py [--rows 1000000] [--features 50]
        [--poisson-rows 200000] [--repeat 1] [--skip-dask-ml]
"""

from __future__ import annotations

import argparse
import time
import warnings

import dask
import numpy as np

N_CHUNKS = 10


def persisted(X, y):
    X, y = dask.persist(X, y)
    Xn, yn = dask.compute(X, y)
    return X, y, np.ascontiguousarray(Xn), np.asarray(yn, dtype=np.float64)


def timed(fit, repeat):
    """Best wall time of ``repeat`` calls of ``fit`` and the last fitted model."""
    best, model = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        model = fit()
        best = min(best, time.perf_counter() - t0)
    return best, model


def coef_error(coef, ref):
    coef, ref = np.ravel(coef), np.ravel(ref)
    return float(np.max(np.abs(coef - ref)) / max(np.max(np.abs(ref)), 1e-300))


def _quiet(fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit()


def table(title, results):
    sk_time, sk_coef = results[0][1], results[0][2]
    print(title)
    print(f"  {'run':36s} {'time [s]':>9s} {'x sklearn':>9s} {'coef rel err':>13s} {'iters':>6s}")
    for name, seconds, coef, n_iter in results:
        print(
            f"  {name:36s} {seconds:9.3f} {seconds / sk_time:9.2f} "
            f"{coef_error(coef, sk_coef):13.2e} {n_iter:>6}"
        )


def ridge(args):
    from sklearn.linear_model import Ridge

    from dask_scale.datasets import make_regression
    from dask_scale.linear_model import LinearRegression

    chunk = -(-args.rows // N_CHUNKS)
    X, y = make_regression(
        n_samples=args.rows, n_features=args.features, n_informative=args.features // 2,
        noise=1.0, chunks=chunk, random_state=0,
    )
    X, y, Xn, yn = persisted(X, y)
    LinearRegression().fit(Xn[:2000], yn[:2000])  # warm-up: kernels and code paths
    LinearRegression(solver="lbfgs").fit(Xn[:2000], yn[:2000])

    results = []
    t, sk = timed(lambda: Ridge(alpha=1.0).fit(Xn, yn), args.repeat)
    results.append(("scikit-learn Ridge (numpy)", t, sk.coef_, "-"))
    t, m = timed(lambda: LinearRegression().fit(X, y), args.repeat)
    results.append((f"dask_scale default ({m.solver_})", t, m.coef_, m.n_iter_))
    t, m = timed(lambda: _quiet(lambda: LinearRegression(solver="lbfgs").fit(X, y)), args.repeat)
    results.append(("dask_scale lbfgs", t, m.coef_, m.n_iter_))
    if not args.skip_dask_ml:
        try:
            from dask_ml.linear_model import LinearRegression as DmlLinear
        except ImportError:
            print("dask-ml not installed: its runs are skipped")
        else:
            for solver in ("lbfgs", "admm"):
                t, m = timed(
                    lambda s=solver: _quiet(lambda: DmlLinear(solver=s).fit(X, y)), args.repeat
                )
                results.append((f"dask-ml {solver}", t, m.coef_, "?"))
    table(
        f"ridge: {args.rows:,} x {args.features} float64, {N_CHUNKS} persisted chunks, C=1",
        results,
    )
    return results


def poisson(args):
    from sklearn.linear_model import PoissonRegressor

    from dask_scale.datasets import make_counts
    from dask_scale.linear_model import PoissonRegression

    n = args.poisson_rows
    X, y = make_counts(
        n_samples=n, n_features=20, n_informative=10, chunks=-(-n // N_CHUNKS), random_state=0
    )
    X, y, Xn, yn = persisted(X, y)
    PoissonRegression().fit(Xn[:2000], yn[:2000])  # warm-up

    results = []
    t, sk = timed(
        lambda: PoissonRegressor(alpha=1.0 / n, tol=1e-8, max_iter=1000).fit(Xn, yn),
        args.repeat,
    )
    results.append(("scikit-learn PoissonRegressor lbfgs", t, sk.coef_, sk.n_iter_))
    t, m = timed(lambda: PoissonRegression().fit(X, y), args.repeat)
    results.append((f"dask_scale default ({m.solver_})", t, m.coef_, m.n_iter_))
    if not args.skip_dask_ml:
        try:
            from dask_ml.linear_model import PoissonRegression as DmlPoisson
        except ImportError:
            pass
        else:
            t, m = timed(lambda: _quiet(lambda: DmlPoisson(solver="lbfgs").fit(X, y)), args.repeat)
            results.append(("dask-ml lbfgs", t, m.coef_, "?"))
    table(f"poisson: {n:,} x 20 float64, {N_CHUNKS} persisted chunks, C=1", results)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--poisson-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N timings")
    parser.add_argument("--skip-dask-ml", action="store_true", help="skip every dask-ml run")
    args = parser.parse_args(argv)
    print(f"dask scheduler: {dask.config.get('scheduler', 'threads')}")
    ridge(args)
    poisson(args)


if __name__ == "__main__":
    main()
