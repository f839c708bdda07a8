"""BlockTransformer: explicit keyword arguments, clone-safe, every container."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from dask_scale.preprocessing import BlockTransformer


def _scale(block, factor=1.0):
    return block * factor


def test_kw_args_survive_clone_and_pickle():
    est = BlockTransformer(_scale, kw_args={"factor": 3.0})
    assert est.get_params()["kw_args"] == {"factor": 3.0}
    copy = clone(est)
    assert copy.kw_args == {"factor": 3.0} and copy.func is _scale
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(copy.fit_transform(X), X * 3)
    again = pickle.loads(pickle.dumps(copy))
    np.testing.assert_array_equal(again.transform(X), X * 3)


def test_containers():
    X = np.arange(12.0).reshape(6, 2)
    est = BlockTransformer(_scale, kw_args={"factor": 2.0})
    out = est.fit(da.from_array(X, chunks=2)).transform(da.from_array(X, chunks=2))
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(out.compute(), X * 2)
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=2)
    out = est.fit(frame).transform(frame)
    assert isinstance(out, dd.DataFrame) and list(out.columns) == ["a", "b"]
    np.testing.assert_array_equal(out.compute().to_numpy(), X * 2)
    # validate=True checks and converts to a float array first
    out = BlockTransformer(np.log1p, validate=True).fit(frame).transform(frame)
    assert isinstance(out, da.Array)
    np.testing.assert_allclose(out.compute(), np.log1p(X))
    with pytest.raises(ValueError, match="non-numeric"):
        BlockTransformer(validate=True).fit(
            dd.from_pandas(pd.DataFrame({"s": ["a", "b"]}), npartitions=1)
        )


def _row_normalise(block):
    return block / block.sum(axis=1, keepdims=True)


def _row_sums(block):
    return block.sum(axis=1, keepdims=True)


def _row_norms(block):
    return np.sqrt((block**2).sum(axis=1))


@pytest.mark.parametrize("validate", [False, True])
def test_row_wise_functions_see_whole_rows_whatever_the_column_chunks(validate):
    X = np.arange(1.0, 25.0).reshape(8, 3)
    Xd = da.from_array(X, chunks=(3, 1))  # three column blocks
    for func in (_row_normalise, _row_sums, _row_norms):
        out = BlockTransformer(func, validate=validate).fit(Xd).transform(Xd)
        expected = func(X)
        assert out.shape == expected.shape  # known before compute, not guessed from the input
        got = out.compute()
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-15)


def _boom(block):
    raise RuntimeError("boom in func")


@pytest.mark.parametrize("container", ["dask", "frame"])
def test_a_func_that_drops_rows_raises(container):
    X = np.arange(200.0).reshape(100, 2)
    Xd = (
        da.from_array(X, chunks=10)
        if container == "dask"
        else dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=4)
    )
    out = BlockTransformer(lambda b: b[:5]).fit_transform(Xd)
    with pytest.raises(ValueError, match=r"5 rows for a block of \d+ rows.*must keep the rows"):
        out.compute()


def test_a_dtype_that_contradicts_the_lazy_one_raises():
    X = da.from_array(np.arange(200.0).reshape(100, 2), chunks=10)
    # float on an empty block (what the lazy result promises), int on real blocks
    func = lambda b: b.astype(np.int64) if len(b) else b  # noqa: E731
    out = BlockTransformer(func).fit_transform(X)
    assert out.dtype == np.float64
    with pytest.raises(ValueError, match="dtype int64.*dtype float64 was expected"):
        out.compute()


@pytest.mark.parametrize("container", ["dask", "frame"])
def test_the_error_of_func_is_the_one_users_see(container):
    # not dask's advice to pass a `dtype` keyword, which BlockTransformer does not have
    X = np.ones((20, 2))
    Xd = (
        da.from_array(X, chunks=10)
        if container == "dask"
        else dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=2)
    )
    out = BlockTransformer(_boom).fit_transform(Xd)
    with pytest.raises(RuntimeError, match="^boom in func$"):
        out.compute()
