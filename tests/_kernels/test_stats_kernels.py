"""Per-block statistics kernels of dask_scale._kernels.stats."""

import numpy as np
import pytest

from dask_scale._kernels.stats import (
    block_masked_sums,
    block_minmax,
    block_moments,
    block_sketch,
    compress_sketch,
    float_keys,
    keys_to_float,
    merge_moments,
    merge_value_counts,
    value_counts,
)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_moments_merge_to_the_two_pass_values(dtype):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(500, 3)) * [1.0, 1e-3, 50.0] + [0.0, 1e3, -7.0]).astype(dtype)
    X[::9, 0] = np.nan
    w = rng.uniform(0, 2, size=500)
    parts = [block_moments(X[s], w[s], True) for s in (slice(0, 123), slice(123, 400),
                                                        slice(400, 500))]
    total, shift, offset, m2 = merge_moments(merge_moments(parts[0], parts[1]), parts[2])
    x64 = X.astype(np.float64)
    present = ~np.isnan(x64)
    ww = w[:, None] * present
    mean = np.nansum(ww * x64, axis=0) / ww.sum(axis=0)
    var = np.nansum(ww * (x64 - mean) ** 2, axis=0) / ww.sum(axis=0)
    np.testing.assert_allclose(total, ww.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(shift + offset, mean, rtol=1e-13)
    np.testing.assert_allclose(m2 / total, var, rtol=1e-10)


def test_merge_with_an_empty_block_and_minmax_and_sums():
    X = np.array([[1.0, np.nan], [3.0, np.nan]])
    empty = block_moments(X[:0], np.empty(0), False)
    full = block_moments(X, np.empty(0), False)
    for merged in (merge_moments(empty, full), merge_moments(full, empty)):
        np.testing.assert_array_equal(merged[0], [2.0, 0.0])
        assert merged[1][0] + merged[2][0] == 2.0 and merged[3][0] == 2.0
    lo, hi, count = block_minmax(X)
    assert lo[0] == 1.0 and hi[0] == 3.0 and count.tolist() == [2, 0]
    count, total = block_masked_sums(np.array([[1.0, -1.0], [-1.0, 5.0]]), -1.0, False)
    assert count.tolist() == [1, 1] and total.tolist() == [1.0, 5.0]


def test_float_keys_preserve_order_and_round_trip():
    x = np.array([-np.inf, -1e300, -1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0, 2.0, 1e300, np.inf])
    keys = float_keys(x)
    assert np.all(np.diff(keys.astype(object)) >= 0)
    assert keys[4] == keys[5]  # -0.0 is keyed as 0.0
    np.testing.assert_array_equal(keys_to_float(keys)[[0, 1, 2, 3, 6, 7, 8, 9, 10]],
                                  x[[0, 1, 2, 3, 6, 7, 8, 9, 10]])


def test_sketch_compression_keeps_total_weight():
    x = np.arange(1000.0)[:, None]
    values, weights, sizes = block_sketch(x, 10)
    assert sizes[0] == 10
    assert weights[0].sum() == pytest.approx(1000.0)
    # compressed points are the middle of their equal shares
    np.testing.assert_array_equal(values[0], np.arange(50.0, 1000.0, 100.0))
    merged = compress_sketch(np.concatenate([values, values], axis=1),
                             np.concatenate([weights, weights], axis=1), 10)
    assert merged[2][0] == 10 and merged[1][0].sum() == pytest.approx(2000.0)


def test_value_counts_and_their_merge():
    values = np.array([2.0, np.nan, -0.0, 2.0, 0.0, 5.0])
    uniques, counts, missing = value_counts(values)
    # hash-based: order of first appearance; -0.0 and 0.0 are one value; NaN counted apart
    np.testing.assert_array_equal(uniques, [2.0, 0.0, 5.0])
    np.testing.assert_array_equal(counts, [2, 2, 1])
    assert counts.dtype == np.int64 and missing == 1
    w = np.array([0.5, 3.0, 1.0, 0.5, 1.0, 2.0])
    _, wcounts, wmissing = value_counts(values, w)
    np.testing.assert_array_equal(wcounts, [1.0, 2.0, 2.0])
    assert wmissing == 3.0
    other = value_counts(np.array([5.0, 7.0, np.nan]))
    merged, total, n_missing = merge_value_counts([(uniques, counts, missing), other])
    assert dict(zip(merged.tolist(), total.tolist(), strict=True)) == {2.0: 2, 0.0: 2, 5.0: 2, 7.0: 1}
    assert total.dtype == np.int64 and n_missing == 2
    # strings of pandas' own dtypes are hashed as they are; None and pd.NA are missing
    import pandas as pd

    s = pd.Series(["b", None, "a", "b"], dtype="str")
    uniques, counts, missing = value_counts(s)
    assert list(uniques) == ["b", "a"] and counts.tolist() == [2, 1] and missing == 1
    empty = value_counts(np.array([], dtype=object))
    assert merge_value_counts([empty, empty])[0].shape == (0,)


def test_moments_skip_nan_wherever_it_is():
    # a leading NaN (the shift is the first value present) and a column without any value
    X = np.array([[np.nan, np.nan, 1.0], [2.0, np.nan, 1.0], [4.0, np.nan, 1.0]])
    count, shift, offset, m2 = block_moments(X, np.empty(0), False)
    np.testing.assert_array_equal(count, [2.0, 0.0, 3.0])
    np.testing.assert_array_equal(shift, [2.0, 0.0, 1.0])
    np.testing.assert_array_equal(shift + offset, [3.0, 0.0, 1.0])
    np.testing.assert_array_equal(m2, [2.0, 0.0, 0.0])
