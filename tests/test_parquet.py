"""Every public estimator on a Parquet-backed dask DataFrame, on threads and on worker processes.

The file has 20 row groups read as 20 partitions, and the estimators see column projections
of it (``df[features]``, ``df["y"]``): dask's optimiser fuses the partitions of a projection
by how much it shrinks them, so X and y of the same read used to come out with different row
blocks (20 vs 4). Each fit must equal the fit on the same rows from ``dd.from_pandas`` with
the same partitions, and so must its predictions / transforms and ``score``.
"""

from __future__ import annotations

import warnings

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import default_instance, seeded, table_estimators
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import get_tags

N, ROWS = 2_000, 100  # 20 row groups / partitions
FEATURES = ["f0", "f1", "f2", "f3"]
ESTIMATORS = dict(table_estimators())
# what each estimator reads: "codes" (integer-valued floats), "frame" (a category column),
# "target" (y alone); anything else gets the float features
DOMAIN = {
    "OneHotEncoder": "codes",
    "OrdinalEncoder": "codes",
    "Categorizer": "frame",
    "DummyEncoder": "frame",
    "LabelEncoder": "target",
}


def _pandas(name):
    rng = np.random.default_rng(0)
    labels = np.arange(N) % 3
    if DOMAIN.get(name) == "codes":
        X = rng.integers(0, 3, size=(N, 4)).astype(np.float64)
    else:
        centres = np.array([[0.0] * 4, [6.0] * 4, [-6.0, 6.0] * 2])
        X = centres[labels] + rng.normal(size=(N, 4))
    frame = pd.DataFrame(X, columns=FEATURES)
    frame["word"] = np.array(["a", "b", "c"], dtype=object)[rng.integers(0, 3, size=N)]
    frame["label"] = np.where(rng.random(N) < 0.9, labels % 2, 1 - labels % 2)
    lin = X @ np.linspace(-0.1, 0.1, 4)
    frame["target"] = lin + rng.normal(size=N)
    frame["count"] = rng.poisson(np.exp(lin)).astype(np.float64)
    return frame


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("parquet")


def _read(name, parquet_dir):
    path = parquet_dir / f"{name}.parquet"
    frame = _pandas(name)
    if not path.exists():
        frame.to_parquet(path, row_group_size=ROWS)
    df = dd.read_parquet(path, split_row_groups=True)
    assert df.npartitions == N // ROWS
    return frame, df


def _instance(name):
    est = seeded(default_instance(name, ESTIMATORS[name]))
    params = est.get_params(deep=False)
    if "n_clusters" in params:
        est.set_params(n_clusters=3)
    if "n_quantiles" in params:
        est.set_params(n_quantiles=200)
    return est


def _xy(name, df):
    est = _instance(name)
    tags = get_tags(est)
    if DOMAIN.get(name) == "target":
        return df["label"], None
    if DOMAIN.get(name) == "frame":
        X = df[[*FEATURES[:2], "word"]]
        if name == "DummyEncoder":
            X = X.astype({"word": pd.CategoricalDtype(["a", "b", "c"])})
        return X, None
    X = df[FEATURES]
    if tags.estimator_type == "classifier":
        return X, df["label"]
    if tags.estimator_type == "regressor":
        return X, df["count" if tags.target_tags.positive_only else "target"]
    return X, None


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X) if y is None else est.fit(X, y)


def _values(out):
    out = out.compute() if hasattr(out, "compute") else out
    if hasattr(out, "toarray"):
        out = out.toarray()
    if isinstance(out, (pd.DataFrame, pd.Series)):
        out = out.to_numpy()
    return np.asarray(out, dtype=object if np.asarray(out).dtype.kind == "O" else None)


def _method(est):
    return "predict" if hasattr(est, "predict") else "transform"


def _check(name, parquet_dir):
    frame, df = _read(name, parquet_dir)
    plain = dd.from_pandas(frame, chunksize=ROWS, sort=False)
    assert plain.npartitions == df.npartitions
    X, y = _xy(name, df)
    Xp, yp = _xy(name, plain)
    got = _fit(_instance(name), X, y)
    expected = _fit(_instance(name), Xp, yp)
    if hasattr(got, "predict") or hasattr(got, "transform"):
        method = _method(got)
        a = _values(getattr(got, method)(X))
        b = _values(getattr(expected, method)(Xp))
    else:  # fit only (SpectralClustering): its training labels
        a, b = (np.asarray(e.labels_) for e in (got, expected))
    assert a.shape == b.shape
    if a.dtype.kind in "fc":
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    else:
        np.testing.assert_array_equal(a, b)
    if y is not None and hasattr(got, "score"):
        assert got.score(X, y) == pytest.approx(expected.score(Xp, yp), rel=1e-9)


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_parquet_projections_on_threads(name, parquet_dir):
    _check(name, parquet_dir)


@pytest.fixture(scope="module")
def process_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_parquet_projections_on_worker_processes(name, parquet_dir, process_cluster):
    with process_cluster.as_current(), dask.config.set(scheduler="dask.distributed"):
        _check(name, parquet_dir)
