"""Scaling kernels of dask_scale._kernels.scaling."""

import numpy as np
import pytest

from dask_scale._kernels.scaling import standard_scale


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("with_mean,with_std", [(True, True), (True, False), (False, True),
                                                (False, False)])
def test_standard_scale_is_bitwise_numpys_subtract_then_divide(dtype, with_mean, with_std):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(200, 5)) * [1.0, 1e-3, 1e3, 7.0, 1.0] + [3.0, 0, -1e4, 0, 0]).astype(dtype)
    X[::7, 1] = np.nan
    X[3, 4] = -0.0
    mean = np.nanmean(X, axis=0).astype(dtype)
    scale = np.nanstd(X, axis=0).astype(dtype)
    expected = X.copy()
    if with_mean:
        expected -= mean
    if with_std:
        expected /= scale
    for layout in (X, np.asfortranarray(X)):
        out = np.empty_like(layout)
        assert not standard_scale(layout, mean, scale, with_mean, with_std, out)
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.view(f"u{out.itemsize}"),
                                      expected.view(f"u{expected.itemsize}"))
    inplace = X.copy()
    standard_scale(inplace, mean, scale, with_mean, with_std, inplace)
    np.testing.assert_array_equal(inplace.view(f"u{X.itemsize}"),
                                  expected.view(f"u{X.itemsize}"))


def test_standard_scale_reports_infinity():
    X = np.ones((3, 2))
    X[1, 1] = -np.inf
    assert standard_scale(X, np.zeros(2), np.ones(2), True, True, np.empty_like(X))
