"""SuccessiveHalvingSearchCV: the rungs, a synchronous fit, and the asynchronous (ASHA)
option promoting models while a straggler of the rung is still training."""

from __future__ import annotations

import time

import dask.array as da
import numpy as np
import pytest
from sklearn.linear_model import SGDClassifier

from dask_scale.model_selection import SuccessiveHalvingSearchCV
from dask_scale.model_selection._schedules import halving_calls, halving_rungs

ALPHAS = {"alpha": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]}


def _data(n=1200, d=6, chunks=200):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return da.from_array(X, chunks=chunks), da.from_array(y, chunks=chunks)


def test_rungs():
    assert halving_rungs(27, 1, 3) == [(27, 1), (9, 3), (3, 9), (1, 27)]
    assert halving_calls(halving_rungs(27, 1, 3)) == 27 + 9 * 2 + 3 * 6 + 18
    assert halving_rungs(10, 2, 3, max_iter=10) == [(10, 2), (3, 6), (1, 10)]
    assert halving_rungs(10, 4, 3, max_iter=10) == [(10, 4), (3, 10)]  # max_iter reached
    search = SuccessiveHalvingSearchCV(
        SGDClassifier(), ALPHAS, n_initial_parameters="grid", n_initial_iter=1, aggressiveness=2
    )
    assert search.metadata == {
        "n_models": 6, "partial_fit_calls": 6 + 3 * 1 + 1 * 2, "rungs": [(6, 1), (3, 2), (1, 4)]
    }


def test_synchronous_halving(client, unique_task_keys):
    X, y = _data()
    search = SuccessiveHalvingSearchCV(
        SGDClassifier(tol=None, random_state=0), ALPHAS, n_initial_parameters="grid",
        n_initial_iter=1, aggressiveness=2, random_state=0,
    ).fit(X, y)
    assert search.metadata_ == search.metadata
    hist = search.history_
    # rung by rung: every rung-k score comes before any rung-(k+1) one
    calls = [h["partial_fit_calls"] for h in hist]
    assert calls == sorted(calls)
    # the promoted models are the best of the rung before
    rung0 = {h["model_id"]: h["score"] for h in hist if h["partial_fit_calls"] == 1}
    rung1 = {h["model_id"] for h in hist if h["partial_fit_calls"] == 2}
    cut = sorted(rung0.values(), reverse=True)[2]
    assert all(rung0[i] >= cut for i in rung1) and len(rung1) == 3
    assert search.best_score_ == search.cv_results_["test_score"].max()
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    unique_task_keys.check()


def _slow_on_large_alpha(estimator, X, y):
    # a scorer that makes the models with alpha=1 stragglers of their rung
    if estimator.alpha == 1.0:
        time.sleep(1.0)
    return estimator.score(X, y)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_asynchronous_halving_does_not_wait_for_stragglers(client, asynchronous):
    X, y = _data()
    search = SuccessiveHalvingSearchCV(
        SGDClassifier(tol=None, random_state=0), ALPHAS, n_initial_parameters="grid",
        n_initial_iter=1, aggressiveness=2, random_state=0, scoring=_slow_on_large_alpha,
        asynchronous=asynchronous,
    ).fit(X, y)
    order = [(h["params"]["alpha"], h["partial_fit_calls"]) for h in search.history_]
    straggler = order.index((1.0, 1))
    promoted_before = [a for a, c in order[:straggler] if c > 1]
    if asynchronous:
        assert promoted_before, order  # rung 1 started before the straggler's score
    else:
        assert not promoted_before, order
    # the same schedule either way
    assert search.metadata_["partial_fit_calls"] == search.metadata["partial_fit_calls"]
    assert search.metadata_["n_models"] == 6
    assert search.__sklearn_tags__().non_deterministic is asynchronous


def test_bad_halving_parameters():
    X, y = _data(n=100, chunks=50)
    search = SuccessiveHalvingSearchCV(SGDClassifier(), ALPHAS)
    with pytest.raises(ValueError, match="needs n_initial_iter"):
        search.fit(X, y)
    with pytest.raises(ValueError, match="patience=True means max_iter // aggressiveness"):
        search.set_params(n_initial_iter=1, patience=True).fit(X, y)
    with pytest.raises(ValueError, match="aggressiveness"):
        search.set_params(patience=False, aggressiveness=1).fit(X, y)
