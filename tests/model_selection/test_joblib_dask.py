"""scikit-learn's own searches and ``n_jobs`` estimators under joblib's dask backend.

The other route to a cluster (see docs/search_routes.rst): ``joblib.parallel_backend("dask",
scatter=[X, y])`` on a ``distributed.Client`` sends each of scikit-learn's joblib tasks (a
fit of one candidate on one fold, a tree of a forest) to a worker, with ``X`` and ``y``
scattered once. The results must be those of the same search run without dask: the same
computations on the same data, so the tolerances below are round-off (1e-12) or exact.
Every test also checks that the tasks did run on the cluster (its task stream is not empty),
so a backend silently falling back to local threads fails here.
"""

import joblib
import numpy as np
import pytest
from distributed import Client, LocalCluster, get_task_stream
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler as SkStandardScaler
from sklearn.svm import SVC

from dask_scale.linear_model import LogisticRegression
from dask_scale.preprocessing import StandardScaler


@pytest.fixture(scope="module")
def data():
    return make_classification(
        n_samples=240, n_features=8, n_informative=4, random_state=0
    )


def _on_dask(client, fit, X, y):
    """``fit()`` under joblib's dask backend on ``client``; also the cluster's task count."""
    with get_task_stream(client) as stream, joblib.parallel_backend("dask", scatter=[X, y]):
        result = fit()
    return result, len(stream.data)


def _assert_same_search(got, ref):
    assert got.best_params_ == ref.best_params_
    np.testing.assert_allclose(got.best_score_, ref.best_score_, rtol=1e-12, atol=0)
    for key in ("mean_test_score", "std_test_score", "mean_train_score"):
        if key in ref.cv_results_:
            np.testing.assert_allclose(
                got.cv_results_[key], ref.cv_results_[key], rtol=1e-12, atol=1e-15
            )
    np.testing.assert_array_equal(got.cv_results_["rank_test_score"],
                                  ref.cv_results_["rank_test_score"])
    assert got.cv_results_["params"] == ref.cv_results_["params"]


def test_grid_search_svc_on_dask_backend(client, data):
    X, y = data
    grid = {"C": [0.1, 1.0, 10.0], "gamma": ["scale", 0.05]}

    def search():
        return GridSearchCV(SVC(), grid, cv=3, n_jobs=-1, return_train_score=True)

    ref = search().set_params(n_jobs=1).fit(X, y)
    got, n_tasks = _on_dask(client, lambda: search().fit(X, y), X, y)
    assert n_tasks > 0, "no task ran on the cluster"
    _assert_same_search(got, ref)
    np.testing.assert_array_equal(got.predict(X), ref.predict(X))
    np.testing.assert_allclose(
        got.decision_function(X), ref.decision_function(X), rtol=1e-12, atol=1e-12
    )


def test_randomized_search_on_dask_backend(client, data):
    X, y = data
    dist = {"C": np.logspace(-2, 2, 20), "gamma": np.logspace(-3, 0, 20)}

    def search():
        return RandomizedSearchCV(SVC(), dist, n_iter=5, cv=3, random_state=0, n_jobs=-1)

    ref = search().set_params(n_jobs=1).fit(X, y)
    got, n_tasks = _on_dask(client, lambda: search().fit(X, y), X, y)
    assert n_tasks > 0
    _assert_same_search(got, ref)


def test_random_forest_n_jobs_on_dask_backend(client, data):
    X, y = data

    def forest():
        return RandomForestClassifier(n_estimators=16, max_depth=4, n_jobs=-1, random_state=0)

    ref = forest().fit(X, y)
    got, n_tasks = _on_dask(client, lambda: forest().fit(X, y), X, y)
    assert n_tasks > 0
    # the same seeded trees, built elsewhere: identical splits
    assert len(got.estimators_) == len(ref.estimators_)
    for a, b in zip(got.estimators_, ref.estimators_, strict=True):
        np.testing.assert_array_equal(a.tree_.feature, b.tree_.feature)
        np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    # the trees' probabilities are summed in the order the threads finish: round-off only
    np.testing.assert_allclose(got.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        got.feature_importances_, ref.feature_importances_, rtol=1e-12, atol=0
    )
    # predict_proba asks joblib for shared memory (require="sharedmem"): it runs on local
    # threads even under the dask backend, as docs/search_routes.rst says
    with get_task_stream(client) as stream, joblib.parallel_backend("dask", scatter=[X]):
        np.testing.assert_array_equal(got.predict(X), ref.predict(X))
    assert len(stream.data) == 0


def test_dask_scale_pipeline_in_sklearn_search_on_dask_backend(client, data):
    """dask_scale estimators on NumPy data are ordinary scikit-learn estimators in such a search.

    Inside a worker a dask_scale fit on NumPy input runs its row slices serially (no thread
    pool of its own, see dask_scale/_graph/compute.py), so the workers' cores are not
    oversubscribed. The search equals scikit-learn's own Pipeline's (same objective): the
    same best parameters and scores to 1e-6, coefficients to 1e-4 relative.
    """
    X, y = data
    grid = {"logisticregression__C": [0.01, 0.1, 1.0]}

    def search(scaler, clf):
        return GridSearchCV(make_pipeline(scaler, clf), grid, cv=3, n_jobs=-1)

    ref = search(SkStandardScaler(), SkLogisticRegression(tol=1e-10)).set_params(n_jobs=1)
    ref.fit(X, y)
    serial = search(StandardScaler(), LogisticRegression(tol=1e-10)).set_params(n_jobs=1)
    serial.fit(X, y)
    got, n_tasks = _on_dask(
        client, lambda: search(StandardScaler(), LogisticRegression(tol=1e-10)).fit(X, y), X, y
    )
    assert n_tasks > 0
    _assert_same_search(got, serial)
    assert got.best_params_ == ref.best_params_
    np.testing.assert_allclose(
        got.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"], atol=1e-6
    )
    coef, ref_coef = got.best_estimator_[-1].coef_, ref.best_estimator_[-1].coef_
    np.testing.assert_allclose(coef, ref_coef, rtol=1e-4, atol=1e-6 * np.abs(ref_coef).max())


@pytest.mark.slow
def test_search_on_worker_processes(data):
    """On worker processes: the scattered data, the estimators and their fits travel by pickle.

    One multi-process cluster for a grid search of dask_scale's LogisticRegression (its numba
    kernels compiled or loaded from cache in each worker) and of an SVC.
    """
    X, y = data
    lr_grid = {"C": [0.1, 1.0]}
    svc_grid = {"C": [0.5, 5.0]}
    lr_ref = GridSearchCV(LogisticRegression(), lr_grid, cv=2).fit(X, y)
    svc_ref = GridSearchCV(SVC(), svc_grid, cv=2).fit(X, y)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as c:
        lr, n_lr = _on_dask(
            c, lambda: GridSearchCV(LogisticRegression(), lr_grid, cv=2, n_jobs=-1).fit(X, y),
            X, y,
        )
        svc, n_svc = _on_dask(
            c, lambda: GridSearchCV(SVC(), svc_grid, cv=2, n_jobs=-1).fit(X, y), X, y
        )
    assert n_lr > 0 and n_svc > 0
    _assert_same_search(lr, lr_ref)
    _assert_same_search(svc, svc_ref)
    np.testing.assert_allclose(
        lr.best_estimator_.coef_, lr_ref.best_estimator_.coef_, rtol=1e-10, atol=1e-12
    )
