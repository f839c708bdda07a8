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


def _frame(case, n=300):
    rng = np.random.default_rng(4)
    index = pd.Index(rng.permutation(np.arange(10_000, 10_000 + 7 * n, 7)), name="id")
    a = rng.lognormal(size=n)
    a[::11] = np.nan
    if case == "mixed":
        data = {"a": a.astype(np.float32), "i": rng.integers(0, 20, n)}
    else:
        data = {"a": a.astype(case), "b": rng.normal(size=n).astype(case)}
    return pd.DataFrame(data, index=index)


@pytest.mark.parametrize("case", [np.float32, np.float64, "mixed"])
@pytest.mark.parametrize("container", ["numpy", "dask", "pandas", "dask-frame", "dask-unknown"])
def test_dataframe_outputs_keep_index_and_dtypes(case, container):
    frame = _frame(case)
    if container == "dask-frame":
        frame = frame.sort_index()
    X = frame.to_numpy()
    Xc = {
        "numpy": X,
        "dask": da.from_array(X, chunks=(70, 2)),
        "pandas": frame,
        "dask-frame": dd.from_pandas(frame, npartitions=4),
        "dask-unknown": dd.from_pandas(frame, npartitions=4, sort=False),
    }[container]
    if container == "dask-unknown":
        assert not Xc.known_divisions
    ref = skp.QuantileTransformer(n_quantiles=100).fit(frame)
    expected = ref.transform(frame)
    ours = QuantileTransformer(n_quantiles=100).fit(Xc)
    assert ours.quantiles_.dtype == ref.quantiles_.dtype  # float64 for float32 input too
    # 300 rows <= subsample: the dask sketch is exact, so the quantiles equal scikit-learn's
    # (float32 columns: NumPy interpolates their percentiles in other precision, 1e-9)
    exact = expected.dtype == np.float64 or container in ("numpy", "pandas")
    rtol = 0 if exact else 1e-8
    np.testing.assert_allclose(ours.quantiles_, ref.quantiles_, rtol=rtol, atol=0)
    out = ours.transform(Xc)
    if container in ("numpy", "pandas"):
        assert isinstance(out, np.ndarray)  # scikit-learn's contract (set_output for pandas)
        got = out
    elif container == "dask":
        assert isinstance(out, da.Array)
        got = out.compute()
    else:
        assert isinstance(out, dd.DataFrame)
        assert out.divisions == Xc.divisions
        assert list(out.columns) == list(ref.get_feature_names_out())
        assert all(t == expected.dtype for t in out.dtypes)
        computed = out.compute()
        pd.testing.assert_index_equal(computed.index, frame.index)
        assert all(t == expected.dtype for t in computed.dtypes)
        got = computed.to_numpy()
    assert got.dtype == expected.dtype
    # float32 outputs of dask input: within one float32 rounding of scikit-learn's
    np.testing.assert_allclose(got, expected, rtol=0, atol=0 if exact else 1.2e-7)
    back = ours.inverse_transform(out)
    if isinstance(Xc, dd.DataFrame):
        assert isinstance(back, dd.DataFrame)
        assert back.divisions == Xc.divisions
        back = back.compute()
        pd.testing.assert_index_equal(back.index, frame.index)
        assert list(back.columns) == list(frame.columns)
    np.testing.assert_allclose(_np(back), ref.inverse_transform(expected), rtol=1e-6)


def test_set_output_pandas_keeps_the_index():
    frame = _frame(np.float64)
    out = QuantileTransformer(n_quantiles=50).set_output(transform="pandas").fit_transform(frame)
    ref = skp.QuantileTransformer(n_quantiles=50).set_output(transform="pandas").fit_transform(frame)
    pd.testing.assert_frame_equal(out, ref)
