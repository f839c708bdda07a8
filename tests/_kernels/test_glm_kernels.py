"""The Gram kernels of the exact least-squares solve: co-moments and their merge."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import threadpoolctl

from dask_scale._kernels.glm import block_gram, merge_gram


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


def test_concurrent_blocks_restore_the_blas_threads():
    rng = np.random.default_rng(2)
    X, y, sw = rng.normal(size=(2000, 30)), rng.normal(size=2000), np.ones(2000)
    before = [i["num_threads"] for i in threadpoolctl.threadpool_info()]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: block_gram(X, y, sw)[4], range(64)))
    assert [i["num_threads"] for i in threadpoolctl.threadpool_info()] == before
    for r in results:
        np.testing.assert_array_equal(r, results[0])
