"""Hyperparameter searches: dask_scale vs scikit-learn vs dask-ml, five workloads in one run.

The workloads of issue #13 (sizes of the full run; ``--quick`` shrinks each to a few
seconds):

- **W1 text pipeline**: 20,000 synthetic documents (generated from a seeded vocabulary of
  pseudo-words, two classes with their own word frequencies; no download),
  ``Pipeline(TfidfVectorizer(ngram_range in {(1,1), (1,2)}) -> SGDClassifier(5 alphas))``,
  cv=3. Contenders: scikit-learn ``GridSearchCV(n_jobs=-1)``, the same with
  ``Pipeline(memory=...)``, scikit-learn under joblib's dask backend on the cluster, dask-ml
  (threads; cluster), dask_scale (threads; cluster). Target: <= 12 s.
- **W2 overhead**: ``LogisticRegression`` on 5,000 x 20, 100 values of ``C`` x cv=5 (500
  tiny fits). Same contenders (no ``memory`` variant). Target: faster than scikit-learn and
  dask-ml, on any scheduler.
- **W3 heavy model**: ``HistGradientBoostingClassifier(max_iter=100)`` on 20,000 x 20,
  27 candidates, cv=3; also scikit-learn's ``HalvingGridSearchCV`` and dask_scale's.
  Targets: grid <= scikit-learn's 71 s; halving <= 15 s with the best parameters of
  scikit-learn's halving search.
- **W4 adaptive**: ``SGDClassifier`` ``partial_fit`` on a 200,000 x 20 dask array in 20
  chunks, ``HyperbandSearchCV(max_iter=27)`` on the cluster: dask-ml's (which fails on
  dask >= 2025.3; the error is reported) and dask_scale's, with the number of models and
  ``partial_fit`` calls (Li et al.: 49 models, 357 calls). Target <= 6.5 s.
- **W5 memory**: a 2,000,000 x 20 dask DataFrame, dask_scale's ``LogisticRegression`` with 10
  values of ``C``, cv=3, each search on a fresh cluster; the peak resident memory of each
  worker process is sampled every 50 ms (psutil). Target: dask_scale's peak <= half of
  dask-ml's.

"The cluster" is a ``LocalCluster`` of 2 worker processes x 1 thread. Each table gives the
wall time, the ratio to the first row (the reference: scikit-learn ``n_jobs=-1``, except
W4 and W5), and whether ``best_params_`` equals the reference's. A contender that raises is
reported with its error in the table; one whose class does not exist (a dask_scale search
not built yet, dask-ml not installed) says "not available". The machine may be shared:
compare ratios measured in the same run.

Usage::

    python benchmarks/bench_search.py                 # the full run (minutes)
    python benchmarks/bench_search.py --quick         # small sizes, < 1 minute
    python benchmarks/bench_search.py --only W1,W3 [--skip-dask-ml]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import os
import tempfile
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np
from _results import Results
from _warm import add_warm_option, warm_memory

WORKLOADS = ("W1", "W2", "W3", "W4", "W5")
N_WORKERS = 2


# ------------------------------------------------------------------------------------------
# contenders, results, tables
# ------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    seconds: float = float("nan")
    model: object = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.model is not None


def optional(module, name):
    """``module.name``, or None when the module or the name does not exist (yet)."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        return None
    except AttributeError:
        return None


def _error_text(exc):
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
    return text if len(text) <= 110 else text[:107] + "..."


def attempt(name, fit, cls=None, what=None):
    """Time ``fit()``; on an exception (or ``cls`` None: "not available") a row saying so."""
    if cls is None and what is not None:
        return Row(name, note=f"not available ({what} does not exist)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        try:
            model = fit()
        except Exception as exc:  # noqa: BLE001 - reported in the table, never a crash
            if os.environ.get("BENCH_SEARCH_TRACEBACK"):
                traceback.print_exc()
            return Row(name, seconds=time.perf_counter() - t0, note=f"failed: {_error_text(exc)}")
    return Row(name, seconds=time.perf_counter() - t0, model=model)


def _same_params(row, ref):
    if not (row.ok and ref is not None and ref.ok):
        return "-"
    a = getattr(row.model, "best_params_", None)
    b = getattr(ref.model, "best_params_", None)
    if a is None or b is None:
        return "-"
    if _normalised(a) == _normalised(b):
        return "yes"
    # another candidate with the reference's best mean score (a tie the libraries break
    # differently) is no disagreement in the scores
    results = getattr(ref.model, "cv_results_", None)
    if results is not None:
        for params, score in zip(results["params"], results["mean_test_score"], strict=True):
            if _normalised(params) == _normalised(a):
                return "tie" if abs(score - ref.model.best_score_) <= 1e-12 else "NO"
    return "NO"


def _normalised(params):
    return {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in params.items()}


def table(title, rows, ref_index=0, extra_columns=()):
    """Print ``rows``: time, ratio and best parameters against ``rows[ref_index]``.

    "same best" is "yes" when ``best_params_`` equal the reference's, "tie" when they differ
    but the reference scored this row's choice as high as its own best, else "NO".
    """
    ref = rows[ref_index] if rows and rows[ref_index].ok else None
    print(f"\n{title}")
    head = f"  {'contender':46s} {'time [s]':>9s} {'x ref':>7s} {'same best':>9s}"
    for col in extra_columns:
        head += f" {col:>14s}"
    print(head + "  note")
    for row in rows:
        ratio = row.seconds / ref.seconds if (ref is not None and row.ok) else float("nan")
        time_txt = f"{row.seconds:9.2f}" if row.ok else f"{'-':>9s}"
        ratio_txt = f"{ratio:7.2f}" if np.isfinite(ratio) else f"{'-':>7s}"
        line = f"  {row.name:46s} {time_txt} {ratio_txt} {_same_params(row, ref):>9s}"
        for col in extra_columns:
            line += f" {str(row.extra.get(col, '-')):>14s}"
        print(line + (f"  {row.note}" if row.note else ""))
    if ref is not None:
        print(f"  reference (x ref, same best): {ref.name}")
        print(f"  best_params_ of the reference: {_normalised(ref.model.best_params_)}")


def best_params_line(label, row):
    if row.ok and hasattr(row.model, "best_params_"):
        print(f"  best_params_ of {label}: {_normalised(row.model.best_params_)}")


def verdict(text, seconds, limit):
    if np.isfinite(seconds):
        state = "met" if seconds <= limit else "NOT met"
        print(f"  target {text}: {seconds:.2f} s vs {limit:g} s -> {state}")
    else:
        print(f"  target {text}: no result")


# ------------------------------------------------------------------------------------------
# schedulers
# ------------------------------------------------------------------------------------------


class Cluster:
    """A LocalCluster of 2 one-thread worker processes, started on first use."""

    def __init__(self):
        self._stack = contextlib.ExitStack()
        self.client = None

    def get(self):
        if self.client is None:
            import dask
            from distributed import Client, LocalCluster

            cluster = self._stack.enter_context(
                LocalCluster(
                    n_workers=N_WORKERS, threads_per_worker=1, processes=True,
                    dashboard_address=None,
                )
            )
            self.client = self._stack.enter_context(Client(cluster))
            # the threaded rows name their scheduler; everything else stays off the cluster
            self._stack.enter_context(dask.config.set(scheduler="threads"))
            warm_client(self.client)
        return self.client

    def close(self):
        self._stack.close()
        self.client = None


def _warm_process():
    """Import what the searches use and fit once, so no timing pays a process's first use."""
    _import_sklearn()
    from dask_scale.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(200, 4))
    LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))
    return os.getpid()


def warm_client(client):
    """Warm every worker of ``client`` (see ``_warm_process``); returns their pids."""
    client.wait_for_workers(N_WORKERS)
    return list(client.run(_warm_process).values())


def _import_sklearn():
    """Import and fit once each scikit-learn estimator the workloads use (first use is slow)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    HistGradientBoostingClassifier(max_iter=2).fit(X, y)
    LogisticRegression().fit(X, y)
    SGDClassifier().partial_fit(X, y, classes=[0, 1])
    TfidfVectorizer(ngram_range=(1, 2)).fit_transform(["ab bc cd", "bc cd de", "cd de ef"])
    return os.getpid()


def warm_loky():
    """Start joblib's process pool (reused by later ``n_jobs=-1`` calls) and warm its workers."""
    from joblib import Parallel, delayed

    Parallel(n_jobs=-1)(delayed(_import_sklearn)() for _ in range(os.cpu_count() or 1))


def on_scheduler(scheduler):
    """Make ``scheduler`` (a name such as "threads", or a Client) dask's default scheduler."""
    import dask

    stack = contextlib.ExitStack()
    if isinstance(scheduler, str):
        stack.enter_context(dask.config.set(scheduler=scheduler))
    else:
        stack.enter_context(dask.config.set(scheduler="dask.distributed"))
        stack.enter_context(scheduler.as_current())
    return stack


def build(cls, *args, scheduler, **kwargs):
    """``cls(*args, **kwargs)``, with ``scheduler=`` too when ``cls`` takes that parameter.

    Every search also runs inside :func:`on_scheduler`, so a class without a ``scheduler``
    parameter runs on the same scheduler through dask's configuration.
    """
    if "scheduler" in inspect.signature(cls).parameters:
        kwargs["scheduler"] = scheduler
    return cls(*args, **kwargs)


def on_dask_backend(client, fit, *scatter):
    import joblib

    def run():
        with joblib.parallel_backend("dask", scatter=list(scatter)):
            return fit()

    return run


# ------------------------------------------------------------------------------------------
# the search classes of each library
# ------------------------------------------------------------------------------------------


def dask_ml(name):
    return optional("dask_ml.model_selection", name)


def dask_scale(name):
    return optional("dask_scale.model_selection", name)


def search_rows(args, cluster, make_sk, make_dist, X, y, fit_params=None, dml=True):
    """The rows every grid workload has: dask-ml and dask_scale, threads and cluster,
    and scikit-learn under joblib's dask backend.

    ``make_sk()`` builds the scikit-learn search with ``n_jobs=-1``;
    ``make_dist(cls, scheduler)`` builds dask-ml's or dask_scale's ``cls`` search.
    """

    def fit(cls, sched, is_dask_ml=False):
        def run():
            search = make_dist(cls, sched)
            if is_dask_ml:
                search = sklearn_scoring(search)
            with on_scheduler(sched):
                return search.fit(X, y, **fit_params)

        return run

    fit_params = fit_params or {}
    rows = []
    client = cluster.get()
    rows.append(attempt(
        "scikit-learn, joblib dask backend (cluster)",
        on_dask_backend(client, lambda: make_sk().fit(X, y, **fit_params), X, y),
    ))
    if dml and not args.skip_dask_ml:
        cls = dask_ml("GridSearchCV")
        for where, sched in (("threads", "threads"), ("cluster", client)):
            rows.append(attempt(
                f"dask-ml GridSearchCV ({where})",
                fit(cls, sched, True), cls, "dask_ml.model_selection.GridSearchCV",
            ))
    cls = dask_scale("GridSearchCV")
    for where, sched in (("threads", "threads"), ("cluster", client)):
        rows.append(attempt(
            f"dask_scale GridSearchCV ({where})",
            fit(cls, sched), cls, "dask_scale.model_selection.GridSearchCV",
        ))
    return rows


def sklearn_scoring(search):
    """dask-ml's searches default to ``iid=True`` (test scores weighted by fold size), which
    scikit-learn removed: set ``iid=False`` where the parameter exists, so the mean scores
    and ``best_params_`` compare with scikit-learn's."""
    if "iid" in search.get_params(deep=False):
        search.set_params(iid=False)
    return search


def fastest(rows, prefix):
    times = [r.seconds for r in rows if r.ok and r.name.startswith(prefix)]
    return min(times) if times else float("nan")


# ------------------------------------------------------------------------------------------
# W1: text pipeline
# ------------------------------------------------------------------------------------------


def synthetic_documents(n_docs, seed=0, vocabulary=4000):
    """``n_docs`` pseudo-English documents and their binary labels, reproducible from ``seed``.

    A vocabulary of pseudo-words (3-9 letters); every document draws 30-120 words, 70% from
    a Zipf distribution over the whole vocabulary shared by both classes and 30% from its
    class's own Zipf ranking of the words; 5% of the labels are flipped.
    """
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(3, 10, vocabulary)
    words = np.array(["".join(rng.choice(letters, n)) for n in lengths], dtype=object)
    zipf = 1.0 / np.arange(1, vocabulary + 1) ** 1.1
    zipf /= zipf.sum()
    orders = [rng.permutation(vocabulary) for _ in range(3)]  # shared, class 0, class 1
    y = rng.integers(0, 2, n_docs)
    n_words = rng.integers(30, 121, n_docs)
    docs = np.empty(n_docs, dtype=object)
    for i in range(n_docs):
        n = n_words[i]
        own = rng.random(n) < 0.3
        ranks = rng.choice(vocabulary, n, p=zipf)
        idx = np.where(own, orders[1 + y[i]][ranks], orders[0][ranks])
        docs[i] = " ".join(words[idx])
    flip = rng.random(n_docs) < 0.05
    y = np.where(flip, 1 - y, y)
    return docs, y


def w1(args, cluster):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    n_docs = 300 if args.quick else 20_000
    X, y = synthetic_documents(n_docs, seed=0)
    grid = {
        "tfidf__ngram_range": [(1, 1), (1, 2)],
        "sgd__alpha": [1e-6, 1e-5, 1e-4, 1e-3, 1e-2],
    }

    def pipe(memory=None):
        return Pipeline(
            [("tfidf", TfidfVectorizer()), ("sgd", SGDClassifier(random_state=0))],
            memory=memory,
        )

    def make_sk(memory=None):
        return GridSearchCV(pipe(memory), grid, cv=3, n_jobs=-1)

    rows = [attempt("scikit-learn GridSearchCV n_jobs=-1", lambda: make_sk().fit(X, y))]
    with tempfile.TemporaryDirectory() as cache:
        rows.append(attempt(
            "scikit-learn n_jobs=-1, Pipeline(memory=...)", lambda: make_sk(cache).fit(X, y)
        ))
    rows += search_rows(
        args, cluster, make_sk,
        lambda cls, sched: build(cls, pipe(), grid, cv=3, scheduler=sched), X, y,
    )
    table(
        f"W1 text pipeline: {n_docs:,} synthetic documents, TfidfVectorizer(2 ngram_range) -> "
        "SGDClassifier(5 alphas), cv=3",
        rows,
    )
    verdict("dask_scale <= 12 s", fastest(rows, "dask_scale"), 12.0)
    return rows


# ------------------------------------------------------------------------------------------
# W2: overhead of many tiny fits
# ------------------------------------------------------------------------------------------


def w2(args, cluster):
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    n, n_cand = (500, 10) if args.quick else (5_000, 100)
    X, y = make_classification(n_samples=n, n_features=20, n_informative=10, random_state=0)
    grid = {"C": list(np.logspace(-4, 4, n_cand))}

    def make_sk():
        return GridSearchCV(LogisticRegression(), grid, cv=5, n_jobs=-1)

    rows = [attempt("scikit-learn GridSearchCV n_jobs=-1", lambda: make_sk().fit(X, y))]
    rows += search_rows(
        args, cluster, make_sk,
        lambda cls, sched: build(cls, LogisticRegression(), grid, cv=5, scheduler=sched), X, y,
    )
    table(
        f"W2 overhead: LogisticRegression on {n:,} x 20, {n_cand} candidates x cv=5 "
        f"({5 * n_cand} fits)",
        rows,
    )
    others = [r.seconds for r in rows if r.ok and not r.name.startswith("dask_scale")]
    for row in rows:
        if row.name.startswith("dask_scale") and row.ok and others:
            state = "met" if row.seconds < min(others) else "NOT met"
            print(
                f"  target faster than every scikit-learn and dask-ml row: {row.name} "
                f"{row.seconds:.2f} s vs {min(others):.2f} s -> {state}"
            )
    return rows


# ------------------------------------------------------------------------------------------
# W3: a heavy model, full grid and successive halving
# ------------------------------------------------------------------------------------------


def w3(args, cluster):
    from sklearn.datasets import make_classification
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV

    if args.quick:
        n, max_iter = 1_500, 10
        grid = {"learning_rate": [0.05, 0.2], "max_leaf_nodes": [7, 15, 31]}
    else:
        n, max_iter = 20_000, 100
        grid = {"learning_rate": [0.05, 0.1, 0.2], "max_leaf_nodes": [15, 31, 63],
                "l2_regularization": [0.0, 0.1, 1.0]}
    n_cand = int(np.prod([len(v) for v in grid.values()]))
    X, y = make_classification(
        n_samples=n, n_features=20, n_informative=10, random_state=0
    )

    def hgb():
        return HistGradientBoostingClassifier(max_iter=max_iter, random_state=0)

    def make_sk():
        return GridSearchCV(hgb(), grid, cv=3, n_jobs=-1)

    def halving(cls, scheduler="threads", **kw):
        return build(cls, hgb(), grid, cv=3, factor=3, random_state=0, scheduler=scheduler, **kw)

    def halving_on(cls, sched):
        def run():
            with on_scheduler(sched):
                return halving(cls, sched).fit(X, y)

        return run

    rows = [attempt("scikit-learn GridSearchCV n_jobs=-1", lambda: make_sk().fit(X, y))]
    rows += search_rows(
        args, cluster, make_sk, lambda cls, sched: build(cls, hgb(), grid, cv=3, scheduler=sched),
        X, y,
    )
    sk_halving = attempt(
        "scikit-learn HalvingGridSearchCV n_jobs=-1",
        lambda: halving(HalvingGridSearchCV, n_jobs=-1).fit(X, y),
    )
    rows.append(sk_halving)
    cls = dask_scale("HalvingGridSearchCV")
    ds_halving = []
    for where, sched in (("threads", "threads"), ("cluster", cluster.get())):
        ds_halving.append(attempt(
            f"dask_scale HalvingGridSearchCV ({where})",
            halving_on(cls, sched),
            cls, "dask_scale.model_selection.HalvingGridSearchCV",
        ))
    rows += ds_halving
    table(
        f"W3 heavy model: HistGradientBoostingClassifier(max_iter={max_iter}) on {n:,} x 20, "
        f"{n_cand} candidates, cv=3",
        rows,
    )
    best_params_line("scikit-learn HalvingGridSearchCV", sk_halving)
    for row in ds_halving:
        if row.ok:
            print(
                f"  {row.name}: same best_params_ as scikit-learn's halving search: "
                f"{_same_params(row, sk_halving)}"
            )
    sk_grid = rows[0].seconds
    verdict(
        "dask_scale grid <= scikit-learn's grid (71 s on the 2-core machine; this run's "
        f"{sk_grid:.1f} s)" if np.isfinite(sk_grid) else "dask_scale grid <= 71 s",
        fastest(rows, "dask_scale GridSearchCV"),
        sk_grid if np.isfinite(sk_grid) else 71.0,
    )
    verdict("dask_scale halving <= 15 s", fastest(ds_halving, "dask_scale"), 15.0)
    return rows


# ------------------------------------------------------------------------------------------
# W4: Hyperband with partial_fit on a dask array
# ------------------------------------------------------------------------------------------


def _hyperband_counts(search):
    meta = getattr(search, "metadata_", None) or {}
    models = meta.get("n_models")
    calls = meta.get("partial_fit_calls")
    history = getattr(search, "model_history_", None)
    if models is None and history is not None:
        models = len(history)
    return models, calls


def w4(args, cluster):
    import dask
    from scipy.stats import loguniform, uniform
    from sklearn.linear_model import SGDClassifier

    from dask_scale.datasets import make_classification

    n = 10_000 if args.quick else 200_000
    client = cluster.get()
    X, y = make_classification(
        n_samples=n, n_features=20, n_informative=10, chunks=n // 20, random_state=0
    )
    X, y = dask.persist(X, y, scheduler=client)
    params = {
        "alpha": loguniform(1e-6, 1e-1),
        "l1_ratio": uniform(0, 1),
        "penalty": ["l2", "l1", "elasticnet"],
    }
    max_iter = 27

    def fit(cls):
        def run():
            search = cls(SGDClassifier(random_state=0), params, max_iter=max_iter, random_state=0)
            with on_scheduler(client):
                return search.fit(X, y, classes=[0, 1])

        return run

    rows = []
    if not args.skip_dask_ml:
        cls = dask_ml("HyperbandSearchCV")
        rows.append(attempt(
            "dask-ml HyperbandSearchCV (cluster)", fit(cls), cls,
            "dask_ml.model_selection.HyperbandSearchCV",
        ))
    cls = dask_scale("HyperbandSearchCV")
    rows.append(attempt(
        "dask_scale HyperbandSearchCV (cluster)", fit(cls), cls,
        "dask_scale.model_selection.HyperbandSearchCV",
    ))
    for row in rows:
        if row.ok:
            models, calls = _hyperband_counts(row.model)
            row.extra["models"] = models if models is not None else "?"
            row.extra["partial_fits"] = calls if calls is not None else "?"
            row.extra["best score"] = f"{row.model.best_score_:.4f}"
    table(
        f"W4 adaptive: SGDClassifier.partial_fit on {n:,} x 20 in 20 chunks (persisted on the "
        f"cluster), HyperbandSearchCV(max_iter={max_iter}); dask-ml took 6.35 s on dask 2025.2",
        rows, ref_index=0, extra_columns=("models", "partial_fits", "best score"),
    )
    ds = rows[-1]
    if ds.ok:
        models, calls = ds.extra["models"], ds.extra["partial_fits"]
        state = "met" if (models, calls) == (49, 357) else "NOT met"
        print(f"  target 49 models / 357 partial_fit calls: {models} / {calls} -> {state}")
    verdict("dask_scale Hyperband <= 6.5 s", ds.seconds if ds.ok else float("nan"), 6.5)
    return rows


# ------------------------------------------------------------------------------------------
# W5: peak worker memory on a large dask DataFrame
# ------------------------------------------------------------------------------------------


class PeakRSS:
    """Samples the resident memory of the processes ``pids`` every ``interval`` seconds."""

    def __init__(self, pids, interval=0.05):
        import psutil

        self._procs = {pid: psutil.Process(pid) for pid in pids}
        self._error = psutil.Error
        self.interval = interval
        self.peak = dict.fromkeys(pids, 0)
        self.baseline = self._sample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        out = {}
        for pid, proc in self._procs.items():
            try:
                out[pid] = proc.memory_info().rss
            except self._error:
                out[pid] = 0
        return out

    def _run(self):
        while not self._stop.is_set():
            for pid, rss in self._sample().items():
                self.peak[pid] = max(self.peak[pid], rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def max_peak(self):
        return max(self.peak.values())

    @property
    def max_baseline(self):
        return max(self.baseline.values())


def w5(args, cluster):
    from distributed import Client, LocalCluster

    from dask_scale.datasets import make_classification_df
    from dask_scale.linear_model import LogisticRegression

    cluster.close()  # each contender on a fresh cluster: comparable baselines
    n = 20_000 if args.quick else 2_000_000
    chunks = n // 20
    grid = {"C": list(np.logspace(-3, 3, 4 if args.quick else 10))}

    def data():
        X, y = make_classification_df(
            n_samples=n, n_features=20, n_informative=10, predictability=0.9,
            chunks=chunks, random_state=0,
        )
        return X, y

    contenders = []
    if not args.skip_dask_ml:
        contenders.append(("dask-ml GridSearchCV (cluster)", dask_ml("GridSearchCV"),
                           "dask_ml.model_selection.GridSearchCV"))
    contenders.append(("dask_scale GridSearchCV (cluster)", dask_scale("GridSearchCV"),
                       "dask_scale.model_selection.GridSearchCV"))
    rows = []
    for name, cls, what in contenders:
        if cls is None:
            rows.append(attempt(name, None, None, what))
            continue
        with LocalCluster(
            n_workers=N_WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
        ) as lc, Client(lc) as client:
            pids = warm_client(client)
            X, y = data()
            with PeakRSS(pids) as mem, on_scheduler(client):
                def run(c=cls, cl=client, X=X, y=y, name=name):
                    search = build(c, LogisticRegression(), grid, cv=3, scheduler=cl)
                    if name.startswith("dask-ml"):
                        search = sklearn_scoring(search)
                    return search.fit(X, y)

                row = attempt(name, run)
            row.extra["peak worker"] = f"{mem.max_peak / 1e6:,.0f} MB"
            row.extra["above start"] = f"{(mem.max_peak - mem.max_baseline) / 1e6:,.0f} MB"
            row.extra["_peak"] = mem.max_peak
            row.extra["_above"] = mem.max_peak - mem.max_baseline
            rows.append(row)
    table(
        f"W5 memory: dask DataFrame {n:,} x 20 float64 ({n * 20 * 8 / 1e6:,.0f} MB) in "
        f"{n // chunks} partitions, generated lazily on the workers; dask_scale "
        f"LogisticRegression, {len(grid['C'])} values of C, cv=3; each search on a fresh "
        "cluster of 2 one-thread workers; peak RSS of the largest worker process",
        rows, ref_index=0, extra_columns=("peak worker", "above start"),
    )
    peaks = {r.name.split()[0]: r.extra for r in rows if "_peak" in r.extra}
    if "dask-ml" in peaks and "dask_scale" in peaks:
        ratio = peaks["dask_scale"]["_peak"] / peaks["dask-ml"]["_peak"]
        state = "met" if ratio <= 0.5 else "NOT met"
        above = peaks["dask_scale"]["_above"] / max(peaks["dask-ml"]["_above"], 1)
        print(
            f"  target dask_scale peak <= 0.5 x dask-ml's: {ratio:.2f}x -> {state} "
            f"(growth above the workers' start: {above:.2f}x)"
        )
    return rows


# ------------------------------------------------------------------------------------------


def _selection(text):
    chosen = [w.strip().upper() for w in text.split(",") if w.strip()]
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(WORKLOADS)}, got {text!r}"
        )
    return chosen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (< 1 minute)")
    parser.add_argument(
        "--only", type=_selection, default=list(WORKLOADS),
        help="comma-separated workloads to run, e.g. W1,W3 (default: all)",
    )
    parser.add_argument("--skip-dask-ml", action="store_true", help="skip every dask-ml run")
    add_warm_option(parser, 2.0)
    args = parser.parse_args(argv)
    warm_memory(min(args.warm_gb, 0.25) if args.quick else args.warm_gb)

    import dask

    versions = []
    for mod in ("sklearn", "dask", "distributed", "dask_ml", "dask_scale"):
        version = getattr(optional(mod, "__version__") and importlib.import_module(mod),
                          "__version__", "not installed")
        versions.append(f"{mod} {version}")
    print("bench_search: " + ", ".join(versions))
    print(
        f"cores: {os.cpu_count()}; cluster rows: LocalCluster of {N_WORKERS} worker "
        "processes x 1 thread; the machine may be shared, so compare ratios"
    )
    t0 = time.perf_counter()
    warm_loky()
    _warm_process()
    print(f"warmed joblib's process pool and this process in {time.perf_counter() - t0:.1f} s")
    cluster = Cluster()
    runs = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}
    results = Results(
        "search", "Hyperparameter searches",
        f"workloads {', '.join(args.only)} of benchmarks/bench_search.py "
        f"({'quick' if args.quick else 'full'} sizes); the cluster: a LocalCluster of "
        f"{N_WORKERS} worker processes x 1 thread; quality: whether best_params_ equal the "
        "scikit-learn reference's",
        quick=args.quick,
    )
    t0 = time.perf_counter()
    try:
        with dask.config.set(scheduler="threads"):
            for name in WORKLOADS:
                if name in args.only:
                    add_rows(results, f"{name} {WORKLOAD_NAMES[name]}", runs[name](args, cluster))
    finally:
        cluster.close()
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")
    results.print()
    return results


WORKLOAD_NAMES = {
    "W1": "text pipeline", "W2": "many tiny fits", "W3": "heavy model",
    "W4": "Hyperband", "W5": "worker memory",
}


def add_rows(results, workload, rows):
    """The rows of one workload as records: scikit-learn's ``n_jobs=-1`` search is the
    scikit-learn reference; a dask_scale row on the cluster (threads) is compared with
    dask-ml's row on the cluster (threads)."""
    ref = next((r for r in rows if r.name.startswith("scikit-learn") and r.ok), None)
    dml = {r.name.rsplit("(", 1)[-1]: r.name for r in rows
           if r.name.startswith("dask-ml") and r.ok}
    for row in rows:
        library = row.name.split()[0] if row.name.split()[0] in ("dask_scale", "dask-ml") else (
            "scikit-learn" if row.name.startswith("scikit-learn") else ""
        )
        if row.name.startswith("scikit-learn") and row is not ref:
            library = ""  # other scikit-learn set-ups: contenders, not the reference
        same = _same_params(row, ref)
        quality = "; ".join(
            [f"same best: {same}"] if same != "-" else []
        ) + "".join(
            f"; {k} {v}" for k, v in row.extra.items() if not k.startswith("_")
        )
        if not row.ok:
            results.add_failure(workload, row.name, row.note.removeprefix("failed: "),
                                library=library)
            continue
        results.add(
            workload, row.name, row.seconds, library=library,
            quality=quality.strip("; "), notes=row.note,
            dask_ml=dml.get(row.name.rsplit("(", 1)[-1]) if library == "dask_scale" else None,
        )


if __name__ == "__main__":
    main()
