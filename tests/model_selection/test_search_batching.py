"""Many tiny final fits grouped into batch tasks: the same results as one task per fit."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV as SkGridSearchCV

from dask_scale.model_selection import GridSearchCV
from dask_scale.model_selection._search import _TASKS_PER_THREAD, _batch_size


def test_batch_size_keeps_tasks_per_thread():
    assert _batch_size(10, 2) == 1
    assert _batch_size(_TASKS_PER_THREAD * 2, 2) == 1
    assert _batch_size(500, 2) == 500 // (_TASKS_PER_THREAD * 2)
    assert 500 // _batch_size(500, 2) >= _TASKS_PER_THREAD * 2


@pytest.mark.parametrize("scheduler", ["sync", "threads"])
def test_batched_search_equals_scikit_learn(scheduler):
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    grid = {"C": list(np.logspace(-3, 3, 40))}  # 120 fits: batches of several on one thread
    ours = GridSearchCV(LogisticRegression(), grid, cv=3, scheduler=scheduler,
                        n_jobs=1 if scheduler == "threads" else -1)
    ours.fit(X, y)
    ref = SkGridSearchCV(LogisticRegression(), grid, cv=3).fit(X, y)
    for k in range(3):
        np.testing.assert_array_equal(
            ours.cv_results_[f"split{k}_test_score"], ref.cv_results_[f"split{k}_test_score"]
        )
    assert ours.best_params_ == ref.best_params_


def test_failure_inside_a_batch_scores_only_its_fit():
    X, y = make_classification(n_samples=90, n_features=4, random_state=1)
    grid = {"C": [0.1, 1.0, -1.0] + list(np.logspace(-2, 2, 20))}  # C=-1 fails
    with pytest.warns(Warning, match="fits failed"):
        search = GridSearchCV(
            LogisticRegression(), grid, cv=3, scheduler="sync", error_score=-5.0
        ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert scores[2] == -5.0
    assert np.all(scores[[0, 1, *range(3, len(scores))]] > 0)
