"""GLM kernels: the Gram kernels of the exact least-squares solve (co-moments and their
merge), and the agreement of the loss, gradient and Hessian kernels."""


import numpy as np
import pytest

from dask_scale._kernels.glm import (
    BINOMIAL,
    POISSON,
    SQUARED,
    block_gram,
    glm_loss,
    glm_loss_grad,
    glm_loss_grad_hess,
    merge_gram,
)


def _direct(X, y, sw):
    S = sw.sum()
    mx, my = sw @ X / S, sw @ y / S
    Xc, yc = X - mx, y - my
    return len(y), S, mx, my, (Xc * sw[:, None]).T @ Xc, (Xc * sw[:, None]).T @ yc, sw @ yc**2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_block_gram_is_the_centred_weighted_gram(dtype):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(300, 5)) * [1e-2, 1, 10, 100, 1] + [1e4, 0, -50, 3, 7]).astype(dtype)
    y = rng.normal(size=300) + 1e3
    sw = rng.uniform(0, 2, 300)
    got = block_gram(X, y, sw)
    want = _direct(X.astype(np.float64), y, sw)
    assert got[0] == 300
    for g, w in zip(got[1:], want[1:], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-9 * np.max(np.abs(w)))


def test_merge_equals_the_gram_of_the_whole():
    # Chan's pairwise update: merging block partials gives the whole data's co-moments,
    # accurately even with a mean far larger than the spread
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1000, 4)) + 1e6
    y = rng.normal(size=1000) - 1e5
    sw = rng.uniform(0.5, 1.5, 1000)
    sw[200:300] = 0.0  # a block that weighs nothing contributes its rows only
    parts = [block_gram(X[i : i + 100], y[i : i + 100], sw[i : i + 100]) for i in range(0, 1000, 100)]
    parts.append(block_gram(X[:0], y[:0], sw[:0]))  # an empty block
    got = merge_gram(parts)
    want = _direct(X, y, sw)
    assert got[0] == 1000
    for g, w in zip(got[1:], want[1:], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-8, atol=1e-8 * np.max(np.abs(w)))
    assert merge_gram([parts[2], parts[3]])[1] == parts[3][1]


@pytest.mark.parametrize("family", [SQUARED, BINOMIAL, POISSON])
@pytest.mark.parametrize("p", [1, 3, 6, 17])
def test_hessian_kernel_loss_and_gradient_are_bitwise_those_of_the_gradient_kernel(family, p):
    # Every kernel sums the linear predictor in the same (vectorised) order, whatever the
    # addresses of its arrays: a Newton step's loss from one kernel is comparable with a
    # line search's from another, and a refit gives bitwise the same model.
    rng = np.random.default_rng(p)
    X = rng.normal(size=(257, p))
    if family == BINOMIAL:
        y = (rng.random(257) < 0.5).astype(float)
    elif family == POISSON:
        y = rng.poisson(1.5, size=257).astype(float)
    else:
        y = rng.normal(size=257)
    sw = rng.uniform(0.5, 2.0, size=257)
    coef = rng.normal(size=p) * 0.3
    loss = glm_loss(X, y, sw, coef, 0.2, family)
    loss_g, grad, gb = glm_loss_grad(X, y, sw, coef, 0.2, family)
    for fit_intercept in (True, False):
        loss_h, grad_h, gb_h, hess = glm_loss_grad_hess(X, y, sw, coef, 0.2, family, fit_intercept)
        assert loss_h == loss_g == loss
        np.testing.assert_array_equal(grad_h, grad)
        assert gb_h == gb
        assert hess.shape == (p + fit_intercept,) * 2
