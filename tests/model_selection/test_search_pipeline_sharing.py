"""No repeated work: the fits and transforms a search runs, counted.

A Pipeline (and a FeatureUnion inside it) is split into steps: for 2 transformer settings x 5
classifier settings and cv=3 the transformer is fitted 7 times (6 + the refit; scikit-learn's
search: 31) and transforms 13 times (6 train folds, 6 test folds, 1 refit; scikit-learn: 61),
with scikit-learn's results. NumPy X is one key of the graph; the folds of a dask X are
assembled from the blocks that hold their rows, no task reading all of them.
"""

from __future__ import annotations

import threading

import dask.array as da
import numpy as np
import pytest
from dask.callbacks import Callback
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV as SkGridSearchCV
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion, Pipeline

from dask_scale.model_selection import GridSearchCV, RandomizedSearchCV
from dask_scale.preprocessing import StandardScaler


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # scikit-learn's reference searches run serially: without the cap their tiny BLAS calls
    # oversubscribe a loaded machine (the searches under test cap their tasks themselves)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield


class Counting(TransformerMixin, BaseEstimator):
    """Scales X; counts its fits and transforms (class-wide, thread-safe)."""

    lock = threading.Lock()
    counts = {"fit": 0, "transform": 0}

    def __init__(self, scale=1.0):
        self.scale = scale

    @classmethod
    def reset(cls):
        cls.counts = {"fit": 0, "transform": 0}

    def fit(self, X, y=None):
        with Counting.lock:
            Counting.counts["fit"] += 1
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        with Counting.lock:
            Counting.counts["transform"] += 1
        return np.asarray(X) * self.scale


def _data(n=150):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y


PIPE_GRID = {"t__scale": [0.5, 2.0], "clf__C": [0.01, 0.1, 1.0, 10.0, 100.0]}


def _pipe():
    return Pipeline([("t", Counting()), ("clf", LogisticRegression())])


@pytest.mark.parametrize("cache_cv", [True, False])
def test_pipeline_steps_fitted_and_transformed_once_per_setting_and_fold(cache_cv):
    X, y = _data()
    Counting.reset()
    ours = GridSearchCV(_pipe(), PIPE_GRID, cv=3, cache_cv=cache_cv).fit(X, y)
    assert Counting.counts == {"fit": 7, "transform": 13}
    Counting.reset()
    theirs = SkGridSearchCV(_pipe(), PIPE_GRID, cv=3).fit(X, y)
    assert Counting.counts == {"fit": 31, "transform": 61}
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], rtol=1e-12
    )
    np.testing.assert_array_equal(
        ours.cv_results_["rank_test_score"], theirs.cv_results_["rank_test_score"]
    )
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_feature_union_parts_fitted_once_per_setting_and_fold():
    X, y = _data()
    pipe = Pipeline(
        [
            ("u", FeatureUnion([("a", Counting()), ("p", PCA())], transformer_weights={"a": 2.0})),
            ("clf", LogisticRegression()),
        ]
    )
    grid = {"u__a__scale": [0.5, 2.0], "u__p__n_components": [2, 3], "clf__C": [0.1, 1.0]}
    Counting.reset()
    ours = GridSearchCV(pipe, grid, cv=3, return_train_score=True).fit(X, y)
    # the Counting part is fitted per (scale, fold), whatever PCA and C do: 2*3 + refit
    assert Counting.counts == {"fit": 7, "transform": 13}
    theirs = SkGridSearchCV(pipe, grid, cv=3, return_train_score=True).fit(X, y)
    for key in ("mean_test_score", "mean_train_score", "split2_test_score"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], rtol=1e-10)
    assert ours.best_params_ == theirs.best_params_


def test_dask_scale_steps_and_passthrough_and_random_search():
    X, y = _data()
    pipe = Pipeline(
        [("scale", StandardScaler()), ("skip", "passthrough"), ("clf", LogisticRegression())]
    )
    dist = {"clf__C": np.logspace(-2, 2, 10).tolist(), "scale__with_std": [True, False]}
    kwargs = dict(n_iter=6, random_state=0, cv=3)
    ours = RandomizedSearchCV(pipe, dist, **kwargs).fit(X, y)
    from sklearn.model_selection import RandomizedSearchCV as SkRandomizedSearchCV

    theirs = SkRandomizedSearchCV(pipe, dist, **kwargs).fit(X, y)
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], rtol=1e-10
    )
    assert ours.best_params_ == theirs.best_params_


class _Graphs(Callback):
    def __init__(self):
        super().__init__()
        self.graphs = []

    def _start(self, dsk):
        self.graphs.append(dict(dsk))


def _deps(graph, key):
    from dask.core import get_dependencies

    return get_dependencies(graph, key)


def test_numpy_x_is_one_key_and_dask_folds_read_only_their_blocks():
    X, y = _data(n=180)
    with _Graphs() as seen:
        GridSearchCV(_pipe(), PIPE_GRID, cv=3).fit(X, y)
    (graph,) = [g for g in seen.graphs if any(str(k).startswith("search-") for k in g)]
    holders = [k for k, v in graph.items() if str(k).startswith("search-data-X")]
    assert len(holders) == 1
    folds = [k for k in graph if str(k).startswith("search-fold-")]
    assert len(folds) == 3 * 2 * 2  # X and y, train and test, 3 folds: taken once each
    y_holders = {k for k in graph if str(k).startswith("search-data-y")}
    assert all(_deps(graph, k) <= set(holders) | y_holders for k in folds)

    # dask X in 6 blocks, 3 unshuffled folds: a test fold reads 2 blocks, a train fold 4
    dX, dy = da.from_array(X, chunks=30), da.from_array(y, chunks=30)
    with _Graphs() as seen:
        GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=KFold(3)).fit(dX, dy)
    (graph,) = [g for g in seen.graphs if any(str(k).startswith("search-") for k in g)]
    x_blocks = {k for k in graph if isinstance(k, tuple) and k[0] == dX.name}
    assert len(x_blocks) == 6
    x_folds = [k for k in graph if str(k).startswith("search-fold-X-")]
    read = sorted(len(_deps(graph, k) & x_blocks) for k in x_folds)
    assert read == [2, 2, 2, 4, 4, 4]
