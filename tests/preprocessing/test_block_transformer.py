"""BlockTransformer: keyword arguments of func (kw_args= and dask-ml's **kwargs), clone-safe,
stateless (transform without fit), every container."""

import pickle

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from dask_scale.preprocessing import BlockTransformer


def _scale(block, factor=1.0):
    return block * factor


def test_kw_args_survive_clone_and_pickle():
    est = BlockTransformer(_scale, kw_args={"factor": 3.0})
    assert est.get_params()["kw_args"] == {"factor": 3.0}
    copy = clone(est)
    assert copy.kw_args == {"factor": 3.0} and copy.func is _scale
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(copy.fit_transform(X), X * 3)
    again = pickle.loads(pickle.dumps(copy))
    np.testing.assert_array_equal(again.transform(X), X * 3)


def test_containers():
    X = np.arange(12.0).reshape(6, 2)
    est = BlockTransformer(_scale, kw_args={"factor": 2.0})
    out = est.fit(da.from_array(X, chunks=2)).transform(da.from_array(X, chunks=2))
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(out.compute(), X * 2)
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=2)
    out = est.fit(frame).transform(frame)
    assert isinstance(out, dd.DataFrame) and list(out.columns) == ["a", "b"]
    np.testing.assert_array_equal(out.compute().to_numpy(), X * 2)
    # validate=True checks and converts to a float array first
    out = BlockTransformer(np.log1p, validate=True).fit(frame).transform(frame)
    assert isinstance(out, da.Array)
    np.testing.assert_allclose(out.compute(), np.log1p(X))
    with pytest.raises(ValueError, match="non-numeric"):
        BlockTransformer(validate=True).fit(
            dd.from_pandas(pd.DataFrame({"s": ["a", "b"]}), npartitions=1)
        )


def _row_normalise(block):
    return block / block.sum(axis=1, keepdims=True)


def _row_sums(block):
    return block.sum(axis=1, keepdims=True)


def _row_norms(block):
    return np.sqrt((block**2).sum(axis=1))


@pytest.mark.parametrize("validate", [False, True])
def test_row_wise_functions_see_whole_rows_whatever_the_column_chunks(validate):
    X = np.arange(1.0, 25.0).reshape(8, 3)
    Xd = da.from_array(X, chunks=(3, 1))  # three column blocks
    for func in (_row_normalise, _row_sums, _row_norms):
        out = BlockTransformer(func, validate=validate).fit(Xd).transform(Xd)
        expected = func(X)
        assert out.shape == expected.shape  # known before compute, not guessed from the input
        got = out.compute()
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-15)


def _boom(block):
    raise RuntimeError("boom in func")


@pytest.mark.parametrize("container", ["dask", "frame"])
def test_a_func_that_drops_rows_raises(container):
    X = np.arange(200.0).reshape(100, 2)
    Xd = (
        da.from_array(X, chunks=10)
        if container == "dask"
        else dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=4)
    )
    out = BlockTransformer(lambda b: b[:5]).fit_transform(Xd)
    with pytest.raises(ValueError, match=r"5 rows for a block of \d+ rows.*must keep the rows"):
        out.compute()


def test_a_dtype_that_contradicts_the_lazy_one_raises():
    X = da.from_array(np.arange(200.0).reshape(100, 2), chunks=10)
    # float on an empty block (what the lazy result promises), int on real blocks
    func = lambda b: b.astype(np.int64) if len(b) else b  # noqa: E731
    out = BlockTransformer(func).fit_transform(X)
    assert out.dtype == np.float64
    with pytest.raises(ValueError, match="dtype int64.*dtype float64 was expected"):
        out.compute()


@pytest.mark.parametrize("container", ["dask", "frame"])
def test_the_error_of_func_is_the_one_users_see(container):
    # not dask's advice to pass a `dtype` keyword, which BlockTransformer does not have
    X = np.ones((20, 2))
    Xd = (
        da.from_array(X, chunks=10)
        if container == "dask"
        else dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=2)
    )
    out = BlockTransformer(_boom).fit_transform(Xd)
    with pytest.raises(RuntimeError, match="^boom in func$"):
        out.compute()


# -- dask-ml's BlockTransformer(func, *, validate=False, **kw_args) -------------------------


def _affine(block, *, scale, shift=0.0):
    return block * scale + shift


def _kinds(X):
    """X as NumPy, dask array (known and unknown chunks) and dask DataFrame, same rows."""
    Xd = da.from_array(X, chunks=3)
    unknown = Xd[da.isfinite(Xd[:, 0])]
    assert np.isnan(unknown.shape[0])
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]), npartitions=3)
    return {"numpy": X, "dask_array": Xd, "unknown_chunks": unknown, "dask_frame": frame}


@pytest.mark.parametrize("kind", ["numpy", "dask_array", "unknown_chunks", "dask_frame"])
def test_extra_keywords_go_to_func_and_transform_needs_no_fit(kind):
    X = np.linspace(-2.0, 3.0, 20).reshape(10, 2)
    Xk = _kinds(X)[kind]
    clip = BlockTransformer(np.clip, a_min=-1.0, a_max=2.0)  # never fitted
    affine = BlockTransformer(_affine, scale=3.0, shift=1.0)
    both = BlockTransformer(_affine, kw_args={"scale": 2.0}, shift=-1.0)  # one path, merged
    for est, expected in (
        (clip, np.clip(X, -1.0, 2.0)),
        (affine, X * 3.0 + 1.0),
        (both, X * 2.0 - 1.0),
    ):
        out = est.transform(Xk)
        assert type(out).__module__.startswith("dask") == (kind != "numpy")
        (got,) = dask.compute(out)
        if kind == "dask_frame":
            assert list(got.columns) == ["a", "b"]
            got = got.to_numpy()
        np.testing.assert_array_equal(got, expected)
        assert not hasattr(est, "n_features_in_")  # transform records nothing
    # validate=True converts a frame to a float array first, fitted or not
    out = BlockTransformer(np.clip, validate=True, a_min=0.0, a_max=1.0).transform(Xk)
    (got,) = dask.compute(out)
    np.testing.assert_array_equal(np.asarray(got), np.clip(X, 0.0, 1.0))


def test_extra_keywords_are_parameters_clone_set_params_pickle():
    est = BlockTransformer(np.clip, a_min=0.0, a_max=1.0)
    assert est.get_params() == {
        "func": np.clip, "validate": False, "kw_args": None, "a_min": 0.0, "a_max": 1.0
    }
    assert "a_max=1.0" in repr(est) and "a_min=0.0" in repr(est)
    X = np.linspace(-2.0, 3.0, 12).reshape(6, 2)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    np.testing.assert_array_equal(copy.transform(X), np.clip(X, 0.0, 1.0))
    # set_params changes an extra keyword, adds a new one, and still sets the named ones
    copy.set_params(a_max=2.0, validate=True)
    np.testing.assert_array_equal(copy.transform(X), np.clip(X, 0.0, 2.0))
    assert est.get_params()["a_max"] == 1.0  # the original is untouched
    scaled = BlockTransformer(_affine, scale=2.0).set_params(shift=5.0)
    assert scaled.get_params()["shift"] == 5.0
    np.testing.assert_array_equal(scaled.transform(X), X * 2.0 + 5.0)
    for back in (pickle.loads(pickle.dumps(copy)), clone(copy)):
        assert back.get_params() == copy.get_params()
        np.testing.assert_array_equal(back.transform(X), np.clip(X, 0.0, 2.0))
    # a keyword of func is searchable like any parameter
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    search = GridSearchCV(
        make_pipeline(BlockTransformer(_affine, scale=1.0), LinearRegression()),
        {"blocktransformer__shift": [0.0, 1.0]},
        cv=2,
    ).fit(X, X[:, 0])
    assert search.best_estimator_[0].get_params()["shift"] in (0.0, 1.0)
    assert len(search.cv_results_["params"]) == 2


def test_a_keyword_given_twice_and_a_fitted_feature_check():
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match=r"\['scale'\].*both in kw_args and as keyword"):
        BlockTransformer(_affine, kw_args={"scale": 1.0}, scale=2.0).transform(X)
    with pytest.raises(ValueError, match="both in kw_args"):
        BlockTransformer(_affine, kw_args={"scale": 1.0}, scale=2.0).fit(X)
    fitted = BlockTransformer(_affine, scale=2.0).fit(X)
    assert fitted.n_features_in_ == 2
    with pytest.raises(ValueError, match="X has 1 features, but BlockTransformer is expecting 2"):
        fitted.transform(X[:, :1])
    # unfitted, any width is fine: it is stateless
    np.testing.assert_array_equal(BlockTransformer(_affine, scale=2.0).transform(X[:, :1]), X[:, :1] * 2)


@pytest.mark.parametrize("kind", ["numpy", "dask_array", "dask_frame"])
def test_validate_keeps_numeric_dtypes_as_function_transformer(kind):
    from sklearn.preprocessing import FunctionTransformer

    X = np.arange(12, dtype=np.int64).reshape(6, 2)
    Xk = _kinds(X)[kind]
    out = BlockTransformer(np.negative, validate=True).transform(Xk)
    (got,) = dask.compute(out)
    expected = FunctionTransformer(np.negative, validate=True).fit_transform(X)
    assert got.dtype == expected.dtype == np.int64
    np.testing.assert_array_equal(got, expected)
