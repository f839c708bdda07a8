"""Progress of long work: ``verbose`` lines and progress bars (one mechanism for both).

- :class:`IterationLog`: the per-iteration lines of ``verbose`` (stderr, and the
  ``dask_scale`` logger at INFO level); used as a context manager by every iterative fit, it
  also advances the fit's *outer* bar (iterations, candidates, blocks).
- :func:`scope`: an outer bar (a fit's iterations, a search's candidates, a fold's blocks).
- :func:`pass_bar`: the *inner* bar, the tasks (or row slices) of the pass being computed.
  Opened by the one place where the library computes a pass
  (:func:`dask_scale._graph.compute.compute`, :func:`~dask_scale._graph.compute.local_map`,
  and the futures paths of a distributed Client), never by an estimator.
- :func:`progress`: the public switch, a context manager over the dask config key
  ``dask_scale.progress`` (off by default; ``DASK_DASK_SCALE__PROGRESS=1`` in the
  environment turns it on for a whole program).

Bars are drawn by ``tqdm.auto`` when tqdm is installed (a widget in a notebook, a text bar in
a terminal), else by a plain line on stderr rewritten in place with ``\\r`` in a terminal and
printed as sparse lines when stderr is not a terminal (a log file, CI).

Only the thread that opened the first bar draws: a fit running inside a dask task (a search's
candidate, a worker thread) or on a distributed worker shows nothing.

This module imports nothing from the rest of the package.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time

import dask

__all__ = ["IterationLog", "enabled", "pass_bar", "progress", "scope", "tracking"]

logger = logging.getLogger("dask_scale")

CONFIG_KEY = "dask_scale.progress"
# plain bars: seconds between two redraws in a terminal, between two lines elsewhere
TTY_INTERVAL = 0.1
LOG_INTERVAL = 10.0


def enabled():
    """Whether progress bars are on (the ``dask_scale.progress`` config value)."""
    value = dask.config.get(CONFIG_KEY, False)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def progress(enable=True):
    """Show progress bars for the work done inside the ``with`` block.

    Every iterative fit (KMeans, the linear models, ``Incremental``), the searches and
    one-pass fits on dask input then show an outer bar (iterations, candidates or blocks)
    and an inner bar (the tasks of the pass being computed; on a distributed Client, the
    tasks the scheduler reports done). Drawn by ``tqdm.auto`` when tqdm is installed (a
    widget in notebooks), else as a plain line on stderr. Same as
    ``dask.config.set({"dask_scale.progress": enable})``, which also works globally, as does
    the environment variable ``DASK_DASK_SCALE__PROGRESS=1``.

    Parameters
    ----------
    enable : bool, default=True
        ``False`` turns the bars off inside the block (e.g. inside a program that turned
        them on).

    Returns
    -------
    context manager

    Examples
    --------
    >>> import numpy as np, dask.array as da, dask_scale
    >>> from dask_scale.cluster import KMeans
    >>> X = da.from_array(np.random.default_rng(0).normal(size=(200, 2)), chunks=50)
    >>> with dask_scale.progress(False):  # no bar drawn in this example
    ...     km = KMeans(n_clusters=2, random_state=0, n_init=1).fit(X)
    """
    if not isinstance(enable, bool):
        raise TypeError(f"progress(enable) takes True or False, got {enable!r}.")
    return dask.config.set({CONFIG_KEY: enable})


# ------------------------------------------------------------------------------------------
# rendering
# ------------------------------------------------------------------------------------------


def _tqdm():
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


class _TqdmBar:
    """One bar drawn by ``tqdm.auto`` (a notebook widget or a terminal bar)."""

    def __init__(self, desc, total, unit, level):
        self.bar = _tqdm()(
            desc=desc, total=total, unit=unit, position=level, leave=level == 0,
            file=sys.stderr, dynamic_ncols=True,
        )

    def draw(self, n, total):
        if total != self.bar.total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.update(n - self.bar.n)  # tqdm throttles the redraws (mininterval)

    def reset(self, total):
        self.bar.reset(total=total)

    def close(self):
        self.bar.refresh()  # the final count, whatever the throttle skipped
        self.bar.close()


class _PlainLine:
    """The plain renderer: one stderr line showing every open bar, outer to inner."""

    def __init__(self):
        self.bars = []
        self.last = 0.0
        self.tty = bool(getattr(sys.stderr, "isatty", lambda: False)())

    def text(self):
        parts = []
        for bar in self.bars:
            if bar.total:
                pct = 100.0 * bar.n / bar.total
                parts.append(f"{bar.desc}: {pct:3.0f}% {bar.n}/{bar.total} {bar.unit}")
            else:
                parts.append(f"{bar.desc}: {bar.n} {bar.unit}")
        return " | ".join(parts)

    def show(self, force=False):
        now = time.perf_counter()
        if not force and now - self.last < (TTY_INTERVAL if self.tty else LOG_INTERVAL):
            return
        self.last = now
        text = self.text()
        if self.tty:
            sys.stderr.write("\r" + text + "\x1b[K")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()


_LINE = _PlainLine()


class _PlainBar:
    def __init__(self, desc, total, unit, level):
        self.desc, self.total, self.unit, self.n = desc, total, unit, 0
        if not _LINE.bars:
            _LINE.tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
        _LINE.bars.append(self)
        _LINE.show(force=_LINE.tty)

    def draw(self, n, total):
        self.n, self.total = n, total
        _LINE.show(force=bool(total) and n >= total and _LINE.tty)

    def reset(self, total):
        self.n, self.total = 0, total
        _LINE.show()

    def close(self):
        if self.desc and self in _LINE.bars:
            if self is _LINE.bars[0]:  # the outermost bar: its final state, then a new line
                _LINE.show(force=True)
                if _LINE.tty:
                    sys.stderr.write("\n")
                    sys.stderr.flush()
            _LINE.bars.remove(self)


def _renderer(desc, total, unit, level):
    """A drawn bar: tqdm's when tqdm is installed, else the plain stderr line."""
    if _tqdm() is not None:
        return _TqdmBar(desc, total, unit, level)
    return _PlainBar(desc, total, unit, level)


class Bar:
    """A progress bar's state (``n`` of ``total`` ``unit``), drawn by a renderer."""

    def __init__(self, desc, total=None, unit="it", level=0):
        self.desc, self.total, self.unit, self.level = desc, total, unit, level
        self.n = 0
        self.closed = False
        self._lock = threading.Lock()
        self._view = _renderer(desc, total, unit, level)

    def update(self, k=1):
        with self._lock:
            if self.closed:  # a late step (another thread) after the work ended
                return
            self.n += k
            self._view.draw(self.n, self.total)

    def set(self, n, total=None):
        with self._lock:
            if self.closed:
                return
            self.n = int(n)
            if total is not None:
                self.total = int(total)
            self._view.draw(self.n, self.total)

    def reset(self, total=None):
        with self._lock:
            self.n, self.total = 0, total
            self._view.reset(total)

    def finish(self):
        """Close as complete: work that stops early (a converged fit) reads 100 %."""
        with self._lock:
            self.total = self.n
            self._view.draw(self.n, self.total)
        self.close()

    def close(self):
        if not self.closed:
            self.closed = True
            self._view.close()


# ------------------------------------------------------------------------------------------
# who draws: one thread, a stack of open outer bars, each with its inner (pass) bar
# ------------------------------------------------------------------------------------------

_STATE = threading.local()
_LOCK = threading.Lock()
_OWNER = [None]  # the thread drawing bars, while any is open


def _stack():
    stack = getattr(_STATE, "stack", None)
    if stack is None:
        stack = _STATE.stack = []
    return stack


def tracking():
    """Whether work started by this thread now draws bars: progress on, and no other thread
    already drawing (a fit inside a search's task, or in a worker thread, shows nothing)."""
    if not enabled():
        return False
    owner = _OWNER[0]
    return owner is None or owner is threading.current_thread()


@contextlib.contextmanager
def _owning():
    me = threading.current_thread()
    with _LOCK:
        first = _OWNER[0] is None
        if first:
            _OWNER[0] = me
    try:
        yield
    finally:
        if first:
            with _LOCK:
                _OWNER[0] = None


class _Scope:
    def __init__(self, bar):
        self.bar = bar
        self.inner = None

    def step(self, k=1):
        if self.bar is not None:
            self.bar.update(k)


_NO_SCOPE = _Scope(None)


@contextlib.contextmanager
def scope(desc, total=None, unit="it"):
    """An outer bar for the block's work; yields a handle whose ``step()`` advances it.

    Nothing is drawn (the handle does nothing) when progress is off or another thread draws.
    On success the bar closes complete (a fit that converged early reads 100 %).
    """
    if not tracking():
        yield _NO_SCOPE
        return
    stack = _stack()
    with _owning():
        handle = _Scope(Bar(desc, total, unit, level=len(stack)))
        stack.append(handle)
        ok = False
        try:
            yield handle
            ok = True
        finally:
            stack.remove(handle)
            if handle.inner is not None:
                handle.inner.close()
            if ok:
                handle.bar.finish()
            else:
                handle.bar.close()


class _NoBar:
    def update(self, k=1):
        pass

    def set(self, n, total=None):
        pass


@contextlib.contextmanager
def pass_bar(total=None, unit="tasks"):
    """The inner bar of one pass (its tasks, or row slices); yields it (``update``/``set``).

    Inside an open :func:`scope` the scope's inner bar is reused, reset for each pass;
    outside (a one-pass fit, a pipeline step) a bar lives for this pass only.
    """
    if not tracking():
        yield _NoBar()
        return
    stack = _stack()
    with _owning():
        if stack:
            top = stack[-1]
            if top.inner is None or top.inner.closed:
                top.inner = Bar("pass", total, unit, level=len(stack))
            else:
                top.inner.reset(total)
            yield top.inner
            return
        bar = Bar("dask_scale pass", total, unit, level=0)
        try:
            yield bar
        finally:
            bar.close()


# ------------------------------------------------------------------------------------------
# verbose lines
# ------------------------------------------------------------------------------------------


class IterationLog:
    """Report each iteration of a fit when ``verbose`` is positive.

    Lines go to stderr (and to the ``dask_scale`` logger at INFO level, whatever ``verbose``)
    so long fits show progress in notebooks and terminals alike. Used as a context manager
    (``with IterationLog(...) as log:``), every call also advances the fit's outer progress
    bar when progress bars are on (:func:`progress`).

    Parameters
    ----------
    name : str
        What is being fitted, e.g. ``"KMeans"``.
    verbose : int
        0 prints nothing; 1 prints every iteration.
    what : str, default="objective"
        Name of the tracked value.
    total : int or None, default=None
        The most iterations the fit can run (``max_iter``), the outer bar's total.
    unit : str, default="iter"
        The outer bar's unit.
    count_lines : bool, default=True
        Whether every line is a step of the outer bar; ``False`` when the steps are counted
        apart (:meth:`advance`), e.g. a search's ``partial_fit`` calls, several a line.
    """

    def __init__(self, name, verbose, what="objective", total=None, unit="iter",
                 count_lines=True):
        self.name = name
        self.verbose = int(verbose or 0)
        self.what = what
        self.total = total
        self.unit = unit
        self.count_lines = count_lines
        self.start = time.perf_counter()
        self._scope = _NO_SCOPE
        self._exit = None

    def __enter__(self):
        self._exit = contextlib.ExitStack()
        self._scope = self._exit.enter_context(scope(self.name, self.total, self.unit))
        return self

    def __exit__(self, *exc):
        self._scope = _NO_SCOPE
        exit_stack, self._exit = self._exit, None
        return exit_stack.__exit__(*exc)

    def advance(self, k=1):
        """Advance the outer bar by ``k`` steps (thread-safe; nothing when no bar is open)."""
        if k:
            self._scope.step(k)

    def __call__(self, iteration, value, **extra):
        elapsed = time.perf_counter() - self.start
        more = "".join(f", {k}={v:.4g}" if isinstance(v, float) else f", {k}={v}" for k, v in extra.items())
        line = f"[{self.name}] iter {iteration}: {self.what}={value:.6g}{more} ({elapsed:.2f}s)"
        logger.info(line)
        if self.count_lines:
            self._scope.step()
        if self.verbose > 0:
            print(line, file=sys.stderr, flush=True)
