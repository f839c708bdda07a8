"""Tests of dask_scale.cluster.KMeans and its kernels.

Reference: scikit-learn's KMeans on the same NumPy data. With the same initial centres the two
run the same algorithm (Lloyd, scikit-learn's relative ``tol``, relocation of empty clusters to
the farthest points, final E-step), so centres agree to rounding (1e-10) and ``n_iter_`` is
equal; with their own random initialisations both reach the optimum of well-separated blobs,
where the SSE agrees within 0.1%.
"""

from __future__ import annotations

import contextlib
import pickle
import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import count_scaled_blocks
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from dask_scale._kernels import kmeans as kern
from dask_scale.cluster import KMeans
from dask_scale.cluster._kmeans_init import first_pass

# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def _blobs(n=600, centers=4, n_features=3, std=1.0, seed=0, box=(-10, 10)):
    X, y = make_blobs(
        n_samples=n,
        centers=centers,
        n_features=n_features,
        cluster_std=std,
        center_box=box,
        random_state=seed,
    )
    return X, y


@pytest.fixture(scope="module")
def separated():
    """Well-separated blobs: every reasonable run reaches the same optimum."""
    return _blobs(n=800, centers=4, n_features=3, seed=1)


@pytest.fixture(scope="module")
def overlapping():
    """Overlapping blobs: Lloyd needs several iterations and ``tol`` matters."""
    X, _ = _blobs(n=1000, centers=6, n_features=5, std=3.0, seed=3, box=(-5, 5))
    return X


def _sse(X, centres, w=None):
    d2 = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(-1).min(1)
    return float(d2.sum() if w is None else (w * d2).sum())


def _sorted_rows(C):
    return C[np.lexsort(C.T[::-1])]


# --------------------------------------------------------------------------------------------
# agreement with scikit-learn
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_sse_matches_sklearn_on_blobs(separated, init, kind):
    X, _ = separated
    data = X if kind == "numpy" else da.from_array(X, chunks=150)
    km = KMeans(n_clusters=4, init=init, random_state=0).fit(data)
    sk = SkKMeans(n_clusters=4, n_init=1, random_state=0).fit(X)
    # both reach the optimum of separated blobs: SSE within 0.1%
    assert km.inertia_ == pytest.approx(sk.inertia_, rel=1e-3)
    np.testing.assert_allclose(
        _sorted_rows(km.cluster_centers_), _sorted_rows(sk.cluster_centers_), atol=1e-6
    )


@pytest.mark.parametrize("tol", [1e-4, 0.0, 1e-2])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_init_runs_sklearns_algorithm(overlapping, tol, weighted):
    X = overlapping
    w = np.random.default_rng(0).uniform(0.0, 3.0, X.shape[0]) if weighted else None
    init = X[:6].copy()
    sk = SkKMeans(6, init=init, n_init=1, tol=tol).fit(X, sample_weight=w)
    km = KMeans(6, init=init, tol=tol).fit(X, sample_weight=w)
    kd = KMeans(6, init=init, tol=tol).fit(
        da.from_array(X, chunks=130), sample_weight=None if w is None else da.from_array(w, 130)
    )
    assert sk.n_iter_ > 3  # the case exercises several iterations
    for est in (km, kd):
        assert est.n_iter_ == sk.n_iter_
        # same algorithm; only the summation order differs (1e-10)
        np.testing.assert_allclose(est.cluster_centers_, sk.cluster_centers_, atol=1e-10)
        assert est.inertia_ == pytest.approx(sk.inertia_, rel=1e-10)
    np.testing.assert_array_equal(km.labels_, sk.labels_)
    np.testing.assert_array_equal(kd.labels_, sk.labels_)


def test_empty_clusters_relocated_like_sklearn(overlapping):
    X = overlapping
    # three centres far from all the data: empty after the first assignment
    init = np.vstack([X[:3], 100.0 + np.arange(9.0).reshape(3, 3).repeat(2, axis=1)[:, :5]])
    w = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0])
    sk = SkKMeans(6, init=init, n_init=1).fit(X, sample_weight=w)
    for data in (X, da.from_array(X, chunks=170)):
        km = KMeans(6, init=init).fit(data, sample_weight=w)
        assert np.isfinite(km.cluster_centers_).all()
        assert km.n_iter_ == sk.n_iter_
        np.testing.assert_allclose(km.cluster_centers_, sk.cluster_centers_, atol=1e-10)
        assert km.inertia_ == pytest.approx(sk.inertia_, rel=1e-10)


def test_fewer_distinct_points_than_clusters_warns_and_never_nan():
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0], [9.0, 0.0]]), 10, axis=0)
    for data in (X, da.from_array(X, chunks=7)):
        with pytest.warns(ConvergenceWarning, match="distinct clusters \\(3\\)"):
            km = KMeans(5, random_state=0).fit(data)
        assert np.isfinite(km.cluster_centers_).all()
        assert km.inertia_ == pytest.approx(0.0, abs=1e-12)


def test_transform_score_predict(overlapping):
    X = overlapping
    km = KMeans(6, random_state=0).fit(X)
    C = km.cluster_centers_
    dist = np.sqrt(((X[:, None, :] - C[None]) ** 2).sum(-1))
    np.testing.assert_allclose(km.transform(X), dist, rtol=1e-12)
    np.testing.assert_array_equal(km.predict(X), dist.argmin(1))
    assert km.predict(X).dtype == np.int32
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-12)
    w = np.arange(X.shape[0], dtype=float) % 3
    assert km.score(X, sample_weight=w) == pytest.approx(-_sse(X, C, w), rel=1e-12)
    Xd = da.from_array(X, chunks=300)
    assert km.score(Xd) == pytest.approx(-km.inertia_, rel=1e-12)
    np.testing.assert_allclose(km.transform(Xd).compute(), dist, rtol=1e-12)
    np.testing.assert_array_equal(km.fit_predict(X), km.labels_)
    np.testing.assert_allclose(km.fit_transform(X), km.transform(X))


# --------------------------------------------------------------------------------------------
# invariants
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_inertia_is_weighted_sse_of_final_centres(overlapping, kind):
    X = overlapping
    w = np.random.default_rng(2).uniform(0.0, 4.0, X.shape[0])
    data, sw = (X, w) if kind == "numpy" else (da.from_array(X, 110), da.from_array(w, 110))
    km = KMeans(6, random_state=0, tol=1e-2).fit(data, sample_weight=sw)
    # the sum of *squared* distances, weighted, of the final centres (not dask-ml's unsquared)
    assert km.inertia_ == pytest.approx(_sse(X, km.cluster_centers_, w), rel=1e-12)
    labels = km.labels_
    d2 = ((X[:, None, :] - km.cluster_centers_[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(labels, d2.argmin(1))


@pytest.mark.parametrize("init", ["array", "k-means||"])
def test_weight_two_equals_duplicated_rows(overlapping, separated, init):
    # a fixed init runs the same iterations; k-means|| reaches the optimum of separated blobs
    X = overlapping[:500] if init == "array" else separated[0]
    rng = np.random.default_rng(3)
    twice = rng.random(X.shape[0]) < 0.3
    w = np.where(twice, 2.0, 1.0)
    X_dup = np.concatenate([X, X[twice]])
    k = 6 if init == "array" else 4
    kwargs = dict(init=X[:k].copy()) if init == "array" else dict(random_state=0)
    weighted = KMeans(k, **kwargs).fit(X, sample_weight=w)
    repeated = KMeans(k, **kwargs).fit(X_dup)
    assert weighted.inertia_ == pytest.approx(repeated.inertia_, rel=1e-10)
    np.testing.assert_allclose(
        _sorted_rows(weighted.cluster_centers_),
        _sorted_rows(repeated.cluster_centers_),
        atol=1e-10,
    )


@settings(max_examples=15, deadline=None)
@given(cuts=st.sets(st.integers(1, 299), max_size=8))
def test_chunking_does_not_change_result_with_fixed_init(cuts):
    X, _ = _blobs(n=300, centers=3, n_features=4, std=2.0, seed=5)
    init = X[[0, 1, 2]].copy()
    ref = KMeans(3, init=init).fit(X)
    edges = [0, *sorted(cuts), 300]
    chunks = tuple(b - a for a, b in zip(edges[:-1], edges[1:], strict=True))
    km = KMeans(3, init=init).fit(da.from_array(X, chunks=(chunks, 4)))
    assert km.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_, rtol=0, atol=1e-8)
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-8)
    np.testing.assert_array_equal(km.labels_, ref.labels_)


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
def test_deterministic_across_schedulers(separated, init, client):
    X, _ = separated
    Xd = da.from_array(X, chunks=90)
    fits = []
    n_init = 2 if init == "random" else 1  # two runs: the seeds of later runs too
    for scheduler in ("threads", "sync", None):  # None: the distributed client (fixture)
        est = KMeans(4, init=init, n_init=n_init, random_state=7)
        if scheduler is None:
            assert dask.base.get_scheduler().__self__ is client  # runs on the cluster
            km = est.fit(Xd)
        else:
            with dask.config.set(scheduler=scheduler):
                km = est.fit(Xd)
        fits.append(km)
    for other in fits[1:]:
        np.testing.assert_array_equal(other.cluster_centers_, fits[0].cluster_centers_)
        assert other.inertia_ == fits[0].inertia_
        assert other.n_iter_ == fits[0].n_iter_


def test_random_state_controls_the_initialisation(overlapping):
    X = da.from_array(overlapping, chunks=250)
    a = KMeans(6, random_state=0, max_iter=1).fit(X).cluster_centers_
    b = KMeans(6, random_state=0, max_iter=1).fit(X).cluster_centers_
    c = KMeans(6, random_state=1, max_iter=1).fit(X).cluster_centers_
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_input_kinds_agree(separated):
    X, _ = separated
    # one block: the NumPy path uses the same block and random stream as a one-chunk array
    ref = KMeans(4, random_state=0).fit(X)
    one = KMeans(4, random_state=0).fit(da.from_array(X, chunks=X.shape))
    np.testing.assert_array_equal(one.cluster_centers_, ref.cluster_centers_)
    # several blocks: known chunks, unknown chunks, DataFrame partitions alike
    known = da.from_array(X, chunks=200)
    unknown = known[da.isfinite(known[:, 0])]  # boolean mask: same blocks, unknown sizes
    assert np.isnan(unknown.shape[0])
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]), npartitions=4)
    assert frame.divisions == (0, 200, 400, 600, 799)
    fits = [KMeans(4, random_state=0).fit(d) for d in (known, unknown, frame)]
    for km in fits:
        assert km.n_features_in_ == 3
        np.testing.assert_allclose(km.cluster_centers_, fits[0].cluster_centers_, atol=1e-12)
        assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)
        # labels_ of dask input is a dask array (dask-ml's) over the computed labels, with
        # the row chunks of the data: a DataFrame's partitions, the sizes of unknown chunks
        assert isinstance(km.labels_, da.Array) and km.labels_.dtype == np.int32
        assert km.labels_.chunks == ((200, 200, 200, 200),)
        assert adjusted_rand_score(km.labels_.compute(), ref.labels_) == 1.0
        np.testing.assert_array_equal(km.labels_, fits[0].labels_)
    np.testing.assert_array_equal(fits[2].feature_names_in_, ["a", "b", "c"])
    # predict (and fit_predict) on a dask DataFrame give a lazy dask Series with its index,
    # as the linear models and ParallelPostFit do
    for labels in (fits[2].predict(frame), KMeans(4, random_state=0).fit_predict(frame)):
        assert isinstance(labels, dd.Series)
        got = labels.compute()
        pd.testing.assert_index_equal(got.index, frame.index.compute())
        np.testing.assert_array_equal(got.to_numpy(), fits[0].labels_)
    dist = fits[2].transform(frame)
    assert isinstance(dist, dd.DataFrame)
    assert list(dist.columns) == [f"kmeans{i}" for i in range(4)]
    np.testing.assert_allclose(dist.compute().to_numpy(), fits[0].transform(known).compute(),
                               rtol=1e-12)


def test_labels_follow_the_input_and_hold_no_training_graph(separated):
    X, _ = separated
    km = KMeans(4, random_state=0).fit(X)
    assert isinstance(km.labels_, np.ndarray) and km.labels_.dtype == np.int32
    Xd = da.from_array(X, chunks=200)
    kd = KMeans(4, random_state=0).fit(Xd)
    assert isinstance(kd.labels_, da.Array) and kd.labels_.dtype == np.int32
    assert kd.labels_.chunks == (Xd.chunks[0],)
    # computed during fit: the graph holds the labels, no key of the training data
    assert not set(dict(kd.labels_.__dask_graph__())) & set(dict(Xd.__dask_graph__()))
    with dask.config.set(scheduler="sync"):
        np.testing.assert_array_equal(kd.labels_.compute(), kd.predict(Xd).compute())
    assert isinstance(kd.cluster_centers_, np.ndarray)
    assert isinstance(kd.inertia_, float)
    lazy = kd.predict(Xd)
    assert isinstance(lazy, da.Array) and lazy.dtype == np.int32
    assert lazy.chunks == (Xd.chunks[0],)
    np.testing.assert_array_equal(lazy.compute(), kd.labels_)
    # fit_predict of a dask array is labels_ itself: nothing left to compute from the data
    fitted = KMeans(4, random_state=0)
    got = fitted.fit_predict(Xd)
    assert got is fitted.labels_
    np.testing.assert_array_equal(got, kd.labels_)


def _with_empty_blocks(X):
    # 5 row blocks, two of them empty (at the start and in the middle)
    n = X.shape[0]
    return da.from_array(X, chunks=((0, n // 3, 0, n // 3, n - 2 * (n // 3)), (X.shape[1],)))


@pytest.mark.parametrize("kind", ["known", "unknown", "frame"])
def test_labels_keep_empty_blocks(separated, kind):
    X, _ = separated
    Xd = _with_empty_blocks(X)
    assert 0 in Xd.chunks[0]
    if kind == "unknown":
        Xd = Xd[da.isfinite(Xd[:, 0])]
        assert np.isnan(Xd.shape[0])
    data = dd.from_dask_array(Xd, columns=["a", "b", "c"]) if kind == "frame" else Xd
    km = KMeans(4, init=X[[0, 200, 400, 600]]).fit(data)
    ref = KMeans(4, init=X[[0, 200, 400, 600]]).fit(X)
    expected = _with_empty_blocks(X).chunks[0]
    if kind == "frame":
        expected = tuple(data.map_partitions(len).compute())
    assert km.labels_.chunks == (expected,)
    assert 0 in km.labels_.chunks[0]
    np.testing.assert_array_equal(km.labels_.compute(), ref.labels_)
    np.testing.assert_allclose(km.cluster_centers_, ref.cluster_centers_, rtol=1e-12)


@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_float32_stays_float32(overlapping, kind):
    X32 = overlapping.astype(np.float32)
    data = X32 if kind == "numpy" else da.from_array(X32, chunks=300)
    init = overlapping[:6]
    km = KMeans(6, init=init).fit(data)
    km64 = KMeans(6, init=init).fit(overlapping)
    assert km.cluster_centers_.dtype == np.float32
    out = km.transform(data)
    assert out.dtype == np.float32
    if kind == "dask":
        assert out.compute().dtype == np.float32
    # float32 distances, float64 accumulation: close to the float64 fit
    assert km.inertia_ == pytest.approx(km64.inertia_, rel=1e-5)
    np.testing.assert_allclose(km.cluster_centers_, km64.cluster_centers_, atol=1e-4)


def test_kernels_keep_float32():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)).astype(np.float32)
    C = X[:4].copy()
    labels, mind = kern.assign_block(X, C)
    assert mind.dtype == np.float32 and labels.dtype == np.int32
    assert kern.sqdist_block(X, C).dtype == np.float32
    # the arguments of a fit's passes (weights, labels array): the specialisation fit uses
    far_x = kern.lloyd_block(X, np.ones(300), C, 4, np.empty(300, np.int32))[7]
    assert far_x.dtype == np.float32


@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_pickle_round_trip(separated, kind):
    X, _ = separated
    data = X if kind == "numpy" else da.from_array(X, chunks=200)
    km = KMeans(4, random_state=0).fit(data)
    back = pickle.loads(pickle.dumps(km))
    np.testing.assert_array_equal(back.cluster_centers_, km.cluster_centers_)
    assert back.inertia_ == km.inertia_ and back.n_iter_ == km.n_iter_
    np.testing.assert_array_equal(back.predict(X), km.predict(X))
    labels = back.labels_
    np.testing.assert_array_equal(labels, km.predict(X))


def test_fitted_model_pickles_without_its_training_data():
    # 100 MB of float64 (125,000 x 100) inside the graph of a da.from_array: the fitted model
    # keeps no graph nor data, only labels_ (125,000 int32 = 0.5 MB) and small arrays
    X = np.random.default_rng(0).normal(size=(125_000, 100))
    km = KMeans(3, random_state=0, max_iter=3).fit(da.from_array(X, chunks=25_000))
    blob = pickle.dumps(km)
    assert len(blob) < 1_000_000, len(blob)
    back = pickle.loads(blob)
    assert isinstance(back.labels_, da.Array) and back.labels_.shape == (125_000,)
    np.testing.assert_array_equal(back.labels_.compute(), km.predict(X))


_USE_IN_A_NEW_PROCESS = """
import pickle, sys
import numpy as np
km = pickle.loads(open(sys.argv[1], "rb").read())
X = np.load(sys.argv[2])
np.save(sys.argv[3], np.stack([np.asarray(km.labels_), np.asarray(km.predict(X))]))
"""


@pytest.mark.distributed
def test_model_fitted_on_a_cluster_works_in_a_new_process(separated, tmp_path):
    # fitted on data persisted on worker processes; pickled, the cluster closed, then
    # unpickled in a fresh interpreter: labels_ and predict work there (no key of the
    # cluster's data inside the model)
    import os
    import subprocess
    import sys

    distributed = pytest.importorskip("distributed")
    X, _ = separated
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster):
        Xd = da.from_array(X, chunks=200).persist()
        km = KMeans(4, random_state=0).fit(Xd)
        (tmp_path / "km.pkl").write_bytes(pickle.dumps(km))
    np.save(tmp_path / "X.npy", X)
    import dask_scale

    root = os.path.dirname(os.path.dirname(os.path.abspath(dask_scale.__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", _USE_IN_A_NEW_PROCESS, str(tmp_path / "km.pkl"),
         str(tmp_path / "X.npy"), str(tmp_path / "out.npy")],
        env=env, timeout=120, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    labels, predicted = np.load(tmp_path / "out.npy")
    np.testing.assert_array_equal(labels, km.predict(X))
    np.testing.assert_array_equal(predicted, km.predict(X))


@pytest.mark.parametrize(
    "init, n_init, runs",
    [("random", 1, 1), ("random", 5, 5), ("random", "auto", 10), ("k-means++", "auto", 1),
     ("k-means||", "auto", 1), ("k-means||", 3, 3)],
)
def test_n_init_runs_that_many_and_keeps_the_best(overlapping, monkeypatch, init, n_init, runs):
    from dask_scale.cluster import _kmeans

    inertias = []
    original = _kmeans.lloyd

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        inertias.append(result.inertia)
        return result

    monkeypatch.setattr(_kmeans, "lloyd", recording)
    km = KMeans(6, init=init, n_init=n_init, random_state=0).fit(overlapping)
    assert len(inertias) == runs
    assert km.inertia_ == min(inertias)
    if runs > 1:
        assert len(set(inertias)) > 1  # the runs are seeded differently


def test_explicit_init_runs_once_with_warning(overlapping):
    with pytest.warns(RuntimeWarning, match="performing only one init"):
        KMeans(6, init=overlapping[:6], n_init=3).fit(overlapping)


def test_max_iter_reached_without_warning(overlapping):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km = KMeans(6, init=overlapping[:6], max_iter=2, tol=0.0).fit(overlapping)
    assert km.n_iter_ == 2
    # labels and inertia are those of the final centres (final E-step)
    assert km.inertia_ == pytest.approx(_sse(overlapping, km.cluster_centers_), rel=1e-12)


def test_one_pass_per_iteration_and_data_not_persisted(overlapping):
    counts = np.zeros(5, dtype=int)

    def count(b, block_info=None):
        counts[block_info[0]["chunk-location"][0]] += 1
        return b

    X = da.from_array(overlapping, chunks=200).map_blocks(count, dtype=float, meta=np.empty((0, 0)))
    with dask.config.set(scheduler="sync"):
        km = KMeans(6, init=overlapping[:6], max_iter=3, tol=0.0).fit(X)
    # 3 Lloyd passes + the final E-step, which gathers labels_; every block read once a pass
    assert km.n_iter_ == 3
    np.testing.assert_array_equal(counts, 4)
    np.testing.assert_array_equal(km.labels_, km.predict(overlapping))
    # run to convergence (the last pass leaves the centres unchanged): that pass measured
    # the final centres, and one more pass gathers their labels
    counts[:] = 0
    with dask.config.set(scheduler="sync"):
        km = KMeans(6, init=overlapping[:6], tol=0.0).fit(X)
    assert 3 < km.n_iter_ < 300
    np.testing.assert_array_equal(counts, km.n_iter_ + 1)
    np.testing.assert_array_equal(km.labels_, km.predict(overlapping))
    assert km.inertia_ == pytest.approx(_sse(overlapping, km.cluster_centers_), rel=1e-12)


def test_kmeans_parallel_parameters_are_used(overlapping):
    X = da.from_array(overlapping, chunks=250)
    a = KMeans(6, init_max_iter=1, random_state=0, max_iter=1).fit(X).cluster_centers_
    b = KMeans(6, init_max_iter=4, random_state=0, max_iter=1).fit(X).cluster_centers_
    d = KMeans(6, random_state=0, max_iter=1).fit(X).cluster_centers_
    c = KMeans(6, oversampling_factor=0.5, random_state=0, max_iter=1).fit(X).cluster_centers_
    assert not np.array_equal(a, b)  # init_max_iter alone differs
    assert not np.array_equal(d, c)  # oversampling_factor alone differs


def test_verbose_reports_iterations(separated, capsys):
    X, _ = separated
    KMeans(4, random_state=0, verbose=1).fit(X)
    err = capsys.readouterr().err
    assert "[KMeans init (k-means||)] iter 1" in err
    assert "[KMeans] iter 1: inertia=" in err


def test_pipeline_with_standard_scaler_on_dask_dataframe(separated):
    preprocessing = pytest.importorskip("dask_scale.preprocessing")
    from sklearn.preprocessing import StandardScaler as SkScaler

    X, _ = separated
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]), npartitions=3)
    pipe = Pipeline(
        [("scale", preprocessing.StandardScaler()), ("km", KMeans(4, random_state=0))]
    ).fit(frame)
    sk = Pipeline([("scale", SkScaler()), ("km", SkKMeans(4, n_init=1, random_state=0))]).fit(X)
    labels = pipe.predict(frame)
    labels = labels.compute() if hasattr(labels, "compute") else labels
    assert adjusted_rand_score(np.asarray(labels), sk.predict(X)) == 1.0
    assert pipe[-1].inertia_ == pytest.approx(sk[-1].inertia_, rel=1e-3)


# --------------------------------------------------------------------------------------------
# kernels and sampling
# --------------------------------------------------------------------------------------------


def test_lloyd_kernel_matches_numpy():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(1000, 7))  # several tiles, a partial last one
    w = rng.uniform(0, 2, 1000)
    C = rng.normal(size=(5, 7))
    labels = np.empty(1000, dtype=np.int32)
    sums, weight, sse, fkey, frow, fslot, fsize, fx, fw, flab = kern.lloyd_block(
        X, w, C, 3, labels
    )
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(-1)
    lab = d2.argmin(1)
    np.testing.assert_array_equal(labels, lab)
    mind = d2.min(1)
    np.testing.assert_allclose(weight, np.bincount(lab, weights=w, minlength=5), rtol=1e-12)
    for j in range(5):
        np.testing.assert_allclose(sums[j], (w[lab == j, None] * X[lab == j]).sum(0), rtol=1e-10)
    assert sse == pytest.approx((w * mind).sum(), rel=1e-12)
    slots, keys, rows = kern.heap_order(fkey, frow, fslot, fsize)
    far = np.argsort(-mind, kind="stable")[:3]
    np.testing.assert_array_equal(rows, far)
    np.testing.assert_allclose(keys, mind[far], rtol=1e-12)
    np.testing.assert_array_equal(fx[slots], X[far])
    np.testing.assert_array_equal(flab[slots], lab[far])


def test_sample_kernel_keeps_best_scores():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(700, 3))
    w = rng.uniform(0, 1, 700)
    w[::7] = 0.0
    r = 1.0 - rng.random(700)
    C = X[:4].copy()
    phi, attracted, hkey, hrow, hslot, size, px = kern.sample_block(
        X, w, r, C, C[:0], np.zeros(3), 1.0, 20
    )
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(-1)
    assert phi.shape == (1,)
    assert phi[0] == pytest.approx((w * d2.min(1)).sum(), rel=1e-12)
    np.testing.assert_allclose(attracted, np.bincount(d2.argmin(1), weights=w, minlength=4))
    slots, keys, rows = kern.heap_order(hkey[0], hrow[0], hslot[0], size[0])
    score = w * d2.min(1) / r
    best = np.argsort(-score, kind="stable")[:20]
    np.testing.assert_array_equal(rows, best)
    np.testing.assert_array_equal(px[0][slots], X[best])
    # float32 standardised coordinates (the sampling passes of fit): the same cost in units of
    # scale**2, to float32 rounding, and the same nearest candidates
    shift, scale = X.mean(0), 0.37
    C32 = ((C - shift) * scale).astype(np.float32)
    phi32, attracted32, *_ = kern.sample_block(X, w, r, C32, C32[:0], shift, scale, 20)
    assert phi32[0] == pytest.approx(phi[0] * scale**2, rel=1e-5)
    np.testing.assert_allclose(attracted32, attracted, rtol=1e-12)


def test_sample_kernel_measures_every_trial():
    # greedy k-means++ step: for each trial t, the cost of C + {t} and the best scores
    # against C + {t}, with the same draws for every trial
    rng = np.random.default_rng(7)
    X = rng.normal(size=(500, 4))
    w = rng.uniform(0, 2, 500)
    r = rng.standard_exponential(500)
    C = X[:3].copy()
    T = X[[10, 20, 30, 40]].copy()
    phi, attracted, hkey, hrow, hslot, size, px = kern.sample_block(
        X, w, r, C, T, np.zeros(4), 1.0, 5
    )
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(-1)
    np.testing.assert_allclose(attracted, np.bincount(d2.argmin(1), weights=w, minlength=3))
    assert phi.shape == (4,) and size.tolist() == [5] * 4
    for o in range(4):
        d2_o = np.minimum(d2.min(1), ((X - T[o]) ** 2).sum(1))
        assert phi[o] == pytest.approx((w * d2_o).sum(), rel=1e-12)
        slots, keys, rows = kern.heap_order(hkey[o], hrow[o], hslot[o], size[o])
        best = np.argsort(-(w * d2_o / r), kind="stable")[:5]
        np.testing.assert_array_equal(rows, best)
        np.testing.assert_array_equal(px[o][slots], X[best])


def test_first_centre_drawn_proportionally_to_weight():
    X = np.arange(6.0).reshape(3, 2)
    w = np.array([0.0, 1.0, 3.0])
    picks = np.array([first_pass(X, w, seed, 1)[2][0, 0] for seed in range(1500)])
    assert not (picks == 0.0).any()  # zero weight: never drawn
    # P(row 2) = 3/4; binomial standard error 0.011
    assert abs((picks == 4.0).mean() - 0.75) < 0.05


def test_moments_merge_matches_numpy_variance():
    X = np.random.default_rng(6).normal(loc=1e4, size=(1000, 3))
    moments, _, _ = first_pass(da.from_array(X, chunks=77), None, 0, 1)
    n, mean, m2 = moments
    assert n == 1000
    np.testing.assert_allclose(mean, X.mean(0), rtol=1e-12)
    np.testing.assert_allclose(m2 / n, X.var(0), rtol=1e-9)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_inf_rejected(overlapping, bad):
    X = overlapping.copy()
    X[17, 2] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        KMeans(6).fit(X)
    with pytest.raises(ValueError, match="NaN or infinity"):
        KMeans(6).fit(da.from_array(X, chunks=100))
    with pytest.raises(ValueError, match="NaN or infinity"):
        KMeans(6, init=overlapping[:6]).fit(da.from_array(X, chunks=100))
    km = KMeans(6, random_state=0).fit(overlapping)
    with pytest.raises(ValueError, match="NaN or infinity"):
        km.predict(da.from_array(X, chunks=100)).compute()


def test_more_clusters_than_samples():
    X = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.raises(ValueError, match="n_samples=5 should be >= n_clusters=8"):
        KMeans(8).fit(X)
    with pytest.raises(ValueError, match="n_samples=5 should be >= n_clusters=8"):
        KMeans(8).fit(da.from_array(X, chunks=2))
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=2)
    with pytest.raises(ValueError, match="n_samples=5 should be >= n_clusters=8"):
        KMeans(8).fit(frame)  # unknown row count: raised after the first pass
    with pytest.raises(ValueError, match="n_samples=5 should be >= n_clusters=8"):
        KMeans(8, init=np.zeros((8, 2))).fit(frame)


def test_wrong_feature_count_at_predict(separated):
    X, _ = separated
    km = KMeans(4, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 2 features, but KMeans is expecting 3"):
        km.predict(X[:, :2])
    with pytest.raises(ValueError, match="X has 2 features, but KMeans is expecting 3"):
        km.transform(da.from_array(X[:, :2], chunks=100))


def test_non_numeric_columns_rejected():
    frame = dd.from_pandas(
        pd.DataFrame({"a": np.arange(10.0), "b": list("abcdefghij")}), npartitions=2
    )
    with pytest.raises(ValueError, match="non-numeric columns \\['b'\\]"):
        KMeans(2).fit(frame)


def test_bad_parameters_and_init(overlapping):
    X = overlapping
    with pytest.raises(ValueError, match="algorithm='elkan' is not supported.*'lloyd'"):
        KMeans(algorithm="elkan").fit(X)
    with pytest.raises(InvalidParameterError, match="algorithm"):
        KMeans(algorithm="auto").fit(X)
    with pytest.raises(InvalidParameterError, match="init"):
        KMeans(init="kmeans").fit(X)
    with pytest.raises(InvalidParameterError, match="oversampling_factor"):
        KMeans(oversampling_factor=0).fit(X)
    with pytest.raises(ValueError, match="does not match the number of clusters 6"):
        KMeans(6, init=X[:5]).fit(X)
    with pytest.raises(ValueError, match="does not match the number of features"):
        KMeans(6, init=X[:6, :3]).fit(X)


def test_bad_sample_weight(overlapping):
    X = overlapping
    with pytest.raises(ValueError, match="Negative values"):
        KMeans(6).fit(X, sample_weight=-np.ones(X.shape[0]))
    with pytest.raises(ValueError, match="Negative values"):
        KMeans(6).fit(da.from_array(X, 200), sample_weight=da.from_array(-np.ones(1000), 200))
    with pytest.raises(ValueError, match="sums to zero"):
        KMeans(6).fit(X, sample_weight=np.zeros(X.shape[0]))
    with pytest.raises(ValueError, match="sums to zero"):
        KMeans(6).fit(da.from_array(X, 200), sample_weight=da.zeros(1000, chunks=200))
    with pytest.raises(ValueError, match="sums to zero"):
        KMeans(6, init=X[:6]).fit(da.from_array(X, 200), sample_weight=da.zeros(1000, chunks=200))


# --------------------------------------------------------------------------------------------
# overflow
# --------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:(overflow|invalid value) encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:Number of distinct clusters:sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
@pytest.mark.parametrize("kind", ["numpy", "dask"])
@pytest.mark.parametrize("factor, dtype", [(1e19, np.float32), (1e170, np.float64)])
def test_overflowing_distances_complete_with_infinite_inertia(init, kind, factor, dtype):
    # data whose squared distances overflow their dtype: scikit-learn's fit completes with
    # inertia_ = inf, and so does every init here (the sampling probabilities are computed on
    # standardised coordinates, never from overflowed distances)
    X, _ = _blobs(n=600, centers=3, n_features=2, seed=0)
    X = (X * factor).astype(dtype)
    sk_init = "k-means++" if init == "k-means||" else init
    sk = SkKMeans(3, init=sk_init, n_init=1, random_state=0).fit(X)
    assert sk.inertia_ == np.inf
    data = X if kind == "numpy" else da.from_array(X, chunks=150)
    km = KMeans(3, init=init, random_state=0).fit(data)
    assert km.inertia_ == np.inf
    assert km.cluster_centers_.shape == (3, 2) and km.cluster_centers_.dtype == dtype
    assert np.isfinite(km.cluster_centers_).all()
    labels = np.asarray(km.predict(data))
    assert labels.shape == (600,) and ((labels >= 0) & (labels < 3)).all()


# --------------------------------------------------------------------------------------------
# k-means++ quality
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def six_blobs():
    """60,000 x 8, six well-separated blobs: unit variance, centres at least 15 apart."""
    rng = np.random.default_rng(0)
    while True:
        centres = rng.normal(size=(6, 8)) * 8.0
        gaps = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(-1))
        if gaps[np.triu_indices(6, 1)].min() > 15.0:
            break
    X = centres[rng.integers(0, 6, 60_000)] + rng.normal(size=(60_000, 8))
    w = rng.uniform(0.2, 2.0, 60_000)
    return X, w


@pytest.fixture(scope="module")
def six_blobs_sklearn(six_blobs):
    """scikit-learn's inertias with k-means++ for seeds 0..11, unweighted and weighted."""
    X, w = six_blobs
    return {
        weighted: np.array([
            SkKMeans(6, init="k-means++", n_init=1, random_state=s)
            .fit(X, sample_weight=w if weighted else None)
            .inertia_
            for s in range(12)
        ])
        for weighted in (False, True)
    }


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["numpy", "dask"])
def test_kmeanspp_as_good_as_sklearns_greedy_kmeanspp(
    six_blobs, six_blobs_sklearn, kind, weighted
):
    # scikit-learn's greedy k-means++ (best of 2 + log(k) trials per step) reaches the optimum
    # of well-separated blobs for nearly every seed (all of 100 here); single-trial k-means++
    # puts two seeds in one blob for about one seed in eight, and Lloyd stays in that local
    # optimum (5.5 times the optimal inertia for seeds 6 and 7)
    X, w = six_blobs
    w = w if weighted else None
    data, sw = X, w
    if kind == "dask":
        data = da.from_array(X, chunks=15_000)
        sw = None if w is None else da.from_array(w, chunks=15_000)
    ours = np.array([
        KMeans(6, init="k-means++", n_init=1, random_state=s).fit(data, sample_weight=sw).inertia_
        for s in range(12)
    ])
    sk = six_blobs_sklearn[weighted]
    best = min(ours.min(), sk.min())
    assert (sk <= best * (1 + 1e-6)).sum() >= 9  # the data show the difference
    ratios = ours / best
    assert (ratios <= 1 + 1e-6).sum() >= 9, ratios
    assert ratios.max() <= 1.7, ratios


def test_kmeanspp_never_seeds_on_zero_weight_rows(six_blobs):
    from dask_scale.cluster._kmeans_init import kmeans_plusplus

    X, w = six_blobs
    X = X[:6000]
    w = w[:6000].copy()
    far = np.arange(6000) % 3 == 0
    X[far] += 1000.0  # far from the rest, the D^2 draws would take them all, were w used
    w[far] = 0.0
    for seed in range(5):
        moments, _, first = first_pass(X, w, seed, 1)
        C = kmeans_plusplus(X, w, first, moments, 6, seed)
        assert C.shape == (6, 8)
        assert (np.abs(C).max(1) < 500.0).all()


# --------------------------------------------------------------------------------------------
# a scaler's lazy output: the passes read the scaler's input and scale as they read
# --------------------------------------------------------------------------------------------


def _raw_features(X, seed=5):
    """``X`` with per-feature offsets and scales, and a constant feature appended."""
    rng = np.random.default_rng(seed)
    raw = X * 10.0 ** rng.uniform(-2, 2, X.shape[1]) + rng.uniform(-100, 100, X.shape[1])
    return np.hstack([raw, np.full((X.shape[0], 1), 7.0)])


def _as(kind, X, rows=250):
    if kind == "known":
        return da.from_array(X, chunks=rows)
    if kind == "unknown":
        keep = da.from_array(np.ones(X.shape[0], dtype=bool), chunks=rows)
        out = da.from_array(X, chunks=rows)[keep]
        assert np.isnan(out.shape[0])
        return out
    columns = [f"f{j}" for j in range(X.shape[1])]
    frame = dd.from_pandas(pd.DataFrame(X, columns=columns), npartitions=X.shape[0] // rows)
    assert frame.map_partitions(len).compute().tolist() == [rows] * (X.shape[0] // rows)
    return frame


def _scalers():
    from dask_scale.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    return {
        "standard": StandardScaler(),
        "no mean": StandardScaler(with_mean=False),
        "no std": StandardScaler(with_std=False),
        "neither": StandardScaler(with_mean=False, with_std=False),
        "minmax": MinMaxScaler(feature_range=(-2, 3)),
        "robust": RobustScaler(),
    }


def _assert_same_kmeans(a, b):
    scale = np.max(np.abs(b.cluster_centers_))
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-10 * scale)
    assert a.inertia_ == pytest.approx(b.inertia_, rel=1e-10)
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_array_equal(a.labels_, b.labels_)


@pytest.mark.parametrize("init", ["array", "k-means||", "k-means++", "random"])
@pytest.mark.parametrize("kind", ["known", "unknown", "frame"])
def test_pipeline_with_scaler_equals_fit_on_scaled_data(overlapping, kind, init, monkeypatch):
    from sklearn.pipeline import make_pipeline

    from dask_scale.preprocessing import StandardScaler

    raw = _raw_features(overlapping)
    scaled = StandardScaler().fit(raw).transform(raw)  # NumPy: materialised in memory
    start = scaled[::170][:6] if init == "array" else init
    pipe = make_pipeline(StandardScaler(), KMeans(6, init=start, random_state=0))
    scaled_blocks = count_scaled_blocks(monkeypatch)
    pipe.fit(_as(kind, raw))
    assert scaled_blocks == []  # the fit read the raw blocks and scaled them as it read
    ref = KMeans(6, init=start, random_state=0).fit(da.from_array(scaled, chunks=250))
    _assert_same_kmeans(pipe[-1], ref)


@pytest.mark.parametrize("name", ["standard", "no mean", "no std", "neither", "minmax", "robust"])
def test_every_affine_scaler_folds_exactly(overlapping, name):
    raw = _raw_features(overlapping)
    scaler = _scalers()[name].fit(da.from_array(raw, chunks=250))
    Xt = scaler.transform(da.from_array(raw, chunks=250))
    scaled = Xt.compute()  # the scaler's own transform, materialised
    w = np.random.default_rng(1).uniform(0, 2, raw.shape[0])
    for init in (scaled[::170][:6], "k-means||"):
        got = KMeans(6, init=init, random_state=0).fit(Xt, sample_weight=w)
        ref = KMeans(6, init=init, random_state=0).fit(
            da.from_array(scaled, chunks=250), sample_weight=w
        )
        _assert_same_kmeans(got, ref)


def test_scaler_output_read_once_a_pass_and_never_scaled(overlapping, monkeypatch):
    from _helpers import BlockCounter
    from sklearn.pipeline import make_pipeline

    from dask_scale.preprocessing import StandardScaler

    scaled_blocks = count_scaled_blocks(monkeypatch)
    raw = _raw_features(overlapping)
    counter = BlockCounter(4)
    X = counter.wrap(da.from_array(raw, chunks=250), name="raw-blocks")
    start = StandardScaler().fit(raw).transform(raw)[:6]
    with dask.config.set(scheduler="sync"):
        pipe = make_pipeline(StandardScaler(), KMeans(6, init=start, max_iter=3, tol=0.0))
        pipe.fit(X)
    # the scaler's fit, 3 Lloyd passes and the final E-step: one read of each block a pass,
    # and no block ever scaled on its own
    assert pipe[-1].n_iter_ == 3
    np.testing.assert_array_equal(counter.per_block, 1 + 4)
    assert scaled_blocks == []
    # predict and transform still scale (lazily, fused with the prediction)
    labels = pipe.predict(X).compute(scheduler="sync")
    np.testing.assert_array_equal(labels, pipe[-1].labels_)
    assert sum(scaled_blocks) == raw.shape[0]


@pytest.mark.distributed
def test_scaled_input_on_a_distributed_client(overlapping, client, unique_task_keys):
    from sklearn.pipeline import make_pipeline

    from dask_scale.linear_model import LogisticRegression
    from dask_scale.preprocessing import StandardScaler

    raw = _raw_features(overlapping)
    y = (raw[:, 0] > np.median(raw[:, 0])).astype(int)
    local = [da.from_array(raw, chunks=250), da.from_array(y, chunks=250)]
    persisted = client.persist(local)  # blocks held by the workers, the graph their futures
    fitted = []
    for scheduler, (X, yd) in (("threads", local), (None, persisted)):  # None: the client
        with dask.config.set(scheduler=scheduler) if scheduler else contextlib.nullcontext():
            km = make_pipeline(StandardScaler(), KMeans(6, random_state=0)).fit(X)
            lr = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, yd)
            labels = km.predict(X).compute()
        fitted.append((km[-1], lr[-1], labels))
    (km_t, lr_t, labels_t), (km_c, lr_c, labels_c) = fitted
    _assert_same_kmeans(km_c, km_t)
    np.testing.assert_array_equal(labels_c, labels_t)
    np.testing.assert_allclose(lr_c.coef_, lr_t.coef_, rtol=1e-12)
    X.compute()  # the data's own keys, after the fits that read them
    unique_task_keys.check()


def test_nan_in_scaler_input_still_rejected(overlapping):
    from sklearn.pipeline import make_pipeline

    from dask_scale.preprocessing import StandardScaler

    raw = _raw_features(overlapping)
    raw[17, 2] = np.nan  # the scaler's fit ignores NaN, its output keeps it
    pipe = make_pipeline(StandardScaler(), KMeans(6, random_state=0))
    with pytest.raises(ValueError, match="Input X contains NaN or infinity"):
        pipe.fit(da.from_array(raw, chunks=250))


def test_scaled_float32_stays_float32(overlapping):
    from sklearn.pipeline import make_pipeline

    from dask_scale.preprocessing import StandardScaler

    raw = _raw_features(overlapping).astype(np.float32)
    pipe = make_pipeline(StandardScaler(), KMeans(6, random_state=0)).fit(
        da.from_array(raw, chunks=250)
    )
    scaled = StandardScaler().fit(raw).transform(raw)
    ref = KMeans(6, random_state=0).fit(da.from_array(scaled, chunks=250))
    assert pipe[-1].cluster_centers_.dtype == np.float32
    np.testing.assert_allclose(pipe[-1].cluster_centers_, ref.cluster_centers_, atol=1e-5)
    assert pipe[-1].inertia_ == pytest.approx(ref.inertia_, rel=1e-5)


# ------------------------------------------------------------------------------------------
# dask-ml's keywords (dask_ml.cluster.KMeans's documented signature)
# ------------------------------------------------------------------------------------------

DASK_ML_PARAMETERS = {
    "n_clusters": 8, "init": "k-means||", "oversampling_factor": 2, "max_iter": 300,
    "tol": 0.0001, "precompute_distances": "auto", "random_state": None, "copy_x": True,
    "n_jobs": 1, "algorithm": "full", "init_max_iter": None, "n_init": "auto",
}
NO_EFFECT = {"precompute_distances": ["auto", True, False], "copy_x": [True, False],
             "n_jobs": [1, -1, None]}


def test_every_dask_ml_parameter_exists():
    assert set(DASK_ML_PARAMETERS) <= set(KMeans().get_params())


def test_dask_ml_call_with_all_its_defaults_fits_and_warns(separated):
    X, _ = separated
    params = dict(DASK_ML_PARAMETERS, n_clusters=4, random_state=0)
    with pytest.warns(FutureWarning) as record:
        km = KMeans(**params).fit(da.from_array(X, chunks=200))
    messages = [str(w.message) for w in record if w.category is FutureWarning]
    assert len(messages) == 4
    for name in NO_EFFECT:
        assert any(f"'{name}' has no effect" in m and "leave it out" in m for m in messages)
    assert any("algorithm='full'" in m and "use algorithm='lloyd'" in m for m in messages)
    assert any("dask.config.set(num_workers=" in m for m in messages)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ref = KMeans(4, random_state=0).fit(da.from_array(X, chunks=200))
    np.testing.assert_array_equal(km.cluster_centers_, ref.cluster_centers_)
    np.testing.assert_array_equal(km.labels_, ref.labels_)
    assert km.inertia_ == ref.inertia_ and km.n_iter_ == ref.n_iter_


@pytest.mark.parametrize(
    "name, value", [(n, v) for n, values in NO_EFFECT.items() for v in values]
)
def test_keywords_without_effect_warn_at_fit_and_change_nothing(overlapping, name, value):
    init = overlapping[:6]
    km = KMeans(6, init=init, **{name: value})  # construction, get_params, clone: silent
    assert km.get_params()[name] == value
    assert clone(km).get_params()[name] == value
    with pytest.warns(FutureWarning, match=f"'{name}' has no effect in KMeans"):
        km.fit(overlapping)
    ref = KMeans(6, init=init).fit(overlapping)
    np.testing.assert_array_equal(km.cluster_centers_, ref.cluster_centers_)
    np.testing.assert_array_equal(km.labels_, ref.labels_)


def test_copy_x_false_leaves_x_unchanged(overlapping):
    X = overlapping.copy()
    with pytest.warns(FutureWarning, match="X is never modified"):
        KMeans(6, copy_x=False, random_state=0).fit(X)
    np.testing.assert_array_equal(X, overlapping)


def test_algorithm_full_is_lloyd(overlapping):
    init = overlapping[:6]
    with pytest.warns(FutureWarning, match="algorithm='full' is Lloyd's algorithm"):
        full = KMeans(6, init=init, algorithm="full").fit(overlapping)
    lloyd = KMeans(6, init=init, algorithm="lloyd").fit(overlapping)
    sk = SkKMeans(6, init=init, n_init=1, algorithm="lloyd").fit(overlapping)
    np.testing.assert_array_equal(full.cluster_centers_, lloyd.cluster_centers_)
    np.testing.assert_allclose(full.cluster_centers_, sk.cluster_centers_, rtol=1e-10)
    np.testing.assert_array_equal(full.labels_, sk.labels_)


def test_defaults_fit_without_warnings(overlapping):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KMeans(6, random_state=0).fit(da.from_array(overlapping, chunks=300))


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random", "array"])
@pytest.mark.parametrize("kind", ["numpy", "dask", "unknown", "frame"])
def test_dask_ml_inits_on_every_input_kind(separated, init, kind):
    X, _ = separated
    Xd = da.from_array(X, chunks=200)
    data = {
        "numpy": X,
        "dask": Xd,
        "unknown": Xd[da.isfinite(Xd[:, 0])],
        "frame": dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]), npartitions=4),
    }[kind]
    start = X[[0, 1, 2, 3]] if init == "array" else init
    km = KMeans(4, init=start, oversampling_factor=3, init_max_iter=2, max_iter=50,
                tol=1e-3, random_state=0).fit(data)
    sk = SkKMeans(4, n_init=10, random_state=0).fit(X)
    if init != "array":  # four well separated blobs: every seeding finds them
        assert km.inertia_ == pytest.approx(sk.inertia_, rel=1e-6)
        assert adjusted_rand_score(np.asarray(km.labels_), sk.labels_) == 1.0
    assert km.n_iter_ <= 50


# ------------------------------------------------------------------------------------------
# float32: fitted attributes' types as scikit-learn gives them
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["numpy", "dask", "unknown", "frame"])
def test_float32_attributes_as_sklearn(overlapping, kind):
    X32 = overlapping.astype(np.float32)
    init = X32[:6]
    sk = SkKMeans(6, init=init, n_init=1).fit(X32)
    Xd = da.from_array(X32, chunks=300)
    data = {
        "numpy": X32,
        "dask": Xd,
        "unknown": Xd[da.isfinite(Xd[:, 0])],
        "frame": dd.from_pandas(pd.DataFrame(X32), npartitions=4),
    }[kind]
    km = KMeans(6, init=init).fit(data)
    assert km.cluster_centers_.dtype == sk.cluster_centers_.dtype == np.float32
    assert type(km.inertia_) is type(sk.inertia_) is float
    assert type(km.n_iter_) is type(sk.n_iter_) is int
    assert km.labels_.dtype == sk.labels_.dtype == np.int32
    labels = np.asarray(km.labels_)
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, sk.labels_)
    np.testing.assert_allclose(km.cluster_centers_, sk.cluster_centers_, rtol=1e-5, atol=1e-5)
    assert km.inertia_ == pytest.approx(sk.inertia_, rel=1e-5)
    assert km.n_iter_ == sk.n_iter_
    out = km.transform(data)
    if kind == "frame":
        assert set(out.dtypes) == {np.dtype(np.float32)}
        out = out.to_dask_array()
    assert out.dtype == sk.transform(X32).dtype == np.float32
    assert np.asarray(out).dtype == np.float32
    pred = km.predict(data)
    assert pred.dtype == sk.predict(X32).dtype == np.int32


def test_labels_of_a_dataframe_join_it_as_a_column(separated):
    # dask-ml's use: labels_ has the partitions' lengths as chunks, so it can become a column
    X, _ = separated
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]), npartitions=4)
    km = KMeans(4, random_state=0).fit(frame)
    out = frame.assign(cluster=km.labels_).compute()
    np.testing.assert_array_equal(out["cluster"].to_numpy(), km.predict(frame).compute())
    pd.testing.assert_index_equal(out.index, frame.index.compute())
