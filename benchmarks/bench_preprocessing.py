"""Preprocessing: dask_scale vs scikit-learn vs dask-ml, fit + transform, in one process.

Data (``--rows``, default 2,000,000, in 8 partitions, persisted before timing):

- StandardScaler: 20 float64 columns (NaN-free), as a dask array;
- OneHotEncoder: 4 string columns with 3-50 categories each, as a dask DataFrame (pandas
  ``str``/``string`` columns); the dense one-hot output (109 columns) is computed fully;
- SimpleImputer: 10 float64 columns with 10% NaN, ``strategy="mean"`` and ``"median"``
  (dask-ml's median is not scikit-learn's, dask-ml #787; the printed ``max |diff|`` shows
  whose statistics equal scikit-learn's).

scikit-learn runs on the NumPy/pandas twin. Times are wall-clock seconds of
``fit(X)`` followed by computing ``transform(X)`` into memory (best of ``--repeat`` runs),
and of ``fit`` alone for the scaler and the encoder; ratios ``> 1`` mean dask_scale is
faster. The machine may be shared, so small ratios are noisy.

Usage::

    python benchmarks/bench_preprocessing.py            # 2e6 rows
    python benchmarks/bench_preprocessing.py --quick    # 2e5 rows, fast smoke run
    python benchmarks/bench_preprocessing.py --no-dask-ml
"""

from __future__ import annotations

import argparse
import time
import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from _results import Results
from _warm import add_warm_option, warm_memory


def _time(runs, repeat):
    """Best wall time and last result of each contender, the contenders taken in turns.

    Taking them in turns (rather than each ``repeat`` times in a row) spreads the machine's
    noise, and the memory state left by the previous run, over all of them alike.
    """
    best = dict.fromkeys(runs, np.inf)
    out = {}
    for _ in range(repeat):
        for who, run in runs.items():
            t0 = time.perf_counter()
            out[who] = None
            out[who] = run()
            best[who] = min(best[who], time.perf_counter() - t0)
    return best, out


def _fit_transform(est, X):
    def run():
        fitted = est.fit(X)
        out = fitted.transform(X)
        if hasattr(out, "compute"):
            out = out.compute()
        return fitted, out

    return run


def _fit_only(est, X):
    def run():
        return est.fit(X), None

    return run


def _record(results, workload, times, diffs, what="max |diff| vs scikit-learn"):
    """One record per contender of ``times``; ``diffs[who]``: its result against sklearn's."""
    for who, t in times.items():
        quality = f"{what} {diffs[who]:.1e}" if who in diffs else ""
        results.add(workload, f"{who}", t, library=who.split()[0], quality=quality)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-dask-ml", "--no-dask-ml", action="store_true", help="skip dask-ml")
    add_warm_option(parser, 8.0)
    args = parser.parse_args(argv)
    warm_memory(args.warm_gb)
    n = 200_000 if args.quick else args.rows
    parts = args.partitions
    with dask.config.set(scheduler="threads"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _run(args, n, parts)


def _run(args, n, parts):

    import sklearn.impute as ski
    import sklearn.preprocessing as skp

    import dask_scale.impute as dsi
    import dask_scale.preprocessing as dsp

    dml = dmli = None
    if not args.skip_dask_ml:
        try:
            import dask_ml.impute as dmli
            import dask_ml.preprocessing as dml
        except ImportError:
            print("dask-ml not installed: skipped")

    rng = np.random.default_rng(0)
    results = Results(
        "preprocessing", "Preprocessing: fit + transform computed into memory",
        f"{n:,} rows in {parts} persisted partitions, the contenders taken in turns, best of "
        f"{args.repeat}, after filling and freeing {args.warm_gb:g} GB of memory once "
        "(benchmarks/_warm.py); scikit-learn on the NumPy / pandas twin",
        quick=args.quick,
    )

    # -- StandardScaler ------------------------------------------------------------------
    X = rng.normal(size=(n, 20)) * rng.uniform(0.1, 10, 20) + rng.uniform(-5, 5, 20)
    Xd = da.from_array(X, chunks=(-(-n // parts), 20)).persist()
    runs = {
        "dask_scale": _fit_transform(dsp.StandardScaler(), Xd),
        "scikit-learn": _fit_transform(skp.StandardScaler(), X),
    }
    if dml is not None:
        runs["dask-ml"] = _fit_transform(dml.StandardScaler(), Xd)
    times, outs = _time(runs, args.repeat)
    ref = outs["scikit-learn"][0]
    diffs = {
        who: float(np.max(np.abs(np.asarray(outs[who][0].var_) / ref.var_ - 1)))
        for who in runs if who != "scikit-learn"
    }
    _record(results, "StandardScaler, 20 float64 columns (dask array)", times, diffs,
            "max rel. diff of var_")
    runs = {
        "dask_scale": _fit_only(dsp.StandardScaler(), Xd),
        "scikit-learn": _fit_only(skp.StandardScaler(), X),
    }
    if dml is not None:
        runs["dask-ml"] = _fit_only(dml.StandardScaler(), Xd)
    _record(results, "StandardScaler, fit only", _time(runs, args.repeat)[0], {})
    del X, Xd, runs, outs

    # -- OneHotEncoder -------------------------------------------------------------------
    sizes = [3, 6, 50, 50]
    frame = pd.DataFrame({
        f"c{j}": pd.Series(rng.integers(0, k, n).astype(str), dtype="str")
        for j, k in enumerate(sizes)
    })
    dframe = dd.from_pandas(frame, npartitions=parts).persist()
    runs = {
        "dask_scale": _fit_transform(dsp.OneHotEncoder(sparse_output=False), dframe),
        "scikit-learn": _fit_transform(skp.OneHotEncoder(sparse_output=False), frame),
    }
    if dml is not None:
        # dask-ml needs known categoricals: the Categorizer pass is done before timing
        cat = dsp.Categorizer().fit_transform(dframe).persist()
        runs["dask-ml"] = _fit_transform(dml.OneHotEncoder(sparse_output=False), cat)
    times, outs = _time(runs, args.repeat)
    ref_out = outs["scikit-learn"][1]
    diffs = {
        who: float(np.max(np.abs(np.asarray(outs[who][1]) - ref_out)))
        for who in runs if who != "scikit-learn"
    }
    _record(results, "OneHotEncoder, 4 string columns, dense output (dask DataFrame)", times,
            diffs)
    del outs, ref_out
    runs = {
        "dask_scale": _fit_only(dsp.OneHotEncoder(), dframe),
        "scikit-learn": _fit_only(skp.OneHotEncoder(), frame),
    }
    if dml is not None:
        runs["dask-ml (on categoricals)"] = _fit_only(dml.OneHotEncoder(), cat)
    _record(results, "OneHotEncoder, fit only", _time(runs, args.repeat)[0], {})
    del frame, dframe, runs

    # -- SimpleImputer -------------------------------------------------------------------
    X = rng.normal(size=(n, 10))
    X[rng.random(X.shape) < 0.1] = np.nan
    Xd = da.from_array(X, chunks=(-(-n // parts), 10)).persist()
    for strategy in ("mean", "median"):
        runs = {
            "dask_scale": _fit_transform(dsi.SimpleImputer(strategy=strategy), Xd),
            "scikit-learn": _fit_transform(ski.SimpleImputer(strategy=strategy), X),
        }
        if dmli is not None:
            try:
                dmli.SimpleImputer(strategy=strategy).fit(Xd[:1000])
                runs["dask-ml"] = _fit_transform(dmli.SimpleImputer(strategy=strategy), Xd)
            except Exception as exc:  # noqa: BLE001 - dask-ml's median refuses dask arrays
                failure = exc
            else:
                failure = None
        times, outs = _time(runs, args.repeat)
        ref = outs["scikit-learn"][0]
        diffs = {
            who: float(np.max(np.abs(np.asarray(outs[who][0].statistics_) - ref.statistics_)))
            for who in runs if who != "scikit-learn"
        }
        workload = f"SimpleImputer({strategy}), 10 columns, 10% NaN"
        _record(results, workload, times, diffs, "max |diff| of statistics_")
        if dmli is not None and failure is not None:
            results.add_failure(workload, "dask-ml", failure, library="dask-ml")
    results.print()
    return results

if __name__ == "__main__":
    main()
