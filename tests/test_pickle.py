"""A fitted model pickles small: no training data, no graph of it, inside.

Every public estimator is fitted on a 100 MB dask array made with ``da.from_array`` (whose
graph holds the whole NumPy array: a lazy attribute that kept that graph would pickle it)
and on the same data as a dask DataFrame; its pickle must stay under 1 MB, and the
unpickled model must give the same output as the original.
"""

from __future__ import annotations

import pickle
import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import default_instance, seeded, table_estimators
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import get_tags

ESTIMATORS = dict(table_estimators())
ROWS, COLS = 125_000, 100  # 100 MB of float64
LIMIT = 1 << 20


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(ROWS, COLS))
    codes = rng.integers(0, 3, size=(ROWS, 4)).astype(np.float64)
    y = (X[:, 0] > 0).astype(np.int64)
    return X, codes, y


def _instance(name):
    est = seeded(default_instance(name, ESTIMATORS[name]))
    params = est.get_params(deep=False)
    if "n_clusters" in params:
        est.set_params(n_clusters=3)
    if "kmeans_params" in params:
        est.set_params(kmeans_params={"max_iter": 2})
    if "max_iter" in params:
        est.set_params(max_iter=2)
    if "n_quantiles" in params:
        est.set_params(n_quantiles=100)
    return est


def _inputs(name, data):
    X, codes, y = data
    if name == "LabelEncoder":
        return da.from_array(y, chunks=12_500), None
    if name in ("OneHotEncoder", "OrdinalEncoder"):
        return da.from_array(codes, chunks=(12_500, 4)), None
    if name == "PolynomialFeatures":
        return da.from_array(X[:, :4].copy(), chunks=(12_500, 4)), None
    if name in ("Categorizer", "DummyEncoder"):
        frame = pd.DataFrame(X[:, :8], columns=[f"f{i}" for i in range(8)])
        frame["word"] = pd.Categorical(np.array(["a", "b", "c"])[codes[:, 0].astype(int)])
        return dd.from_pandas(frame, npartitions=10), None
    Xd = da.from_array(X, chunks=(12_500, COLS))
    tags = get_tags(_instance(name))
    if tags.target_tags.required:
        target = y if tags.estimator_type == "classifier" else X[:, 1] ** 2
        return Xd, da.from_array(target, chunks=12_500)
    return Xd, None


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_a_fitted_model_pickles_small(name, data):
    X, y = _inputs(name, data)
    est = _instance(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X) if y is None else est.fit(X, y)
    blob = pickle.dumps(est)
    assert len(blob) < LIMIT, f"{name} pickles to {len(blob):,} bytes"
    back = pickle.loads(blob)
    if not (hasattr(est, "predict") or hasattr(est, "transform")):
        # fit only (SpectralClustering): the labels survive the round trip
        np.testing.assert_array_equal(np.asarray(est.labels_), np.asarray(back.labels_))
        return
    method = "predict" if hasattr(est, "predict") else "transform"
    part = X.partitions[:1] if isinstance(X, dd.DataFrame) else X[:1000]
    a, b = getattr(est, method)(part), getattr(back, method)(part)
    a = a.compute() if hasattr(a, "compute") else a
    b = b.compute() if hasattr(b, "compute") else b
    a, b = (v.toarray() if hasattr(v, "toarray") else v for v in (a, b))  # sparse output
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
