"""Chunk functions of dask_scale.cluster._kmeans_passes: how they call the kernels."""

import numpy as np
import pandas as pd

from dask_scale._kernels.kmeans import lloyd_block, sse_block
from dask_scale.cluster._kmeans_passes import lloyd_chunk, lloyd_labels_chunk, sse_chunk


def _signatures(func):
    return {str(s) for s in func.dispatcher.signatures}


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    return X, X[rng.choice(300, 4, replace=False)].copy()


def test_unweighted_passes_equal_weights_of_one_bit_for_bit():
    X, C = _data()
    a = lloyd_chunk(X, None, C, 3)
    b = lloyd_chunk(X, np.ones(len(X), dtype=np.float32), C, 3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[2] == b[2]
    assert sse_chunk(X, None, C) == sse_chunk(X, np.ones(len(X)), C) == a[2]
    (c, labels) = lloyd_labels_chunk(X, None, C, 3)
    np.testing.assert_array_equal(c[0], a[0])
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(labels[0], d2.argmin(axis=1))
    assert np.isclose(a[2], d2.min(axis=1).sum(), rtol=1e-12)


def test_blocks_of_every_origin_share_the_lloyd_specialisations():
    X, C = _data()
    frozen = X.copy()
    frozen.flags.writeable = False
    sliced = np.zeros((300, 10))
    sliced[:, ::2] = X
    frame = pd.DataFrame(X.copy()).to_numpy()  # Fortran-ordered, maybe read-only
    w = np.random.default_rng(1).uniform(size=300)
    before_lloyd, before_sse = _signatures(lloyd_block), _signatures(sse_block)
    ref = lloyd_chunk(X, None, C, 3)
    for block in (X, frozen, sliced[:, ::2], frame):
        for weights in (None, w):
            lloyd_chunk(block, weights, C, 3)
            lloyd_labels_chunk(block, weights, C.copy(), 3)
            sse_chunk(block, weights, C)
        np.testing.assert_allclose(lloyd_chunk(block, None, C, 3)[0], ref[0], rtol=1e-13)
    # one specialisation for C blocks, one for F blocks (the kernel reads both well)
    assert len(_signatures(lloyd_block) - before_lloyd) <= 2
    assert len(_signatures(sse_block) - before_sse) <= 2
