import dask.array as da
import numpy as np
import pytest
from sklearn.base import BaseEstimator

from dask_scale.utils import assert_estimator_equal


class _Fitted(BaseEstimator):
    def __init__(self, a=None, b=None, n=1):
        self.coef_ = a
        self.labels_ = b
        self.n_iter_ = n


def test_assert_estimator_equal_passes_and_fails():
    a = _Fitted(np.array([1.0, 2.0]), da.from_array(np.array([0, 1]), chunks=1), 3)
    b = _Fitted(np.array([1.0, 2.0 + 1e-12]), np.array([0, 1]), 3)
    assert_estimator_equal(a, b)
    c = _Fitted(np.array([1.0, 2.1]), np.array([0, 1]), 3)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, c)
    d = _Fitted(np.array([1.0, 2.0]), np.array([0, 1]), 4)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, d)
    assert_estimator_equal(a, d, exclude=["n_iter_"])
    e = _Fitted(np.array([1.0, 2.0]), np.array([1, 1]), 3)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, e)


# ---------------------------------------------------------------------------------------
# dask-ml's helpers (written from dask-ml's docstrings and scikit-learn's definitions)
# ---------------------------------------------------------------------------------------

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.preprocessing import StandardScaler as SkStandardScaler  # noqa: E402
from sklearn.preprocessing._data import _handle_zeros_in_scale as sk_handle_zeros  # noqa: E402
from sklearn.utils.extmath import row_norms as sk_row_norms  # noqa: E402
from sklearn.utils.extmath import svd_flip as sk_svd_flip  # noqa: E402

import dask_scale.utils as utils  # noqa: E402
from dask_scale.utils import (  # noqa: E402
    check_array,
    check_chunks,
    check_consistent_length,
    check_matching_blocks,
    check_random_state,
    copy_learned_attributes,
    draw_seed,
    handle_zeros_in_scale,
    row_norms,
    slice_columns,
    svd_flip,
)

RNG = np.random.default_rng(0)
XN = RNG.normal(size=(40, 5))


def _unknown(a):
    """``a`` with the same blocks but unknown row chunk sizes."""
    return a[da.ones(a.shape[0], chunks=a.chunks[0], dtype=bool)]


def _frame(X=XN, npartitions=4):
    return dd.from_pandas(pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])]),
                          npartitions=npartitions)


def test_public_names_are_dask_mls():
    for name in [
        "assert_estimator_equal", "check_array", "check_chunks", "check_matching_blocks",
        "check_random_state", "handle_zeros_in_scale", "row_norms", "slice_columns",
        "svd_flip", "check_consistent_length", "copy_learned_attributes", "draw_seed",
        "check_X_y", "flip_vector_signs", "is_frame_base",
    ]:
        assert name in utils.__all__ and callable(getattr(utils, name))
        assert getattr(utils, name).__doc__


# check_array ---------------------------------------------------------------------------


def test_check_array_numpy_is_sklearns():
    from sklearn.utils import check_array as sk_check_array

    got = check_array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(got, sk_check_array([[1, 2], [3, 4]]))
    assert got.dtype == np.int64  # dtype="numeric" by default, as scikit-learn's
    with pytest.raises(ValueError, match="NaN"):
        check_array(np.array([[np.nan, 1.0]]))
    assert check_array(np.array([[np.nan, 1.0]]), ensure_all_finite="allow-nan").shape == (1, 2)
    with pytest.raises(TypeError, match="(?i)sparse"):
        check_array(sp.csr_matrix(XN))
    assert sp.issparse(check_array(sp.csr_matrix(XN), "csr"))  # accept_sparse positionally
    assert sp.issparse(check_array(sp.csr_matrix(XN), accept_sparse=True))
    with pytest.warns(FutureWarning, match="ensure_all_finite"):
        check_array(np.array([[np.nan]]), force_all_finite=False)


def test_check_array_pandas():
    pdf = pd.DataFrame(XN[:, :2], columns=["a", "b"])
    assert isinstance(check_array(pdf), np.ndarray)
    assert check_array(pdf, preserve_pandas_dataframe=True) is pdf
    bad = pdf.assign(a=[np.nan] + [0.0] * 39)
    with pytest.raises(ValueError, match="NaN"):
        check_array(bad, preserve_pandas_dataframe=True)


def test_check_array_dask_array_is_lazy_and_checked_per_block():
    Xd = da.from_array(XN, chunks=(10, 5))
    out = check_array(Xd)
    assert isinstance(out, da.Array) and out.chunks == Xd.chunks
    np.testing.assert_array_equal(out.compute(), XN)
    # metadata checks raise at once, with scikit-learn's messages
    with pytest.raises(ValueError, match="Expected a 2D array"):
        check_array(Xd[:, 0])
    assert check_array(Xd[:, 0], ensure_2d=False).ndim == 1
    with pytest.raises(ValueError, match="minimum of 6 is required"):
        check_array(Xd, ensure_min_features=6)
    with pytest.raises(ValueError, match="numeric data is required"):
        check_array(da.from_array(np.array([["a"], ["b"]], dtype=object), chunks=1))
    assert check_array(Xd.astype(np.float32), dtype=np.float64).dtype == np.float64
    # values: checked when a block is computed, no pass forced by the call
    Xn = XN.copy()
    Xn[25, 1] = np.nan
    lazy = check_array(da.from_array(Xn, chunks=10))
    with pytest.raises(ValueError, match="NaN"):
        lazy.compute()
    np.testing.assert_array_equal(
        check_array(da.from_array(Xn, chunks=10), ensure_all_finite="allow-nan").compute(), Xn
    )
    with pytest.raises(ValueError, match="Negative values"):
        check_array(Xd, ensure_non_negative=True).compute()
    with pytest.raises(TypeError, match="no effect on dask input"):
        check_array(Xd, order="F")


def test_check_array_dask_array_options():
    Xd = da.from_array(XN, chunks=(10, 5))
    with pytest.raises(TypeError):
        check_array(Xd, accept_dask_array=False)
    # unknown chunk sizes: refused by default with dask-ml's message, else kept
    Xu = _unknown(Xd)
    with pytest.raises(TypeError, match="Cannot operate on Dask array with unknown chunk sizes"):
        check_array(Xu)
    out = check_array(Xu, accept_unknown_chunks=True)
    assert np.isnan(out.shape[0])
    np.testing.assert_array_equal(out.compute(), XN)
    # column blocks: refused by default (dask-ml's message), merged when accepted
    Xc = da.from_array(XN, chunks=(10, 2))
    with pytest.raises(TypeError, match="Chunking is only allowed on the first axis"):
        check_array(Xc)
    out = check_array(Xc, accept_multiple_blocks=True)
    assert out.chunks == ((10,) * 4, (5,))
    np.testing.assert_array_equal(out.compute(), XN)
    # zero-length row blocks dropped (known sizes)
    Xz = da.from_array(XN, chunks=((10, 0, 30), (5,)))
    assert check_array(Xz).chunks[0] == (10, 30)
    assert check_array(Xz, remove_zero_chunks=False).chunks[0] == (10, 0, 30)


def test_check_array_dask_dataframe():
    ddf = _frame()
    with pytest.raises(TypeError, match="does not support dask dataframes"):
        check_array(ddf)
    out = check_array(ddf, accept_dask_dataframe=True)
    assert isinstance(out, dd.DataFrame)
    pd.testing.assert_frame_equal(out.compute(), ddf.compute())
    with pytest.raises(ValueError, match="non-numeric"):
        check_array(ddf.assign(s="x"), accept_dask_dataframe=True)
    with pytest.raises(ValueError, match="2D"):
        check_array(ddf["c0"], accept_dask_dataframe=True)
    pdf = ddf.compute()
    pdf.iloc[3, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        check_array(dd.from_pandas(pdf, npartitions=2), accept_dask_dataframe=True).compute()


# check_chunks --------------------------------------------------------------------------


def test_check_chunks_as_dask_ml_documents(monkeypatch):
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert check_chunks(1000, 3) == (250, 3)  # one block per core
    assert check_chunks(100, 3) == (100, 3)  # at least 100 rows a block
    assert check_chunks(1000, 3, 2) == (500, 3)  # an int is a number of blocks
    assert check_chunks(1000, 3, 20) == (100, 3)
    assert check_chunks(1000, 3, [50, 3]) == (50, 3)
    with pytest.raises(ValueError, match="2-tuple"):
        check_chunks(1000, 3, (1, 2, 3))
    with pytest.raises(ValueError, match="Unknown type of chunks"):
        check_chunks(1000, 3, 1.5)
    with pytest.raises(ValueError, match="number of blocks"):
        check_chunks(1000, 3, 0)
    X = da.ones((1000, 3), chunks=check_chunks(1000, 3))
    assert X.numblocks == (4, 1)


# check_consistent_length / check_matching_blocks ------------------------------------------


def test_check_consistent_length():
    check_consistent_length(XN, XN[:, 0], None, list(range(40)))
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[40, 39\]"):
        check_consistent_length(XN, XN[:-1])
    Xd = da.from_array(XN, chunks=10)
    check_consistent_length(Xd, XN[:, 0])
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[40, 39\]"):
        check_consistent_length(Xd, da.from_array(XN[:-1], chunks=10))
    # unknown lengths are not read: only the known ones are compared
    with dask.config.set(scheduler=_no_compute):
        check_consistent_length(_unknown(Xd), _frame(XN[:-1]), XN)
        with pytest.raises(ValueError, match="inconsistent"):
            check_consistent_length(_unknown(Xd), XN, XN[:-1])


def _no_compute(*args, **kwargs):
    raise AssertionError("computed")


def test_check_matching_blocks():
    a = da.ones((40, 3), chunks=10)
    b = da.ones(40, chunks=10)
    check_matching_blocks()
    check_matching_blocks(a)
    check_matching_blocks(a, b)  # rows alike: the column blocks do not matter
    with pytest.raises(ValueError, match="Mismatched chunks"):
        check_matching_blocks(a, da.ones(40, chunks=20))
    check_matching_blocks(_unknown(a), _unknown(b))
    with pytest.raises(ValueError, match="Mismatched chunks"):
        check_matching_blocks(_unknown(a), b)
    df = _frame()
    check_matching_blocks(df, df["c0"])
    with pytest.raises(ValueError, match="Mismatched divisions"):
        check_matching_blocks(df, _frame(npartitions=2))
    with pytest.raises(ValueError, match="Unexpected types"):
        check_matching_blocks(a, df)
    with pytest.raises(ValueError, match="Unexpected types"):
        check_matching_blocks(a, np.ones(40))


# slice_columns ------------------------------------------------------------------------


def test_slice_columns():
    df = _frame()
    pd.testing.assert_frame_equal(slice_columns(df, ["c1", "c3"]).compute(),
                                  df.compute()[["c1", "c3"]])
    assert list(slice_columns(df, None).columns) == list(df.columns)
    pdf = df.compute()
    pd.testing.assert_frame_equal(slice_columns(pdf, ["c0"]), pdf[["c0"]])
    np.testing.assert_array_equal(slice_columns(XN, [0, 2]), XN[:, [0, 2]])
    Xd = da.from_array(XN, chunks=10)
    assert slice_columns(Xd, None) is Xd
    np.testing.assert_array_equal(slice_columns(Xd, [4, 1]).compute(), XN[:, [4, 1]])
    with pytest.raises(TypeError, match="integer positions"):
        slice_columns(XN, ["a"])


# handle_zeros_in_scale ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_handle_zeros_in_scale_is_sklearns(dtype):
    scale = np.array([0.0, 1e-20, -1.0, 2.0, 1e-3], dtype=dtype)
    expected = sk_handle_zeros(scale, copy=True)
    got = handle_zeros_in_scale(scale)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == dtype and scale[0] == 0  # a copy by default
    lazy = handle_zeros_in_scale(da.from_array(scale, chunks=2))
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), expected)
    s = pd.Series(scale, index=list("abcde"))
    pd.testing.assert_series_equal(handle_zeros_in_scale(s), pd.Series(expected, index=s.index))
    ds = dd.from_pandas(s, npartitions=2)
    pd.testing.assert_series_equal(handle_zeros_in_scale(ds).compute(),
                                   pd.Series(expected, index=s.index), check_index_type=False)
    mask = np.array([False, False, False, True, False])
    np.testing.assert_array_equal(
        handle_zeros_in_scale(scale, constant_mask=mask),
        sk_handle_zeros(scale, constant_mask=mask),
    )
    inplace = scale.copy()
    assert handle_zeros_in_scale(inplace, copy=False) is inplace and inplace[0] == 1


def test_handle_zeros_in_scale_scalars_and_ints():
    assert handle_zeros_in_scale(0.0) == 1.0 == sk_handle_zeros(0.0)
    assert handle_zeros_in_scale(3.0) == 3.0
    np.testing.assert_array_equal(handle_zeros_in_scale(np.array([0, 2])), [1, 2])


def test_scalers_use_handle_zeros_in_scale():
    from dask_scale.preprocessing import StandardScaler

    X = np.column_stack([np.ones(20), np.arange(20.0)])
    ours = StandardScaler().fit(da.from_array(X, chunks=5))
    np.testing.assert_allclose(ours.scale_, SkStandardScaler().fit(X).scale_)
    assert ours.scale_[0] == 1.0


# row_norms ---------------------------------------------------------------------------


@pytest.mark.parametrize("squared", [False, True])
def test_row_norms_is_sklearns(squared):
    expected = sk_row_norms(XN, squared=squared)
    np.testing.assert_allclose(row_norms(XN, squared=squared), expected, rtol=1e-15)
    np.testing.assert_allclose(row_norms(sp.csr_matrix(XN), squared=squared), expected)
    Xd = da.from_array(XN, chunks=(7, 2))
    out = row_norms(Xd, squared=squared)
    assert isinstance(out, da.Array) and out.chunks == ((7, 7, 7, 7, 7, 5),)
    np.testing.assert_allclose(out.compute(), expected, rtol=1e-15)
    unknown = row_norms(_unknown(da.from_array(XN, chunks=10)), squared=squared)
    assert np.isnan(unknown.shape[0])
    np.testing.assert_allclose(unknown.compute(), expected, rtol=1e-15)
    df = _frame()
    got = row_norms(df, squared=squared)
    assert isinstance(got, dd.Series) and got.npartitions == df.npartitions
    pd.testing.assert_index_equal(got.compute().index, df.compute().index)
    np.testing.assert_allclose(got.compute().to_numpy(), expected, rtol=1e-15)


def test_row_norms_dtype_follows_sklearn():
    X32 = XN.astype(np.float32)
    assert row_norms(da.from_array(X32, chunks=10)).dtype == sk_row_norms(X32).dtype
    assert row_norms(da.from_array(X32, chunks=10)).compute().dtype == np.float32
    with pytest.raises(ValueError, match="non-numeric"):
        row_norms(_frame().assign(s="x"))


# svd_flip -----------------------------------------------------------------------------


def _svd(X):
    return np.linalg.svd(X, full_matrices=False)


@pytest.mark.parametrize("u_based", [True, False])
def test_svd_flip_numpy_is_sklearns(u_based):
    u, _, v = _svd(XN)
    expected = sk_svd_flip(u.copy(), v.copy(), u_based_decision=u_based)
    u0, v0 = u.copy(), v.copy()
    got = svd_flip(u, v, u_based_decision=u_based)
    for g, e in zip(got, expected, strict=True):
        assert isinstance(g, np.ndarray)
        np.testing.assert_array_equal(g, e)
    np.testing.assert_array_equal(u, u0)  # inputs untouched
    np.testing.assert_array_equal(v, v0)


@pytest.mark.parametrize("u_based", [True, False])
def test_svd_flip_dask_is_lazy_and_sklearns(u_based):
    u, _, v = _svd(XN)
    # flip some signs so that the correction has work to do
    u[:, 1] *= -1
    v[1] *= -1
    expected = sk_svd_flip(u.copy(), v.copy(), u_based_decision=u_based)
    ud = da.from_array(u, chunks=(7, 5))
    vd = da.from_array(v, chunks=(2, 5))
    gu, gv = svd_flip(ud, vd, u_based_decision=u_based)
    assert isinstance(gu, da.Array) and isinstance(gv, da.Array)
    assert gu.chunks == ud.chunks
    np.testing.assert_array_equal(gu.compute(), expected[0])
    np.testing.assert_array_equal(gv.compute(), expected[1])
    # mixed: the basis dask, the other NumPy; and unknown chunk sizes
    if u_based:
        gu, gv = svd_flip(_unknown(da.from_array(u, chunks=10)), v)
    else:
        gu, gv = svd_flip(u, da.from_array(v, chunks=(5, 2)), u_based_decision=False)
    np.testing.assert_array_equal(gu.compute(), expected[0])
    np.testing.assert_array_equal(gv.compute(), expected[1])


def test_svd_flip_ties_take_the_first_entry_as_sklearn():
    # the largest magnitude appears twice per column with opposite signs, in different blocks
    u = np.array([[1.0, -2.0], [0.5, 0.0], [-1.0, 2.0], [0.1, 1.0]])
    v = np.eye(2)
    expected = sk_svd_flip(u.copy(), v.copy())
    got = svd_flip(da.from_array(u, chunks=1), v)
    np.testing.assert_array_equal(got[0].compute(), expected[0])
    np.testing.assert_array_equal(got[1].compute(), expected[1])


def test_svd_flip_none_and_errors():
    u, _, v = _svd(XN)
    gu, gv = svd_flip(u, None)
    assert gv is None
    np.testing.assert_array_equal(gu, sk_svd_flip(u.copy(), None)[0])
    with pytest.raises(ValueError, match="None"):
        svd_flip(None, v)
    gu, gv = svd_flip(None, v, u_based_decision=False)
    assert gu is None


def test_svd_flip_of_dask_svd_matches_sklearn():
    Xc = XN - XN.mean(axis=0)
    u, s, v = da.linalg.svd(da.from_array(Xc, chunks=(10, 5)))
    # signs of dask's SVD and NumPy's differ; after the flip they agree
    nu, _, nv = _svd(Xc)
    ref_u, ref_v = sk_svd_flip(nu.copy(), nv.copy())
    gu, gv = svd_flip(u, v)
    np.testing.assert_allclose(gu.compute(), ref_u, atol=1e-10)
    np.testing.assert_allclose(gv.compute(), ref_v, atol=1e-10)
    # scikit-learn's PCA orients its components by the rows of v
    from sklearn.decomposition import PCA

    _, gv = svd_flip(u, v, u_based_decision=False)
    np.testing.assert_allclose(gv.compute(), PCA(svd_solver="full").fit(XN).components_,
                               atol=1e-10)


# random states -----------------------------------------------------------------------


def test_check_random_state():
    state = check_random_state(0)
    assert isinstance(state, da.random.RandomState)
    first = state.random_sample(5, chunks=2).compute()
    np.testing.assert_array_equal(first, check_random_state(0).random_sample(5, chunks=2).compute())
    assert check_random_state(state) is state
    assert isinstance(check_random_state(None), da.random.RandomState)
    # a NumPy state seeds the dask one: reproducible from that state, and it advances it
    a = check_random_state(np.random.RandomState(3)).randint(100, size=4).compute()
    b = check_random_state(np.random.RandomState(3)).randint(100, size=4).compute()
    np.testing.assert_array_equal(a, b)
    rs = np.random.RandomState(3)
    check_random_state(rs)
    assert rs.randint(2**31) != np.random.RandomState(3).randint(2**31)
    g = check_random_state(np.random.default_rng(1)).randint(100, size=4).compute()
    np.testing.assert_array_equal(g, check_random_state(np.random.default_rng(1)).randint(
        100, size=4).compute())
    with pytest.raises(TypeError, match="Unexpected type"):
        check_random_state("0")
    with pytest.raises(ValueError):
        check_random_state(-1)


def test_draw_seed():
    seed = draw_seed(np.random.RandomState(0), 10)
    assert 0 <= seed < 10 and seed == np.random.RandomState(0).randint(10)
    assert draw_seed(np.random.default_rng(0), 5, 10) == np.random.default_rng(0).integers(5, 10)
    out = draw_seed(np.random.RandomState(0), 0, 100, size=6, dtype=np.int32)
    assert out.dtype == np.int32 and out.shape == (6,)
    lazy = draw_seed(check_random_state(0), 0, 100, size=6, chunks=3, dtype="i4")
    assert isinstance(lazy, da.Array) and lazy.chunks == ((3, 3),) and lazy.dtype == np.int32
    np.testing.assert_array_equal(
        lazy.compute(), draw_seed(check_random_state(0), 0, 100, size=6, chunks=3, dtype="i4")
    )
    with pytest.raises(TypeError, match="chunks"):
        draw_seed(np.random.RandomState(0), 10, size=4, chunks=2)
    with pytest.raises(TypeError):
        draw_seed(0, 10)


# estimators --------------------------------------------------------------------------


def test_copy_learned_attributes():
    src = SkStandardScaler().fit(XN)
    dst = SkStandardScaler()
    copy_learned_attributes(src, dst)
    np.testing.assert_array_equal(dst.mean_, src.mean_)
    assert dst.n_features_in_ == 5
    np.testing.assert_array_equal(dst.transform(XN), src.transform(XN))
    assert "with_mean" in vars(dst) and dst.with_mean is True


def test_assert_estimator_equal_dask_ml_signature_and_containers():
    a = _Fitted(np.array([1.0]), [np.array([1, 2]), pd.Index(["x"])], 3)
    b = _Fitted(np.array([1.0]), [np.array([1, 2]), pd.Index(["x"])], 4)
    assert_estimator_equal(a, b, "n_iter_")  # exclude: positional, a str (dask-ml's)
    with pytest.raises(AssertionError, match="n_iter_"):
        assert_estimator_equal(a, b)
    c = _Fitted(np.array([1.0]), [np.array([1, 3]), pd.Index(["x"])], 3)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, c, exclude="n_iter_")
    d = _Fitted(np.array([1.0 + 1e-3]), {"k": np.array([1.0])}, 3)
    e = _Fitted(np.array([1.0]), {"k": np.array([1.0])}, 3)
    assert_estimator_equal(d, e, atol=1e-2)
    with pytest.raises(AssertionError):
        assert_estimator_equal(d, e)
    f = _Fitted(np.array([1.0]), pd.Series([1.0, 2.0]), 3)
    g = _Fitted(np.array([1.0]), dd.from_pandas(pd.Series([1.0, 2.0]), npartitions=1), 3)
    assert_estimator_equal(f, g)


def test_assert_estimator_equal_compares_nested_fitted_estimators():
    # a wrapper's estimator_ is compared by its own fitted attributes, not only its class
    from sklearn.linear_model import LinearRegression as SkLinear

    from dask_scale.wrappers import ParallelPostFit

    X = np.random.default_rng(0).normal(size=(50, 2))
    a = ParallelPostFit(SkLinear()).fit(X, X[:, 0])
    same = ParallelPostFit(SkLinear()).fit(X, X[:, 0])
    other = ParallelPostFit(SkLinear()).fit(X, -3 * X[:, 1])
    assert_estimator_equal(a, same)
    with pytest.raises(AssertionError, match=r"(?s)estimator_: .*coef_"):
        assert_estimator_equal(a, other)

# check_X_y, is_frame_base, flip_vector_signs (public in dask_ml.utils) --------------------


def test_check_X_y_in_memory_is_sklearns():
    import warnings

    import pandas as pd
    from sklearn.exceptions import DataConversionWarning
    from sklearn.utils import check_X_y as sk_check_X_y

    X = np.arange(12.0).reshape(6, 2)
    y = np.arange(6)
    for args in [(X, y), (pd.DataFrame(X), pd.Series(y)), (X.tolist(), y.tolist())]:
        ours = utils.check_X_y(*args)
        ref = sk_check_X_y(*args)
        for a, b in zip(ours, ref, strict=True):
            assert type(a) is type(b)
            np.testing.assert_array_equal(a, b)
    with pytest.warns(DataConversionWarning):
        assert utils.check_X_y(X, y[:, None])[1].shape == (6,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert utils.check_X_y(X, np.c_[y, y], multi_output=True)[1].shape == (6, 2)
    assert utils.check_X_y(X, y.astype(object), y_numeric=True)[1].dtype == np.float64
    with pytest.raises(ValueError, match="requires y to be passed"):
        utils.check_X_y(X, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        utils.check_X_y(X, y[:5])
    with pytest.raises(ValueError, match="y"):
        utils.check_X_y(X, np.where(y == 2, np.nan, y))


def test_check_X_y_dask_is_lazy_and_checked_per_block():
    import dask.dataframe as dd
    import pandas as pd

    X = np.arange(12.0).reshape(6, 2)
    y = np.arange(6.0)
    dX, dy = da.from_array(X, chunks=(3, 2)), da.from_array(y, chunks=3)
    Xc, yc = utils.check_X_y(dX, dy)
    assert isinstance(Xc, da.Array) and isinstance(yc, da.Array)
    np.testing.assert_array_equal(yc.compute(), y)
    np.testing.assert_array_equal(Xc.compute(), X)
    # a column vector is raveled; NaN in y raises when that block is computed
    assert utils.check_X_y(dX, dy[:, None])[1].shape == (6,)
    _, bad = utils.check_X_y(dX, da.from_array(np.where(y == 4, np.nan, y), chunks=3))
    bad[:3].compute()  # the first block is clean
    with pytest.raises(ValueError, match="NaN"):
        bad.compute()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        utils.check_X_y(dX, dy[:5])
    with pytest.raises(ValueError, match="requires y to be passed"):
        utils.check_X_y(dX, None)
    # dask-ml's chunking rules apply to X
    with pytest.raises(TypeError, match="Chunking is only allowed on the first axis"):
        utils.check_X_y(da.from_array(X, chunks=(3, 1)), dy)
    # dask DataFrames: refused unless accepted, then returned as they are
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b"]).assign(t=y), npartitions=2)
    with pytest.raises(TypeError, match="does not support dask dataframes"):
        utils.check_X_y(frame[["a", "b"]], frame["t"])
    Xf, yf = utils.check_X_y(frame[["a", "b"]], frame["t"], accept_dask_dataframe=True)
    assert isinstance(Xf, dd.DataFrame) and isinstance(yf, dd.Series)
    np.testing.assert_array_equal(yf.compute().to_numpy(), y)
    # several targets
    Y = da.from_array(np.c_[y, y], chunks=(3, 1))
    assert utils.check_X_y(dX, Y, multi_output=True)[1].shape == (6, 2)


def test_is_frame_base_is_true_for_dask_frames_only():
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, 2.0]})
    dframe = dd.from_pandas(frame, npartitions=1)
    assert utils.is_frame_base(dframe)
    assert utils.is_frame_base(dframe["a"])
    for other in (frame, frame["a"], np.ones(2), da.ones(2), [1, 2], None):
        assert not utils.is_frame_base(other)


@pytest.mark.parametrize("axis", [0, 1])
def test_flip_vector_signs_makes_vectors_equal_up_to_sign(axis):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 4))
    signs = rng.choice([-1.0, 1.0], size=4 if axis == 0 else 7)
    flipped = x * (signs[np.newaxis, :] if axis == 0 else signs[:, np.newaxis])
    a, b = utils.flip_vector_signs(x, axis), utils.flip_vector_signs(flipped, axis)
    np.testing.assert_array_equal(a, b)
    # each vector's largest-magnitude entry is positive afterwards, and |x| is unchanged
    vectors = a if axis == 0 else a.T
    assert (vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])] > 0).all()
    np.testing.assert_array_equal(np.abs(a), np.abs(x))
    # the rule of svd_flip (first entry on ties), lazily for dask
    u_flip, _ = utils.svd_flip(x if axis == 0 else x.T, None)
    np.testing.assert_array_equal(a, u_flip if axis == 0 else u_flip.T)
    lazy = utils.flip_vector_signs(da.from_array(flipped, chunks=(3, 2)), axis)
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), a)
    with pytest.raises(ValueError, match="axis"):
        utils.flip_vector_signs(x, 2)


def test_check_array_dask_frame_applies_or_refuses_every_keyword():
    # a keyword is applied (dtype) or refused, never dropped silently
    from dask_scale.utils import check_array

    pdf = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    df = dd.from_pandas(pdf, npartitions=2)
    out = check_array(df, accept_dask_dataframe=True, dtype=np.float32)
    assert list(out.dtypes) == [np.float32, np.float32]
    assert list(out.compute().dtypes) == [np.float32, np.float32]
    kept = check_array(df, accept_dask_dataframe=True, dtype=[np.int64, np.float64])
    assert list(kept.dtypes) == list(pdf.dtypes)
    with pytest.raises(TypeError, match="ensure_min_samples"):
        check_array(df, accept_dask_dataframe=True, ensure_min_samples=10)
    with pytest.raises(TypeError, match="order"):
        check_array(df, accept_dask_dataframe=True, order="F")
    with pytest.raises(TypeError, match="unexpected keyword"):
        check_array(df, accept_dask_dataframe=True, no_such_option=1)
    check_array(df, accept_dask_dataframe=True, copy=True, estimator="E")  # no effect needed
