"""GaussianNB and BlockwiseVotingClassifier: dask_scale vs scikit-learn vs dask-ml, in one process.

Data: ``--rows`` x 20 float64 (default 2,000,000), 3 classes, from
``dask_scale.datasets.make_classification`` in ``--chunks`` row blocks (default 10), persisted
in memory before timing; scikit-learn runs on the NumPy twin (the same numbers, computed once).

1. ``GaussianNB()``. dask-ml's ``fit`` only builds a graph (its ``theta_`` and ``sigma_`` are
   lazy dask arrays, computed by every later use), so its fit is timed together with
   computing those attributes; dask_scale's and scikit-learn's fitted attributes are NumPy
   arrays when ``fit`` returns. Then ``fit`` followed by ``predict(X)`` computed into memory.
   Quality: max relative difference of ``theta_`` and of the variances from scikit-learn's
   (dask-ml has no ``var_smoothing``: its ``sigma_`` is compared with ``var_ - epsilon_``),
   and the share of predictions equal to scikit-learn's.
2. ``BlockwiseVotingClassifier(LogisticRegression(), voting="hard", classes=...)``: one clone
   fitted on every row block, against dask-ml's class of the same name on the same dask
   arrays; scikit-learn's floor is a loop fitting the same clones on the NumPy blocks one
   after the other (scikit-learn has no blockwise ensemble). Then ``predict(X)`` computed
   (hard vote) and ``predict_proba(X)`` computed (soft vote, mean of the clones'
   probabilities). Quality: clones' coefficients against the loop's, and the share of
   predictions equal between dask_scale and dask-ml.

Times are wall-clock seconds, the best of ``--repeat`` runs taken in turns on dask's threaded
scheduler; a ratio is a contender's time over scikit-learn's (or dask-ml's): below 1, the
contender is faster. The machine may be shared, so small ratios are noisy. ``main(argv)``
returns the :class:`_results.Results` it printed (``bench all`` writes them to the docs).

Usage::

    python benchmarks/bench_naive_bayes.py            # 2e6 rows
    python benchmarks/bench_naive_bayes.py --quick    # 2e5 rows, fast smoke run
    python benchmarks/bench_naive_bayes.py --skip-dask-ml
"""

from __future__ import annotations

import argparse
import time
import warnings

import dask
import numpy as np
from _results import Results
from _warm import add_warm_option, warm_memory


def _time(runs, repeat):
    """Best wall time and last result of each contender, the contenders taken in turns."""
    best = dict.fromkeys(runs, np.inf)
    out = {}
    for _ in range(repeat):
        for who, run in runs.items():
            out[who] = None
            t0 = time.perf_counter()
            out[who] = run()
            best[who] = min(best[who], time.perf_counter() - t0)
    return best, out


LIBRARY = {"dask_scale": "dask_scale", "scikit-learn": "scikit-learn",
           "scikit-learn loop": "scikit-learn", "dask-ml": "dask-ml"}


def _record(results, workload, times, quality):
    """One record per contender of ``times``; ``quality[who]``: its result's check."""
    for who, seconds in times.items():
        results.add(workload, who, seconds, library=LIBRARY[who], quality=quality.get(who, ""))


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _computed(out):
    return out.compute() if hasattr(out, "compute") else np.asarray(out)


def gaussian_nb(results, X, y, X_np, y_np, args, dml):
    from sklearn.naive_bayes import GaussianNB as SkGaussianNB

    from dask_scale.naive_bayes import GaussianNB

    def ds_fit():
        return GaussianNB().fit(X, y)

    def sk_fit():
        return SkGaussianNB().fit(X_np, y_np)

    def dml_fit():
        model = dml.GaussianNB().fit(X, y)
        # its attributes are lazy: make them concrete, as the other two are after fit
        model.theta_, model.sigma_, model.class_count_, model.class_prior_ = dask.compute(
            model.theta_, model.sigma_, model.class_count_, model.class_prior_
        )
        return model

    runs = {"dask_scale": ds_fit, "scikit-learn": sk_fit}
    if dml is not None:
        runs["dask-ml"] = dml_fit
    times, fitted = _time(runs, args.repeat)
    ref = fitted["scikit-learn"]
    quality = {"dask_scale": (
        f"max rel. diff of theta_ {_rel(fitted['dask_scale'].theta_, ref.theta_):.1e}, "
        f"of var_ {_rel(fitted['dask_scale'].var_, ref.var_):.1e}"
    )}
    if dml is not None:
        quality["dask-ml"] = (
            f"max rel. diff of theta_ {_rel(fitted['dask-ml'].theta_, ref.theta_):.1e}, "
            f"of sigma_ (vs var_ - epsilon_) "
            f"{_rel(fitted['dask-ml'].sigma_, ref.var_ - ref.epsilon_):.1e}"
        )
    _record(results, "GaussianNB, fit (attributes computed)", times, quality)

    def then_predict(fit, data):
        def run():
            return _computed(fit().predict(data))

        return run

    runs = {"dask_scale": then_predict(ds_fit, X), "scikit-learn": then_predict(sk_fit, X_np)}
    if dml is not None:
        runs["dask-ml"] = then_predict(lambda: dml.GaussianNB().fit(X, y), X)
    times, preds = _time(runs, args.repeat)
    ref_pred = preds["scikit-learn"]
    quality = {
        who: f"{np.mean(p == ref_pred):.4%} of predictions equal to scikit-learn's"
        for who, p in preds.items() if who != "scikit-learn"
    }
    _record(results, "GaussianNB, fit + predict computed", times, quality)


def blockwise_voting(results, X, y, X_np, y_np, args, dml):
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    from dask_scale.ensemble import BlockwiseVotingClassifier

    classes = np.unique(y_np)
    base = LogisticRegression(max_iter=200)
    bounds = np.cumsum((0,) + X.chunks[0])

    def sk_loop():
        return [
            clone(base).fit(X_np[a:b], y_np[a:b])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]

    def ds_fit(voting="hard"):
        return BlockwiseVotingClassifier(base, voting=voting, classes=classes).fit(X, y)

    def dml_fit(voting="hard"):
        model = dml.BlockwiseVotingClassifier(base, voting=voting, classes=classes)
        model.fit(X, y)  # dask-ml's fit returns None, not the model
        return model

    runs = {"dask_scale": ds_fit, "scikit-learn loop": sk_loop}
    if dml is not None:
        runs["dask-ml"] = dml_fit
    times, fitted = _time(runs, args.repeat)
    loop = fitted["scikit-learn loop"]
    quality = {}
    for who in ("dask_scale", "dask-ml"):
        if who in fitted:
            err = max(
                _rel(mine.coef_, theirs.coef_)
                for mine, theirs in zip(fitted[who].estimators_, loop, strict=True)
            )
            quality[who] = f"max rel. diff of the clones' coef_ from the loop's {err:.1e}"
    _record(results, f"BlockwiseVotingClassifier, fit ({len(loop)} blocks)", times, quality)

    def predict_loop():
        votes = np.stack([est.predict(X_np) for est in loop])
        counts = np.stack([(votes == c).sum(axis=0) for c in classes])
        return classes[np.argmax(counts, axis=0)]

    ds_model = fitted["dask_scale"]
    runs = {
        "dask_scale": lambda: _computed(ds_model.predict(X)),
        "scikit-learn loop": predict_loop,
    }
    if dml is not None:
        dml_model = fitted["dask-ml"]
        runs["dask-ml"] = lambda: _computed(dml_model.predict(X))
    times, preds = _time(runs, args.repeat)
    quality = {
        who: f"{np.mean(p == preds['scikit-learn loop']):.4%} of votes equal to the loop's"
        for who, p in preds.items() if who != "scikit-learn loop"
    }
    _record(results, "BlockwiseVotingClassifier, predict computed (hard vote)", times, quality)

    ds_soft = ds_fit("soft")
    runs = {
        "dask_scale": lambda: _computed(ds_soft.predict_proba(X)),
        "scikit-learn loop": lambda: np.mean([est.predict_proba(X_np) for est in loop], axis=0),
    }
    if dml is not None:
        dml_soft = dml_fit("soft")
        runs["dask-ml"] = lambda: _computed(dml_soft.predict_proba(X))
    times, probas = _time(runs, args.repeat)
    quality = {
        who: f"max |diff| from the loop's {np.max(np.abs(p - probas['scikit-learn loop'])):.1e}"
        for who, p in probas.items() if who != "scikit-learn loop"
    }
    _record(results, "BlockwiseVotingClassifier, predict_proba computed (soft vote)", times,
            quality)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--chunks", type=int, default=10, help="number of row blocks")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    parser.add_argument("--skip-dask-ml", "--no-dask-ml", action="store_true", help="skip dask-ml")
    add_warm_option(parser, 2.0)
    args = parser.parse_args(argv)
    warm_memory(args.warm_gb)
    rows = 200_000 if args.quick else args.rows
    with dask.config.set(scheduler="threads"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _run(args, rows)


def _run(args, rows):
    from dask_scale.datasets import make_classification

    dml = None
    if not args.skip_dask_ml:
        try:
            import dask_ml.ensemble
            import dask_ml.naive_bayes

            dml = type("dask_ml", (), {
                "GaussianNB": dask_ml.naive_bayes.GaussianNB,
                "BlockwiseVotingClassifier": dask_ml.ensemble.BlockwiseVotingClassifier,
            })
        except ImportError:
            print("dask-ml not installed: skipped")

    X, y = make_classification(
        n_samples=rows, n_features=20, n_informative=10, n_classes=3,
        random_state=0, chunks=-(-rows // args.chunks),
    )
    X, y = dask.persist(X, y)
    X_np, y_np = dask.compute(X, y)
    results = Results(
        "naive_bayes", "Naive Bayes and blockwise ensembles",
        f"{rows:,} x 20 float64 (make_classification, 3 classes) in {X.numblocks[0]} "
        f"persisted row blocks, the contenders taken in turns, best of {args.repeat}; "
        "scikit-learn on the NumPy twin; BlockwiseVotingClassifier(LogisticRegression("
        "max_iter=200)) against a loop fitting the same clones on the NumPy blocks",
        quick=args.quick,
    )
    gaussian_nb(results, X, y, X_np, y_np, args, dml)
    blockwise_voting(results, X, y, X_np, y_np, args, dml)
    results.print()
    return results


if __name__ == "__main__":
    main()
