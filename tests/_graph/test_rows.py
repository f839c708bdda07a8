"""_graph.rows: rows taken by position, block by block, lazily (take_rows, row_block_lengths)."""

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _helpers import GraphCounter
from dask.core import get_dependencies
from hypothesis import given
from hypothesis import strategies as st

from dask_scale._graph import RowTaker, row_block_lengths, take_rows
from dask_scale._graph.rows import BlockPermutation, RowRuns, plan_from_indices, select_block_rows

X = np.arange(60, dtype=np.float64).reshape(30, 2)
DF = pd.DataFrame(X, columns=["a", "b"], index=np.arange(30) * 10 + 3)

SORTED = np.array([0, 1, 2, 7, 8, 15, 16, 29])
SHUFFLED = np.random.RandomState(0).permutation(30)[:17]


def _unknown(x):
    return x[x[:, 0] >= 0]


@pytest.mark.parametrize("indices", [SORTED, SHUFFLED, np.array([29, -1, 0]), np.array([], int)])
def test_take_rows_equals_numpy_and_pandas_indexing(indices):
    dX = da.from_array(X, chunks=(7, 1))
    out = take_rows(dX, indices)
    np.testing.assert_array_equal(out.compute(), X[indices])
    assert out.chunks[0] and not any(np.isnan(out.chunks[0]))
    ddf = dd.from_pandas(DF, npartitions=4)
    pd.testing.assert_frame_equal(take_rows(ddf, indices).compute(), DF.iloc[indices])
    pd.testing.assert_series_equal(take_rows(ddf["b"], indices).compute(), DF["b"].iloc[indices])
    np.testing.assert_array_equal(take_rows(X, indices), X[indices])
    pd.testing.assert_frame_equal(take_rows(DF, indices), DF.iloc[indices])


def test_boolean_mask_unknown_chunks_and_sparse_blocks():
    mask = np.arange(30) % 4 == 1
    dX = _unknown(da.from_array(X, chunks=(8, 2)))
    np.testing.assert_array_equal(take_rows(dX, mask).compute(), X[mask])
    S = sp.csr_matrix(X)
    dS = da.from_array(S, chunks=(10, 2), asarray=False)
    out = take_rows(dS, SHUFFLED).compute()
    np.testing.assert_array_equal(out.toarray(), X[SHUFFLED])


def _input_blocks_read(arr, source_name):
    """For every task of ``arr``'s graph, how many blocks of ``source_name`` it reads."""
    graph = dict(arr.__dask_graph__())
    counts = {}
    for key, task in graph.items():
        name = key[0] if isinstance(key, tuple) else key
        if str(name).startswith("take-rows"):
            deps = get_dependencies(graph, task=task)
            counts[key] = sum(1 for d in deps if isinstance(d, tuple) and d[0] == source_name)
    return counts


def test_sorted_rows_one_task_per_block_and_no_task_reads_two_blocks():
    dX = da.from_array(X, chunks=(7, 2), name="source")
    out = take_rows(dX, SORTED)
    assert out.numblocks[0] == 4  # blocks 0, 1, 2 and 4 of 5 hold selected rows
    reads = _input_blocks_read(out, "source")
    assert len(reads) == 4 and set(reads.values()) == {1}
    shuffled = take_rows(dX, np.random.RandomState(1).permutation(30))
    assert shuffled.numblocks[0] == dX.numblocks[0]
    assert max(_input_blocks_read(shuffled, "source").values()) <= 1


def test_lengths_computed_once_per_collection_and_plans_lazy():
    ddf = dd.from_pandas(DF, npartitions=3)
    u = _unknown(da.from_array(X, chunks=(11, 2)))
    with GraphCounter() as counter:
        lengths = row_block_lengths(ddf, u, ddf["a"])
        again = row_block_lengths(ddf, u)
        take_rows(ddf, SORTED)
        take_rows(u, SHUFFLED)
    assert counter.count == 1  # one submission for all three, none after
    assert [x.tolist() for x in lengths] == [[10, 10, 10], [11, 11, 8], [10, 10, 10]]
    assert [x.tolist() for x in again] == [[10, 10, 10], [11, 11, 8]]
    with GraphCounter() as counter:
        take_rows(da.from_array(X, chunks=5), SHUFFLED)
        fresh = _unknown(da.from_array(X, chunks=(9, 2)))
        out = take_rows(fresh, SORTED, lengths=[9, 9, 9, 3])  # the caller's: trusted
    assert counter.count == 0
    np.testing.assert_array_equal(out.compute(), X[SORTED])


@given(
    n=st.integers(1, 40),
    chunk=st.integers(1, 15),
    data=st.data(),
)
def test_take_rows_any_positions(n, chunk, data):
    idx = np.asarray(data.draw(st.lists(st.integers(0, n - 1), max_size=3 * n)), dtype=np.int64)
    x = np.arange(n)
    out = take_rows(da.from_array(x, chunks=chunk), idx)
    np.testing.assert_array_equal(out.compute(scheduler="sync"), x[idx])
    plan = plan_from_indices(idx, da.from_array(x, chunks=chunk).chunks[0])
    np.testing.assert_array_equal(plan.global_indices(), idx)


def test_bad_indices_and_changed_input():
    dX = da.from_array(X, chunks=10)
    with pytest.raises(IndexError, match="out of range for 30 rows"):
        take_rows(dX, [0, 30])
    with pytest.raises(ValueError, match="1-D array of integer positions"):
        take_rows(dX, [[0, 1]])
    with pytest.raises(ValueError, match="30 entries"):
        take_rows(dX, np.ones(5, bool))
    with pytest.raises(ValueError, match="plan is for 50 rows; the input has 30"):
        take_rows(dX, [25], lengths=[10, 10, 30])
    # a block that has fewer rows than when its length was computed: the task says so
    with pytest.raises(ValueError, match="5 rows, fewer than the 8 the split expected"):
        select_block_rows(X[:5], slice(2, 8))
    with pytest.raises(ValueError, match="9 rows, not the 8 the split expected"):
        select_block_rows(X[:9], BlockPermutation(0, 8, 0, 3))


@pytest.mark.distributed
def test_take_rows_on_a_cluster_same_rows_unique_keys(client, unique_task_keys):
    ddf = dd.from_pandas(DF, npartitions=3).persist()
    dX = da.from_array(X, chunks=7)
    for _ in range(2):
        pd.testing.assert_frame_equal(take_rows(ddf, SHUFFLED).compute(), DF.iloc[SHUFFLED])
        np.testing.assert_array_equal(dask.compute(take_rows(dX, SORTED))[0], X[SORTED])
    unique_task_keys.check()


def test_a_fold_of_a_block_is_kept_as_runs_not_positions():
    train = np.r_[0:10, 20:30]  # the middle fold of KFold(3) cut out
    plan = plan_from_indices(train, [30])
    assert plan.pieces == ((((0, RowRuns((0, 20), (10, 30))),), None),)
    np.testing.assert_array_equal(take_rows(da.from_array(X, chunks=30), train).compute(),
                                  X[train])


def test_row_taker_folds_of_x_and_y_share_reads_and_count_once(tmp_path):
    DF.assign(y=np.arange(30) % 2).to_parquet(tmp_path / "d.parquet", row_group_size=10)
    ddf = dd.read_parquet(tmp_path / "d.parquet", split_row_groups=True)
    with GraphCounter() as counter:
        taker = RowTaker(ddf[["a", "b"]], ddf["y"], None, np.arange(30))
        folds = [taker(idx) for idx in (SORTED, SHUFFLED)]
    assert counter.count == 1  # the lengths, once for all folds
    graph = {}
    for fold in folds:
        for part in fold[:2]:
            graph.update(dict(part.__dask_graph__()))
    reads = {k for k in graph if str(k[0] if isinstance(k, tuple) else k).startswith("read")}
    assert len(reads) == ddf.npartitions  # X's and y's rows of every fold from one read each
    for idx, (X_f, y_f, none, ids) in zip((SORTED, SHUFFLED), folds, strict=True):
        assert none is None
        np.testing.assert_array_equal(X_f.compute().to_numpy(), X[idx])
        np.testing.assert_array_equal(y_f.compute().to_numpy(), idx % 2)
        np.testing.assert_array_equal(ids, idx)
    with pytest.raises(ValueError, match="different numbers of rows \\[30, 29\\]"):
        RowTaker(ddf, np.arange(29))
