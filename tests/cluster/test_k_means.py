"""dask_scale.cluster.k_means: dask-ml's module path of KMeans and its helpers.

Written from dask-ml's documentation of ``dask_ml.cluster.k_means`` (``k_init(X, n_clusters,
init='k-means||', random_state=None, max_iter=None, oversampling_factor=2)`` returning a NumPy
array of centres; ``init_scalable``, ``init_pp``, ``init_random``, ``evaluate_cost``,
``compute_inertia``, ``k_means``), with scikit-learn's definitions of the costs.
"""

from __future__ import annotations

import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

import dask_scale.cluster
from dask_scale.cluster import KMeans, k_means
from dask_scale.cluster.k_means import (
    compute_inertia,
    evaluate_cost,
    init_pp,
    init_random,
    init_scalable,
    k_init,
)

INITS = ["k-means||", "k-means++", "random"]
KINDS = ["numpy", "dask", "unknown", "frame"]


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=900, centers=5, n_features=3, random_state=0)
    return X


def _as(kind, X):
    if kind == "numpy":
        return X
    Xd = da.from_array(X, chunks=300)
    if kind == "dask":
        return Xd
    if kind == "unknown":
        out = Xd[da.isfinite(Xd[:, 0])]
        assert np.isnan(out.shape[0])
        return out
    return dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]), npartitions=3)


def _brute_cost(X, C, labels=None):
    d2 = ((X[:, None, :].astype(np.float64) - C[None].astype(np.float64)) ** 2).sum(-1)
    if labels is None:
        return d2.min(1).sum()
    return d2[np.arange(len(X)), labels].sum()


def test_module_path_and_names():
    assert dask_scale.cluster.k_means is k_means
    assert k_means.KMeans is KMeans
    for name in ["k_init", "init_scalable", "init_pp", "init_random", "evaluate_cost",
                 "compute_inertia", "k_means", "KMeans"]:
        assert callable(getattr(k_means, name)), name
        assert name in k_means.__all__


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("init", INITS)
def test_k_init_is_the_start_of_kmeans(blobs, init, kind):
    # the centres k_init returns are those KMeans(init=..., random_state=...) starts from:
    # a fit from them is the same fit
    data = _as(kind, blobs)
    centres = k_init(data, 5, init=init, random_state=0)
    assert isinstance(centres, np.ndarray) and centres.shape == (5, 3)
    assert centres.dtype == np.float64
    ref = KMeans(5, init=init, random_state=0, n_init=1).fit(data)
    got = KMeans(5, init=centres).fit(data)
    np.testing.assert_allclose(got.cluster_centers_, ref.cluster_centers_, rtol=1e-12)
    assert got.n_iter_ == ref.n_iter_
    # the same centres whatever the input kind (same row blocks)
    if kind != "numpy":
        np.testing.assert_array_equal(
            centres, k_init(_as("dask", blobs), 5, init=init, random_state=0)
        )


def test_the_three_inits_are_k_init(blobs):
    Xd = _as("dask", blobs)
    np.testing.assert_array_equal(
        init_scalable(Xd, 5, random_state=1, max_iter=2, oversampling_factor=3),
        k_init(Xd, 5, init="k-means||", random_state=1, max_iter=2, oversampling_factor=3),
    )
    np.testing.assert_array_equal(init_pp(Xd, 5, 1), k_init(Xd, 5, "k-means++", 1))
    np.testing.assert_array_equal(init_random(Xd, 5, 1), k_init(Xd, 5, "random", 1))


def test_k_init_parameters_are_kmeans_parameters(blobs):
    # max_iter is KMeans's init_max_iter, oversampling_factor the same name
    Xd = _as("dask", blobs)
    for rounds, factor in [(1, 0.5), (3, 4)]:
        centres = k_init(Xd, 5, random_state=2, max_iter=rounds, oversampling_factor=factor)
        ref = KMeans(5, random_state=2, init_max_iter=rounds, oversampling_factor=factor,
                     max_iter=1).fit(Xd)
        got = KMeans(5, init=centres, max_iter=1).fit(Xd)
        np.testing.assert_allclose(got.cluster_centers_, ref.cluster_centers_, rtol=1e-12)
    assert not np.array_equal(
        k_init(Xd, 5, random_state=2, max_iter=1, oversampling_factor=0.5),
        k_init(Xd, 5, random_state=2, max_iter=3, oversampling_factor=4),
    )


def test_init_random_draws_distinct_rows(blobs):
    centres = init_random(_as("unknown", blobs), 6, np.random.RandomState(0))
    rows = {tuple(r) for r in blobs}
    assert all(tuple(c) in rows for c in centres)
    assert len({tuple(c) for c in centres}) == 6


def test_k_init_keeps_float32_and_weights(blobs):
    X32 = blobs.astype(np.float32)
    for init in INITS:
        assert k_init(da.from_array(X32, chunks=300), 4, init=init, random_state=0).dtype \
            == np.float32
    # a zero weight keeps a row out of the draw
    w = np.zeros(len(blobs))
    w[:10] = 1.0
    centres = k_init(blobs, 3, init="random", random_state=0, sample_weight=w)
    assert {tuple(c) for c in centres} <= {tuple(r) for r in blobs[:10]}


def test_k_init_array_and_errors(blobs):
    given = blobs[:5].tolist()
    out = k_init(_as("dask", blobs), 5, init=given)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, blobs[:5])
    with pytest.raises(ValueError, match="number of clusters 4"):
        k_init(blobs, 4, init=blobs[:5])
    with pytest.raises(ValueError, match="number of features of the data 3"):
        k_init(blobs, 5, init=blobs[:5, :2])
    with pytest.raises(ValueError, match="init must be one of"):
        k_init(blobs, 5, init="kmeans")
    with pytest.raises(ValueError, match="n_clusters"):
        k_init(blobs, 0)
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=5"):
        k_init(blobs[:3], 5)
    with pytest.raises(ValueError, match="n_samples=3 should be >= n_clusters=5"):
        k_init(da.from_array(blobs[:3], chunks=2)[da.arange(3, chunks=2) >= 0], 5)
    bad = blobs.copy()
    bad[5, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        k_init(da.from_array(bad, chunks=300), 5, random_state=0)


@pytest.mark.parametrize("kind", KINDS)
def test_evaluate_cost_is_sklearns_inertia(blobs, kind):
    sk = SkKMeans(5, n_init=1, random_state=0).fit(blobs)
    data = _as(kind, blobs)
    cost = evaluate_cost(data, sk.cluster_centers_)
    if kind == "numpy":
        assert isinstance(cost, float)
    else:
        # lazy, as dask-ml's: a 0-d dask array
        assert isinstance(cost, da.Array) and cost.shape == ()
        cost = cost.compute()
    assert cost == pytest.approx(sk.inertia_, rel=1e-9)
    assert cost == pytest.approx(-sk.score(blobs), rel=1e-9)
    assert cost == pytest.approx(_brute_cost(blobs, sk.cluster_centers_), rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_compute_inertia_of_any_labelling(blobs, kind):
    C = blobs[:4]
    labels = np.random.default_rng(0).integers(0, 4, size=len(blobs))
    data = _as(kind, blobs)
    km = KMeans(4, init=C).fit(data)
    if kind in ("numpy", "dask"):
        got = compute_inertia(data, labels, C)  # NumPy labels, split like X
        got = got if kind == "numpy" else got.compute()
        assert got == pytest.approx(_brute_cost(blobs, C, labels), rel=1e-12)
    # labels_ of the fit (a dask array with X's row chunks for dask X): KMeans's inertia_
    inertia = compute_inertia(data, km.labels_, km.cluster_centers_)
    inertia = inertia if kind == "numpy" else inertia.compute()
    assert inertia == pytest.approx(km.inertia_, rel=1e-9)
    nearest = evaluate_cost(data, km.cluster_centers_)
    nearest = nearest if kind == "numpy" else nearest.compute()
    assert inertia == pytest.approx(nearest, rel=1e-9)


def test_compute_inertia_errors(blobs):
    C = blobs[:4]
    with pytest.raises(ValueError, match="one per row"):
        compute_inertia(blobs, np.zeros(10, dtype=int), C)
    with pytest.raises(ValueError, match=r"integers in \[0, 4\)"):
        compute_inertia(blobs, np.full(len(blobs), 4), C)
    with pytest.raises(ValueError, match=r"integers in \[0, 4\)"):
        compute_inertia(_as("dask", blobs), np.full(len(blobs), 4), C).compute()
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        compute_inertia(_as("unknown", blobs), np.zeros(len(blobs), dtype=int), C)
    with pytest.raises(ValueError, match="features"):
        evaluate_cost(blobs, C[:, :2])


@pytest.mark.parametrize("kind", ["numpy", "dask", "frame"])
def test_k_means_returns_the_fit(blobs, kind):
    data = _as(kind, blobs)
    km = KMeans(5, random_state=0, n_init=1).fit(data)
    centers, labels, inertia = k_means.k_means(data, 5, random_state=0)
    np.testing.assert_array_equal(centers, km.cluster_centers_)
    np.testing.assert_array_equal(labels, km.labels_)
    assert type(labels) is type(km.labels_)
    assert inertia == km.inertia_ and isinstance(inertia, float)
    *_, n_iter = k_means.k_means(data, 5, random_state=0, return_n_iter=True)
    assert n_iter == km.n_iter_
    # scikit-learn's k_means on the same start: same clustering
    sk_c, sk_l, sk_i = __import__("sklearn.cluster", fromlist=["k_means"]).k_means(
        blobs, 5, init=k_init(data, 5, random_state=0), n_init=1
    )
    np.testing.assert_allclose(centers, sk_c, rtol=1e-10)
    np.testing.assert_array_equal(np.asarray(labels), sk_l)
    assert inertia == pytest.approx(sk_i, rel=1e-9)


def test_k_means_takes_dask_mls_positional_signature_and_keywords(blobs):
    # dask-ml: k_means(X, n_clusters, init, precompute_distances, n_init, max_iter, verbose,
    # tol, random_state, copy_x, n_jobs, algorithm, return_n_iter, oversampling_factor,
    # init_max_iter)
    with pytest.warns(FutureWarning) as record:
        out = k_means.k_means(blobs, 5, "k-means||", "auto", 1, 300, False, 1e-4, 0, True, -1,
                              "full", True, 2, None)
    messages = " ".join(str(w.message) for w in record)
    for name in ("precompute_distances", "copy_x", "n_jobs", "algorithm='full'"):
        assert name in messages
    assert len(out) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = k_means.k_means(blobs, 5, random_state=0, return_n_iter=True)
    np.testing.assert_array_equal(out[0], plain[0])
    w = np.ones(len(blobs))
    w[:100] = 3.0
    weighted = k_means.k_means(blobs, 5, random_state=0, sample_weight=w)
    ref = KMeans(5, random_state=0, n_init=1).fit(blobs, sample_weight=w)
    np.testing.assert_array_equal(weighted[0], ref.cluster_centers_)
