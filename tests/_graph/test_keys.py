import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask._task_spec import convert_legacy_graph
from dask.base import collections_to_expr

from dask_scale._graph import gather_blocks, tree_reduce
from dask_scale._graph.keys import _ordered_block_keys, optimized_row_blocks


def test_block_keys_are_put_in_order_and_checked():
    keys = [("x", 2, 0), ("x", 0, 0), ("x", 1, 0)]
    assert _ordered_block_keys(keys, 3) == [("x", 0, 0), ("x", 1, 0), ("x", 2, 0)]
    with pytest.raises(RuntimeError, match="internal"):
        _ordered_block_keys([("x", 0), ("y", 1)], 2)
    with pytest.raises(RuntimeError, match="internal"):
        _ordered_block_keys([("x", 0), ("x", 2)], 2)
    with pytest.raises(RuntimeError, match="internal"):
        _ordered_block_keys([("x", 0)], 2)


def _dependencies(graph):
    return {k: frozenset(v.dependencies) for k, v in convert_legacy_graph(dict(graph)).items()}


def _computed_alone(collection):
    """{key: dependencies} of the graph ``collection.compute()`` submits."""
    expr = collections_to_expr([collection], optimize_graph=True).optimize()
    return _dependencies(expr.__dask_graph__())


def _user_arrays():
    # chains of blockwise layers, which dask's optimisation fuses (and renames)
    X = da.random.default_rng(0).normal(size=(40, 3), chunks=(10, 3)) * 2.0 + 1.0
    y = (da.arange(40, chunks=10) % 3).astype(np.float64) + 0.5
    return X, y


def _assert_same_tasks(graph, *collections):
    ours = _dependencies(graph)
    for c in collections:
        alone = _computed_alone(c)
        shared = set(ours) & set(alone)
        assert set(dask.core.flatten(c.__dask_keys__())) <= shared
        for key in shared:
            assert ours[key] == alone[key], (key, ours[key], alone[key])


def test_reduction_graph_references_the_keys_of_the_optimised_inputs():
    # The keys of X and y that a reduction's graph holds name the same tasks as in the graph
    # of X.compute() / y.compute(): the raw keys (before dask fuses the blockwise chain) would
    # name others, and a distributed scheduler would get one key with two tasks.
    X, y = _user_arrays()
    lazy = tree_reduce(lambda a, b: float(a.sum() + b.sum()), [X, y], split_every=2)
    _assert_same_tasks(lazy.__dask_graph__(), X, y)
    expected = float(X.sum().compute() + y.sum().compute())
    (got,) = dask.compute(lazy, optimize_graph=False)
    np.testing.assert_allclose(got, expected)


def test_gather_graph_references_the_keys_of_the_optimised_inputs(monkeypatch):
    X, y = _user_arrays()
    graphs = []
    original = dask.compute

    def capture(*args, **kwargs):
        graphs.append(args[0].__dask_graph__())
        return original(*args, **kwargs)

    monkeypatch.setattr(dask, "compute", capture)
    out = gather_blocks(lambda i, a, b: (i, a.shape[0] + b.shape[0]), [X, y])
    assert out == [(i, 20) for i in range(4)]
    _assert_same_tasks(graphs[0], X, y)


def test_optimized_row_blocks_frames_and_arrays():
    df = dd.from_pandas(pd.DataFrame({"a": np.arange(30.0)}), npartitions=3)
    y = da.arange(30, chunks=10)
    graph, keys = optimized_row_blocks([df, None, y, df["a"]], 3)
    assert keys[1] is None
    for k in (keys[0], keys[2], keys[3]):
        assert len(k) == 3 and all(key in graph for key in k)
    assert [key[1] for key in keys[2]] == [0, 1, 2]
