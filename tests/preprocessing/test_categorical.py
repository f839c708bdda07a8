"""Categorizer and DummyEncoder on pandas and dask DataFrames."""

import pickle
import warnings

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
    with pytest.raises(ValueError, match="not in X"):
        Categorizer(columns=["zz"]).fit(frame)


@pytest.mark.parametrize("container", ["pandas", "dask"])
def test_categorizer_categories_and_columns_as_dask_ml_documents(container):
    # dask-ml: `categories` maps columns to CategoricalDtypes or (categories, ordered)
    # tuples; `columns` is ignored when `categories` is given
    frame = _frame()
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same columns in both: nothing is ignored
        ce = Categorizer(categories={"s": ["c", "b", "a"]}, columns=["s"]).fit(X)
    assert ce.categories_ == {"s": pd.CategoricalDtype(["c", "b", "a"])}
    assert list(ce.columns_) == ["s"]
    out = _compute(ce.transform(X))
    assert out["s"].dtype == pd.CategoricalDtype(["c", "b", "a"])
    assert out["t"].dtype == X["t"].dtype  # not categorised: not in `categories`
    np.testing.assert_array_equal(out["s"].cat.codes.to_numpy(), [1, 2, -1, 1, 0, 2])
    ce = Categorizer(categories={"t": (["y", "x"], True)}).fit(X)
    assert ce.categories_ == {"t": pd.CategoricalDtype(["y", "x"], ordered=True)}
    assert _compute(ce.transform(X))["t"].cat.ordered
    with pytest.warns(UserWarning, match="`columns` is ignored when `categories` is given"):
        ce = Categorizer(categories={"s": ["a", "b", "c"]}, columns=["t"]).fit(X)
    assert list(ce.columns_) == ["s"]
    with pytest.raises(TypeError, match="CategoricalDtype"):
        Categorizer(categories={"s": "abc"}).fit(X)


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
    # dask-ml's wording comes first
    with pytest.raises(ValueError, match="Columns of 'X' do not match the training columns"):
        DummyEncoder().fit(frame).transform(frame[["s", "a", "t", "f"]])


@pytest.mark.parametrize("container", ["pandas", "dask"])
@pytest.mark.parametrize("drop_first", [False, True])
def test_dummy_encoder_attributes_as_dask_ml_documents(container, drop_first):
    # dask-ml's example: A (int) passes through, B (categorical) becomes B_a, B_b
    data = pd.DataFrame({"A": [1, 2, 3, 4], "B": pd.Categorical(["a", "a", "a", "b"])})
    X = data if container == "pandas" else dd.from_pandas(data, npartitions=2)
    de = DummyEncoder(drop_first=drop_first).fit(X)
    assert list(de.columns_) == ["A", "B"]
    assert list(de.non_categorical_columns_) == ["A"]
    assert list(de.categorical_columns_) == ["B"]
    assert de.dtypes_ == {"B": pd.CategoricalDtype(["a", "b"])}
    assert de.categorical_blocks_ == {"B": slice(1, 2 if drop_first else 3)}
    out = _compute(de.transform(X))
    expected = pd.get_dummies(data, drop_first=drop_first)
    pd.testing.assert_frame_equal(out, expected)
    for col, block in de.categorical_blocks_.items():
        assert all(c.startswith(f"{col}_") for c in de.transformed_columns_[block])
    # several categorical columns: consecutive blocks after the passed-through columns
    two = data.assign(C=pd.Categorical(["x", "y", "z", "x"]), D=[0.5, 1.5, 2.5, 3.5])
    de = DummyEncoder(drop_first=drop_first).fit(two)
    k = 1 if drop_first else 0
    assert de.categorical_blocks_ == {"B": slice(2, 4 - k), "C": slice(4 - k, 7 - 2 * k)}
    assert list(de.transformed_columns_) == list(pd.get_dummies(two, drop_first=drop_first).columns)


@pytest.mark.parametrize("kind", ["numpy", "dask-array", "pandas", "dask"])
def test_dummy_encoder_inverse_transform_of_every_input_kind(kind):
    # dask-ml: a NumPy array or pandas DataFrame gives a pandas DataFrame, a dask array or
    # dask DataFrame a dask DataFrame
    frame = Categorizer().fit_transform(_frame()[["a", "s", "t"]])
    de = DummyEncoder().fit(frame)
    out = de.transform(frame)
    X = {
        "numpy": out.to_numpy(dtype=np.float64),
        "dask-array": da.from_array(out.to_numpy(dtype=np.float64), chunks=(2, -1)),
        "pandas": out,
        "dask": dd.from_pandas(out, npartitions=3),
    }[kind]
    back = de.inverse_transform(X)
    assert isinstance(back, dd.DataFrame if kind.startswith("dask") else pd.DataFrame)
    back = _compute(back)
    assert list(back.columns) == ["a", "s", "t"]
    for col in ("s", "t"):
        assert back[col].dtype == frame[col].dtype
        pd.testing.assert_series_equal(
            back[col].reset_index(drop=True), frame[col].reset_index(drop=True)
        )
    np.testing.assert_array_equal(back["a"].to_numpy(dtype=np.float64), frame["a"].to_numpy())


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


@pytest.mark.parametrize("container", ["pandas", "dask"])
@pytest.mark.parametrize("encoder", ["DummyEncoder", "OrdinalEncoder"])
def test_frame_encoders_warn_when_string_columns_would_pass_through(encoder, container):
    from dask_scale.preprocessing import OrdinalEncoder

    cls = {"DummyEncoder": DummyEncoder, "OrdinalEncoder": OrdinalEncoder}[encoder]
    frame = pd.DataFrame({"A": [1, 2], "B": ["a", "b"]})
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=1)
    # nothing categorical: the string column would silently pass through
    with pytest.warns(UserWarning, match=rf"{encoder} .* has no categorical column \(string "
                      r"columns \['B'\]\): they pass through unchanged") as record:
        enc = cls().fit(X)
    assert record[0].filename == __file__  # points at the caller of fit
    out = enc.transform(X)
    assert list(out.columns) == ["A", "B"]
    # a categorical column next to a string column: the string column is named
    mixed = frame.assign(C=pd.Categorical(["x", "y"]))
    Xm = mixed if container == "pandas" else dd.from_pandas(mixed, npartitions=1)
    with pytest.warns(UserWarning, match=r"has string columns \['B'\]"):
        cls().fit(Xm)
    # nothing left unencoded that could be: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls().fit(Xm[["A", "C"]])
        cls(columns=["C"]).fit(Xm)


@pytest.mark.parametrize("container", ["pandas", "dask", "numpy"])
@pytest.mark.parametrize(
    "params",
    [{}, {"columns": ["B"]}, {"columns": ("B",)}, {"categories": {"B": ["a", "b"]}}],
)
def test_categorizer_columns_is_a_pandas_index_as_dask_ml_documents(params, container):
    # dask-ml documents ``columns_ : pandas.Index`` (its code keeps a given list as it is)
    frame = pd.DataFrame({"A": [1, 2, 3], "B": ["a", "a", "b"]})
    X = {
        "pandas": frame,
        "dask": dd.from_pandas(frame, npartitions=2),
        "numpy": frame[["A"]].to_numpy(),
    }[container]
    if container == "numpy" and params:
        pytest.skip("an array has no columns to name")
    ce = Categorizer(**params).fit(X)
    assert isinstance(ce.columns_, pd.Index)
    assert list(ce.columns_) == ([] if container == "numpy" else ["B"])
