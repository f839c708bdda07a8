import dask
import dask.array as da
import numpy as np
import pytest

from dask_scale._graph import BlockStates, gather_blocks, n_blocks_of, row_slices


def _summary(i, X, w, scale):
    return i, X.shape[0], float(w @ X[:, 0]) * scale


def test_gather_blocks_dask_returns_one_result_per_block_in_order():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    w = rng.uniform(size=100)
    chunks = (30, 10, 40, 20)
    out = gather_blocks(
        _summary, [da.from_array(X, chunks=(chunks, 2)), da.from_array(w, chunks=(chunks,))], (2.0,)
    )
    assert [o[0] for o in out] == [0, 1, 2, 3]
    assert [o[1] for o in out] == list(chunks)
    edges = np.cumsum((0,) + chunks)
    for (_, _, value), a, b in zip(out, edges[:-1], edges[1:], strict=True):
        assert value == pytest.approx(2.0 * float(w[a:b] @ X[a:b, 0]), rel=1e-12)
    assert n_blocks_of([da.from_array(X, chunks=(chunks, 2))]) == 4


def test_gather_blocks_numpy_uses_row_slices():
    X = np.arange(50.0).reshape(25, 2)
    out = gather_blocks(_summary, [X, np.ones(25)], (1.0,), block_rows=10)
    slices = row_slices(25, 10)
    assert len(out) == len(slices) == n_blocks_of([X], block_rows=10)
    assert [o[1] for o in out] == [s.stop - s.start for s in slices]
    assert [o[0] for o in out] == list(range(len(slices)))


def test_gather_blocks_is_one_graph_and_checks_finite():
    X = np.ones((40, 2))
    Xd = da.from_array(X, chunks=(10, 2))
    calls = []
    original = dask.compute

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dask, "compute", counting)
        gather_blocks(lambda i, b: i, [Xd])
    assert len(calls) == 1
    X[25, 1] = np.inf
    with pytest.raises(ValueError, match="row block 2"):
        gather_blocks(lambda i, b: i, [da.from_array(X, chunks=(10, 2))], check_finite={0: "X"})
    with pytest.raises(ValueError, match="NaN or infinity"):
        gather_blocks(lambda i, b: i, [X], check_finite={0: "X"})


# -- BlockStates ------------------------------------------------------------------------------
def _count(i, state, X, scale):
    """State: (number of steps, running sum of the block); summary: small."""
    n, total = state if state is not None else (0, 0.0)
    total = total + float(X.sum()) * scale
    return (n + 1, total), (i, n + 1, total, id(state))


def _block_sums(X, chunks):
    edges = np.cumsum((0,) + tuple(chunks))
    return [float(X[a:b].sum()) for a, b in zip(edges[:-1], edges[1:], strict=True)]


@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_block_states_carry_each_blocks_state_from_step_to_step(kind):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(90, 2))
    if kind == "dask":
        chunks = (30, 20, 40)
        data, block_rows = da.from_array(X, chunks=(chunks, 2)), None
    else:
        chunks = tuple(s.stop - s.start for s in row_slices(90, 25))
        data, block_rows = X, 25
    kw = {} if block_rows is None else {"block_rows": block_rows}
    sums = _block_sums(X, chunks)
    with BlockStates([data], **kw) as states:
        assert states.n_blocks == len(chunks) == n_blocks_of([data], **kw)
        first = states.step(_count, (1.0,))
        second = states.step(_count, (2.0,))
    assert [s[:2] for s in first] == [(i, 1) for i in range(len(chunks))]
    assert [s[:2] for s in second] == [(i, 2) for i in range(len(chunks))]
    for s1, s2, total in zip(first, second, sums, strict=True):
        assert s1[2] == pytest.approx(total, rel=1e-12)
        assert s2[2] == pytest.approx(3.0 * total, rel=1e-12)


def test_block_states_on_threads_are_not_copied():
    X = da.ones((40, 2), chunks=(10, 2))

    def keep(i, state, blk):
        new = [i] if state is None else state
        return new, (id(new), None if state is None else id(state))

    with BlockStates([X]) as states:
        made = states.step(keep)
        passed = states.step(keep)
    # the second step got the very objects the first one returned
    assert [p[1] for p in passed] == [m[0] for m in made]


def test_block_states_keep_the_previous_states_when_a_step_fails():
    X = np.arange(40.0).reshape(20, 2)
    X_bad = X.copy()
    X_bad[15, 0] = np.nan

    def fail_on_block(bad):
        def step(i, state, blk):
            if i == bad:
                raise RuntimeError("boom")
            return (state or 0) + 1, state

        return step

    Xd = da.from_array(X, chunks=(5, 2))
    with BlockStates([Xd]) as states:
        states.step(fail_on_block(-1))
        with pytest.raises(RuntimeError, match="boom"):
            states.step(fail_on_block(2))
        assert states.step(fail_on_block(-1)) == [1, 1, 1, 1]
    with BlockStates([da.from_array(X_bad, chunks=(5, 2))]) as states:
        with pytest.raises(ValueError, match="row block 3"):
            states.step(fail_on_block(-1), check_finite={0: "X"})


def _where(i, state, blk, payload_rows):
    """State: a large array made on the first step; summary: the worker running the step."""
    from distributed import get_worker

    if state is None:
        state = np.full((payload_rows, 128), float(i))  # 1 kB a row
    assert state[0, 0] == i
    return state + 0.0, (get_worker().address, float(blk.sum()))


def _served(dask_worker):
    return dask_worker.transfer_outgoing_bytes_total


def _blockstate_tasks(dask_scheduler):
    return [(str(k), ts.state) for k, ts in dask_scheduler.tasks.items() if "blockstate" in str(k)]


@pytest.mark.distributed
@pytest.mark.parametrize("persisted", [False, True])
def test_block_states_stay_on_their_worker_and_only_summaries_travel(
    client, unique_task_keys, persisted
):
    import time

    n_blocks, rows = 12, 25
    X = da.random.default_rng(6).normal(size=(n_blocks * rows, 4), chunks=(rows, 4))
    sums = _block_sums(X.compute(), X.chunks[0])
    if persisted:
        X = X.persist()
    payload_rows = 256  # 256 kB of state per block, 3 MB in all
    before = sum(client.run(_served).values())
    with BlockStates([X], name="blockstate") as states:
        steps = [states.step(_where, (payload_rows,)) for _ in range(4)]
        # the scheduler knows the last step's tasks only: one state per block in memory, and
        # no lineage of earlier steps (released tasks kept for recomputation)
        # (the release of the previous step's tasks is asynchronous: wait for it)
        def settled(tasks):
            in_memory = sum(state == "memory" for _, state in tasks)
            return len(tasks) <= 3 * n_blocks + 1 and in_memory == n_blocks

        deadline = time.monotonic() + 20
        while not settled(tasks := client.run_on_scheduler(_blockstate_tasks)):
            assert time.monotonic() < deadline, tasks[:8]
            time.sleep(0.05)
    served = sum(client.run(_served).values()) - before
    workers = [[s[0] for s in step] for step in steps]
    # after the first step, each block runs where its state is (persisted: from the start)
    for later in workers[1:]:
        assert later == workers[1]
    if persisted:
        assert workers[0] == workers[1]
    assert len(set(workers[1])) == 2  # both workers hold states
    for step in steps:
        np.testing.assert_allclose([s[1] for s in step], sums, rtol=1e-12)
    # no state (256 kB each) ever moved: the workers served the small summaries only
    assert served < 64 * 1024, served
    unique_task_keys.check()


def _load_state(key, block_index):
    from dask_scale._graph.gather import _OnWorker

    return _OnWorker(key).load(block_index)


@pytest.mark.distributed
def test_a_step_off_its_worker_fetches_its_state_and_a_lost_one_is_an_error(client):
    # a step that the scheduler ran away from its state's worker (that worker left, or the
    # step was moved) reads the state from where it is; a state gone with its worker is an
    # error that says so, never a hang
    from distributed import wait

    state = client.submit(np.arange, 5.0, key="blockstate-test-state")
    wait([state])
    (holder,) = client.who_has([state])[state.key]
    other = next(w for w in client.scheduler_info()["workers"] if w != holder)
    fetched = client.submit(_load_state, state.key, 0, workers=[other], pure=False)
    np.testing.assert_array_equal(fetched.result(), np.arange(5.0))
    lost = client.submit(_load_state, "blockstate-test-gone", 3, workers=[other], pure=False)
    with pytest.raises(RuntimeError, match="state of row block 3 was lost"):
        lost.result()


def _offset(i, state, blk):
    total = (0.0 if state is None else state) + float(blk.sum())
    return total, total


class _Rebuilds:
    """A ``rebuild`` for :func:`_offset` (its state is its summary) that records its calls."""

    def __init__(self):
        self.blocks = []

    def __call__(self, i, summary):
        self.blocks.append(i)
        return summary


@pytest.mark.distributed
@pytest.mark.parametrize("leave", ["retired", "closed", "closed-rebuilt"])
def test_block_states_follow_a_retired_worker_and_are_rebuilt_when_one_dies(leave, monkeypatch):
    from distributed import Client, LocalCluster

    from dask_scale._graph import gather

    monkeypatch.setattr(gather, "_WATCH_SECONDS", 0.2)
    X = da.random.default_rng(7).normal(size=(80, 2), chunks=(10, 2))
    sums = np.array(_block_sums(X.compute(), X.chunks[0]))
    rebuild = _Rebuilds() if leave == "closed-rebuilt" else None
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
        BlockStates([X], name="blockstate", rebuild=rebuild) as states,
    ):
        np.testing.assert_allclose(states.step(_offset), sums, rtol=1e-12)
        np.testing.assert_allclose(states.step(_offset), 2 * sums, rtol=1e-12)
        name, worker = sorted(cluster.workers.items())[0]
        on_worker = [i for i, h in enumerate(states._homes) if h == worker.address]
        assert 0 < len(on_worker) < states.n_blocks
        if leave == "retired":
            # its data (its blocks' states) goes to the other worker first
            client.retire_workers([worker.address])
        else:
            # the states it held are gone (a state is recomputed from the previous one, gone
            # too): rebuilt from the last summaries, or an error, never a hang
            cluster.sync(worker.close)
        if leave == "closed":
            with pytest.raises(RuntimeError, match="state of row block"):
                states.step(_offset)
            return
        np.testing.assert_allclose(states.step(_offset), 3 * sums, rtol=1e-12)
        np.testing.assert_allclose(states.step(_offset), 4 * sums, rtol=1e-12)
        # the blocks of the worker that left run on the other one now
        assert len(set(states._homes)) == 1
    if rebuild is not None:
        assert sorted(rebuild.blocks) == on_worker


def _released(key):
    def check(dask_scheduler):
        return key not in dask_scheduler.tasks

    return check


@pytest.mark.distributed
@pytest.mark.parametrize("rebuilt", [False, True])
def test_a_step_that_finds_its_state_gone_runs_again_from_a_rebuilt_one(client, rebuilt):
    # a state gone from the cluster while its worker is still there (the worker was
    # restarted under its old address): the step that needs it finds out; the block's step
    # runs again from the state rebuilt from its last summary, or the error says so
    import time

    X = da.random.default_rng(8).normal(size=(60, 2), chunks=(10, 2))
    sums = np.array(_block_sums(X.compute(), X.chunks[0]))
    rebuild = _Rebuilds() if rebuilt else None
    with BlockStates([X], name="blockstate", rebuild=rebuild) as states:
        states.step(_offset)
        np.testing.assert_allclose(states.step(_offset), 2 * sums, rtol=1e-12)
        gone = states._states[2]
        client.cancel([gone])
        deadline = time.monotonic() + 10
        while not client.run_on_scheduler(_released(gone.key)):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        if not rebuilt:
            with pytest.raises(RuntimeError, match="state of row block 2 was lost"):
                states.step(_offset)
            return
        np.testing.assert_allclose(states.step(_offset), 3 * sums, rtol=1e-12)
        np.testing.assert_allclose(states.step(_offset), 4 * sums, rtol=1e-12)
    assert rebuild.blocks == [2]


def _worker_of_step(i, state, Xb, yb):
    from distributed import get_worker

    return None, get_worker().address


@pytest.mark.distributed
def test_a_persisted_block_is_processed_where_most_of_its_bytes_are(client):
    import distributed

    # X's blocks on one worker, y's (smaller) on the other: the steps run next to X's
    a, b = sorted(client.scheduler_info()["workers"])
    X = da.random.default_rng(9).normal(size=(60, 8), chunks=(10, 8))
    y = da.random.default_rng(9).normal(size=60, chunks=10)
    # b's address sorts last: it wins by bytes, not on a tie broken by address
    Xp = client.persist(X, workers=[b])
    yp = client.persist(y, workers=[a])
    distributed.wait([Xp, yp])
    with BlockStates([Xp, yp], name="blockstate") as states:
        assert states.step(_worker_of_step) == [b] * 6
