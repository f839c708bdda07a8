"""dask_scale.metrics pairwise distances and kernels against scikit-learn."""

import dask.array as da
import numpy as np
import pytest
import sklearn.metrics.pairwise as skp
from _metrics_data import as_kind, raise_if_computed

import dask_scale.metrics as M


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(0)
    return rng.normal(size=(230, 4)), rng.normal(size=(9, 4))


CASES = [
    ("euclidean_distances", {}),
    ("euclidean_distances", {"squared": True}),
    ("pairwise_distances", {"metric": "manhattan"}),
    ("pairwise_distances", {"metric": "minkowski", "p": 3}),
    ("linear_kernel", {}),
    ("rbf_kernel", {"gamma": 0.3}),
    ("polynomial_kernel", {"degree": 2, "coef0": 0.5}),
    ("sigmoid_kernel", {}),
    ("pairwise_kernels", {"metric": "rbf"}),
    ("pairwise_kernels", {"metric": "laplacian", "gamma": 0.2}),
]


@pytest.mark.parametrize("kind", ["dask", "frame"])
@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_blockwise_equals_sklearn(xy, kind, name, kwargs):
    X, Y = xy
    ours, sk = getattr(M, name), getattr(skp, name)
    got = ours(as_kind(X, kind), Y, **kwargs)
    assert isinstance(got, da.Array)
    np.testing.assert_allclose(got.compute(), sk(X, Y, **kwargs), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(ours(X, Y, **kwargs), sk(X, Y, **kwargs))


def test_y_none_and_dask_y(xy):
    X, Y = xy
    Xd = as_kind(X, "dask")
    np.testing.assert_allclose(M.rbf_kernel(Xd).compute(), skp.rbf_kernel(X), rtol=1e-12)
    got = M.euclidean_distances(Xd, as_kind(Y, "dask", 4), Y_norm_squared=(Y**2).sum(1))
    np.testing.assert_allclose(got.compute(), skp.euclidean_distances(X, Y), rtol=1e-10)
    assert M.PAIRWISE_KERNEL_FUNCTIONS["rbf"] is M.rbf_kernel
    assert set(M.PAIRWISE_KERNEL_FUNCTIONS) <= set(skp.PAIRWISE_KERNEL_FUNCTIONS)


def test_argmin_min(xy):
    X, Y = xy
    idx, dist = M.pairwise_distances_argmin_min(as_kind(X, "unknown"), Y, metric="cityblock")
    want_idx, want_dist = skp.pairwise_distances_argmin_min(X, Y, metric="cityblock")
    assert idx.dtype == np.intp
    np.testing.assert_array_equal(idx.compute(), want_idx)
    np.testing.assert_allclose(dist.compute(), want_dist, rtol=1e-12)
    with pytest.raises(NotImplementedError, match="axis=0"):
        M.pairwise_distances_argmin_min(as_kind(X, "dask"), Y, axis=0)


def test_lazy_and_bad_input(xy):
    X, Y = xy
    Xd = as_kind(X, "dask").map_blocks(raise_if_computed, dtype=float)
    out = M.pairwise_distances(Xd, Y)
    assert out.shape == (230, 9) and out.chunks[0] == (70, 70, 70, 20)
    with pytest.raises(ValueError, match="Incompatible dimension"):
        M.linear_kernel(as_kind(X, "dask"), Y[:, :3])
    with pytest.raises(NotImplementedError, match="X_norm_squared"):
        M.euclidean_distances(as_kind(X, "dask"), Y, X_norm_squared=(X**2).sum(1))
