"""dask_scale.metrics regression metrics against scikit-learn on the same data."""

import dask
import dask.array as da
import numpy as np
import pytest
import sklearn.metrics as skm
from _metrics_data import KINDS, as_kind, raise_if_computed
from dask.delayed import Delayed
from hypothesis import given, settings
from hypothesis import strategies as st

import dask_scale.metrics as M

FUNCS = [
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_squared_log_error",
    "root_mean_squared_log_error",
    "r2_score",
]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    y = np.abs(rng.normal(3, 1, (300, 2)))
    pred = np.abs(y + rng.normal(0, 0.5, y.shape))
    return y, pred, rng.random(300)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", FUNCS)
def test_equal_to_sklearn(data, kind, name):
    y, pred, w = data
    ours, sk = getattr(M, name), getattr(skm, name)
    got = ours(as_kind(y[:, 0], kind), as_kind(pred[:, 0], kind), sample_weight=as_kind(w, kind))
    assert got == pytest.approx(sk(y[:, 0], pred[:, 0], sample_weight=w), rel=1e-12)
    # multioutput, raw and weighted across outputs; y_pred in memory
    raw = ours(as_kind(y, kind), as_kind(pred, kind), multioutput="raw_values")
    np.testing.assert_allclose(raw, sk(y, pred, multioutput="raw_values"), rtol=1e-12)
    got = ours(as_kind(y, "dask"), as_kind(pred, "dask", 45), multioutput=[0.3, 0.7])
    assert got == pytest.approx(sk(y, pred, multioutput=[0.3, 0.7]), rel=1e-12)
    # numpy input is scikit-learn's own result
    assert ours(y, pred) == sk(y, pred)


def test_dask_ml_keywords_and_r2_options(data):
    y, pred, w = data
    yd, pd_ = as_kind(y, "dask"), as_kind(pred, "dask")
    assert M.mean_squared_error(yd, pd_, squared=False) == pytest.approx(
        skm.root_mean_squared_error(y, pred), rel=1e-12
    )
    assert M.mean_squared_log_error(yd, pd_, squared=False) == pytest.approx(
        skm.root_mean_squared_log_error(y, pred), rel=1e-12
    )
    assert M.mean_squared_error(y, pred, squared=False) == skm.root_mean_squared_error(y, pred)
    assert M.r2_score(yd, pd_, multioutput="variance_weighted") == pytest.approx(
        skm.r2_score(y, pred, multioutput="variance_weighted"), rel=1e-12
    )
    const = np.ones(300)
    for force in (True, False):
        got = M.r2_score(as_kind(const, "dask"), pred[:, 0], force_finite=force)
        want = skm.r2_score(const, pred[:, 0], force_finite=force)
        assert got == want or (np.isinf(got) and np.isinf(want))


def test_large_mean_is_stable():
    rng = np.random.default_rng(1)
    y = 1e8 + rng.normal(0, 1, 20_000)
    pred = y + rng.normal(0, 0.3, y.shape)
    w = rng.random(y.shape[0])
    for name in ("r2_score", "mean_squared_error", "mean_absolute_error"):
        got = getattr(M, name)(da.from_array(y, chunks=1500), da.from_array(pred, chunks=1500),
                               sample_weight=w)
        assert got == pytest.approx(getattr(skm, name)(y, pred, sample_weight=w), rel=1e-9)


def test_compute_false_is_lazy(data):
    y, pred, _ = data
    yd = as_kind(y[:, 0], "dask").map_blocks(raise_if_computed, dtype=float)
    for name in FUNCS:
        lazy = getattr(M, name)(yd, pred[:, 0], compute=False)
        assert isinstance(lazy, Delayed), name
    lazy = M.r2_score(as_kind(y, "dask"), as_kind(pred, "dask"), compute=False)
    (value,) = dask.compute(lazy)
    assert value == pytest.approx(skm.r2_score(y, pred), rel=1e-12)


def test_bad_input(data):
    y, pred, _ = data
    yd = as_kind(y[:, 0], "dask")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        M.mean_squared_error(yd, pred[:200, 0])
    with pytest.raises(ValueError, match="different number of output"):
        M.r2_score(as_kind(y, "dask"), pred[:, 0])
    with pytest.raises(ValueError, match="less than or equal to -1"):
        M.mean_squared_log_error(yd - 10, pred[:, 0])
    with pytest.raises(ValueError, match="equally many custom weights"):
        M.mean_absolute_error(as_kind(y, "dask"), pred, multioutput=[1.0, 2.0, 3.0])
    bad = y[:, 0].copy()
    bad[5] = np.nan
    with pytest.raises(ValueError, match="y_true contains NaN"):
        M.mean_absolute_error(as_kind(bad, "dask"), pred[:, 0])
    with pytest.raises(ValueError, match="different numbers of rows"):
        M.mean_absolute_error(as_kind(y[:, 0], "unknown"), as_kind(pred[:, 0], "unknown", 60))


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(2, 80), min_size=1, max_size=6),
    st.sampled_from(["r2_score", "mean_squared_error", "mean_absolute_percentage_error"]),
)
def test_chunking_does_not_change_the_value(sizes, name):
    n = sum(sizes)
    rng = np.random.default_rng(n)
    y = 1e4 + rng.normal(0, 1, n)
    pred = y + rng.normal(0, 0.1, n)
    one = getattr(M, name)(da.from_array(y, chunks=n), da.from_array(pred, chunks=n))
    got = getattr(M, name)(da.from_array(y, chunks=(tuple(sizes),)), pred)
    if np.isnan(one):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(one, rel=1e-12, abs=1e-300)
