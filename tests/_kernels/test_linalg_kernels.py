"""Per-block linear algebra of dask_scale._kernels.linalg: CholeskyQR2 and the centred R."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale._kernels.linalg import centred_r, cholesky_qr2_r, merge_centred_r, r_factor


def _with_condition(rng, m, n, cond):
    U, _ = np.linalg.qr(rng.standard_normal((m, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.logspace(0, -np.log10(cond), n)
    return (U * s) @ V.T, s


@pytest.mark.parametrize("cond", [1e1, 1e4, 1e7])
def test_cholesky_qr2_keeps_householder_accuracy(cond):
    rng = np.random.default_rng(0)
    A, s = _with_condition(rng, 3000, 20, cond)
    R = cholesky_qr2_r(A.copy())
    assert R is not None
    assert np.allclose(np.tril(R, -1), 0.0)
    sv = np.linalg.svd(R, compute_uv=False)
    sv_householder = np.linalg.svd(r_factor(A), compute_uv=False)
    # relative accuracy of the singular values: u * cond(A) at worst, as Householder's
    tol = 50 * np.finfo(float).eps * cond
    assert np.max(np.abs(sv - s) / s) < tol
    assert np.max(np.abs(sv_householder - s) / s) < tol
    # R^T R is A^T A
    assert np.allclose(R.T @ R, A.T @ A, rtol=0, atol=1e-13)


@pytest.mark.parametrize("cond", [1e10, 1e15])
def test_cholesky_qr2_declines_ill_conditioned_blocks(cond):
    A, _ = _with_condition(np.random.default_rng(1), 2000, 10, cond)
    assert cholesky_qr2_r(A) is None


def test_cholesky_qr2_declines_rank_deficient_and_wide_blocks():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((50, 4))
    A[:, 3] = A[:, 0] - A[:, 1]
    assert cholesky_qr2_r(A) is None
    assert cholesky_qr2_r(rng.standard_normal((3, 5))) is None


def test_centred_r_falls_back_to_householder():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 4)) + 5.0
    X[:, 2] = 7.0  # a constant column: the centred block is rank deficient
    n, mean, R = centred_r(X)
    Xc = X - X.mean(axis=0)
    assert n == 40
    np.testing.assert_allclose(mean, X.mean(axis=0))
    np.testing.assert_allclose(R.T @ R, Xc.T @ Xc, atol=1e-11)
    wide = rng.standard_normal((3, 6))  # fewer rows than columns: R is 3 x 6
    assert centred_r(wide)[2].shape == (3, 6)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_centred_r_reads_any_layout_without_modifying_it(order, dtype):
    rng = np.random.default_rng(4)
    X = np.asarray(rng.standard_normal((300, 6)) * [1, 2, 3, 4, 5, 6] + 10, dtype=dtype, order=order)
    before = X.copy()
    _, mean, R = centred_r(X)
    Xc = X.astype(np.float64) - X.astype(np.float64).mean(axis=0)
    np.testing.assert_array_equal(X, before)
    assert R.dtype == np.float64 and mean.dtype == np.float64
    np.testing.assert_allclose(R.T @ R, Xc.T @ Xc, rtol=1e-12, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 40), min_size=1, max_size=5),
    shift=st.floats(-1e3, 1e3),
    seed=st.integers(0, 2**16),
)
def test_merged_centred_r_is_the_r_of_the_whole(sizes, shift, seed):
    rng = np.random.default_rng(seed)
    blocks = [rng.standard_normal((k, 3)) * [1.0, 0.1, 10.0] + shift for k in sizes]
    X = np.vstack(blocks)
    n, mean, R = merge_centred_r([centred_r(b) for b in blocks])
    assert n == X.shape[0]
    if n == 0:
        return
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-12, atol=1e-9)
    scale = max(1.0, np.abs(Xc).max()) ** 2 * max(n, 1)
    np.testing.assert_allclose(R.T @ R, Xc.T @ Xc, rtol=0, atol=1e-12 * scale)
