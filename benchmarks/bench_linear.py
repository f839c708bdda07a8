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
from _results import Results

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


def record(results, workload, runs):
    """Add ``runs`` (name, library, seconds, coef, n_iter), the first scikit-learn's, to
    ``results``: quality is the coefficients' error relative to scikit-learn's."""
    sk_coef = runs[0][3]
    for name, library, seconds, coef, n_iter in runs:
        iters = f", {n_iter} iterations" if isinstance(n_iter, (int, np.integer)) else ""
        results.add(
            workload, name, seconds, library=library,
            quality=f"coef rel. error {coef_error(coef, sk_coef):.1e}{iters}",
        )


def ridge(args, results):
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

    runs = []
    t, sk = timed(lambda: Ridge(alpha=1.0).fit(Xn, yn), args.repeat)
    runs.append(("scikit-learn Ridge(alpha=1) (numpy)", "scikit-learn", t, sk.coef_, "-"))
    t, m = timed(lambda: LinearRegression().fit(X, y), args.repeat)
    runs.append((f"dask_scale LinearRegression() ({m.solver_})", "dask_scale", t, m.coef_,
                 m.n_iter_))
    t, m = timed(lambda: _quiet(lambda: LinearRegression(solver="lbfgs").fit(X, y)), args.repeat)
    runs.append(('dask_scale LinearRegression(solver="lbfgs")', "dask_scale", t, m.coef_,
                 m.n_iter_))
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
                runs.append((f'dask-ml LinearRegression(solver="{solver}")', "dask-ml", t,
                             m.coef_, "?"))
    record(results, f"ridge {args.rows:,} x {args.features}", runs)


def poisson(args, results):
    from sklearn.linear_model import PoissonRegressor

    from dask_scale.datasets import make_counts
    from dask_scale.linear_model import PoissonRegression

    n = args.poisson_rows
    X, y = make_counts(
        n_samples=n, n_features=20, n_informative=10, chunks=-(-n // N_CHUNKS), random_state=0
    )
    X, y, Xn, yn = persisted(X, y)
    PoissonRegression().fit(Xn[:2000], yn[:2000])  # warm-up

    runs = []
    t, sk = timed(
        lambda: PoissonRegressor(alpha=1.0 / n, tol=1e-8, max_iter=1000).fit(Xn, yn),
        args.repeat,
    )
    runs.append(("scikit-learn PoissonRegressor(alpha=1/n)", "scikit-learn", t, sk.coef_,
                 sk.n_iter_))
    t, m = timed(lambda: PoissonRegression().fit(X, y), args.repeat)
    runs.append((f"dask_scale PoissonRegression() ({m.solver_})", "dask_scale", t, m.coef_,
                 m.n_iter_))
    if not args.skip_dask_ml:
        try:
            from dask_ml.linear_model import PoissonRegression as DmlPoisson
        except ImportError:
            pass
        else:
            t, m = timed(lambda: _quiet(lambda: DmlPoisson(solver="lbfgs").fit(X, y)), args.repeat)
            runs.append(('dask-ml PoissonRegression(solver="lbfgs")', "dask-ml", t, m.coef_,
                         "?"))
    record(results, f"Poisson {n:,} x 20", runs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--poisson-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N timings")
    parser.add_argument("--skip-dask-ml", action="store_true", help="skip every dask-ml run")
    parser.add_argument(
        "--quick", action="store_true", help="100,000 ridge rows, 20,000 Poisson rows"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.poisson_rows = 100_000, 20_000
    scheduler = dask.config.get("scheduler", "threads")
    results = Results(
        "linear", "Least squares and Poisson regression",
        f"ridge: {args.rows:,} x {args.features} float64 (make_regression), Poisson: "
        f"{args.poisson_rows:,} x 20 (make_counts), {N_CHUNKS} persisted chunks each, C=1, "
        f"best of {args.repeat}, dask scheduler {scheduler}; scikit-learn on the NumPy twin",
        quick=args.quick,
    )
    ridge(args, results)
    poisson(args, results)
    results.print()
    return results


if __name__ == "__main__":
    main()
