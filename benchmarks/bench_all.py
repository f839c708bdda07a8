"""Every benchmark in one run; with ``--write DIR``, the tables, plot and environment of the docs.

Runs the ``bench_*.py`` scripts one after the other in this process (each ``main(argv)``
returns its :class:`_results.Results`), with ``--quick`` and ``--skip-dask-ml`` passed on to
the scripts that take them. A benchmark that raises is recorded as failed, with its error, and
the run goes on. ``--write DIR`` writes, for the documentation (``docs/_generated``):

- ``DIR/<bench>.rst``: the benchmark's table (``.. include::``-d by docs/benchmarks.rst),
- ``DIR/<bench>.json``: the same records, read back to draw the plot,
- ``DIR/environment.rst``: CPU, RAM, versions, date and sizes of the run,
- ``DIR/ratios.png``: dask_scale's time over scikit-learn's and dask-ml's per workload.

Usage::

    python -m dask_scale bench all --write docs/_generated            # the full run (long)
    python -m dask_scale bench all --quick --write docs/_generated    # a smoke run
    python -m dask_scale bench all --quick --only kmeans,linear --skip-dask-ml
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _results, bench_* modules

from _results import failed_run, write  # noqa: E402

# the benchmarks in the order they run (cheap first); the set of those that time dask-ml
BENCHMARKS = (
    "kmeans", "linear", "logistic", "decomposition", "preprocessing", "wrappers",
    "naive_bayes", "pipeline", "cluster_pass", "adaptive", "out_of_core", "search",
)
TIMES_DASK_ML = frozenset(
    {"kmeans", "linear", "logistic", "decomposition", "preprocessing", "wrappers",
     "naive_bayes", "adaptive", "search"}
)


def _selection(text):
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(BENCHMARKS)}, got {text!r}"
        )
    return chosen


def run_one(name, quick, skip_dask_ml):
    """Run ``bench_<name>.main`` and return its Results, or a failed one saying why."""
    argv = (["--quick"] if quick else []) + (
        ["--skip-dask-ml"] if skip_dask_ml and name in TIMES_DASK_ML else []
    )
    print(f"\n=== bench {name} {' '.join(argv)}".rstrip(), flush=True)
    t0 = time.perf_counter()
    try:
        results = importlib.import_module(f"bench_{name}").main(argv)
        if results is None:
            raise TypeError(f"bench_{name}.main returned no Results")
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - recorded, the run goes on
        traceback.print_exc()
        results = failed_run(name, exc, quick=quick)
    results.seconds = time.perf_counter() - t0
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark's small sizes")
    parser.add_argument(
        "--only", type=_selection, default=list(BENCHMARKS),
        help=f"comma-separated benchmarks to run, from {','.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument("--skip-dask-ml", action="store_true", help="skip every dask-ml run")
    parser.add_argument(
        "--write", metavar="DIR", default=None,
        help="write the tables, environment.rst and ratios.png there (docs/_generated)",
    )
    args = parser.parse_args(argv)
    runs = [run_one(name, args.quick, args.skip_dask_ml) for name in args.only]
    print("\n=== summary")
    for run in runs:
        failed = [r.contender for r in run.records if r.error]
        state = f"{len(failed)} failed: {', '.join(failed)}" if failed else "ok"
        print(f"  {run.name:<14} {run.seconds:8.1f} s  {state}")
    if args.write:
        command = "python -m dask_scale bench all " + " ".join(
            argv if argv is not None else sys.argv[1:]
        )
        written = write(runs, args.write, command=command.strip())
        print(f"wrote {len(written)} files to {args.write}: {', '.join(written)}")
    return runs


if __name__ == "__main__":
    main()
