"""The exact order statistics behind SimpleImputer(strategy="median")."""

import dask.array as da
import numpy as np
import pytest

import dask_scale.impute._stats as stats_module
from dask_scale.impute._stats import exact_medians


def _median(x):
    x = x[~np.isnan(x)]
    return np.median(x) if x.size else np.nan


@pytest.mark.parametrize(
    "kind", ["normal", "huge-range", "ties", "signed-zero", "integers", "two-values"]
)
@pytest.mark.parametrize("max_collect", [4096, 8])
def test_exact_medians(kind, max_collect, monkeypatch):
    # max_collect=8 forces several bin passes before the last, collecting one
    monkeypatch.setattr(stats_module, "MAX_COLLECT", max_collect)
    rng = np.random.default_rng(0)
    n = 3001
    x = {
        "normal": rng.normal(size=n),
        "huge-range": rng.choice([-1, 1], n) * 10.0 ** rng.uniform(-300, 300, n),
        "ties": rng.integers(0, 3, n).astype(float),
        "signed-zero": rng.choice([-0.0, 0.0, 1.0, -1.0], n),
        "integers": rng.integers(-(2**40), 2**40, n).astype(float),
        "two-values": np.where(np.arange(n) < n // 2, 1.0, 2.0),
    }[kind]
    X = np.column_stack([x, x[::-1], np.where(rng.random(n) < 0.5, np.nan, x)])
    X = X[:-1]  # even count: the median is the mean of two middle values
    medians, count, n_rows = exact_medians(
        da.from_array(X, chunks=(256, 3)), np.nan, True, np.dtype(np.float64)
    )
    assert n_rows == n - 1
    np.testing.assert_array_equal(count, (~np.isnan(X)).sum(axis=0))
    expected = np.array([_median(X[:, j]) for j in range(3)])
    np.testing.assert_array_equal(medians, expected)


def test_float32_and_missing_marker():
    x = np.random.default_rng(1).normal(size=(500, 2)).astype(np.float32)
    x[::3, 0] = -5
    medians, _, _ = exact_medians(x, -5.0, False, np.dtype(np.float32))
    assert medians.dtype == np.float32
    expected = np.ma.median(np.ma.masked_equal(x, -5), axis=0).data
    np.testing.assert_array_equal(medians, expected)
