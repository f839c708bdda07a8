"""LabelEncoder against scikit-learn, and dask-ml's categorical shortcut."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp

from dask_scale.preprocessing import LabelEncoder


@pytest.mark.parametrize("y", [np.array(["b", "a", "c", "a", "b"]), np.array([3.0, 1.0, 2.0, 1.0, 7.0])])
@pytest.mark.parametrize("container", ["numpy", "dask", "dask-series"])
def test_matches_sklearn(y, container):
    if container == "numpy":
        yc = y
    elif container == "dask":
        yc = da.from_array(y, chunks=2)
    else:
        yc = dd.from_pandas(pd.Series(y), npartitions=2)
    ours = LabelEncoder().fit(yc)
    ref = skp.LabelEncoder().fit(y)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    codes = ours.transform(yc)
    np.testing.assert_array_equal(np.asarray(codes), ref.transform(y)) if container == "numpy" \
        else np.testing.assert_array_equal(codes.compute(), ref.transform(y))
    np.testing.assert_array_equal(ours.fit_transform(y), ref.fit_transform(y))
    back = ours.inverse_transform(da.from_array(ref.transform(y), chunks=3)).compute()
    np.testing.assert_array_equal(back, y)


def test_categorical_classes_keep_category_order():
    s = pd.Series(pd.Categorical(["b", "a", "c"], categories=["c", "b", "a"]))
    ds = dd.from_pandas(s, npartitions=2)
    le = LabelEncoder().fit(ds)
    np.testing.assert_array_equal(le.classes_, ["c", "b", "a"])
    assert le.dtype_ == s.dtype
    np.testing.assert_array_equal(le.transform(ds).compute(), [1, 2, 0])
    le = LabelEncoder(use_categorical=False).fit(ds)
    np.testing.assert_array_equal(le.classes_, ["a", "b", "c"])
    assert le.dtype_ is None


def test_unseen_labels():
    le = LabelEncoder().fit(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="previously unseen labels"):
        le.transform(np.array(["a", "z"]))
    with pytest.raises(ValueError, match="previously unseen labels"):
        le.transform(da.from_array(np.array(["a", "z"]), chunks=1)).compute()
    with pytest.raises(ValueError, match="previously unseen labels"):
        le.inverse_transform(np.array([0, 5]))
    assert pickle.loads(pickle.dumps(le)).transform(["b"])[0] == 1


@pytest.mark.parametrize(
    "y",
    [
        np.array(["b", "a", "c", "a"]),
        np.array(["bb", "a", "ccc"]),
        np.array([3, 1, 2, 1], dtype=np.int8),
        np.array([1.5, 0.5, 1.5], dtype=np.float32),
    ],
)
@pytest.mark.parametrize(
    "container", ["numpy", "dask", "dask-unknown", "list", "pandas", "dask-series"]
)
def test_classes_keep_the_input_dtype_as_sklearn(y, container):
    yref = {"list": list(y), "pandas": pd.Series(y), "dask-series": pd.Series(y)}.get(container, y)
    ref = skp.LabelEncoder().fit(yref)
    if container in ("numpy", "list", "pandas"):
        yc = yref
    elif container == "dask-series":
        yc = dd.from_pandas(yref, npartitions=2)
    else:
        yc = da.from_array(y, chunks=2)
        if container == "dask-unknown":
            yc = yc[yc == yc]
    ours = LabelEncoder().fit(yc)
    assert ours.classes_.dtype == ref.classes_.dtype
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    codes = np.asarray(ours.transform(yc))
    assert codes.dtype == np.int64
    back = ours.inverse_transform(codes)
    assert back.dtype == ref.inverse_transform(codes).dtype


@pytest.mark.parametrize("container", ["pandas", "dask", "dask-unknown"])
def test_categorical_codes_keep_their_dtype(container):
    # dask-ml's documented example: a categorical dask Series gives int8 codes.
    s = pd.Series(["a", "a", "b"], dtype="category")
    y = {"pandas": s, "dask": dd.from_pandas(s, npartitions=2)}.get(container)
    if container == "dask-unknown":
        y = dd.from_pandas(s.astype(str), npartitions=2).astype("category")
        assert not y.cat.known
    le = LabelEncoder()
    out = le.fit_transform(y)
    if container == "pandas":
        assert isinstance(out, np.ndarray)
    else:
        assert isinstance(out, da.Array)
        assert out.dtype == np.int8
        out = out.compute()
    assert out.dtype == np.int8
    assert isinstance(le.dtype_, pd.CategoricalDtype)
    assert isinstance(le.classes_, np.ndarray)
    np.testing.assert_array_equal(le.classes_[out], ["a", "a", "b"])
    if container == "dask-unknown":
        # the categories dask's ``cat.as_known`` finds, in its order
        assert sorted(le.classes_) == ["a", "b"]
        return
    np.testing.assert_array_equal(out, [0, 0, 1])
    np.testing.assert_array_equal(le.classes_, ["a", "b"])
    # the fitted codes apply to plain labels too, in the same dtype
    np.testing.assert_array_equal(le.transform(np.array(["b", "a"])), np.array([1, 0], np.int8))
    assert le.transform(np.array(["b"])).dtype == np.int8
    np.testing.assert_array_equal(le.inverse_transform(np.array([1, 0])), ["b", "a"])


def test_categorical_codes_with_many_categories_and_unobserved_ones():
    cats = [f"c{i:03d}" for i in range(300)]
    s = pd.Series(pd.Categorical(["c002", "c299", "c002"], categories=cats))
    le = LabelEncoder().fit(dd.from_pandas(s, npartitions=2))
    assert len(le.classes_) == 300  # unobserved categories stay classes
    codes = le.transform(dd.from_pandas(s, npartitions=2)).compute()
    assert codes.dtype == s.cat.codes.dtype == np.int16
    np.testing.assert_array_equal(codes, [2, 299, 2])
    # scikit-learn's behaviour with use_categorical=False: observed values only, int64
    le = LabelEncoder(use_categorical=False).fit(s)
    ref = skp.LabelEncoder().fit(s)
    np.testing.assert_array_equal(le.classes_, ref.classes_)
    assert le.transform(s).dtype == ref.transform(s).dtype


def test_categorical_other_categories_are_recoded_and_missing_values_raise():
    s = pd.Series(pd.Categorical(["b", "a"], categories=["b", "a"]))
    le = LabelEncoder().fit(s)
    other = pd.Series(pd.Categorical(["a", "b", "a"], categories=["a", "b", "z"]))
    np.testing.assert_array_equal(le.transform(other), [1, 0, 1])
    with pytest.raises(ValueError, match="previously unseen labels"):
        le.transform(pd.Series(pd.Categorical(["z"], categories=["a", "z"])))
    with pytest.raises(ValueError, match="previously unseen labels"):
        le.transform(pd.Series(pd.Categorical(["a", None], categories=["b", "a"])))
