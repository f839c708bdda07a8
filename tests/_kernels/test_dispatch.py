"""The kernel decorator of dask_scale._kernels._dispatch: one specialisation per dtype."""

import pickle

import numpy as np
import pandas as pd
import pytest

from dask_scale._kernels._dispatch import kernel, readonly
from dask_scale._kernels.stats import block_minmax


@kernel(reads=("X", "w"), keep_f=("X",))
def _weighted_sum(X, w=None, scale=1.0):
    total = 0.0
    for i in range(X.shape[0]):
        wi = 1.0 if w is None else w[i]
        for j in range(X.shape[1]):
            total += wi * X[i, j]
    return total * scale


def _signatures(func):
    return {str(s) for s in func.dispatcher.signatures}


def test_readonly_is_a_free_view_or_one_copy():
    X = np.arange(12.0).reshape(3, 4)
    v = readonly(X)
    assert not v.flags.writeable and X.flags.writeable
    assert np.shares_memory(v, X) and v.ctypes.data == X.ctypes.data
    assert readonly(v) is v  # already read-only and C: unchanged
    F = np.asfortranarray(X)
    assert readonly(F, keep_f=True).flags.f_contiguous
    assert np.shares_memory(readonly(F, keep_f=True), F)
    copied = readonly(F)
    assert copied.flags.c_contiguous and not np.shares_memory(copied, F)
    strided = readonly(X[:, ::2])
    assert strided.flags.c_contiguous and not strided.flags.writeable
    np.testing.assert_array_equal(strided, X[:, ::2])
    assert readonly(None) is None and readonly(2.5) == 2.5


def test_every_layout_and_flag_shares_one_specialisation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3))
    w = rng.uniform(size=7)
    expected = float((X * w[:, None]).sum())
    frozen = X.copy()
    frozen.flags.writeable = False
    from_pandas = pd.DataFrame(X.copy()).to_numpy()  # F-ordered (one float block)
    wide = np.zeros((7, 6))
    wide[:, ::2] = X
    before = _signatures(_weighted_sum)
    for block in (X, frozen, wide[:, ::2], X.copy(order="C")):
        assert _weighted_sum(block, w) == pytest.approx(expected, rel=1e-12)
        assert _weighted_sum(block, w=w, scale=2.0) == pytest.approx(2 * expected, rel=1e-12)
    added = _signatures(_weighted_sum) - before
    assert len(added) == 1, added
    # omitted and explicit None are one specialisation (the branch on w is pruned in it)
    assert _weighted_sum(X) == _weighted_sum(X, None) == _weighted_sum(X, w=None, scale=1.0)
    assert len(_signatures(_weighted_sum) - before) == 2
    # F kept as it is where the kernel allows it: one more, shared by every F block
    assert from_pandas.flags.f_contiguous
    _weighted_sum(from_pandas, w)
    _weighted_sum(np.asfortranarray(X), w)
    assert len(_signatures(_weighted_sum) - before) == 3
    # float32 is a specialisation of its own (needed)
    _weighted_sum(X.astype(np.float32), w)
    assert len(_signatures(_weighted_sum) - before) == 4


def test_c_only_kernels_get_c_blocks():
    X = np.asfortranarray(np.random.default_rng(1).normal(size=(9, 4)))
    before = _signatures(block_minmax)
    lo, hi, count = block_minmax(X)
    np.testing.assert_array_equal(lo, X.min(axis=0))
    np.testing.assert_array_equal(hi, X.max(axis=0))
    block_minmax(np.ascontiguousarray(X))
    added = _signatures(block_minmax) - before
    assert all("'C', True" in s for s in added) and len(added) <= 1


def test_arguments_are_checked_like_python_calls():
    X = np.ones((2, 2))
    with pytest.raises(TypeError, match="missing argument 'X'"):
        _weighted_sum()
    with pytest.raises(TypeError, match="takes 3 arguments"):
        _weighted_sum(X, None, 1.0, 4)
    with pytest.raises(TypeError, match="unexpected or repeated argument 'X'"):
        _weighted_sum(X, X=X)
    with pytest.raises(TypeError, match="unexpected or repeated argument 'y'"):
        _weighted_sum(X, y=1)
    with pytest.raises(TypeError, match="bad reads"):
        kernel(reads=("nope",))(lambda X: X)
    with pytest.raises(TypeError, match="bad reads"):
        kernel(reads=("X",), keep_f=("w",))(lambda X, w: X)


def test_kernels_pickle_by_reference():
    assert pickle.loads(pickle.dumps(block_minmax)) is block_minmax
    assert block_minmax.__name__ == "block_minmax"
    assert "NaN-skipping" in block_minmax.__doc__
