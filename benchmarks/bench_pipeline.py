"""StandardScaler -> estimator Pipelines: time per pass against the estimator on pre-scaled data.

A ``make_pipeline(StandardScaler(), est)`` fitted on persisted raw data should cost about
what ``est`` costs on the same data already scaled and persisted: the scaler adds one pass
(its fit), and every pass of ``est`` reads the raw blocks instead of scaled ones. This script
measures both in one process, the two taken in turns, best of ``--repeat``:

- KMeans: ``KMeans(k, init=<fixed array>, max_iter=N, tol=0)``, so every fit is exactly ``N``
  Lloyd passes plus the final E-step (``N + 1`` passes) on either side;
- LogisticRegression (lbfgs): ``max_iter=M, tol=0``; both sides make the same iterations
  (``n_iter_`` is printed), so time per iteration compares like with like.

Data: ``--rows`` (default 2,000,000) x 20 float64 in 10 row chunks, persisted: KMeans on
``make_blobs`` (8 blobs), LogisticRegression on ``make_classification``, each feature then
given its own offset and scale (so that the scaler has something to undo). The pre-scaled
contender gets ``StandardScaler().fit(X).transform(X)`` persisted. The pipeline's time per
pass leaves out its scaler's fit, timed on its own (it is one pass of moments, far cheaper
than a Lloyd or lbfgs pass). Results of both sides are compared (centres, inertia,
coefficients), as they must agree.

Scheduler: dask's threaded scheduler by default; ``--distributed`` runs a local
``dask.distributed`` cluster of 2 worker processes x 1 thread instead (data persisted there).
The machine may be shared: ratios measured in the same run are the figures to compare. On
the threaded scheduler the CPU time of the process (all its threads) is printed too, as a
measure of the work that is less disturbed by other jobs than the wall time.

Usage::

    python benchmarks/bench_pipeline.py                  # 2e6 rows, threads
    python benchmarks/bench_pipeline.py --quick          # 2e5 rows
    python benchmarks/bench_pipeline.py --distributed --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import time
import warnings

import dask
import numpy as np
from _results import Results
from _warm import add_warm_option, warm_memory

N_FEATURES = 20
N_CHUNKS = 10


def _time_interleaved(fits, repeat):
    """Best wall and CPU times and last result of each ``fits[name]()``, taken in turns.

    The CPU time is this process's (all its threads): on the threaded scheduler it is the
    work a fit did, which other jobs on a shared machine disturb less than the wall time.
    """
    best = {name: [np.inf, np.inf] for name in fits}
    out = {}
    for _ in range(repeat):
        for name, fit in fits.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out[name] = fit()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            best[name] = [min(best[name][0], wall), min(best[name][1], cpu)]
    return best, out


def _affine_features(X, seed):
    """``X`` with every feature given its own offset (in [-50, 50]) and scale (in [0.1, 10])."""
    rng = np.random.default_rng(seed)
    offset = rng.uniform(-50.0, 50.0, X.shape[1])
    scale = 10.0 ** rng.uniform(-1.0, 1.0, X.shape[1])
    return X * scale + offset


def _kmeans(X, k, max_iter, repeat):
    from sklearn.pipeline import make_pipeline

    from dask_scale.cluster import KMeans
    from dask_scale.preprocessing import StandardScaler

    scaled = StandardScaler().fit(X).transform(X).persist()
    init = scaled[:k].compute()
    # warm the numba cache / JIT of every path outside the timings
    small = X[: X.chunks[0][0]]
    make_pipeline(StandardScaler(), KMeans(k, init=init, max_iter=2, tol=0)).fit(small)
    KMeans(k, init=init, max_iter=2, tol=0).fit(scaled[: X.chunks[0][0]])

    def km():
        return KMeans(k, init=init, max_iter=max_iter, tol=0).fit(scaled)

    def pipe():
        return make_pipeline(
            StandardScaler(), KMeans(k, init=init, max_iter=max_iter, tol=0)
        ).fit(X)

    def scaler_fit():
        return StandardScaler().fit(X)

    times, models = _time_interleaved(
        {"pre-scaled": km, "pipeline": pipe, "scaler fit": scaler_fit}, repeat
    )
    a, b = models["pre-scaled"], models["pipeline"][-1]
    passes = a.n_iter_ + 1  # tol=0: n_iter_ Lloyd passes, then the final E-step
    agree = {
        "centres": float(
            np.max(np.abs(a.cluster_centers_ - b.cluster_centers_))
            / np.max(np.abs(a.cluster_centers_))
        ),
        "inertia": abs(a.inertia_ - b.inertia_) / a.inertia_,
    }
    return times, passes, (a.n_iter_, b.n_iter_), agree


def _logistic(X, y, max_iter, repeat):
    from sklearn.pipeline import make_pipeline

    from dask_scale.linear_model import LogisticRegression
    from dask_scale.preprocessing import StandardScaler

    scaled = StandardScaler().fit(X).transform(X).persist()
    small = slice(0, X.chunks[0][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter is the point here
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2, tol=0)).fit(
            X[small], y[small]
        )
        LogisticRegression(max_iter=2, tol=0).fit(scaled[small], y[small])

        def lr():
            return LogisticRegression(max_iter=max_iter, tol=0).fit(scaled, y)

        def pipe():
            return make_pipeline(
                StandardScaler(), LogisticRegression(max_iter=max_iter, tol=0)
            ).fit(X, y)

        def scaler_fit():
            return StandardScaler().fit(X)

        times, models = _time_interleaved(
            {"pre-scaled": lr, "pipeline": pipe, "scaler fit": scaler_fit}, repeat
        )
    a, b = models["pre-scaled"], models["pipeline"][-1]
    agree = {
        "coef": float(np.max(np.abs(a.coef_ - b.coef_)) / np.max(np.abs(a.coef_))),
    }
    return times, int(a.n_iter_[0]), (int(a.n_iter_[0]), int(b.n_iter_[0])), agree


def _report(results, what, unit, times, count, iters, agree, cpu):
    """Add the pipeline's and the pre-scaled fit's records; returns the per-pass wall ratio."""
    per = {}
    for i, kind in enumerate(("wall", "cpu")):
        pre, pipe, scaler = (times[k][i] for k in ("pre-scaled", "pipeline", "scaler fit"))
        per[kind] = (pre / count, (pipe - scaler) / count)
    workload = f"{what}, per {unit}"
    wall = per["wall"][1] / per["wall"][0]
    cpu_text = f", CPU {per['cpu'][0]:.4f} s" if cpu else ""
    results.add(
        workload, "estimator on pre-scaled data", per["wall"][0], library="",
        quality=f"whole fit {times['pre-scaled'][0]:.3f} s, {count} {unit}(s), n_iter_ "
        f"{iters[0]}{cpu_text}",
    )
    cpu_text = (f", CPU {per['cpu'][1]:.4f} s ({per['cpu'][1] / per['cpu'][0]:.2f}x)"
                if cpu else "")
    results.add(
        workload, "dask_scale Pipeline(StandardScaler, est)", per["wall"][1],
        library="dask_scale",
        quality=f"{wall:.2f}x the pre-scaled {unit} (target <= 1.3x){cpu_text}; whole fit "
        f"{times['pipeline'][0]:.3f} s of which the scaler fit {times['scaler fit'][0]:.3f} s; "
        + ", ".join(f"{k} rel. diff {v:.1e}" for k, v in agree.items()),
    )
    return wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--kmeans-iter", type=int, default=20, help="Lloyd passes a fit")
    parser.add_argument("--logistic-iter", type=int, default=20, help="lbfgs iterations a fit")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best kept)")
    parser.add_argument(
        "--only", choices=["kmeans", "logistic"], default=None, help="run one estimator only"
    )
    parser.add_argument(
        "--distributed", action="store_true",
        help="a local dask.distributed cluster, 2 worker processes x 1 thread",
    )
    add_warm_option(parser, 2.0)
    args = parser.parse_args(argv)
    rows = 200_000 if args.quick else args.rows

    from dask_scale.datasets import make_blobs, make_classification

    warm_memory(args.warm_gb)
    chunk = -(-rows // N_CHUNKS)
    context = contextlib.ExitStack()
    if args.distributed:
        from distributed import Client, LocalCluster

        cluster = context.enter_context(
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
        )
        context.enter_context(Client(cluster))
        where = "local distributed cluster, 2 workers x 1 thread"
    else:
        context.enter_context(dask.config.set(scheduler="threads"))
        where = "threaded scheduler"
    with context:
        results = Results(
            "pipeline", "StandardScaler -> estimator Pipelines against pre-scaled data",
            f"{rows:,} x {N_FEATURES} float64, {N_CHUNKS} persisted chunks, {where}; time per "
            f"pass (the pipeline's scaler fit left out), best of {args.repeat}, in turns",
            quick=args.quick,
        )
        ratios = {}
        if args.only in (None, "kmeans"):
            X, _ = make_blobs(
                n_samples=rows, n_features=N_FEATURES, centers=args.clusters,
                random_state=0, chunks=chunk,
            )
            X = _affine_features(X, 1).persist()
            times, passes, iters, agree = _kmeans(X, args.clusters, args.kmeans_iter, args.repeat)
            ratios["KMeans"] = _report(
                results, f"KMeans(k={args.clusters})", "pass", times, passes, iters, agree,
                not args.distributed,
            )
            del X
        if args.only in (None, "logistic"):
            X, y = make_classification(
                n_samples=rows, n_features=N_FEATURES, random_state=0, chunks=chunk
            )
            X = _affine_features(X, 2)
            X, y = dask.persist(X, y)
            times, n_iter, iters, agree = _logistic(X, y, args.logistic_iter, args.repeat)
            ratios["LogisticRegression"] = _report(
                results, "LogisticRegression(lbfgs)", "iteration", times, n_iter, iters, agree,
                not args.distributed,
            )
        results.print()
        print(
            "summary, Pipeline / pre-scaled per pass (wall): "
            + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items())
        )
    return results


if __name__ == "__main__":
    main()
