import threading
import time

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale._graph import count_row_blocks, fold_blocks

# -- instrumentation: an event log shared by the loader, the scheduler threads and the fold --

_LOG = []
_LOCK = threading.Lock()


def _record(event):
    with _LOCK:
        _LOG.append(event)


def _tag_load(block, block_info=None):
    """Identity map that records when a row block is materialised."""
    _record(("load", block_info[0]["chunk-location"][0]))
    return block


def _slow_fold(acc, block, pause):
    time.sleep(pause)
    _record(("fold", int(block[0, 0])))
    return acc + [int(block[0, 0])]


def _max_in_memory(log):
    """Most blocks materialised and not yet folded at any time."""
    held = peak = 0
    for kind, _ in log:
        held += 1 if kind == "load" else -1
        peak = max(peak, held)
    return peak


def _ids(n_rows, chunk):
    """Rows whose first column is the index of their block."""
    X = np.repeat(np.arange(-(-n_rows // chunk)), chunk)[:n_rows].astype(float)
    return np.column_stack([X, np.arange(n_rows)])


@pytest.fixture(autouse=True)
def _clear_log():
    _LOG.clear()
    yield
    _LOG.clear()


def test_fold_visits_blocks_in_order_with_repeats():
    X = da.arange(20, chunks=5)
    got = fold_blocks(lambda acc, b: acc + [int(b.sum())], [], [X], [3, 0, 3, 1])
    sums = [int(np.arange(20)[i * 5 : (i + 1) * 5].sum()) for i in range(4)]
    assert got == [sums[3], sums[0], sums[3], sums[1]]
    assert fold_blocks(lambda acc, b: acc + 1, 0, [X]) == 4  # default: every block once
    assert fold_blocks(lambda acc, b: acc + 1, 0, [X], []) == 0  # empty order: init back


def test_blocks_params_none_entries_and_merged_column_chunks():
    X = da.from_array(np.arange(40.0).reshape(10, 4), chunks=(3, 2))  # 2 column blocks
    y = da.arange(10, chunks=3)

    def step(acc, xb, none, yb, scale):
        assert none is None
        assert xb.shape[1] == 4  # all columns of the row block in one NumPy array
        return acc + scale * float(xb.sum() + yb.sum())

    got = fold_blocks(step, 0.0, [X, None, y], params=(2.0,), prefetch=0)
    assert got == 2.0 * (np.arange(40.0).sum() + np.arange(10).sum())


def test_dataframe_partitions_are_pandas():
    pdf = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10) % 3})
    df = dd.from_pandas(pdf, npartitions=3)

    def step(acc, X, y):
        assert isinstance(X, pd.DataFrame) and list(X.columns) == ["a"]
        assert isinstance(y, pd.Series)
        return acc + [(X.index[0], float(X["a"].sum()), int(y.sum()))]

    got = fold_blocks(step, [], [df[["a"]], df["b"]], [2, 0])
    starts = df.divisions
    assert [g[0] for g in got] == [starts[2], starts[0]]
    total = sum(g[1] for g in fold_blocks(step, [], [df[["a"]], df["b"]]))
    assert total == pdf["a"].sum()


def test_shared_upstream_is_computed_once_per_step():
    base = da.from_array(_ids(60, 10), chunks=(10, 2)).map_blocks(_tag_load, dtype=float)
    X, y = base[:, :1], base[:, 1]
    fold_blocks(lambda acc, xb, yb: acc, None, [X, y], [0, 1, 2, 3, 4, 5], prefetch=0)
    loads = [i for kind, i in _LOG if kind == "load"]
    assert sorted(loads) == list(range(6))  # X and y of a block: one submission, one read


@pytest.mark.parametrize("prefetch", [0, 1, 2])
def test_memory_bound_local(prefetch):
    # The fold is slow and the loader fast: unbounded read-ahead would load everything.
    X = da.from_array(_ids(120, 10), chunks=(10, 2)).map_blocks(_tag_load, dtype=float)
    order = list(range(12))
    got = fold_blocks(_slow_fold, [], [X], order, params=(0.01,), prefetch=prefetch)
    assert got == order
    assert _max_in_memory(_LOG) <= prefetch + 1
    loads = [i for kind, i in _LOG if kind == "load"]
    assert loads == order  # blocks are read in fold order, each once


@pytest.mark.distributed
def test_distributed_chain_runs_on_workers_with_bounded_memory(client):
    from distributed import get_worker

    def step(acc, block):
        time.sleep(0.01)
        _record(("fold", int(block[0, 0])))
        return acc + [(int(block[0, 0]), get_worker().address)]  # raises outside a worker

    X = da.from_array(_ids(100, 10), chunks=(10, 2)).map_blocks(_tag_load, dtype=float)
    order = [4, 2, 9, 0, 4]
    got = fold_blocks(step, [], [X], order, prefetch=1)
    assert [b for b, _ in got] == order
    assert {w for _, w in got} <= set(client.scheduler_info()["workers"])
    assert _max_in_memory(_LOG) <= 2


@pytest.mark.distributed
def test_distributed_persisted_and_errors(client):
    X = da.from_array(np.arange(40.0).reshape(20, 2), chunks=(5, 2))
    Xp = X.persist()
    assert fold_blocks(lambda acc, b: acc + float(b.sum()), 0.0, [Xp]) == np.arange(40.0).sum()
    assert fold_blocks(lambda acc, b: acc + float(b.sum()), 0.0, [Xp + 1]) == (
        np.arange(40.0) + 1
    ).sum()

    def boom(acc, b):
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError, match="step failed"):
        fold_blocks(boom, 0, [X])


def test_local_persisted_and_errors():
    X = da.from_array(np.arange(40.0).reshape(20, 2), chunks=(5, 2))
    (Xp,) = dask.persist(X)
    assert fold_blocks(lambda acc, b: acc + float(b.sum()), 0.0, [Xp]) == np.arange(40.0).sum()

    def boom(acc, b):
        raise RuntimeError("step failed")

    for prefetch in (0, 1):
        with pytest.raises(RuntimeError, match="step failed"):
            fold_blocks(boom, 0, [X], prefetch=prefetch)


def test_bad_arguments():
    X = da.ones((10, 2), chunks=(5, 2))
    with pytest.raises(ValueError, match="different numbers of row blocks"):
        fold_blocks(lambda acc, a, b: acc, 0, [X, da.ones(10, chunks=2)])
    with pytest.raises(ValueError, match="out of range"):
        fold_blocks(lambda acc, a: acc, 0, [X], [0, 2])
    with pytest.raises(ValueError, match="prefetch"):
        fold_blocks(lambda acc, a: acc, 0, [X], prefetch=-1)
    with pytest.raises(TypeError, match="dask arrays, DataFrames"):
        fold_blocks(lambda acc, a: acc, 0, [np.ones((10, 2))])
    with pytest.raises(ValueError, match="at least one"):
        count_row_blocks([None])


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 7), min_size=1, max_size=6),
    data=st.data(),
)
def test_fold_concatenates_blocks_in_the_given_order(sizes, data):
    # Invariant: folding "append the block" gives the rows of the blocks in fold order,
    # for any chunking (empty blocks included) and any order with repeats.
    n = sum(sizes)
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    Xd = da.from_array(X, chunks=(tuple(sizes), 2))
    order = data.draw(st.lists(st.integers(0, len(sizes) - 1), max_size=8))
    got = fold_blocks(lambda acc, b: acc + [b], [], [Xd], order)
    edges = np.concatenate([[0], np.cumsum(sizes)])
    expected = [X[edges[i] : edges[i + 1]] for i in order]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)


def test_dataframe_and_array_blocks_stay_aligned():
    # A DataFrame with an array (y from ``to_dask_array``, or a dask array target): dask
    # returns the frame's keys in hash order when the two kinds are optimised together,
    # so the keys are put back in block order and checked.
    pdf = pd.DataFrame({"a": np.arange(300.0)})
    df = dd.from_pandas(pdf, npartitions=6)
    y = da.arange(300, chunks=50)
    order = [5, 0, 3, 1, 4, 2, 0]
    got = fold_blocks(
        lambda acc, X, yb, z: acc + [(int(X.index[0]), int(yb[0]), int(z.iloc[0]))],
        [],
        [df, y, df["a"]],
        order,
    )
    assert got == [(50 * i, 50 * i, 50 * i) for i in order]
    same = fold_blocks(lambda acc, a, b: acc + [int(a[0]) - int(b[0])], [], [y, y])
    assert same == [0] * 6

