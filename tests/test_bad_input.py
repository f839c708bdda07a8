"""Bad and unusual input across every public estimator: a clear error or the documented result.

The table crosses every estimator of :func:`dask_scale.utils.all_estimators` (but the searches,
``_helpers.SEARCHES``) with the input
cases below. What an estimator is (classifier, regressor, clusterer, transformer; needs y;
allows NaN; takes strings) comes from its scikit-learn tags, and what data it takes from its
*domain* (``DOMAINS``): float features, small integer codes (encoders), or DataFrames only.
Each case either

- expects an error: the exception type and a fragment of a message that tells the user what
  is wrong, raised at ``fit`` / ``predict`` (for dask input: by the time the result is
  computed, and for metadata problems at the call itself), or
- is valid input: the fit must equal the fit on the plain version of the same data (NumPy,
  or the same dask array without the oddity), and so must the predictions.

Every test runs under a 60 s alarm: nothing may hang.
"""

from __future__ import annotations

import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import default_instance, seeded, table_estimators, time_limit
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.utils import get_tags

N, D, ROWS = 120, 4, 40  # 3 row blocks of 40 rows

# How an estimator's input looks: "float" features, "codes" (small integers, as encoders
# take), "frame" (DataFrame transformers: arrays other than numeric NumPy are refused),
# "function" (a function applied to the blocks as they are, no checks: validate=False),
# "target" (a 1-D array of labels, as LabelEncoder takes).
DOMAINS = {
    "OneHotEncoder": "codes",
    "OrdinalEncoder": "codes",
    "Categorizer": "frame",
    "DummyEncoder": "frame",
    "BlockTransformer": "function",
    "LabelEncoder": "target",
}
# fit reads only metadata (no pass over dask input), so what only the values show (NaN,
# inf, no rows behind unknown chunk sizes) is found when the output is computed.
METADATA_FIT = {"PolynomialFeatures", "BlockTransformer"}

# Meta-estimators wrapping a scikit-learn estimator: it checks its input when the blocks are
# predicted (at compute time), not when the lazy result is built.
WRAPPERS = {"ParallelPostFit", "Incremental"}
# Fit gathers the data into memory (documented), so in-memory y always matches.
IN_MEMORY_FIT = {"ParallelPostFit"}

ESTIMATORS = dict(table_estimators())


def _instance(name):
    est = seeded(default_instance(name, ESTIMATORS[name]))
    params = est.get_params(deep=False)
    if "n_clusters" in params:
        est.set_params(n_clusters=3)  # the data has three well-separated blobs
    if "n_quantiles" in params:
        est.set_params(n_quantiles=100)  # fewer than the 120 samples
    if "shuffle_blocks" in params:
        # the block order would depend on the number of blocks, which some cases change
        est.set_params(shuffle_blocks=False)
    return est


def _info(name):
    est = _instance(name)
    tags = get_tags(est)
    return {
        "type": tags.estimator_type,
        "transformer": tags.transformer_tags is not None,
        "supervised": tags.target_tags.required,
        "allow_nan": tags.input_tags.allow_nan,
        # strings are categories for the encoders (a ColumnTransformer's tag says it *may*
        # route strings, which the default one, a StandardScaler, does not take)
        "string": tags.input_tags.string and DOMAINS.get(name) == "codes",
        "positive_y": tags.target_tags.positive_only,
        "domain": DOMAINS.get(name, "float"),
    }


INFO = {name: _info(name) for name in ESTIMATORS}
# Estimators with neither predict nor transform (SpectralClustering: labels_ only, as
# scikit-learn's): the tests of predict-time input leave them out.
FIT_ONLY = {
    name for name, cls in ESTIMATORS.items()
    if not (hasattr(cls, "predict") or hasattr(cls, "transform"))
}


@pytest.fixture(autouse=True)
def _no_hang(request):
    with time_limit(60, "the test"):
        yield


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def _numpy_data(name, seed=0):
    """``(X, y)`` for ``name``: three blobs (or codes), a target matching its type."""
    info = INFO[name]
    rng = np.random.default_rng(seed)
    labels = np.arange(N) % 3
    if info["domain"] == "codes":
        X = rng.integers(0, 3, size=(N, D)).astype(np.float64)
    else:
        centres = np.array([[0.0] * D, [8.0] * D, [-8.0, 8.0] * (D // 2)])
        X = centres[labels] + rng.normal(size=(N, D))
    y = None
    if info["type"] == "classifier":
        y = np.where(rng.random(N) < 0.9, labels % 2, 1 - labels % 2)
    elif info["type"] == "regressor":
        lin = X @ np.linspace(-0.1, 0.1, D)
        y = (
            rng.poisson(np.exp(lin)).astype(np.float64)
            if info["positive_y"]
            else lin + rng.normal(size=N)
        )
    elif info["supervised"]:
        y = labels % 2
    return X, y


def _dask(X, y, chunks=ROWS):
    Xd = da.from_array(X, chunks=(chunks, X.shape[1]))
    yd = None if y is None else da.from_array(y, chunks=chunks)
    return Xd, yd


def _unknown_chunks(a):
    """``a`` with the same blocks but unknown (NaN) row-chunk sizes."""
    chunks = ((np.nan,) * len(a.chunks[0]),) + a.chunks[1:]
    return da.Array(a.dask, a.name, chunks, meta=a._meta)


def _frame_data(name, seed=0):
    """A pandas DataFrame (and y) for ``name``; DataFrame transformers get categories."""
    X, y = _numpy_data(name, seed)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    if INFO[name]["domain"] == "frame":
        rng = np.random.default_rng(seed)
        words = np.array(["a", "b", "c"], dtype=object)[rng.integers(0, 3, size=len(frame))]
        frame["word"] = pd.Series(words, dtype=object)
        if name == "DummyEncoder":
            frame["word"] = frame["word"].astype(pd.CategoricalDtype(["a", "b", "c"]))
    return frame, (None if y is None else pd.Series(y, name="y"))


# --------------------------------------------------------------------------------------------
# fitting and comparing
# --------------------------------------------------------------------------------------------


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", DataConversionWarning)
        return est.fit(X) if y is None else est.fit(X, y)


def _method(est):
    return "predict" if hasattr(est, "predict") else "transform"


def _dense(out):
    """A computed output as a dense array (sparse matrices, e.g. OneHotEncoder's default)."""
    if hasattr(out, "toarray"):
        out = out.toarray()
    return np.asarray(out)


def _output(est, X):
    out = getattr(est, _method(est))(X)
    if hasattr(out, "compute"):
        out = out.compute()
    return _dense(out)


def _assert_same_fit(name, got, expected, X_check):
    """``got`` and ``expected`` are the same model (up to summation order / label order)."""
    if INFO[name]["type"] == "clusterer" and not hasattr(got, "cluster_centers_"):
        # no centres (SpectralClustering): the same partition and the same fitted arrays
        labels = [np.asarray(e.labels_) for e in (got, expected)]
        assert adjusted_rand_score(*labels) == 1.0
        for attr, value in vars(expected).items():
            if attr.endswith("_") and attr != "labels_" and isinstance(value, np.ndarray):
                if value.dtype.kind == "f":
                    np.testing.assert_allclose(getattr(got, attr), value, rtol=1e-6, atol=1e-8)
                else:
                    np.testing.assert_array_equal(getattr(got, attr), value)
        return
    if INFO[name]["type"] == "clusterer":
        # cluster numbering may differ: compare the sorted centres and the inertia
        order = lambda c: c[np.lexsort(c.T[::-1])]  # noqa: E731
        np.testing.assert_allclose(
            order(got.cluster_centers_), order(expected.cluster_centers_), rtol=1e-6, atol=1e-8
        )
        np.testing.assert_allclose(got.inertia_, expected.inertia_, rtol=1e-6)
        return
    _assert_fitted_equal(got, expected)
    np.testing.assert_allclose(
        _output(got, X_check).astype(float),
        _output(expected, X_check).astype(float),
        rtol=1e-6,
        atol=1e-8,
    )


def _assert_values_equal(a, b, where):
    if hasattr(a, "get_params") and hasattr(b, "get_params"):
        _assert_fitted_equal(a, b, where)
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b), where
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _assert_values_equal(u, v, f"{where}[{i}]")
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _assert_values_equal(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (pd.Index, pd.Series, pd.DataFrame)):
        _assert_values_equal(a.to_numpy(), np.asarray(b), where)
    elif isinstance(a, (np.ndarray, np.generic, float)) or isinstance(b, (np.ndarray, float)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, where
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _assert_fitted_equal(got, expected, where=None):
    """Fitted attributes equal (nested estimators compared the same way), 1e-6."""
    where = where or type(got).__name__
    assert type(got) is type(expected), where
    skip = {"n_iter_", "labels_"}
    names = {a for a in vars(got) if a.endswith("_") and not a.startswith("_")} - skip
    other = {a for a in vars(expected) if a.endswith("_") and not a.startswith("_")} - skip
    assert names == other, f"{where}: fitted attributes differ {sorted(names ^ other)}"
    for attr in sorted(names):
        _assert_values_equal(getattr(got, attr), getattr(expected, attr), f"{where}.{attr}")


# --------------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------------


def _names(
    *,
    domains=("float", "codes", "function"),
    supervised=None,
    type_=None,
    allow_nan=None,
    string=None,
):
    out = []
    for name, info in INFO.items():
        if info["domain"] not in domains:
            continue
        if supervised is not None and info["supervised"] != supervised:
            continue
        if type_ is not None and info["type"] != type_:
            continue
        if allow_nan is not None and info["allow_nan"] != allow_nan:
            continue
        if string is not None and info["string"] != string:
            continue
        out.append(name)
    return out


NONFINITE = r"NaN|nan|infinity|inf\b"


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("value", [np.nan, np.inf], ids=["nan", "inf"])
@pytest.mark.parametrize("name", _names())
def test_nonfinite_values_in_fit(name, value, container):
    X, y = _numpy_data(name)
    X = X.copy()
    X[[5, 77], [1, 2]] = value
    Xa, ya = (X, y) if container == "numpy" else _dask(X, y)
    if INFO[name]["domain"] == "function":
        # documented: no checks, the function (the identity) sees the values as they are
        np.testing.assert_array_equal(_output(_fit(_instance(name), Xa, ya), Xa), X)
        return
    if INFO[name]["allow_nan"] and np.isnan(value):
        # documented: NaN is ignored (scalers) or a category (encoders), like scikit-learn;
        # dask input gives the model NumPy input gives
        got = _fit(_instance(name), Xa, ya)
        expected = _fit(_instance(name), X, y)
        _assert_same_fit(name, got, expected, X)
        return
    if name in METADATA_FIT and container == "dask":
        est = _fit(_instance(name), Xa, ya)
        with pytest.raises(ValueError, match=NONFINITE):
            _output(est, Xa)
        return
    with pytest.raises(ValueError, match=NONFINITE):
        _fit(_instance(name), Xa, ya)


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", [n for n in _names() if n not in FIT_ONLY])
def test_nan_at_predict(name, container):
    X, y = _numpy_data(name)
    est = _fit(_instance(name), X, y)
    Xn = X.copy()
    Xn[3, 0] = np.nan
    Xa = Xn if container == "numpy" else _dask(Xn, None)[0]
    if INFO[name]["domain"] == "function":
        np.testing.assert_array_equal(_output(est, Xa), Xn)
        return
    if INFO[name]["domain"] == "codes":
        # NaN is a category of its own, and this one was not seen in fit (as scikit-learn)
        with pytest.raises(ValueError, match="unknown categor"):
            _output(est, Xa)
        return
    if INFO[name]["allow_nan"]:
        # the row with NaN gets the model's documented treatment, the others are untouched
        np.testing.assert_allclose(
            _output(est, Xa)[np.arange(N) != 3].astype(float),
            _output(est, X)[np.arange(N) != 3].astype(float),
            rtol=1e-12,
        )
        return
    with pytest.raises(ValueError, match=NONFINITE):
        _output(est, Xa)


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", [n for n in _names() if n not in FIT_ONLY])
def test_wrong_number_of_features_at_predict(name, container):
    X, y = _numpy_data(name)
    est = _fit(_instance(name), X, y)
    X3 = X[:, :3]
    if container == "dask":
        X3 = _dask(X3, None)[0]
    message = r"3 features.*expect\w* 4|expect\w* 4.*3"
    if name in WRAPPERS:
        with pytest.raises(ValueError, match=message):
            _output(est, X3)
        return
    # found from metadata: raised by the call itself, before anything is computed
    with pytest.raises(ValueError, match=message):
        getattr(est, _method(est))(X3)


EMPTY = r"0 sample|n_samples=0|no (rows|samples)|empty|at least 1|minimum of 1"


@pytest.mark.parametrize("variant", ["numpy", "dask", "dask-unknown-chunks"])
@pytest.mark.parametrize("name", _names())
def test_empty_input(name, variant):
    X, y = _numpy_data(name)
    if variant == "numpy":
        Xe, ye = X[:0], None if y is None else y[:0]
    else:
        Xd, yd = _dask(X, y)
        if variant == "dask":
            Xe, ye = Xd[:0], None if yd is None else yd[:0]
        else:
            # e.g. a filter that keeps nothing: sizes unknown until the data is read
            keep = Xd[:, 0] > 1e12
            Xe, ye = Xd[keep], None if yd is None else yd[keep]
            assert np.isnan(Xe.shape[0])
    if INFO[name]["domain"] == "function" or (
        name in METADATA_FIT and variant == "dask-unknown-chunks"
    ):
        # nothing to learn from the values: the output is empty too
        est = _fit(_instance(name), Xe, ye)
        assert _output(est, Xe).shape[0] == 0
        return
    with pytest.raises(ValueError, match=EMPTY):
        _fit(_instance(name), Xe, ye)


@pytest.mark.parametrize("name", _names())
def test_a_row_block_of_zero_rows_changes_nothing(name):
    X, y = _numpy_data(name)
    chunks = (ROWS, 0, ROWS, ROWS)
    Xz = da.from_array(X, chunks=(chunks, D))
    yz = None if y is None else da.from_array(y, chunks=(chunks,))
    assert Xz.numblocks[0] == 4
    got = _fit(_instance(name), Xz, yz)
    expected = _fit(_instance(name), *_dask(X, y))
    _assert_same_fit(name, got, expected, X)
    if name in FIT_ONLY:
        return  # nothing to predict: the fits are compared above
    # and predicting on it keeps the empty block
    out = getattr(got, _method(got))(Xz)
    assert out.chunks[0][1] == 0
    np.testing.assert_array_equal(_dense(out.compute()), _output(got, X))


@st.composite
def _row_chunkings(draw):
    """Row-chunk sizes summing to N, zero-row blocks included."""
    cuts = sorted(draw(st.lists(st.integers(0, N), max_size=5)))
    edges = [0, *cuts, N]
    return tuple(b - a for a, b in zip(edges[:-1], edges[1:], strict=True))


# Results that depend on the blocks by design: k-means|| samples per block, SGD sees the
# blocks in sequence, IncrementalPCA's batches are the blocks, the blockwise ensembles fit
# a clone per block.
BLOCK_DEPENDENT = {
    "KMeans", "Incremental", "IncrementalPCA", "BlockwiseVotingClassifier",
    "BlockwiseVotingRegressor",
}


@pytest.mark.parametrize(
    "name", [n for n in _names() if n not in BLOCK_DEPENDENT and INFO[n]["type"] != "clusterer"]
)
@settings(max_examples=8, deadline=None)
@given(chunks=_row_chunkings())
def test_any_row_chunking_gives_the_numpy_fit(name, chunks):
    X, y = _numpy_data(name)
    Xd = da.from_array(X, chunks=(chunks, D))
    yd = None if y is None else da.from_array(y, chunks=(chunks,))
    _assert_same_fit(name, _fit(_instance(name), Xd, yd), _fit(_instance(name), X, y), X)


@pytest.mark.parametrize("name", _names())
def test_unknown_chunk_sizes(name):
    X, y = _numpy_data(name)
    Xd, yd = _dask(X, y)
    Xu = _unknown_chunks(Xd)
    yu = None if yd is None else _unknown_chunks(yd)
    got = _fit(_instance(name), Xu, yu)
    expected = _fit(_instance(name), Xd, yd)
    _assert_same_fit(name, got, expected, X)
    if name in FIT_ONLY:
        return  # nothing to predict: the fits are compared above
    out = getattr(got, _method(got))(Xu)
    assert isinstance(out, da.Array)
    np.testing.assert_array_equal(_dense(out.compute()), _output(got, X))


@pytest.mark.parametrize("name", _names(supervised=True))
def test_in_memory_y_with_unknown_chunk_sizes_is_refused(name):
    X, y = _numpy_data(name)
    Xu = _unknown_chunks(_dask(X, y)[0])
    if name in IN_MEMORY_FIT:
        _assert_same_fit(name, _fit(_instance(name), Xu, y), _fit(_instance(name), X, y), X)
        return
    with pytest.raises(ValueError, match="unknown (chunk )?sizes"):
        _fit(_instance(name), Xu, y)


@pytest.mark.parametrize("name", _names())
def test_several_column_blocks(name):
    X, y = _numpy_data(name)
    Xc = da.from_array(X, chunks=(ROWS, 2))
    assert Xc.numblocks[1] == 2
    yd = None if y is None else da.from_array(y, chunks=ROWS)
    got = _fit(_instance(name), Xc, yd)
    expected = _fit(_instance(name), *_dask(X, y))
    _assert_same_fit(name, got, expected, X)
    if name in FIT_ONLY:
        return  # nothing to predict: the fits are compared above
    out = getattr(got, _method(got))(Xc)
    np.testing.assert_array_equal(_dense(out.compute()), _output(got, X))


OBJECT = r"could not convert|numeric|dtype|string"


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", _names())
def test_object_dtype(name, container):
    X, y = _numpy_data(name)
    Xo = X.astype(str).astype(object)
    Xo[0, 0] = "not a number"
    Xa, ya = (Xo, y) if container == "numpy" else _dask(Xo, y)
    if INFO[name]["domain"] == "function":
        np.testing.assert_array_equal(_output(_fit(_instance(name), Xa, ya), Xa), Xo)
        return
    if INFO[name]["string"]:
        # documented: strings are categories; dask input gives the model NumPy input gives
        got = _fit(_instance(name), Xa, ya)
        expected = _fit(_instance(name), Xo, y)
        _assert_fitted_equal(got, expected)
        return
    with pytest.raises((ValueError, TypeError), match=OBJECT):
        _fit(_instance(name), Xa, ya)


LENGTH = r"inconsistent numbers of samples|different numbers of rows|partitioned alike"


@pytest.mark.parametrize("variant", ["numpy", "dask", "dask-unknown-chunks"])
@pytest.mark.parametrize("name", _names(supervised=True))
def test_y_of_the_wrong_length(name, variant):
    X, y = _numpy_data(name)
    if variant == "numpy":
        Xa, ya = X, y[:-5]
    else:
        Xa, _ = _dask(X, y)
        ya = da.from_array(y[:-5], chunks=ROWS - 1)  # 3 blocks, 5 rows short
        assert ya.numblocks == Xa.numblocks[:1]
        if variant == "dask-unknown-chunks":
            Xa, ya = _unknown_chunks(Xa), _unknown_chunks(ya)
    with pytest.raises(ValueError, match=LENGTH):
        _fit(_instance(name), Xa, ya)


# classifiers that, as their scikit-learn counterparts, fit on a single class
SINGLE_CLASS_FITS = {"GaussianNB"}


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", _names(type_="classifier"))
def test_y_with_a_single_class(name, container):
    X, y = _numpy_data(name)
    y1 = np.zeros_like(y)
    Xa, ya = (X, y1) if container == "numpy" else _dask(X, y1)
    if name in SINGLE_CLASS_FITS:
        # as scikit-learn's: one class is a valid model (it predicts that class)
        got = _fit(_instance(name), Xa, ya)
        _assert_same_fit(name, got, _fit(_instance(name), X, y1), X)
        return
    with pytest.raises(ValueError, match=r"(?i)class"):
        _fit(_instance(name), Xa, ya)


@pytest.mark.parametrize("name", _names(domains=("float", "codes", "frame", "function")))
def test_dataframe_with_unknown_divisions(name):
    frame, y = _frame_data(name)
    known = dd.from_pandas(frame, npartitions=3, sort=False)
    unknown = known.clear_divisions()
    assert not unknown.known_divisions
    yk = None if y is None else dd.from_pandas(y, npartitions=3, sort=False)
    yu = None if yk is None else yk.clear_divisions()
    got = _fit(_instance(name), unknown, yu)
    expected = _fit(_instance(name), known, yk)
    if INFO[name]["domain"] == "frame":
        _assert_fitted_equal(got, expected)
        out = got.transform(unknown)
        assert isinstance(out, dd.DataFrame)
        pd.testing.assert_frame_equal(out.compute(), expected.transform(frame))
        return
    _assert_same_fit(name, got, expected, frame)
    np.testing.assert_array_equal(got.feature_names_in_, list(frame.columns))
    if name in FIT_ONLY:
        return  # nothing to predict: the fits are compared above
    out = getattr(got, _method(got))(unknown)
    assert isinstance(out, (dd.DataFrame, dd.Series, da.Array))
    np.testing.assert_array_equal(_dense(out.compute()), _output(got, frame))


@pytest.mark.parametrize("name", _names(domains=("frame",)))
def test_dataframe_transformers_refuse_dask_arrays(name):
    X, _ = _numpy_data(name)
    with pytest.raises(TypeError, match="DataFrame"):
        _instance(name).fit(_dask(X, None)[0])


@pytest.mark.parametrize("name", _names(domains=("frame",)))
def test_dataframe_transformers_with_an_empty_partition(name):
    frame, _ = _frame_data(name)
    parts = [frame.iloc[:40], frame.iloc[40:40], frame.iloc[40:]]
    dfz = dd.from_delayed(
        [_delayed_frame(p) for p in parts], meta=frame.iloc[:0], verify_meta=False
    )
    plain = dd.from_pandas(frame, npartitions=2, sort=False)
    got = _fit(_instance(name), dfz, None)
    expected = _fit(_instance(name), plain, None)
    _assert_fitted_equal(got, expected)
    pd.testing.assert_frame_equal(
        got.transform(dfz).compute().reset_index(drop=True),
        expected.transform(plain).compute().reset_index(drop=True),
    )


def _delayed_frame(part):
    import dask

    return dask.delayed(part.copy)()


@pytest.mark.parametrize("container", ["pandas", "dask"])
@pytest.mark.parametrize("name", _names(domains=("frame",)))
def test_dataframe_transformers_pass_nonfinite_numbers_through(name, container):
    # documented: only the categorical (and, for the Categorizer, string) columns are
    # transformed; numeric columns pass through untouched, NaN and inf included, and a
    # missing category stays missing (no dummy column set)
    frame, _ = _frame_data(name)
    frame.loc[[3, 50], "f1"] = [np.nan, np.inf]
    frame.loc[7, "f2"] = -np.inf
    frame["word"] = frame["word"].astype(object)
    frame.loc[9, "word"] = None
    if name == "DummyEncoder":
        frame["word"] = frame["word"].astype(pd.CategoricalDtype(["a", "b", "c"]))
    X = frame if container == "pandas" else dd.from_pandas(frame, npartitions=3, sort=False)
    est = _fit(_instance(name), X, None)
    out = est.transform(X)
    out = out.compute() if container == "dask" else out
    for col in ("f0", "f1", "f2", "f3"):
        np.testing.assert_array_equal(out[col].to_numpy(), frame[col].to_numpy())
    if name == "Categorizer":
        assert pd.isna(out["word"].iloc[9]) and isinstance(out["word"].dtype, pd.CategoricalDtype)
        assert list(out["word"].cat.categories) == ["a", "b", "c"]
    else:
        assert out.filter(like="word_").iloc[9].sum() == 0
        assert (out.filter(like="word_").drop(index=9).sum(axis=1) == 1).all()


@pytest.mark.parametrize("name", _names(domains=("frame",)))
def test_dataframe_transformers_with_no_rows(name):
    frame, _ = _frame_data(name)
    empty = frame.iloc[:0]
    with pytest.raises(ValueError, match="0 sample"):
        _instance(name).fit(empty)
    dempty = dd.from_pandas(empty, npartitions=1)
    if name == "Categorizer":
        # the pass that finds the categories counts the rows too
        with pytest.raises(ValueError, match="0 sample"):
            _instance(name).fit(dempty)
    else:
        # documented: fitting on known categoricals reads only the dtypes (no pass), so
        # an empty dask DataFrame fits and transforms to an empty frame with the columns
        est = _instance(name).fit(dempty)
        out = est.transform(dempty).compute()
        assert out.shape == (0, len(est.transformed_columns_))


def test_every_estimator_is_in_the_table():
    # every public estimator has a domain with cases of its own: a new domain (or an
    # estimator filed under none) would otherwise drop out of the table silently
    assert set(INFO) == set(ESTIMATORS) and len(ESTIMATORS) >= 19
    covered = {"float", "codes", "function", "frame", "target"}
    assert {info["domain"] for info in INFO.values()} <= covered
    generic = set(_names(domains=("float", "codes", "function")))
    special = set(_names(domains=("frame", "target")))
    assert generic | special == set(ESTIMATORS)


# --------------------------------------------------------------------------------------------
# label encoders: 1-D input
# --------------------------------------------------------------------------------------------


def _labels(seed=0, strings=False):
    codes = np.random.default_rng(seed).integers(0, 3, size=N)
    return np.array(["cat", "dog", "emu"], dtype=object)[codes] if strings else codes


def _labels_variant(y, variant):
    if variant == "zero-row-block":
        return da.from_array(y, chunks=((ROWS, 0, ROWS, ROWS),))
    if variant == "unknown-chunks":
        return _unknown_chunks(da.from_array(y, chunks=ROWS))
    # a dask Series with unknown divisions
    return dd.from_pandas(pd.Series(y), npartitions=3, sort=False).clear_divisions()


def _computed(out):
    out = out.compute() if hasattr(out, "compute") else out
    return np.asarray(out)


@pytest.mark.parametrize("strings", [False, True], ids=["ints", "strings"])
@pytest.mark.parametrize(
    "variant", ["zero-row-block", "unknown-chunks", "series-unknown-divisions"]
)
@pytest.mark.parametrize("name", _names(domains=("target",)))
def test_labels_in_unusual_containers(name, variant, strings):
    y = _labels(strings=strings)
    yv = _labels_variant(y, variant)
    got = _instance(name).fit(yv)
    expected = _instance(name).fit(y)
    np.testing.assert_array_equal(np.asarray(got.classes_), np.asarray(expected.classes_))
    np.testing.assert_array_equal(_computed(got.transform(yv)), expected.transform(y))


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", _names(domains=("target",)))
def test_labels_unseen_at_transform(name, container):
    y = _labels()
    est = _instance(name).fit(y if container == "numpy" else da.from_array(y, chunks=ROWS))
    new = y.copy()
    new[7] = 9
    new = new if container == "numpy" else da.from_array(new, chunks=ROWS)
    with pytest.raises(ValueError, match="unseen|unknown|previously"):
        _computed(est.transform(new))


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", _names(domains=("target",)))
def test_labels_nonfinite_and_empty_as_scikit_learn(name, container):
    # scikit-learn's LabelEncoder takes NaN and inf as labels (sorted last) and fits an
    # empty y to no classes; ours gives the same classes and codes
    from sklearn import preprocessing as skp

    wrap = (lambda a: a) if container == "numpy" else (lambda a: da.from_array(a, chunks=2))
    for y in (np.array([1.0, np.nan, 2.0, 1.0, np.inf]), np.array([], dtype=float)):
        ref = skp.LabelEncoder().fit(y)
        est = _instance(name).fit(wrap(y))
        np.testing.assert_array_equal(np.asarray(est.classes_), ref.classes_)
        np.testing.assert_array_equal(_computed(est.transform(wrap(y))), ref.transform(y))


@pytest.mark.parametrize("name", _names(domains=("target",)))
def test_labels_of_the_wrong_shape(name):
    y = _labels()
    with pytest.raises(ValueError, match="1d|1-D|1D"):
        _instance(name).fit(da.from_array(np.c_[y, y], chunks=ROWS))


# --------------------------------------------------------------------------------------------
# containers mixed, odd dtypes, and what the errors call the inputs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["dask-array", "dask-series", "unknown-chunks"])
@pytest.mark.parametrize("name", _names(supervised=True))
def test_numpy_x_with_a_dask_y(name, variant):
    # valid input: the fit equals the NumPy fit, whatever y's blocks (4 here, so a
    # per-axis chunk spec cannot be mistaken for y's row chunks)
    X, y = _numpy_data(name)
    if variant == "dask-series":
        yv = dd.from_pandas(pd.Series(y), npartitions=4, sort=False)
    else:
        yv = da.from_array(y, chunks=N // 4)
        if variant == "unknown-chunks":
            yv = _unknown_chunks(yv)
    got = _fit(_instance(name), X, yv)
    _assert_same_fit(name, got, _fit(_instance(name), X, y), X)
    if hasattr(got, "score"):
        np.testing.assert_allclose(got.score(X, yv), got.score(X, y), rtol=1e-9)


@pytest.mark.parametrize("name", _names(supervised=True))
def test_numpy_x_with_a_dask_y_of_another_length(name):
    X, y = _numpy_data(name)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _fit(_instance(name), X, da.from_array(y[:-7], chunks=N // 4))


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", _names(supervised=True, type_="regressor"))
def test_complex_y_is_refused(name, container):
    X, y = _numpy_data(name)
    yc = y + 1j
    Xa, ya = (X, yc) if container == "numpy" else _dask(X, yc)
    with pytest.raises(ValueError, match="[Cc]omplex data not supported"):
        _fit(_instance(name), Xa, ya)


@pytest.mark.parametrize("name", _names(domains=("float",)))
def test_dask_dataframe_with_bool_and_nullable_columns(name):
    # converted column by column as scikit-learn converts the pandas frame: bool to 0/1,
    # nullable Int64/Float64 to float (pandas' own conversion gives an object array)
    X, y = _numpy_data(name)
    frame = pd.DataFrame(
        {
            "f0": X[:, 0],
            "f1": pd.array(X[:, 1], dtype="Float64"),
            "f2": pd.array(np.round(X[:, 2]).astype(int), dtype="Int64"),
            "f3": X[:, 3] > 0,
        }
    )
    plain = frame.astype(np.float64)
    ys = None if y is None else pd.Series(y, name="y")
    dframe = dd.from_pandas(frame, npartitions=3, sort=False)
    dy = None if ys is None else dd.from_pandas(ys, npartitions=3, sort=False)
    got = _fit(_instance(name), dframe, dy)
    # against the same partitions of the plain float frame (Incremental sees the blocks)
    dplain = dd.from_pandas(plain, npartitions=3, sort=False)
    _assert_same_fit(name, got, _fit(_instance(name), dplain, dy), plain)


@pytest.mark.parametrize("name", [n for n in _names() if not INFO[n]["allow_nan"]])
def test_nonfinite_errors_name_x(name):
    # the message names the input the user passed ("X"), never a position ("Input 0")
    X, y = _numpy_data(name)
    X = X.copy()
    X[77, 2] = np.inf
    if INFO[name]["domain"] == "function":
        return
    Xa, ya = _dask(X, y)
    with pytest.raises(ValueError, match=NONFINITE) as info:
        if name in METADATA_FIT:
            _output(_fit(_instance(name), Xa, ya), Xa)
        else:
            _fit(_instance(name), Xa, ya)
    assert "Input 0" not in str(info.value) and "X" in str(info.value)


def _takes(name, param):
    return param in _instance(name).get_params(deep=False)


def _fit_takes_sample_weight(name):
    import inspect

    return "sample_weight" in inspect.signature(ESTIMATORS[name].fit).parameters


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("value", [-0.5, np.nan, np.inf], ids=["negative", "nan", "inf"])
@pytest.mark.parametrize("name", [n for n in _names(type_="classifier") if _takes(n, "class_weight")])
def test_class_weight_that_is_not_a_weight_is_refused(name, value, container):
    X, y = _numpy_data(name)
    Xa, ya = (X, y) if container == "numpy" else _dask(X, y)
    est = _instance(name).set_params(class_weight={0: value, 1: 1.0})
    with pytest.raises(ValueError, match="class_weight must map each class to a finite, non-negative"):
        _fit(est, Xa, ya)


@pytest.mark.parametrize("name", [n for n in _names() if _takes(n, "solver_kwargs")])
def test_a_negative_step_is_refused(name):
    X, y = _numpy_data(name)
    est = _instance(name).set_params(
        solver="proximal_grad", penalty="l1", solver_kwargs={"step": -1.0}
    )
    with pytest.raises(ValueError, match=r"solver_kwargs\['step'\].*> 0"):
        _fit(est, *_dask(X, y))


@pytest.mark.parametrize("container", ["numpy", "dask"])
@pytest.mark.parametrize("name", [n for n in _names() if _fit_takes_sample_weight(n)])
def test_all_negative_sample_weights(name, container):
    # either refused with a message about negative weights, or taken as scikit-learn takes
    # them: never a silent NaN model
    X, y = _numpy_data(name)
    w = -np.linspace(0.5, 2.0, N)
    Xa, ya = (X, y) if container == "numpy" else _dask(X, y)
    wa = w if container == "numpy" else da.from_array(w, chunks=ROWS)
    est = _instance(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(Xa, ya, sample_weight=wa) if ya is not None else est.fit(Xa, sample_weight=wa)
    except ValueError as exc:
        assert "egative" in str(exc)
        return
    for attr in ("mean_", "scale_", "coef_", "cluster_centers_"):
        if hasattr(est, attr) and getattr(est, attr) is not None:
            assert np.isfinite(np.asarray(getattr(est, attr), dtype=float)).all(), attr


@pytest.mark.parametrize("container", ["numpy", "dask"])
# (clusterers with an inertia_: SpectralClustering has none)
@pytest.mark.parametrize("name", [n for n in _names(type_="clusterer") if n not in FIT_ONLY])
def test_distances_that_overflow_give_infinite_inertia(name, container):
    # as scikit-learn: the fit completes, inertia_ is inf (float32 squares overflow)
    X, _ = _numpy_data(name)
    Xo = (X * 1e19).astype(np.float32)
    Xa = Xo if container == "numpy" else da.from_array(Xo, chunks=(ROWS, D))
    est = _fit(_instance(name), Xa, None)
    assert np.isinf(est.inertia_)
    assert np.isfinite(est.cluster_centers_).all()


SKLEARN_NAMES = "The feature names should match those that were passed during fit"
DASK_ML_NAMES = "Columns of 'X' do not match the training columns"


@pytest.mark.parametrize("change", ["renamed", "reordered"])
@pytest.mark.parametrize("container", ["pandas", "dask"])
@pytest.mark.parametrize(
    "name",
    # a ColumnTransformer selects its columns by name, in any order (scikit-learn's)
    [
        n for n in _names(domains=("float", "codes", "frame"))
        if n != "ColumnTransformer" and n not in FIT_ONLY
    ],
)
def test_feature_names_at_predict_carry_both_wordings(name, container, change):
    """Columns that differ from fit's: scikit-learn's message and dask-ml's sentence."""
    frame, y = _frame_data(name)
    if container == "dask":
        frame = dd.from_pandas(frame, npartitions=3, sort=False)
        y = None if y is None else dd.from_pandas(y, npartitions=3, sort=False)
    est = _fit(_instance(name), frame, y)
    cols = list(frame.columns)
    other = frame.rename(columns={cols[0]: "zz"}) if change == "renamed" else frame[cols[::-1]]
    wordings = [SKLEARN_NAMES] if name in WRAPPERS else [SKLEARN_NAMES, DASK_ML_NAMES]
    with pytest.raises(ValueError) as info:
        _output(est, other)
    for wording in wordings:
        assert wording in str(info.value), str(info.value)
