"""GaussianNB against scikit-learn's on the same data (numpy, dask arrays, dask frames)."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.naive_bayes import GaussianNB as SkGaussianNB

from dask_scale._kernels.stats import block_class_moments, merge_class_moments
from dask_scale.naive_bayes import GaussianNB
from tests._helpers import GraphCounter

ATTRS = ("theta_", "var_", "class_prior_", "class_count_", "epsilon_")
RTOL = 1e-10


def _data(rng, n=240, labels=("a", "b", "c")):
    # large means against the spread: a naive sum of squares would lose digits here
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.01] + [1e4, -3.0, 5e5]
    y = np.asarray(labels, dtype=object)[rng.integers(0, len(labels), n)]
    w = rng.uniform(0.0, 3.0, n)
    return X, y, w


def _assert_like(model, reference):
    for attr in ATTRS:
        np.testing.assert_allclose(
            getattr(model, attr), getattr(reference, attr), rtol=RTOL, atol=0, err_msg=attr
        )
    np.testing.assert_array_equal(model.classes_, reference.classes_)


def _as_dask(kind, X, y, w):
    if kind == "numpy":
        return X, y, w
    if kind == "frame":
        pdf = pd.DataFrame(X, columns=["f0", "f1", "f2"]).assign(y=y, w=w)
        ddf = dd.from_pandas(pdf, npartitions=4)
        return ddf[["f0", "f1", "f2"]], ddf["y"], ddf["w"]
    Xd = da.from_array(X, chunks=(70, 3))
    yd = da.from_array(y, chunks=70)
    wd = da.from_array(w, chunks=70)
    if kind == "unknown":
        keep = Xd[:, 0] > -np.inf
        return Xd[keep], yd[keep], wd[keep]
    return Xd, yd, wd


@pytest.mark.parametrize("kind", ["numpy", "dask", "unknown", "frame"])
@pytest.mark.parametrize("weighted", [False, True])
def test_fit_equals_sklearn(rng, kind, weighted):
    X, y, w = _data(rng)
    reference = SkGaussianNB().fit(X, y, sample_weight=w if weighted else None)
    Xi, yi, wi = _as_dask(kind, X, y, w)
    model = GaussianNB().fit(Xi, yi, sample_weight=wi if weighted else None)
    _assert_like(model, reference)
    assert all(isinstance(getattr(model, a), np.ndarray) for a in ATTRS if a != "epsilon_")
    proba = model.predict_proba(Xi)
    pred = model.predict(Xi)
    if kind != "numpy":
        assert type(proba).__module__.startswith("dask")
        proba, pred = proba.compute(), pred.compute()
    # the third feature's mean (5e5) is known to ~1e-10 absolute against a spread of 0.01:
    # rounding of the means moves the probabilities by ~1e-8
    np.testing.assert_allclose(np.asarray(proba), reference.predict_proba(X), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(pred), reference.predict(X))
    expected = reference.score(X, y, sample_weight=w if weighted else None)
    assert model.score(Xi, yi, sample_weight=wi if weighted else None) == pytest.approx(expected)


def test_predictions_are_lazy_and_follow_the_input(rng):
    X, y, w = _data(rng)
    reference = SkGaussianNB().fit(X, y)
    Xd, yd, _ = _as_dask("dask", X, y, w)
    model = GaussianNB().fit(Xd, yd)
    with GraphCounter() as counter:
        outs = [
            model.predict(Xd),
            model.predict_proba(Xd),
            model.predict_log_proba(Xd),
            model.predict_joint_log_proba(Xd),
        ]
    assert counter.count == 0
    assert all(isinstance(o, da.Array) for o in outs)
    pred, proba, log_proba, jll = da.compute(*outs)
    np.testing.assert_array_equal(pred, reference.predict(X))
    np.testing.assert_allclose(log_proba, reference.predict_log_proba(X), rtol=1e-6)
    np.testing.assert_allclose(jll, reference.predict_joint_log_proba(X), rtol=1e-6)
    Xf, yf, _ = _as_dask("frame", X, y, w)
    model = GaussianNB().fit(Xf, yf)
    frame_proba = model.predict_proba(Xf)
    assert isinstance(frame_proba, dd.DataFrame)
    assert list(frame_proba.columns) == list(model.classes_)
    np.testing.assert_allclose(frame_proba.compute().to_numpy(), proba, rtol=1e-12)
    assert isinstance(model.predict(Xf), dd.Series)


def test_one_pass_over_the_data(rng):
    X, y, w = _data(rng)
    with GraphCounter() as counter:
        GaussianNB().fit(*_as_dask("dask", X, y, w)[:2])
    assert counter.count == 1


def test_partial_fit_matches_sklearn(rng):
    X, y, w = _data(rng, n=300)
    # scikit-learn's own batch update loses digits on the 5e5-mean feature (see below)
    X[:, 2] -= 5e5
    classes = np.array(["a", "b", "c", "d"], dtype=object)  # "d" never seen
    reference = SkGaussianNB(var_smoothing=1e-6)
    model = GaussianNB(var_smoothing=1e-6)
    batches = [slice(0, 100), slice(100, 230), slice(230, 300)]
    for i, rows in enumerate(batches):
        kw = {"classes": classes} if i == 0 else {}
        reference.partial_fit(X[rows], y[rows], sample_weight=w[rows], **kw)
        Xd = da.from_array(X[rows], chunks=(40, 3))
        model.partial_fit(
            Xd, da.from_array(y[rows], chunks=40), sample_weight=da.from_array(w[rows], chunks=40), **kw
        )
        _assert_like(model, reference)


def test_partial_fit_stays_accurate_on_large_means(rng):
    # three dask batches of a feature with mean 5e5 and spread 0.01: the merged variance is
    # within 1e-9 of the extended-precision value (scikit-learn's update: ~3e-9 here)
    X, y, w = _data(rng, n=300)
    model = GaussianNB(var_smoothing=0.0)
    for i, rows in enumerate([slice(0, 100), slice(100, 230), slice(230, 300)]):
        model.partial_fit(
            da.from_array(X[rows], chunks=(40, 3)),
            da.from_array(y[rows], chunks=40),
            classes=["a", "b", "c"] if i == 0 else None,
            sample_weight=w[rows],
        )
    for k, label in enumerate(model.classes_):
        Xl = X[y == label].astype(np.longdouble)
        wl = w[y == label].astype(np.longdouble)
        mean = (wl[:, None] * Xl).sum(0) / wl.sum()
        var = (wl[:, None] * (Xl - mean) ** 2).sum(0) / wl.sum()
        np.testing.assert_allclose(model.theta_[k], mean.astype(np.float64), rtol=1e-14)
        np.testing.assert_allclose(model.var_[k], var.astype(np.float64), rtol=1e-9)


def test_priors_honoured_and_validated(rng):
    X, y, w = _data(rng)
    priors = [0.2, 0.5, 0.3]
    reference = SkGaussianNB(priors=priors).fit(X, y)
    model = GaussianNB(priors=priors).fit(*_as_dask("dask", X, y, w)[:2])
    _assert_like(model, reference)
    np.testing.assert_allclose(model.class_prior_, priors)
    Xd, yd, _ = _as_dask("dask", X, y, w)
    for bad, message in [
        ([0.5, 0.5], "Number of priors must match number of classes"),
        ([0.5, 0.4, 0.3], "The sum of the priors should be 1"),
        ([1.2, -0.4, 0.2], "Priors must be non-negative"),
    ]:
        with pytest.raises(ValueError, match=message):
            GaussianNB(priors=bad).fit(Xd, yd)


def test_bad_input(rng):
    X, y, w = _data(rng)
    Xd, yd, _ = _as_dask("dask", X, y, w)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        GaussianNB().partial_fit(Xd, yd)
    model = GaussianNB().partial_fit(Xd, yd, classes=["a", "b"][:2] + ["c"])
    bad = da.from_array(np.where(y == "a", "z", y), chunks=70)
    theta = model.theta_.copy()
    with pytest.raises(ValueError, match=r"label\(s\) \['z'\] in y do not exist"):
        model.partial_fit(Xd, bad)
    np.testing.assert_array_equal(model.theta_, theta)  # the failed batch changed nothing
    with pytest.raises(ValueError, match="Number of features 2 does not match|X has 2 features"):
        model.partial_fit(Xd[:, :2], yd)
    Xnan = da.from_array(np.where(np.arange(240)[:, None] == 100, np.nan, X), chunks=(70, 3))
    with pytest.raises(ValueError, match="NaN"):
        GaussianNB().fit(Xnan, yd)


def test_pickles_small(rng):
    X, y, w = _data(rng, n=2000)
    model = GaussianNB().fit(*_as_dask("dask", X, y, w)[:2])
    assert len(pickle.dumps(model)) < 2500
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict(X), model.predict(X))


def test_fit_on_a_distributed_cluster(rng, client, unique_task_keys):
    X, y, w = _data(rng)
    reference = SkGaussianNB().fit(X, y, sample_weight=w)
    model = GaussianNB().fit(*_as_dask("dask", X, y, w))
    _assert_like(model, reference)
    np.testing.assert_array_equal(model.predict(_as_dask("dask", X, y, w)[0]).compute(), reference.predict(X))


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 40),
    split=st.integers(0, 40),
    seed=st.integers(0, 2**16),
)
def test_class_moments_merge_is_split_invariant(n, split, seed):
    # merging the summaries of two halves gives the summary of the whole
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, 2)) + 100.0
    y = r.integers(0, 3, n)
    w = r.uniform(0.1, 2.0, n)
    split = min(split, n)

    def summary(rows):
        labels, codes = np.unique(y[rows], return_inverse=True)
        return labels, block_class_moments(X[rows], codes.astype(np.int64), len(labels), w[rows], True)

    labels, (count, shift, offset, m2) = merge_class_moments(
        summary(slice(0, split)), summary(slice(split, n))
    )
    whole_labels, (c2, s2, o2, q2) = summary(slice(0, n))
    np.testing.assert_array_equal(labels, whole_labels)
    np.testing.assert_allclose(count, c2, rtol=1e-12)
    np.testing.assert_allclose(shift + offset, s2 + o2, rtol=1e-12)
    np.testing.assert_allclose(m2, q2, rtol=1e-9, atol=1e-9)
