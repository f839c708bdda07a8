"""dask_scale.linear_model.utils: the helpers of dask_ml.linear_model.utils on every input kind."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from dask_scale.linear_model import LinearRegression, LogisticRegression
from dask_scale.linear_model.utils import (
    absolute,
    add_intercept,
    exp,
    log1p,
    lr_prob_stack,
    sign,
)

X = np.arange(12, dtype=np.float64).reshape(6, 2) - 4.5
EXPECTED = np.column_stack([np.ones(6), X])


def test_add_intercept_numpy():
    out = add_intercept(X)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, EXPECTED)
    assert add_intercept(X.astype(np.float32)).dtype == np.float32
    ints = add_intercept(np.arange(4).reshape(2, 2))
    assert ints.dtype == np.float64
    np.testing.assert_array_equal(ints, [[1, 0, 1], [1, 2, 3]])
    np.testing.assert_array_equal(add_intercept([[1, 2]]), [[1, 1, 2]])  # array-like


@pytest.mark.parametrize("kind", ["known", "column blocks", "unknown"])
def test_add_intercept_dask_array(kind):
    Xd = da.from_array(X, chunks=(4, 2 if kind != "column blocks" else 1))
    if kind == "unknown":
        Xd = Xd[Xd[:, 0] > -100]
    out = add_intercept(Xd)
    assert isinstance(out, da.Array)
    assert out.numblocks[1] == 1
    if kind != "unknown":
        assert out.chunks == ((4, 2), (3,))
    else:
        assert np.isnan(out.shape[0])
    np.testing.assert_array_equal(out.compute(), EXPECTED)


def test_add_intercept_frames():
    pdf = pd.DataFrame(X, columns=["a", "b"], index=np.arange(10, 16))
    out = add_intercept(pdf)
    assert list(out.columns) == ["intercept", "a", "b"]
    pd.testing.assert_index_equal(out.index, pdf.index)
    np.testing.assert_array_equal(out.to_numpy(), EXPECTED)
    ddf = dd.from_pandas(pdf, npartitions=3)
    lazy = add_intercept(ddf)
    assert isinstance(lazy, dd.DataFrame)
    assert lazy.npartitions == 3
    pd.testing.assert_frame_equal(lazy.compute(), out)
    with pytest.raises(ValueError, match="already has an 'intercept' column"):
        add_intercept(out)
    with pytest.raises(ValueError, match="already has an 'intercept' column"):
        add_intercept(lazy)


def test_add_intercept_refuses_1d():
    with pytest.raises(ValueError, match="needs 2-D X"):
        add_intercept(np.ones(3))
    with pytest.raises(ValueError, match="needs 2-D X"):
        add_intercept(pd.Series([1.0, 2.0]))


def test_add_intercept_design_matrix_fits_the_intercept():
    # a model without intercept on the augmented matrix is the model with one
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(200, 3))
    y = Xr @ np.array([1.0, -2.0, 0.5]) + 4.0 + 0.1 * rng.normal(size=200)
    ref = LinearRegression(penalty=None).fit(Xr, y)
    aug = LinearRegression(penalty=None, fit_intercept=False).fit(
        add_intercept(da.from_array(Xr, chunks=50)), da.from_array(y, chunks=50)
    )
    assert aug.coef_[0] == pytest.approx(ref.intercept_, rel=1e-10)
    np.testing.assert_allclose(aug.coef_[1:], ref.coef_, rtol=1e-10)


def test_lr_prob_stack_matches_predict_proba():
    rng = np.random.default_rng(1)
    Xc = rng.normal(size=(120, 3))
    y = (Xc[:, 0] + 0.3 * rng.normal(size=120) > 0).astype(int)
    clf = LogisticRegression().fit(Xc, y)
    proba = clf.predict_proba(Xc)
    np.testing.assert_allclose(lr_prob_stack(proba[:, 1]), proba, rtol=1e-15, atol=1e-15)
    Xd = da.from_array(Xc, chunks=40)
    lazy = lr_prob_stack(clf.predict_proba(Xd)[:, 1])
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(lazy.compute(), proba, rtol=1e-15, atol=1e-15)
    series = dd.from_pandas(pd.Series(proba[:, 1]), npartitions=3)
    from_series = lr_prob_stack(series)
    assert isinstance(from_series, da.Array)
    np.testing.assert_allclose(from_series.compute(), proba, rtol=1e-15, atol=1e-15)
    with pytest.raises(ValueError, match="must be 1-D"):
        lr_prob_stack(proba)


@pytest.mark.parametrize(
    "func, ref", [(exp, np.exp), (absolute, np.abs), (sign, np.sign), (log1p, np.log1p)]
)
def test_elementwise_keep_the_kind(func, ref):
    A = np.abs(X) if func is log1p else X
    expected = ref(A)
    np.testing.assert_array_equal(func(A), expected)
    lazy = func(da.from_array(A, chunks=3))
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), expected)
    pdf = pd.DataFrame(A, columns=["a", "b"])
    frame = func(dd.from_pandas(pdf, npartitions=2))
    assert isinstance(frame, dd.DataFrame)
    pd.testing.assert_frame_equal(frame.compute(), pd.DataFrame(expected, columns=["a", "b"]))
