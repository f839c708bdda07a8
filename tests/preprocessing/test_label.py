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
