"""The training loop of the adaptive searches, on a distributed Client's futures API.

One coroutine drives a search (:class:`SearchRun` holds its state). Models live on the
workers as futures: each ``partial_fit`` call is a task ``partial_fit(model, X_i, y_i)`` on
the future of training block ``i`` (so it runs where the block is), each score a task on
the held-out set (one future, on a worker). Only scores come back to the driver; the best
model is gathered once at the end.

The rules that decide which model trains how far (the "policies") are coroutines over a
:class:`SearchRun`:

- :func:`run_fixed`: every model trains ``fits_per_score`` calls a round until ``max_iter``
  (optionally keeping only the best few after each round: inverse decay);
- :func:`run_halving`: synchronous successive halving (rung by rung, rungs of
  :mod:`._schedules`);
- :func:`run_async_halving`: asynchronous successive halving (ASHA, Li et al. 2018): a model
  is promoted as soon as it is in the top ``1/eta`` of the models finished at its rung.

Whatever the client (synchronous or ``asynchronous=True``), the same coroutine runs: a
synchronous client runs it on its event loop through ``Client.sync``; inside it every
client call is awaited, so nothing blocks the loop.

Progress: ``SearchRun.log`` (an :class:`~dask_scale._progress.IterationLog`), entered as a
context by the thread that called ``fit``, is the search's outer bar. A step is a
``partial_fit`` call whose model's score came back from the cluster (counted as each score
is recorded), out of the calls planned (the search's ``metadata``; a search stopped early
by ``patience`` closes at 100 %).
"""

from __future__ import annotations

import asyncio
import copy
import time

import dask.array as da
import numpy as np
from sklearn.base import clone

from .._graph.keys import merge_inner_chunks
from .._progress import IterationLog
from ._holdout import _holdout_split

__all__ = ["SearchRun", "run_async_halving", "run_fixed", "run_halving"]


# --------------------------------------------------------------------------------------------
# task functions (run on the workers)
# --------------------------------------------------------------------------------------------


def _make_model(estimator, params):
    return clone(estimator).set_params(**params), 0.0


def _partial_fit(state, X, y, fit_params):
    # a copy: ``state`` is the value of an earlier task, which a worker may still hold (and
    # score, or hand to another task) in this very process
    model, fit_time = copy.deepcopy(state[0]), state[1]
    start = time.perf_counter()
    model.partial_fit(X, y, **fit_params)
    return model, fit_time + (time.perf_counter() - start)


def _score(state, held_out, scorer):
    model, fit_time = state
    X, y = held_out
    start = time.perf_counter()
    score = float(scorer(model, X, y))
    return score, time.perf_counter() - start, fit_time


def _n_rows(block):
    return int(block.shape[0])


def _concatenate(xs, ys):
    return np.concatenate(xs), np.concatenate(ys)


def _rows_of_block(block):
    return np.array([block.shape[0]], dtype=np.int64)


async def _with_known_rows(client, X, y):
    """X and y with known row chunk sizes, counted on the cluster when unknown (awaited:
    ``compute_chunk_sizes`` would block the client's event loop)."""
    X, y = merge_inner_chunks(X), merge_inner_chunks(y)
    if not np.isnan(X.chunks[0]).any():
        return X, y
    counts = X.map_blocks(
        _rows_of_block, chunks=((1,) * X.numblocks[0],), drop_axis=list(range(1, X.ndim)),
        dtype=np.int64,
    )
    rows = tuple(int(n) for n in await client.compute(counts))
    return tuple(
        da.Array(a.dask, a.name, (rows, *a.chunks[1:]), meta=a._meta) for a in (X, y)
    )


def _unique(block):
    return np.unique(block)


def _union(*uniques):
    return np.unique(np.concatenate(uniques))


# --------------------------------------------------------------------------------------------
# one search
# --------------------------------------------------------------------------------------------


def _score_key(score):
    return -np.inf if score is None or np.isnan(score) else score


class SearchRun:
    """The state of one search: data futures, model futures, calls and the score history.

    Created by ``fit`` in the caller's thread; its coroutines run on the client's loop. When
    a search stops early (an error, ``KeyboardInterrupt``, a cancelled ``await``), the
    records made so far stay readable (:meth:`records`).
    """

    def __init__(self, client, estimator, *, name, token, prefix, seed, verbose, scorer,
                 fit_params, total_calls=None):
        self.client = client
        self.estimator = estimator
        self.name = name
        self.token = token
        self.prefix = prefix
        self.seed = seed
        self.scorer = scorer
        self.fit_params = fit_params
        # as a context (entered by the caller's thread), the search's outer progress bar:
        # the partial_fit calls scored so far, of the calls planned (``metadata``)
        self.log = IterationLog(
            name, verbose, what="best score", total=total_calls, unit="calls", count_lines=False
        )
        self.start = time.perf_counter()
        self.history = []
        self.model_history = {}
        self.models = {}  # model id -> future of (model, total fit time)
        self.params = {}
        self.calls = {}
        self.extra = {}  # model id -> extra cv_results_ columns (e.g. bracket)
        self.offsets = {}
        self.blocks = []  # [(X block future, y block future)] of the training set
        self.held_out = None
        self.n_rounds = 0
        self._futures = []  # every future this run holds, released at the end

    # -- keys --------------------------------------------------------------------------------

    def key(self, kind, *parts):
        tail = "-".join(str(p) for p in parts)
        return f"{self.prefix}{self.name}-{kind}-{self.token}" + (f"-{tail}" if tail else "")

    def _hold(self, future):
        self._futures.append(future)
        return future

    # -- data --------------------------------------------------------------------------------

    async def setup(self, X, y, test_size, classes_param):
        """Split off the held-out set and compute the blocks (futures); classes if needed.

        Returns the ``classes`` fit parameter to add (None when not needed).
        """
        client = self.client
        X, y = await _with_known_rows(client, X, y)
        X_train, X_test, y_train, y_test = _holdout_split(X, y, test_size, self.seed)
        parts = [a.to_delayed().ravel().tolist() for a in (X_train, y_train, X_test, y_test)]
        flat = [d for p in parts for d in p]
        futures = [self._hold(f) for f in client.compute(flat)]
        bounds = np.cumsum([0] + [len(p) for p in parts])
        xtr, ytr, xte, yte = (futures[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True))
        n = len(xtr)
        sizes = [client.submit(_n_rows, f, key=self.key("rows", i)) for i, f in enumerate(xtr + xte)]
        union = None
        if classes_param:
            uniques = [
                client.submit(_unique, f, key=self.key("classes", i))
                for i, f in enumerate(ytr + yte)
            ]
            union = client.submit(_union, *uniques, key=self.key("classes"))
        sizes, classes = await client.gather([sizes, union])
        train_sizes, test_sizes = sizes[:n], sizes[n:]
        self.blocks = [(xf, yf) for xf, yf, s in zip(xtr, ytr, train_sizes, strict=True) if s]
        if not self.blocks:
            raise ValueError(
                f"The training set of {self.name} is empty after holding out "
                f"test_size={test_size} of every row block: give more rows, or a smaller "
                "test_size."
            )
        if not sum(test_sizes):
            raise ValueError(
                f"The held-out set of {self.name} is empty: test_size={test_size} of "
                f"{sum(train_sizes)} rows holds none out; give a larger test_size."
            )
        kept = [i for i, s in enumerate(test_sizes) if s]
        self.held_out = self._hold(
            client.submit(
                _concatenate, [xte[i] for i in kept], [yte[i] for i in kept],
                key=self.key("held-out"),
            )
        )
        return classes

    # -- models ------------------------------------------------------------------------------

    def add_model(self, ident, params, **extra):
        index = len(self.models)
        self.params[ident] = params
        self.calls[ident] = 0
        self.extra[ident] = extra
        self.model_history[ident] = []
        self.offsets[ident] = int(np.random.default_rng([self.seed, index]).integers(1 << 30))
        self.models[ident] = self._hold(
            self.client.submit(
                _make_model, self.estimator, params, key=self.key("model", ident, 0)
            )
        )

    def advance(self, ident, target):
        """Submit ``partial_fit`` calls on ``ident`` until it has ``target``; return the score
        future of the trained model."""
        client = self.client
        state = self.models[ident]
        n_blocks = len(self.blocks)
        while self.calls[ident] < target:
            c = self.calls[ident]
            X_block, y_block = self.blocks[(self.offsets[ident] + c) % n_blocks]
            state = self._hold(
                client.submit(
                    _partial_fit, state, X_block, y_block, self.fit_params,
                    key=self.key("partial-fit", ident, c + 1),
                )
            )
            self.calls[ident] = c + 1
        self.models[ident] = state
        return self._hold(
            client.submit(
                _score, state, self.held_out, self.scorer,
                key=self.key("score", ident, self.calls[ident]),
            )
        )

    def record(self, ident, result):
        score, score_time, fit_time = result
        previous = self.model_history[ident]
        done_before = sum(r["partial_fit_time"] for r in previous)
        rec = {
            "model_id": ident,
            "params": self.params[ident],
            "partial_fit_calls": self.calls[ident],
            "partial_fit_time": fit_time - done_before,
            "score": score,
            "score_time": score_time,
            "elapsed_wall_time": time.perf_counter() - self.start,
            **self.extra[ident],
        }
        self.log.advance(rec["partial_fit_calls"] - (previous[-1]["partial_fit_calls"] if previous else 0))
        self.history.append(rec)
        previous.append(rec)
        return rec

    def score(self, ident):
        hist = self.model_history[ident]
        return hist[-1]["score"] if hist else None

    def ranked(self, idents):
        """``idents`` best score first (ties: the given order)."""
        return sorted(idents, key=lambda i: -_score_key(self.score(i)))

    async def train(self, targets):
        """Train every model of ``targets`` (``{model id: calls}``) and score it, in one go."""
        idents = list(targets)
        futures = [self.advance(i, targets[i]) for i in idents]
        results = await self.client.gather(futures)
        for ident, result in zip(idents, results, strict=True):
            self.record(ident, result)
        self.n_rounds += 1
        self.progress(active=len(idents))

    def progress(self, **extra):
        scores = [_score_key(r["score"]) for r in self.history]
        best = max(scores) if scores else float("nan")
        self.log(self.n_rounds, best, calls=sum(self.calls.values()), **extra)

    def plateaued(self, ident, patience, tol):
        """True when the last ``patience`` calls raised the best score by less than ``tol``."""
        if not patience:
            return False
        hist = self.model_history[ident]
        now = hist[-1]["partial_fit_calls"]
        old = [_score_key(r["score"]) for r in hist if r["partial_fit_calls"] <= now - patience]
        if not old:
            return False
        recent = [_score_key(r["score"]) for r in hist if r["partial_fit_calls"] > now - patience]
        return max(recent) < max(old) + tol

    async def best_model(self, ident):
        model, _ = await self.client.gather(self.models[ident])
        return model

    def release(self):
        """Release every future this run holds (their tasks are forgotten or cancelled)."""
        futures, self._futures = self._futures, []
        for f in futures:
            f.release()
        self.models = {}
        self.blocks = []
        self.held_out = None


# --------------------------------------------------------------------------------------------
# policies
# --------------------------------------------------------------------------------------------


async def run_fixed(run, idents, *, max_iter, fits_per_score, patience, tol, keep=None):
    """Train every model ``fits_per_score`` calls a round until ``max_iter`` or a plateau.

    ``keep(t)``, when given, is how many models (the best) go on after round ``t``.
    """
    active = list(idents)
    t = 0
    while active:
        t += 1
        await run.train({i: min(run.calls[i] + fits_per_score, max_iter) for i in active})
        if keep is not None:
            active = run.ranked(active)[: keep(t)]
        active = [i for i in active if run.calls[i] < max_iter and not run.plateaued(i, patience, tol)]


def _next_stop(run, ident, target, patience):
    """Calls to train ``ident`` to next: the rung's ``target``, or ``patience`` calls on when
    patience is on (so a plateau is seen inside a rung)."""
    return min(target, run.calls[ident] + patience) if patience else target


async def run_halving(run, idents, *, rungs, eta, patience, tol):
    """Synchronous successive halving over ``idents``: ``rungs`` is ``[(models, calls)]``
    (:func:`halving_rungs`); the best ``models`` of the previous rung go on. With
    ``patience``, models are scored every ``patience`` calls too, and one on a plateau stops
    (and is not promoted). (``eta`` is in the rungs already; it is taken so that this and
    :func:`run_async_halving` are called alike.)"""
    candidates = list(idents)
    for n_k, r_k in rungs:
        chosen = run.ranked(candidates)[:n_k]
        active = chosen
        while active:
            await run.train({i: _next_stop(run, i, r_k, patience) for i in active})
            active = [
                i for i in active if run.calls[i] < r_k and not run.plateaued(i, patience, tol)
            ]
        candidates = [i for i in chosen if not run.plateaued(i, patience, tol)]
        if not candidates:
            return


async def run_async_halving(run, idents, *, rungs, eta, patience, tol):
    """Asynchronous successive halving (ASHA, Li et al. 2018): promote without waiting.

    When a model's score at rung ``k`` arrives, rung ``k`` may have promoted
    ``len(finished at k) // eta`` models so far (at most the rung ``k + 1`` size of the
    synchronous schedule): while it has promoted fewer, the best of its finished models not
    promoted yet go on to rung ``k + 1`` at once. Once every score of a rung is in, exactly
    as many models were promoted as synchronous halving promotes (so the calls are those of
    the schedule), but which ones depends on the order the scores arrived. ``patience`` as
    in :func:`run_halving` (a stopped model does not count as finished at its rung).
    """
    from distributed import as_completed

    finished = [[] for _ in rungs]
    promoted = [set() for _ in rungs]
    pending = {}
    queue = as_completed(loop=run.client.loop, with_results=True)

    def launch(ident, k):
        future = run.advance(ident, _next_stop(run, ident, rungs[k][1], patience))
        pending[future.key] = (ident, k)
        queue.add(future)

    for ident in idents:
        launch(ident, 0)
    async for future, result in queue:
        ident, k = pending.pop(future.key)
        run.record(ident, result)
        run.progress(rung=k)
        if run.plateaued(ident, patience, tol):
            continue
        if run.calls[ident] < rungs[k][1]:
            launch(ident, k)
            continue
        finished[k].append(ident)
        if k + 1 == len(rungs):
            continue
        allowed = min(len(finished[k]) // eta, rungs[k + 1][0])
        for best in run.ranked(finished[k])[:allowed]:
            if len(promoted[k]) >= allowed:
                break
            if best not in promoted[k]:
                promoted[k].add(best)
                launch(best, k + 1)


async def run_concurrently(*coroutines):
    """Run policies side by side (Hyperband's brackets); the first error cancels the rest."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
