"""dask_scale.feature_extraction.text: rows equal scikit-learn's on the same documents, for
every kind of lazy input (Bag, Series, one-column frame, dask array, empty partitions),
lazily, with clear errors for bad documents; pipelines with Incremental and the linear
models."""

import pickle

import dask
import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
import sklearn.feature_extraction as skfe
import sklearn.feature_extraction.text as skt
from _helpers import GraphCounter
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import make_pipeline

import dask_scale.feature_extraction
from dask_scale.feature_extraction.text import CountVectorizer, FeatureHasher, HashingVectorizer
from dask_scale.linear_model import LogisticRegression
from dask_scale.wrappers import Incremental

DOCS = [
    "The cat sat on the mat.",
    "The dog ate my homework, the dog did!",
    "",
    "Cats and dogs and mats and hats",
    "a b c the the THE",
    "Über naïve café: déjà vu",
    "dog dog dog cat",
    "homework is a mat for the cat",
]
PARTS = [DOCS[:3], [], DOCS[3:4], DOCS[4:]]  # an empty partition among them


def _lazy(kind, docs=DOCS, parts=PARTS):
    if kind == "bag":
        return db.from_delayed([dask.delayed(list)(p) for p in parts])
    if kind == "bag-even":
        return db.from_sequence(docs, npartitions=3)
    if kind == "series":
        return dd.from_pandas(pd.Series(docs, name="text"), npartitions=3)
    if kind == "frame":
        return dd.from_pandas(pd.DataFrame({"text": docs}), npartitions=2)
    if kind == "array":
        return da.from_array(np.array(docs, dtype=object), chunks=3)
    raise AssertionError(kind)


KINDS = ["bag", "bag-even", "series", "frame", "array"]


def _assert_same(lazy, expected):
    assert isinstance(lazy, da.Array)
    assert isinstance(lazy._meta, sp.csr_matrix) and lazy.shape[1] == expected.shape[1]
    got = lazy.compute()
    assert isinstance(got, sp.csr_matrix)
    assert got.dtype == expected.dtype == lazy.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.toarray(), expected.toarray())


COUNT_PARAMS = [
    {},
    {"ngram_range": (1, 2)},
    {"max_df": 0.5, "min_df": 2},
    {"max_df": 3, "min_df": 0.2},
    {"max_features": 4},  # ties among the counts: scikit-learn's tie-breaking
    {"max_features": 3, "binary": True},
    {"analyzer": "char_wb", "ngram_range": (2, 3), "max_features": 20},
    {"stop_words": "english", "strip_accents": "unicode"},
    {"lowercase": False, "dtype": np.float32},
    {"vocabulary": ["cat", "dog", "mat", "zebra"]},
    {"analyzer": lambda d: d.split()},  # a callable analyzer
]


@pytest.mark.parametrize("params", COUNT_PARAMS, ids=lambda p: ",".join(map(str, p)) or "default")
@pytest.mark.parametrize("kind", KINDS)
def test_count_vectorizer_equals_sklearn(kind, params):
    ours = CountVectorizer(**params)
    theirs = skt.CountVectorizer(**params)
    expected = theirs.fit_transform(DOCS)
    X = ours.fit_transform(_lazy(kind))
    _assert_same(X, expected)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert ours.fixed_vocabulary_ == theirs.fixed_vocabulary_
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    # a fitted model transforms other documents as scikit-learn's does
    other = ["the cat and the zebra", "dog"]
    _assert_same(ours.transform(db.from_sequence(other, npartitions=2)), theirs.transform(other))


HASH_PARAMS = [
    {"n_features": 2**8},
    {"n_features": 64, "norm": None, "alternate_sign": False},
    {"n_features": 32, "binary": True, "norm": "l1"},
    {"n_features": 128, "analyzer": "char", "ngram_range": (1, 3), "dtype": np.float32},
]


@pytest.mark.parametrize("params", HASH_PARAMS, ids=lambda p: ",".join(map(str, p)))
@pytest.mark.parametrize("kind", KINDS)
def test_hashing_vectorizer_equals_sklearn(kind, params):
    expected = skt.HashingVectorizer(**params).fit_transform(DOCS)
    _assert_same(HashingVectorizer(**params).fit_transform(_lazy(kind)), expected)


SAMPLES = {
    "dict": [{"dog": 1, "cat": 2, "elephant": 4}, {"dog": 2, "run": 5}, {}, {"cat": -1.5}],
    "pair": [[("dog", 1), ("cat", 2)], [("run", 5.0)], [("dog", 2), ("dog", 3)], []],
    "string": [["dog", "cat", "cat"], ["run"], [], ["dog", "elephant"]],
}


@pytest.mark.parametrize("input_type", sorted(SAMPLES))
def test_feature_hasher_equals_sklearn(input_type):
    samples = SAMPLES[input_type]
    expected = skfe.FeatureHasher(n_features=16, input_type=input_type).transform(samples)
    ours = FeatureHasher(n_features=16, input_type=input_type)
    bag = db.from_delayed([dask.delayed(list)(p) for p in (samples[:1], [], samples[1:])])
    _assert_same(ours.fit_transform(bag), expected)
    with dask.config.set({"dataframe.convert-string": False}):  # keep the objects
        series = dd.from_pandas(pd.Series(samples, dtype=object), npartitions=2)
    _assert_same(ours.transform(series), expected)
    # dask's conversion to strings: the error says what happened
    series = dd.from_pandas(pd.Series(samples, dtype=object), npartitions=2)
    with pytest.raises(TypeError, match="convert-string"):
        ours.transform(series).compute()
    assert dask_scale.feature_extraction.FeatureHasher is FeatureHasher


@pytest.mark.parametrize(
    "make",
    [CountVectorizer, lambda: HashingVectorizer(n_features=32), lambda: CountVectorizer(max_df=2)],
)
def test_in_memory_input_is_sklearns_output(make):
    ours = make()
    theirs = getattr(skt, type(ours).__name__)(**ours.get_params())
    for docs in (DOCS, np.array(DOCS, dtype=object), pd.Series(DOCS), pd.DataFrame({"t": DOCS})):
        got = ours.fit_transform(docs)
        expected = theirs.fit_transform(DOCS)
        assert type(got) is type(expected)
        np.testing.assert_array_equal(got.toarray(), expected.toarray())


def test_row_chunks_known_for_a_dask_array_unknown_for_bags_and_series():
    vec = HashingVectorizer(n_features=16)
    assert vec.transform(_lazy("array")).chunks == ((3, 3, 2), (16,))
    for kind in ("bag", "series"):
        X = vec.transform(_lazy(kind))
        assert np.isnan(X.shape[0]) and X.shape[1] == 16
        assert X.numblocks[0] == _lazy(kind).npartitions
    blocks = vec.transform(_lazy("bag")).to_delayed().ravel()
    assert [b.compute().shape[0] for b in blocks] == [len(p) for p in PARTS]  # empty kept


def test_transform_is_lazy_and_fit_is_one_pass():
    bag = _lazy("bag")
    with GraphCounter() as counter:
        HashingVectorizer().fit(bag)
        X = HashingVectorizer().fit_transform(bag)
        FeatureHasher(input_type="string").fit_transform(bag.map(str.split))
    assert counter.count == 0
    with GraphCounter() as counter:
        vec = CountVectorizer(max_features=5).fit(bag)
    assert counter.count == 1  # the vocabulary pass
    with GraphCounter() as counter:
        X = vec.transform(bag)
        CountVectorizer(vocabulary=["cat", "dog"]).fit_transform(bag)  # no pass at all
        for kind in ("series", "frame", "array"):
            vec.transform(_lazy(kind))
    assert counter.count == 0
    assert X.shape[1] == 5


def test_the_lazy_output_keeps_the_model_it_was_made_with():
    bag = _lazy("bag")
    vec = CountVectorizer().fit(bag)
    X = vec.transform(bag)
    vec.set_params(min_df=3).fit(bag)  # refitted before X is computed
    _assert_same(X, skt.CountVectorizer().fit_transform(DOCS))
    _assert_same(vec.transform(bag), skt.CountVectorizer(min_df=3).fit_transform(DOCS))


def test_on_a_distributed_client_equals_sklearn(client, unique_task_keys):
    for params in ({}, {"max_features": 4, "ngram_range": (1, 2)}):
        X = CountVectorizer(**params).fit_transform(_lazy("bag"))
        _assert_same(X, skt.CountVectorizer(**params).fit_transform(DOCS))
    X = HashingVectorizer(n_features=64).transform(_lazy("series"))
    _assert_same(X, skt.HashingVectorizer(n_features=64).transform(DOCS))
    # a chain of Bag operations: the pass and the output name its partitions alike
    bag = db.from_sequence(DOCS, npartitions=3).map(str.upper).filter(bool)
    upper = [d.upper() for d in DOCS if d]
    vec = CountVectorizer(lowercase=False).fit(bag)
    _assert_same(vec.transform(bag), skt.CountVectorizer(lowercase=False).fit_transform(upper))
    assert bag.compute() == upper


def test_graph_keys_are_deterministic_and_follow_the_model():
    bag = _lazy("bag")
    a = CountVectorizer().fit(bag)
    b = CountVectorizer().fit(bag)
    assert a.transform(bag).name == b.transform(bag).name
    c = CountVectorizer(min_df=2).fit(bag)
    assert c.transform(bag).name != a.transform(bag).name
    assert HashingVectorizer().transform(bag).name != HashingVectorizer(binary=True).transform(bag).name


def test_fitted_models_pickle_small():
    bag = _lazy("bag")
    ours = CountVectorizer().fit(bag)
    theirs = skt.CountVectorizer().fit(DOCS)
    blob = pickle.dumps(ours)
    assert len(blob) < len(pickle.dumps(theirs)) + 200
    back = pickle.loads(blob)
    assert back.vocabulary_ == theirs.vocabulary_
    _assert_same(back.transform(bag), theirs.transform(DOCS))
    # the lazy output pickles too (a graph of module-level functions)
    X = pickle.loads(pickle.dumps(HashingVectorizer(n_features=8).transform(bag)))
    assert X.compute().shape == (len(DOCS), 8)


def test_sparse_interface_config_gives_csr_arrays():
    with sklearn.config_context(sparse_interface="sparray"):
        X = CountVectorizer().fit_transform(_lazy("bag"))
        assert isinstance(X._meta, sp.csr_array)
        assert isinstance(X.compute(), sp.csr_array)


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [CountVectorizer, HashingVectorizer])
def test_non_string_documents_raise_a_clear_error(make):
    bag = db.from_sequence(["a text", 3, "more"], npartitions=1)
    with pytest.raises(TypeError, match=r"str or bytes.*Document 1 of its partition is a int"):
        make().fit_transform(bag).compute()
    series = dd.from_pandas(pd.Series(["a text", None, "more text"]), npartitions=1)
    with pytest.raises(TypeError, match=r"Missing values must be dropped or filled"):
        make().fit_transform(series).compute()
    with pytest.raises(TypeError, match=r"Document 1 is a float \(nan\).*Missing values"):
        make().fit_transform(["a text", np.nan])


def test_input_of_the_wrong_shape_or_dtype_raises_before_any_work():
    frame = dd.from_pandas(pd.DataFrame({"a": ["x y"], "b": ["z"]}), npartitions=1)
    with pytest.raises(ValueError, match=r"one column of text documents.*X\['a'\]"):
        CountVectorizer().fit(frame)
    numbers = dd.from_pandas(pd.Series([1.0, 2.0]), npartitions=1)
    with pytest.raises(ValueError, match="dtype float64"):
        HashingVectorizer().transform(numbers)
    with pytest.raises(ValueError, match="1-D collection"):
        HashingVectorizer().transform(da.from_array(np.full((2, 2), "a", dtype=object), chunks=1))
    with pytest.raises(ValueError, match="string object received"):
        CountVectorizer().fit("one string")
    with pytest.raises(sklearn.exceptions.NotFittedError):
        CountVectorizer().transform(_lazy("bag"))


def test_feature_hasher_bad_samples():
    bag = db.from_sequence([["a"], "ab"], npartitions=1)
    with pytest.raises(TypeError, match="not a str.*Sample 1 of its partition is a str"):
        FeatureHasher(input_type="string").transform(bag).compute()
    with pytest.raises(TypeError, match="a dict.*Sample 0 is a float"):
        FeatureHasher().transform([np.nan])


def test_empty_partitions_give_empty_blocks_and_no_documents_sklearns_error():
    empty = db.from_delayed([dask.delayed(list)([]), dask.delayed(list)([])])
    X = HashingVectorizer(n_features=8).transform(empty).compute()
    assert X.shape == (0, 8)
    with pytest.raises(ValueError, match="empty vocabulary"):
        CountVectorizer().fit(empty)
    with pytest.raises(ValueError, match="After pruning, no terms remain"):
        skt.CountVectorizer(min_df=8).fit(DOCS)
    with pytest.raises(ValueError, match="After pruning, no terms remain"):
        CountVectorizer(min_df=8).fit(_lazy("bag"))
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        CountVectorizer(max_df=1, min_df=2).fit(_lazy("bag"))


# -- invariants --------------------------------------------------------------------------------

WORDS = st.sampled_from(["cat", "dog", "mat", "a", "the", "hat", "Dog", "été"])


@settings(max_examples=15)
@given(
    docs=st.lists(st.lists(WORDS, max_size=6).map(" ".join), min_size=1, max_size=12),
    npartitions=st.integers(1, 4),
    max_features=st.one_of(st.none(), st.integers(1, 5)),
)
def test_partitioning_never_changes_the_vocabulary_or_the_rows(docs, npartitions, max_features):
    theirs = skt.CountVectorizer(max_features=max_features, token_pattern=r"\w+")
    try:
        expected = theirs.fit_transform(docs)
    except ValueError as exc:  # no term at all: the same error
        with pytest.raises(ValueError, match=str(exc)):
            CountVectorizer(token_pattern=r"\w+").fit(db.from_sequence(docs, npartitions=npartitions))
        return
    ours = CountVectorizer(max_features=max_features, token_pattern=r"\w+")
    bag = db.from_sequence(docs, npartitions=npartitions)
    _assert_same(ours.fit_transform(bag), expected)
    assert ours.vocabulary_ == theirs.vocabulary_


# -- pipelines ---------------------------------------------------------------------------------


def _labelled(n=60, seed=0):
    rng = np.random.default_rng(seed)
    words = ["good", "bad", "great", "awful", "fine", "meh", "nice", "poor"]
    docs = [" ".join(rng.choice(words, 5)) for _ in range(n)]
    y = np.array([sum(w in ("good", "great", "nice", "fine") for w in d.split()) >= 3 for d in docs])
    return docs, y.astype(int)


def test_pipeline_with_incremental_on_a_bag_equals_sklearns_partial_fits():
    docs, y = _labelled()
    bag = db.from_sequence(docs, npartitions=3)
    sizes = [20, 20, 20]
    assert bag.map_partitions(lambda p: [len(list(p))]).compute() == sizes
    yd = da.from_array(y, chunks=(tuple(sizes),))
    pipe = make_pipeline(
        HashingVectorizer(n_features=2**8),
        Incremental(SGDClassifier(random_state=0, tol=None, max_iter=5), shuffle_blocks=False),
    )
    pipe.fit(bag, yd, incremental__classes=[0, 1])
    expected = SGDClassifier(random_state=0, tol=None, max_iter=5)
    Xs = skt.HashingVectorizer(n_features=2**8).transform(docs)
    for start in (0, 20, 40):
        expected.partial_fit(Xs[start : start + 20], y[start : start + 20], classes=[0, 1])
    np.testing.assert_allclose(pipe[-1].coef_, expected.coef_, rtol=1e-12)
    predicted = pipe.predict(bag)
    assert isinstance(predicted, da.Array)
    np.testing.assert_array_equal(predicted.compute(), expected.predict(Xs))


def test_pipeline_with_logistic_regression_equals_sklearns():
    docs, y = _labelled(seed=1)
    series = dd.from_pandas(pd.Series(docs), npartitions=2)
    yd = dd.from_pandas(pd.Series(y), npartitions=2).to_dask_array()
    pipe = make_pipeline(CountVectorizer(), LogisticRegression(tol=1e-10, max_iter=500))
    pipe.fit(series, yd)
    skpipe = make_pipeline(
        skt.CountVectorizer(), sklearn.linear_model.LogisticRegression(tol=1e-10, max_iter=500)
    ).fit(docs, y)
    np.testing.assert_allclose(pipe[-1].coef_, skpipe[-1].coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(pipe.predict(series).compute(), skpipe.predict(docs))
