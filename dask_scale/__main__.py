"""Command line: ``python -m dask_scale demo`` and ``python -m dask_scale bench NAME``.

``demo`` runs the library's main job end to end: it starts a local dask.distributed cluster
(or connects to ``--scheduler``), generates a chunked dataset lazily with
:mod:`dask_scale.datasets`, fits StandardScaler -> KMeans and a LogisticRegression on it block
by block, and prints the data size, the time, the peak memory and the models' quality.
``--progress`` draws progress bars while it fits (:func:`dask_scale.progress`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import runpy
import sys
import threading
import time
from pathlib import Path

__all__ = ["main"]


def _positive_int(text):
    """A positive integer: ``1000000``, ``1_000_000`` or ``1e6`` (not ``1.5``)."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not number.is_integer():
            raise argparse.ArgumentTypeError(
                f"expected a positive integer, got {text!r}"
            ) from None
        value = int(number)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _memory_limit(text):
    """``auto``, a size such as ``2GB`` / ``512MiB``, or a fraction of the machine's memory."""
    if text == "auto":
        return text
    from dask.utils import parse_bytes

    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and 0 < number <= 1:
        return number
    try:
        nbytes = parse_bytes(text)
    except (ValueError, TypeError):
        nbytes = None
    if nbytes is None or nbytes < 1:
        raise argparse.ArgumentTypeError(
            f"expected 'auto', a size such as 2GB or 512MiB, or a fraction of the machine's "
            f"memory in (0, 1], got {text!r}"
        )
    return nbytes


def _scheduler_address(text):
    if "://" not in text:
        raise argparse.ArgumentTypeError(
            f"expected a scheduler address like tcp://127.0.0.1:8786, got {text!r}"
        )
    return text


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m dask_scale",
        description="dask_scale: scikit-learn estimators that train block by block on dask.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{demo,bench}")
    sub.required = True
    demo = sub.add_parser(
        "demo",
        help="fit StandardScaler->KMeans and LogisticRegression on generated data",
        description=(
            "Generate a chunked dataset lazily, fit StandardScaler -> KMeans and "
            "LogisticRegression on a dask.distributed cluster, and report data size, time, "
            "peak memory and model quality."
        ),
    )
    demo.add_argument(
        "--rows", type=_positive_int, default=2_000_000,
        help="number of rows to generate (default: 2,000,000)",
    )
    demo.add_argument(
        "--features", type=_positive_int, default=20, help="number of features (default: 20)"
    )
    demo.add_argument(
        "--chunk-rows", type=_positive_int, default=250_000,
        help="rows per block (default: 250,000)",
    )
    demo.add_argument(
        "--clusters", type=_positive_int, default=8, help="KMeans n_clusters (default: 8)"
    )
    demo.add_argument(
        "--scheduler", type=_scheduler_address, default=None,
        help="address of an existing dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: start a local cluster)",
    )
    demo.add_argument(
        "--connect-timeout", type=float, default=10.0,
        help="seconds to wait for --scheduler to answer (default: 10)",
    )
    demo.add_argument(
        "--workers", type=_positive_int, default=None,
        help="worker processes of the local cluster (default: number of cores, at most 4)",
    )
    demo.add_argument(
        "--threads-per-worker", type=_positive_int, default=None,
        help="threads per local worker (default: 1)",
    )
    demo.add_argument(
        "--memory-limit", type=_memory_limit, default=None,
        help="memory limit per local worker: a size such as 2GB, a fraction of the "
        "machine's memory such as 0.25, or auto (default: auto, the memory shared out)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument(
        "--stream", action="store_true",
        help="do not persist the generated data on the workers: regenerate it block by block "
        "in every pass (out of core: memory stays a few blocks whatever --rows; slower)",
    )
    demo.add_argument(
        "--quiet", action="store_true", help="do not print per-iteration progress"
    )
    demo.add_argument(
        "--progress", action="store_true",
        help="draw progress bars on stderr: each fit's iterations and the tasks of each pass "
        "as the cluster reports them (tqdm's bars when tqdm is installed; same as "
        "DASK_DASK_SCALE__PROGRESS=1; see dask_scale.progress)",
    )
    bench = sub.add_parser(
        "bench",
        help="run a benchmark script from benchmarks/ (a source checkout)",
        description="Run benchmarks/bench_NAME.py from a source checkout with the given options.",
    )
    bench.add_argument(
        "name",
        help="benchmark name: decomposition, kmeans, linear, logistic, naive_bayes, pipeline, "
        "preprocessing, wrappers, out_of_core, search, adaptive, cluster_pass, or all (every "
        "one; `bench all --write docs/_generated` writes the tables of the docs)",
    )
    bench.add_argument("args", nargs=argparse.REMAINDER, help="options passed to the script")
    return parser


class _PeakMemory:
    """Samples the resident memory of this process and its children (the local workers)."""

    def __init__(self, interval=0.1):
        import psutil

        self._psutil = psutil
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self):
        me = self._psutil.Process(os.getpid())
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(self._psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def _gb(nbytes):
    return f"{nbytes / 1e9:.2f} GB"


def _demo(args):
    import numpy as np
    from distributed import Client, LocalCluster, futures_of, wait
    from sklearn.pipeline import make_pipeline

    import dask_scale
    from dask_scale import datasets
    from dask_scale._graph.client import follow
    from dask_scale.cluster import KMeans
    from dask_scale.linear_model import LogisticRegression
    from dask_scale.preprocessing import StandardScaler

    out = sys.stdout
    verbose = 0 if args.quiet else 1
    if args.scheduler:
        cluster = None
        try:
            client = Client(args.scheduler, timeout=args.connect_timeout)
        except (OSError, TimeoutError) as exc:
            print(
                f"error: could not connect to the dask scheduler at {args.scheduler} within "
                f"{args.connect_timeout:g} s ({type(exc).__name__}: {exc}). Check the address "
                "and that `dask scheduler` runs there, or leave out --scheduler to start a "
                "local cluster.",
                file=sys.stderr,
            )
            return 2
        try:
            client.wait_for_workers(1, timeout=args.connect_timeout)
        except TimeoutError:
            client.close()
            print(
                f"error: the dask scheduler at {args.scheduler} has no worker (waited "
                f"{args.connect_timeout:g} s). Start workers with `dask worker "
                f"{args.scheduler}` or raise --connect-timeout.",
                file=sys.stderr,
            )
            return 2
        workers = client.scheduler_info(n_workers=-1)["workers"]
        n_threads = sum(w["nthreads"] for w in workers.values())
        where = (
            f"scheduler {args.scheduler}, {len(workers)} worker(s), {n_threads} thread(s): "
            + ", ".join(sorted(workers))
        )
    else:
        n_workers = args.workers or min(os.cpu_count() or 1, 4)
        threads = args.threads_per_worker or 1
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads,
            memory_limit=args.memory_limit or "auto",
            dashboard_address=None,
        )
        client = Client(cluster)
        where = f"local cluster, {n_workers} worker process(es) x {threads} thread(s)"
    try:
        print(f"dask_scale demo on a {where}", file=out)
        X, y = datasets.make_classification(
            n_samples=args.rows,
            n_features=args.features,
            n_informative=min(args.features, max(2, args.features // 2)),
            n_redundant=0,
            n_clusters_per_class=1,
            chunks=args.chunk_rows,
            random_state=args.seed,
        )
        nblocks = len(X.chunks[0])
        if args.stream:
            held = "generated lazily on the workers in every pass (never held whole)"
        else:
            held = "generated on the workers and persisted there (never on the client)"
        print(
            f"data: {args.rows:,} rows x {args.features} features float64 = {_gb(X.nbytes)} "
            f"in {nblocks} blocks of <= {args.chunk_rows:,} rows, {held}",
            file=out,
        )
        results = []
        # off unless asked: a program may still turn the bars on by the environment variable
        bars = dask_scale.progress() if args.progress else contextlib.nullcontext()
        with _PeakMemory() as mem, bars:
            if not args.stream:
                t0 = time.perf_counter()
                X, y = client.persist([X, y])
                with follow(client, futures_of([X, y])):  # its bar, with --progress
                    wait([X, y])
                results.append(f"generate + persist: {time.perf_counter() - t0:.1f} s")
                print(results[-1], file=out, flush=True)
            t0 = time.perf_counter()
            pipe = make_pipeline(
                StandardScaler(),
                KMeans(n_clusters=args.clusters, random_state=args.seed, verbose=verbose),
            )
            pipe.fit(X)
            km = pipe[-1]
            dt = time.perf_counter() - t0
            results.append(
                f"StandardScaler -> KMeans(n_clusters={args.clusters}): {dt:.1f} s, "
                f"{km.n_iter_} Lloyd iterations, inertia (SSE) = {km.inertia_:.6g}, "
                f"mean squared distance to centre = {km.inertia_ / args.rows:.4f}"
            )
            print(results[-1], file=out, flush=True)
            t0 = time.perf_counter()
            clf = LogisticRegression(verbose=verbose)
            clf.fit(X, y)
            fit_s = time.perf_counter() - t0
            acc = clf.score(X, y)
            dt = time.perf_counter() - t0
            results.append(
                f"LogisticRegression(lbfgs): fit {fit_s:.1f} s ({int(np.max(clf.n_iter_))} "
                f"iterations), accuracy on the {args.rows:,} rows = {acc:.4f} "
                f"(with scoring: {dt:.1f} s)"
            )
            print(results[-1], file=out, flush=True)
        print("", file=out)
        print("summary", file=out)
        print(f"  data size        {_gb(X.nbytes)} ({args.rows:,} x {args.features})", file=out)
        for line in results:
            print(f"  {line}", file=out)
        where_mem = "client + local workers" if cluster is not None else "client process only"
        print(f"  peak memory      {_gb(mem.peak)} resident ({where_mem})", file=out)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 0


def _bench(args):
    root = Path(__file__).resolve().parent.parent / "benchmarks"
    script = root / f"bench_{args.name}.py"
    if not script.exists():
        available = sorted(p.stem[len("bench_"):] for p in root.glob("bench_*.py"))
        if not root.exists():
            print(
                "error: benchmarks/ was not found next to the package; run bench from a "
                "source checkout (pip install -e .[bench])",
                file=sys.stderr,
            )
        else:
            print(
                f"error: no benchmark named {args.name!r}; available: {', '.join(available)}",
                file=sys.stderr,
            )
        return 2
    sys.argv = [str(script), *args.args]
    sys.path.insert(0, str(root))  # the scripts share helpers (benchmarks/_warm.py)
    runpy.run_path(str(script), run_name="__main__")
    return 0


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        if args.rows < args.clusters:
            parser.error(
                f"--rows ({args.rows:,}) must be at least --clusters ({args.clusters}): "
                "KMeans needs a sample per cluster"
            )
        local_only = [
            opt for opt, value in (
                ("--workers", args.workers),
                ("--threads-per-worker", args.threads_per_worker),
                ("--memory-limit", args.memory_limit),
            ) if value is not None
        ]
        if args.scheduler and local_only:
            parser.error(
                f"{', '.join(local_only)} size the local cluster and cannot change the "
                f"cluster behind --scheduler; leave them out, or leave out --scheduler"
            )
        return _demo(args)
    return _bench(args)


if __name__ == "__main__":
    sys.exit(main())
