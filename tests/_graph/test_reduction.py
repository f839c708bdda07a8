import warnings

import dask
import dask.array as da
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale._graph import (
    gather_blocks,
    reduce_blocks,
    row_slices,
    sum_partials,
    tree_reduce,
)


def _stats(X, w):
    # column sums weighted, total weight, row count
    return (w @ X, w.sum(), X.shape[0])


def _expected(X, w):
    return w @ X, w.sum(), X.shape[0]


@pytest.mark.parametrize("split_every", [2, 3, 8])
def test_reduce_blocks_dask_matches_numpy(split_every):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    w = rng.uniform(size=1000)
    exp = _expected(X, w)
    got = reduce_blocks(
        _stats, [da.from_array(X, chunks=(97, 3)), da.from_array(w, chunks=97)],
        split_every=split_every,
    )
    np.testing.assert_allclose(got[0], exp[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], exp[1], rtol=1e-12)
    assert got[2] == 1000
    local = reduce_blocks(_stats, [X, w], block_rows=100)
    np.testing.assert_allclose(local[0], exp[0], rtol=1e-12)
    assert local[2] == 1000


def test_params_and_aggregate():
    X = da.arange(20, chunks=5).reshape(20, 1).rechunk((5, 1))

    def chunk(b, scale):
        return float(b.sum() * scale)

    assert reduce_blocks(chunk, [X], (2.0,), aggregate=lambda s: s / 2) == float(np.arange(20).sum())


def test_lazy_tree_reduce_is_one_graph():
    X = da.ones((40, 2), chunks=(10, 2))
    lazy = tree_reduce(lambda b: b.sum(), [X], split_every=2)
    # 4 chunk tasks, 2 + 1 combines, result, params node + data tasks
    assert lazy.compute(scheduler="sync") == 80.0


def test_none_inputs_are_passed_through():
    X = da.ones((10, 2), chunks=(5, 2))
    assert reduce_blocks(lambda b, w: b.shape[0] if w is None else -1, [X, None]) == 10


def test_check_finite_raises_clear_error():
    X = np.ones((10, 2))
    X[7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        reduce_blocks(lambda b: b.sum(), [da.from_array(X, chunks=5)], check_finite={0: "X"})
    with pytest.raises(ValueError, match="NaN or infinity"):
        reduce_blocks(lambda b: b.sum(), [X], check_finite={0: "X"})
    # not checked when not asked
    assert np.isnan(reduce_blocks(lambda b: b.sum(), [X]))


@pytest.mark.parametrize("container", ["numpy", "dask"])
def test_nonfinite_error_names_the_input_never_a_position(container):
    X = np.ones((10, 2))
    y = np.ones(10)
    y[3] = np.inf
    arrays = [X, y] if container == "numpy" else [da.from_array(X, chunks=5), da.from_array(y, chunks=5)]
    with pytest.raises(ValueError, match=r"^Input y contains NaN or infinity") as info:
        reduce_blocks(lambda b, t: b.sum(), arrays, check_finite={0: "X", 1: "y"})
    assert "Input 1" not in str(info.value)
    # positions without names are refused: every message must name what the user passed
    with pytest.raises(TypeError, match="names users know them by"):
        reduce_blocks(lambda b, t: b.sum(), arrays, check_finite=(0, 1))


def test_reject_nonfinite_is_the_one_check_and_message():
    from dask_scale._graph.reduction import nonfinite_message, reject_nonfinite

    X = np.array([[1.0, np.nan], [np.inf, 0.0]])
    with pytest.raises(ValueError, match=r"^Input X contains NaN or infinity \(row block 2\)"):
        reject_nonfinite(X, block_index=2)
    with pytest.raises(ValueError, match=r"^Input w contains NaN or infinity\. Drop those rows"):
        reject_nonfinite(X[:, 1], "w")
    # NaN allowed: only infinity is refused, with advice that says so
    reject_nonfinite(X[:1], allow_nan=True)
    with pytest.raises(ValueError, match=r"^Input X contains infinity\. NaN is accepted"):
        reject_nonfinite(X, allow_nan=True)
    with pytest.raises(ValueError, match="do this instead"):
        reject_nonfinite(X, fix="do this instead")
    # integers, objects and empty blocks have nothing to check
    reject_nonfinite(np.array([["a", None]], dtype=object))
    reject_nonfinite(np.empty((0, 2)))
    assert nonfinite_message("X").startswith("Input X contains NaN or infinity. Remove")


def test_misaligned_blocks_detected_when_read():
    X = da.ones((10, 2), chunks=(5, 2))
    y = da.ones(10, chunks=((4, 6),))
    with pytest.raises(ValueError, match="partitioned alike"):
        reduce_blocks(lambda a, b: 0, [X, y])
    y3 = da.ones(10, chunks=((3, 3, 4),))
    with pytest.raises(ValueError, match="row blocks"):
        reduce_blocks(lambda a, b: 0, [X, y3])


def test_unknown_chunk_sizes():
    X = da.from_array(np.arange(30.0).reshape(15, 2), chunks=(4, 2))
    Xu = X[X[:, 0] >= 0]
    assert np.isnan(Xu.shape[0])
    assert reduce_blocks(lambda b: b.sum(), [Xu]) == np.arange(30.0).sum()


def test_sum_partials_tuples():
    parts = [(np.ones(2), 1.0), (np.ones(2), 2.0)]
    out = sum_partials(parts)
    np.testing.assert_array_equal(out[0], [2, 2])
    assert out[1] == 3.0
    # inputs untouched
    np.testing.assert_array_equal(parts[0][0], [1, 1])


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 300),
    chunk=st.integers(1, 300),
    split_every=st.integers(2, 9),
)
def test_chunking_does_not_change_sums(n, chunk, split_every):
    X = np.arange(n * 2, dtype=np.float64).reshape(n, 2) / 7.0
    got = reduce_blocks(
        lambda b: b.sum(axis=0), [da.from_array(X, chunks=(chunk, 2))], split_every=split_every
    )
    np.testing.assert_allclose(got, X.sum(axis=0), rtol=1e-12)


@given(n=st.integers(0, 10_000), block=st.integers(1, 5000))
def test_row_slices_cover(n, block):
    s = row_slices(n, block)
    assert s[0].start == 0 and s[-1].stop == n
    assert all(a.stop == b.start for a, b in zip(s[:-1], s[1:], strict=False))
    assert all(x.stop - x.start <= block for x in s)


@pytest.mark.distributed
def test_reduce_on_distributed_client_with_broadcast():
    from distributed import Client, LocalCluster

    from dask_scale._graph import reduction

    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 3))
    big = rng.normal(size=(reduction.BROADCAST_BYTES // 8 + 10,))  # forces scatter
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cl, Client(cl):
        got = reduce_blocks(
            lambda b, p, q: b.sum(axis=0) * p + q[0] * 0,
            [da.from_array(X, chunks=(50, 3))],
            (3.0, big),
        )
    np.testing.assert_allclose(got, 3.0 * X.sum(axis=0), rtol=1e-12)


def test_threaded_and_sync_schedulers_agree():
    X = da.random.default_rng(3).normal(size=(500, 4), chunks=(60, 4))
    with dask.config.set(scheduler="sync"):
        a = reduce_blocks(lambda b: b.sum(axis=0), [X])
    with dask.config.set(scheduler="threads"):
        b = reduce_blocks(lambda b: b.sum(axis=0), [X])
    np.testing.assert_array_equal(a, b)


def _partition_summary(pdf):
    # the partition arrives as pandas with its own dtypes (a string column stays a string)
    assert isinstance(pdf["s"].dtype, pd.StringDtype)
    return len(pdf), set(pdf["s"])


def _merge_summaries(parts):
    return sum(p[0] for p in parts), set().union(*(p[1] for p in parts))


@pytest.mark.parametrize("npartitions,split_every", [(1, 2), (7, 2), (20, 3), (5, 8)])
def test_reduce_blocks_over_the_partitions_of_a_frame(npartitions, split_every):
    import dask.dataframe as dd

    pdf = pd.DataFrame({"s": pd.Series([f"v{i % 13}" for i in range(200)], dtype="str")})
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    n, values = reduce_blocks(
        _partition_summary, [ddf], combine=_merge_summaries, split_every=split_every
    )
    assert n == 200
    assert values == set(pdf["s"])
    with pytest.raises(ValueError, match="split_every"):
        reduce_blocks(_partition_summary, [ddf], combine=_merge_summaries, split_every=1)
    with pytest.raises(ValueError, match="split_every"):
        reduce_blocks(_partition_summary, [pdf.to_numpy()], split_every=1)


def test_a_frame_and_an_array_of_its_rows_reduce_together():
    import dask.dataframe as dd

    pdf = pd.DataFrame({"a": np.arange(30.0), "s": [f"v{i % 4}" for i in range(30)]})
    ddf = dd.from_pandas(pdf, npartitions=3)
    y = ddf["a"].to_dask_array(lengths=True) * 2
    total = reduce_blocks(
        lambda part, yb: float(part["a"].sum() + yb.sum()), [ddf, y], check_finite={1: "y"}
    )
    assert total == 3 * pdf["a"].sum()


@pytest.mark.distributed
def test_reduce_on_distributed_client_persisted_and_lazy_inputs(client, unique_task_keys):
    # persisted blocks are read where they are; a lazy chain is computed in the reduction's
    # graph with the same keys and tasks as when it is computed alone (no key given two tasks)
    X = da.random.default_rng(2).normal(size=(200, 3), chunks=(50, 3)) * 2.0 + 1.0
    expected = X.compute().sum(axis=0)
    Xp = X.persist()
    for data in (Xp, X, Xp + 0.0):
        got = reduce_blocks(lambda b: b.sum(axis=0), [data])
        np.testing.assert_allclose(got, expected, rtol=1e-12)
        np.testing.assert_allclose(data.compute().sum(axis=0), expected, rtol=1e-12)
    unique_task_keys.check()


def test_param_nbytes_counts_arrays_inside_containers():
    from dask_scale._graph import param_nbytes

    a = np.zeros(1 << 17)  # 1 MiB
    assert param_nbytes(a) >= a.nbytes
    assert param_nbytes(((a, a.copy()),)) >= 2 * a.nbytes
    assert param_nbytes([{"w": a}, (3.0, None)]) >= a.nbytes
    nested = [a]
    nested.append(nested)  # a cycle is walked once
    assert a.nbytes <= param_nbytes(nested) < 2 * a.nbytes
    assert param_nbytes((1.0, "x", None)) < 1000


@pytest.mark.distributed
def test_nested_large_parameters_are_scattered_not_embedded(client):
    # a tuple of two 1 MiB arrays: each below the broadcast size, together above it
    from distributed import Future

    from dask_scale._graph import reduction

    rng = np.random.default_rng(4)
    a, b = rng.normal(size=1 << 17), rng.normal(size=1 << 17)
    node = reduction._param_node(((a, b), 2.0))
    assert any(isinstance(p, Future) for p in node)
    X = da.from_array(rng.normal(size=(400, 3)), chunks=(100, 3))
    # the graph sent to the scheduler stays small: the arrays went by scatter
    with (
        dask.config.set({"distributed.admin.large-graph-warning-threshold": "1MB"}),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("error", message="Sending large graph")
        got = reduce_blocks(
            lambda blk, ab, s: blk.sum(axis=0) * s + (ab[0] @ ab[1]) * 0.0,
            [X],
            ((a, b), 2.0),
        )
        out = gather_blocks(lambda i, blk, ab: float(ab[0][i] + ab[1][i]), [X], ((a, b),))
    np.testing.assert_allclose(got, 2.0 * X.compute().sum(axis=0), rtol=1e-12)
    assert out == [float(a[i] + b[i]) for i in range(4)]


def _float_sum_partials(b):
    # a partial whose merge order shows in the last bits
    return np.array([float(np.sum(b * 1.1, dtype=np.float64)), float(b.shape[0])])


@pytest.mark.parametrize("split_every", [2, 8])
def test_on_a_cluster_each_worker_runs_one_task_and_the_result_is_bitwise_the_threaded_one(
    client, split_every
):
    from distributed import get_task_stream

    rng = np.random.default_rng(3)
    X = rng.normal(size=(2_000, 3)) * 1e3
    Xd = da.from_array(X, chunks=(100, 3))  # 20 blocks
    with dask.config.set(scheduler="threads"):
        expected = reduce_blocks(_float_sum_partials, [Xd], split_every=split_every)
    persisted = client.persist(Xd)
    from distributed import wait

    wait(persisted)
    with get_task_stream(client) as ts:
        got = reduce_blocks(_float_sum_partials, [persisted], split_every=split_every)
    np.testing.assert_array_equal(got, expected)  # the same merge tree, bitwise
    workers = {w for ws in client.who_has(list(persisted.__dask_graph__().values())).values() for w in ws}
    # one task per worker holding blocks (not one per block plus the combine tree)
    tasks = [str(r["key"]) for r in ts.data if "-params" not in str(r["key"])]
    assert len(tasks) == len(workers) <= 2, tasks
    # lazy (not persisted) input: one task per block, still merged on the client
    lazy = Xd.map_blocks(lambda b: b + 0.0, dtype=Xd.dtype)
    with get_task_stream(client) as ts:
        got = reduce_blocks(_float_sum_partials, [lazy], split_every=split_every)
    np.testing.assert_array_equal(got, expected)
    assert not any("combine" in str(r["key"]) for r in ts.data)


def _bag_chunk(part, offset):
    # a Bag partition arrives as a list (here of ints): its length and its sum
    return np.array([len(part), sum(part) + offset], dtype=np.int64)


@pytest.mark.parametrize("split_every", [2, 8])
def test_reduce_blocks_over_the_partitions_of_a_bag(split_every):
    import dask.bag as db

    parts = [[1, 2, 3], [], [4], [5, 6]]
    bag = db.from_delayed([dask.delayed(list)(p) for p in parts]).map(lambda v: v * 10)
    got = reduce_blocks(_bag_chunk, [bag], (1,), split_every=split_every)
    np.testing.assert_array_equal(got, [6, 210 + len(parts)])
    # an iterator partition (a Bag may hand one over) is read as a list
    it = db.from_delayed([dask.delayed(iter)(p) for p in parts])
    np.testing.assert_array_equal(reduce_blocks(_bag_chunk, [it], (0,)), [6, 21])
