"""set_output(transform="pandas") on every dask_scale transformer (dask_scale._set_output).

NumPy and pandas input give scikit-learn's pandas DataFrame; dask input gives a lazy dask
DataFrame with ``get_feature_names_out`` columns (and the index and divisions of a dask
DataFrame input), with the values of the default output; "polars" is refused for dask input.
"""

from __future__ import annotations

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import DOCUMENT_INPUT
from dask.callbacks import Callback
from sklearn.base import TransformerMixin as SklearnTransformerMixin
from sklearn.base import clone

from dask_scale._set_output import TransformerMixin
from dask_scale.cluster import KMeans
from dask_scale.compose import ColumnTransformer
from dask_scale.decomposition import PCA, IncrementalPCA, TruncatedSVD
from dask_scale.impute import SimpleImputer
from dask_scale.preprocessing import (
    Categorizer,
    DummyEncoder,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)
from dask_scale.utils import all_estimators

N = 20
INDEX = pd.Index(np.arange(100, 100 + 3 * N, 3), name="row")  # not 0..n-1, increasing


def _numeric():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, 3))
    X[[2, 7], [0, 2]] = np.nan
    return pd.DataFrame(X, columns=["a", "b", "c"], index=INDEX)


def _small_ints():
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        rng.integers(0, 3, size=(N, 2)).astype(float), columns=["a", "b"], index=INDEX
    )


def _finite():
    return _numeric().fillna(0.5)


def _categorical():
    return pd.DataFrame(
        {"c": pd.Categorical(list("abcab" * 4)), "x": np.arange(N, dtype=float)}, index=INDEX
    )


ALL_KINDS = ("numpy", "pandas", "dask_array", "dask_frame")
FRAME_KINDS = ("pandas", "dask_frame")

# every dask_scale transformer with get_feature_names_out: (estimator, data, input kinds)
CASES = {
    "StandardScaler": (StandardScaler(), _numeric, ALL_KINDS),
    "MinMaxScaler": (MinMaxScaler(), _numeric, ALL_KINDS),
    "RobustScaler": (RobustScaler(), _numeric, ALL_KINDS),
    "QuantileTransformer": (QuantileTransformer(n_quantiles=10), _numeric, ALL_KINDS),
    "SimpleImputer": (SimpleImputer(add_indicator=True), _numeric, ALL_KINDS),
    "PolynomialFeatures": (PolynomialFeatures(), _finite, ALL_KINDS),
    "PolynomialFeatures-preserve": (
        PolynomialFeatures(preserve_dataframe=True),
        _finite,
        ALL_KINDS,
    ),
    "KMeans": (KMeans(n_clusters=2, n_init=1, random_state=0), _finite, ALL_KINDS),
    "PCA": (PCA(n_components=2), _finite, ALL_KINDS),
    "TruncatedSVD": (TruncatedSVD(n_components=2), _finite, ALL_KINDS),
    "IncrementalPCA": (IncrementalPCA(n_components=2), _finite, ALL_KINDS),
    "OneHotEncoder": (OneHotEncoder(sparse_output=False), _small_ints, ALL_KINDS),
    "OrdinalEncoder": (OrdinalEncoder(), _small_ints, ALL_KINDS),
    "Categorizer": (Categorizer(), _categorical, FRAME_KINDS),
    "DummyEncoder": (DummyEncoder(), _categorical, FRAME_KINDS),
    "ColumnTransformer": (
        ColumnTransformer([("s", StandardScaler(), [0, 1]), ("i", SimpleImputer(), [2])]),
        _numeric,
        ALL_KINDS,
    ),
    "ColumnTransformer-arrays": (
        ColumnTransformer(
            [("s", StandardScaler(), [0, 1]), ("p", PolynomialFeatures(), [2])],
            remainder="drop",
            preserve_dataframe=False,
        ),
        _finite,
        ALL_KINDS,
    ),
}

PARAMS = [(name, kind) for name, (_, _, kinds) in CASES.items() for kind in kinds]


def _input(pdf, kind, chunks=7):
    if kind == "numpy":
        return pdf.to_numpy()
    if kind == "pandas":
        return pdf
    if kind == "dask_array":
        return da.from_array(pdf.to_numpy(), chunks=(chunks, -1))
    frame = dd.from_pandas(pdf, npartitions=3, sort=True)
    assert frame.known_divisions
    return frame


class _Computes(Callback):
    """Counts the graphs dask computes while active."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def _start(self, dsk):
        self.count += 1


def _values(out):
    out = dask.compute(out)[0] if dask.is_dask_collection(out) else out
    return np.asarray(out, dtype=float)


def _assert_same_values(out, expected):
    """``out`` holds the values of ``expected`` (frames: the same frame, dtypes included)."""
    if isinstance(expected, (pd.DataFrame, dd.DataFrame)):
        out, expected = dask.compute(out, expected)
        pd.testing.assert_frame_equal(out, expected, check_exact=False, rtol=1e-12)
    else:
        np.testing.assert_allclose(_values(out), _values(expected), rtol=1e-12, equal_nan=True)


def _fitted(name, X, transform=None):
    est = clone(CASES[name][0])
    if transform is not None:
        est.set_output(transform=transform)
    return est.fit(X)


@pytest.mark.parametrize(("name", "kind"), PARAMS)
def test_pandas_output_follows_the_input(name, kind):
    _, data, _ = CASES[name]
    pdf = data()
    X = _input(pdf, kind)
    expected = _fitted(name, X).transform(X)
    est = _fitted(name, X, "pandas")
    with _Computes() as computes:
        out = est.transform(X)
    names = list(est.get_feature_names_out())

    if kind in ("numpy", "pandas"):
        assert isinstance(out, pd.DataFrame)
        index = pdf.index if kind == "pandas" else pd.RangeIndex(N)
        pd.testing.assert_index_equal(out.index, index)
    else:
        assert isinstance(out, dd.DataFrame)
        assert computes.count == 0, "transform computed the output"
        computed = out.compute()
        if kind == "dask_frame":
            assert out.divisions == X.divisions
            pd.testing.assert_index_equal(computed.index, pdf.index)
        else:
            assert out.known_divisions
            assert out.npartitions == X.numblocks[0]
            pd.testing.assert_index_equal(computed.index, pd.RangeIndex(N), exact=False)
        assert list(computed.columns) == names
    assert list(out.columns) == names
    _assert_same_values(out, expected)


@pytest.mark.parametrize(("name", "kind"), PARAMS)
def test_fit_transform_pandas_output(name, kind):
    _, data, _ = CASES[name]
    pdf = data()
    X = _input(pdf, kind)
    est = clone(CASES[name][0]).set_output(transform="pandas")
    out = est.fit_transform(X)
    expected = _fitted(name, X).transform(X)
    frame_type = pd.DataFrame if kind in ("numpy", "pandas") else dd.DataFrame
    assert isinstance(out, frame_type)
    assert list(out.columns) == list(est.get_feature_names_out())
    if kind == "dask_frame":
        assert out.divisions == X.divisions
    _assert_same_values(out, expected)


@pytest.mark.parametrize(("name", "kind"), PARAMS)
def test_default_output_unchanged(name, kind):
    _, data, _ = CASES[name]
    X = _input(data(), kind)
    plain = _fitted(name, X).transform(X)
    out = _fitted(name, X, "default").transform(X)
    assert type(out) is type(plain)
    if kind == "dask_frame" and isinstance(out, dd.DataFrame):
        assert out.divisions == X.divisions
    _assert_same_values(out, plain)


SKLEARN_TWINS = {
    "StandardScaler": "preprocessing.StandardScaler",
    "MinMaxScaler": "preprocessing.MinMaxScaler",
    "RobustScaler": "preprocessing.RobustScaler",
    "QuantileTransformer": "preprocessing.QuantileTransformer",
    "SimpleImputer": "impute.SimpleImputer",
    "PolynomialFeatures": "preprocessing.PolynomialFeatures",
    "OneHotEncoder": "preprocessing.OneHotEncoder",
    "OrdinalEncoder": "preprocessing.OrdinalEncoder",
}


@pytest.mark.parametrize("kind", ["numpy", "pandas"])
@pytest.mark.parametrize("name", sorted(SKLEARN_TWINS))
def test_in_memory_output_is_scikit_learns(name, kind):
    import importlib

    module, cls = SKLEARN_TWINS[name].split(".")
    est, data, _ = CASES[name]
    theirs = getattr(importlib.import_module(f"sklearn.{module}"), cls)()
    shared = theirs.get_params().keys() & est.get_params().keys()
    # None in ours means "the default for this input kind" (OrdinalEncoder's dtype and
    # encoded_missing_value), which scikit-learn spells with its own default.
    theirs.set_params(
        **{k: v for k, v in est.get_params().items() if k in shared and v is not None}
    )
    X = _input(data(), kind)
    out = clone(est).set_output(transform="pandas").fit_transform(X)
    expected = theirs.set_output(transform="pandas").fit_transform(X)
    pd.testing.assert_frame_equal(out, expected, check_exact=False, rtol=1e-7, atol=1e-12)


def test_sklearn_pipeline_of_dask_scale_steps_stays_lazy():
    from sklearn.pipeline import make_pipeline

    pdf = _finite()
    X = _input(pdf, "dask_frame")
    pipe = make_pipeline(StandardScaler(), PolynomialFeatures(degree=2)).set_output(
        transform="pandas"
    )
    pipe.fit(X)
    with _Computes() as computes:
        out = pipe.transform(X)
    assert computes.count == 0
    assert isinstance(out, dd.DataFrame) and out.divisions == X.divisions
    assert list(out.columns) == list(pipe.get_feature_names_out())
    expected = make_pipeline(StandardScaler(), PolynomialFeatures(degree=2))
    expected = expected.set_output(transform="pandas").fit(pdf).transform(pdf)
    pd.testing.assert_frame_equal(out.compute(), expected, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("kind", ["dask_array", "dask_frame"])
def test_global_config_keeps_dask_output_lazy(kind):
    import sklearn

    X = _input(_numeric(), kind)
    with sklearn.config_context(transform_output="pandas"):
        est = StandardScaler().fit(X)
        with _Computes() as computes:
            out = est.transform(X)
    assert isinstance(out, dd.DataFrame)
    assert computes.count == 0
    assert list(out.columns) == (["a", "b", "c"] if kind == "dask_frame" else ["x0", "x1", "x2"])


def test_unknown_row_chunks():
    # a dask array has no index: with unknown row chunks each partition is numbered from 0
    pdf = _numeric()
    X = da.from_array(pdf.to_numpy(), chunks=(7, -1))
    X = X[da.ones(N, dtype=bool, chunks=7)]
    assert np.isnan(X.shape[0])
    est = StandardScaler().set_output(transform="pandas").fit(X)
    with _Computes() as computes:
        out = est.transform(X)
    assert computes.count == 0
    assert isinstance(out, dd.DataFrame)
    assert not out.known_divisions and out.npartitions == 3
    computed = out.compute()
    assert computed.index.tolist() == [*range(7), *range(7), *range(6)]
    expected = StandardScaler().fit(pdf.to_numpy()).transform(pdf.to_numpy())
    np.testing.assert_allclose(computed.to_numpy(), expected, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("kind", ["dask_array", "dask_frame"])
def test_polars_refused_for_dask_input(kind):
    X = _input(_numeric(), kind)
    est = StandardScaler().set_output(transform="polars")
    with pytest.raises(ValueError, match="not supported for dask input"):
        est.fit_transform(X)
    assert not hasattr(est, "mean_"), "the error should come before the fit"
    est = StandardScaler().fit(X).set_output(transform="polars")
    with pytest.raises(ValueError, match=r"set_output\(transform='pandas'\)"):
        est.transform(X)


def test_input_frame_not_renamed():
    pdf = _finite()
    X = _input(pdf, "dask_frame")
    out = PolynomialFeatures(preserve_dataframe=True).set_output(transform="pandas")
    out = out.fit_transform(X)
    assert list(X.columns) == ["a", "b", "c"]
    assert "a b" in out.columns


class _SparseBlocks(TransformerMixin):
    """A transformer of this package's mixin whose dask output has scipy sparse blocks."""

    def fit(self, X, y=None):
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        import scipy.sparse as sp

        return X.map_blocks(sp.csr_matrix, meta=sp.csr_matrix((0, 0)))

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"f{i}" for i in range(self.n_features_in_)], dtype=object)


def test_sparse_dask_output_refused():
    X = _input(_finite(), "dask_array")
    est = _SparseBlocks().fit(X)
    assert isinstance(est.transform(X), da.Array)
    with pytest.raises(ValueError, match="sparse"):
        est.set_output(transform="pandas").transform(X)


def test_subclasses_get_the_wrapper():
    class Scaled(StandardScaler):
        def transform(self, X, copy=None):
            return super().transform(X, copy=copy) * 2

    X = _input(_numeric(), "dask_frame")
    est = Scaled().set_output(transform="pandas").fit(X)
    with _Computes() as computes:
        out = est.transform(X)
    assert computes.count == 0
    assert isinstance(out, dd.DataFrame) and out.divisions == X.divisions
    expected = StandardScaler().fit(X).transform(X) * 2
    _assert_same_values(out, expected)


def test_every_transformer_uses_the_mixin_and_is_tested():
    transformers = [
        (name, cls)
        for name, cls in all_estimators()
        if issubclass(cls, SklearnTransformerMixin)
    ]
    assert transformers
    for name, cls in transformers:
        assert issubclass(cls, TransformerMixin), (
            f"{name} inherits scikit-learn's TransformerMixin: use "
            "dask_scale._set_output.TransformerMixin so set_output keeps dask output lazy"
        )
    # the document vectorizers' output is sparse, which no DataFrame holds (as scikit-learn's
    # set_output refuses it): tested in tests/feature_extraction
    named = {
        name
        for name, cls in transformers
        if hasattr(cls, "get_feature_names_out") and name not in DOCUMENT_INPUT
    }
    tested = {type(est).__name__ for est, _, _ in CASES.values()}
    assert named <= tested, f"add {sorted(named - tested)} to CASES"
