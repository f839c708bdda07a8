"""Out-of-core fits: KMeans and LogisticRegression on data that is never held in memory.

The data (``--rows`` x ``--features`` float64, 16 GB by default) is generated lazily by
``dask_scale.datasets`` in ``--chunk-rows`` row blocks (make_blobs for KMeans,
make_classification for LogisticRegression) and the fits run on dask's local threaded
scheduler. With ``--source parquet`` / ``--source npy`` the same data is first written to disk,
one file per block (a dask computation that writes block after block, never holding the
data), and the fit reads it back block by block: ``dask.dataframe.read_parquet``, or one
``numpy.load(mmap_mode="r")`` per ``.npy`` block wrapped in ``dask.array.from_delayed``.

``--estimators pipeline`` fits ``Pipeline([ColumnTransformer(StandardScaler on the numeric
columns, OneHotEncoder on the categorical ones), LogisticRegression])`` on a dask DataFrame
generated lazily by ``make_mixed_classification_df`` (``--features`` float64 columns and 4
categorical columns of 8 categories): the preprocessing and the model stream over the same
partitions, regenerated in every pass.

For every fit the script prints:

- the data size (GB of float64 features),
- the fit time (data generation / reading included: it happens inside the fit),
- the number of passes over the data (block reads of X counted by a thread-safe counter on
  every block, divided by the number of blocks),
- the peak resident memory of the process during the fit (psutil RSS sampled every 5 ms by
  a background thread), the RSS before the fit, and ``ru_maxrss`` (the kernel's peak RSS of
  the whole process, which also covers the moments between samples).

Peak memory does not depend on the data size but on the scheduler's threads: each thread
holds a block in flight (a 100 MB block of 250,000 x 50 plus the generator's temporaries).
Measured on 2026-12-01 with 2 threads (docs/benchmarks.rst has the tables): KMeans 0.58 GB
at 10M rows and 0.59 GB at 40M rows (16 GB of data), LogisticRegression 0.82 / 0.83 GB; from
Parquet 1.52 / 1.69 GB and 1.61 / 1.65 GB (pyarrow's buffers and the conversion to NumPy
add block copies). Before make_blobs stopped building a block-sized temporary, 4M rows
took 0.78 GB with 2 threads, 1.22 GB with 4, 1.94 GB with 8 and 3.4-3.6 GB with 16
threads: ``--threads`` bounds it.

Each fit runs in a fresh subprocess so that the peaks of one fit (or of writing the files)
do not leak into the next. ``--compare-sizes`` fits at a quarter of ``--rows`` and at
``--rows`` and prints the ratio of the peak memories (target: at most 1.20; the issue's
target for the full-size run is a peak under 3 GB).

The full run of the issue (16 GB of data, ~15 passes per estimator; several minutes on a
multi-core machine, mind the disk space for the file sources)::

    python benchmarks/bench_out_of_core.py --compare-sizes
    python benchmarks/bench_out_of_core.py --source parquet --dir /big/disk/tmp
    python benchmarks/bench_out_of_core.py --source npy --dir /big/disk/tmp

A quick run::

    python benchmarks/bench_out_of_core.py --rows 4_000_000 --compare-sizes
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from _results import Results

ESTIMATORS = ("kmeans", "logistic", "pipeline")
# the pipeline fits a dask DataFrame with categorical columns (make_mixed_classification_df)
PIPELINE_CATEGORICAL = 4
PIPELINE_CATEGORIES = 8
SOURCES = ("generate", "parquet", "npy")
GB = 1e9


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------


class PeakRSS:
    """Samples the resident memory of this process in a background thread."""

    def __init__(self, interval=0.005):
        import psutil

        self._process = psutil.Process()
        self.interval = interval
        self.start_rss = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-rss", daemon=True)

    def _run(self):
        while not self._stop.is_set():
            rss = self._process.memory_info().rss
            if rss > self.peak:
                self.peak = rss
            self._stop.wait(self.interval)

    def __enter__(self):
        self.start_rss = self.peak = self._process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def ru_maxrss_bytes():
    """Peak RSS of this process so far (``ru_maxrss`` is in KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class ReadCounter:
    """Thread-safe count of block reads (each call is one block read)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reads = 0
        self._token = uuid.uuid4().hex

    def __dask_tokenize__(self):
        return ("ReadCounter", self._token)

    def __call__(self, block):
        with self._lock:
            self.reads += 1
        return block


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def generate(estimator, rows, features, chunk_rows, seed=0):
    """Lazily generated ``(X, y)``: blobs for KMeans, a classification problem otherwise."""
    from dask_scale.datasets import make_blobs, make_classification

    if estimator == "kmeans":
        return make_blobs(
            n_samples=rows, n_features=features, centers=8, random_state=seed, chunks=chunk_rows
        )
    if estimator == "pipeline":
        from dask_scale.datasets import make_mixed_classification_df

        return make_mixed_classification_df(
            n_samples=rows,
            n_features=features,
            n_informative=min(10, features),
            n_categorical=PIPELINE_CATEGORICAL,
            n_categories=PIPELINE_CATEGORIES,
            random_state=seed,
            chunks=chunk_rows,
        )
    return make_classification(
        n_samples=rows,
        n_features=features,
        n_informative=min(10, features),
        n_redundant=min(5, max(features - 10, 0)),
        random_state=seed,
        chunks=chunk_rows,
    )


def feature_names(features):
    return [f"f{j}" for j in range(features)]


def _block_frame(X, y, columns):
    import pandas as pd

    frame = pd.DataFrame(X, columns=columns)
    frame["y"] = y
    return frame


def write_parquet(X, y, path):
    """Write ``X`` and ``y`` as Parquet, one file per row block, block by block via dask."""
    import dask
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    columns = feature_names(X.shape[1])
    # optimize_graph=False: X and y blocks keep the keys of the generating tasks they share,
    # so each block is generated once.
    xs = X.to_delayed(optimize_graph=False).ravel()
    ys = y.to_delayed(optimize_graph=False)
    parts = [dask.delayed(_block_frame)(xb, yb, columns) for xb, yb in zip(xs, ys, strict=True)]
    meta = pd.DataFrame({c: np.empty(0) for c in columns} | {"y": np.empty(0, dtype=y.dtype)})
    frame = dd.from_delayed(parts, meta=meta, verify_meta=False)
    frame.to_parquet(path, write_index=False)
    return len(parts)


def read_parquet(path, counter, features):
    """Lazy ``(X, y)`` read back from ``path`` with ``read_parquet``, reads of X counted.

    The frame is converted to arrays as the estimators convert DataFrames
    (:func:`dask_scale._validation.frame_to_dask_array`, one block per file); the counter
    wraps the blocks of X, so y (one column, read on its own) is not counted.
    """
    import dask.dataframe as dd

    from dask_scale._validation import frame_to_dask_array

    frame = dd.read_parquet(path)
    X = frame_to_dask_array(frame[feature_names(features)])
    y = frame_to_dask_array(frame["y"])
    X = X.map_blocks(counter, dtype=X.dtype, meta=X._meta, name="counted-parquet-X")
    return X, y, frame.npartitions


def _write_npy_block(i, X, y, directory):
    import numpy as np

    np.save(os.path.join(directory, f"X_{i:06d}.npy"), X)
    np.save(os.path.join(directory, f"y_{i:06d}.npy"), y)
    return X.shape[0]


def write_npy(X, y, directory):
    """Write every row block of ``X`` and ``y`` as ``.npy`` files (block by block via dask)."""
    import dask

    os.makedirs(directory, exist_ok=True)
    xs = X.to_delayed(optimize_graph=False).ravel()
    ys = y.to_delayed(optimize_graph=False)
    tasks = [
        dask.delayed(_write_npy_block)(i, xb, yb, directory)
        for i, (xb, yb) in enumerate(zip(xs, ys, strict=True))
    ]
    rows = dask.compute(*tasks)
    with open(os.path.join(directory, "rows.json"), "w") as f:
        json.dump([int(r) for r in rows], f)
    return len(rows)


def _load_npy(path, counter=None):
    import numpy as np

    # A plain ndarray view of the memory map: pages are read from disk as the kernel
    # touches them and dropped when the block is released.
    block = np.asarray(np.load(path, mmap_mode="r"))
    return block if counter is None else counter(block)


def read_npy(directory, counter, features):
    """Lazy ``(X, y)`` dask arrays over the ``.npy`` blocks in ``directory``, reads counted."""
    import dask
    import dask.array as da
    import numpy as np

    with open(os.path.join(directory, "rows.json")) as f:
        rows = json.load(f)
    xs, ys = [], []
    for i, n in enumerate(rows):
        xpath = os.path.join(directory, f"X_{i:06d}.npy")
        ypath = os.path.join(directory, f"y_{i:06d}.npy")
        xs.append(
            da.from_delayed(dask.delayed(_load_npy)(xpath, counter), (n, features), np.float64)
        )
        ys.append(da.from_delayed(dask.delayed(_load_npy)(ypath), (n,), np.int64))
    return da.concatenate(xs), da.concatenate(ys), len(rows)


def data_dir(args, estimator, rows):
    name = f"{estimator}-{rows}x{args.features}-c{args.chunk_rows}-{args.source}"
    return os.path.join(args.dir, name)


# --------------------------------------------------------------------------------------------
# one measurement (run in a child process)
# --------------------------------------------------------------------------------------------


def make_estimator(estimator, max_iter, verbose):
    if estimator == "pipeline":
        from sklearn.pipeline import Pipeline

        from dask_scale.compose import make_column_transformer
        from dask_scale.linear_model import LogisticRegression
        from dask_scale.preprocessing import OneHotEncoder, StandardScaler

        def numeric(frame):
            return [c for c in frame.columns if c.startswith("num_")]

        def categorical(frame):
            return [c for c in frame.columns if c.startswith("cat_")]

        pre = make_column_transformer(
            (StandardScaler(), numeric), (OneHotEncoder(handle_unknown="ignore"), categorical)
        )
        return Pipeline(
            [("pre", pre), ("model", LogisticRegression(max_iter=max_iter, verbose=verbose))]
        )
    if estimator == "kmeans":
        from dask_scale.cluster import KMeans

        return KMeans(
            n_clusters=8, init="k-means||", max_iter=max_iter, random_state=0, verbose=verbose
        )
    from dask_scale.linear_model import LogisticRegression

    return LogisticRegression(max_iter=max_iter, verbose=verbose)


def write_child(args, estimator, rows):
    """Write the data of one (estimator, rows) to disk; report time and peak memory."""
    path = data_dir(args, estimator, rows)
    X, y = generate(estimator, rows, args.features, args.chunk_rows)
    if os.path.exists(os.path.join(path, "_done")):
        return {"write_s": 0.0, "reused": True, "path": path}
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    with PeakRSS() as mem:
        t0 = time.perf_counter()
        if args.source == "parquet":
            write_parquet(X, y, path)
        else:
            write_npy(X, y, path)
        elapsed = time.perf_counter() - t0
    open(os.path.join(path, "_done"), "w").close()
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    return {
        "write_s": elapsed,
        "reused": False,
        "path": path,
        "disk_gb": size / GB,
        "write_peak_rss_gb": mem.peak / GB,
    }


def fit_child(args, estimator, rows):
    """Fit one estimator on one data source; report time, passes and memory."""
    import dask
    import numpy as np

    counter = ReadCounter()
    if estimator == "pipeline":
        if args.source != "generate":
            raise SystemExit("the pipeline benchmark generates its DataFrame: --source generate")
        X, y = generate(estimator, rows, args.features, args.chunk_rows)
        n_blocks = X.npartitions
        X = X.map_partitions(counter, meta=X._meta)
    elif args.source == "generate":
        X, y = generate(estimator, rows, args.features, args.chunk_rows)
        n_blocks = len(X.chunks[0])
        X = X.map_blocks(counter, dtype=X.dtype, meta=X._meta, name="counted-X")
    elif args.source == "parquet":
        X, y, n_blocks = read_parquet(data_dir(args, estimator, rows), counter, args.features)
    else:
        X, y, n_blocks = read_npy(data_dir(args, estimator, rows), counter, args.features)
    model = make_estimator(estimator, args.max_iter, args.verbose)
    # Warm-up: compile (or load from numba's cache) the kernels on a tiny problem so that the
    # fit time is the fit's, and the baseline RSS already holds the compiled code.
    small = generate(estimator, 2_000, args.features, 1_000)
    make_estimator(estimator, 2, 0).fit(*(small if estimator != "kmeans" else small[:1]))
    counter.reads = 0

    with dask.config.set(scheduler="threads", num_workers=args.threads), PeakRSS() as mem:
        t0 = time.perf_counter()
        if estimator == "kmeans":
            model.fit(X)
        else:
            model.fit(X, y)
        elapsed = time.perf_counter() - t0
    last = model[-1] if estimator == "pipeline" else model
    summary = (
        float(model.inertia_)
        if estimator == "kmeans"
        else float(np.abs(np.asarray(last.coef_)).sum())
    )
    # the features as float64 (for the pipeline: the numeric columns, the categorical
    # columns as int8 codes, the int64 index and labels)
    data_bytes = rows * args.features * 8
    if estimator == "pipeline":
        data_bytes += rows * (PIPELINE_CATEGORICAL + 16)
    return {
        "estimator": estimator,
        "source": args.source,
        "rows": rows,
        "features": args.features,
        "data_gb": data_bytes / GB,
        "n_blocks": n_blocks,
        "threads": args.threads,
        "fit_s": elapsed,
        "passes": counter.reads / n_blocks,
        "n_iter": int(np.max(last.n_iter_)),
        "baseline_rss_gb": mem.start_rss / GB,
        "peak_rss_gb": mem.peak / GB,
        "ru_maxrss_gb": ru_maxrss_bytes() / GB,
        "summary": summary,
    }


# --------------------------------------------------------------------------------------------
# orchestration
# --------------------------------------------------------------------------------------------


def run_child(args, mode, estimator, rows):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        mode,
        "--estimators",
        estimator,
        "--rows",
        str(rows),
        "--features",
        str(args.features),
        "--chunk-rows",
        str(args.chunk_rows),
        "--source",
        args.source,
        "--dir",
        args.dir,
        "--max-iter",
        str(args.max_iter),
        "--threads",
        str(args.threads),
        "--verbose",
        str(args.verbose),
    ]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {mode} {estimator} rows={rows} failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


HEADER = (
    f"{'estimator':<9} {'source':<8} {'rows':>11} {'feat':>4} {'data GB':>8} {'blocks':>6} "
    f"{'fit s':>8} {'passes':>7} {'n_iter':>6} {'RSS before':>10} {'peak RSS':>9} "
    f"{'ru_maxrss':>9}"
)


def print_row(r):
    print(
        f"{r['estimator']:<9} {r['source']:<8} {r['rows']:>11,} {r['features']:>4} "
        f"{r['data_gb']:>8.2f} {r['n_blocks']:>6} {r['fit_s']:>8.1f} {r['passes']:>7.2f} "
        f"{r['n_iter']:>6} {r['baseline_rss_gb']:>9.2f}G {r['peak_rss_gb']:>8.2f}G "
        f"{r['ru_maxrss_gb']:>8.2f}G",
        flush=True,
    )


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=40_000_000, help="rows of data (default 40M)")
    p.add_argument("--features", type=int, default=50, help="features (default 50)")
    p.add_argument("--chunk-rows", type=int, default=250_000, help="rows per block")
    p.add_argument("--source", choices=SOURCES, default="generate")
    p.add_argument("--dir", default=None, help="directory for --source parquet/npy files")
    p.add_argument("--keep", action="store_true", help="keep the files written under --dir")
    p.add_argument(
        "--estimators", default="kmeans,logistic",
        help=f"comma-separated list from {','.join(ESTIMATORS)} (default: kmeans,logistic)",
    )
    p.add_argument("--max-iter", type=int, default=10, help="max_iter of both estimators")
    p.add_argument(
        "--threads", type=int, default=os.cpu_count(), help="threads of the dask scheduler"
    )
    p.add_argument("--compare-sizes", action="store_true", help="also fit at rows / 4")
    p.add_argument("--verbose", type=int, default=0, help="verbose of the estimators")
    p.add_argument("--json", default=None, help="also write all results to this JSON file")
    p.add_argument("--child", choices=("fit", "write"), default=None, help=argparse.SUPPRESS)
    p.add_argument(
        "--quick", action="store_true",
        help="a smoke run: 200,000 rows in 25,000-row blocks, max_iter=3, --compare-sizes",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.rows, args.chunk_rows, args.max_iter, args.compare_sizes = 200_000, 25_000, 3, True
    estimators = [e.strip() for e in args.estimators.split(",") if e.strip()]
    unknown = sorted(set(estimators) - set(ESTIMATORS))
    if unknown:
        p.error(f"unknown estimators {unknown}; choose from {list(ESTIMATORS)}")
    args.estimator_list = estimators
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        # max_iter caps the fits on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        (estimator,) = args.estimator_list
        result = (fit_child if args.child == "fit" else write_child)(args, estimator, args.rows)
        print(json.dumps(result))
        return
    own_dir = args.dir is None and args.source != "generate"
    if own_dir:
        args.dir = tempfile.mkdtemp(prefix="dask_scale_ooc_")
    args.dir = args.dir or tempfile.gettempdir()
    sizes = [args.rows // 4, args.rows] if args.compare_sizes else [args.rows]
    import dask

    print(
        f"dask {dask.__version__}, threaded scheduler with {args.threads} threads, "
        f"{args.chunk_rows:,}-row blocks, source={args.source}, max_iter={args.max_iter}",
        flush=True,
    )
    results = []
    table = Results(
        "out_of_core", "Out-of-core fits: data never held in memory",
        f"{args.features} float64 features in {args.chunk_rows:,}-row blocks, source "
        f"{args.source}, threaded scheduler with {args.threads} threads, max_iter="
        f"{args.max_iter}, each fit in a fresh process; passes: block reads / blocks; peak "
        "RSS of the process sampled every 5 ms",
        quick=args.quick,
    )
    try:
        for estimator in args.estimator_list:
            for rows in sizes:
                if args.source != "generate":
                    w = run_child(args, "write", estimator, rows)
                    if not w["reused"]:
                        print(
                            f"wrote {estimator} data ({rows:,} rows) to {w['path']}: "
                            f"{w['disk_gb']:.2f} GB on disk in {w['write_s']:.1f} s, "
                            f"peak RSS {w['write_peak_rss_gb']:.2f} GB",
                            flush=True,
                        )
                workload = f"{estimator} from {args.source}"
                contender = f"dask_scale {estimator}, {rows:,} rows"
                try:
                    r = run_child(args, "fit", estimator, rows)
                except SystemExit as exc:  # a failed child: its row says so
                    table.add_failure(workload, contender, str(exc), library="dask_scale")
                    continue
                if len(results) == 0:
                    print(HEADER)
                print_row(r)
                results.append(r)
                table.add(
                    workload, contender, r["fit_s"], library="dask_scale",
                    quality=f"{r['data_gb']:.2f} GB in {r['n_blocks']} blocks, "
                    f"{r['passes']:.2f} passes, peak RSS {r['peak_rss_gb']:.2f} GB (before "
                    f"the fit {r['baseline_rss_gb']:.2f} GB)",
                )
                if args.source != "generate" and not args.keep:
                    shutil.rmtree(data_dir(args, estimator, rows), ignore_errors=True)
    finally:
        if own_dir and not args.keep:
            shutil.rmtree(args.dir, ignore_errors=True)
    table.print()
    if args.compare_sizes:
        for estimator in args.estimator_list:
            pair = [r for r in results if r["estimator"] == estimator]
            if len(pair) != 2:
                continue
            small, full = pair
            ratio = full["peak_rss_gb"] / small["peak_rss_gb"]
            print(
                f"{estimator}: peak RSS at {full['rows']:,} rows / at {small['rows']:,} rows = "
                f"{full['peak_rss_gb']:.2f} / {small['peak_rss_gb']:.2f} GB = {ratio:.3f} "
                f"(target <= 1.20: {'met' if ratio <= 1.2 else 'NOT met'})",
                flush=True,
            )
    for r in results:
        if r["peak_rss_gb"] >= 3.0:
            print(f"{r['estimator']} ({r['rows']:,} rows): peak RSS >= 3 GB (target not met)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return table


if __name__ == "__main__":
    main()
