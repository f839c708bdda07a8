"""ColumnTransformer on dask DataFrames and arrays, against scikit-learn on pandas."""

import pickle

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.compose as skc
import sklearn.preprocessing as skp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import make_column_selector
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from dask_scale.compose import ColumnTransformer, make_column_transformer
from dask_scale.impute import SimpleImputer
from dask_scale.preprocessing import (
    BlockTransformer,
    MinMaxScaler,
    OneHotEncoder,
    StandardScaler,
)


def _frame(n=90, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "y": rng.normal(size=n) * 3 + 1,
        "c": pd.Series(rng.choice(["a", "b", "c"], n), dtype="str"),
        "k": rng.integers(0, 3, n),
    })


def _np(out):
    out = out.compute() if hasattr(out, "compute") else out
    return np.asarray(out, dtype=float)


SELECTORS = {
    "names": (["x", "y"], ["c"]),
    "positions": ([0, 1], [2]),
    "mask": ([True, True, False, False], [False, False, True, False]),
    "slice": (slice(0, 2), slice("c", "c")),
    "callable": (make_column_selector(dtype_include=np.number),
                 make_column_selector(dtype_include=[object, "string"])),
}


@pytest.mark.parametrize("selector", list(SELECTORS))
@pytest.mark.parametrize("remainder", ["drop", "passthrough"])
def test_dask_frame_matches_sklearn(selector, remainder):
    frame = _frame()
    dframe = dd.from_pandas(frame, npartitions=3)
    num, cat = SELECTORS[selector]
    if selector == "callable":
        cat = make_column_selector(dtype_include=[object, "string", "str"])
    ours = ColumnTransformer(
        [("num", StandardScaler(), num), ("cat", OneHotEncoder(), cat)], remainder=remainder
    )
    ref = skc.ColumnTransformer(
        [("num", skp.StandardScaler(), num), ("cat", skp.OneHotEncoder(sparse_output=False), cat)],
        remainder=remainder,
    )
    out = ours.fit(dframe).transform(dframe)
    expected = ref.fit_transform(frame)
    assert isinstance(out, dd.DataFrame)
    assert list(out.columns) == list(ref.get_feature_names_out())
    np.testing.assert_allclose(_np(out), np.asarray(expected, dtype=float), rtol=1e-12)
    assert ours.output_indices_ == ref.output_indices_
    pd.testing.assert_index_equal(out.compute().index, frame.index)
    # in memory: NumPy out, like scikit-learn
    np.testing.assert_allclose(ours.fit_transform(frame), np.asarray(expected, dtype=float),
                               rtol=1e-12)


def test_dask_arrays_and_integer_selectors():
    frame = _frame()
    X = frame[["x", "y", "k"]].to_numpy(dtype=float)
    Xd = da.from_array(X, chunks=(20, 3))
    ours = make_column_transformer((StandardScaler(), [0, 1]), (OneHotEncoder(), [2]),
                                   remainder="drop")
    ref = skc.make_column_transformer((skp.StandardScaler(), [0, 1]),
                                      (skp.OneHotEncoder(sparse_output=False), [2]))
    out = ours.fit_transform(Xd)
    assert isinstance(out, da.Array)
    np.testing.assert_allclose(out.compute(), ref.fit_transform(X), rtol=1e-12)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    with pytest.raises(ValueError, match="only supported for DataFrames"):
        ColumnTransformer([("s", StandardScaler(), ["x"])]).fit(Xd)


def test_mixed_outputs_give_an_array_and_weights_apply():
    frame = _frame()
    dframe = dd.from_pandas(frame, npartitions=3)
    # a dask-array part makes the whole output an array
    arr_part = ColumnTransformer([("num", StandardScaler(), ["x"])])
    ours = ColumnTransformer(
        [("inner", arr_part, ["x", "y"]), ("mm", MinMaxScaler(), ["y"])],
        transformer_weights={"mm": 2.0}, preserve_dataframe=False,
    )
    out = ours.fit(dframe).transform(dframe)
    assert isinstance(out, da.Array)
    ref = skc.ColumnTransformer(
        [("inner", skc.ColumnTransformer([("num", skp.StandardScaler(), ["x"])]), ["x", "y"]),
         ("mm", skp.MinMaxScaler(), ["y"])],
        transformer_weights={"mm": 2.0},
    ).fit_transform(frame)
    np.testing.assert_allclose(out.compute(), ref, rtol=1e-12)


def test_remainder_estimator_and_drop():
    frame = _frame()
    dframe = dd.from_pandas(frame, npartitions=2)
    ours = ColumnTransformer([("d", "drop", ["c"]), ("p", "passthrough", ["k"])],
                             remainder=MinMaxScaler())
    ref = skc.ColumnTransformer([("d", "drop", ["c"]), ("p", "passthrough", ["k"])],
                                remainder=skp.MinMaxScaler())
    out = ours.fit(dframe).transform(dframe)
    np.testing.assert_allclose(_np(out), ref.fit_transform(frame), rtol=1e-12)
    assert list(out.columns) == list(ref.get_feature_names_out())
    assert [t[0] for t in ours.transformers_] == ["d", "p", "remainder"]
    assert isinstance(ours.named_transformers_["remainder"], MinMaxScaler)


def test_nested_params_and_errors():
    ct = ColumnTransformer([("num", StandardScaler(), [0]), ("cat", OneHotEncoder(), [1])])
    params = ct.get_params()
    assert params["num__with_mean"] is True and params["cat"] is ct.transformers[1][1]
    ct.set_params(num__with_mean=False, cat="drop")
    assert ct.transformers[0][1].with_mean is False and ct.transformers[1][1] == "drop"
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="not unique"):
        ColumnTransformer([("a", StandardScaler(), [0]), ("a", StandardScaler(), [1])]).fit(X)
    with pytest.raises(ValueError, match="out of range"):
        ColumnTransformer([("a", StandardScaler(), [5])]).fit(X)
    with pytest.raises(ValueError, match="not a column"):
        ColumnTransformer([("a", StandardScaler(), ["zz"])]).fit(pd.DataFrame(X, columns=["p", "q"]))
    with pytest.raises(TypeError, match="fit and transform"):
        ColumnTransformer([("a", object(), [0])]).fit(X)


def _mixed_problem(n=300, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "x": rng.normal(size=n),
        "z": rng.normal(size=n) * 5,
        "c": pd.Series(rng.choice(["a", "b", "c"], n), dtype="str"),
    })
    frame.loc[rng.random(n) < 0.1, "x"] = np.nan
    logit = 1.5 * np.nan_to_num(frame["x"]) + (frame["c"] == "b") * 2.0 - 0.8
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, pd.Series(y, name="y")


def _preprocessor():
    return ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")),
                          ("scale", StandardScaler())]), ["x", "z"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["c"]),
    ])


def _sklearn_twin_pipeline(model):
    from sklearn.impute import SimpleImputer as SkImputer

    return Pipeline([
        ("pre", skc.ColumnTransformer([
            ("num", Pipeline([("impute", SkImputer(strategy="median")),
                              ("scale", skp.StandardScaler())]), ["x", "z"]),
            ("cat", skp.OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["c"]),
        ])),
        ("model", model),
    ])


def test_pipeline_ending_in_a_scikit_learn_model():
    from dask_scale.wrappers import ParallelPostFit

    frame, y = _mixed_problem()
    dframe = dd.from_pandas(frame, npartitions=4)
    dy = dd.from_pandas(y, npartitions=4)
    # one Pipeline fitted on the dask DataFrame: the preprocessing streams, the scikit-learn
    # model is fitted in memory on its output and predicts block by block
    pipe = Pipeline([("pre", _preprocessor()),
                     ("model", ParallelPostFit(SkLogisticRegression()))]).fit(dframe, dy)
    pred = pipe.predict(dframe)
    assert isinstance(pred, (da.Array, dd.Series))
    # the same pipeline run by scikit-learn on the pandas twin
    ref = _sklearn_twin_pipeline(SkLogisticRegression()).fit(frame, y)
    np.testing.assert_allclose(pipe.named_steps["model"].estimator_.coef_,
                               ref.named_steps["model"].coef_, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(pred.compute()), ref.predict(frame))
    proba = pipe.predict_proba(dframe).compute()
    np.testing.assert_allclose(np.asarray(proba), ref.predict_proba(frame), rtol=1e-6)


def test_pipeline_ending_in_a_dask_scale_model():
    from dask_scale import linear_model

    frame, y = _mixed_problem()
    dframe = dd.from_pandas(frame, npartitions=4)
    dy = dd.from_pandas(y, npartitions=4)
    model = linear_model.LogisticRegression(tol=1e-10, max_iter=1000)
    pipe = Pipeline([("pre", _preprocessor()), ("model", model)]).fit(dframe, dy)
    pred = pipe.predict(dframe)
    assert isinstance(pred, (da.Array, dd.Series))
    # the preprocessing the model saw is the in-memory one
    Xt = _preprocessor().fit(frame).transform(frame)
    np.testing.assert_allclose(_np(pipe.named_steps["pre"].transform(dframe)), Xt, rtol=1e-12)
    # the model minimises scikit-learn's objective (strictly convex with the L2 penalty,
    # so the one-hot columns collinear with the intercept do not matter): both converged
    # tightly give the same coefficients and probabilities
    ref = _sklearn_twin_pipeline(SkLogisticRegression(tol=1e-12, max_iter=10_000)).fit(frame, y)
    np.testing.assert_allclose(pipe.named_steps["model"].coef_,
                               ref.named_steps["model"].coef_, atol=1e-5)
    proba = np.asarray(pipe.predict_proba(dframe).compute())
    np.testing.assert_allclose(proba, ref.predict_proba(frame), atol=1e-6)
    np.testing.assert_array_equal(np.asarray(pred.compute()), ref.predict(frame))


def test_pickle():
    frame = _frame()
    dframe = dd.from_pandas(frame, npartitions=2)
    ct = ColumnTransformer([("num", StandardScaler(), ["x"]), ("cat", OneHotEncoder(), ["c"])])
    ct.fit(dframe)
    again = pickle.loads(pickle.dumps(ct))
    np.testing.assert_array_equal(_np(again.transform(dframe)), _np(ct.transform(dframe)))


@pytest.mark.distributed
def test_on_a_distributed_client(client):
    frame, _ = _mixed_problem(n=200)
    dframe = dd.from_pandas(frame, npartitions=4)
    out = _preprocessor().fit(dframe).transform(dframe).compute()
    np.testing.assert_allclose(out.to_numpy(), _preprocessor().fit(frame).transform(frame),
                               rtol=1e-12)


# -- transformers without get_feature_names_out ------------------------------------------


class _Doubler(TransformerMixin, BaseEstimator):
    """A transformer with fit/transform only (no get_feature_names_out)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X * 2


class _ArrayDoubler(_Doubler):
    """Returns a NumPy array whatever the input (so a DataFrame output cannot be named)."""

    def transform(self, X):
        return np.asarray(X) * 2


NAMELESS = {
    # ours, its scikit-learn twin (same values), its make_column_transformer name
    "block": (lambda: BlockTransformer(np.abs), lambda: skp.FunctionTransformer(np.abs),
              "blocktransformer"),
    "function": (lambda: skp.FunctionTransformer(np.abs),
                 lambda: skp.FunctionTransformer(np.abs), "functiontransformer"),
    "custom": (_Doubler, _Doubler, "_doubler"),
    # a Pipeline has get_feature_names_out, which fails for a step without one
    "pipeline": (lambda: make_pipeline(BlockTransformer(np.abs)),
                 lambda: make_pipeline(skp.FunctionTransformer(np.abs)), "pipeline"),
}


def _two_columns(n=60, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n) * 3 + 1})


def _as_input(frame, kind):
    if kind == "pandas":
        return frame, (["a"], ["b"])
    if kind == "dask_frame":
        return dd.from_pandas(frame, npartitions=3), (["a"], ["b"])
    if kind == "numpy":
        return frame.to_numpy(), ([0], [1])
    return da.from_array(frame.to_numpy(), chunks=(25, 2)), ([0], [1])


@pytest.mark.parametrize("kind", ["pandas", "numpy", "dask_array", "dask_frame"])
@pytest.mark.parametrize("nameless", list(NAMELESS))
def test_transformers_without_feature_names(kind, nameless):
    make_ours, make_ref, name = NAMELESS[nameless]
    frame = _two_columns()
    X, (first, second) = _as_input(frame, kind)
    ref = skc.make_column_transformer((make_ref(), first), (skp.StandardScaler(), second))
    ref_X = frame if kind in ("pandas", "dask_frame") else frame.to_numpy()
    expected = ref.fit_transform(ref_X)
    assert expected.shape == (len(frame), 2)

    for preserve in (True, False):
        ours = make_column_transformer((make_ours(), first), (StandardScaler(), second),
                                       preserve_dataframe=preserve)
        out = ours.fit_transform(X)
        np.testing.assert_allclose(_np(out), expected, rtol=1e-12)
        assert list(ours.output_indices_.values()) == list(ref.output_indices_.values())
        # fit then transform (for dask input, fit alone must find the output widths)
        ours = make_column_transformer((make_ours(), first), (StandardScaler(), second),
                                       preserve_dataframe=preserve)
        ours.fit(X)
        assert list(ours.output_indices_.values()) == list(ref.output_indices_.values())
        out = ours.transform(X)
        np.testing.assert_allclose(_np(out), expected, rtol=1e-12)
        if kind == "dask_frame" and preserve:
            # every part is a dask DataFrame, so the output is one, named by the parts' columns
            assert isinstance(out, dd.DataFrame)
            assert list(out.columns) == [f"{name}__a", "standardscaler__b"]
            assert list(ours.get_feature_names_out()) == list(out.columns)
        elif kind in ("dask_array", "dask_frame"):
            assert isinstance(out, da.Array)
        else:
            assert isinstance(out, np.ndarray)
    if kind in ("numpy", "dask_array"):
        # names are asked for: the error names the transformer and says what to do
        with pytest.raises(AttributeError, match=f"Transformer {name} .*get_feature_names_out"):
            ours.get_feature_names_out()


def test_dataframe_output_needs_names_only_when_asked_for():
    frame = _two_columns()
    # set_output("pandas"): parts that are DataFrames name the columns ...
    ours = make_column_transformer((BlockTransformer(np.abs), ["a"]), (StandardScaler(), ["b"]))
    out = ours.set_output(transform="pandas").fit_transform(frame)
    ref = skc.make_column_transformer((skp.FunctionTransformer(np.abs), ["a"]),
                                      (skp.StandardScaler(), ["b"])).set_output(transform="pandas")
    expected = ref.fit_transform(frame)
    pd.testing.assert_frame_equal(out, expected.rename(
        columns={"functiontransformer__a": "blocktransformer__a"}))
    # ... a NumPy part of a transformer without names cannot be named: a clear error
    ours = make_column_transformer((_ArrayDoubler(), ["a"]), (StandardScaler(), ["b"]))
    np.testing.assert_allclose(ours.fit_transform(frame),
                               np.c_[frame["a"] * 2, expected["standardscaler__b"]])
    ours.set_output(transform="pandas")
    with pytest.raises(AttributeError, match=r"_arraydoubler .*get_feature_names_out.*"
                                             r"set_output\(transform='default'\)"):
        ours.fit_transform(frame)


# -- a projection of a Parquet read ------------------------------------------------------


@pytest.mark.parametrize("preserve", [False, True])
def test_parquet_projection_with_passthrough(tmp_path, preserve):
    # dask fuses the partitions of a Parquet read by how many columns a projection keeps,
    # so the columns a transformer gets and the passthrough columns must be converted with
    # the same row blocks
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    n = 4000
    frame = pd.DataFrame({c: rng.normal(size=n) * (i + 1) for i, c in enumerate("abcdef")})
    frame["y"] = rng.normal(size=n)
    frame.to_parquet(tmp_path / "data.parquet", row_group_size=200)
    df = dd.read_parquet(tmp_path / "data.parquet", split_row_groups=True)
    assert df.npartitions == 20
    columns = ["a", "b", "c", "d", "e"]
    X = df[columns]
    ours = ColumnTransformer([("s", StandardScaler(), ["a"]), ("m", MinMaxScaler(), ["b"])],
                             remainder="passthrough", preserve_dataframe=preserve)
    ref = skc.ColumnTransformer([("s", skp.StandardScaler(), ["a"]),
                                 ("m", skp.MinMaxScaler(), ["b"])], remainder="passthrough")
    expected = ref.fit_transform(frame[columns])
    out = ours.fit(X).transform(X)
    assert isinstance(out, dd.DataFrame if preserve else da.Array)
    np.testing.assert_allclose(_np(out), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_np(ours.fit_transform(X)), expected, rtol=1e-12, atol=1e-12)
    # and next to y of the same read, in a Pipeline ending in a dask_scale model: the same
    # model as on the pandas frame
    from dask_scale.linear_model import LinearRegression

    pipe = Pipeline([("pre", ours), ("model", LinearRegression(tol=1e-10, max_iter=1000))])
    in_memory = clone(pipe).fit(frame[columns], frame["y"])
    pipe.fit(X, df["y"])
    np.testing.assert_allclose(pipe.named_steps["model"].coef_,
                               in_memory.named_steps["model"].coef_, rtol=1e-6, atol=1e-9)


class _Rechunker(_Doubler):
    def transform(self, X):
        return X.rechunk({0: 7}) * 2


def test_dask_outputs_with_other_row_blocks_are_matched():
    frame = _two_columns()
    X = da.from_array(frame.to_numpy(), chunks=(25, 2))
    ours = make_column_transformer((_Rechunker(), [0]), (StandardScaler(), [1]))
    out = ours.fit_transform(X)
    assert out.chunks[0] == X.chunks[0]
    expected = skc.make_column_transformer(
        (_Doubler(), [0]), (skp.StandardScaler(), [1])).fit_transform(frame.to_numpy())
    np.testing.assert_allclose(out.compute(), expected, rtol=1e-12)
    # unknown row blocks cannot be matched when their numbers differ
    Xu = dd.from_pandas(frame, npartitions=3).to_dask_array()
    ours = make_column_transformer((_BlockDropper(), [0]), (StandardScaler(), [1]))
    with pytest.raises(ValueError, match="different numbers of blocks"):
        ours.fit_transform(Xu)


class _BlockDropper(_Doubler):
    def transform(self, X):
        return X.blocks[:-1]


def test_scalar_column_of_a_dask_array_with_unknown_chunks():
    frame = _two_columns()
    Xu = dd.from_pandas(frame, npartitions=3).to_dask_array()
    ours = ColumnTransformer([("p", "passthrough", 0), ("s", StandardScaler(), [1])])
    # (scikit-learn wants 2-D outputs, so its twin selects [0])
    ref = skc.ColumnTransformer([("p", "passthrough", [0]), ("s", skp.StandardScaler(), [1])])
    out = ours.fit_transform(Xu)
    assert ours.output_indices_ == ref.fit(frame.to_numpy()).output_indices_
    np.testing.assert_allclose(out.compute(), ref.transform(frame.to_numpy()), rtol=1e-12)


# --------------------------------------------------------------------------------------------
# OneHotEncoder's default sparse output: sparse_threshold as scikit-learn decides it
# --------------------------------------------------------------------------------------------


def _sparse_problem(many_categories, n=120, seed=4):
    # one numeric column and two categorical ones: with 8 categories each the one-hot
    # part makes the output 3/17 dense (sparse at the default 0.3), with 2 each 3/5 (dense)
    rng = np.random.default_rng(seed)
    k = 8 if many_categories else 2
    frame = pd.DataFrame({
        "x": rng.normal(size=n),
        "k": rng.integers(0, k, n).astype(float),
        "j": rng.integers(0, k, n).astype(float),
    })
    return frame


def _dense(out):
    import scipy.sparse as sp

    out = out.compute() if hasattr(out, "compute") else out
    if sp.issparse(out):
        return out.toarray()
    if isinstance(out, pd.DataFrame):  # pandas Sparse columns densified one by one
        return np.column_stack([np.asarray(out[c], dtype=float) for c in out.columns])
    return np.asarray(out)


def _ours_and_sklearns(threshold, names=False):
    num, cat = (["x"], ["k", "j"]) if names else ([0], [1, 2])
    ours = ColumnTransformer([("num", StandardScaler(), num), ("cat", OneHotEncoder(), cat)],
                             sparse_threshold=threshold)
    ref = skc.ColumnTransformer(
        [("num", skp.StandardScaler(), num), ("cat", skp.OneHotEncoder(), cat)],
        sparse_threshold=threshold,
    )
    return ours, ref


@pytest.mark.parametrize("many_categories", [True, False])
@pytest.mark.parametrize("threshold", [0.3, 0.0, 1.0])
@pytest.mark.parametrize("kind", ["numpy", "pandas", "dask-array", "dask-array-unknown",
                                  "dask-frame-array"])
def test_sparse_threshold_decides_as_sklearn(many_categories, threshold, kind):
    import scipy.sparse as sp

    frame = _sparse_problem(many_categories)
    X = frame.to_numpy()
    names = kind in ("pandas", "dask-frame-array")
    ours, ref = _ours_and_sklearns(threshold, names=names)
    expected = ref.fit_transform(frame if names else X)
    if kind == "numpy":
        Xin = X
    elif kind == "pandas":
        Xin = frame
    elif kind == "dask-frame-array":
        Xin = dd.from_pandas(frame, npartitions=3)
        ours.set_params(preserve_dataframe=False)
    else:
        Xin = da.from_array(X, chunks=(40, 3))
        if kind.endswith("unknown"):
            Xin = Xin[da.from_array(np.ones(len(X), bool), chunks=40)]
    out = ours.fit_transform(Xin)
    assert ours.sparse_output_ == ref.sparse_output_
    if kind in ("numpy", "pandas"):
        assert sp.issparse(out) == sp.issparse(expected)
        if sp.issparse(out):
            assert out.format == "csr"
    else:
        assert isinstance(out, da.Array)
        assert sp.issparse(out._meta) == ref.sparse_output_
        blocks = [b.compute() for b in out.to_delayed().ravel()]
        assert len(blocks) == 3
        assert all(sp.issparse(b) == ref.sparse_output_ for b in blocks)
        # transform after fit gives the same form
        again = ours.transform(Xin)
        assert type(again._meta) is type(out._meta)
    np.testing.assert_allclose(_dense(out), _dense(expected), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("many_categories", [True, False])
def test_dask_frame_output_keeps_the_sparse_columns(many_categories):
    # every part a DataFrame and preserve_dataframe=True (dask-ml's default): a DataFrame,
    # the one-hot columns pandas Sparse as the encoder gives them, never a sparse matrix
    frame = _sparse_problem(many_categories)
    ours, ref = _ours_and_sklearns(0.3, names=True)
    out = ours.fit_transform(dd.from_pandas(frame, npartitions=3))
    assert isinstance(out, dd.DataFrame) and ours.sparse_output_ is False
    assert out.dtypes["num__x"] == np.float64
    assert all(isinstance(out.dtypes[c], pd.SparseDtype) for c in out.columns[1:])
    assert list(out.columns) == list(ref.fit(frame).get_feature_names_out())
    np.testing.assert_allclose(_dense(out), _dense(ref.transform(frame)), rtol=1e-12)
    # pandas the same way when every part is a DataFrame (the encoder's and a passthrough)
    ours = ColumnTransformer([("cat", OneHotEncoder(), ["k", "j"]), ("p", "passthrough", ["x"])])
    out = ours.fit_transform(frame)
    assert isinstance(out, pd.DataFrame) and ours.sparse_output_ is False
    assert all(isinstance(out.dtypes[c], pd.SparseDtype) for c in out.columns[:-1])
    ref = skc.ColumnTransformer([("cat", skp.OneHotEncoder(), ["k", "j"]),
                                 ("p", "passthrough", ["x"])]).fit(frame)
    assert list(out.columns) == list(ref.get_feature_names_out())
    np.testing.assert_allclose(_dense(out), _dense(ref.transform(frame)), rtol=1e-12)
    # without preserve_dataframe: scikit-learn's sparse_threshold decision
    ours.set_params(preserve_dataframe=False)
    assert type(ours.fit_transform(frame)) is type(ref.transform(frame))
    assert ours.sparse_output_ == ref.sparse_output_


@pytest.mark.parametrize("kind", ["dask-array", "dask-frame"])
@pytest.mark.parametrize("final", ["scaler", "logistic", "kmeans"])
def test_pipelines_on_the_sparse_default_equal_the_dense_path(kind, final):
    from dask_scale.cluster import KMeans
    from dask_scale.linear_model import LogisticRegression

    frame = _sparse_problem(True)
    y = (frame["x"] + (frame["k"] > 3) > 0.5).astype(int)
    if kind == "dask-array":
        X = da.from_array(frame[["k", "j"]].to_numpy(), chunks=(40, 2))
        yd = da.from_array(y.to_numpy(), chunks=40)
    else:
        X = dd.from_pandas(frame[["k", "j"]].astype("category"), npartitions=3)
        yd = dd.from_pandas(y, npartitions=3)
    last = {
        "scaler": lambda: StandardScaler(with_mean=False),
        "logistic": lambda: LogisticRegression(),
        "kmeans": lambda: KMeans(n_clusters=3, random_state=0, n_init=1),
    }[final]
    fits = [make_pipeline(OneHotEncoder(sparse_output=s), last()).fit(X, yd)
            for s in (True, False)]
    sparse_pipe, dense_pipe = fits
    step = sparse_pipe[-1]
    for attr in ("scale_", "coef_", "intercept_", "cluster_centers_"):
        if hasattr(step, attr):
            np.testing.assert_allclose(getattr(step, attr), getattr(dense_pipe[-1], attr),
                                       rtol=1e-12, atol=1e-12)
    method = "transform" if final == "scaler" else "predict"
    got, want = getattr(sparse_pipe, method)(X), getattr(dense_pipe, method)(X)
    np.testing.assert_allclose(_dense(got), _dense(want), rtol=1e-12)
