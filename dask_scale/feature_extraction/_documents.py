"""What counts as documents (or samples of features to hash), and their blockwise mapping.

- :func:`as_documents`: the caller's input as documents: a dask Bag, a dask Series (or a
  one-column dask DataFrame, or a 1-D dask array of strings) for the lazy path; anything
  else (lists, NumPy arrays, pandas Series, a one-column pandas DataFrame, generators) for
  the in-memory path, which is scikit-learn's own vectorizer.
- :func:`checked_documents`: the documents, each checked as it is read (a generator, so a
  stream stays a stream), with a clear error for a document of the wrong kind (a missing
  value in a Series of strings, a number, a nested list).
- :func:`vectorize_lazily`: a fitted vectorizer's in-memory transform on every partition
  (row block) of lazy documents: a dask array of ``scipy.sparse`` CSR blocks, one per
  partition, with known row counts for a dask array of strings, unknown (NaN) otherwise.
  Empty partitions give empty blocks.
"""

from __future__ import annotations

import copy
import os
import reprlib

import dask
import pandas as pd
import scipy.sparse as sp
import sklearn

from .._graph import content_token, map_row_blocks
from .._types import is_dask_array, is_dask_bag, is_dask_frame, is_frame

__all__ = [
    "as_documents",
    "checked_documents",
    "document_error",
    "document_kind",
    "sample_kind",
    "sparse_meta",
    "vectorize_lazily",
]

_LAZY_KINDS = (
    "a dask Bag, a dask Series (or a one-column dask DataFrame) or a 1-D dask array of "
    "documents"
)


def _one_column(frame, name, what):
    columns = list(frame.columns)
    if len(columns) != 1:
        raise ValueError(
            f"{name} takes one column of {what}; got a DataFrame with {len(columns)} columns "
            f"{columns[:5]}. Select the column, e.g. X[{columns[0]!r}]."
            if columns
            else f"{name} takes one column of {what}; got a DataFrame with no columns."
        )
    return columns[0]


def _numeric_dtype_error(dtype, name, what):
    kind = getattr(dtype, "kind", "O")
    if kind in "biufcmM":
        return ValueError(
            f"{name} takes {what}; got values of dtype {dtype}. Pass the text (a Bag or "
            "Series of str), or convert the values first (e.g. `X.astype(str)`)."
        )
    return None


def as_documents(raw, name, what="text documents"):
    """The input ``raw`` as documents: lazy (:func:`dask_scale._types.is_lazy`: a Bag, dask Series or
    dask array) or in memory.

    A one-column DataFrame (dask or pandas) gives its column; a dask array of shape
    ``(n, 1)`` its only column. Only what can be seen without computing is checked here
    (kinds, number of columns, a numeric dtype); each document is checked when it is read
    (:func:`checked_documents`).

    Raises
    ------
    ValueError
        For a single string (scikit-learn's message), a DataFrame of several columns, a
        dask array of more than one column or of a numeric dtype.
    """
    if isinstance(raw, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    if is_dask_bag(raw):
        return raw
    if is_dask_frame(raw):
        docs = raw[_one_column(raw, name, what)] if is_frame(raw) else raw
        exc = _numeric_dtype_error(docs.dtype, name, what)
        if exc is not None:
            raise exc
        return docs
    if is_dask_array(raw):
        if raw.ndim == 2 and raw.shape[1] == 1:
            raw = raw[:, 0]
        if raw.ndim != 1:
            raise ValueError(
                f"{name} takes a 1-D collection of {what}; got a dask array of shape "
                f"{raw.shape}. Pass one column of documents."
            )
        exc = _numeric_dtype_error(raw.dtype, name, what)
        if exc is not None:
            raise exc
        return raw
    if isinstance(raw, pd.DataFrame):
        return raw[_one_column(raw, name, what)]
    return raw


def document_kind(estimator):
    """What each document of a text vectorizer must be, or None when it can be anything.

    A callable ``analyzer`` or ``preprocessor`` is the user's: it takes whatever documents
    the user has (token lists, records), so they are not checked.
    """
    if callable(estimator.analyzer) or estimator.preprocessor is not None:
        return None
    return {"content": "text", "filename": "path", "file": "file"}[estimator.input]


def sample_kind(input_type):
    """What each sample of a FeatureHasher with this ``input_type`` must be."""
    return {"dict": "mapping", "pair": "pairs", "string": "strings"}[input_type]


# kind -> (test of one item, what is expected)
_EXPECTED = {
    "text": (lambda d: isinstance(d, (str, bytes)), "a text document (str or bytes)"),
    "path": (
        lambda d: isinstance(d, (str, bytes, os.PathLike)),
        "a file name (str, bytes or os.PathLike), as input='filename' says",
    ),
    "file": (lambda d: callable(getattr(d, "read", None)), "a file object, as input='file' says"),
    "mapping": (
        lambda d: callable(getattr(d, "items", None)),
        "a mapping of feature names to values (a dict), as input_type='dict' says",
    ),
    "pairs": (
        lambda d: hasattr(d, "__iter__") and not isinstance(d, (str, bytes)),
        "an iterable of (feature name, value) pairs, as input_type='pair' says",
    ),
    "strings": (
        lambda d: hasattr(d, "__iter__") and not isinstance(d, (str, bytes)),
        "an iterable of feature names (a list of str, not a str), as input_type='string' says",
    ),
}


def _missing(doc):
    return doc is None or doc is pd.NA or (isinstance(doc, float) and doc != doc)


def document_error(name, position, doc, kind):
    """The error for the document at ``position`` that is not what ``kind`` expects."""
    expected = _EXPECTED[kind][1]
    item = "Sample" if kind in ("mapping", "pairs", "strings") else "Document"
    what = f"a {type(doc).__name__} ({reprlib.repr(doc)})"
    if _missing(doc):
        fix = (
            "Missing values must be dropped or filled first, e.g. `docs.dropna()` or "
            "`docs.fillna('')` for a Series, `bag.filter(lambda d: d is not None)` for a Bag."
        )
    elif item == "Document":
        fix = "Convert the values first (e.g. `series.astype(str)`, `bag.map(str)`)."
    elif isinstance(doc, str):
        fix = (
            "A dask Series of Python objects may hold their text form (dask converts object "
            "columns to strings unless `dataframe.convert-string` is False): pass the "
            "samples as a dask Bag (`db.from_sequence(samples)`)."
        )
    else:
        fix = "Build each sample as that kind, e.g. with `bag.map(...)`."
    where = f"{item} {position}" + (" of its partition" if position is not None else "")
    return TypeError(f"{name} expects each item to be {expected}; {where} is {what}. {fix}")


def checked_documents(docs, kind, name, *, in_block=False):
    """``docs`` as a generator that checks each document as it passes (``kind`` None: as
    they are). ``in_block``: the positions are those in one partition of lazy input."""
    if kind is None:
        yield from docs
        return
    test = _EXPECTED[kind][0]
    for i, doc in enumerate(docs):
        if not test(doc):
            exc = document_error(name, i, doc, kind)
            if not in_block:
                exc = TypeError(str(exc).replace(" of its partition", "", 1))
            raise exc
        yield doc


def sparse_meta(n_features, dtype):
    """The zero-row output of a vectorizer: a CSR matrix (a CSR array where scikit-learn's
    ``sparse_interface`` config says "sparray"), as scikit-learn's vectorizers return."""
    kind = sp.csr_array if sklearn.get_config().get("sparse_interface") == "sparray" else sp.csr_matrix
    return kind((0, int(n_features)), dtype=dtype)


def _vectorize_block(docs, estimator, meta):
    """``estimator._vectorize`` (its in-memory transform) on one partition, as ``meta`` (a
    Bag partition reaches it as a list: :func:`dask_scale._graph.map_row_blocks`)."""
    if len(docs) == 0:
        return meta.copy()
    out = estimator._vectorize(docs, in_block=True)
    if out.dtype != meta.dtype:
        out = out.astype(meta.dtype)
    return type(meta)(out.tocsr())


def vectorize_lazily(estimator, docs, meta, name):
    """``estimator._vectorize`` on every partition of the lazy documents ``docs``.

    A copy of the estimator is one key of the graph (named by a token of its content),
    which every block task refers to. Returns a dask array of ``meta``'s kind, one row block per
    partition: known row counts for a dask array of documents, NaN for a Bag or Series.
    """
    # a snapshot: refitting (or set_params on) the caller's estimator before the output is
    # computed replaces its attributes, not those of the copy the graph holds
    estimator = copy.copy(estimator)
    held = dask.delayed(
        estimator, name=f"{name}-estimator-{content_token(estimator)}", traverse=False
    )
    return map_row_blocks(_vectorize_block, docs, held, meta, meta=meta)
