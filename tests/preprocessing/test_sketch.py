"""The mergeable quantile sketch: exact when small, within its stated rank error otherwise."""

import dask.array as da
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale.preprocessing._sketch import fit_sketch, rank_error_bound, sketch_quantiles

PERCENTS = np.linspace(0, 100, 41)


def test_small_data_is_summarised_exactly():
    X = np.random.default_rng(0).normal(size=(500, 3))
    X[::7, 1] = np.nan
    sketch = fit_sketch(da.from_array(X, chunks=(60, 3)), k=1000)
    np.testing.assert_array_equal(
        sketch_quantiles(sketch, PERCENTS), np.nanpercentile(X, PERCENTS, axis=0)
    )
    np.testing.assert_array_equal(
        sketch_quantiles(sketch, [50.0], median=True)[0], np.nanmedian(X, axis=0)
    )
    assert sketch[3] == 500


def test_exact_mode_keeps_every_value():
    X = np.random.default_rng(1).normal(size=(3000, 2))
    sketch = fit_sketch(da.from_array(X, chunks=(100, 2)), k=0)
    np.testing.assert_array_equal(
        sketch_quantiles(sketch, PERCENTS), np.percentile(X, PERCENTS, axis=0)
    )


def test_an_all_nan_column_gives_nan():
    X = np.ones((50, 2))
    X[:, 1] = np.nan
    out = sketch_quantiles(fit_sketch(X, k=10), [25.0, 75.0])
    assert np.isnan(out[:, 1]).all()
    np.testing.assert_array_equal(out[:, 0], 1.0)


def _check_rank_error(x, q, p, eps):
    """The stated guarantee: #{x < q} <= p(N-1) + eps N + 1 and #{x <= q} >= p(N-1) - eps N."""
    n = x.shape[0]
    below = np.count_nonzero(x < q)
    upto = np.count_nonzero(x <= q)
    target = p * (n - 1)
    assert below <= target + eps * n + 1, (p, below, target, eps * n)
    assert upto >= target - eps * n, (p, upto, target, eps * n)


@pytest.mark.parametrize("kind", ["normal", "ties", "sorted", "heavy-tail"])
def test_rank_error_within_the_bound(kind):
    rng = np.random.default_rng(2)
    n = 20_000
    x = {
        "normal": rng.normal(size=n),
        "ties": rng.integers(0, 7, size=n).astype(float),
        "sorted": np.sort(rng.normal(size=n)),
        "heavy-tail": rng.standard_cauchy(size=n),
    }[kind]
    chunks = 400  # 50 blocks -> 2 merge levels
    k = 64
    sketch = fit_sketch(da.from_array(x[:, None], chunks=(chunks, 1)), k=k)
    eps = rank_error_bound(n // chunks, k)
    assert eps == pytest.approx(4 / 128)
    q = sketch_quantiles(sketch, PERCENTS)[:, 0]
    for p, value in zip(PERCENTS / 100, q, strict=True):
        _check_rank_error(x, value, p, eps)


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 3000),
    block=st.integers(1, 500),
    k=st.integers(2, 50),
    seed=st.integers(0, 100),
)
def test_rank_error_property(n, block, k, seed):
    x = np.random.default_rng(seed).normal(size=n).round(1)
    sketch = fit_sketch(da.from_array(x[:, None], chunks=(block, 1)), k=k)
    n_blocks = -(-n // block)
    eps = rank_error_bound(n_blocks, k)
    q = sketch_quantiles(sketch, PERCENTS)[:, 0]
    assert np.all(np.diff(q) >= 0)
    for p, value in zip(PERCENTS / 100, q, strict=True):
        _check_rank_error(x, value, p, eps)
