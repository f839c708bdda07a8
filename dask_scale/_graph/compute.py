"""Where the library's graphs are computed: one place, whatever the scheduler.

- :func:`compute`: ``dask.compute`` for every submission the library makes. Under dask's
  ``processes`` scheduler, dask starts (and re-imports numba and dask_scale into) a new pool
  of processes for every call; an iterative fit makes dozens, which made such fits 100x
  slower than on threads. :func:`scheduler_pool` lends the ``processes`` scheduler one pool,
  kept for later calls (and later fits), replaced after a ``fork`` or when a worker died.
- :func:`keep_partitions`: optimisation that keeps a DataFrame's partitions as they are.
- :func:`local_map`: the map that NumPy input runs its row slices with: a thread pool sized
  by dask's ``num_workers`` setting (else the number of cores), made anew in a forked child,
  and serial inside a dask task (a worker thread of dask's threaded scheduler or of a
  distributed worker), where a pool of our own would oversubscribe the cores.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import dask
import dask.multiprocessing
import dask.threaded
from dask.callbacks import Callback

from .. import _progress

__all__ = [
    "TaskCounter",
    "blas_threads",
    "compute",
    "keep_partitions",
    "local_map",
    "scheduler_pool",
]

_LOCK = threading.Lock()
_PROCESS_POOL = {}  # (pid, workers, context, initializer) -> ProcessPoolExecutor
_THREAD_POOL = {}  # (pid, workers) -> ThreadPoolExecutor
_BLAS_CONTROLLER = {}  # pid -> threadpoolctl controller of the loaded BLAS libraries


def _uses_processes():
    return dask.base.get_scheduler() is dask.multiprocessing.get


def _shared_process_pool():
    workers = dask.config.get("num_workers", None) or os.cpu_count() or 1
    context = dask.multiprocessing.get_context()
    user_init = dask.config.get("multiprocessing.initializer", None)
    key = (os.getpid(), workers, context.get_start_method(), user_init)
    with _LOCK:
        pool = _PROCESS_POOL.get(key)
        if pool is not None and not getattr(pool, "_broken", False):
            return pool
        for old_key in [k for k in _PROCESS_POOL if k[0] != os.getpid() or k == key]:
            old = _PROCESS_POOL.pop(old_key)
            if old_key[0] == os.getpid():
                old.shutdown(wait=False, cancel_futures=True)
        # as dask does for the pools it makes: one hash seed for every worker process
        if os.environ.get("PYTHONHASHSEED") in (None, "0"):
            os.environ["PYTHONHASHSEED"] = "6640"
        init = functools.partial(
            dask.multiprocessing.initialize_worker_process, user_initializer=user_init
        )
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=init)
        _PROCESS_POOL[key] = pool
        return pool


@contextlib.contextmanager
def scheduler_pool():
    """Lend dask's ``processes`` scheduler a pool kept across calls (no-op otherwise).

    A pool the user configured (``dask.config.set(pool=...)``) is left alone.
    """
    if not _uses_processes() or dask.config.get("pool", None) is not None:
        yield
        return
    with dask.config.set(pool=_shared_process_pool()):
        yield


def keep_partitions():
    """Optimise dask DataFrames without fusing their partitions (a context manager).

    dask's optimiser fuses the partitions of a column projection of a Parquet read by how
    much the projection shrinks them, so ``df[features]`` and ``df["y"]`` of the same read
    would get different partitions (20 vs 4) and could not be matched row block for row
    block. Every conversion or optimisation of the library's that must keep the partitions
    as ``npartitions`` lists them runs inside this context.
    """
    return dask.config.set({"optimization.tune.active": False})


class TaskCounter(Callback):
    """Counts the finished tasks of a graph run by a local scheduler into a progress bar.

    Only the graph run by the thread that made the counter is counted: a fit computing its
    own graph inside one of the tasks (dask's callbacks are process-wide) is not.
    """

    def __init__(self, bar):
        super().__init__()
        self.bar = bar
        self.thread = threading.current_thread()

    def _start_state(self, dsk, state):
        if threading.current_thread() is self.thread:
            done = len(state["finished"])
            todo = sum(len(state[k]) for k in ("ready", "waiting", "running"))
            self.bar.set(done, done + todo)

    def _posttask(self, key, result, dsk, state, id):
        if threading.current_thread() is self.thread:
            self.bar.update()


def _tracked():
    return _progress.tracking() and not _inside_dask_task()


def compute(*collections, **kwargs):
    """``dask.compute(*collections, **kwargs)`` on the active scheduler (see module doc).

    With progress bars on (:mod:`dask_scale._progress`), the pass's tasks fill the inner
    bar: counted as they finish on a local scheduler, as the scheduler reports them on a
    distributed Client (:func:`dask_scale._graph.client.compute_followed`).
    """
    if not _tracked():
        with scheduler_pool():
            return dask.compute(*collections, **kwargs)
    from .client import compute_followed, scheduler_client

    client = scheduler_client(kwargs.get("scheduler"))
    if client is not None:
        return compute_followed(client, collections, **kwargs)
    with _progress.pass_bar() as bar, TaskCounter(bar), scheduler_pool():
        return dask.compute(*collections, **kwargs)


def local_workers():
    """Threads that run tasks at once in this process: dask's ``num_workers`` or the cores."""
    return dask.config.get("num_workers", None) or os.cpu_count() or 1


def _blas_controller():
    # inspecting the loaded libraries takes tens of ms: once per process
    from threadpoolctl import ThreadpoolController

    with _LOCK:
        ctl = _BLAS_CONTROLLER.get(os.getpid())
        if ctl is None:
            ctl = _BLAS_CONTROLLER[os.getpid()] = ThreadpoolController().select(user_api="blas")
        return ctl


@contextlib.contextmanager
def blas_threads(n_parallel):
    """Cap BLAS (process-wide) to ``cores // n_parallel`` threads while ``n_parallel``
    BLAS-heavy tasks run at once on this process's threads; no-op for fewer than 2, inside
    a dask task (whoever runs it decides) and where the cap would not lower the count.

    Set by the caller's thread around a whole submission: tasks changing it would race
    (one restoring the count while another computes).
    """
    if n_parallel < 2 or _inside_dask_task():
        yield
        return
    ctl = _blas_controller()
    cap = max(1, (os.cpu_count() or 1) // n_parallel)
    if all(lib.num_threads <= cap for lib in ctl.lib_controllers):
        yield
        return
    with ctl.limit(limits=cap):
        yield


def _inside_dask_task():
    thread = threading.current_thread()
    pool = dask.threaded.default_pool
    if pool is not None and thread in getattr(pool, "_threads", ()):
        return True
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


def local_map(func, items):
    """``list(map(func, items))``, on a thread pool where that helps (see module doc)."""
    items = list(items)
    if _tracked():
        with _progress.pass_bar(len(items), unit="blocks") as bar:
            return _local_map(_counted(func, bar), items)
    return _local_map(func, items)


def _counted(func, bar):
    def run(item):
        out = func(item)
        bar.update()
        return out

    return run


def _local_map(func, items):
    if len(items) < 2 or _inside_dask_task():
        return [func(i) for i in items]
    workers = local_workers()
    if workers < 2:
        return [func(i) for i in items]
    key = (os.getpid(), workers)
    with _LOCK:
        pool = _THREAD_POOL.get(key)
        if pool is None:
            # a pool made before a fork has no threads in the child: start a new one
            for stale in [k for k in _THREAD_POOL if k[0] != os.getpid()]:
                _THREAD_POOL.pop(stale)
            pool = _THREAD_POOL[key] = ThreadPoolExecutor(
                workers, thread_name_prefix="dask_scale"
            )
    return list(pool.map(func, items))


@atexit.register
def _shutdown():  # pragma: no cover - runs at interpreter exit
    for key, pool in list(_PROCESS_POOL.items()) + list(_THREAD_POOL.items()):
        if key[0] == os.getpid():
            pool.shutdown(wait=False, cancel_futures=True)
