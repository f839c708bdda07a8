"""PCA against scikit-learn's on the same data: NumPy, dask array (known and unknown
chunks) and dask DataFrame input; passes over the data; memory held; bad input."""

import pickle

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import BlockCounter
from dask.callbacks import Callback
from hypothesis import given
from hypothesis import strategies as st
from sklearn import decomposition as skd
from sklearn.base import clone

import dask_scale.decomposition._pca as pca_module
from dask_scale.decomposition import PCA

ATTRS = (
    "components_",
    "explained_variance_",
    "explained_variance_ratio_",
    "singular_values_",
    "mean_",
    "noise_variance_",
)


def _data(n=600, p=8, offset=3.0, seed=0):
    """Rows with a decaying spectrum (and a spectral gap after 3 components)."""
    rng = np.random.default_rng(seed)
    scales = np.array([10.0, 6.0, 4.0] + [0.5 / (i + 1) for i in range(p - 3)])
    return rng.normal(size=(n, p)) * scales @ _rotation(p, rng) + offset


def _rotation(p, rng):
    q, _ = np.linalg.qr(rng.normal(size=(p, p)))
    return q


def _as(kind, X, chunks=150):
    if kind == "numpy":
        return X
    if kind == "dask":
        return da.from_array(X, chunks=(chunks, X.shape[1]))
    if kind == "unknown":
        Xd = da.from_array(X, chunks=(chunks, X.shape[1]))
        return Xd[Xd[:, 0] > -np.inf]  # unknown row chunks, same rows
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    return dd.from_pandas(frame, npartitions=4)


def _assert_fit_equal(ours, theirs, rtol=1e-8):
    assert ours.n_components_ == theirs.n_components_
    assert ours.n_samples_ == theirs.n_samples_
    assert ours.n_features_in_ == theirs.n_features_in_
    for attr in ATTRS:
        np.testing.assert_allclose(
            getattr(ours, attr), getattr(theirs, attr), rtol=rtol, atol=1e-12, err_msg=attr
        )


@pytest.mark.parametrize("kind", ["numpy", "dask", "unknown", "frame"])
@pytest.mark.parametrize("n_components", [3, None, 0.95, "mle"])
def test_full_equals_sklearn(kind, n_components):
    X = _data(offset=1e6)  # a mean far from the spread: centring must be exact
    ours = PCA(n_components=n_components, svd_solver="full").fit(_as(kind, X))
    theirs = skd.PCA(n_components=n_components, svd_solver="full").fit(X)
    _assert_fit_equal(ours, theirs)
    assert all(isinstance(getattr(ours, a), np.ndarray) for a in ATTRS[:-1])


def test_tsqr_is_dask_mls_name_of_full():
    X = _data()
    a = PCA(2, svd_solver="tsqr").fit(da.from_array(X, chunks=100))
    _assert_fit_equal(a, skd.PCA(2, svd_solver="full").fit(X))


def test_covariance_eigh_equals_sklearn():
    X = _data()
    ours = PCA(4, svd_solver="covariance_eigh").fit(_as("dask", X))
    # scikit-learn's covariance solver forms X^T X - n mean mean^T: ours (centred Gram
    # matrices merged) is at least as accurate, so compare with the exact SVD
    _assert_fit_equal(ours, skd.PCA(4, svd_solver="full").fit(X), rtol=1e-9)


def test_randomized_matches_exact_on_spectral_gap():
    X = _data(n=800, p=30)
    ours = PCA(3, svd_solver="randomized", iterated_power=4, random_state=0)
    ours.fit(_as("dask", X, chunks=200))
    exact = skd.PCA(3, svd_solver="full").fit(X)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, exact.explained_variance_ratio_, rtol=1e-6
    )
    np.testing.assert_allclose(ours.components_, exact.components_, atol=1e-6)
    np.testing.assert_allclose(ours.noise_variance_, exact.noise_variance_, rtol=1e-6)
    sk_rand = skd.PCA(3, svd_solver="randomized", iterated_power=4, random_state=0).fit(X)
    np.testing.assert_allclose(ours.singular_values_, sk_rand.singular_values_, rtol=1e-6)
    # deterministic for a given random_state
    again = PCA(3, svd_solver="randomized", iterated_power=4, random_state=0)
    np.testing.assert_array_equal(again.fit(_as("dask", X, 200)).components_, ours.components_)


@pytest.mark.parametrize(
    ("shape", "n_components"),
    [((1000, 10), 2), ((300, 40), 2), ((520, 60), 5), ((520, 60), 55), ((520, 60), "mle")],
)
def test_auto_chooses_as_sklearn(shape, n_components):
    X = np.random.default_rng(1).normal(size=shape)
    ours = PCA(n_components, random_state=0).fit(da.from_array(X, chunks=(200, -1)))
    theirs = skd.PCA(n_components, random_state=0).fit(X)
    assert ours._fit_svd_solver == theirs._fit_svd_solver
    if ours._fit_svd_solver != "randomized":
        _assert_fit_equal(ours, theirs, rtol=1e-7)


@pytest.mark.parametrize("whiten", [False, True])
def test_transforms_lazy_and_equal(whiten):
    X = _data()
    Xd = _as("dask", X)
    ours = PCA(3, whiten=whiten, svd_solver="full")
    theirs = skd.PCA(3, whiten=whiten, svd_solver="full").fit(X)
    Z = ours.fit_transform(Xd)
    assert isinstance(Z, da.Array)
    np.testing.assert_allclose(Z.compute(), theirs.transform(X), rtol=1e-7, atol=1e-8)
    back = ours.inverse_transform(Z)
    assert isinstance(back, da.Array)
    np.testing.assert_allclose(
        back.compute(), theirs.inverse_transform(theirs.transform(X)), rtol=1e-8
    )
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-7, atol=1e-8)
    # a dask DataFrame in gives a dask DataFrame out, with its index and pcaN columns
    frame = _as("frame", X)
    out = ours.fit(frame).transform(frame)
    assert isinstance(out, dd.DataFrame)
    assert list(out.columns) == ["pca0", "pca1", "pca2"]
    np.testing.assert_allclose(out.compute().to_numpy(), theirs.transform(X), atol=1e-8)


def test_model_covariance_precision_and_scores():
    X = _data()
    ours = PCA(3, svd_solver="full").fit(_as("dask", X))
    theirs = skd.PCA(3, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.get_covariance(), theirs.get_covariance(), rtol=1e-8)
    np.testing.assert_allclose(ours.get_precision(), theirs.get_precision(), rtol=1e-6)
    samples = ours.score_samples(_as("dask", X))
    assert isinstance(samples, da.Array)
    np.testing.assert_allclose(samples.compute(), theirs.score_samples(X), rtol=1e-8)
    np.testing.assert_allclose(ours.score(_as("dask", X)), theirs.score(X), rtol=1e-9)
    np.testing.assert_allclose(ours.score(X), theirs.score(X), rtol=1e-9)


@pytest.mark.parametrize(
    ("solver", "passes"), [("full", 1), ("covariance_eigh", 1), ("randomized", 1)]
)
def test_passes_over_the_data(solver, passes):
    # 8 features: randomized range finding runs on the R of one pass (cheaper than 4 passes)
    X = _data()
    counter = BlockCounter(4)
    Xd = counter.wrap(da.from_array(X, chunks=(150, 8)), name=f"pca-passes-{solver}")
    pca = PCA(2, svd_solver=solver, iterated_power=3, random_state=0).fit(Xd)
    np.testing.assert_array_equal(counter.per_block, [passes] * 4)
    assert pca.n_samples_ == 600
    counter.reset()
    pca.transform(Xd).compute()
    np.testing.assert_array_equal(counter.per_block, [1] * 4)


@pytest.mark.parametrize(("iterated_power", "passes"), [(3, 3 + 1), (0, 2)])
def test_randomized_passes_with_many_features(iterated_power, passes, monkeypatch):
    # 100 features, 12 random vectors: 4 (2) passes of products cost less than one R; with
    # no power iteration a pass for the mean and one for the range
    X = np.random.default_rng(5).normal(size=(400, 100)) * np.linspace(3, 0.1, 100) + 2.0
    counter = BlockCounter(4)
    Xd = counter.wrap(da.from_array(X, chunks=(100, 100)), name=f"pca-wide-{iterated_power}")
    pca = PCA(2, svd_solver="randomized", iterated_power=iterated_power, random_state=0)
    pca.fit(Xd)
    np.testing.assert_array_equal(counter.per_block, [passes] * 4)
    # the one-pass route (range finding on R), forced: the same draws and iterations
    monkeypatch.setattr(pca_module, "one_pass_cheaper", lambda *args: True)
    counter.reset()
    one_pass = clone(pca).fit(Xd)
    np.testing.assert_array_equal(counter.per_block, [1] * 4)
    np.testing.assert_allclose(one_pass.singular_values_, pca.singular_values_, rtol=1e-10)
    np.testing.assert_allclose(one_pass.components_, pca.components_, atol=1e-9)
    np.testing.assert_allclose(
        one_pass.explained_variance_ratio_, pca.explained_variance_ratio_, rtol=1e-10
    )
    np.testing.assert_allclose(one_pass.noise_variance_, pca.noise_variance_, rtol=1e-10)


def _nbytes(value):
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v) for v in value)
    return getattr(value, "nbytes", 0)


class _HeldBlocks(Callback):
    """Peak number of blocks of one collection held in the scheduler's memory, and peak
    bytes of everything else held (the partial results of the reduction)."""

    def __init__(self, name):
        super().__init__()
        self.name = name
        self.peak = 0
        self.peak_partials = 0

    def _posttask(self, key, result, dsk, state, worker_id):
        mine = [k for k in state["cache"] if isinstance(k, tuple) and str(k[0]).startswith(self.name)]
        self.peak = max(self.peak, len(mine))
        others = sum(_nbytes(v) for k, v in state["cache"].items() if k not in mine)
        self.peak_partials = max(self.peak_partials, others)


def test_memory_flat_tree_reduction():
    # 64 lazily generated blocks: the reduction holds a few at a time, never all of X
    X = da.random.default_rng(0).normal(size=(64 * 500, 6), chunks=(500, 6))
    X = X.map_blocks(np.add, 1.0, name="pca-generated")
    held = _HeldBlocks("pca-generated")
    with dask.config.set(scheduler="threads", num_workers=2), held:
        pca = PCA(2, svd_solver="full").fit(X)
    assert pca.n_samples_ == 64 * 500
    assert 1 <= held.peak <= 8
    # besides those blocks (and their random sources), the partials are R factors (6 x 6):
    # everything else held stays below a few blocks' bytes (500 x 6 float64 each)
    assert 0 < held.peak_partials < 4 * 500 * 6 * 8


@given(cuts=st.lists(st.integers(1, 299), min_size=1, max_size=6, unique=True))
def test_result_does_not_depend_on_the_blocks(cuts):
    X = _data(n=300, p=5)
    edges = [0, *sorted(cuts), 300]
    chunks = tuple(b - a for a, b in zip(edges[:-1], edges[1:], strict=True))
    ours = PCA(3, svd_solver="full").fit(da.from_array(X, chunks=(chunks, 5)))
    theirs = skd.PCA(3, svd_solver="full").fit(X)
    _assert_fit_equal(ours, theirs)


def test_float32_keeps_dtype():
    X = _data().astype(np.float32)
    ours = PCA(3, svd_solver="full").fit(_as("dask", X))
    assert ours.components_.dtype == np.float32
    assert ours.transform(_as("dask", X)).dtype == np.float32
    theirs = skd.PCA(3, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-4)


def test_pickles_small():
    X = da.from_array(_data(n=20_000), chunks=5000)
    pca = PCA(3).fit(X)
    assert len(pickle.dumps(pca)) < 3000


@pytest.mark.parametrize("kind", ["numpy", "dask", "unknown"])
def test_too_many_components_is_sklearns_error(kind):
    X = _data(n=50, p=8)
    message = r"n_components=9 must be between 0 and min\(n_samples, n_features\)=8"
    with pytest.raises(ValueError, match=message):
        PCA(9, svd_solver="full").fit(_as(kind, X, chunks=20))
    with pytest.raises(ValueError, match=message):
        skd.PCA(9, svd_solver="full").fit(X)
    rand = r"n_components=9 must be between 1 and min\(n_samples, n_features\)=8"
    with pytest.raises(ValueError, match=rand):
        PCA(9, svd_solver="randomized").fit(_as(kind, X, chunks=20))
    with pytest.raises(ValueError, match="cannot be a string"):
        PCA("mle", svd_solver="randomized").fit(_as(kind, X, chunks=20))


def test_parameters_without_effect_warn():
    X = _data(n=50)
    with pytest.warns(UserWarning, match="copy=False"):
        PCA(2, copy=False).fit(X)
    with pytest.warns(UserWarning, match="arpack"):
        PCA(2, tol=1e-3).fit(X)


def test_nan_in_dask_input_is_a_clear_error():
    X = _data()
    X[333, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        PCA(2, svd_solver="full").fit(_as("dask", X))


def test_on_a_distributed_client(client, unique_task_keys):
    X = _data()
    Xd = client.persist(_as("dask", X))
    ours = PCA(3, svd_solver="full").fit(Xd)
    _assert_fit_equal(ours, skd.PCA(3, svd_solver="full").fit(X))
    rand = PCA(3, svd_solver="randomized", iterated_power=4, random_state=0).fit(Xd)
    local = PCA(3, svd_solver="randomized", iterated_power=4, random_state=0).fit(X)
    np.testing.assert_allclose(rand.components_, local.components_, atol=1e-8)
    Z = ours.transform(Xd)
    np.testing.assert_allclose(Z.compute(), ours.transform(X), rtol=1e-9, atol=1e-9)
