"""The stateless vectorizers: :class:`HashingVectorizer` (text) and :class:`FeatureHasher`.

Both are scikit-learn's, whose ``transform`` needs nothing learned: on lazy input it runs
on every partition where the partition is (:func:`._documents.vectorize_lazily`), and
``fit`` only validates the parameters (and the kind of input, from its metadata).
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction import FeatureHasher as _SkFeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer as _SkHashingVectorizer

from .._set_output import TransformerMixin
from .._types import is_lazy
from ._documents import (
    as_documents,
    checked_documents,
    document_kind,
    sample_kind,
    sparse_meta,
    vectorize_lazily,
)

__all__ = ["FeatureHasher", "HashingVectorizer"]

_FLOAT_KINDS = (np.float64, np.float32, np.float16)


class HashingVectorizer(TransformerMixin, _SkHashingVectorizer):
    """scikit-learn's :class:`~sklearn.feature_extraction.text.HashingVectorizer`, block by
    block on a dask Bag or Series of documents.

    Text documents become rows of token occurrence counts hashed into ``n_features``
    columns. Nothing is learned, so ``transform`` of lazy documents is lazy: each partition
    is vectorized by scikit-learn's own transform where it lives, and its rows equal
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
    n_features : int, default=2**20
        Number of columns of the output.
    binary : bool, default=False
        Every non-zero count set to 1.
    norm : {"l1", "l2"} or None, default="l2"
        Row normalisation of the output.
    alternate_sign : bool, default=True
        Signs alternate with the hash, so that collisions cancel out on average.
    dtype : type, default=np.float64
        dtype of the output.

    See Also
    --------
    CountVectorizer : counts over a vocabulary learned in one pass.
    FeatureHasher : hashing of samples that are mappings or lists of features.

    Notes
    -----
    Input: a dask Bag of documents, a dask Series of strings (or a one-column dask
    DataFrame), or a 1-D dask array of strings give a dask array of
    ``scipy.sparse.csr_matrix`` blocks, one per partition, of unknown row counts (NaN) for
    a Bag or Series and known ones for a dask array; an empty partition gives an empty
    block. Any other input (a list, a NumPy array, a pandas Series) is scikit-learn's
    in-memory path, with its output.

    A document that is not a string (a missing value in a Series, a number) raises a
    ``TypeError`` naming its position when its partition is computed.

    Examples
    --------
    >>> import dask.bag as db
    >>> from dask_scale.feature_extraction.text import HashingVectorizer
    >>> docs = db.from_sequence(["the cat sat", "the dog", "a cat and a dog"], npartitions=2)
    >>> X = HashingVectorizer(n_features=16).transform(docs)
    >>> X.compute().shape
    (3, 16)
    """

    def fit(self, X, y=None):
        """Validate the parameters and the kind of input (nothing is learned or computed).

        Parameters
        ----------
        X : dask Bag, dask Series, dask array or iterable of documents
            Not read.
        y : None
            Ignored.

        Returns
        -------
        self : HashingVectorizer
        """
        docs = as_documents(X, type(self).__name__)
        super().fit(None if is_lazy(docs) else docs)
        return self

    def transform(self, X):
        """The hashed token counts of the documents.

        Parameters
        ----------
        X : dask Bag, dask Series, dask array or iterable of documents
            Text documents (str or bytes; file names or file objects with ``input``).

        Returns
        -------
        X_out : dask array of scipy.sparse CSR blocks, or sparse matrix
            Shape ``(n_documents, n_features)``; lazy for lazy input.
        """
        docs = as_documents(X, type(self).__name__)
        if not is_lazy(docs):
            return self._vectorize(docs)
        self._validate_params()
        self._validate_ngram_range()
        return vectorize_lazily(self, docs, self._meta(), "hashing-vectorizer")

    def fit_transform(self, X, y=None):
        """:meth:`fit`, then :meth:`transform` (lazy for lazy input).

        Parameters
        ----------
        X : dask Bag, dask Series, dask array or iterable of documents
            Text documents.
        y : None
            Ignored.

        Returns
        -------
        X_out : dask array of scipy.sparse CSR blocks, or sparse matrix
            Shape ``(n_documents, n_features)``.
        """
        return self.fit(X, y).transform(X)

    def _meta(self):
        dtype = np.dtype(self.dtype)
        if self.norm is not None and dtype not in _FLOAT_KINDS:
            dtype = np.dtype(np.float64)  # scikit-learn's normalize works in floats
        return sparse_meta(self.n_features, dtype)

    def _vectorize(self, docs, in_block=False):
        """scikit-learn's transform of in-memory documents, each checked as it is read."""
        checked = checked_documents(docs, document_kind(self), type(self).__name__, in_block=in_block)
        return _SkHashingVectorizer.transform(self, checked)


class FeatureHasher(TransformerMixin, _SkFeatureHasher):
    """scikit-learn's :class:`~sklearn.feature_extraction.FeatureHasher`, block by block on a
    dask Bag or Series of samples.

    Each sample (a mapping of feature names to values, an iterable of ``(name, value)``
    pairs, or an iterable of feature names, as ``input_type`` says) becomes a row of
    ``n_features`` hashed columns. Nothing is learned: ``transform`` of lazy samples is lazy,
    each partition hashed by scikit-learn's own transform, with its rows.

    Parameters
    ----------
    n_features : int, default=2**20
        Number of columns of the output.
    input_type : {"dict", "pair", "string"}, default="dict"
        What each sample is: a mapping, an iterable of pairs, or an iterable of strings
        (each counting 1).
    dtype : numpy dtype, default=np.float64
        dtype of the output.
    alternate_sign : bool, default=True
        Signs alternate with the hash, so that collisions cancel out on average.

    See Also
    --------
    HashingVectorizer : hashing of text documents.

    Notes
    -----
    A dask Bag of samples, a dask Series of them (or a one-column dask DataFrame) or a 1-D
    dask array of objects give a dask array of ``scipy.sparse.csr_matrix`` blocks, one per
    partition (row counts known only for a dask array; an empty partition gives an empty
    block). Other input is scikit-learn's in-memory path. A sample of the wrong kind (a
    missing value, a bare string for ``input_type="string"``) raises a ``TypeError``
    naming its position.

    Examples
    --------
    >>> import dask.bag as db
    >>> from dask_scale.feature_extraction import FeatureHasher
    >>> samples = db.from_sequence([{"dog": 1, "cat": 2}, {"dog": 2, "run": 5}], npartitions=2)
    >>> FeatureHasher(n_features=8).transform(samples).compute().toarray().shape
    (2, 8)
    """

    def fit(self, X=None, y=None):
        """Validate the parameters and the kind of input (nothing is learned or computed).

        Parameters
        ----------
        X : dask Bag, dask Series, dask array, iterable of samples or None
            Not read.
        y : None
            Ignored.

        Returns
        -------
        self : FeatureHasher
        """
        if X is not None and not isinstance(X, (str, bytes)):
            as_documents(X, type(self).__name__, "samples")
        return super().fit(None)

    def transform(self, raw_X):
        """The hashed features of the samples.

        Parameters
        ----------
        raw_X : dask Bag, dask Series, dask array or iterable of samples
            Each a mapping, pairs or strings, as ``input_type`` says.

        Returns
        -------
        X : dask array of scipy.sparse CSR blocks, or sparse matrix
            Shape ``(n_samples, n_features)``; lazy for lazy input.
        """
        if isinstance(raw_X, (str, bytes)):
            return self._vectorize(raw_X)
        samples = as_documents(raw_X, type(self).__name__, "samples")
        if not is_lazy(samples):
            return self._vectorize(samples)
        self._validate_params()
        meta = sparse_meta(self.n_features, np.dtype(self.dtype))
        return vectorize_lazily(self, samples, meta, "feature-hasher")

    def fit_transform(self, X, y=None):
        """:meth:`fit`, then :meth:`transform` (lazy for lazy input).

        Parameters
        ----------
        X : dask Bag, dask Series, dask array or iterable of samples
            Each a mapping, pairs or strings, as ``input_type`` says.
        y : None
            Ignored.

        Returns
        -------
        X_out : dask array of scipy.sparse CSR blocks, or sparse matrix
            Shape ``(n_samples, n_features)``.
        """
        return self.fit(X, y).transform(X)

    def _vectorize(self, samples, in_block=False):
        """scikit-learn's transform of in-memory samples, each checked as it is read."""
        checked = checked_documents(
            samples, sample_kind(self.input_type), type(self).__name__, in_block=in_block
        )
        return _SkFeatureHasher.transform(self, checked)
