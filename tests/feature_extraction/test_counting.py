"""dask_scale.feature_extraction._counting.limit_vocabulary: scikit-learn's pruning rules on
merged term counts (vocabulary equal to scikit-learn's fit on the same documents)."""

import numpy as np
import pytest
import sklearn.feature_extraction.text as skt
from hypothesis import given, settings
from hypothesis import strategies as st

from dask_scale.feature_extraction._counting import limit_vocabulary


def _counts(docs, binary=False):
    analyze = skt.CountVectorizer().build_analyzer()
    df, tf = {}, {}
    for doc in docs:
        tokens = analyze(doc)
        for t in set(tokens):
            df[t] = df.get(t, 0) + 1
        for t in tokens:
            tf[t] = tf.get(t, 0) + 1
    terms = list(df)
    return terms, np.array([df[t] for t in terms]), np.array([(df if binary else tf)[t] for t in terms])


WORD = st.sampled_from(["aa", "bb", "cc", "dd", "ee", "ff", "gg"])
DOCS = st.lists(st.lists(WORD, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=15)


@settings(max_examples=30)
@given(
    docs=DOCS,
    max_df=st.sampled_from([1.0, 0.7, 3, 10]),
    min_df=st.sampled_from([1, 2, 0.3]),
    max_features=st.one_of(st.none(), st.integers(1, 6)),
    binary=st.booleans(),
    dtype=st.sampled_from([np.int64, np.float32, np.int8]),
)
def test_limit_vocabulary_is_sklearns(docs, max_df, min_df, max_features, binary, dtype):
    params = dict(max_df=max_df, min_df=min_df, max_features=max_features)
    theirs = skt.CountVectorizer(binary=binary, dtype=dtype, **params)
    terms, df, tf = _counts(docs, binary)
    try:
        theirs.fit(docs)
    except ValueError as exc:
        with pytest.raises(ValueError, match=str(exc)[:20]):
            limit_vocabulary(len(docs), terms, df, tf, dtype=dtype, **params)
        return
    got = limit_vocabulary(len(docs), terms, df, tf, dtype=dtype, **params)
    assert got == theirs.vocabulary_


def test_no_terms_is_sklearns_error():
    with pytest.raises(ValueError, match="empty vocabulary"):
        limit_vocabulary(3, [], np.zeros(0), None, max_df=1.0, min_df=1, max_features=None,
                         dtype=np.int64)
