"""_graph.compute: one pool for dask's processes scheduler, a fork-safe local map."""

import multiprocessing
import os
import threading

import dask
import dask.array as da
import numpy as np
import pytest

from dask_scale._graph import compute as graph_compute
from dask_scale._graph import reduce_blocks
from dask_scale._graph.compute import compute, local_map, scheduler_pool


def _pid_of_block(block):
    return np.array([os.getpid()])


def _pids(X):
    return X.map_blocks(_pid_of_block, chunks=((1,) * X.numblocks[0],), drop_axis=1, dtype=int)


def test_the_processes_scheduler_keeps_one_pool_across_calls():
    X = da.ones((40, 2), chunks=(10, 2))
    with dask.config.set(scheduler="processes", num_workers=2):
        (first,) = compute(_pids(X))
        (pool,) = graph_compute._PROCESS_POOL.values()
        (second,) = compute(_pids(X))
        assert list(graph_compute._PROCESS_POOL.values()) == [pool]
    # the same worker processes ran both calls (dask alone starts new ones for each call)
    workers = set(pool._processes)
    assert 1 <= len(workers) <= 2 and set(first) | set(second) <= workers


def test_a_pool_the_user_configured_is_left_alone():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as mine, dask.config.set(scheduler="processes", pool=mine):
        with scheduler_pool():
            assert dask.config.get("pool") is mine


def test_a_fit_on_the_processes_scheduler_equals_the_threaded_fit():
    from dask_scale.cluster import KMeans

    X = da.from_array(np.random.default_rng(0).normal(size=(4000, 3)), chunks=1000)
    threaded = KMeans(3, random_state=0).fit(X)
    with dask.config.set(scheduler="processes", num_workers=2):
        procs = KMeans(3, random_state=0).fit(X)
    np.testing.assert_allclose(procs.cluster_centers_, threaded.cluster_centers_, rtol=1e-12)
    assert procs.n_iter_ == threaded.n_iter_


def test_local_map_is_serial_inside_a_dask_task():
    def names(_):
        return threading.current_thread().name

    outside = local_map(names, range(8))
    assert any(n.startswith("dask_scale") for n in outside)
    inside = dask.delayed(lambda: local_map(names, range(8)))().compute(scheduler="threads")
    assert len(set(inside)) == 1 and not inside[0].startswith("dask_scale")


def test_local_map_pool_size_follows_dask_config():
    with dask.config.set(num_workers=1):
        names = local_map(lambda _: threading.current_thread().name, range(8))
    assert set(names) == {threading.current_thread().name}


def _reduce_in_child(queue):
    X = np.ones((300_000, 2))
    queue.put(float(reduce_blocks(lambda b: b.sum(), [X], block_rows=10_000)))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_numpy_reductions_work_in_a_forked_child():
    X = np.ones((300_000, 2))
    # the parent's pool exists (and has threads) before the fork
    assert reduce_blocks(lambda b: b.sum(), [X], block_rows=10_000) == 600_000
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_reduce_in_child, args=(queue,))
    child.start()
    child.join(60)
    alive = child.is_alive()
    if alive:
        child.kill()
    assert not alive, "a reduction in a forked child hung on the parent's thread pool"
    assert queue.get(timeout=5) == 600_000


def _blas_counts():
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_blas_per_block_shares_the_cores_among_parallel_blocks():
    import os

    import dask
    import dask.array as da
    import numpy as np
    from threadpoolctl import threadpool_limits

    from dask_scale._graph import blas_per_block

    X = da.ones((400, 3), chunks=(100, 3))
    cores = os.cpu_count() or 1
    with threadpool_limits(limits=cores, user_api="blas"):
        before = _blas_counts()
        with dask.config.set(num_workers=2):
            with blas_per_block([X]):  # 4 blocks, 2 at once: cores // 2 each
                assert max(_blas_counts()) == max(1, cores // 2)
            with blas_per_block([np.ones((10, 3))]):  # one local slice: no cap
                assert _blas_counts() == before
        with dask.config.set(scheduler="synchronous"), blas_per_block([X]):  # serial
            assert _blas_counts() == before
        assert _blas_counts() == before
