import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from dask_scale._graph import reduce_blocks
from dask_scale._validation import (
    check_array,
    check_consistent_rows,
    check_n_rows,
    check_sample_weight,
    check_table,
    check_y,
    ensure_known_chunks,
    no_samples_error,
    validate_data,
    warn_no_effect,
)


class Est(BaseEstimator):
    pass


@pytest.fixture
def frame():
    pdf = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12) % 3, "c": np.linspace(0, 1, 12)})
    return pdf, dd.from_pandas(pdf, npartitions=3)


def test_numpy_is_sklearns_validation():
    e = Est()
    X = validate_data(e, [[1, 2], [3, 4]])
    assert isinstance(X, np.ndarray) and X.dtype == np.float64
    assert e.n_features_in_ == 2
    with pytest.raises(ValueError, match="NaN"):
        validate_data(Est(), np.array([[np.nan, 1.0]]))


def test_dask_array_is_lazy_and_keeps_chunks():
    e = Est()
    X = da.ones((100, 6), chunks=(30, 2), dtype=np.float32)
    out = validate_data(e, X)
    assert isinstance(out, da.Array)
    assert out.chunks == ((30, 30, 30, 10), (6,))  # column blocks merged
    assert out.dtype == np.float32  # float32 kept
    assert e.n_features_in_ == 6
    ints = validate_data(Est(), da.ones((10, 2), chunks=5, dtype=np.int64))
    assert ints.dtype == np.float64


def test_dask_frame_lazy_unknown_chunks_and_names(frame):
    pdf, ddf = frame
    e = Est()
    X = validate_data(e, ddf)
    assert isinstance(X, da.Array)
    assert all(np.isnan(c) for c in X.chunks[0])
    np.testing.assert_array_equal(e.feature_names_in_, ["a", "b", "c"])
    np.testing.assert_allclose(X.compute(), pdf.to_numpy(dtype=float))
    # same names at predict: fine; different names: clear error
    validate_data(e, ddf, reset=False)
    with pytest.raises(ValueError, match="feature names should match"):
        validate_data(e, ddf.rename(columns={"a": "z"}), reset=False)
    with pytest.warns(UserWarning, match="fitted with feature names"):
        validate_data(e, X, reset=False)


def test_feature_count_mismatch_message():
    e = Est()
    validate_data(e, da.ones((10, 3), chunks=5))
    with pytest.raises(ValueError, match="X has 2 features, but Est is expecting 3 features"):
        validate_data(e, da.ones((10, 2), chunks=5), reset=False)


def test_non_numeric_frame_columns_refused_with_fix(frame):
    _, ddf = frame
    bad = ddf.assign(s=ddf.a.astype(str), k=ddf.b.astype("category"))
    with pytest.raises(ValueError, match=r"non-numeric columns \['s', 'k'\].*OneHotEncoder"):
        validate_data(Est(), bad)


def test_object_dtype_dask_array_refused():
    X = da.from_array(np.array([["a", "b"], ["c", "d"]], dtype=object), chunks=1)
    with pytest.raises(ValueError, match="numeric data is required"):
        check_array(X)


def test_wrong_dimensions():
    with pytest.raises(ValueError, match="Expected a 2D array"):
        check_array(da.ones(10, chunks=5))
    with pytest.raises(ValueError, match="dim 3"):
        check_array(da.ones((2, 2, 2), chunks=1))
    with pytest.raises(ValueError, match="got a dask Series"):
        check_array(dd.from_pandas(pd.Series(np.arange(4.0)), npartitions=2))


def test_empty_dask_array_refused():
    with pytest.raises(ValueError, match="0 sample"):
        check_array(da.ones((0, 3), chunks=5))


def test_no_samples_error_is_scikit_learns_message():
    err = no_samples_error(Est(), (0, 3))
    assert str(err) == (
        "Found array with 0 sample(s) (shape=(0, 3)) while a minimum of 1 is required by Est."
    )
    err = no_samples_error("KMeans", [2, 3], minimum=5, hint="Add rows.")
    assert str(err).endswith("(shape=(2, 3)) while a minimum of 5 is required by KMeans. Add rows.")
    check_n_rows(Est(), 1, 3)
    # a pass that found no rows (dask input of unknown size) says so
    with pytest.raises(ValueError, match=r"^Found array with 0 sample\(s\) .* X has no rows"):
        check_n_rows(Est(), 0, 3)


def test_nan_in_dask_input_is_caught_in_first_pass_not_at_validation():
    Xn = np.ones((20, 2))
    Xn[13, 0] = np.inf
    calls = []
    X = da.from_array(Xn, chunks=5).map_blocks(
        lambda b: (calls.append(b.shape) if b.size else None) or b, meta=np.empty((0, 0))
    )
    out = validate_data(Est(), X)
    assert calls == []  # validation read nothing
    with pytest.raises(ValueError, match="NaN or infinity"):
        reduce_blocks(lambda b: b.sum(), [out], check_finite={0: "X"})


def test_y_alignment_and_lengths():
    X = da.ones((10, 2), chunks=(4, 2))
    y = da.arange(10, chunks=5)
    _, ya = validate_data(Est(), X, y)
    assert ya.chunks == X.chunks[:1]
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[10, 9\]"):
        validate_data(Est(), X, da.arange(9, chunks=5))
    ynp = check_consistent_rows(X, np.arange(10))
    assert ynp.chunks == X.chunks[:1]
    with pytest.raises(ValueError, match="inconsistent"):
        check_consistent_rows(X, np.arange(11))


def test_y_in_memory_with_unknown_chunks_says_how_to_fix(frame):
    _, ddf = frame
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        validate_data(Est(), ddf, np.arange(12))


def test_unknown_length_mismatch_detected_at_read(frame):
    pdf, ddf = frame
    ys = dd.from_pandas(pd.Series(np.arange(12)), npartitions=3)
    X, y = validate_data(Est(), ddf, ys)
    assert reduce_blocks(lambda a, b: a.shape[0], [X, y]) == 12
    ys_bad = dd.from_pandas(pd.Series(np.arange(13)), npartitions=3)
    X, y = validate_data(Est(), ddf, ys_bad)
    with pytest.raises(ValueError, match="partitioned alike"):
        reduce_blocks(lambda a, b: a.shape[0], [X, y])


def test_check_y_column_vector_and_frame(frame):
    from sklearn.exceptions import DataConversionWarning

    with pytest.warns(DataConversionWarning):
        y = check_y(da.ones((6, 1), chunks=3))
    assert y.ndim == 1
    pdf, ddf = frame
    y = check_y(ddf[["a"]])
    np.testing.assert_array_equal(y.compute(), pdf.a.to_numpy())
    with pytest.raises(ValueError, match="requires y"):
        check_y(None, estimator=Est())
    with pytest.raises(ValueError, match="1-D"):
        check_y(da.ones((4, 2), chunks=2))


def test_sample_weight_kinds():
    X = da.ones((10, 2), chunks=(4, 2))
    sw = check_sample_weight(None, X)
    assert sw.chunks == X.chunks[:1] and float(sw.sum().compute()) == 10
    sw = check_sample_weight(2.0, X)
    assert float(sw.sum().compute()) == 20
    sw = check_sample_weight(np.arange(10.0), X)
    assert sw.chunks == X.chunks[:1]
    neg = check_sample_weight(-np.ones(10), X)
    with pytest.raises(ValueError, match="Negative"):
        neg.compute()
    Xn = np.ones((5, 2))
    np.testing.assert_array_equal(check_sample_weight(None, Xn), np.ones(5))
    with pytest.raises(ValueError, match="expected"):
        check_sample_weight(np.ones(4), Xn)
    # unknown chunks: unit weights built lazily per block
    Xu = X[X[:, 0] > 0]
    sw = check_sample_weight(None, Xu)
    assert float(sw.sum().compute()) == 10


def test_float32_sample_weight_follows_X():
    X = da.ones((4, 2), chunks=2, dtype=np.float32)
    assert check_sample_weight(None, X).dtype == np.float32


def test_ensure_known_chunks():
    X = da.arange(10, chunks=3)
    Xu = X[X > 2]
    assert ensure_known_chunks(Xu).chunks[0] == (0, 3, 3, 1)
    assert ensure_known_chunks(X) is X


def test_integer_column_names_are_not_feature_names():
    pdf = pd.DataFrame(np.ones((4, 2)))
    e = Est()
    validate_data(e, dd.from_pandas(pdf, npartitions=2))
    assert not hasattr(e, "feature_names_in_")
    mixed = pd.DataFrame(np.ones((4, 2)), columns=["a", 1])
    with pytest.raises(TypeError, match="string names"):
        validate_data(Est(), dd.from_pandas(mixed, npartitions=2))


def test_no_warning_for_clean_dask_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_data(Est(), da.ones((4, 2), chunks=2), da.ones(4, chunks=2))


def _sparse_blocked(Xn, kind, chunks=4, unknown=False):
    """``Xn`` as a dask array of sparse blocks: scipy CSR matrices, scipy CSR arrays or
    pydata ``sparse`` COO arrays (optionally with unknown row chunks)."""
    sp = pytest.importorskip("scipy.sparse")
    X = da.from_array(Xn, chunks=(chunks, -1))
    if unknown:
        X = X[da.from_array(np.ones(len(Xn), bool), chunks=chunks)]
    if kind == "coo":
        sparse = pytest.importorskip("sparse")
        return X.map_blocks(sparse.COO.from_numpy, meta=sparse.COO.from_numpy(Xn[:0]))
    make = sp.csr_matrix if kind == "csr_matrix" else sp.csr_array
    return X.map_blocks(make, meta=make((0, Xn.shape[1]), dtype=Xn.dtype))


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array", "coo"])
@pytest.mark.parametrize("unknown", [False, True])
def test_sparse_blocks_densified_per_block(kind, unknown):
    Xn = np.eye(10, 3) * np.arange(1.0, 11.0)[:, None]
    X = _sparse_blocked(Xn, kind, unknown=unknown)
    out = check_array(X)
    assert type(out._meta) is np.ndarray
    assert out.chunks[0] == X.chunks[0] or unknown
    blocks = out.to_delayed().ravel()
    assert all(type(b.compute()) is np.ndarray for b in blocks)  # each block dense alone
    np.testing.assert_array_equal(out.compute(), Xn)
    # validate_data, the estimators' entry point, goes the same way
    np.testing.assert_array_equal(validate_data(Est(), X).compute(), Xn)


def test_sparse_blocks_kept_with_accept_sparse():
    sp = pytest.importorskip("scipy.sparse")
    X = _sparse_blocked(np.eye(4), "csr_matrix", chunks=2)
    out = check_array(X, accept_sparse=True)
    assert sp.issparse(out._meta)
    assert sp.issparse(out.blocks[0].compute())


def test_in_memory_sparse_follows_sklearn():
    sp = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="dense data is required"):
        check_array(sp.csr_matrix(np.eye(3)))
    assert sp.issparse(check_array(sp.csr_matrix(np.eye(3)), accept_sparse=True))


def test_device_blocks_copied_to_host_when_read():
    # A stand-in for a CuPy block: any array type from module 'cupy' with .get().
    import types

    fake = types.ModuleType("cupy")

    class ndarray(np.ndarray):
        def get(self):
            return np.asarray(self).copy()

    ndarray.__module__ = "cupy"
    fake.ndarray = ndarray
    Xn = np.arange(8.0).reshape(4, 2)
    X = da.from_array(Xn, chunks=2).map_blocks(
        lambda b: b.view(ndarray), meta=np.empty((0, 0)).view(ndarray)
    )
    with pytest.warns(UserWarning, match="CuPy-backed"):
        out = check_array(X)
    assert type(out._meta) is np.ndarray
    blocks = out.compute()
    assert type(blocks) is np.ndarray
    np.testing.assert_array_equal(blocks, Xn)


def test_validating_a_dask_frame_reads_no_partition():
    # names, feature count, dtypes and the conversion to a lazy array come from the
    # metadata: no partition is computed until the estimator's own pass
    reads = []

    def counted(pdf):
        if len(pdf):
            reads.append(len(pdf))
        return pdf

    pdf = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) * 2})
    ddf = dd.from_pandas(pdf, npartitions=4).map_partitions(counted, meta=pdf.iloc[:0])
    est = Est()
    X, y = validate_data(est, ddf, ddf["a"])
    assert reads == []
    assert list(est.feature_names_in_) == ["a", "b"] and est.n_features_in_ == 2
    assert isinstance(X, da.Array) and np.isnan(X.shape[0])
    validate_data(est, ddf, reset=False)
    assert reads == []
    np.testing.assert_array_equal(X.compute(), pdf.to_numpy())
    assert reads  # the partitions are read when the data are used


@pytest.mark.parametrize("dtype", ["category", "str", object])
def test_pandas_frame_with_non_numeric_columns_says_which_and_how_to_encode(dtype):
    # scikit-learn alone says "could not convert string to float"; the column, its dtype
    # and the encoders to use are named, for pandas as for dask DataFrames
    pdf = pd.DataFrame({"a": np.arange(6.0), "b": pd.Series(list("xyzxyz"), dtype=dtype)})
    with pytest.raises(ValueError, match=r"non-numeric columns \['b'\].*OneHotEncoder"):
        validate_data(Est(), pdf)
    # object columns holding numbers are converted as scikit-learn converts them
    ok = pd.DataFrame({"a": np.arange(6.0), "b": pd.Series(list(range(6)), dtype=object)})
    np.testing.assert_array_equal(validate_data(Est(), ok), np.c_[np.arange(6.0), np.arange(6)])


# --------------------------------------------------------------------------------------------
# X, y and sample_weight of one frame: each source partition computed once per pass
# --------------------------------------------------------------------------------------------

_SOURCE_READS = []


def _counted(part):
    # a step upstream of the selection (e.g. feature engineering after read_parquet)
    if len(part):
        _SOURCE_READS.append(int(part.index[0]))
    return part.assign(f0=part["f0"] * 2.0)


def _source_frame():
    import dask.dataframe as dd
    import pandas as pd

    rng = np.random.default_rng(0)
    pdf = pd.DataFrame(rng.normal(size=(400, 3)), columns=["f0", "f1", "f2"])
    pdf["y"] = (pdf["f0"] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    pdf["w"] = rng.uniform(0.5, 2.0, size=400)
    df = dd.from_pandas(pdf, npartitions=4).map_partitions(_counted)
    return df[df["f1"] > -100.0]


@pytest.mark.parametrize("weights", [False, True])
@pytest.mark.parametrize("model", ["logistic", "linear"])
def test_each_source_partition_is_computed_once_per_pass(model, weights, monkeypatch):
    from dask_scale.linear_model import LinearRegression, LogisticRegression

    est = (
        LogisticRegression(solver="gradient_descent", max_iter=3, tol=0.0)
        if model == "logistic"
        else LinearRegression(solver="gradient_descent", max_iter=3, tol=0.0)
    )
    df = _source_frame()
    y = df["y"] if model == "logistic" else df["f2"]
    kwargs = {"sample_weight": df["w"]} if weights else {}
    submissions = []
    compute = dask.compute

    def counting(*args, **kw):
        submissions.append(1)
        return compute(*args, **kw)

    monkeypatch.setattr(dask, "compute", counting)
    _SOURCE_READS.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(df[["f0", "f1"]], y, **kwargs)
    reads = np.bincount(np.unique(_SOURCE_READS, return_inverse=True)[1])
    # every graph the fit submits is one pass over the data; in each, every partition of
    # the source is computed once, for X, y and the weights together (twice or thrice before)
    assert len(submissions) >= 4
    np.testing.assert_array_equal(reads, [len(submissions)] * 4)


@pytest.mark.parametrize("model", ["kmeans", "scaler"])
def test_each_source_partition_is_computed_once_per_pass_without_y(model, monkeypatch):
    # X and sample_weight of one frame, no y (KMeans, StandardScaler): one graph for both
    from dask_scale.cluster import KMeans
    from dask_scale.preprocessing import StandardScaler

    est = (
        KMeans(n_clusters=2, init="random", n_init=1, max_iter=3, tol=0.0, random_state=0)
        if model == "kmeans"
        else StandardScaler()
    )
    df = _source_frame()
    submissions = []
    compute = dask.compute

    def counting(*args, **kw):
        submissions.append(1)
        return compute(*args, **kw)

    monkeypatch.setattr(dask, "compute", counting)
    _SOURCE_READS.clear()
    est.fit(df[["f0", "f1"]], sample_weight=df["w"])
    reads = np.bincount(np.unique(_SOURCE_READS, return_inverse=True)[1])
    assert len(submissions) >= (3 if model == "kmeans" else 1)
    np.testing.assert_array_equal(reads, [len(submissions)] * 4)
    # the same model as from the same partitions converted one by one
    import dask.dataframe as dd

    pdf = df.compute()
    ref = type(est)(**est.get_params()).fit(
        dd.from_pandas(pdf[["f0", "f1"]], npartitions=4),
        sample_weight=dd.from_pandas(pdf["w"], npartitions=4),
    )
    attr = "cluster_centers_" if model == "kmeans" else "mean_"
    np.testing.assert_allclose(getattr(est, attr), getattr(ref, attr), rtol=1e-10)


def test_check_table_keeps_the_container_kind_and_records_the_features(frame):
    pdf, ddf = frame
    est = Est()
    kind, X = check_table(est, ddf, reset=True)
    assert kind == "frame" and X is ddf and est.n_features_in_ == 3
    assert list(est.feature_names_in_) == ["a", "b", "c"]
    kind, X = check_table(Est(), da.ones((6, 4), chunks=(3, 2)), reset=True)
    assert kind == "array" and X.chunks == ((3, 3), (4,))
    kind, X = check_table(Est(), pdf, reset=True)
    assert kind == "memory" and X is pdf
    kind, X = check_table(Est(), [["a", 1.0], ["b", np.nan]], reset=True)
    assert kind == "memory" and isinstance(X, np.ndarray) and X.shape == (2, 2)
    with pytest.raises(ValueError, match="got a dask Series"):
        check_table(Est(), ddf["a"], reset=True)
    with pytest.raises(ValueError, match="Expected a 2D array"):
        check_table(Est(), da.ones(5, chunks=2), reset=True)
    assert check_table(Est(), da.ones((4, 2, 3), chunks=2), reset=True, allow_nd=True)[0] == "array"
    with pytest.raises(ValueError, match="0 sample"):
        check_table(Est(), pdf.iloc[:0], reset=True)
    assert check_table(Est(), pdf.iloc[:0], reset=True, ensure_min_samples=0)[0] == "memory"
    with pytest.raises(ValueError, match="infinity"):
        check_table(Est(), np.array([[np.inf]]), reset=True)
    assert check_table(Est(), np.array([[np.inf]]), reset=True, ensure_all_finite=False)[0]
    # transform: the features are checked against fit's
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- d\n"):
        check_table(est, ddf.assign(d=1.0), reset=False)


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.rename(columns={"a": "z"}),
        lambda f: f[["c", "b", "a"]],
        lambda f: f[["a", "b"]],
        lambda f: f.assign(**{f"x{i}": 1.0 for i in range(7)}),
    ],
    ids=["renamed", "reordered", "missing", "many-unseen"],
)
def test_feature_names_message_is_sklearns_then_dask_mls(frame, change):
    """Different columns at predict: scikit-learn's message, as scikit-learn words it for
    the same pandas input, then dask-ml's sentence; the same for dask input."""
    from sklearn.preprocessing import StandardScaler as SkStandardScaler

    pdf, ddf = frame
    sk = SkStandardScaler().fit(pdf)
    with pytest.raises(ValueError) as sk_info:
        sk.transform(change(pdf))
    sk_message = str(sk_info.value)
    messages = []
    for X, other in [(pdf, change(pdf)), (ddf, change(ddf))]:
        e = Est()
        validate_data(e, X)
        with pytest.raises(ValueError) as info:
            validate_data(e, other, reset=False)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(sk_message)
    rest = messages[0][len(sk_message):]
    assert rest.startswith("Columns of 'X' do not match the training columns. Got [")
    assert "expected ['a', 'b', 'c']" in rest
    # table-like estimators (encoders) check their columns the same way
    e = Est()
    check_table(e, ddf, reset=True)
    with pytest.raises(ValueError, match="feature names should match(.|\n)*Columns of 'X'"):
        check_table(e, change(ddf), reset=False)
    with pytest.raises(ValueError, match="feature names should match(.|\n)*Columns of 'X'"):
        check_table(e, change(pdf), reset=False)


def test_feature_names_message_lists_are_bounded():
    from dask_scale._validation.features import feature_names_message

    msg = feature_names_message([f"f{i}" for i in range(30)], [f"g{i}" for i in range(30)])
    assert msg.count("\n- ") <= 12 and "- ...\n" in msg
    assert "Got ['g0', " in msg and ", ...], expected ['f0'," in msg


def _estimators_on_blocks():
    from dask_scale.cluster import KMeans
    from dask_scale.impute import SimpleImputer
    from dask_scale.linear_model import LogisticRegression
    from dask_scale.preprocessing import StandardScaler

    return [
        (KMeans(n_clusters=3, random_state=0, n_init=1), ["cluster_centers_", "inertia_"]),
        (LogisticRegression(), ["coef_", "intercept_"]),
        (StandardScaler(), ["mean_", "scale_", "var_"]),
        (SimpleImputer(missing_values=0.0, strategy="mean"), ["statistics_"]),
    ]


@pytest.mark.parametrize("kind", ["csr_matrix", "coo"])
@pytest.mark.parametrize("unknown", [False, True])
@pytest.mark.parametrize("index", range(4))
def test_estimators_fit_sparse_blocks_as_the_dense_input(kind, unknown, index):
    # one mechanism (check_array densifies each block when read) serves every estimator
    est, attributes = _estimators_on_blocks()[index]
    rng = np.random.RandomState(0)
    Xn = (rng.rand(60, 4) < 0.5) * rng.rand(60, 4)
    y = (Xn.sum(axis=1) > 1).astype(int)
    Xs = _sparse_blocked(Xn, kind, chunks=20, unknown=unknown)
    yd = da.from_array(y, chunks=20)
    if unknown:
        yd = yd[da.from_array(np.ones(60, bool), chunks=20)]
    dense = est.__class__(**est.get_params()).fit(da.from_array(Xn, chunks=20), yd)
    fitted = est.fit(Xs, yd)
    for name in attributes:
        np.testing.assert_allclose(
            getattr(fitted, name), getattr(dense, name), rtol=1e-12, atol=1e-12
        )
    if hasattr(fitted, "transform"):
        out = fitted.transform(Xs)
        assert type(out._meta) is np.ndarray
        np.testing.assert_allclose(out.compute(), dense.transform(Xn), rtol=1e-12)
    else:
        np.testing.assert_array_equal(fitted.predict(Xs).compute(), dense.predict(Xn))


def test_in_memory_sparse_refusal_says_what_to_do():
    import scipy.sparse as sp

    from dask_scale.preprocessing import BlockTransformer

    X = sp.csr_matrix(np.eye(4))
    # scikit-learn's message first (what check_estimator matches), then the way out, for
    # an estimator that refuses sparse input (as FunctionTransformer(validate=True))
    with pytest.raises(TypeError, match=r"^Sparse data was passed.*sparse_output=False"):
        BlockTransformer(np.abs, validate=True).fit(X)
    with pytest.raises(TypeError, match=r"^Sparse data was passed.*dask array of sparse"):
        check_array(X)


def test_dask_frames_of_pandas_sparse_columns_fit_as_the_dense_frame():
    import scipy.sparse as sp

    from dask_scale.linear_model import LogisticRegression
    from dask_scale.preprocessing import StandardScaler

    rng = np.random.RandomState(1)
    Xn = (rng.rand(60, 3) < 0.5) * rng.rand(60, 3)
    y = pd.Series((Xn.sum(axis=1) > 0.7).astype(int))
    sparse = pd.DataFrame.sparse.from_spmatrix(sp.csr_matrix(Xn), columns=list("abc"))
    dense = sparse.sparse.to_dense()
    for est, attr in ((LogisticRegression(), "coef_"), (StandardScaler(), "scale_")):
        fits = [
            est.__class__().fit(dd.from_pandas(f, npartitions=3), dd.from_pandas(y, npartitions=3))
            for f in (sparse, dense)
        ]
        np.testing.assert_allclose(getattr(fits[0], attr), getattr(fits[1], attr), rtol=1e-12)


def test_warn_no_effect_one_wording_at_the_callers_line():
    def fit():
        warn_no_effect(Est(), "n_jobs", "dask decides", removed=True)

    with pytest.warns(FutureWarning) as record:
        fit()
    (w,) = record
    assert str(w.message) == (
        "'n_jobs' has no effect in Est (dask decides) and will be removed; leave it out."
    )
    assert w.filename == __file__  # stacklevel: the line calling fit, not the helper's
    with pytest.warns(UserWarning) as record:
        warn_no_effect("PCA", "tol", "why", value=0.5, fix="do this", category=UserWarning)
    assert str(record[0].message) == "tol=0.5 has no effect in PCA (why); do this."
