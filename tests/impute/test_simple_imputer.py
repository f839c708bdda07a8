"""SimpleImputer: statistics and outputs equal to scikit-learn's (median/mode exactly)."""

import pickle
import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.impute import SimpleImputer as SkImputer

from dask_scale.impute import SimpleImputer

STRATEGIES = ["mean", "median", "most_frequent", "constant"]


def _data(n=400, seed=0, missing=np.nan):
    rng = np.random.default_rng(seed)
    X = np.column_stack([
        rng.normal(size=n),
        rng.integers(0, 6, n).astype(float),   # ties: most_frequent and median on ties
        np.round(rng.lognormal(size=n), 1),
        np.full(n, np.nan),                    # all missing
    ])
    X[rng.random(X.shape) < 0.15] = missing
    if not (isinstance(missing, float) and np.isnan(missing)):
        X[:, 3] = missing
    return X


def _as(X, container, chunks=70):
    if container == "numpy":
        return X
    if container == "dask":
        return da.from_array(X, chunks=(chunks, X.shape[1]))
    return dd.from_pandas(pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])]),
                          npartitions=max(1, X.shape[0] // chunks))


def _np(out):
    return np.asarray(out.compute() if hasattr(out, "compute") else out)


def _both(params, X, Xc):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = SimpleImputer(**params).fit(Xc)
        ref = SkImputer(**params).fit(X)
        return ours, ref, _np(ours.transform(Xc)), ref.transform(X)


@pytest.mark.parametrize("container", ["numpy", "dask", "dask-frame"])
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("extra", [{}, {"add_indicator": True}, {"keep_empty_features": True}])
def test_matches_sklearn(container, strategy, extra):
    X = _data()
    params = dict(strategy=strategy, **extra)
    Xc = _as(X, container)
    Xref = Xc.compute() if container == "dask-frame" else X  # same column names
    ours, ref, out, expected = _both(params, Xref, Xc)
    got = np.asarray(ours.statistics_, dtype=float)
    want = np.asarray(ref.statistics_, dtype=float)
    if strategy == "mean":
        # sums accumulated block by block: equal up to rounding
        np.testing.assert_allclose(got, want, rtol=1e-13)
        np.testing.assert_allclose(out, expected, rtol=1e-13)
    else:
        # exact algorithms: bit for bit
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(out, expected)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    if extra.get("add_indicator"):
        np.testing.assert_array_equal(ours.indicator_.features_, ref.indicator_.features_)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_numeric_missing_marker(strategy):
    X = _data(missing=-1.0)
    ours, ref, out, expected = _both(
        dict(strategy=strategy, missing_values=-1, add_indicator=True), X, _as(X, "dask")
    )
    np.testing.assert_allclose(np.asarray(ours.statistics_, dtype=float),
                               np.asarray(ref.statistics_, dtype=float), rtol=1e-13)
    np.testing.assert_allclose(out, expected, rtol=1e-13)


def test_integer_input_most_frequent_keeps_integers_and_breaks_ties_low():
    X = np.array([[3, 1], [1, 1], [3, 2], [1, 2], [-1, 7]])
    Xd = da.from_array(X, chunks=(2, 2))
    ours = SimpleImputer(strategy="most_frequent", missing_values=-1).fit(Xd)
    ref = SkImputer(strategy="most_frequent", missing_values=-1).fit(X)
    np.testing.assert_array_equal(ours.statistics_, ref.statistics_)
    assert ours.statistics_[0] == 1 and ours.statistics_[1] == 1  # ties: smallest
    out = ours.transform(Xd).compute()
    assert out.dtype == X.dtype
    np.testing.assert_array_equal(out, ref.transform(X))


@pytest.mark.parametrize("strategy", ["most_frequent", "constant"])
def test_strings_in_dask_frames(strategy):
    frame = pd.DataFrame({
        "s": pd.Series(["a", np.nan, "b", "b", "a", np.nan, "c"], dtype=object),
        "t": pd.Series(["x", "y", None, "y", "x", "x", None], dtype="str"),
        "n": [1.0, 2.0, np.nan, 2.0, 5.0, 5.0, 5.0],
    })
    dframe = dd.from_pandas(frame, npartitions=3)
    params = dict(strategy=strategy, add_indicator=True)
    ours = SimpleImputer(**params).fit(dframe)
    ref = SkImputer(**params).fit(frame)
    np.testing.assert_array_equal(ours.statistics_, ref.statistics_)
    out = ours.transform(dframe)
    assert isinstance(out, dd.DataFrame)
    assert list(out.columns) == list(ref.get_feature_names_out())
    np.testing.assert_array_equal(out.compute().to_numpy(), ref.transform(frame))
    np.testing.assert_array_equal(ours.transform(frame), ref.transform(frame))


def test_errors():
    frame = dd.from_pandas(pd.DataFrame({"s": ["a", "b"]}), npartitions=1)
    with pytest.raises(ValueError, match="non-numeric"):
        SimpleImputer(strategy="mean").fit(frame)
    X = _data()
    X[3, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SimpleImputer(strategy="median").fit(_as(X, "dask"))
    with pytest.raises(ValueError, match="cannot be cast"):
        SimpleImputer(strategy="constant", fill_value="x").fit(_data())
    with pytest.raises(ValueError, match="both numerical"):
        SimpleImputer(missing_values="a").fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="add_indicator=True"):
        SimpleImputer().fit(_data()).inverse_transform(_data())


def test_all_missing_features_are_dropped_with_a_warning():
    X = _data()
    est = SimpleImputer(strategy="median").fit(_as(X, "dask"))
    assert np.isnan(est.statistics_[3])
    with pytest.warns(UserWarning, match="Skipping features without any observed values"):
        out = est.transform(_as(X, "dask"))
    assert out.shape[1] == 3


def test_inverse_transform():
    X = _data()
    ours = SimpleImputer(add_indicator=True).fit(X)
    ref = SkImputer(add_indicator=True).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Xt = ref.transform(X)
    np.testing.assert_array_equal(ours.inverse_transform(Xt), ref.inverse_transform(Xt))
    np.testing.assert_array_equal(
        ours.inverse_transform(da.from_array(Xt, chunks=(100, Xt.shape[1]))).compute(),
        ref.inverse_transform(Xt),
    )


@settings(max_examples=15, deadline=None)
@given(chunks=st.lists(st.integers(1, 40), min_size=1, max_size=6), seed=st.integers(0, 99))
def test_chunking_does_not_change_median_or_mode(chunks, seed):
    X = _data(n=sum(chunks), seed=seed)[:, :3]
    Xd = da.from_array(X, chunks=(tuple(chunks), 3))
    for strategy in ("median", "most_frequent"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = SkImputer(strategy=strategy, keep_empty_features=True).fit(X)
        ours = SimpleImputer(strategy=strategy, keep_empty_features=True).fit(Xd)
        np.testing.assert_array_equal(ours.statistics_, ref.statistics_)


def test_pickle():
    X = _data()
    est = SimpleImputer(strategy="median", add_indicator=True).fit(_as(X, "dask"))
    again = pickle.loads(pickle.dumps(est))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(again.transform(X), est.transform(X))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # string columns keep the input's string dtype, numbers stay numbers
        ({"strategy": "most_frequent"}, ["string", "str", "float64", "int64", "float64"]),
        # indicators are bool; a string filled into a numeric column makes it object
        (
            {"strategy": "constant", "add_indicator": True},
            ["string", "str", "object", "object", "object"] + ["bool"] * 4,
        ),
        # a number filled into a string column makes it object
        ({"strategy": "constant", "fill_value": 0}, ["object", "object", "float64", "int64",
                                                     "float64"]),
    ],
)
def test_string_frame_output_dtypes_are_per_column_and_equal_to_the_meta(params, expected,
                                                                         tmp_path):
    frame = pd.DataFrame({
        "s": pd.Series(["a", None, "b", "a", "c", None], dtype="string"),
        "c": pd.Categorical(["x", "y", None, "y", "x", "y"]),
        "f": [1.0, np.nan, 2.0, 3.0, 3.0, 1.0],
        "i": [1, 2, 3, 4, 4, 4],
        "n": pd.array([1, None, 1, 2, 2, 1], dtype="Int64"),
    })
    dframe = dd.from_pandas(frame, npartitions=3)
    ours = SimpleImputer(**params).fit(dframe)
    out = ours.transform(dframe)
    computed = out.compute()
    assert [str(t) for t in out.dtypes] == expected
    pd.testing.assert_series_equal(out._meta.dtypes, computed.dtypes)
    # the values are scikit-learn's (its output is one object array)
    plain = frame.astype({"s": object, "c": object, "n": object}).replace({pd.NA: np.nan})
    ref = SkImputer(**params).fit_transform(plain)
    got = computed.to_numpy(dtype=object)
    assert got.shape == ref.shape
    for j in range(ref.shape[1]):
        assert list(got[:, j]) == list(ref[:, j]), j
    if "object" not in expected:
        out.to_parquet(tmp_path / "out")
        back = dd.read_parquet(tmp_path / "out").compute()
        # (Parquet has one string type: pandas "str" comes back as "string")
        pd.testing.assert_frame_equal(back, computed, check_dtype=False)


def test_string_frame_then_scaler():
    """The float column of a mixed imputed frame stays float, so a scaler accepts it."""
    from dask_scale.compose import ColumnTransformer
    from dask_scale.preprocessing import StandardScaler

    frame = pd.DataFrame({"s": ["a", None, "b", "a"], "f": [1.0, np.nan, 2.0, 3.0]})
    dframe = dd.from_pandas(frame, npartitions=2)
    imputed = SimpleImputer(strategy="most_frequent").fit_transform(dframe)
    assert imputed.dtypes["f"] == np.float64
    scaled = StandardScaler().fit_transform(imputed[["f"]]).compute()
    np.testing.assert_allclose(scaled["f"], (np.array([1, 1, 2, 3]) - 1.75) / np.std([1, 1, 2, 3]))
    ct = ColumnTransformer([("sc", StandardScaler(), ["f"])], remainder="passthrough")
    assert list(ct.fit_transform(imputed).compute().columns) == ["sc__f", "remainder__s"]


# -- DataFrames: index, divisions, columns and dtypes of the output ----------------------


def _frames():
    """Frames with a non-default index, one per dtype case, with missing values to fill."""
    rng = np.random.default_rng(5)
    n = 60
    index = pd.Index(np.arange(1000, 1000 + 3 * n, 3), name="key")
    f32 = rng.normal(size=(n, 2)).astype(np.float32)
    f32[rng.random(f32.shape) < 0.2] = np.nan
    ints = rng.integers(0, 4, size=(n, 2))
    ints[rng.random(ints.shape) < 0.2] = -1
    return {
        # float32 columns stay float32 (as scikit-learn keeps float32 arrays)
        "float32": (pd.DataFrame(f32, columns=["a", "b"], index=index), {}),
        # int columns imputed with an int (missing marker -1) stay int64
        "int64": (
            pd.DataFrame(ints, columns=["i", "j"], index=index),
            {"missing_values": -1, "strategy": "most_frequent"},
        ),
        # mixed float32 / int64 columns: one float64 array, as scikit-learn's output
        "mixed": (
            pd.DataFrame({"a": f32[:, 0], "i": ints[:, 0].astype(np.int64)}, index=index),
            {},
        ),
    }


@pytest.mark.parametrize("case", ["float32", "int64", "mixed"])
@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent", "constant"])
@pytest.mark.parametrize("container", ["numpy", "dask", "pandas", "dask-frame", "dask-unknown"])
def test_dataframe_outputs_keep_index_and_dtypes(case, strategy, container):
    frame, params = _frames()[case]
    params = {"strategy": strategy, **params}
    if case == "int64" and strategy == "mean":
        params["strategy"] = "median"
    X = frame.to_numpy()
    Xc = {
        "numpy": X,
        "dask": da.from_array(X, chunks=(25, 2)),
        "pandas": frame,
        "dask-frame": dd.from_pandas(frame, npartitions=3),
        "dask-unknown": dd.from_pandas(frame, npartitions=3).clear_divisions(),
    }[container]
    ref = SkImputer(**params).fit(frame)
    expected = ref.transform(frame)
    ours = SimpleImputer(**params).fit(Xc)
    out = ours.transform(Xc)
    if container in ("numpy", "pandas"):
        # scikit-learn's contract: an ndarray (set_output gives a pandas DataFrame)
        assert isinstance(out, np.ndarray)
    elif container == "dask":
        assert isinstance(out, da.Array)
    else:
        assert isinstance(out, dd.DataFrame)
        assert list(out.columns) == list(ref.get_feature_names_out())
        assert out.divisions == Xc.divisions
        assert all(t == expected.dtype for t in out.dtypes)
        computed = out.compute()
        pd.testing.assert_index_equal(computed.index, frame.index)
        assert all(t == expected.dtype for t in computed.dtypes)
    got = _np(out)
    assert got.dtype == expected.dtype
    # exact for median, most_frequent, constant; the mean is summed in float64 by blocks
    rtol = 1e-6 if strategy == "mean" and expected.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=rtol)


def test_set_output_pandas_keeps_the_index():
    frame, _ = _frames()["float32"]
    out = SimpleImputer().set_output(transform="pandas").fit(frame).transform(frame)
    ref = SkImputer().set_output(transform="pandas").fit(frame).transform(frame)
    assert isinstance(out, pd.DataFrame)
    pd.testing.assert_frame_equal(out, ref, rtol=1e-6)
