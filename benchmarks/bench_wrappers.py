"""Wrappers: dask_scale vs dask-ml vs scikit-learn on the same data, in one process.

Data: ``--rows`` x 20 float64 (default 2,000,000) from ``dask_scale.datasets.make_classification``
(3 classes) in ``--chunks`` row blocks. Incremental is timed twice: on the lazy arrays (every
pass regenerates the blocks, as an out-of-core fit reads them; all contenders pay the same
per-block reading cost) and on the same arrays persisted in memory.

1. ``Incremental(SGDClassifier(random_state=0), shuffle_blocks=False).fit(X, y, classes=...)``
   (one pass of ``partial_fit`` over the blocks), against dask-ml's
   ``Incremental(SGDClassifier(random_state=0), shuffle_blocks=False)`` on the same dask
   arrays, and against scikit-learn's ``partial_fit`` over the NumPy blocks of the in-memory
   twin (the floor: no dask at all). The coefficients of the three are compared.
2. ``ParallelPostFit(LogisticRegression()).predict(X).compute()`` after fitting on the first
   block, against scikit-learn's ``predict`` on the in-memory twin and dask-ml's
   ``ParallelPostFit.predict``.

Times are wall-clock seconds, best of ``--repeat`` runs; the machine may be shared, so small
ratios are noisy.

Usage::

    python benchmarks/bench_wrappers.py            # 2e6 rows
    python benchmarks/bench_wrappers.py --quick    # 2e5 rows
"""

from __future__ import annotations

import argparse
import time
import warnings

import dask
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
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    parser.add_argument("--chunks", type=int, default=20, help="number of row blocks")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-dask-ml", "--no-dask-ml", action="store_true", help="skip dask-ml")
    args = parser.parse_args(argv)
    rows = 200_000 if args.quick else args.rows

    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    from dask_scale.datasets import make_classification
    from dask_scale.wrappers import Incremental, ParallelPostFit

    X, y = make_classification(
        n_samples=rows, n_features=20, n_informative=10, n_classes=3,
        random_state=0, chunks=-(-rows // args.chunks),
    )
    X_np, y_np = dask.compute(X, y)
    classes = np.unique(y_np)
    sgd = SGDClassifier(random_state=0)

    # 1. Incremental ------------------------------------------------------------------------
    bounds = np.cumsum((0,) + X.chunks[0])

    def sk_loop():
        est = clone(sgd)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            est.partial_fit(X_np[a:b], y_np[a:b], classes=classes)
        return est

    results = Results(
        "wrappers", "Wrappers: Incremental and ParallelPostFit",
        f"{rows:,} x 20 float64 (make_classification, 3 classes) in {X.numblocks[0]} row "
        f"blocks, best of {args.repeat}; Incremental(SGDClassifier(random_state=0), "
        "shuffle_blocks=False), one pass of partial_fit, against scikit-learn's partial_fit "
        "called in a loop over the NumPy blocks in memory",
        quick=args.quick,
    )
    Xp, yp = dask.persist(X, y)
    t_sk, sk = _best(sk_loop, args.repeat)
    for data, (Xa, ya) in (("generated lazily", (X, y)), ("persisted", (Xp, yp))):
        workload = f"Incremental, data {data}"
        results.add(workload, "scikit-learn partial_fit loop (in memory)", t_sk,
                    library="scikit-learn")
        t, ds = _best(
            lambda Xa=Xa, ya=ya: Incremental(sgd, shuffle_blocks=False).fit(
                Xa, ya, classes=classes
            ),
            args.repeat,
        )
        same = "coef_ equal to the loop's" if np.array_equal(ds.coef_, sk.coef_) else (
            "coef_ DIFFERS from the loop's"
        )
        results.add(workload, "dask_scale Incremental", t, library="dask_scale", quality=same)
        if not args.skip_dask_ml:
            from dask_ml.wrappers import Incremental as DmlIncremental

            def dml_fit(Xa=Xa, ya=ya):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return DmlIncremental(sgd, shuffle_blocks=False).fit(
                        Xa, ya, classes=classes
                    )

            t, dm = _best(dml_fit, args.repeat)
            same = "coef_ equal to the loop's" if np.array_equal(dm.coef_, sk.coef_) else (
                "coef_ differs from the loop's"
            )
            results.add(workload, "dask-ml Incremental", t, library="dask-ml", quality=same)

    # 2. ParallelPostFit.predict ---------------------------------------------------------------
    first = slice(0, X.chunks[0][0])
    lr = LogisticRegression().fit(X_np[first], y_np[first])
    ppf = ParallelPostFit(LogisticRegression()).fit(X_np[first], y_np[first])
    # predict timings on the persisted data (in memory) for every contender
    workload = f"ParallelPostFit.predict, {rows:,} rows persisted"
    t_skp, pred_sk = _best(lambda: lr.predict(X_np), args.repeat)
    results.add(workload, "scikit-learn predict (in memory)", t_skp, library="scikit-learn")
    t_dsp, pred_ds = _best(lambda: ppf.predict(Xp).compute(), args.repeat)
    same = "same predictions" if np.array_equal(pred_ds, pred_sk) else "predictions DIFFER"
    results.add(workload, "dask_scale ParallelPostFit", t_dsp, library="dask_scale",
                quality=same)
    if not args.skip_dask_ml:
        from dask_ml.wrappers import ParallelPostFit as DmlPPF

        dml = DmlPPF(LogisticRegression()).fit(X_np[first], y_np[first])
        t_dmp, _ = _best(lambda: dml.predict(Xp).compute(), args.repeat)
        results.add(workload, "dask-ml ParallelPostFit", t_dmp, library="dask-ml")
    results.print()
    return results

if __name__ == "__main__":
    main()
