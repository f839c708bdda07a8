"""SpectralClustering (Nyström): agreement with scikit-learn, dask vs NumPy, bad input."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import BlockCounter
from sklearn.cluster import SpectralClustering as SkSpectral
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import rbf_kernel

from dask_scale.cluster import KMeans, SpectralClustering

N = 300


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=N, centers=3, n_features=3, cluster_std=0.8, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def sklearn_labels(blobs):
    X, _ = blobs
    return SkSpectral(n_clusters=3, gamma=0.1, random_state=0).fit(X).labels_


def _model(**kw):
    params = dict(n_clusters=3, gamma=0.1, n_components=40, random_state=0, n_init=2)
    params.update(kw)
    return SpectralClustering(**params)


def _unknown(X):
    return da.from_array(X, chunks=(100, 3)).map_blocks(lambda b: b, chunks=((np.nan,) * 3, (3,)))


@pytest.mark.parametrize("kind", ["numpy", "dask", "unknown", "frame"])
def test_labels_agree_with_sklearn(blobs, sklearn_labels, kind):
    X, _ = blobs
    Xin = {
        "numpy": lambda: X,
        "dask": lambda: da.from_array(X, chunks=(75, 3)),
        "unknown": lambda: _unknown(X),
        "frame": lambda: dd.from_pandas(pd.DataFrame(X, columns=list("abc")), npartitions=3),
    }[kind]()
    model = _model().fit(Xin)
    labels = np.asarray(model.labels_)
    assert labels.shape == (N,)
    assert adjusted_rand_score(sklearn_labels, labels) >= 0.95
    assert isinstance(model.assign_labels_, KMeans)
    assert model.eigenvalues_.shape == (3,)
    assert model.eigenvalues_[0] == pytest.approx(1.0, abs=1e-2)
    assert model.basis_inds_.shape == (40,)
    if kind == "frame":
        np.testing.assert_array_equal(model.feature_names_in_, list("abc"))


def test_every_row_sampled_gives_the_exact_eigenvalues(blobs):
    # n_components = n_samples: the Nyström approximation is exact
    X = blobs[0][:120]
    W = rbf_kernel(X, gamma=0.1)
    d = W.sum(axis=1)
    exact = np.sort(np.linalg.eigvalsh(W / np.sqrt(np.outer(d, d))))[::-1][:3]
    model = _model(n_components=120, n_init=1).fit(da.from_array(X, chunks=(50, 3)))
    np.testing.assert_allclose(model.eigenvalues_, exact, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("solver", ["arpack", "lobpcg"])
def test_iterative_eigensolvers_match_the_dense_one(blobs, solver):
    X, _ = blobs
    dense = _model().fit(X)
    it = _model(eigen_solver=solver, eigen_tol=1e-10).fit(X)
    np.testing.assert_allclose(it.eigenvalues_, dense.eigenvalues_, rtol=1e-7)
    assert adjusted_rand_score(dense.labels_, it.labels_) == 1.0


@pytest.mark.parametrize("chunks", [300, 100, (50, 250), (1, 120, 179)])
def test_chunking_changes_neither_sample_nor_spectrum(blobs, chunks):
    X, _ = blobs
    ref = _model().fit(X)
    got = _model().fit(da.from_array(X, chunks=(chunks, 3)))
    np.testing.assert_array_equal(got.basis_inds_, ref.basis_inds_)
    np.testing.assert_allclose(got.eigenvalues_, ref.eigenvalues_, rtol=1e-9)
    assert adjusted_rand_score(ref.labels_, np.asarray(got.labels_)) == 1.0


def test_deterministic_under_random_state(blobs):
    X, _ = blobs
    a, b = _model().fit(X), _model().fit(X)
    np.testing.assert_array_equal(a.basis_inds_, b.basis_inds_)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    c = _model(random_state=1).fit(X)
    assert not np.array_equal(a.basis_inds_, c.basis_inds_)


@pytest.mark.parametrize("affinity", ["polynomial", "cosine", "laplacian", "linear"])
def test_other_kernels_as_sklearn_defines_them(affinity):
    # non-negative features: every kernel gives non-negative similarities
    X, _ = make_blobs(n_samples=200, centers=[[1, 8], [8, 1]], cluster_std=0.5, random_state=2)
    sk = SkSpectral(n_clusters=2, affinity=affinity, gamma=0.1, random_state=0).fit(X).labels_
    ours = _model(n_clusters=2, affinity=affinity, n_components=60).fit(X).labels_
    assert adjusted_rand_score(sk, ours) >= 0.95


def test_callable_affinity_and_kernel_params(blobs, sklearn_labels):
    X, _ = blobs

    def rbf(x, y, width):
        return float(np.exp(-np.sum((x - y) ** 2) / width))

    model = _model(affinity=rbf, kernel_params={"width": 10.0}, n_components=20).fit(X)
    assert adjusted_rand_score(sklearn_labels, model.labels_) >= 0.95


def test_sklearn_kmeans_and_estimator_assign_labels(blobs, sklearn_labels):
    from sklearn.cluster import KMeans as SkKMeans

    X = da.from_array(blobs[0], chunks=(100, 3))
    for assign in ["sklearn-kmeans", SkKMeans(n_clusters=3, n_init=1, random_state=0)]:
        model = _model(assign_labels=assign).fit(X)
        assert isinstance(model.assign_labels_, SkKMeans)
        assert adjusted_rand_score(sklearn_labels, model.labels_) >= 0.95


def test_kmeans_params_reach_the_clusterer(blobs):
    model = _model(kmeans_params={"max_iter": 7, "init": "k-means++"}).fit(blobs[0])
    assert model.assign_labels_.max_iter == 7
    assert model.assign_labels_.init == "k-means++"
    assert model.assign_labels_.n_init == 2


def test_fit_is_lazy_and_persist_embedding(blobs):
    fits, reads = {}, {}
    for persist in (False, True):
        counter = BlockCounter(3)
        X = counter.wrap(da.from_array(blobs[0], chunks=(100, 3)), name=f"spectral-{persist}")
        fits[persist] = _model(n_init=1, persist_embedding=persist).fit(X)
        fits[persist].labels_.compute()
        reads[persist] = counter.per_block
    # persisted: every block read by the sample, the degrees, the Gram matrix and the
    # embedding, once each; labels_ a dask array over labels already computed
    np.testing.assert_array_equal(reads[True], [4] * 3)
    # not persisted: the k-means passes (initialisation, iterations, labels) re-read X
    assert (reads[False] > 4 + 1).all(), reads[False]
    plain = fits[False]
    assert isinstance(plain.labels_, da.Array)
    assert len(plain.labels_.dask) <= plain.labels_.numblocks[0] + 1
    np.testing.assert_array_equal(plain.labels_.compute(), fits[True].labels_.compute())


def test_fitted_model_pickles_small():
    X = da.random.default_rng(0).normal(size=(8_000, 4), chunks=(2_000, 4))
    model = _model(n_init=1, gamma=0.5, kmeans_params={"max_iter": 3}).fit(X)
    blob = pickle.dumps(model)
    assert len(blob) < 80_000  # the labels (4 bytes a row), not the data
    np.testing.assert_array_equal(pickle.loads(blob).labels_.compute(), model.labels_.compute())


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(n_components=301), ValueError, r"n_components=301 is larger .*n_samples=300"),
        (dict(n_clusters=50), ValueError, "n_clusters=50 is larger than n_components=40"),
        (dict(affinity="nearest_neighbors"), ValueError, "not supported.*not a kernel"),
        (dict(affinity="precomputed"), ValueError, "not supported.*avoids forming"),
        (dict(eigen_solver="amg"), ValueError, "small dense"),
        (dict(assign_labels="discretize"), ValueError, "whole.*embedding"),
        (dict(assign_labels="cluster_qr"), ValueError, "whole.*embedding"),
        (dict(kmeans_params={"n_clusters": 2}), ValueError, "may not set"),
        (dict(affinity="nope"), ValueError, "affinity"),
    ],
)
def test_bad_parameters_say_what_to_do(blobs, params, error, match):
    for X in (blobs[0], da.from_array(blobs[0], chunks=(100, 3))):
        with pytest.raises(error, match=match):
            _model(**params).fit(X)


def test_n_components_larger_than_unknown_n_samples(blobs):
    with pytest.raises(ValueError, match="n_samples=300"):
        _model(n_components=500).fit(_unknown(blobs[0]))


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(n_jobs=2), "n_jobs' has no effect"),
        (dict(n_neighbors=5), "n_neighbors=5 has no effect in SpectralClustering"),
        (dict(eigen_tol=1e-3), "eigen_tol=0.001 has no effect.*dense solver is exact"),
        (dict(assign_labels=KMeans(3), n_init=3), "n_init=3 has no effect"),
    ],
)
def test_parameters_without_effect_warn(blobs, params, match):
    with pytest.warns((UserWarning, FutureWarning), match=match):
        _model(**params).fit(blobs[0])


def test_nan_in_dask_input_is_a_clear_error(blobs):
    X = blobs[0].copy()
    X[150, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _model().fit(da.from_array(X, chunks=(100, 3)))


def test_duplicate_rows_warn_of_a_lower_rank():
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 50, axis=0)
    with pytest.warns(UserWarning, match="rank 2, fewer than n_clusters=3"):
        model = _model(n_clusters=3, n_components=10).fit(X)
    assert model.eigenvalues_.shape == (2,)
    assert adjusted_rand_score(np.repeat([0, 1], 50), model.labels_) > 0.5
