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
    return np.asarray(out.compute() if hasattr(out, "compute") else out)


@pytest.mark.parametrize("container", ["pandas", "dask-frame"])
@pytest.mark.parametrize("drop", [None, "first", "if_binary"])
def test_one_hot_matches_sklearn_on_mixed_frames(container, drop):
    frame = _frame()
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=4)
    ours = OneHotEncoder(drop=drop).fit(X)
    ref = skp.OneHotEncoder(drop=drop, sparse_output=False).fit(frame)
    _categories_equal(ours.categories_, ref.categories_)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    out = ours.transform(X)
    np.testing.assert_array_equal(_np(out), ref.transform(frame))
    if container == "dask-frame":
        assert isinstance(out, dd.DataFrame)
        assert list(out.columns) == list(ref.get_feature_names_out())
        assert (out.dtypes == np.float64).all()
        pd.testing.assert_index_equal(out.compute().index, frame.index)
    # inverse_transform gives scikit-learn's values (missing where it has them)
    pd.testing.assert_frame_equal(
        pd.DataFrame(ours.inverse_transform(ref.transform(frame))),
        pd.DataFrame(ref.inverse_transform(ref.transform(frame))),
    )


def test_one_hot_on_dask_arrays_of_numbers_and_strings():
    X = np.random.default_rng(1).integers(0, 5, size=(90, 3)).astype(float)
    ours = OneHotEncoder().fit(da.from_array(X, chunks=(20, 2)))
    ref = skp.OneHotEncoder(sparse_output=False).fit(X)
    _categories_equal(ours.categories_, ref.categories_)
    out = ours.transform(da.from_array(X, chunks=(20, 3)))
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(out.compute(), ref.transform(X))
    S = X.astype(int).astype(str).astype(object)
    ours = OneHotEncoder().fit(da.from_array(S, chunks=(20, 3)))
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
        ref = skp.OneHotEncoder(sparse_output=False).fit(X)
    _categories_equal(ours.categories_, ref.categories_)
    out = ours.transform(da.from_array(X, chunks=(tuple(chunks), 2)))
    np.testing.assert_array_equal(out.compute(), ref.transform(X))


def test_pickle():
    frame = _frame()
    for enc in (OneHotEncoder(), OrdinalEncoder(), OrdinalEncoder(columns=["s", "t"])):
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
