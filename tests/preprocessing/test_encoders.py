"""OneHotEncoder and OrdinalEncoder against scikit-learn, on arrays and DataFrames."""

import pickle
import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn.preprocessing as skp
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale.preprocessing import OneHotEncoder, OrdinalEncoder


def _frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.choice(np.array(["x", "y", "z"], dtype=object), n)
    s[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({
        "i": rng.integers(0, 4, n),
        "s": pd.Series(s, dtype=object),
        "t": pd.Series(rng.choice(["u", "v"], n), dtype="str"),  # pandas 3 string dtype
        "c": pd.Categorical(rng.choice(["p", "q", "r"], n)),
        "f": np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 3, n) / 2),
    })


def _categories_equal(ours, ref):
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref, strict=True):
        assert len(a) == len(b)
        for u, v in zip(a, b, strict=True):
            assert (u == v) or (pd.isna(u) and pd.isna(v)), (a, b)


def _np(out):
    """A dense NumPy array of an output (sparse matrices and pandas sparse columns too)."""
    out = out.compute() if hasattr(out, "compute") else out
    if sp.issparse(out):
        return out.toarray()
    if isinstance(out, pd.DataFrame) and any(isinstance(d, pd.SparseDtype) for d in out.dtypes):
        return out.sparse.to_dense().to_numpy()
    return np.asarray(out)


@pytest.mark.parametrize("container", ["pandas", "dask-frame"])
@pytest.mark.parametrize("drop", [None, "first", "if_binary"])
@pytest.mark.parametrize("sparse_output", [True, False])
def test_one_hot_matches_sklearn_on_mixed_frames(container, drop, sparse_output):
    frame = _frame()
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=4)
    ours = OneHotEncoder(drop=drop, sparse_output=sparse_output).fit(X)
    ref = skp.OneHotEncoder(drop=drop, sparse_output=sparse_output).fit(frame)
    _categories_equal(ours.categories_, ref.categories_)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    out = ours.transform(X)
    np.testing.assert_array_equal(_np(out), _np(ref.transform(frame)))
    if container == "dask-frame":
        assert isinstance(out, dd.DataFrame)
        assert list(out.columns) == list(ref.get_feature_names_out())
        dtype = pd.SparseDtype(np.float64, 0.0) if sparse_output else np.dtype(np.float64)
        assert (out.dtypes == dtype).all()
        pd.testing.assert_index_equal(out.compute().index, frame.index)
    # inverse_transform gives scikit-learn's values (missing where it has them)
    pd.testing.assert_frame_equal(
        pd.DataFrame(ours.inverse_transform(ref.transform(frame))),
        pd.DataFrame(ref.inverse_transform(ref.transform(frame))),
    )


def test_one_hot_on_dask_arrays_of_numbers_and_strings():
    X = np.random.default_rng(1).integers(0, 5, size=(90, 3)).astype(float)
    ours = OneHotEncoder().fit(da.from_array(X, chunks=(20, 2)))
    ref = skp.OneHotEncoder().fit(X)
    _categories_equal(ours.categories_, ref.categories_)
    out = ours.transform(da.from_array(X, chunks=(20, 3)))
    assert isinstance(out, da.Array) and sp.issparse(out._meta)
    np.testing.assert_array_equal(_np(out), ref.transform(X).toarray())
    S = X.astype(int).astype(str).astype(object)
    ours = OneHotEncoder(sparse_output=False).fit(da.from_array(S, chunks=(20, 3)))
    ref = skp.OneHotEncoder(sparse_output=False).fit(S)
    _categories_equal(ours.categories_, ref.categories_)
    np.testing.assert_array_equal(ours.transform(S), ref.transform(S))


def test_one_hot_given_categories_drop_array_and_combiner():
    frame = _frame()[["i", "t"]]
    cats = [[0, 1, 2, 3, 4], ["u", "v", "w"]]
    params = dict(categories=cats, drop=[4, "u"],
                  feature_name_combiner=lambda f, c: f"{f}={c}")
    ours = OneHotEncoder(**params).fit(dd.from_pandas(frame, npartitions=2))
    ref = skp.OneHotEncoder(sparse_output=False, **params).fit(frame)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    np.testing.assert_array_equal(ours.transform(frame), ref.transform(frame))
    np.testing.assert_array_equal(ours.drop_idx_, ref.drop_idx_)
    with pytest.raises(ValueError, match="unknown categories"):
        OneHotEncoder(categories=[[0, 1], ["u", "v"]]).fit(dd.from_pandas(frame, npartitions=2))


def test_unknown_categories():
    train = pd.DataFrame({"a": ["x", "y", "x"]})
    test = dd.from_pandas(pd.DataFrame({"a": ["x", "w", "y"]}), npartitions=2)
    enc = OneHotEncoder().fit(dd.from_pandas(train, npartitions=1))
    lazy = enc.transform(test)  # lazy: the error comes when the block is computed
    with pytest.raises(ValueError, match=r"unknown categories \['w'\] in column 0"):
        lazy.compute()
    out = OneHotEncoder(handle_unknown="ignore").fit(train).transform(test).compute()
    np.testing.assert_array_equal(out.to_numpy(), [[1, 0], [0, 0], [0, 1]])
    with pytest.warns(UserWarning, match="unknown categories"):
        OneHotEncoder(handle_unknown="warn").fit(train).transform(test.compute())
    with pytest.raises(ValueError, match=r"unknown categories \['w'\] in column 'a'"):
        OrdinalEncoder(columns=["a"]).fit(train).transform(test.compute())
    with pytest.raises(ValueError, match=r"unknown categories \['w'\] in column 0"):
        OrdinalEncoder().fit(train.to_numpy()).transform(test.compute().to_numpy())
    out = OrdinalEncoder(["a"], handle_unknown="use_encoded_value", unknown_value=-1).fit(train)
    np.testing.assert_array_equal(_np(out.transform(test)), [[0], [-1], [1]])


def test_none_and_pd_na_are_the_nan_category():
    # documented: every missing marker of a string column is one category, nan (last)
    X = pd.DataFrame({"a": pd.Series(["x", None, "y", pd.NA, np.nan], dtype=object)})
    enc = OneHotEncoder().fit(X)
    assert list(enc.categories_[0][:2]) == ["x", "y"] and pd.isna(enc.categories_[0][2])
    np.testing.assert_array_equal(_np(enc.transform(X))[:, 2], [0, 1, 0, 1, 1])


def test_sparse_output_numpy():
    X = np.array([[0], [1], [1]])
    ours = OneHotEncoder(sparse_output=True).fit(X).transform(X)
    ref = skp.OneHotEncoder().fit(X).transform(X)
    assert sp.issparse(ours) and ours.format == "csr"
    np.testing.assert_array_equal(ours.toarray(), ref.toarray())


@pytest.mark.parametrize("container", ["numpy", "dask-array"])
def test_ordinal_matches_sklearn_on_arrays(container):
    frame = _frame()
    A = frame.to_numpy(dtype=object)
    A[:, [0, 4]] = A[:, [0, 4]].astype(float)
    X = A if container == "numpy" else da.from_array(A, chunks=(20, 5))
    for params in ({}, {"encoded_missing_value": -1}):
        ours = OrdinalEncoder(**params).fit(X)
        ref = skp.OrdinalEncoder(**params).fit(A)
        _categories_equal(ours.categories_, ref.categories_)
        out = ours.transform(X)
        assert isinstance(out, np.ndarray if container == "numpy" else da.Array)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(_np(out), ref.transform(A))
        inv_ours = pd.DataFrame(_np(ours.inverse_transform(ref.transform(A))))
        inv_ref = pd.DataFrame(ref.inverse_transform(ref.transform(A)))
        pd.testing.assert_frame_equal(inv_ours, inv_ref)


@pytest.mark.parametrize("container", ["pandas", "dask-frame"])
def test_ordinal_named_columns_match_sklearn_on_frames(container):
    # columns= names every column: categories found in the data, sorted as scikit-learn
    # sorts them; with scikit-learn's dtype and missing code the output is its output
    frame = _frame()
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=3)
    ours = OrdinalEncoder(
        columns=list(frame.columns), dtype=np.float64, encoded_missing_value=np.nan
    ).fit(X)
    ref = skp.OrdinalEncoder().fit(frame)
    for j, col in enumerate(frame.columns):
        expected = [c for c in ref.categories_[j] if not pd.isna(c)]
        assert list(ours.dtypes_[col].categories) == expected
    out = ours.transform(X)
    assert isinstance(out, pd.DataFrame if container == "pandas" else dd.DataFrame)
    out = out.compute() if container != "pandas" else out
    assert list(out.columns) == list(frame.columns)
    assert (out.dtypes == np.float64).all()
    np.testing.assert_array_equal(out.to_numpy(), ref.transform(frame))
    pd.testing.assert_index_equal(out.index, frame.index)


def test_ordinal_parameter_errors():
    X = np.array([[0.0], [1.0], [np.nan]])
    with pytest.raises(TypeError, match="unknown_value should only be set"):
        OrdinalEncoder(unknown_value=3).fit(X)
    with pytest.raises(TypeError, match="integer or np.nan"):
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=1.5).fit(X)
    with pytest.raises(ValueError, match="already used"):
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=1).fit(X)
    with pytest.raises(ValueError, match="missing values"):
        OrdinalEncoder(dtype=np.int64).fit(X)
    with pytest.raises(TypeError, match="uniformly strings or numbers"):
        OneHotEncoder().fit(np.array([["a"], [1]], dtype=object))


def test_infinity_is_rejected_in_dask_fit():
    X = np.array([[0.0], [np.inf]])
    with pytest.raises(ValueError, match="infinity"):
        OneHotEncoder().fit(da.from_array(X, chunks=1))


@settings(max_examples=15, deadline=None)
@given(chunks=st.lists(st.integers(1, 25), min_size=1, max_size=5), seed=st.integers(0, 50))
def test_chunking_does_not_change_the_categories(chunks, seed):
    n = sum(chunks)
    X = np.random.default_rng(seed).integers(0, 6, size=(n, 2)).astype(float)
    X[::5, 1] = np.nan
    ours = OneHotEncoder().fit(da.from_array(X, chunks=(tuple(chunks), 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skp.OneHotEncoder().fit(X)
    _categories_equal(ours.categories_, ref.categories_)
    out = ours.transform(da.from_array(X, chunks=(tuple(chunks), 2)))
    np.testing.assert_array_equal(_np(out), ref.transform(X).toarray())


def test_pickle():
    frame = _frame()
    for enc in (OneHotEncoder(), OrdinalEncoder(columns=["s", "t"])):
        enc.fit(dd.from_pandas(frame, npartitions=2))
        again = pickle.loads(pickle.dumps(enc))
        pd.testing.assert_frame_equal(again.transform(frame), enc.transform(frame))


@pytest.mark.parametrize("dtype", ["str", "string[python]", "string[pyarrow]", "category"])
def test_one_hot_string_dtypes_match_sklearn_on_object_twin(dtype):
    # each dtype is factorised on its own (Arrow hashing, categorical codes) in fit and
    # transform; the result must be scikit-learn's on the same values as objects
    rng = np.random.default_rng(3)
    values = rng.choice(np.array(["b", "a", "cc", "d"], dtype=object), 80)
    values[rng.random(80) < 0.15] = None
    frame = pd.DataFrame({"s": pd.Series(values, dtype=dtype), "i": rng.integers(0, 3, 80)})
    twin = frame.astype({"s": object}).fillna({"s": np.nan})
    ref = skp.OneHotEncoder(sparse_output=False).fit(twin)
    for X in (frame, dd.from_pandas(frame, npartitions=3)):
        ours = OneHotEncoder().fit(X)
        _categories_equal(ours.categories_, ref.categories_)
        np.testing.assert_array_equal(_np(ours.transform(X)), ref.transform(twin))
        ords = OrdinalEncoder(["s", "i"], dtype=float, encoded_missing_value=np.nan).fit(X)
        np.testing.assert_array_equal(_np(ords.transform(X)),
                                      skp.OrdinalEncoder().fit(twin).transform(twin))


def test_missing_value_unseen_in_fit_is_unknown():
    train = pd.DataFrame({"a": pd.Series(["x", "y", "x"], dtype="str")})
    test = dd.from_pandas(
        pd.DataFrame({"a": pd.Series(["x", None, "w"], dtype="str")}), npartitions=1
    )
    enc = OneHotEncoder().fit(train)
    with pytest.raises(ValueError, match=r"unknown categories \['nan', 'w'\] in column 0"):
        enc.transform(test).compute()
    out = OneHotEncoder(handle_unknown="ignore").fit(train).transform(test).compute()
    np.testing.assert_array_equal(out.to_numpy(), [[1, 0], [0, 0], [0, 0]])
    out = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(
        train.to_numpy(dtype=object)
    )
    np.testing.assert_array_equal(
        _np(out.transform(test.compute().to_numpy(dtype=object))), [[0], [-1], [-1]]
    )
    # on a DataFrame (dask-ml's encoder) a missing value is missing, not unknown: -1, the
    # code pandas gives it, by default
    out = OrdinalEncoder(["a"], handle_unknown="use_encoded_value", unknown_value=-2).fit(train)
    np.testing.assert_array_equal(_np(out.transform(test)), [[0], [-1], [-2]])


# --------------------------------------------------------------------------------------------
# dask-ml's documented DataFrame behaviour
# --------------------------------------------------------------------------------------------


def _container(frame, kind, npartitions=2):
    return frame if kind == "pandas" else dd.from_pandas(frame, npartitions=npartitions)


def _dask_ml_example():
    return pd.DataFrame({"A": [1, 2, 3, 4], "B": pd.Categorical(["a", "a", "a", "b"])})


@pytest.mark.parametrize("kind", ["pandas", "dask"])
def test_ordinal_on_frames_is_dask_mls_example(kind):
    data = _dask_ml_example()
    X = _container(data, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numbers beside categoricals: nothing to warn about
        enc = OrdinalEncoder().fit(X)
    assert list(enc.columns_) == ["A", "B"]
    assert list(enc.non_categorical_columns_) == ["A"]
    assert list(enc.categorical_columns_) == ["B"]
    assert enc.dtypes_ == {"B": pd.CategoricalDtype(["a", "b"])}
    out = enc.transform(X)
    assert isinstance(out, pd.DataFrame if kind == "pandas" else dd.DataFrame)
    if kind == "dask":
        assert out.dtypes.tolist() == [np.dtype("int64"), np.dtype("int8")]  # lazy meta
        out = out.compute()
    expected = pd.DataFrame({"A": [1, 2, 3, 4], "B": np.array([0, 0, 0, 1], dtype=np.int8)})
    pd.testing.assert_frame_equal(out, expected)
    # the codes are pandas' own codes of the categorical
    np.testing.assert_array_equal(out["B"], data["B"].cat.codes)
    assert list(enc.get_feature_names_out()) == ["A", "B"]


@pytest.mark.parametrize("kind", ["pandas", "dask"])
def test_ordinal_passes_non_categorical_columns_through(kind):
    # dask-ml: only the categorical columns are encoded; the others keep their values,
    # dtypes and positions (floats with NaN and inf, strings, integers, datetimes)
    rng = np.random.default_rng(0)
    n = 40
    f = rng.normal(size=n)
    f[[3, 7]] = [np.nan, np.inf]
    frame = pd.DataFrame({
        "f": f,
        "c1": pd.Categorical(rng.choice(["z", "y", "x"], n), categories=["z", "y", "x"]),
        "s": pd.Series(rng.choice(["u", "v"], n), dtype=object),
        "i": rng.integers(0, 100, n),
        "c2": pd.Categorical(rng.choice([10, 20], n)),
        "t": pd.date_range("2020-01-01", periods=n, freq="D"),
    }, index=np.arange(100, 100 + n))
    X = _container(frame, kind, npartitions=3)
    with pytest.warns(UserWarning, match=r"string columns \['s'\]: they pass through"):
        enc = OrdinalEncoder().fit(X)
    assert list(enc.categorical_columns_) == ["c1", "c2"]
    assert list(enc.non_categorical_columns_) == ["f", "s", "i", "t"]
    out = enc.transform(X)
    out = out.compute() if kind == "dask" else out
    assert list(out.columns) == list(frame.columns)
    pd.testing.assert_index_equal(out.index, frame.index)
    for col in ("f", "s", "i", "t"):
        pd.testing.assert_series_equal(out[col], _container(frame, kind)[col].pipe(
            lambda s: s.compute() if kind == "dask" else s))
    # the dtype's order (z, y, x), not a sorted one, as pandas' codes
    np.testing.assert_array_equal(out["c1"], frame["c1"].cat.codes)
    np.testing.assert_array_equal(out["c2"], frame["c2"].cat.codes)
    assert out["c1"].dtype == np.int8
    _categories_equal(enc.categories_, [np.array(["z", "y", "x"]), np.array([10, 20])])


@pytest.mark.parametrize("kind", ["pandas", "dask"])
def test_ordinal_frames_missing_unknown_and_dtype(kind):
    train = pd.DataFrame({"c": pd.Categorical(["a", "b", None, "a"]), "x": [1.0, 2, 3, 4]})
    X = _container(train, kind)
    out = _np(OrdinalEncoder().fit(X).transform(X))
    np.testing.assert_array_equal(out[:, 0], [0, 1, -1, 0])  # pandas' -1 for missing
    enc = OrdinalEncoder(dtype=np.float64, encoded_missing_value=np.nan).fit(X)
    got = enc.transform(X)
    got = got.compute() if kind == "dask" else got
    assert got["c"].dtype == np.float64
    np.testing.assert_array_equal(got["c"], [0, 1, np.nan, 0])
    # NaN asked for, no dtype: the codes widen to float64
    got = _np(OrdinalEncoder(encoded_missing_value=np.nan).fit(X).transform(X))
    np.testing.assert_array_equal(got[:, 0], [0, 1, np.nan, 0])
    with pytest.raises(ValueError, match="already used to encode a known category"):
        OrdinalEncoder(encoded_missing_value=1).fit(X)
    with pytest.raises(ValueError, match="set encoded_missing_value to a non-nan"):
        OrdinalEncoder(dtype=np.int64, encoded_missing_value=np.nan).fit(X)
    # a categorical of other categories at transform: recoded by the fitted ones, and a
    # value the fitted dtype does not know is an unknown category
    test = pd.DataFrame({"c": pd.Categorical(["b", "q", "a"], categories=["q", "b", "a"]),
                         "x": [0.0, 1, 2]})
    T = _container(test, kind)
    with pytest.raises(ValueError, match=r"unknown categories \['q'\] in column 'c'"):
        _np(OrdinalEncoder().fit(X).transform(T))
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=9).fit(X)
    np.testing.assert_array_equal(_np(enc.transform(T))[:, 0], [1, 9, 0])
    with pytest.raises(ValueError, match="unknown_value 1 is one of the values"):
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=1).fit(X)


@pytest.mark.parametrize("kind", ["numpy", "dask-array", "pandas", "dask"])
def test_ordinal_inverse_transform_of_every_input_kind(kind):
    # dask-ml: NumPy array or pandas DataFrame in gives a pandas DataFrame, a dask array or
    # dask DataFrame a dask DataFrame, the codes back as the fitted categoricals
    data = _dask_ml_example().assign(
        C=pd.Categorical(["q", None, "p", "q"], categories=["q", "p"])
    )
    enc = OrdinalEncoder().fit(data)
    codes = enc.transform(data)
    X = {
        "numpy": codes.to_numpy(),
        "dask-array": da.from_array(codes.to_numpy(), chunks=2),
        "pandas": codes,
        "dask": dd.from_pandas(codes, npartitions=2),
    }[kind]
    back = enc.inverse_transform(X)
    assert isinstance(back, dd.DataFrame if kind.startswith("dask") else pd.DataFrame)
    back = back.compute() if kind.startswith("dask") else back
    assert list(back.columns) == ["A", "B", "C"]
    for col in ("B", "C"):
        pd.testing.assert_series_equal(back[col].reset_index(drop=True), data[col])
    np.testing.assert_array_equal(back["A"].to_numpy(dtype=float), [1, 2, 3, 4])


def test_ordinal_warns_when_a_frame_has_nothing_it_encodes():
    # scikit-learn would encode these columns, dask-ml passes them through: say so
    frame = pd.DataFrame({"i": [3, 1, 2], "f": [0.5, 0.5, 1.0]})
    with pytest.warns(UserWarning, match="has no categorical column"):
        enc = OrdinalEncoder().fit(frame)
    pd.testing.assert_frame_equal(enc.transform(frame), frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = OrdinalEncoder(columns=["i"], dtype=float).fit(frame).transform(frame)
    np.testing.assert_array_equal(out["i"], skp.OrdinalEncoder().fit_transform(frame[["i"]])[:, 0])
    pd.testing.assert_series_equal(out["f"], frame["f"])


def test_ordinal_fitted_on_a_frame_reads_arrays_as_its_columns():
    data = _dask_ml_example()
    enc = OrdinalEncoder().fit(data)
    A = data.to_numpy()
    with pytest.warns(UserWarning, match="feature names"):
        out = enc.transform(A)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out.astype(float), [[1, 0], [2, 0], [3, 0], [4, 1]])
    with pytest.warns(UserWarning, match="feature names"):
        lazy = enc.transform(da.from_array(A, chunks=2))
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute().astype(float), out.astype(float))


def test_ordinal_parameters_that_need_the_other_input_kind():
    data = _dask_ml_example()
    with pytest.raises(ValueError, match="columns= names DataFrame columns"):
        OrdinalEncoder(columns=["B"]).fit(data.to_numpy())
    with pytest.raises(ValueError, match="Categorizer"):
        OrdinalEncoder(categories=[[1, 2, 3, 4], ["a", "b"]]).fit(data)
    with pytest.raises(ValueError, match="not in X"):
        OrdinalEncoder(columns=["Z"]).fit(data)
    # dask-ml's positional `columns`
    assert list(OrdinalEncoder(["A"]).fit(data).categorical_columns_) == ["A"]
    enc = OrdinalEncoder().fit(data)
    with pytest.raises(ValueError, match="Columns of 'X' do not match the training columns"):
        enc.transform(data[["B", "A"]])
    with pytest.raises(ValueError, match="feature names should match"):
        enc.transform(data[["B", "A"]])


@pytest.mark.parametrize("kind", ["pandas", "dask"])
def test_one_hot_frames_give_frames_with_get_dummies_names(kind):
    frame = _frame()
    X = _container(frame, kind, npartitions=3)
    ours = OneHotEncoder().fit(X)
    ref = skp.OneHotEncoder(sparse_output=False).fit(frame)
    out = ours.transform(X)
    assert isinstance(out, pd.DataFrame if kind == "pandas" else dd.DataFrame)
    out = out.compute() if kind == "dask" else out
    assert list(out.columns) == list(ref.get_feature_names_out())
    pd.testing.assert_index_equal(out.index, frame.index)
    np.testing.assert_array_equal(out.to_numpy(), ref.transform(frame))
    # dask-ml names the columns as pandas.get_dummies does (feature_category)
    cats = frame[["c"]]
    got = _np(OneHotEncoder().fit(_container(cats, kind)).transform(_container(cats, kind)))
    dummies = pd.get_dummies(cats, dtype=float)
    assert list(OneHotEncoder().fit(cats).get_feature_names_out()) == list(dummies.columns)
    np.testing.assert_array_equal(got, dummies.to_numpy())
    # dtypes_: the CategoricalDtype of the categorical columns, None for the others
    assert ours.dtypes_ == [None, None, None, frame["c"].dtype, None]
    assert OneHotEncoder().fit(frame.to_numpy()).dtypes_ == [None] * 5


@pytest.mark.parametrize("chunks", ["known", "unknown"])
def test_one_hot_sparse_output_on_dask_arrays_gives_csr_blocks(chunks):
    rng = np.random.default_rng(2)
    A = rng.choice(np.array(["a", "b", "c"], dtype=object), size=(50, 2))
    X = da.from_array(A, chunks=(15, 2))
    if chunks == "unknown":
        X = da.Array(X.dask, X.name, ((np.nan,) * len(X.chunks[0]), X.chunks[1]), meta=X._meta)
    enc = OneHotEncoder(sparse_output=True).fit(X)
    out = enc.transform(X)
    assert isinstance(out, da.Array)
    assert isinstance(out._meta, sp.csr_matrix) and out.dtype == np.float64
    blocks = [b.compute() for b in out.to_delayed().ravel()]
    assert all(sp.issparse(b) and b.format == "csr" for b in blocks)
    ref = skp.OneHotEncoder().fit(A).transform(A)
    np.testing.assert_array_equal(sp.vstack(blocks).toarray(), ref.toarray())
    np.testing.assert_array_equal(_np(enc.inverse_transform(out)), A)
    # drop and handle_unknown='ignore' work on sparse output too
    enc = OneHotEncoder(sparse_output=True, drop="first", handle_unknown="ignore").fit(X)
    ref = skp.OneHotEncoder(drop="first", handle_unknown="ignore").fit(A)
    B = np.array([["a", "z"], ["c", "b"]], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        got = enc.transform(da.from_array(B, chunks=1)).compute()
        np.testing.assert_array_equal(got.toarray(), ref.transform(B).toarray())


@pytest.mark.parametrize("kind", ["pandas", "dask"])
def test_one_hot_sparse_output_on_frames_gives_sparse_columns(kind):
    frame = _frame()[["s", "c"]]
    X = _container(frame, kind, npartitions=3)
    out = OneHotEncoder(sparse_output=True).fit(X).transform(X)
    assert isinstance(out, pd.DataFrame if kind == "pandas" else dd.DataFrame)
    assert all(isinstance(dt, pd.SparseDtype) for dt in out.dtypes)
    out = out.compute() if kind == "dask" else out
    ref = skp.OneHotEncoder(sparse_output=False).fit(frame)
    assert list(out.columns) == list(ref.get_feature_names_out())
    np.testing.assert_array_equal(out.sparse.to_dense().to_numpy(), ref.transform(frame))


def test_one_hot_dask_mls_sparse_spelling_and_unsupported_values():
    X = np.array([["A"], ["B"], ["A"], ["C"]])
    with pytest.warns(FutureWarning, match="`sparse` was renamed `sparse_output`"):
        enc = OneHotEncoder(sparse=False).fit(X)
    assert isinstance(enc.transform(X), np.ndarray)
    with pytest.warns(FutureWarning, match="sparse_output=True"):
        enc = OneHotEncoder(sparse=True, sparse_output=False).fit(X)
    assert sp.issparse(enc.transform(X))
    # dask-ml's docstring example: categories of a dask array of strings
    enc = OneHotEncoder().fit(da.from_array(X, chunks=2))
    _categories_equal(enc.categories_, [np.array(["A", "B", "C"])])
    with pytest.raises(NotImplementedError, match="infrequent_if_exist"):
        OneHotEncoder(handle_unknown="infrequent_if_exist").fit(X)
    # what dask-ml refuses with NotImplementedError works here, as in scikit-learn
    for params in ({"drop": "first"}, {"handle_unknown": "ignore"}):
        ours = OneHotEncoder(**params).fit(X).transform(X)
        ref = skp.OneHotEncoder(**params).fit(X).transform(X)
        assert sp.issparse(ours) and ours.format == "csr"
        np.testing.assert_array_equal(ours.toarray(), ref.toarray())


@pytest.mark.parametrize("kind", ["numpy", "dask-array", "dask-array-unknown", "pandas", "dask"])
def test_one_hot_default_is_sparse_as_in_dask_ml_and_sklearn(kind):
    # dask-ml and scikit-learn default to sparse_output=True: a CSR matrix for NumPy, a
    # dask array of CSR blocks for a dask array, pandas Sparse[float64, 0.0] columns for
    # a (pandas or dask) DataFrame; the values are scikit-learn's sparse output's
    frame = _frame()[["i", "s", "c"]]
    A = frame.to_numpy(dtype=object)
    A[:, 0] = A[:, 0].astype(float)
    ref = skp.OneHotEncoder().fit(frame)
    expected = ref.transform(frame)
    assert OneHotEncoder().sparse_output is True
    if kind == "numpy":
        X = A
    elif kind.startswith("dask-array"):
        X = da.from_array(A, chunks=(25, 3))
        if kind.endswith("unknown"):
            X = X[da.from_array(np.ones(len(A), bool), chunks=25)]
    else:
        X = _container(frame, kind, npartitions=3)
    out = OneHotEncoder().fit(X).transform(X)
    if kind == "numpy":
        assert sp.issparse(out) and out.format == "csr"
    elif kind.startswith("dask-array"):
        assert isinstance(out, da.Array) and isinstance(out._meta, sp.csr_matrix)
        assert (out.chunks[0] == X.chunks[0]) and out.chunks[1] == (expected.shape[1],)
        blocks = [b.compute() for b in out.to_delayed().ravel()]
        assert all(sp.issparse(b) and b.format == "csr" for b in blocks)
    else:
        assert isinstance(out, pd.DataFrame if kind == "pandas" else dd.DataFrame)
        assert (out.dtypes == pd.SparseDtype(np.float64, 0.0)).all()
        assert list(out.columns) == list(ref.get_feature_names_out())
    assert sp.issparse(expected)
    np.testing.assert_array_equal(_np(out), expected.toarray())


def _dense(out):
    out = out.compute() if hasattr(out, "compute") else out
    return out.toarray() if sp.issparse(out) else np.asarray(out)


@pytest.mark.parametrize("encoder", ["OneHotEncoder", "OrdinalEncoder"])
@pytest.mark.parametrize("container", ["numpy", "dask", "dask-unknown"])
@pytest.mark.parametrize("dtype", ["<U2", "S2", object])
@pytest.mark.parametrize("given", [False, True])
def test_categories_dtype_of_string_arrays_is_scikit_learns(encoder, container, dtype, given):
    # scikit-learn keeps a NumPy string array's dtype (<U2) in categories_ and in
    # inverse_transform; given categories and object arrays give object
    X = np.array([["a", "x"], ["bb", "y"], ["a", "y"], ["bb", "x"]], dtype=dtype)
    if given and dtype == "S2":
        pytest.skip("bytes categories are given as bytes, not str")
    params = {"categories": [["a", "bb", "c"], ["x", "y"]]} if given else {}
    Xc = {
        "numpy": X,
        "dask": da.from_array(X, chunks=(2, 2)),
        "dask-unknown": da.from_array(X, chunks=(2, 2))[da.ones(4, chunks=2, dtype=bool)],
    }[container]
    ref = getattr(skp, encoder)(**params).fit(X)
    ours = {"OneHotEncoder": OneHotEncoder, "OrdinalEncoder": OrdinalEncoder}[encoder](
        **params
    ).fit(Xc)
    assert [c.dtype for c in ours.categories_] == [c.dtype for c in ref.categories_]
    for a, b in zip(ours.categories_, ref.categories_, strict=True):
        np.testing.assert_array_equal(a, b)
    codes = ours.transform(Xc)
    np.testing.assert_array_equal(_dense(codes), _dense(ref.transform(X)))
    back = ours.inverse_transform(codes)
    expected = ref.inverse_transform(ref.transform(X))
    assert back.dtype == expected.dtype  # a dask array's declared dtype
    computed = _dense(back)
    assert computed.dtype == expected.dtype
    np.testing.assert_array_equal(computed, expected)


def test_categories_of_pandas_string_columns_are_object_as_scikit_learns():
    frame = pd.DataFrame({
        "o": pd.Series(["a", "b", "a"], dtype=object),
        "s": pd.Series(["x", "y", "y"], dtype="str"),
    })
    ref = skp.OneHotEncoder().fit(frame)
    for ours in (OneHotEncoder().fit(frame), OneHotEncoder().fit(dd.from_pandas(frame, 2))):
        assert [c.dtype for c in ours.categories_] == [c.dtype for c in ref.categories_]
        assert all(c.dtype == object for c in ours.categories_)
