""":class:`CountVectorizer`: the vocabulary in one pass over lazy documents, then blockwise
counts.

The pass is one tree reduction (:func:`dask_scale._graph.reduce_blocks`): every partition
gives its number of documents and the distinct terms with their document frequencies (and
total counts, when ``max_features`` needs them), merged by
:func:`dask_scale._kernels.stats.merge_value_counts`. scikit-learn's rules for
``max_df``, ``min_df`` and ``max_features`` are then applied to the merged counts
(:func:`limit_vocabulary`), so the vocabulary is scikit-learn's on the same documents.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer as _SkCountVectorizer

from .._graph import reduce_blocks
from .._kernels.stats import merge_value_counts, value_counts
from .._set_output import TransformerMixin
from .._types import is_lazy
from ._documents import (
    as_documents,
    checked_documents,
    document_kind,
    sparse_meta,
    vectorize_lazily,
)

__all__ = ["CountVectorizer", "limit_vocabulary"]


def _object_array(items):
    return np.fromiter(items, dtype=object, count=len(items))


def _block_term_counts(docs, kind, name, with_totals, analyzer):
    """``(n_documents, document frequencies, total counts or None)`` of one partition (a
    Bag partition reaches it as a list: :func:`dask_scale._graph.reduce_blocks`); the
    frequencies as :func:`value_counts` results over the terms."""
    per_doc, every = [], []
    n = 0
    for doc in checked_documents(docs, kind, name, in_block=True):
        tokens = analyzer(doc)
        n += 1
        per_doc.extend(set(tokens))
        if with_totals:
            every.extend(tokens)
    df = value_counts(_object_array(per_doc))
    tf = value_counts(_object_array(every)) if with_totals else None
    return n, df, tf


def _merge_term_counts(parts):
    n = sum(p[0] for p in parts)
    df = merge_value_counts([p[1] for p in parts])
    tf = None if parts[0][2] is None else merge_value_counts([p[2] for p in parts])
    return n, df, tf


def _aligned(terms, counts, order_of):
    """``counts`` of ``terms`` rearranged in the order ``order_of`` (term -> position)."""
    out = np.zeros(len(order_of), dtype=counts.dtype)
    out[[order_of[t] for t in terms]] = counts
    return out


def limit_vocabulary(n_documents, terms, df, tf, *, max_df, min_df, max_features, dtype):
    """scikit-learn's vocabulary from merged term counts: ``{term: column}``.

    Terms are sorted; those in fewer than ``min_df`` or more than ``max_df`` documents
    (counts, or fractions of ``n_documents``) are dropped; of those left, the
    ``max_features`` of largest total count are kept (ties broken as scikit-learn's
    ``argsort`` of the negated totals, in the ``dtype`` of its count matrix's column sums).

    Parameters
    ----------
    n_documents : int
    terms : sequence of the distinct terms
    df : ndarray of int, document frequency of each term
    tf : ndarray or None, total count of each term (needed with ``max_features``)
    max_df, min_df : float or int
    max_features : int or None
    dtype : numpy dtype of the count matrix

    Raises
    ------
    ValueError
        scikit-learn's errors: no terms at all, ``max_df`` below ``min_df``, no term left.
    """
    if len(terms) == 0:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    high = max_df if isinstance(max_df, Integral) else max_df * n_documents
    low = min_df if isinstance(min_df, Integral) else min_df * n_documents
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    order = sorted(range(len(terms)), key=terms.__getitem__)
    terms = [terms[i] for i in order]
    df = np.asarray(df)[order]
    keep = (df <= high) & (df >= low)
    if max_features is not None and keep.sum() > max_features:
        sums = np.asarray(tf)[order].astype(np.zeros(1, dtype=dtype).sum().dtype)
        best = (-sums[keep]).argsort()[:max_features]
        chosen = np.zeros(len(terms), dtype=bool)
        chosen[np.flatnonzero(keep)[best]] = True
        keep = chosen
    kept = [t for t, k in zip(terms, keep, strict=True) if k]
    if not kept:
        raise ValueError(
            "After pruning, no terms remain. Try a lower min_df or a higher max_df."
        )
    return {t: i for i, t in enumerate(kept)}


class CountVectorizer(TransformerMixin, _SkCountVectorizer):
    """scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer` on a dask Bag
    or Series of documents: the vocabulary in one pass, then blockwise counts.

    ``fit`` on lazy documents learns scikit-learn's vocabulary in one pass over the data (a
    tree reduction of the terms of every partition and their document frequencies, then
    ``max_df``, ``min_df`` and ``max_features`` applied to the merged counts); with a given
    ``vocabulary`` there is no pass at all. ``transform`` is lazy: each partition is counted
    by scikit-learn's own transform with the fitted vocabulary, so its rows equal
    scikit-learn's on the same documents.

    Parameters
    ----------
    input : {"content", "filename", "file"}, default="content"
        What each document is: its text, the name of a file holding it, or a file object.
    encoding : str, default="utf-8"
        Encoding of bytes documents (and files).
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are not valid in ``encoding``.
    strip_accents : {"ascii", "unicode"} or callable, default=None
        Accent removal in the preprocessing step.
    lowercase : bool, default=True
        Lower-case the text before tokenizing.
    preprocessor : callable, default=None
        Replaces the preprocessing step (``analyzer`` a string only).
    tokenizer : callable, default=None
        Replaces the tokenizing step (``analyzer="word"`` only).
    stop_words : {"english"}, list or None, default=None
        Tokens removed (``analyzer="word"`` only).
    token_pattern : str or None, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression of a token (``analyzer="word"``, no ``tokenizer``).
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Lengths of the n-grams extracted.
    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        Word or character n-grams, or a callable turning a document into its features.
    max_df : float in [0.0, 1.0] or int, default=1.0
        Terms in more documents than this (a fraction of the documents, or a count) are
        dropped.
    min_df : float in [0.0, 1.0] or int, default=1
        Terms in fewer documents than this are dropped.
    max_features : int, default=None
        Keep only the terms of largest total count, this many.
    vocabulary : Mapping or iterable, default=None
        A fixed vocabulary (term -> column, or terms in column order): ``fit`` then reads
        no data, and ``max_df``, ``min_df``, ``max_features`` do not apply (as in
        scikit-learn).
    binary : bool, default=False
        Every non-zero count set to 1.
    dtype : dtype, default=np.int64
        dtype of the output.

    Attributes
    ----------
    vocabulary_ : dict
        Term -> column of the output.
    fixed_vocabulary_ : bool
        Whether the vocabulary was given by the user.

    See Also
    --------
    HashingVectorizer : no vocabulary, no pass over the data.

    Notes
    -----
    Lazy input (a dask Bag, a dask Series of strings or a one-column dask DataFrame, a 1-D
    dask array of strings) gives a dask array of ``scipy.sparse.csr_matrix`` blocks, one per
    partition (row counts unknown, NaN, for a Bag or Series; known for a dask array; an
    empty partition gives an empty block). Other input is scikit-learn's in-memory path.
    ``fit_transform`` of lazy input is ``fit`` (one pass) then the lazy ``transform``. A
    document that is not a string raises a ``TypeError`` naming its position.

    Examples
    --------
    >>> import dask.bag as db
    >>> from dask_scale.feature_extraction.text import CountVectorizer
    >>> docs = db.from_sequence(["the cat sat", "the dog", "a cat and a dog"], npartitions=2)
    >>> vec = CountVectorizer().fit(docs)
    >>> sorted(vec.vocabulary_)
    ['and', 'cat', 'dog', 'sat', 'the']
    >>> vec.transform(docs).compute().toarray()[0].tolist()
    [0, 1, 0, 1, 1]
    """

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary: one pass over lazy documents (none with a given one).

        Parameters
        ----------
        raw_documents : dask Bag, dask Series, dask array or iterable of documents
            Text documents (str or bytes; file names or file objects with ``input``).
        y : None
            Ignored.

        Returns
        -------
        self : CountVectorizer
        """
        docs = as_documents(raw_documents, type(self).__name__)
        if not is_lazy(docs):
            _SkCountVectorizer.fit_transform(self, self._checked(docs))
            return self
        if self.vocabulary is not None:
            # the checks and warnings of a given vocabulary, reading no document
            _SkCountVectorizer.fit_transform(self, [])
            return self
        self._validate_params()
        self._validate_ngram_range()
        self._warn_for_unused_params()
        self._validate_vocabulary()
        with_totals = self.max_features is not None and not self.binary
        n, df, tf = reduce_blocks(
            _block_term_counts,
            [docs],
            # the analyzer (a callable) not first: a tuple starting with one is a dask task
            (document_kind(self), type(self).__name__, with_totals, self.build_analyzer()),
            combine=_merge_term_counts,
            name="count-vectorizer-vocabulary",
        )
        terms, counts = list(df[0]), df[1]
        totals = None
        if self.max_features is not None:
            # with binary counts, a term's total is its document frequency
            totals = counts if self.binary else _aligned(tf[0], tf[1], {t: i for i, t in enumerate(terms)})
        self.vocabulary_ = limit_vocabulary(
            n,
            terms,
            counts,
            totals,
            max_df=self.max_df,
            min_df=self.min_df,
            max_features=self.max_features,
            dtype=self.dtype,
        )
        return self

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and count: :meth:`fit` then the lazy :meth:`transform` for
        lazy documents, scikit-learn's one pass for in-memory ones.

        Parameters
        ----------
        raw_documents : dask Bag, dask Series, dask array or iterable of documents
            Text documents.
        y : None
            Ignored.

        Returns
        -------
        X : dask array of scipy.sparse CSR blocks, or sparse matrix
            Shape ``(n_documents, len(vocabulary_))``.
        """
        docs = as_documents(raw_documents, type(self).__name__)
        if not is_lazy(docs):
            return _SkCountVectorizer.fit_transform(self, self._checked(docs))
        return self.fit(docs).transform(docs)

    def transform(self, raw_documents):
        """Count the terms of the vocabulary in each document (lazy for lazy input).

        Parameters
        ----------
        raw_documents : dask Bag, dask Series, dask array or iterable of documents
            Text documents.

        Returns
        -------
        X : dask array of scipy.sparse CSR blocks, or sparse matrix
            Shape ``(n_documents, len(vocabulary_))``.
        """
        docs = as_documents(raw_documents, type(self).__name__)
        if not is_lazy(docs):
            return self._vectorize(docs)
        self._check_vocabulary()
        meta = sparse_meta(len(self.vocabulary_), np.dtype(self.dtype))
        return vectorize_lazily(self, docs, meta, "count-vectorizer")

    def _checked(self, docs, in_block=False):
        return checked_documents(docs, document_kind(self), type(self).__name__, in_block=in_block)

    def _vectorize(self, docs, in_block=False):
        """scikit-learn's transform of in-memory documents, each checked as it is read."""
        return _SkCountVectorizer.transform(self, self._checked(docs, in_block))
