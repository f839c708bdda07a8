"""Helpers for the dask.distributed Client, when one is active."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from .. import _progress

__all__ = ["Follower", "compute_followed", "follow", "get_client", "scheduler_client"]


def get_client():
    """The default distributed Client, or ``None`` when dask runs on a local scheduler.

    dask_scale never starts a cluster by itself: computations go to whatever scheduler dask
    would use (a ``Client`` made default by its creation, or the threaded scheduler).
    """
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    try:
        return default_client()
    except ValueError:
        return None


def scheduler_client(scheduler=None):
    """The distributed Client that ``dask.compute(..., scheduler=scheduler)`` runs on, or None.

    ``scheduler`` is what a caller passed to ``compute`` (a Client, a name, None for dask's
    choice: the default Client if there is one).
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    if isinstance(scheduler, Client):
        return scheduler
    import dask

    owner = getattr(dask.base.get_scheduler(scheduler=scheduler), "__self__", None)
    return owner if isinstance(owner, Client) else None


# ------------------------------------------------------------------------------------------
# progress on a cluster: the scheduler's count of the tasks done, not a local guess
# ------------------------------------------------------------------------------------------

#: seconds between two reports of the scheduler while a pass runs
FOLLOW_INTERVAL = 0.1
#: seconds a finished pass waits for the scheduler's first report (its count of the tasks)
#: when the results came back before it
FOLLOW_GRACE = 2.0


class Follower:
    """Feeds a progress bar from the scheduler's count of the tasks behind ``futures``.

    It uses distributed's own progress plugin (``distributed.diagnostics.progress``): the
    scheduler walks the tasks the futures depend on and reports at once, then every
    :data:`FOLLOW_INTERVAL` seconds, how many of them are done. :meth:`finish`, called once
    the results are in, takes the end of the pass from the futures themselves (their results
    are in, so every task behind them is done): it completes the bar with the task count of
    the scheduler's first report and stops listening, rather than waiting up to an interval
    for the last report. Only a pass that ended before that first report waits for it.
    """

    def __init__(self, client, futures, bar):
        from distributed.diagnostics.progressbar import ProgressBar

        self.bar = bar
        self.total = None
        self._reported = threading.Event()
        self._lock = threading.Lock()
        self._stopped = False
        follower = self

        class _Feed(ProgressBar):
            def _draw_bar(self, remaining=0, all=0, **kwargs):  # noqa: A002 - distributed's name
                with follower._lock:
                    if follower._stopped:  # a late report: the bar may be the next pass's
                        return
                    follower.total = all
                    follower._reported.set()
                    bar.set(all - remaining, all)

        feed = _Feed(futures, scheduler=client.scheduler.address, interval=FOLLOW_INTERVAL)

        async def listen():
            try:
                await feed.listen()
            finally:  # stopped early (finish) or done: the scheduler's feed ends with the comm
                comm = getattr(feed, "comm", None)
                if comm is not None and not comm.closed():
                    comm.abort()

        self._task = asyncio.run_coroutine_threadsafe(listen(), client.loop.asyncio_loop)

    def finish(self, ok=True):
        if ok:
            self._reported.wait(FOLLOW_GRACE)
        with self._lock:
            self._stopped = True
            if ok and self.total is not None:
                self.bar.set(self.total, self.total)
        if not self._task.done():
            self._task.cancel()


@contextlib.contextmanager
def follow(client, futures):
    """Inside the block, the inner progress bar follows ``futures``' tasks on the cluster.

    Does nothing when progress bars are off (see :mod:`dask_scale._progress`).
    """
    if not _progress.tracking():
        yield
        return
    with _progress.pass_bar() as bar:
        follower = Follower(client, futures, bar)
        ok = False
        try:
            yield
            ok = True
        finally:
            follower.finish(ok)


def compute_followed(client, collections, **kwargs):
    """``dask.compute(*collections)`` on ``client``, its tasks followed by the inner bar.

    The results are those of ``dask.compute`` (one entry per collection, finalised); on an
    error or an interrupt (Ctrl-C) the pass's futures are cancelled, as ``dask.compute`` on
    a Client does.
    """
    kwargs.pop("scheduler", None)
    futures = client.compute(list(collections), **kwargs)
    try:
        with follow(client, futures):
            results = client.gather(futures)
    except BaseException:
        client.cancel(futures)
        raise
    return tuple(results)
