"""PolynomialFeatures: bit for bit scikit-learn's, on arrays and DataFrames."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp

from dask_scale.preprocessing import PolynomialFeatures

X = np.random.default_rng(0).lognormal(size=(200, 3))


@pytest.mark.parametrize("degree", [0, 1, 2, 3, (2, 3)])
@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("include_bias", [True, False])
def test_matches_sklearn_exactly(degree, interaction_only, include_bias):
    if degree == 0 and not include_bias:
        with pytest.raises(ValueError, match="empty output"):
            PolynomialFeatures(degree, include_bias=False).fit(X)
        return
    params = dict(interaction_only=interaction_only, include_bias=include_bias)
    ours = PolynomialFeatures(degree, **params).fit(da.from_array(X, chunks=(50, 3)))
    ref = skp.PolynomialFeatures(degree, **params).fit(X)
    assert ours.n_output_features_ == ref.n_output_features_
    np.testing.assert_array_equal(ours.powers_, ref.powers_)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    np.testing.assert_array_equal(ours.transform(X), ref.transform(X))
    np.testing.assert_array_equal(ours.transform(da.from_array(X, chunks=(50, 3))).compute(),
                                  ref.transform(X))


def test_dataframes_and_errors():
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    dframe = dd.from_pandas(frame, npartitions=3)
    out = PolynomialFeatures(preserve_dataframe=True).fit(dframe).transform(dframe)
    assert isinstance(out, dd.DataFrame)
    assert list(out.columns)[:5] == ["1", "a", "b", "c", "a^2"]
    np.testing.assert_array_equal(out.compute().to_numpy(),
                                  skp.PolynomialFeatures().fit_transform(X))
    arr = PolynomialFeatures().fit(dframe).transform(dframe)  # dask-ml's default: an array
    assert isinstance(arr, da.Array)
    with pytest.raises(ValueError, match="min_degree <= max_degree"):
        PolynomialFeatures((3, 2)).fit(X)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PolynomialFeatures().fit(X).transform(da.from_array(Xn, chunks=(50, 3))).compute()


def _frame(dtype):
    rng = np.random.default_rng(2)
    index = pd.Index(np.arange(500, 500 - 2 * 90, -2), name="row")  # non-default, decreasing
    if dtype == "mixed":
        data = {"a": rng.normal(size=90).astype(np.float32), "i": rng.integers(0, 9, 90)}
    else:
        data = {"a": rng.normal(size=90).astype(dtype), "b": rng.normal(size=90).astype(dtype)}
    return pd.DataFrame(data, index=index)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, "mixed"])
@pytest.mark.parametrize("container", ["numpy", "dask", "pandas", "dask-frame", "dask-unknown"])
@pytest.mark.parametrize("preserve_dataframe", [False, True])
def test_preserve_dataframe(dtype, container, preserve_dataframe):
    frame = _frame(dtype)
    if container == "dask-frame":
        frame = frame.sort_index()  # from_pandas with divisions needs a sorted index
    X = frame.to_numpy()
    Xc = {
        "numpy": X,
        "dask": da.from_array(X, chunks=(40, 2)),
        "pandas": frame,
        "dask-frame": dd.from_pandas(frame, npartitions=3),
        "dask-unknown": dd.from_pandas(frame, npartitions=3, sort=False),
    }[container]
    if container == "dask-unknown":
        assert not Xc.known_divisions
    ref = skp.PolynomialFeatures(degree=3).fit(frame)
    expected = ref.transform(frame)
    ours = PolynomialFeatures(degree=3, preserve_dataframe=preserve_dataframe).fit(Xc)
    out = ours.transform(Xc)
    is_frame = container in ("pandas", "dask-frame", "dask-unknown")
    if not (preserve_dataframe and is_frame):
        assert isinstance(out, np.ndarray if container in ("numpy", "pandas") else da.Array)
        got = out if isinstance(out, np.ndarray) else out.compute()
    else:
        names = list(ref.get_feature_names_out())
        if container == "pandas":
            assert isinstance(out, pd.DataFrame)
            computed = out
        else:
            assert isinstance(out, dd.DataFrame)
            assert out.divisions == Xc.divisions
            assert list(out.columns) == names
            assert all(t == expected.dtype for t in out.dtypes)
            computed = out.compute()
        assert list(computed.columns) == names
        pd.testing.assert_index_equal(computed.index, frame.index)
        assert all(t == expected.dtype for t in computed.dtypes)
        got = computed.to_numpy()
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)  # bit for bit
