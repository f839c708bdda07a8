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


def _time(run, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - t0)
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


def _row(name, times, diffs):
    base = times["dask_scale"]
    parts = [f"{name:<26}"]
    for who in ("dask_scale", "scikit-learn", "dask-ml"):
        if who in times:
            parts.append(f"{who} {times[who]:7.3f}s")
    for who in ("scikit-learn", "dask-ml"):
        if who in times:
            parts.append(f"{who}/dask_scale {times[who] / base:5.2f}x")
    for who, d in diffs.items():
        parts.append(f"max|diff| vs sklearn ({who}) {d:.1e}")
    print("  ".join(parts))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-dask-ml", action="store_true")
    args = parser.parse_args(argv)
    n = 200_000 if args.quick else args.rows
    parts = args.partitions
    warnings.simplefilter("ignore")

    import sklearn.impute as ski
    import sklearn.preprocessing as skp

    import dask_scale.impute as dsi
    import dask_scale.preprocessing as dsp

    dml = dmli = None
    if not args.no_dask_ml:
        try:
            import dask_ml.impute as dmli
            import dask_ml.preprocessing as dml
        except ImportError:
            print("dask-ml not installed: skipped")

    rng = np.random.default_rng(0)
    print(f"rows={n:,} partitions={parts} repeat={args.repeat}")

    # -- StandardScaler ------------------------------------------------------------------
    X = rng.normal(size=(n, 20)) * rng.uniform(0.1, 10, 20) + rng.uniform(-5, 5, 20)
    Xd = da.from_array(X, chunks=(-(-n // parts), 20)).persist()
    times, diffs = {}, {}
    times["dask_scale"], (ours, _) = _time(_fit_transform(dsp.StandardScaler(), Xd), args.repeat)
    times["scikit-learn"], (ref, _) = _time(_fit_transform(skp.StandardScaler(), X), args.repeat)
    diffs["dask_scale"] = float(np.max(np.abs(ours.var_ / ref.var_ - 1)))
    if dml is not None:
        times["dask-ml"], (theirs, _) = _time(_fit_transform(dml.StandardScaler(), Xd), args.repeat)
        diffs["dask-ml"] = float(np.max(np.abs(np.asarray(theirs.var_) / ref.var_ - 1)))
    _row("StandardScaler (rel var)", times, diffs)
    fit_times = {
        "dask_scale": _time(_fit_only(dsp.StandardScaler(), Xd), args.repeat)[0],
        "scikit-learn": _time(_fit_only(skp.StandardScaler(), X), args.repeat)[0],
    }
    if dml is not None:
        fit_times["dask-ml"] = _time(_fit_only(dml.StandardScaler(), Xd), args.repeat)[0]
    _row("StandardScaler fit only", fit_times, {})
    del X, Xd

    # -- OneHotEncoder -------------------------------------------------------------------
    sizes = [3, 6, 50, 50]
    frame = pd.DataFrame({
        f"c{j}": pd.Series(rng.integers(0, k, n).astype(str), dtype="str")
        for j, k in enumerate(sizes)
    })
    dframe = dd.from_pandas(frame, npartitions=parts).persist()
    times, diffs = {}, {}
    times["dask_scale"], (ours, out) = _time(
        _fit_transform(dsp.OneHotEncoder(), dframe), args.repeat
    )
    times["scikit-learn"], (ref, ref_out) = _time(
        _fit_transform(skp.OneHotEncoder(sparse_output=False), frame), args.repeat
    )
    diffs["dask_scale"] = float(np.max(np.abs(out.to_numpy() - ref_out)))
    if dml is not None:
        try:
            cat = dsp.Categorizer().fit_transform(dframe).persist()
            times["dask-ml"], _ = _time(
                _fit_transform(dml.OneHotEncoder(sparse_output=False), cat), args.repeat
            )
        except Exception as exc:  # dask-ml needs known categoricals; report, don't crash
            print(f"  dask-ml OneHotEncoder failed: {type(exc).__name__}: {exc}"[:200])
    _row("OneHotEncoder (dense)", times, diffs)
    fit_times = {
        "dask_scale": _time(_fit_only(dsp.OneHotEncoder(), dframe), args.repeat)[0],
        "scikit-learn": _time(_fit_only(skp.OneHotEncoder(), frame), args.repeat)[0],
    }
    _row("OneHotEncoder fit only", fit_times, {})
    del frame, dframe

    # -- SimpleImputer -------------------------------------------------------------------
    X = rng.normal(size=(n, 10))
    X[rng.random(X.shape) < 0.1] = np.nan
    Xd = da.from_array(X, chunks=(-(-n // parts), 10)).persist()
    for strategy in ("mean", "median"):
        times, diffs = {}, {}
        times["dask_scale"], (ours, _) = _time(
            _fit_transform(dsi.SimpleImputer(strategy=strategy), Xd), args.repeat
        )
        times["scikit-learn"], (ref, _) = _time(
            _fit_transform(ski.SimpleImputer(strategy=strategy), X), args.repeat
        )
        diffs["dask_scale"] = float(np.max(np.abs(ours.statistics_ - ref.statistics_)))
        if dmli is not None:
            try:
                times["dask-ml"], (theirs, _) = _time(
                    _fit_transform(dmli.SimpleImputer(strategy=strategy), Xd), args.repeat
                )
                diffs["dask-ml"] = float(
                    np.max(np.abs(np.asarray(theirs.statistics_) - ref.statistics_))
                )
            except Exception as exc:
                print(f"  dask-ml SimpleImputer({strategy}) failed: {type(exc).__name__}: {exc}"[:200])
        _row(f"SimpleImputer({strategy})", times, diffs)


if __name__ == "__main__":
    with dask.config.set(scheduler="threads"):
        main()
