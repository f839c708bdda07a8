"""W4 adaptive search: HyperbandSearchCV(max_iter=27) of SGDClassifier on a Client.

Data: ``--rows`` x 20 float64 (default 200,000) in ``--chunks`` row blocks (default 20) from
``dask_scale.datasets.make_classification``, persisted on a LocalCluster of ``--workers``
one-thread worker processes (default 2). Timed: ``HyperbandSearchCV(SGDClassifier(tol=None,
random_state=0), {alpha: loguniform(1e-5, 1), penalty: [l2, l1, elasticnet]},
max_iter=27, random_state=0).fit(X, y)`` (49 models, 357 ``partial_fit`` calls, checked),
its asynchronous-halving variant (``asynchronous=True``), and dask-ml's HyperbandSearchCV
on the same arrays when it is installed (it fails on dask >= 2025.3 with "Attempting to
use an asynchronous Client in a synchronous context", dask-ml #1016: the error is printed).

Times are wall-clock seconds, best of ``--repeat`` runs; the machine may be shared.

Usage::

    python benchmarks/bench_adaptive.py
    python benchmarks/bench_adaptive.py --quick     # 50,000 rows, one run
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _results import Results


def _best(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="50,000 rows, one run")
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-dask-ml", "--no-dask-ml", action="store_true", help="skip dask-ml")
    args = parser.parse_args(argv)
    rows = 50_000 if args.quick else args.rows
    repeat = 1 if args.quick else args.repeat

    from distributed import Client, LocalCluster, wait
    from scipy.stats import loguniform
    from sklearn.linear_model import SGDClassifier

    from dask_scale.datasets import make_classification
    from dask_scale.model_selection import HyperbandSearchCV

    params = {"alpha": loguniform(1e-5, 1), "penalty": ["l2", "l1", "elasticnet"]}
    sgd = SGDClassifier(tol=None, random_state=0)
    with LocalCluster(
        n_workers=args.workers, threads_per_worker=1, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        X, y = make_classification(
            n_samples=rows, n_features=20, n_informative=10, random_state=0,
            chunks=-(-rows // args.chunks),
        )
        X, y = client.persist([X, y])
        wait([X, y])  # generated before timing

        results = Results(
            "adaptive", "Adaptive search: HyperbandSearchCV on a cluster",
            f"{rows:,} x 20 float64 in {X.numblocks[0]} blocks persisted on a LocalCluster of "
            f"{args.workers} one-thread workers; HyperbandSearchCV(SGDClassifier, "
            f"max_iter=27), best of {repeat}",
            quick=args.quick,
        )
        workload = "Hyperband max_iter=27"
        for name, kw in [("dask_scale", {}), ("dask_scale ASHA", {"asynchronous": True})]:
            def fit(kw=kw):
                return HyperbandSearchCV(sgd, params, max_iter=27, random_state=0, **kw).fit(X, y)

            t, search = _best(fit, repeat)
            meta = search.metadata_
            assert (meta["n_models"], meta["partial_fit_calls"]) == (49, 357), meta
            results.add(
                workload, f"{name} HyperbandSearchCV", t, library="dask_scale",
                quality=f"49 models / 357 partial_fit calls, best score "
                f"{search.best_score_:.4f}",
            )

        if not args.skip_dask_ml:
            try:
                from dask_ml.model_selection import HyperbandSearchCV as DMHyperband
            except ImportError:
                print("dask-ml not installed: skipped")
            else:
                def dm_fit():
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        return DMHyperband(sgd, params, max_iter=27, random_state=0).fit(
                            X, y, classes=[0, 1]
                        )

                try:
                    t, dm = _best(dm_fit, repeat)
                except Exception as exc:  # noqa: BLE001 - dask-ml #1016 on today's dask
                    results.add_failure(
                        workload, "dask-ml HyperbandSearchCV", exc, library="dask-ml"
                    )
                else:
                    results.add(
                        workload, "dask-ml HyperbandSearchCV", t, library="dask-ml",
                        quality=f"{dm.metadata_['n_models']} models / "
                        f"{dm.metadata_['partial_fit_calls']} partial_fit calls, best score "
                        f"{dm.best_score_:.4f}",
                    )
    results.print()
    return results


if __name__ == "__main__":
    main()
