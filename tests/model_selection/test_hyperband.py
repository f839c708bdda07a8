"""HyperbandSearchCV: Li et al.'s bracket sizes in integer arithmetic, a fit on the
in-process cluster (metadata_, history, best model, determinism), the asynchronous client."""

from __future__ import annotations

import asyncio
import math
import pickle
import warnings

import dask
import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import loguniform
from sklearn.linear_model import SGDClassifier

from dask_scale.model_selection import HyperbandSearchCV
from dask_scale.model_selection._holdout import _holdout_split
from dask_scale.model_selection._schedules import (
    halving_calls,
    hyperband_brackets,
    largest_power,
)

PARAMS = {"alpha": loguniform(1e-5, 1e-1), "penalty": ["l2", "l1"]}


def _data(n=2000, d=10, chunks=200):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return da.from_array(X, chunks=chunks), da.from_array(y, chunks=chunks)


def _search(**kw):
    return HyperbandSearchCV(SGDClassifier(tol=None, random_state=0), PARAMS, random_state=0, **kw)


@pytest.mark.parametrize(
    ("max_iter", "n_brackets", "n_models", "calls"),
    [(81, 5, 143, 1581), (243, 6, 415, None), (27, 4, 49, 357)],
)
def test_metadata_is_li_et_al(max_iter, n_brackets, n_models, calls):
    meta = _search(max_iter=max_iter).metadata
    assert len(meta["brackets"]) == n_brackets
    assert meta["n_models"] == n_models
    if calls is not None:
        assert meta["partial_fit_calls"] == calls
    # the paper's table for R=81: (n, r) per bracket
    if max_iter == 81:
        got = [(b["n_models"], b["decisions"][0]) for b in meta["brackets"]]
        assert got == [(81, 1), (34, 3), (15, 9), (8, 27), (5, 81)]


def test_largest_power_in_integers():
    assert math.floor(math.log(243, 3)) == 4  # the float error dask-ml inherits
    assert largest_power(243, 3) == 5
    assert largest_power(242, 3) == 4
    assert largest_power(1, 3) == 0


@given(st.integers(1, 2000), st.integers(2, 6))
def test_bracket_invariants(R, eta):
    s_max = largest_power(R, eta)
    assert eta**s_max <= R < eta ** (s_max + 1)
    brackets = hyperband_brackets(R, eta)
    assert [b[0] for b in brackets] == list(range(s_max, -1, -1))
    for s, n, rungs in brackets:
        assert len(rungs) == s + 1
        assert n * (s + 1) >= (s_max + 1) * eta**s > (n - 1) * (s + 1)  # n is the ceiling
        assert rungs[-1][1] == R  # every bracket trains its survivors to R
        assert [m for m, _ in rungs] == [n // eta**k for k in range(s + 1)]
        assert all(m >= 1 for m, _ in rungs)
        assert all(a[1] <= b[1] for a, b in zip(rungs, rungs[1:], strict=False))
        assert halving_calls(rungs) >= n * rungs[0][1]


def _check_fitted(search, X, y):
    meta = search.metadata
    assert search.metadata_ == meta
    res = search.cv_results_
    # calls per model: increasing along its history, the last equal to cv_results_
    for i, ident in enumerate(res["model_id"]):
        hist = search.model_history_[ident]
        calls = [h["partial_fit_calls"] for h in hist]
        assert calls == sorted(set(calls))
        assert calls[-1] == res["partial_fit_calls"][i]
        assert hist[-1]["score"] == res["test_score"][i]
        assert res["bracket"][i] == int(ident.split("=")[1].split("-")[0])
    assert sum(res["partial_fit_calls"]) == meta["partial_fit_calls"]
    assert len(search.history_) == sum(len(h) for h in search.model_history_.values())
    # the best model is the one with the best score, and scores so on the held-out set
    best = int(np.argmax(res["test_score"]))
    assert search.best_index_ == best
    assert search.best_score_ == res["test_score"][best] == res["test_score"].max()
    assert search.best_params_ == res["params"][best]
    assert res["rank_test_score"][best] == 1
    assert search.n_iter_ == res["partial_fit_calls"][best]
    params = search.best_estimator_.get_params()
    assert all(params[k] == v for k, v in search.best_params_.items())
    seed = np.random.RandomState(0).randint(2**31)  # the first draw of random_state=0
    _, X_test, _, y_test = _holdout_split(X, y, 1 / X.numblocks[0], seed)
    X_test, y_test = dask.compute(X_test, y_test, scheduler="sync")
    assert search.best_estimator_.score(X_test, y_test) == pytest.approx(search.best_score_)
    assert search.score(X_test, y_test) == pytest.approx(search.best_score_)


def test_fit_metadata_history_and_best_model(client, unique_task_keys):
    X, y = _data()
    search = _search(max_iter=9).fit(X, y)
    _check_fitted(search, X, y)
    # predictions follow the input: lazy for dask, numpy for numpy
    pred = search.predict(X)
    assert isinstance(pred, da.Array)
    np.testing.assert_array_equal(pred.compute(), search.predict(X.compute()))
    # the fitted search pickles small (no data, no futures) and predicts the same
    blob = pickle.dumps(search)
    assert len(blob) < 200_000
    np.testing.assert_array_equal(pickle.loads(blob).predict(X.compute()), pred.compute())
    unique_task_keys.check()


def _calls_and_scores(search):
    return {
        k: [(r["partial_fit_calls"], r["score"]) for r in v]
        for k, v in search.model_history_.items()
    }


def test_same_random_state_same_search(client, unique_task_keys):
    X, y = _data()
    first = _search(max_iter=3).fit(X, y)
    again = _search(max_iter=3).fit(X, y)
    np.testing.assert_array_equal(first.cv_results_["test_score"], again.cv_results_["test_score"])
    assert first.cv_results_["params"] == again.cv_results_["params"]
    assert _calls_and_scores(first) == _calls_and_scores(again)
    np.testing.assert_array_equal(first.best_estimator_.coef_, again.best_estimator_.coef_)
    other = _search(max_iter=3).set_params(random_state=1).fit(X, y)
    assert other.cv_results_["params"] != first.cv_results_["params"]


def test_patience_stops_early_and_metadata_counts_it(client):
    X, y = _data()
    search = _search(max_iter=3, patience=True, tol=1.0).fit(X, y)  # nothing improves by 1
    assert search.metadata_["partial_fit_calls"] < search.metadata["partial_fit_calls"]
    assert search.metadata_["n_models"] == search.metadata["n_models"]


def test_await_fit_on_an_asynchronous_client():
    from distributed import Client, LocalCluster

    X, y = _data()

    async def main():
        async with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, asynchronous=True,
            dashboard_address=None,
        ) as cluster, Client(cluster, asynchronous=True) as c:
            assert c.asynchronous
            first = await _search(max_iter=3).fit(X, y)
            second = await _search(max_iter=3).fit(X, y)
            return first, second

    first, second = asyncio.run(main())
    assert first.metadata_ == first.metadata
    np.testing.assert_array_equal(first.cv_results_["test_score"], second.cv_results_["test_score"])
    _check_fitted(first, X, y)


def test_asynchronous_brackets_keep_the_schedule(client):
    X, y = _data()
    search = _search(max_iter=3, asynchronous=True).fit(X, y)
    assert search.metadata_["n_models"] == search.metadata["n_models"]
    assert search.metadata_["partial_fit_calls"] == search.metadata["partial_fit_calls"]


def test_a_small_grid_halves_what_there_is(client):
    X, y = _data()
    search = HyperbandSearchCV(
        SGDClassifier(tol=None, random_state=0), {"alpha": [1e-4, 1e-2]}, max_iter=3,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        meta = search.metadata
        search.fit(X, y)
    assert any("fewer than the" in str(w.message) for w in record)
    assert meta["n_models"] == 2 + 2  # brackets of 3 and 2 models, capped at the grid
    assert search.metadata_["partial_fit_calls"] == meta["partial_fit_calls"] == 2 + 2 + 6
