"""Consensus ADMM on a cluster of worker processes: what an iteration moves.

Each block's local state (``x_i``, ``u_i`` and the Hessian cache, ``d**2`` numbers) must stay
with its block; per iteration only ``O(d)`` numbers per block may travel (the block's new
``x_i`` and ``u_i``, its gradient at the consensus point, a few scalars) plus the broadcast
consensus point. The traffic of an iteration is measured from the outside, whatever the
solver does:

- *served*: the bytes the workers hand out (``transfer_outgoing_bytes_total``: results the
  client gathers, copies between workers, replicas of broadcast parameters);
- *shipped*: the bytes the client puts into the cluster: the pickled task specs of every
  graph it submits (parameters embedded in a graph are in them), plus what it scatters.

Both are read at every iteration's progress line, so the difference between two lines is one
iteration (one pass over the blocks and the update of the consensus point).
"""

import pickle
import time
import warnings

import dask
import dask.array as da
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from dask_scale._progress import IterationLog
from dask_scale.linear_model import LogisticRegression

distributed = pytest.importorskip("distributed")

N_BLOCKS, ROWS, N_FEATURES = 50, 200, 60
N_COEF = N_FEATURES + 1  # with the intercept
MAX_ITER = 6
# Bound on one iteration's traffic, in units of N_BLOCKS * N_COEF float64 numbers. What an
# iteration must move is ~3 such vectors per block (x_i, u_i, the gradient at z) plus the
# task specs of the pass (a few hundred bytes per block); the Hessians alone are N_COEF
# (here 61) units.
TRAFFIC_UNITS = 16
UNIT = N_BLOCKS * N_COEF * 8


class _SubmittedBytes:
    """Scheduler plugin: total pickled size of the task specs of every submitted graph.

    A graph names the blocks already in memory (persisted) too; their task specs are the
    ones of the persist and are not counted again (each spec is counted once).
    """

    name = "dask_scale-submitted-bytes"

    def __init__(self):
        self.total = 0
        self.counted = {}

    def update_graph(self, scheduler, *, tasks, **kwargs):
        for key in tasks:
            ts = scheduler.tasks.get(key)
            if ts is None or ts.run_spec is None or self.counted.get(key) is ts.run_spec:
                continue
            self.counted[key] = ts.run_spec
            self.total += len(pickle.dumps(ts.run_spec, protocol=5))


def _add_plugin(dask_scheduler):
    from distributed.diagnostics.plugin import SchedulerPlugin

    plugin = type("SubmittedBytes", (_SubmittedBytes, SchedulerPlugin), {})()
    dask_scheduler.add_plugin(plugin, name=_SubmittedBytes.name)


def _submitted(dask_scheduler):
    return dask_scheduler.plugins[_SubmittedBytes.name].total


def _admm_keys(dask_scheduler):
    return [str(k) for k in dask_scheduler.tasks if "admm" in str(k)]


def _served(dask_worker):
    return dask_worker.transfer_outgoing_bytes_total


def _data():
    rng = np.random.default_rng(0)
    n = N_BLOCKS * ROWS
    X = rng.normal(size=(n, N_FEATURES))
    w = rng.normal(size=N_FEATURES) / np.sqrt(N_FEATURES)
    y = (X @ w + rng.logistic(size=n) > 0).astype(np.float64)
    return da.from_array(X, chunks=(ROWS, N_FEATURES)), da.from_array(y, chunks=ROWS)


def _fit(X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(solver="admm", max_iter=MAX_ITER, tol=1e-12).fit(X, y)


@pytest.mark.distributed
def test_admm_iteration_moves_o_of_d_per_block_on_a_cluster(unique_task_keys):
    X, y = _data()
    with dask.config.set(scheduler="threads"):
        reference = _fit(X, y)

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # the blocks live on the workers, as a persisted dataset's would
        Xp, yp = client.persist([X, y])
        distributed.wait([Xp, yp])
        client.run_on_scheduler(_add_plugin)
        scattered = []
        scatter = client.scatter

        def counting_scatter(data, *args, **kwargs):
            scattered.append(sum(len(pickle.dumps(v, protocol=5)) for v in data))
            return scatter(data, *args, **kwargs)

        marks = []
        log_call = IterationLog.__call__

        def marking_log(self, iteration, value, **extra):
            served = sum(client.run(_served).values())
            shipped = client.run_on_scheduler(_submitted) + sum(scattered)
            marks.append((served, shipped))
            return log_call(self, iteration, value, **extra)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(client, "scatter", counting_scatter)
            mp.setattr(IterationLog, "__call__", marking_log)
            model = _fit(Xp, yp)
        # the blocks' states were released with the fit
        deadline = time.monotonic() + 10
        while held := client.run_on_scheduler(_admm_keys):
            assert time.monotonic() < deadline, held[:5]
            time.sleep(0.05)

    # progress lines follow iterations 1 .. MAX_ITER - 1: MAX_ITER - 2 whole iterations
    assert len(marks) == MAX_ITER - 1
    per_iter = [
        (s1 - s0, p1 - p0) for (s0, p0), (s1, p1) in zip(marks[:-1], marks[1:], strict=True)
    ]
    report = ", ".join(f"served {s / 1e3:.0f} kB + shipped {p / 1e3:.0f} kB" for s, p in per_iter)
    print(f"\nADMM traffic per iteration: {report}")
    for served, shipped in per_iter:
        assert served + shipped < TRAFFIC_UNITS * UNIT, (
            f"per iteration: {report}; bound {TRAFFIC_UNITS * UNIT / 1e3:.0f} kB"
        )
    # same fit as on the threaded scheduler
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=0, atol=1e-8)
    assert model.n_iter_ == reference.n_iter_
