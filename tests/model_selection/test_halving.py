"""HalvingGridSearchCV / HalvingRandomSearchCV against scikit-learn's halving searches.

- with an integer ``random_state`` the subsamples are scikit-learn's, so the schedule
  (``n_resources_``, ``n_candidates_``, ...), every deterministic ``cv_results_`` column
  (``iter``, ``n_resources``, split scores, ranks, params) and ``best_*`` equal scikit-learn's:
  over ``n_samples`` (exhaust, smallest, aggressive elimination, factor 2), over an
  estimator parameter, sampled candidates, a Pipeline;
- dask array and dask DataFrame input on a distributed Client give the numpy results
  (keys name one task for good); each iteration is one graph run;
- the iteration count is exact in integer arithmetic (243 candidates, factor 3: 6);
- refit callable / False, error_score, verbose, and bad input (clear errors).
"""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import HalvingGridSearchCV as SkHalvingGrid
from sklearn.model_selection import HalvingRandomSearchCV as SkHalvingRandom
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

from dask_scale.model_selection import HalvingGridSearchCV, HalvingRandomSearchCV
from dask_scale.model_selection._halving import _n_required_iterations
from dask_scale.model_selection._search import BaseSearchCV

X, Y = make_classification(n_samples=360, n_features=6, n_informative=4, random_state=0)
TREE = DecisionTreeClassifier(random_state=0)
GRID = {"max_depth": [1, 2, 3, 5, None], "min_samples_leaf": [1, 5, 20]}
SCHEDULE = [
    "n_resources_", "n_candidates_", "n_remaining_candidates_", "min_resources_",
    "max_resources_", "n_iterations_", "n_possible_iterations_", "n_required_iterations_",
]


def assert_same_search(got, want, schedule=True):
    if schedule:
        for name in SCHEDULE:
            assert getattr(got, name) == getattr(want, name), name
    assert got.best_params_ == want.best_params_
    assert got.best_index_ == want.best_index_
    assert got.best_score_ == pytest.approx(want.best_score_, abs=1e-12)
    a, b = got.cv_results_, want.cv_results_
    assert set(a) == set(b)
    assert a["params"] == list(b["params"])
    for key in a:
        if "time" in key or key == "params":
            continue
        left, right = np.asarray(a[key]), np.asarray(b[key])
        if left.dtype.kind == "f":
            np.testing.assert_allclose(left, right, rtol=0, atol=1e-12, err_msg=key)
        else:
            assert left.tolist() == right.tolist(), key


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # min_resources="exhaust", factor 3
        {"factor": 2, "min_resources": "smallest"},
        {"aggressive_elimination": True, "min_resources": 120, "max_resources": 360},
    ],
)
def test_grid_equals_scikit_learn(kwargs):
    got = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0, scheduler="threads", **kwargs)
    want = SkHalvingGrid(TREE, GRID, cv=3, random_state=0, **kwargs)
    assert_same_search(got.fit(X, Y), want.fit(X, Y))
    if kwargs.get("aggressive_elimination"):
        # 2 iterations possible, 3 required: the first resource is used twice
        assert got.n_resources_ == [120, 120, 360]
        assert got.n_candidates_ == [15, 5, 2]
    # the refit is the best of the last iteration, on all the data
    assert got.cv_results_["iter"][got.best_index_] == got.n_iterations_ - 1
    assert got.best_estimator_.get_params() == TREE.set_params(**got.best_params_).get_params()


def test_random_and_resource_parameter_equal_scikit_learn():
    got = HalvingRandomSearchCV(TREE, GRID, n_candidates=9, cv=3, random_state=1,
                                scheduler="sync").fit(X, Y)
    want = SkHalvingRandom(TREE, GRID, n_candidates=9, cv=3, random_state=1).fit(X, Y)
    assert_same_search(got, want)

    forest = ExtraTreesClassifier(random_state=0)
    grid = {"max_depth": [2, 4, None], "max_features": [1, 3, None]}
    kw = {"resource": "n_estimators", "max_resources": 18, "cv": 3, "random_state": 0}
    got = HalvingGridSearchCV(forest, grid, scheduler="threads", **kw).fit(X, Y)
    want = SkHalvingGrid(forest, grid, **kw).fit(X, Y)
    assert_same_search(got, want)
    assert got.n_resources_ == [2, 6, 18]
    assert got.best_estimator_.n_estimators == 18


def test_pipeline_equals_scikit_learn():
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    grid = {"clf__C": [0.01, 0.1, 1.0, 10.0]}
    got = HalvingGridSearchCV(pipe, grid, factor=2, cv=3, random_state=0,
                              scheduler="threads").fit(X, Y)
    want = SkHalvingGrid(pipe, grid, factor=2, cv=3, random_state=0).fit(X, Y)
    assert_same_search(got, want)


def test_dask_input_on_a_client_equals_numpy(client, unique_task_keys):
    want = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0, scheduler="sync").fit(X, Y)
    dX, dY = da.from_array(X, chunks=100), da.from_array(Y, chunks=100)
    got = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0, scheduler=client).fit(dX, dY)
    assert_same_search(got, want)
    frame = dd.from_pandas(pd.DataFrame(X, columns=[f"f{i}" for i in range(6)]), npartitions=3)
    labels = dd.from_pandas(pd.Series(Y), npartitions=3)
    with client.as_current():
        got = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0).fit(frame, labels)
    assert_same_search(got, want)
    assert list(got.feature_names_in_) == list(frame.columns)


def test_each_iteration_is_one_graph(monkeypatch):
    runs = []
    original = BaseSearchCV._run

    def counting(self, dsk, keys, *args):
        runs.append(len(keys))
        return original(self, dsk, keys, *args)

    monkeypatch.setattr(BaseSearchCV, "_run", counting)
    search = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0, scheduler="threads")
    search.fit(X, Y)
    assert runs == search.n_candidates_ == [15, 5, 2]


def test_iteration_count_is_exact():
    # math.log(243, 3) is 4.999...: floor() of it would give 5
    assert _n_required_iterations(243, 3) == 6
    assert _n_required_iterations(242, 3) == 5
    assert _n_required_iterations(27, 3) == 4
    assert _n_required_iterations(2, 3) == 1
    assert _n_required_iterations(10, 2.5) == 3  # 2.5 ** 2 = 6.25 <= 10 < 15.625


def test_refit_callable_and_false():
    def lowest_depth_last_iteration(results):
        return int(np.flatnonzero(results["iter"] == 0)[0])

    search = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0, scheduler="sync",
                                 refit=lowest_depth_last_iteration).fit(X, Y)
    assert search.best_index_ == 0
    assert search.best_params_ == search.cv_results_["params"][0]
    assert search.best_estimator_.max_depth == search.best_params_["max_depth"]

    search = HalvingGridSearchCV(TREE, GRID, cv=3, random_state=0, scheduler="sync",
                                 refit=False).fit(X, Y)
    assert not hasattr(search, "best_estimator_")
    assert search.cv_results_["iter"][search.best_index_] == search.n_iterations_ - 1


class _FailsDeep(DecisionTreeClassifier):
    def fit(self, X, y, sample_weight=None, check_input=True):
        if self.max_depth is None:
            raise RuntimeError("depth None is refused")
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


@pytest.mark.filterwarnings("ignore:Some (test|train) scores are not finite")
def test_error_score_records_failures_and_eliminates_them(capsys):
    with pytest.warns(FitFailedWarning, match="depth None is refused"):
        search = HalvingGridSearchCV(_FailsDeep(random_state=0), GRID, cv=3, random_state=0,
                                     scheduler="sync", verbose=1).fit(X, Y)
    results = search.cv_results_
    failed = [p["max_depth"] is None for p in results["params"]]
    assert np.all(np.isnan(results["mean_test_score"][failed]))
    assert all(results["iter"][failed] == 0)  # NaN scores never survive
    assert search.best_params_["max_depth"] is not None
    err = capsys.readouterr().err
    assert "iter 0: n_candidates=15, n_resources=40" in err
    assert err.count("mean_test_score=") == sum(search.n_candidates_)
    with pytest.raises(RuntimeError, match="depth None is refused"):
        HalvingGridSearchCV(_FailsDeep(), {"max_depth": [None]}, cv=3,
                            error_score="raise", scheduler="sync").fit(X, Y)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: HalvingGridSearchCV(TREE, GRID, resource="n_trees"), ValueError,
         "has no such parameter"),
        (lambda: HalvingGridSearchCV(TREE, GRID, resource="max_depth", max_resources=9),
         ValueError, "part of the searched parameters"),
        (lambda: HalvingGridSearchCV(TREE, {"max_depth": [1]}, resource="max_leaf_nodes"),
         ValueError, "pass max_resources as an integer"),
        (lambda: HalvingGridSearchCV(TREE, GRID, min_resources=400), ValueError,
         "greater than max_resources_=360"),
        (lambda: HalvingRandomSearchCV(TREE, GRID, min_resources="exhaust"), ValueError,
         "cannot both be 'exhaust'"),
        (lambda: HalvingGridSearchCV(TREE, GRID, factor=1), ValueError, "greater than 1"),
        (lambda: HalvingGridSearchCV(TREE, GRID, scoring=["accuracy", "f1"]),
         InvalidParameterError, "scoring"),
        (lambda: HalvingGridSearchCV(TREE, {"max_depth": []}), ValueError, "non-empty"),
    ],
)
def test_bad_input_is_explained(make, error, match):
    with pytest.raises(error, match=match):
        make().set_params(scheduler="sync", cv=3).fit(X, Y)


def test_unseeded_shuffling_cv_is_split_once():
    # scikit-learn refuses KFold(shuffle=True) without a seed (it splits every iteration);
    # here the folds are made once, so every iteration subsamples the same folds
    from sklearn.model_selection import KFold

    search = HalvingGridSearchCV(TREE, GRID, cv=KFold(3, shuffle=True),
                                 random_state=np.random.RandomState(0), scheduler="sync")
    search.fit(X, Y)
    assert search.n_candidates_ == [15, 5, 2]
    assert search.n_splits_ == 3
    with pytest.raises(ValueError, match="consistent folds"):
        SkHalvingGrid(TREE, GRID, cv=KFold(3, shuffle=True)).fit(X, Y)
