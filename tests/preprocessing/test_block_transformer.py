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
