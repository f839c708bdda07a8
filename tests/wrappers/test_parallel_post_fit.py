import pickle

import cloudpickle
import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from dask.delayed import Delayed
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDClassifier
from sklearn.metrics import get_scorer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from dask_scale.wrappers import ParallelPostFit

COLS = list("abcde")


@pytest.fixture(scope="module")
def clf_data():
    X, y = make_classification(
        n_samples=600, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return X, y


@pytest.fixture(scope="module")
def fitted(clf_data):
    X, y = clf_data
    return ParallelPostFit(LogisticRegression()).fit(X, y), LogisticRegression().fit(X, y)


def _frame(X, y=None, npartitions=4):
    pdf = pd.DataFrame(X, columns=COLS)
    if y is not None:
        pdf["target"] = y
    return pdf, dd.from_pandas(pdf, npartitions=npartitions)


def _raise_if_computed(block):
    raise AssertionError("data was computed while building the lazy result")


# -- predictions equal scikit-learn's ------------------------------------------------------


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_numpy_input_is_passed_through(fitted, clf_data, method):
    X, _ = clf_data
    wrapper, sk = fitted
    got = getattr(wrapper, method)(X)
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, getattr(sk, method)(X))  # same estimator, same input


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_dask_array_known_unknown_and_column_chunks(fitted, clf_data, method):
    X, _ = clf_data
    wrapper, sk = fitted
    expected = getattr(sk, method)(X)
    Xd = da.from_array(X, chunks=(150, 2))  # several column blocks: merged per row block
    out = getattr(wrapper, method)(Xd)
    assert isinstance(out, da.Array)
    assert out.chunks[0] == (150,) * 4
    assert out.dtype == expected.dtype
    # exact: each row's output does not depend on the other rows of its block
    np.testing.assert_allclose(out.compute(), expected, rtol=1e-12)

    mask = X[:, 0] > 0  # unknown chunk sizes
    Xu = Xd[da.from_array(mask, chunks=150)]
    assert np.isnan(Xu.shape[0])
    out_u = getattr(wrapper, method)(Xu)
    assert np.isnan(out_u.shape[0])
    np.testing.assert_allclose(out_u.compute(), expected[mask], rtol=1e-12)


def test_dataframe_with_empty_partition(clf_data):
    X, y = clf_data
    pdf, df = _frame(X, npartitions=4)
    wrapper = ParallelPostFit(LogisticRegression()).fit(pdf, y)
    sk = LogisticRegression().fit(pdf, y)
    first = df.divisions[1]
    keep = df.map_partitions(lambda p: p[p.index >= first])  # partition 0 becomes empty
    sizes = keep.map_partitions(len).compute().tolist()
    assert sizes[0] == 0 and sum(sizes) == len(pdf) - first

    pred = wrapper.predict(keep)
    assert isinstance(pred, dd.Series) and pred.npartitions == 4
    got = pred.compute()
    pd.testing.assert_index_equal(got.index, pdf.index[first:])
    np.testing.assert_array_equal(got.to_numpy(), sk.predict(pdf.iloc[first:]))

    proba = wrapper.predict_proba(keep)
    assert isinstance(proba, dd.DataFrame)
    assert list(proba.columns) == sk.classes_.tolist()
    expected = sk.predict_proba(pdf.iloc[first:])
    np.testing.assert_allclose(proba.compute().to_numpy(), expected, rtol=1e-12)

    parts = proba.to_delayed()
    empty = parts[0].compute()
    assert empty.shape == (0, 3) and (empty.dtypes == np.float64).all()

    # an entirely empty collection
    none = df[df.a > 1e9]
    assert wrapper.predict(none).compute().shape == (0,)
    assert wrapper.decision_function(none).compute().shape == (0, 3)


def test_empty_array_blocks_do_not_call_the_estimator():
    class NoEmpty(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def predict(self, X):
            assert len(X) > 0, "called on an empty block"
            return np.full(len(X), self.classes_[0])

    X = np.arange(20.0).reshape(10, 2)
    wrapper = ParallelPostFit(NoEmpty()).fit(X, np.arange(10) % 2)
    Xd = da.from_array(X, chunks=((0, 4, 0, 6), 2))
    np.testing.assert_array_equal(wrapper.predict(Xd).compute(), np.zeros(10))


def test_dataframe_labels_and_pipeline_with_names(clf_data):
    X, y = clf_data
    labels = np.array(["low", "mid", "high"], dtype=object)[y]
    pdf, df = _frame(X, labels, npartitions=3)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    wrapper = ParallelPostFit(pipe).fit(df[COLS], df["target"])  # dask fit input is computed
    sk = make_pipeline(StandardScaler(), LogisticRegression()).fit(pdf[COLS], pdf["target"])
    np.testing.assert_array_equal(wrapper.feature_names_in_, COLS)
    got = wrapper.predict(df[COLS]).compute()
    np.testing.assert_array_equal(got.to_numpy(), sk.predict(pdf[COLS]))
    assert wrapper.score(df[COLS], df["target"]) == pytest.approx(
        sk.score(pdf[COLS], pdf["target"]), rel=1e-12
    )


def test_transform_frames_keep_names_and_set_output():
    X = np.random.default_rng(0).normal(size=(100, 5))
    pdf, df = _frame(X, npartitions=3)
    wrapper = ParallelPostFit(StandardScaler()).fit(pdf)
    sk = StandardScaler().fit(pdf)
    out = wrapper.transform(df)
    assert isinstance(out, dd.DataFrame) and list(out.columns) == COLS
    np.testing.assert_allclose(out.compute().to_numpy(), sk.transform(pdf), rtol=1e-12)
    np.testing.assert_array_equal(wrapper.get_feature_names_out(), COLS)

    wrapper.estimator_.set_output(transform="pandas")
    out = wrapper.transform(df).compute()
    pd.testing.assert_frame_equal(out, sk.set_output(transform="pandas").transform(pdf))


def test_sparse_transform_on_arrays_and_series():
    docs = np.array(["the cat", "a dog barks", "dask arrays", "x y z", ""] * 6)
    wrapper = ParallelPostFit(HashingVectorizer(n_features=32)).fit(docs)
    expected = HashingVectorizer(n_features=32).transform(docs).toarray()
    out = wrapper.transform(da.from_array(docs, chunks=7))
    assert out.chunks[0] == (7, 7, 7, 7, 2)
    blocks = out.compute()
    assert sp.issparse(blocks)
    np.testing.assert_allclose(blocks.toarray(), expected)

    series = dd.from_pandas(pd.Series(docs), npartitions=3)
    out_s = wrapper.transform(series[series.str.len() >= 0])
    assert isinstance(out_s, da.Array) and np.isnan(out_s.shape[0])
    np.testing.assert_allclose(out_s.compute().toarray(), expected)


# -- meta ------------------------------------------------------------------------------------


def test_meta_is_inferred_without_computing_data(fitted, clf_data):
    X, _ = clf_data
    wrapper, sk = fitted
    Xd = da.from_array(X, chunks=100).map_blocks(_raise_if_computed, dtype=X.dtype)
    pred = wrapper.predict(Xd)  # building the graph must not touch the data
    assert pred.dtype == sk.classes_.dtype and pred.ndim == 1
    assert wrapper.predict_proba(Xd).shape == (600, 3)
    _, df = _frame(X)
    df = df.map_partitions(lambda p: _raise_if_computed(p), meta=df._meta)
    assert wrapper.predict(df).dtype == sk.classes_.dtype


def test_meta_parameters_are_honoured(clf_data):
    X, y = clf_data
    wrapper = ParallelPostFit(
        LogisticRegression(),
        predict_meta=pd.Series([], dtype="int32", name="label"),
        predict_proba_meta=pd.DataFrame(
            {"p0": pd.Series([], dtype="float32"), "p1": [], "p2": []}
        ).astype("float32"),
    )
    pdf, df = _frame(X)
    wrapper.fit(pdf, y)
    sk = LogisticRegression().fit(X, y)
    pred = wrapper.predict(df)
    assert pred.name == "label" and pred.dtype == np.int32
    got = pred.compute()
    assert got.dtype == np.int32 and got.name == "label"
    np.testing.assert_array_equal(got.to_numpy(), sk.predict(X))
    proba = wrapper.predict_proba(df).compute()
    assert list(proba.columns) == ["p0", "p1", "p2"] and (proba.dtypes == np.float32).all()
    np.testing.assert_allclose(proba.to_numpy(), sk.predict_proba(X), rtol=1e-6)  # float32

    # on arrays a pandas meta gives its dtype
    wrapper.fit(X, y)
    out = wrapper.predict(da.from_array(X, chunks=200))
    assert out.dtype == np.int32 and out.compute().dtype == np.int32

    wrapper32 = ParallelPostFit(StandardScaler(), transform_meta=np.empty((0, 5), "float32"))
    out = wrapper32.fit(X).transform(da.from_array(X, chunks=200))
    assert out.dtype == np.float32 and out.compute().dtype == np.float32

    with pytest.raises(TypeError, match="predict_meta must be"):
        ParallelPostFit(LogisticRegression(), predict_meta=[1]).fit(X, y).predict(
            da.from_array(X, chunks=200)
        )


class _ProbeHostile(TransformerMixin, ClassifierMixin, BaseEstimator):
    """Rejects all-zero rows (so the synthetic-row probe fails) and has no feature names."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def _check(self, X):
        if not np.asarray(X).any():
            raise ValueError("all zero")

    def predict(self, X):
        self._check(X)
        return self.classes_[(np.asarray(X)[:, 0] > 0).astype(int)]

    def transform(self, X):
        self._check(X)
        return np.asarray(X)[:, :2] * 2


def test_meta_rules_when_the_probe_fails():
    X = np.random.default_rng(1).normal(size=(40, 3))
    y = np.where(X[:, 0] > 0, "pos", "neg")
    wrapper = ParallelPostFit(_ProbeHostile()).fit(X, y)
    Xd = da.from_array(X, chunks=10)
    pred = wrapper.predict(Xd)
    assert pred.dtype == wrapper.classes_.dtype  # from classes_
    np.testing.assert_array_equal(pred.compute(), y)
    with pytest.raises(ValueError, match="transform_meta="):
        wrapper.transform(Xd)
    out = ParallelPostFit(_ProbeHostile(), transform_meta=np.empty((0, 2))).fit(X, y)
    np.testing.assert_allclose(out.transform(Xd).compute(), X[:, :2] * 2)


def test_output_that_contradicts_the_meta_raises(clf_data):
    X, y = clf_data
    wrapper = ParallelPostFit(LogisticRegression(), predict_proba_meta=np.empty((0, 2)))
    wrapper.fit(X, y)
    with pytest.raises(ValueError, match="predict_proba_meta"):
        wrapper.predict_proba(da.from_array(X, chunks=200)).compute()


@pytest.mark.parametrize("meta_dtype", ["U1", "int8", "bool"])
def test_a_meta_dtype_that_would_change_the_values_raises(clf_data, meta_dtype):
    # int64 labels are not cast silently to strings, to booleans, or to an integer that
    # wraps them around (labels 0, 100, 200 in int8); a cast that keeps them is made
    X, y = clf_data
    y = y * 100
    wrapper = ParallelPostFit(LogisticRegression(), predict_meta=np.array([], dtype=meta_dtype))
    wrapper.fit(X, y)
    with pytest.raises(ValueError, match=f"dtype int64.*dtype {np.dtype(meta_dtype)}.*predict_meta"):
        wrapper.predict(da.from_array(X, chunks=200)).compute()
    if meta_dtype == "U1":
        return  # a pandas Series of strings has object dtype: any label fits it
    frame = dd.from_pandas(pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]), 2)
    wrapper = ParallelPostFit(
        LogisticRegression(), predict_meta=pd.Series([], dtype=meta_dtype)
    ).fit(frame.compute(), y)
    with pytest.raises(ValueError, match="predict_meta"):
        wrapper.predict(frame).compute()


def test_a_meta_of_a_wider_kind_keeps_the_values(clf_data):
    # widening casts keep every value: int labels as float64, float64 probabilities as
    # float32 (a precision the user asked for)
    X, y = clf_data
    Xd = da.from_array(X, chunks=200)
    wrapper = ParallelPostFit(
        LogisticRegression(),
        predict_meta=np.array([], dtype=np.float64),
        predict_proba_meta=np.empty((0, 3), dtype=np.float32),
    ).fit(X, y)
    pred = wrapper.predict(Xd).compute()
    assert pred.dtype == np.float64
    np.testing.assert_array_equal(pred, wrapper.estimator_.predict(X))
    assert wrapper.predict_proba(Xd).compute().dtype == np.float32


# -- score -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scoring", [None, "accuracy"])
def test_blockwise_accuracy_with_weights(fitted, clf_data, scoring):
    X, y = clf_data
    _, sk = fitted
    w = np.random.default_rng(0).uniform(size=len(y))
    wrapper = ParallelPostFit(LogisticRegression(), scoring=scoring).fit(X, y)
    Xd, yd, wd = (da.from_array(a, chunks=128) for a in (X, y, w))
    assert wrapper.score(Xd, yd) == pytest.approx(sk.score(X, y), rel=1e-12)
    assert wrapper.score(Xd, yd, sample_weight=wd) == pytest.approx(
        sk.score(X, y, sample_weight=w), rel=1e-12
    )
    assert wrapper.score(Xd, y, sample_weight=w) == pytest.approx(
        sk.score(X, y, sample_weight=w), rel=1e-12
    )


@pytest.mark.parametrize("scoring", [None, "r2", "neg_mean_squared_error", "neg_mean_absolute_error"])
@pytest.mark.parametrize("n_targets", [1, 2])
def test_blockwise_regression_scores(scoring, n_targets):
    X, y = make_regression(n_samples=300, n_features=4, n_targets=n_targets, noise=5.0, random_state=0)
    w = np.random.default_rng(0).uniform(size=300)
    wrapper = ParallelPostFit(LinearRegression(), scoring=scoring).fit(X[:200], y[:200])
    sk = LinearRegression().fit(X[:200], y[:200])
    sk_score = (lambda *a, **k: sk.score(*a, **k)) if scoring is None else (
        lambda *a, **k: get_scorer(scoring)(sk, *a, **k)
    )
    yd = da.from_array(y, chunks=(70,) + y.shape[1:])
    Xd = da.from_array(X, chunks=70)
    # Blockwise sums with a parallel variance merge vs scikit-learn's two-pass formula.
    assert wrapper.score(Xd, yd) == pytest.approx(sk_score(X, y), rel=1e-10)
    assert wrapper.score(Xd, yd, sample_weight=da.from_array(w, chunks=70)) == pytest.approx(
        sk_score(X, y, sample_weight=w), rel=1e-10
    )


@pytest.mark.parametrize("scoring", ["roc_auc_ovr", "neg_log_loss", "f1_macro"])
def test_other_scorers_on_concatenated_predictions(fitted, clf_data, scoring):
    X, y = clf_data
    _, sk = fitted
    wrapper = ParallelPostFit(LogisticRegression(), scoring=scoring).fit(X, y)
    Xd = da.from_array(X, chunks=150).map_blocks(lambda b: b, dtype=X.dtype)
    got = wrapper.score(Xd, da.from_array(y, chunks=150))
    assert got == pytest.approx(get_scorer(scoring)(sk, X, y), rel=1e-12)


def test_callable_scorer_and_own_score(clf_data):
    X, y = clf_data

    def scorer(est, X_, y_):
        return float(np.mean(est.predict(X_) == y_)) + 1.0

    wrapper = ParallelPostFit(LogisticRegression(), scoring=scorer).fit(X, y)
    Xd = da.from_array(X, chunks=150)
    assert wrapper.score(Xd, da.from_array(y, chunks=150)) == pytest.approx(
        LogisticRegression().fit(X, y).score(X, y) + 1.0
    )

    def peeking(est, X_, y_):
        return est.predict(X_[:10])

    with pytest.raises(ValueError, match="other than the X"):
        ParallelPostFit(LogisticRegression(), scoring=peeking).fit(X, y).score(Xd, y)

    # KMeans.score is its own (negative inertia): computed in memory
    km = ParallelPostFit(KMeans(n_clusters=3, n_init=2, random_state=0)).fit(X)
    sk_km = KMeans(n_clusters=3, n_init=2, random_state=0).fit(X)
    assert km.score(Xd, None) == pytest.approx(sk_km.score(X), rel=1e-12)


# -- meta-estimator behaviour ----------------------------------------------------------------


def test_fit_on_dask_equals_fit_in_memory(clf_data):
    X, y = clf_data
    w = np.linspace(0.5, 1.5, len(y))
    wrapper = ParallelPostFit(SGDClassifier(random_state=0)).fit(
        da.from_array(X, chunks=100), da.from_array(y, chunks=100),
        sample_weight=da.from_array(w, chunks=100),
    )
    sk = SGDClassifier(random_state=0).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(wrapper.coef_, sk.coef_)


def test_attribute_delegation_and_unfitted_errors(fitted):
    wrapper, sk = fitted
    np.testing.assert_array_equal(wrapper.coef_, sk.coef_)
    np.testing.assert_array_equal(wrapper.classes_, sk.classes_)
    assert wrapper.n_features_in_ == 5
    with pytest.raises(AttributeError, match="not fitted"):
        getattr(ParallelPostFit(LogisticRegression()), "coef_")  # noqa: B009
    with pytest.raises(AttributeError):
        getattr(wrapper, "not_an_attribute_")  # noqa: B009
    assert not hasattr(ParallelPostFit(StandardScaler()), "predict")
    assert hasattr(ParallelPostFit(StandardScaler()), "transform")


def test_pickle_round_trip(fitted, clf_data):
    X, _ = clf_data
    wrapper, _ = fitted
    Xd = da.from_array(X, chunks=150)
    for dumps, loads in ((pickle.dumps, pickle.loads), (cloudpickle.dumps, pickle.loads)):
        back = loads(dumps(wrapper))
        np.testing.assert_array_equal(back.coef_, wrapper.coef_)
        np.testing.assert_array_equal(back.predict(Xd).compute(), wrapper.predict(X))
    lazy = wrapper.predict(Xd)
    np.testing.assert_array_equal(pickle.loads(cloudpickle.dumps(lazy)).compute(), wrapper.predict(X))


def test_bad_input(clf_data):
    X, y = clf_data
    with pytest.raises(ValueError, match="needs an estimator"):
        ParallelPostFit().fit(X, y)
    with pytest.raises(InvalidParameterError, match="scoring"):
        ParallelPostFit(LogisticRegression(), scoring="not-a-scorer").fit(X, y)
    with pytest.raises(InvalidParameterError, match="estimator"):
        ParallelPostFit(estimator="LogisticRegression").fit(X, y)
    with pytest.raises(ValueError, match="requires y"):
        ParallelPostFit(LogisticRegression()).fit(X)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ParallelPostFit(LogisticRegression()).predict(da.from_array(X, chunks=100))
    wrapper = ParallelPostFit(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        wrapper.predict(da.from_array(X[:, :3], chunks=100)).compute()


@pytest.mark.distributed
def test_predict_and_score_on_distributed_client(client, fitted, clf_data):
    X, y = clf_data
    wrapper, sk = fitted
    Xd = da.from_array(X, chunks=100)
    np.testing.assert_array_equal(wrapper.predict(Xd).compute(), sk.predict(X))
    assert wrapper.score(Xd, da.from_array(y, chunks=100)) == pytest.approx(sk.score(X, y))


@pytest.mark.distributed
def test_prefit_predict_and_lazy_score_on_distributed_client(client, clf_data):
    X, y = clf_data
    sk = LogisticRegression().fit(X[:200], y[:200])
    wrapper = ParallelPostFit(sk)
    Xd, yd = da.from_array(X, chunks=100), da.from_array(y, chunks=100)
    np.testing.assert_array_equal(wrapper.predict(Xd).compute(), sk.predict(X))
    lazy = wrapper.score(Xd, yd, compute=False)
    assert isinstance(lazy, Delayed)
    assert lazy.compute() == pytest.approx(sk.score(X, y), rel=1e-12)
    assert client.compute(lazy).result() == pytest.approx(sk.score(X, y), rel=1e-12)
    assert wrapper.score(Xd, yd) == pytest.approx(sk.score(X, y), rel=1e-12)


@settings(max_examples=15, deadline=None)
@given(sizes=st.lists(st.integers(0, 60), min_size=1, max_size=6).filter(lambda s: sum(s) > 0))
def test_chunking_does_not_change_predictions(sizes):
    X, y = make_classification(n_samples=120, n_features=4, random_state=1)
    wrapper = ParallelPostFit(LogisticRegression()).fit(X, y)
    n = sum(sizes)
    Xs = np.resize(X, (n, 4))
    Xd = da.from_array(Xs, chunks=(tuple(sizes), 4))
    with dask.config.set(scheduler="sync"):
        np.testing.assert_array_equal(wrapper.predict(Xd).compute(), wrapper.predict(Xs))
        np.testing.assert_allclose(
            wrapper.predict_proba(Xd).compute(), wrapper.predict_proba(Xs), rtol=1e-12
        )


def test_a_narrower_integer_meta_that_holds_the_labels_is_honoured(clf_data):
    X, y = clf_data
    wrapper = ParallelPostFit(LogisticRegression(), predict_meta=np.array([], dtype="int8"))
    pred = wrapper.fit(X, y).predict(da.from_array(X, chunks=200)).compute()
    assert pred.dtype == np.int8
    np.testing.assert_array_equal(pred, wrapper.estimator_.predict(X))


def test_blockwise_r2_of_a_target_with_a_large_mean_equals_sklearn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 3))
    y = 1e8 + X @ np.array([1.0, 0.5, -0.8]) + rng.normal(scale=0.7, size=20_000)
    wrapper = ParallelPostFit(LinearRegression()).fit(X, y)
    expected = wrapper.estimator_.score(X, y)
    assert 0.5 < expected < 0.9
    Xd, yd = da.from_array(X, chunks=1_000), da.from_array(y, chunks=1_000)
    assert wrapper.score(Xd, yd) == pytest.approx(expected, rel=1e-9)
    frame = dd.from_pandas(pd.DataFrame(X), npartitions=20)
    assert wrapper.score(frame, dd.from_pandas(pd.Series(y), npartitions=20)) == pytest.approx(
        expected, rel=1e-9
    )


@pytest.mark.parametrize(
    "values, dtype",
    [
        (np.array([-1, 5]), "uint64"),  # the bits come back, the sign does not
        (np.array([2**63], dtype=np.uint64), "int64"),
        (np.array([2**53 + 1]), "float64"),  # an integer label float64 cannot hold
        (np.array([1e300]), "float32"),  # overflows to inf
        (np.array(["é"]), "S2"),  # not ASCII
        (np.array([0, 1, 2]), "bool"),
        (np.array([1.5]), "int64"),
        (np.array([np.nan]), "int64"),
    ],
)
def test_casts_that_change_a_value_contradict_the_meta(values, dtype):
    from dask_scale.wrappers._blockwise import _cast_keeps_values

    assert _cast_keeps_values(values, dtype) is None


@pytest.mark.parametrize(
    "values, dtype",
    [
        (np.array([0, 1, 2]), "int8"),
        (np.array([0, 1]), "bool"),
        (np.array([1, 2]), "float64"),
        (np.array([1.0, 2.5]), "float32"),
        (np.array([1.0, np.nan]), "float32"),
        (np.array(["ab"]), "U4"),
    ],
)
def test_casts_that_keep_the_values_are_made(values, dtype):
    from dask_scale.wrappers._blockwise import _cast_keeps_values

    out = _cast_keeps_values(values, dtype)
    assert out is not None and out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.astype(values.dtype), values)


# -- an already fitted estimator (dask-ml: "train on a sample, predict on the large data") ---

KINDS = ["numpy", "dask_array", "unknown_chunks", "dask_frame"]


def _as_kind(X, kind, chunks=150):
    """X as the given kind of input, same rows in the same order."""
    if kind == "numpy":
        return X
    if kind == "dask_frame":
        return dd.from_pandas(pd.DataFrame(X, columns=COLS[: X.shape[1]]), npartitions=4)
    Xd = da.from_array(X, chunks=chunks)
    if kind == "unknown_chunks":
        Xd = Xd[da.isfinite(Xd[:, 0])]  # every row kept, row chunk sizes unknown
        assert np.isnan(Xd.shape[0])
    return Xd


def _fit_input(X, kind):
    """What the in-memory model is trained on: a pandas frame when it predicts on frames."""
    return pd.DataFrame(X, columns=COLS[: X.shape[1]]) if kind == "dask_frame" else X


def _values(out):
    (out,) = dask.compute(out)
    return out.to_numpy() if isinstance(out, (pd.Series, pd.DataFrame)) else np.asarray(out)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "make, methods",
    [
        (LogisticRegression, ["predict", "predict_proba", "predict_log_proba", "decision_function"]),
        (StandardScaler, ["transform"]),
        (lambda: KMeans(n_clusters=3, n_init=2, random_state=0), ["predict", "transform"]),
    ],
    ids=["LogisticRegression", "StandardScaler", "KMeans"],
)
def test_prefit_estimator_predicts_without_fit(clf_data, kind, make, methods):
    X, y = clf_data
    sample = slice(0, 200)  # trained in memory on a sample, applied to all the data
    sk = make().fit(_fit_input(X[sample], kind), y[sample])
    wrapper = ParallelPostFit(sk)
    Xk = _as_kind(X, kind)
    for method in methods:
        out = getattr(wrapper, method)(Xk)
        assert type(out).__module__.startswith("dask") == (kind != "numpy"), method
        expected = getattr(sk, method)(_fit_input(X, kind))
        np.testing.assert_allclose(_values(out), expected, rtol=1e-12, atol=1e-12, err_msg=method)
    assert "estimator_" not in vars(wrapper)  # nothing was fitted, nothing copied
    check_is_fitted(wrapper)


@pytest.mark.parametrize("kind", KINDS[1:])
def test_prefit_score_and_lazy_score(clf_data, kind):
    X, y = clf_data
    sk = LogisticRegression().fit(X[:200], y[:200])
    wrapper = ParallelPostFit(sk)
    Xk = _as_kind(X, kind)
    yk = da.from_array(y, chunks=150)
    if kind == "unknown_chunks":
        yk = yk[da.isfinite(da.from_array(X[:, 0], chunks=150))]
    if kind == "dask_frame":
        yk = dd.from_pandas(pd.Series(y, name="target"), npartitions=4)
        sk = LogisticRegression().fit(_fit_input(X[:200], kind), y[:200])
        wrapper = ParallelPostFit(sk)
    expected = sk.score(_fit_input(X, kind), y)
    eager = wrapper.score(Xk, yk)
    assert isinstance(eager, float) and eager == pytest.approx(expected, rel=1e-12)
    lazy = wrapper.score(Xk, yk, compute=False)
    assert isinstance(lazy, Delayed)
    assert lazy.compute() == eager
    (again,) = dask.compute(lazy)
    assert again == eager


def test_lazy_score_builds_without_computing_and_matches_every_scoring(clf_data):
    X, y = clf_data
    Xd = da.from_array(X, chunks=150).map_blocks(_raise_if_computed, dtype=X.dtype)
    for scoring in (None, "accuracy"):
        wrapper = ParallelPostFit(LogisticRegression().fit(X, y), scoring=scoring)
        wrapper.score(Xd, da.from_array(y, chunks=150), compute=False)  # no data computed
    Xd = da.from_array(X, chunks=150)
    yr = X @ np.arange(1.0, 6.0)
    for scoring in (None, "r2", "neg_mean_squared_error", "neg_mean_absolute_error"):
        wrapper = ParallelPostFit(LinearRegression().fit(X[:300], yr[:300]), scoring=scoring)
        ydr = da.from_array(yr, chunks=150)
        lazy = wrapper.score(Xd, ydr, compute=False)
        assert isinstance(lazy, Delayed)
        assert lazy.compute() == wrapper.score(Xd, ydr), scoring
    # the estimator's own score (KMeans: negative inertia): one lazy task on computed X
    km = KMeans(n_clusters=3, n_init=2, random_state=0).fit(X)
    lazy = ParallelPostFit(km).score(Xd, None, compute=False)
    assert isinstance(lazy, Delayed)
    assert lazy.compute() == pytest.approx(km.score(X), rel=1e-12)
    # the metrics' scorers on predict_proba are lazy too (dask_scale.metrics.log_loss)
    wrapper = ParallelPostFit(LogisticRegression().fit(X, y), scoring="neg_log_loss")
    lazy = wrapper.score(Xd, da.from_array(y, chunks=150), compute=False)
    assert isinstance(lazy, Delayed)
    assert lazy.compute() == pytest.approx(
        get_scorer("neg_log_loss")(wrapper.estimator, X, y), rel=1e-12
    )
    # a scorer outside dask_scale.metrics.SCORERS calls the estimator itself, so it cannot
    # be lazy: computed now, with a warning
    wrapper = ParallelPostFit(LogisticRegression().fit(X, y), scoring="neg_brier_score")
    with pytest.warns(UserWarning, match="computed now"):
        got = wrapper.score(Xd, da.from_array(y, chunks=150), compute=False)
    expected = get_scorer("neg_brier_score")(wrapper.estimator, X, y)
    assert got == pytest.approx(expected, rel=1e-12)
    # in-memory input is scored now, whatever compute (as dask-ml)
    assert wrapper.score(X, y, compute=False) == expected


def test_prefit_scoring_parameter_and_attributes(clf_data):
    X, y = clf_data
    sk = LogisticRegression().fit(X[:200], y[:200])
    wrapper = ParallelPostFit(sk, scoring="accuracy")
    np.testing.assert_array_equal(wrapper.classes_, sk.classes_)
    np.testing.assert_array_equal(wrapper.coef_, sk.coef_)
    assert wrapper.n_features_in_ == 5
    Xd, yd = da.from_array(X, chunks=150), da.from_array(y, chunks=150)
    assert wrapper.score(Xd, yd) == pytest.approx(sk.score(X, y), rel=1e-12)
    # fitting the wrapper trains a clone: the wrapped model is untouched, estimator_ is used
    coef = sk.coef_.copy()
    wrapper.fit(X[200:], y[200:])
    np.testing.assert_array_equal(sk.coef_, coef)
    refit = LogisticRegression().fit(X[200:], y[200:])
    np.testing.assert_array_equal(wrapper.coef_, refit.coef_)
    np.testing.assert_array_equal(wrapper.predict(Xd).compute(), refit.predict(X))
    # a stateless estimator counts as fitted (scikit-learn's requires_fit tag)
    from sklearn.preprocessing import FunctionTransformer

    ft = ParallelPostFit(FunctionTransformer(np.log1p))
    np.testing.assert_allclose(ft.transform(da.from_array(np.abs(X), chunks=150)).compute(), np.log1p(np.abs(X)))
    # pickles and clones like any estimator (a clone is not fitted)
    back = pickle.loads(pickle.dumps(ParallelPostFit(sk)))
    np.testing.assert_array_equal(back.predict(Xd).compute(), sk.predict(X))
    with pytest.raises(NotFittedError):
        clone(ParallelPostFit(sk)).predict(Xd)


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function", "score"]
)
def test_nothing_fitted_raises_not_fitted_error(clf_data, method):
    X, y = clf_data
    wrapper = ParallelPostFit(LogisticRegression())
    args = (y,) if method == "score" else ()
    for Xk in (X, da.from_array(X, chunks=150)):
        with pytest.raises(NotFittedError, match="neither is the estimator it wraps"):
            getattr(wrapper, method)(Xk, *args)
    with pytest.raises(NotFittedError):
        ParallelPostFit(StandardScaler()).transform(da.from_array(X, chunks=150))
    with pytest.raises(NotFittedError):
        check_is_fitted(wrapper)
    with pytest.raises(AttributeError, match="not fitted"):
        wrapper.classes_  # noqa: B018


class _SeesBlocks(ClassifierMixin, BaseEstimator):
    """Records the type of every block its predict is given; sparse per its tags."""

    def __init__(self, sparse=False):
        self.sparse = sparse

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        assert sp.issparse(X) == self.sparse, type(X)
        return np.zeros(X.shape[0], dtype=int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.sparse
        return tags


@pytest.mark.parametrize("accepts", [False, True])
def test_sparse_blocks_densified_unless_the_estimator_accepts_sparse(accepts):
    Xn = np.eye(12, 3)
    Xs = da.from_array(Xn, chunks=(4, 3)).map_blocks(sp.csr_matrix, meta=sp.csr_matrix((0, 3)))
    est = _SeesBlocks(sparse=accepts).fit(Xn, np.arange(12) % 2)
    out = ParallelPostFit(est).predict(Xs)
    np.testing.assert_array_equal(out.compute(), np.zeros(12))


@pytest.mark.parametrize("model", [LogisticRegression(), KMeans(2, n_init=1, random_state=0)])
def test_predict_on_sparse_blocks_equals_the_dense_predict(model):
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    X[np.abs(X) < 0.5] = 0.0
    model.fit(X, y)
    Xs = da.from_array(X, chunks=(10, 4)).map_blocks(sp.csr_matrix, meta=sp.csr_matrix((0, 4)))
    np.testing.assert_array_equal(ParallelPostFit(model).predict(Xs).compute(), model.predict(X))


def test_graph_keys_follow_the_content_of_the_estimator_and_the_data():
    # one task spec, one key: the same predict/score twice shares its keys (dask can reuse
    # the work); another fitted model or other data gets new ones
    from sklearn.linear_model import LogisticRegression as SkLogistic

    rng = np.random.default_rng(0)
    Xn = rng.normal(size=(60, 3))
    yn = (Xn[:, 0] > 0).astype(int)
    X, y = da.from_array(Xn, chunks=20), da.from_array(yn, chunks=20)
    a = ParallelPostFit(SkLogistic().fit(Xn, yn))
    assert a.predict(X).name == a.predict(X).name
    assert a.predict(X).name != a.predict_proba(X).name
    assert a.predict(X).name != a.predict(X + 1).name
    b = ParallelPostFit(SkLogistic(C=0.01).fit(Xn, yn))
    assert a.predict(X).name != b.predict(X).name
    # (a blockwise score's reduction has keys of its own per call: unique, never reused)
    s1, s2 = a.score(X, y, compute=False), a.score(X, y, compute=False)
    assert s1.compute() == s2.compute() == a.score(X, y)
    from sklearn.cluster import KMeans as SkKMeans

    own = ParallelPostFit(SkKMeans(n_clusters=2, n_init=1, random_state=0).fit(Xn))
    assert own.score(X, y, compute=False).key == own.score(X, y, compute=False).key
