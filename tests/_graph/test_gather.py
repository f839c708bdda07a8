import dask
import dask.array as da
import numpy as np
import pytest

from dask_scale._graph import gather_blocks, n_blocks_of, row_slices


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
