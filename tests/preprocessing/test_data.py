"""StandardScaler, MinMaxScaler and RobustScaler against scikit-learn on the NumPy twin."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp
from hypothesis import given
from hypothesis import strategies as st

from dask_scale.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

CONTAINERS = ["numpy", "dask", "dask-frame"]


def _data(n=300, p=4, seed=0, nan=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * np.array([1.0, 10.0, 1e3, 1e-3])[:p] + np.array(
        [5.0, -2.0, 0.0, 1.0]
    )[:p]
    if nan:
        X[rng.random(X.shape) < 0.1] = np.nan
    return X


def _as(X, container, chunks=70):
    if container == "numpy":
        return X
    if container == "dask":
        return da.from_array(X, chunks=(chunks, X.shape[1]))
    frame = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
    return dd.from_pandas(frame, npartitions=max(1, X.shape[0] // chunks))


def _np(out):
    out = out.compute() if hasattr(out, "compute") else out
    return np.asarray(out)


def _assert_attrs(ours, ref, attrs, rtol):
    for attr in attrs:
        a, b = getattr(ours, attr), getattr(ref, attr)
        if b is None:
            assert a is None, attr
            continue
        np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                   rtol=rtol, atol=0, err_msg=attr)


# ------------------------------------------------------------------------- StandardScaler


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("with_mean,with_std", [(True, True), (False, True), (True, False),
                                                (False, False)])
def test_standard_scaler_matches_sklearn(container, with_mean, with_std):
    X = _data()
    ours = StandardScaler(with_mean=with_mean, with_std=with_std).fit(_as(X, container))
    ref = skp.StandardScaler(with_mean=with_mean, with_std=with_std).fit(X)
    # mergeable moments with shifted block means: within 1e-12 of scikit-learn's two-pass
    _assert_attrs(ours, ref, ["mean_", "var_", "scale_", "n_samples_seen_"], rtol=1e-12)
    out = ours.transform(_as(X, container))
    np.testing.assert_allclose(_np(out), ref.transform(X), rtol=1e-11, atol=1e-12)
    back = ours.inverse_transform(out)
    np.testing.assert_allclose(_np(back), X, rtol=1e-10, atol=1e-9)


def test_standard_scaler_without_nan_counts_are_an_int():
    X = _data(nan=False)
    ours = StandardScaler().fit(_as(X, "dask"))
    assert isinstance(ours.n_samples_seen_, (int, np.integer))
    assert ours.n_samples_seen_ == 300


@pytest.mark.parametrize("container", ["numpy", "dask"])
def test_standard_scaler_sample_weight(container):
    X = _data()
    w = np.random.default_rng(1).uniform(0, 3, size=X.shape[0])
    sw = w if container == "numpy" else da.from_array(w, chunks=70)
    ours = StandardScaler().fit(_as(X, container), sample_weight=sw)
    ref = skp.StandardScaler().fit(X, sample_weight=w)
    _assert_attrs(ours, ref, ["mean_", "var_", "scale_", "n_samples_seen_"], rtol=1e-12)


def test_standard_scaler_all_zero_weights_raise():
    X = _data(nan=False)
    with pytest.raises(ValueError, match="non-zero"):
        StandardScaler().fit(_as(X, "dask"), sample_weight=da.zeros(300, chunks=70))


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("weights", ["all-negative", "mixed-signs"])
def test_standard_scaler_negative_weights_as_sklearn(container, weights):
    # scikit-learn takes negative weights as they are; with all of them negative the
    # moments are those of the magnitudes (NaN before, across several blocks)
    X = _data()
    w = np.random.default_rng(2).uniform(0.1, 3, size=X.shape[0])
    w = -w if weights == "all-negative" else np.where(np.arange(X.shape[0]) < 60, -w, 2 * w)
    sw = w if container == "numpy" else da.from_array(w, chunks=70)
    ours = StandardScaler().fit(_as(X, container), sample_weight=sw)
    ref = skp.StandardScaler().fit(X, sample_weight=w)
    assert np.isfinite(ours.mean_).all()
    _assert_attrs(ours, ref, ["mean_", "var_", "scale_", "n_samples_seen_"], rtol=1e-10)


def test_standard_scaler_partial_fit_matches_sklearn():
    X = _data()
    ours, ref = StandardScaler(), skp.StandardScaler()
    for part in np.array_split(X, 3):
        ours.partial_fit(da.from_array(part, chunks=33))
        ref.partial_fit(part)
    _assert_attrs(ours, ref, ["mean_", "var_", "scale_", "n_samples_seen_"], rtol=1e-12)


def test_standard_scaler_is_accurate_for_a_large_mean():
    # mean 1e6, std 1e-3: the condition number of the variance is 1e18; block means merged
    # naively would lose 9 digits, the shifted merge keeps scikit-learn's accuracy
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 1)) * 1e-3 + 1e6
    ours = StandardScaler().fit(da.from_array(X, chunks=97))
    ref = skp.StandardScaler().fit(X)
    np.testing.assert_allclose(ours.var_, ref.var_, rtol=1e-12)


def test_standard_scaler_constant_and_all_nan_features():
    X = _data()
    X[:, 1] = 3.0
    X[:, 2] = np.nan
    with np.errstate(all="ignore"):
        ref = skp.StandardScaler().fit(X)
        ours = StandardScaler().fit(_as(X, "dask"))
    _assert_attrs(ours, ref, ["mean_", "var_", "scale_", "n_samples_seen_"], rtol=1e-12)
    assert ours.scale_[1] == 1.0
    out = _np(ours.transform(_as(X, "dask")))
    np.testing.assert_array_equal(out[:, 1], 0.0)
    assert np.isnan(out[:, 2]).all()


def test_standard_scaler_float32_stays_float32():
    X = _data(nan=False).astype(np.float32)
    out = StandardScaler().fit(_as(X, "dask")).transform(_as(X, "dask"))
    assert out.dtype == np.float32
    ref = skp.StandardScaler().fit(X).transform(X)
    np.testing.assert_allclose(_np(out), ref, rtol=1e-5, atol=1e-6)


def test_scalers_reject_non_numeric_columns_and_infinity():
    frame = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0], "s": ["a", "b"]}), npartitions=1)
    with pytest.raises(ValueError, match="non-numeric"):
        StandardScaler().fit(frame)
    X = _data(nan=False)
    X[5, 1] = np.inf
    for est in (StandardScaler(), MinMaxScaler(), RobustScaler()):
        with pytest.raises(ValueError, match="infinity"):
            est.fit(_as(X, "dask"))


def test_transform_keeps_the_frame_index_names_and_never_mutates_numpy():
    X = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=np.arange(300) * 2)
    dframe = dd.from_pandas(frame, npartitions=3)
    for est in (StandardScaler(), MinMaxScaler(), RobustScaler()):
        out = est.fit(dframe).transform(dframe)
        assert isinstance(out, dd.DataFrame)
        assert list(out.columns) == ["a", "b", "c", "d"]
        result = out.compute()
        pd.testing.assert_index_equal(result.index, frame.index)
        assert (result.dtypes == np.float64).all()
        copy = X.copy()
        type(est)().fit(X).transform(X)
        np.testing.assert_array_equal(X, copy)


# --------------------------------------------------------------------------- MinMaxScaler


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("feature_range,clip", [((0, 1), False), ((-2.0, 3.0), True)])
def test_minmax_scaler_matches_sklearn(container, feature_range, clip):
    X = _data()
    ours = MinMaxScaler(feature_range, clip=clip).fit(_as(X, container))
    ref = skp.MinMaxScaler(feature_range, clip=clip).fit(X)
    # minimum and maximum are exact
    _assert_attrs(ours, ref, ["data_min_", "data_max_", "data_range_", "scale_", "min_",
                              "n_samples_seen_"], rtol=0)
    Xt = _data(seed=5) * 1.5
    np.testing.assert_array_equal(_np(ours.transform(_as(Xt, container))), ref.transform(Xt))
    np.testing.assert_allclose(_np(ours.inverse_transform(ref.transform(Xt))),
                               ref.inverse_transform(ref.transform(Xt)), rtol=1e-15)


def test_minmax_scaler_partial_fit_and_errors():
    X = _data()
    ours, ref = MinMaxScaler(), skp.MinMaxScaler()
    for part in np.array_split(X, 4):
        ours.partial_fit(_as(part, "dask", chunks=20))
        ref.partial_fit(part)
    _assert_attrs(ours, ref, ["data_min_", "data_max_", "scale_", "min_", "n_samples_seen_"],
                  rtol=0)
    with pytest.raises(ValueError, match="smaller than maximum"):
        MinMaxScaler(feature_range=(2, 1)).fit(X)


def test_minmax_scaler_all_nan_feature():
    X = _data()
    X[:, 0] = np.nan
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        ref = skp.MinMaxScaler().fit(X)
    ours = MinMaxScaler().fit(_as(X, "dask"))
    assert np.isnan(ours.data_min_[0]) and np.isnan(ref.data_min_[0])
    _assert_attrs(ours, ref, ["data_min_", "data_max_", "scale_", "min_"], rtol=0)


# --------------------------------------------------------------------------- RobustScaler


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize(
    "params",
    [{}, {"quantile_range": (10.0, 90.0), "unit_variance": True}, {"with_centering": False},
     {"with_scaling": False}],
)
def test_robust_scaler_matches_sklearn(container, params):
    # 300 rows < the sketch size: the dask summary is exact, so the values are equal
    X = _data()
    ours = RobustScaler(**params).fit(_as(X, container))
    ref = skp.RobustScaler(**params).fit(X)
    _assert_attrs(ours, ref, ["center_", "scale_"], rtol=1e-15)
    np.testing.assert_allclose(_np(ours.transform(_as(X, container))), ref.transform(X),
                               rtol=1e-14, atol=1e-14)


def test_robust_scaler_sketch_accuracy_on_large_dask_input(monkeypatch):
    import dask_scale.preprocessing._robust as data_module

    monkeypatch.setattr(data_module, "ROBUST_SKETCH_SIZE", 64)
    X = np.random.default_rng(3).standard_exponential(size=(6000, 2))
    ours = RobustScaler().fit(da.from_array(X, chunks=(500, 2)))
    # 12 blocks -> 2 merge levels -> eps = 4 / 128 of the ranks
    eps = 4 / 128
    slack = eps + 1 / 6000
    for j in range(2):
        # the median is a value whose rank is within eps of the middle
        frac = np.mean(X[:, j] <= ours.center_[j])
        assert abs(frac - 0.5) <= slack
        # scale_ = q75 - q25, each within eps in rank: bounded by the exact quantiles
        def q(p, x=X[:, j]):
            return np.quantile(x, np.clip(p, 0, 1))

        assert q(0.75 - slack) - q(0.25 + slack) <= ours.scale_[j]
        assert ours.scale_[j] <= q(0.75 + slack) - q(0.25 - slack)
    with pytest.raises(ValueError, match="Invalid quantile range"):
        RobustScaler(quantile_range=(80.0, 20.0)).fit(X)


# ----------------------------------------------------------------------------- invariants


@given(
    chunks=st.lists(st.integers(1, 60), min_size=1, max_size=6),
    seed=st.integers(0, 10),
)
def test_chunking_does_not_change_scalers(chunks, seed):
    X = _data(n=sum(chunks), seed=seed)
    Xd = da.from_array(X, chunks=(tuple(chunks), 4))
    std = StandardScaler().fit(Xd)
    std_ref = StandardScaler().fit(X)
    _assert_attrs(std, std_ref, ["var_", "n_samples_seen_"], rtol=1e-12)
    # a mean near zero has no relative precision: compare it on the data's scale (a block
    # of one row merged with 27 others moved a mean of ~1e-2 by 4e-14 absolute)
    np.testing.assert_allclose(std.mean_, std_ref.mean_, rtol=1e-12,
                               atol=1e-12 * np.nanmax(np.abs(X)))
    mm = MinMaxScaler().fit(Xd)
    mm_ref = MinMaxScaler().fit(X)
    _assert_attrs(mm, mm_ref, ["data_min_", "data_max_"], rtol=0)


def test_pickle_round_trip_and_lazy_output():
    X = _data()
    Xd = _as(X, "dask")
    for est in (StandardScaler(), MinMaxScaler(), RobustScaler()):
        est.fit(Xd)
        clone = pickle.loads(pickle.dumps(est))
        out = clone.transform(Xd)
        assert isinstance(out, da.Array)
        np.testing.assert_array_equal(out.compute(), _np(est.transform(Xd)))


@pytest.mark.parametrize("container", ["dask", "dask-frame"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_standard_scaler_transform_is_bitwise_sklearns(container, dtype):
    # the fused per-block kernel subtracts then divides, in the input's precision, exactly
    # as scikit-learn does: given the same statistics the outputs are identical
    X = _data().astype(dtype)
    for with_mean, with_std in [(True, True), (False, True), (True, False)]:
        ref = skp.StandardScaler(with_mean=with_mean, with_std=with_std).fit(X)
        ours = StandardScaler(with_mean=with_mean, with_std=with_std).fit(_as(X, container))
        for attr in ("mean_", "var_", "scale_"):
            setattr(ours, attr, getattr(ref, attr))
        out = _np(ours.transform(_as(X, container)))
        expected = ref.transform(X)
        assert out.dtype == expected.dtype == dtype
        np.testing.assert_array_equal(out.view(f"u{out.itemsize}"),
                                      expected.view(f"u{out.itemsize}"))


# -- the lazy output is recorded as an affine map of the input (dask_scale._graph.affine) --
@pytest.mark.parametrize("container", ["dask", "dask-frame"])
@pytest.mark.parametrize(
    "scaler",
    [
        StandardScaler(),
        StandardScaler(with_mean=False),
        StandardScaler(with_std=False),
        StandardScaler(with_mean=False, with_std=False),
        MinMaxScaler(feature_range=(-1, 4)),
        RobustScaler(),
        RobustScaler(with_centering=False, unit_variance=True),
    ],
    ids=repr,
)
def test_lazy_output_is_recorded_as_its_affine_map(container, scaler):
    from dask_scale._graph import affine_source
    from dask_scale._validation import check_array

    X = _data(nan=False)
    X[:, 1] = 3.0  # a constant feature
    out = scaler.fit(_as(X, container)).transform(_as(X, container))
    # the array an estimator's validation makes of the output (a frame converted) knows it
    entry = affine_source(check_array(out))
    assert entry is not None
    np.testing.assert_array_equal(_np(entry.source), X)
    mapped = (X - entry.offset) * entry.factor
    # to the rounding of the transform's own arithmetic (x * scale_ + min_ cancels for MinMax)
    rounding = 1e-14 * np.abs(X * entry.factor).max(axis=0)
    assert (np.abs(mapped - _np(out)) <= rounding + 1e-14 * np.abs(mapped)).all()


def test_non_affine_or_in_memory_outputs_are_not_recorded():
    from dask_scale._graph import affine_source

    X = _data(nan=False)
    clipped = MinMaxScaler(clip=True).fit(X).transform(_as(X, "dask"))
    assert affine_source(clipped) is None
    scaler = StandardScaler().fit(X)
    assert affine_source(scaler.transform(X)) is None
    # an all-NaN feature has a NaN mean: the output's column is NaN, which folding would lose
    Xn = X.copy()
    Xn[:, 2] = np.nan
    out = StandardScaler().fit(_as(Xn, "dask")).transform(_as(X, "dask"))
    assert affine_source(out) is None
    assert np.isnan(_np(out)[:, 2]).all()


def test_recording_leaves_the_fitted_attributes_alone():
    scaler = StandardScaler().fit(_data(nan=False))
    scaler.transform(_as(_data(nan=False), "dask"))
    assert scaler.mean_.flags.writeable and scaler.scale_.flags.writeable


@pytest.mark.parametrize("cls", ["MinMaxScaler", "StandardScaler"])
@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_transform_copy_argument_as_dask_ml_documents(cls, method):
    # dask-ml: MinMaxScaler/StandardScaler.transform(X, copy=None) and inverse_transform
    ours = {"MinMaxScaler": MinMaxScaler, "StandardScaler": StandardScaler}[cls]
    X = _data(nan=False)
    est = ours().fit(X)
    ref = getattr(skp, cls)().fit(X)
    expected = getattr(est, method)(X.copy())
    # the fitted statistics agree with scikit-learn's to rounding (summed by blocks)
    np.testing.assert_allclose(expected, getattr(ref, method)(X.copy()), rtol=1e-9, atol=1e-12)
    # copy=True (and the default): the NumPy input is left as it is
    for kwargs in ({"copy": True}, {}):
        Xn = X.copy()
        out = getattr(est, method)(Xn, **kwargs)
        np.testing.assert_allclose(out, expected, rtol=1e-12)
        np.testing.assert_array_equal(Xn, X)
        assert not np.shares_memory(out, Xn)
    # copy=False: a float NumPy array is worked on in place, as scikit-learn does
    Xn = X.copy()
    out = getattr(est, method)(Xn, copy=False)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert np.shares_memory(out, Xn)
    # copy=None defers to the estimator's copy parameter
    Xn = X.copy()
    out = getattr(ours(copy=False).fit(X), method)(Xn, copy=None)
    assert np.shares_memory(out, Xn)
    # dask input is never modified, whatever copy says
    for container in ("dask", "dask-frame"):
        Xd = _as(X, container)
        before = Xd.compute()
        out = getattr(est, method)(Xd, copy=False)
        np.testing.assert_allclose(_np(out), expected, rtol=1e-12)
        np.testing.assert_array_equal(np.asarray(Xd.compute()), np.asarray(before))
