"""Categorizer and DummyEncoder on pandas and dask DataFrames."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from dask_scale.preprocessing import Categorizer, DummyEncoder


def _frame():
    return pd.DataFrame({
        "a": [1, 2, 3, 4, 5, 6],
        "s": pd.Series(["b", "a", None, "b", "c", "a"], dtype=object),
        "t": pd.Series(["x", "y", "x", "x", "y", "x"], dtype="str"),
        "f": [0.5, 1.5, np.nan, 2.0, 1.0, 0.0],
    })


def _compute(x):
    return x.compute() if hasattr(x, "compute") else x


@pytest.mark.parametrize("container", ["pandas", "dask"])
def test_categorizer_finds_sorted_categories(container):
    frame = _frame()
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=3)
    ce = Categorizer().fit(X)
    assert list(ce.columns_) == ["s", "t"]
    assert list(ce.categories_["s"].categories) == ["a", "b", "c"]
    assert list(ce.categories_["t"].categories) == ["x", "y"]
    out = _compute(ce.transform(X))
    assert isinstance(out["s"].dtype, pd.CategoricalDtype)
    assert out["a"].dtype == np.int64
    # same values as pandas' own conversion
    expected = frame["s"].astype("category")
    np.testing.assert_array_equal(out["s"].cat.codes.to_numpy(), expected.cat.codes.to_numpy())
    if container == "dask":
        assert ce.transform(X)["s"].cat.known


def test_categorizer_parameters():
    frame = _frame()
    dtype = pd.CategoricalDtype(["c", "b", "a"])
    ce = Categorizer(categories={"s": dtype}).fit(frame)
    assert ce.categories_ == {"s": dtype}
    assert ce.transform(frame)["s"].dtype == dtype
    ce = Categorizer(columns=["a"]).fit(dd.from_pandas(frame, npartitions=2))
    assert list(ce.categories_["a"].categories) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="either"):
        Categorizer(categories={"s": dtype}, columns=["s"]).fit(frame)
    with pytest.raises(ValueError, match="not in X"):
        Categorizer(columns=["zz"]).fit(frame)


def test_dataframe_transformers_and_arrays():
    X = np.arange(6.0).reshape(3, 2)
    for est in (Categorizer(), DummyEncoder()):
        np.testing.assert_array_equal(est.fit(X).transform(X), X)  # nothing to encode
        with pytest.raises(TypeError, match="DataFrame"):
            est.fit(np.array([["a"], ["b"]], dtype=object))
        with pytest.raises(TypeError, match="DataFrame"):
            est.fit(da.from_array(X, chunks=2))


@pytest.mark.parametrize("container", ["pandas", "dask"])
@pytest.mark.parametrize("drop_first", [False, True])
def test_dummy_encoder_round_trip(container, drop_first):
    frame = Categorizer().fit_transform(_frame())
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=3)
    de = DummyEncoder(drop_first=drop_first).fit(X)
    expected = pd.get_dummies(frame, drop_first=drop_first)
    assert list(de.transformed_columns_) == list(expected.columns)
    assert list(de.categorical_columns_) == ["s", "t"]
    assert list(de.non_categorical_columns_) == ["a", "f"]
    out = de.transform(X)
    assert type(out) is type(X)
    pd.testing.assert_frame_equal(_compute(out), expected)
    assert list(de.get_feature_names_out()) == [str(c) for c in expected.columns]
    back = _compute(de.inverse_transform(out))
    # with drop_first, a missing value and the first category are both all-zero rows
    keep = frame["s"].notna() if drop_first else slice(None)
    pd.testing.assert_frame_equal(back[keep], frame[keep])


def test_dummy_encoder_computes_unknown_dask_categories_and_checks_columns():
    frame = _frame()
    X = dd.from_pandas(frame, npartitions=2)
    X = X.assign(t=X["t"].astype("category"))  # unknown categories in dask
    de = DummyEncoder().fit(X)
    assert list(de.dtypes_["t"].categories) == ["x", "y"]
    out = de.transform(X).compute()
    assert list(out.columns[-2:]) == ["t_x", "t_y"]
    with pytest.raises(ValueError, match="not categorical"):
        DummyEncoder(columns=["a"]).fit(frame)
    with pytest.raises(ValueError, match="feature names should match"):
        DummyEncoder().fit(frame).transform(frame[["a", "s"]])


def test_pickle():
    frame = _frame()
    ce = Categorizer().fit(dd.from_pandas(frame, npartitions=2))
    again = pickle.loads(pickle.dumps(ce))
    pd.testing.assert_frame_equal(again.transform(frame), ce.transform(frame))


def test_dummy_columns_are_numpy_bool_for_pandas_and_dask_alike():
    # dask turns object/str columns into "string" ones, whose categories would give
    # pandas' nullable "boolean" dummies: the output dtypes must not depend on the input kind
    frame = _frame()
    pandas_out = DummyEncoder().fit_transform(Categorizer().fit_transform(frame))
    dframe = dd.from_pandas(frame, npartitions=3)
    dask_out = DummyEncoder().fit_transform(Categorizer().fit_transform(dframe))
    assert dict(dask_out.dtypes) == dict(pandas_out.dtypes)
    computed = dask_out.compute()
    assert dict(computed.dtypes) == dict(pandas_out.dtypes)
    dummies = [c for c in pandas_out.columns if c[:2] in ("s_", "t_")]
    assert dummies and all(pandas_out[c].dtype == np.dtype(bool) for c in dummies)
    np.testing.assert_array_equal(computed[dummies].to_numpy(), pandas_out[dummies].to_numpy())
