"""Blockwise voting ensembles against a vote over scikit-learn clones fitted on the same blocks."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import r2_score

from dask_scale.ensemble import BlockwiseVotingClassifier, BlockwiseVotingRegressor
from tests._helpers import GraphCounter

N, BLOCK = 240, 60
BLOCKS = [slice(i, i + BLOCK) for i in range(0, N, BLOCK)]


def _classification(rng):
    X = rng.normal(size=(N, 3))
    y = np.array(["no", "yes", "maybe"], dtype=object)[
        np.digitize(X[:, 0] + 0.8 * rng.normal(size=N), [-0.5, 0.5])
    ]
    return X, y


def _regression(rng):
    X = rng.normal(size=(N, 3))
    return X, X @ [1.0, -2.0, 0.5] + 0.3 * rng.normal(size=N)


def _as_kind(kind, X, y):
    if kind == "frame":
        ddf = dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y), npartitions=4)
        return ddf[["a", "b", "c"]], ddf["y"]
    Xd = da.from_array(X, chunks=(BLOCK, 3))
    yd = da.from_array(y, chunks=BLOCK)
    if kind == "unknown":
        keep = Xd[:, 0] > -np.inf
        return Xd[keep], yd[keep]
    return Xd, yd


def _hand_fitted(make, X, y):
    return [make().fit(X[rows], y[rows]) for rows in BLOCKS]


def _compute(a):
    return a.compute() if hasattr(a, "compute") else a


@pytest.mark.parametrize("kind", ["dask", "unknown", "frame"])
def test_classifier_equals_a_vote_over_sklearn_clones(rng, kind):
    X, y = _classification(rng)
    clones = _hand_fitted(LogisticRegression, X, y)
    classes = np.unique(y)
    Xi, yi = _as_kind(kind, X, y)
    # soft: the mean of the clones' probabilities
    soft = BlockwiseVotingClassifier(LogisticRegression(), voting="soft").fit(Xi, yi)
    assert len(soft.estimators_) == len(BLOCKS)
    for mine, theirs in zip(soft.estimators_, clones, strict=True):
        np.testing.assert_allclose(mine.coef_, theirs.coef_, rtol=1e-10)
    expected_proba = np.mean([c.predict_proba(X) for c in clones], axis=0)
    with GraphCounter() as counter:
        proba, pred = soft.predict_proba(Xi), soft.predict(Xi)
    assert counter.count == 0
    np.testing.assert_allclose(np.asarray(_compute(proba)), expected_proba, rtol=1e-12)
    np.testing.assert_array_equal(np.asarray(_compute(pred)), classes[expected_proba.argmax(1)])
    # hard: the most frequent predicted label, ties to the first class
    hard = BlockwiseVotingClassifier(LogisticRegression()).fit(Xi, yi)
    votes = np.stack([(c.predict(X)[:, None] == classes).astype(int) for c in clones]).sum(0)
    expected = classes[votes.argmax(1)]
    np.testing.assert_array_equal(np.asarray(_compute(hard.predict(Xi))), expected)
    assert hard.score(Xi, yi) == pytest.approx(np.mean(expected == y))
    assert not hasattr(hard, "predict_proba")
    if kind == "frame":
        assert isinstance(proba, dd.DataFrame) and list(proba.columns) == list(classes)
        assert isinstance(pred, dd.Series)
        np.testing.assert_array_equal(soft.feature_names_in_, ["a", "b", "c"])
    else:
        assert isinstance(proba, da.Array)


@pytest.mark.parametrize("kind", ["dask", "unknown", "frame"])
def test_regressor_averages_sklearn_clones(rng, kind):
    X, y = _regression(rng)
    clones = _hand_fitted(LinearRegression, X, y)
    expected = np.mean([c.predict(X) for c in clones], axis=0)
    Xi, yi = _as_kind(kind, X, y)
    model = BlockwiseVotingRegressor(LinearRegression()).fit(Xi, yi)
    pred = model.predict(Xi)
    assert type(pred).__module__.startswith("dask")
    np.testing.assert_allclose(np.asarray(_compute(pred)), expected, rtol=1e-10)
    # R² blockwise, also when the chunk sizes are unknown
    assert model.score(Xi, yi) == pytest.approx(r2_score(y, expected), rel=1e-10)


def test_an_empty_block_fits_no_clone(rng):
    X, y = _classification(rng)
    chunks = (BLOCK, 0, BLOCK, BLOCK, BLOCK)
    model = BlockwiseVotingClassifier(LogisticRegression(), voting="soft").fit(
        da.from_array(X, chunks=(chunks, 3)), da.from_array(y, chunks=(chunks,))
    )
    assert len(model.estimators_) == len(BLOCKS)
    expected = np.mean([c.predict_proba(X) for c in _hand_fitted(LogisticRegression, X, y)], 0)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-12)


def test_numpy_input_is_one_block(rng):
    X, y = _classification(rng)
    model = BlockwiseVotingClassifier(LogisticRegression(), voting="soft").fit(X, y)
    assert len(model.estimators_) == 1
    reference = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), rtol=1e-12)
    assert model.score(X, y) == pytest.approx(reference.score(X, y))


def test_classes_and_sample_weight(rng):
    X, y = _classification(rng)
    w = rng.uniform(0.5, 2.0, N)
    Xd, yd = _as_kind("dask", X, y)
    model = BlockwiseVotingClassifier(
        LogisticRegression(), voting="soft", classes=["yes", "no", "maybe", "never"]
    ).fit(Xd, yd, sample_weight=da.from_array(w, chunks=BLOCK))
    np.testing.assert_array_equal(model.classes_, ["maybe", "never", "no", "yes"])
    clones = [LogisticRegression().fit(X[r], y[r], sample_weight=w[r]) for r in BLOCKS]
    proba = model.predict_proba(Xd).compute()
    assert np.all(proba[:, 1] == 0)  # "never" was not seen by any clone
    expected = np.mean([c.predict_proba(X) for c in clones], axis=0)
    np.testing.assert_allclose(proba[:, [0, 2, 3]], expected, rtol=1e-10)
    bad = BlockwiseVotingClassifier(LogisticRegression(), classes=["yes", "no"])
    with pytest.raises(ValueError, match="not in classes"):
        bad.fit(Xd, yd)
    assert not hasattr(bad, "estimators_")  # a failed fit leaves the estimator unfitted


def test_bad_input(rng):
    X, y = _classification(rng)
    Xd, yd = _as_kind("dask", X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        BlockwiseVotingClassifier(LogisticRegression()).fit(X, yd[:-5])
    model = BlockwiseVotingClassifier(LogisticRegression()).fit(Xd, yd)
    with pytest.raises(ValueError, match="X has 2 features, but BlockwiseVotingClassifier"):
        model.predict(Xd[:, :2])  # from metadata, at the call
    Xf, yf = _as_kind("frame", X, y)
    with pytest.raises(ValueError, match="partitions"):
        BlockwiseVotingClassifier(LogisticRegression()).fit(Xf, yf.repartition(npartitions=2))
    ddf = dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y), npartitions=4)
    ddf = ddf[ddf.a > np.inf]
    with pytest.raises(ValueError, match="0 sample"):
        BlockwiseVotingClassifier(LogisticRegression()).fit(ddf[["a", "b", "c"]], ddf["y"])
    with pytest.raises(ValueError, match="voting"):
        BlockwiseVotingClassifier(LogisticRegression(), voting="mean").fit(Xd, yd)


def test_fits_on_the_cluster_and_pickles_small(rng, client, unique_task_keys):
    X, y = _regression(rng)
    X = np.tile(X, (10, 1))
    y = np.tile(y, 10)
    Xd = da.from_array(X, chunks=(N * 10 // 4, 3))
    yd = da.from_array(y, chunks=N * 10 // 4)
    model = BlockwiseVotingRegressor(LinearRegression()).fit(Xd, yd)
    assert len(model.estimators_) == 4
    size = len(pickle.dumps(model))
    assert size < 5000, size  # the clones' coefficients, not the data (X is 57 kB)
    clones = [LinearRegression().fit(X[i : i + 600], y[i : i + 600]) for i in range(0, 2400, 600)]
    expected = np.mean([c.predict(X) for c in clones], axis=0)
    np.testing.assert_allclose(model.predict(Xd).compute(), expected, rtol=1e-9)
