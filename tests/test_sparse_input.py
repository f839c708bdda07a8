"""In-memory scipy.sparse ``X``: densified (as a whole) by the estimators whose scikit-learn
counterpart accepts sparse input, refused with scikit-learn's error by the others; the
output type (dense, or the sparse format scikit-learn returns) compared with
scikit-learn's on the same data."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn.cluster as skc
import sklearn.compose as skcomp
import sklearn.impute as ski
import sklearn.linear_model as sklm
import sklearn.preprocessing as skp
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags

from dask_scale.cluster import KMeans
from dask_scale.compose import ColumnTransformer
from dask_scale.impute import SimpleImputer
from dask_scale.linear_model import LinearRegression, LogisticRegression, PoissonRegression
from dask_scale.preprocessing import (
    BlockTransformer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)
from dask_scale.wrappers import ParallelPostFit

FORMATS = {
    "csr_matrix": sp.csr_matrix,
    "csc_matrix": sp.csc_matrix,
    "coo_matrix": sp.coo_matrix,
    "csr_array": sp.csr_array,
    "csc_array": sp.csc_array,
}


def _data(nan=False):
    rng = np.random.RandomState(0)
    X = rng.rand(50, 3)
    X[X < 0.5] = 0.0
    if nan:
        X[[3, 17, 40], [0, 1, 2]] = np.nan
    y = (X[:, 0] + X[:, 1] > 0.6).astype(int)
    return X, y


# (dask_scale estimator, scikit-learn counterpart, fitted attributes, output method)
ACCEPTING = {
    "KMeans": (
        lambda: KMeans(n_clusters=2, init=np.array([[0.0, 0, 0], [1, 1, 1]]), n_init=1),
        lambda: skc.KMeans(n_clusters=2, init=np.array([[0.0, 0, 0], [1, 1, 1]]), n_init=1),
        ["cluster_centers_", "inertia_"],
        "predict",
    ),
    "LogisticRegression": (
        lambda: LogisticRegression(tol=1e-10, max_iter=1000),
        lambda: sklm.LogisticRegression(tol=1e-10, max_iter=1000),
        ["coef_", "intercept_"],
        "predict_proba",
    ),
    "LinearRegression": (
        lambda: LinearRegression(penalty=None),
        sklm.LinearRegression,
        ["coef_", "intercept_"],
        "predict",
    ),
    "PoissonRegression": (
        lambda: PoissonRegression(penalty=None, tol=1e-10, max_iter=1000),
        lambda: sklm.PoissonRegressor(alpha=0.0, tol=1e-10, max_iter=1000),
        ["coef_", "intercept_"],
        "predict",
    ),
    "StandardScaler": (
        lambda: StandardScaler(with_mean=False),
        lambda: skp.StandardScaler(with_mean=False),
        ["scale_", "var_"],
        "transform",
    ),
    "RobustScaler": (
        lambda: RobustScaler(with_centering=False),
        lambda: skp.RobustScaler(with_centering=False),
        ["scale_"],
        "transform",
    ),
    "QuantileTransformer": (
        lambda: QuantileTransformer(n_quantiles=20),
        lambda: skp.QuantileTransformer(n_quantiles=20),
        ["quantiles_"],
        "transform",
    ),
    "SimpleImputer": (
        SimpleImputer,
        ski.SimpleImputer,
        ["statistics_"],
        "transform",
    ),
    "PolynomialFeatures": (
        PolynomialFeatures,
        skp.PolynomialFeatures,
        ["n_output_features_"],
        "transform",
    ),
}


def _dense(a):
    return a.toarray() if sp.issparse(a) else np.asarray(a)


def _fit(make, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. LinearRegression's solver note
        return make().fit(X, y)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", list(ACCEPTING))
def test_sparse_fit_equals_dense_fit_and_output_type_is_sklearns(name, fmt):
    make, make_sk, attributes, method = ACCEPTING[name]
    X, y = _data(nan=name == "SimpleImputer")
    Xs = FORMATS[fmt](X)
    dense, sparse = _fit(make, X, y), _fit(make, Xs, y)
    for attr in attributes:
        np.testing.assert_allclose(
            getattr(sparse, attr), getattr(dense, attr), rtol=1e-12, atol=1e-14, err_msg=attr
        )
    out, out_dense = getattr(sparse, method)(Xs), getattr(dense, method)(X)
    expected = getattr(make_sk().fit(Xs, y), method)(Xs)
    # the container is scikit-learn's: dense for predictions, its sparse format (matrix or
    # array as the input) for the sparsity-preserving transformers
    expected_type = type(expected)
    if name == "PolynomialFeatures" and isinstance(Xs, sp.sparray):
        # scikit-learn gives a sparse *matrix* for a sparse array here (alone among its
        # transformers); dask_scale keeps the input's kind
        expected_type = {"csr": sp.csr_array, "csc": sp.csc_array}[expected.format]
    assert type(out) is expected_type, (type(out), expected_type)
    if sp.issparse(expected):
        assert out.format == expected.format
        if name == "QuantileTransformer":
            # scikit-learn maps the stored values only: implicit zeros stay zero
            assert out.nnz == sp.coo_matrix(Xs).nnz
            stored = sp.coo_matrix(Xs)
            np.testing.assert_allclose(
                out.toarray()[stored.row, stored.col],
                out_dense[stored.row, stored.col],
                rtol=1e-12,
            )
        else:
            np.testing.assert_allclose(out.toarray(), out_dense, rtol=1e-12)
    else:
        np.testing.assert_allclose(out, out_dense, rtol=1e-12)
    np.testing.assert_allclose(_dense(out), _dense(expected), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "make, make_sk",
    [
        (lambda: StandardScaler(with_mean=False), lambda: skp.StandardScaler(with_mean=False)),
        (
            lambda: RobustScaler(with_centering=False),
            lambda: skp.RobustScaler(with_centering=False),
        ),
        (
            lambda: QuantileTransformer(n_quantiles=20),
            lambda: skp.QuantileTransformer(n_quantiles=20),
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["csr_matrix", "csc_array"])
def test_sparse_inverse_transform_is_sklearns(make, make_sk, fmt):
    X, _ = _data()
    Xs = FORMATS[fmt](X)
    ours, theirs = make().fit(Xs), make_sk().fit(Xs)
    Xt = theirs.transform(Xs)
    back, expected = ours.inverse_transform(Xt), theirs.inverse_transform(Xt)
    assert type(back) is type(expected) and back.format == expected.format
    np.testing.assert_allclose(back.toarray(), expected.toarray(), rtol=1e-9, atol=1e-12)
    # fit_transform follows transform
    assert type(make().fit_transform(Xs)) is type(Xt)


def _refusal(make, X, y):
    try:
        make().fit(X, y)
    except (TypeError, ValueError) as exc:
        return exc
    raise AssertionError(f"{make} accepted sparse input")


@pytest.mark.parametrize(
    "make, make_sk",
    [
        (StandardScaler, skp.StandardScaler),
        (RobustScaler, skp.RobustScaler),
        (MinMaxScaler, skp.MinMaxScaler),
        (lambda: SimpleImputer(missing_values=0), lambda: ski.SimpleImputer(missing_values=0)),
        (OneHotEncoder, skp.OneHotEncoder),
        (OrdinalEncoder, skp.OrdinalEncoder),
    ],
)
@pytest.mark.parametrize("fmt", ["csr_matrix", "csc_array"])
def test_sklearns_sparse_refusals_are_kept(make, make_sk, fmt):
    X, y = _data()
    Xs = FORMATS[fmt](X)
    expected = _refusal(make_sk, Xs, y)
    with pytest.raises(type(expected), match=re.escape(str(expected).split("\n")[0])):
        make().fit(Xs, y)
    # the tag is scikit-learn's (True for SimpleImputer, whose refusal depends on a value)
    assert get_tags(make()).input_tags.sparse is get_tags(make_sk()).input_tags.sparse


def test_quantile_transformer_refuses_negative_sparse_input_as_sklearn():
    X, _ = _data()
    Xs = sp.csr_matrix(-X)
    expected = _refusal(skp.QuantileTransformer, Xs, None)
    with pytest.raises(ValueError, match=re.escape(str(expected))):
        QuantileTransformer().fit(Xs)
    fitted = QuantileTransformer(n_quantiles=20).fit(X)
    with pytest.raises(ValueError, match="non-negative sparse"):
        fitted.transform(Xs)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (StandardScaler(), skp.StandardScaler()),
        (StandardScaler(with_mean=False), skp.StandardScaler(with_mean=False)),
        (RobustScaler(), skp.RobustScaler()),
        (RobustScaler(with_centering=False), skp.RobustScaler(with_centering=False)),
        (MinMaxScaler(), skp.MinMaxScaler()),
        (QuantileTransformer(), skp.QuantileTransformer()),
        (PolynomialFeatures(), skp.PolynomialFeatures()),
        (SimpleImputer(), ski.SimpleImputer()),
        (KMeans(), skc.KMeans()),
        (LogisticRegression(), sklm.LogisticRegression()),
        (LinearRegression(), sklm.LinearRegression()),
        (PoissonRegression(), sklm.PoissonRegressor()),
        (OneHotEncoder(), skp.OneHotEncoder()),
        (OrdinalEncoder(), skp.OrdinalEncoder()),
        (
            ColumnTransformer([("s", StandardScaler(with_mean=False), [0])]),
            skcomp.ColumnTransformer([("s", skp.StandardScaler(with_mean=False), [0])]),
        ),
        (
            ColumnTransformer([("s", StandardScaler(), [0])]),
            skcomp.ColumnTransformer([("s", skp.StandardScaler(), [0])]),
        ),
        (
            BlockTransformer(np.abs, validate=True),
            skp.FunctionTransformer(np.abs, validate=True),
        ),
        (
            BlockTransformer(np.abs, validate=False),
            skp.FunctionTransformer(np.abs, validate=False),
        ),
    ],
    ids=repr,
)
def test_sparse_tag_is_sklearns(ours, theirs):
    assert get_tags(ours).input_tags.sparse is get_tags(theirs).input_tags.sparse


def test_block_transformer_validate_refuses_sparse_with_the_way_out():
    X, _ = _data()
    # scikit-learn's message first, then what to pass instead
    with pytest.raises(TypeError, match=r"^Sparse data was passed.*sparse_output=False"):
        BlockTransformer(np.abs, validate=True).fit(sp.csr_matrix(X))
    out = BlockTransformer(abs, validate=False).fit_transform(sp.csr_matrix(-X))
    assert sp.issparse(out)  # validate=False hands X to func as it is, as scikit-learn's
    np.testing.assert_array_equal(out.toarray(), X)


def test_onehot_logistic_pipeline_on_strings_equals_sklearns():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.choice(list("abcd"), 300), rng.choice(["x", "y", "z"], 300)])
    logits = (X[:, 0] == "a") * 1.5 - (X[:, 1] == "z") * 1.0 + rng.normal(0, 1, 300)
    y = (logits > 0).astype(int)
    ours = make_pipeline(OneHotEncoder(), LogisticRegression(tol=1e-10, max_iter=1000))
    theirs = make_pipeline(
        skp.OneHotEncoder(), sklm.LogisticRegression(tol=1e-10, max_iter=1000)
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    assert sp.issparse(ours[0].transform(X))  # the encoder's default sparse output
    np.testing.assert_allclose(ours[-1].coef_, theirs[-1].coef_, rtol=1e-6)
    np.testing.assert_allclose(ours[-1].intercept_, theirs[-1].intercept_, rtol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-6)


@pytest.mark.parametrize("threshold", [0.3, 0.9])
@pytest.mark.parametrize("remainder", ["drop", "passthrough"])
def test_column_transformer_passes_sparse_columns_on_as_sklearn(threshold, remainder):
    X, _ = _data()
    Xs = sp.csr_matrix(X)

    def make(mod, scaler):
        return mod.ColumnTransformer(
            [("s", scaler(with_mean=False), [0, 1])],
            remainder=remainder,
            sparse_threshold=threshold,
        )

    import dask_scale.compose as dcomp
    import dask_scale.preprocessing as dprep

    out = make(dcomp, dprep.StandardScaler).fit_transform(Xs)
    expected = make(skcomp, skp.StandardScaler).fit_transform(Xs)
    assert sp.issparse(out) == sp.issparse(expected)
    np.testing.assert_allclose(_dense(out), _dense(expected), rtol=1e-12)
    # a transformer that refuses sparse input refuses its sparse columns
    with pytest.raises(ValueError, match="Cannot center sparse matrices"):
        dcomp.ColumnTransformer([("s", dprep.StandardScaler(), [0])]).fit(
            pd.DataFrame(X).astype(pd.SparseDtype(float, 0.0))
        )


def test_frame_of_pandas_sparse_columns_is_densified_with_its_names():
    X, _ = _data()
    frame = pd.DataFrame.sparse.from_spmatrix(sp.csr_matrix(X), columns=list("abc"))
    ours = StandardScaler(with_mean=False).fit(frame)
    theirs = skp.StandardScaler(with_mean=False).fit(frame)
    np.testing.assert_array_equal(ours.feature_names_in_, theirs.feature_names_in_)
    np.testing.assert_allclose(ours.scale_, theirs.scale_, rtol=1e-12)
    out, expected = ours.transform(frame), theirs.transform(frame)
    assert type(out) is type(expected) and out.format == expected.format
    np.testing.assert_allclose(out.toarray(), expected.toarray(), rtol=1e-12)


def test_parallel_post_fit_forwards_sparse_input():
    X, y = _data()
    Xs = sp.csr_matrix(X)
    wrapped = ParallelPostFit(LogisticRegression(tol=1e-10)).fit(Xs, y)
    dense = LogisticRegression(tol=1e-10).fit(X, y)
    np.testing.assert_allclose(wrapped.estimator_.coef_, dense.coef_, rtol=1e-12)
    np.testing.assert_allclose(wrapped.predict_proba(Xs), dense.predict_proba(X), rtol=1e-12)
