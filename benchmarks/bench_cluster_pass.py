"""One Lloyd pass on a LocalCluster of worker processes against the threaded scheduler.

Data: ``--rows`` x ``--features`` float64 (default 2,000,000 x 20) in ``--chunks`` row chunks
(default 10), persisted (in the process for threads, on the workers for the cluster). A
KMeans fit with fixed initial centres, ``tol=0`` and ``max_iter=m`` makes exactly ``m + 1``
passes (m Lloyd passes and the final E-step); the time of one pass is the slope
``(t(m2) - t(m1)) / (m2 - m1)``, which leaves out the fixed costs of a fit (validation,
the final gather of labels). Each setting is the best of ``--repeat`` runs, the two
schedulers taken in turns. scikit-learn's ``KMeans`` on the NumPy twin is the in-memory
reference (``max_iter`` slope, ``algorithm="lloyd"``, one thread per core).

Usage::

    python -m dask_scale bench cluster_pass
    python -m dask_scale bench cluster_pass --rows 200000 --repeat 2
"""

from __future__ import annotations

import argparse
import time
import warnings

import dask
import dask.array as da
import numpy as np
from _results import Results


def _slope(fit, m1, m2, repeat):
    best = {m1: np.inf, m2: np.inf}
    for _ in range(repeat):
        for m in (m1, m2):
            t0 = time.perf_counter()
            fit(m)
            best[m] = min(best[m], time.perf_counter() - t0)
    return (best[m2] - best[m1]) / (m2 - m1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--clusters", type=int, default=8)
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--iters", type=int, nargs=2, default=(2, 12), metavar=("M1", "M2"))
    parser.add_argument("--quick", action="store_true", help="200,000 rows, best of 1")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.repeat = 200_000, 1

    from distributed import Client, LocalCluster
    from sklearn.cluster import KMeans as SkKMeans

    from dask_scale.cluster import KMeans

    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, args.features))
    X[:, 0] += np.repeat(np.arange(args.clusters), -(-args.rows // args.clusters))[: args.rows]
    init = X[rng.choice(args.rows, args.clusters, replace=False)].copy()
    rows = -(-args.rows // args.chunks)
    m1, m2 = args.iters

    def ours(data):
        def fit(m):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return KMeans(args.clusters, init=init, n_init=1, max_iter=m, tol=0.0).fit(data)

        return fit

    with dask.config.set(scheduler="threads", num_workers=2):
        local = da.from_array(X, chunks=(rows, args.features)).persist()
        threads = _slope(ours(local), m1, m2, args.repeat)

    def sk(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return SkKMeans(args.clusters, init=init, n_init=1, max_iter=m, tol=0.0).fit(X)

    sklearn = _slope(sk, m1, m2, args.repeat)

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        remote = client.persist(da.from_array(X, chunks=(rows, args.features)))
        remote = remote.persist()
        client.wait_for_workers(2)
        _ = ours(remote)(1)  # warm the workers (imports, numba caches)
        cluster_pass = _slope(ours(remote), m1, m2, args.repeat)

    results = Results(
        "cluster_pass", "One Lloyd pass: threads, LocalCluster, scikit-learn",
        f"{args.rows:,} x {args.features} float64 in {args.chunks} persisted chunks, "
        f"k={args.clusters}, fixed centres, tol=0; one pass = slope of the fit time over "
        f"max_iter {m1} -> {m2}, best of {args.repeat}",
        quick=args.quick,
    )
    workload = "one KMeans pass"
    results.add(workload, "scikit-learn KMeans in memory", sklearn, library="scikit-learn")
    results.add(workload, "dask_scale, threaded scheduler (2 threads)", threads,
                library="dask_scale")
    results.add(
        workload, "dask_scale, LocalCluster 2 x 1-thread workers", cluster_pass,
        library="dask_scale", quality=f"{cluster_pass / threads:.2f}x the threaded pass",
    )
    results.print()
    return results

if __name__ == "__main__":
    main()
