"""QuantileTransformer against scikit-learn."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale.preprocessing import QuantileTransformer
from dask_scale.preprocessing._sketch import rank_error_bound


def _data(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.lognormal(size=n), rng.integers(0, 5, n).astype(float),
                         rng.normal(size=n)])
    X[::13, 0] = np.nan
    return X


def _np(out):
    return np.asarray(out.compute() if hasattr(out, "compute") else out)


@pytest.mark.parametrize("output_distribution", ["uniform", "normal"])
@pytest.mark.parametrize("container", ["numpy", "dask", "dask-frame"])
def test_matches_sklearn(output_distribution, container):
    X = _data()
    if container == "numpy":
        Xc = X
    elif container == "dask":
        Xc = da.from_array(X, chunks=(400, 3))
    else:
        Xc = dd.from_pandas(pd.DataFrame(X, columns=list("abc")), npartitions=4)
    ours = QuantileTransformer(n_quantiles=300, output_distribution=output_distribution).fit(Xc)
    ref = skp.QuantileTransformer(n_quantiles=300, output_distribution=output_distribution).fit(X)
    # 1500 rows <= subsample: the dask sketch is exact, so the quantiles are equal
    np.testing.assert_array_equal(ours.quantiles_, ref.quantiles_)
    np.testing.assert_array_equal(ours.references_, ref.references_)
    assert ours.n_quantiles_ == ref.n_quantiles_
    out = ours.transform(Xc)
    np.testing.assert_array_equal(_np(out), ref.transform(X))
    back = ours.inverse_transform(out)
    np.testing.assert_allclose(_np(back), ref.inverse_transform(ref.transform(X)), rtol=1e-12)
    if container == "dask-frame":
        assert isinstance(out, dd.DataFrame) and list(out.columns) == list("abc")


def test_numpy_subsampling_is_scikit_learns():
    X = np.random.default_rng(1).normal(size=(5000, 2))
    ours = QuantileTransformer(n_quantiles=100, subsample=1000, random_state=3).fit(X)
    ref = skp.QuantileTransformer(n_quantiles=100, subsample=1000, random_state=3).fit(X)
    np.testing.assert_array_equal(ours.quantiles_, ref.quantiles_)


def test_dask_sketch_error_bound_when_larger_than_subsample():
    X = np.random.default_rng(2).standard_exponential(size=(20_000, 1))
    ours = QuantileTransformer(n_quantiles=101, subsample=200).fit(
        da.from_array(X, chunks=(1000, 1))
    )
    # 20 blocks -> 2 merge levels -> eps = 4 / 400
    eps = 4 / 400
    x = X[:, 0]
    for p, q in zip(ours.references_, ours.quantiles_[:, 0], strict=True):
        assert np.count_nonzero(x < q) <= p * (x.size - 1) + eps * x.size + 1
        assert np.count_nonzero(x <= q) >= p * (x.size - 1) - eps * x.size


def test_errors_and_warnings():
    X = _data(n=50)
    with pytest.raises(ValueError, match="sparse"):
        QuantileTransformer(ignore_implicit_zeros=True).fit(X)
    with pytest.raises(ValueError, match="cannot be greater"):
        QuantileTransformer(n_quantiles=100, subsample=10).fit(X)
    with pytest.warns(UserWarning, match="n_quantiles is set to n_samples"):
        est = QuantileTransformer(n_quantiles=100).fit(da.from_array(X, chunks=(20, 3)))
    assert est.n_quantiles_ == 50


def test_pickle():
    X = _data()
    est = QuantileTransformer(n_quantiles=50).fit(da.from_array(X, chunks=(500, 3)))
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.transform(X), est.transform(X))


_SKETCHED = np.random.default_rng(5).standard_exponential(size=(6000, 2))


@settings(max_examples=15, deadline=None)
@given(
    cuts=st.lists(st.integers(1, 5999), min_size=1, max_size=40, unique=True),
    frame=st.booleans(),
)
def test_any_chunking_keeps_sketched_quantiles_within_the_stated_bound(cuts, frame):
    # above ``subsample`` rows the quantiles come from the compressed sketch: however the
    # rows are split (arrays or DataFrame partitions), every quantile is within the
    # documented rank error of the exact one
    X = _SKETCHED
    edges = [0, *sorted(cuts), X.shape[0]]
    chunks = tuple(b - a for a, b in zip(edges[:-1], edges[1:], strict=True))
    Xc = da.from_array(X, chunks=(chunks, 2))
    if frame:
        Xc = dd.from_dask_array(Xc, columns=["u", "v"])
    ours = QuantileTransformer(n_quantiles=51, subsample=100).fit(Xc)
    eps = rank_error_bound(len(chunks), 100)
    n = X.shape[0]
    for j in range(2):
        x = X[:, j]
        for p, q in zip(ours.references_, ours.quantiles_[:, j], strict=True):
            assert np.count_nonzero(x < q) <= p * (n - 1) + eps * n + 1
            assert np.count_nonzero(x <= q) >= p * (n - 1) - eps * n
