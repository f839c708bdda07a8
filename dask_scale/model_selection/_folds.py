"""The train/test rows of each fold as graph nodes, built from where the data lives.

- in-memory ``X`` (NumPy, pandas, scipy.sparse, lists): one graph key holds it; each fold's
  rows are taken from it in a task (:func:`sklearn.utils._safe_indexing`);
- dask arrays and DataFrames: each fold's rows are assembled in a task from the row blocks
  (partitions) that hold them, taken by the keys of the optimised graph of ``X`` and ``y``,
  so nothing is gathered to the client and no task holds more of ``X`` than its fold.

A fold's rows come out in the order the splitter gave them (the same arrays scikit-learn's
search would pass to ``fit``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils import _safe_indexing

from .._graph import content_token
from .._graph.keys import optimized_row_blocks
from .._types import is_dask_array, is_dask_collection, is_dask_frame
from .._validation import ensure_known_chunks

__all__ = ["FoldData", "take_rows_from_blocks"]


class _Held:
    """An in-memory input inside a graph: opaque to dask (a list would be read as keys)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (_Held, (self.value,))


def _unwrap(held):
    return held.value


def _take(data, rows):
    return None if data is None else _safe_indexing(data, rows)


def _block_rows(block, rows):
    if isinstance(block, (pd.DataFrame, pd.Series)):
        return block.iloc[rows]
    return block[rows]


def _concat(parts):
    first = parts[0]
    if isinstance(first, (pd.DataFrame, pd.Series)):
        return pd.concat(parts)
    if sp.issparse(first):
        return sp.vstack(parts, format=first.format)
    return np.concatenate(parts)


def take_rows_from_blocks(spec, *blocks):
    """The rows ``spec`` names, from the row blocks they are in, in the requested order.

    ``spec`` is ``(per_block, order)``: ``per_block`` lists, for each block passed (in
    block order), the rows to take from it (a slice or an integer array of local indices);
    ``order`` is None when the concatenation is already in the requested order, else the
    positions to reorder it by.
    """
    per_block, order = spec
    parts = [_block_rows(b, rows) for b, rows in zip(blocks, per_block, strict=True)]
    out = _concat(parts)
    if order is None:
        return out
    return _block_rows(out, order)


def _compact(local):
    """A contiguous increasing run of indices as a slice (small in the graph)."""
    if len(local) and local[-1] - local[0] + 1 == len(local) and np.all(np.diff(local) == 1):
        return slice(int(local[0]), int(local[-1]) + 1)
    return local


def _block_spec(rows, offsets):
    """The blocks holding ``rows`` and the :func:`take_rows_from_blocks` spec for them."""
    rows = np.asarray(rows, dtype=np.intp)
    block_of = np.searchsorted(offsets, rows, side="right") - 1
    by_block = np.argsort(block_of, kind="stable")
    sorted_blocks = block_of[by_block]
    blocks = np.unique(sorted_blocks)
    starts = np.searchsorted(sorted_blocks, blocks, side="left")
    stops = np.searchsorted(sorted_blocks, blocks, side="right")
    per_block = [
        _compact(rows[by_block[a:b]] - offsets[blk])
        for blk, a, b in zip(blocks, starts, stops, strict=True)
    ]
    if np.all(np.diff(by_block) == 1) if len(by_block) > 1 else True:
        order = None
    else:
        order = np.empty_like(by_block)
        order[by_block] = np.arange(len(by_block))
    return [int(b) for b in blocks], (per_block, order)


class FoldData:
    """Graph nodes for the train and test rows of ``X``, ``y`` and row-aligned fit parameters.

    Parameters
    ----------
    X, y : in-memory or dask input (y may be None)
        Dask inputs must be partitioned alike (same number of row blocks).
    folds : list of (train, test) integer arrays
    cache_cv : bool
        True: each fold's rows are one task shared by every candidate; False: they are taken
        again inside each task that reads them (nothing held between tasks).

    Attributes
    ----------
    graph : dict
        The tasks holding the data (one key for in-memory input, the optimised graph of dask
        input) and, with ``cache_cv``, one task per fold and side.
    """

    def __init__(self, X, y, folds, *, cache_cv=True):
        self.graph = {}
        self.cache_cv = cache_cv
        self.folds = folds
        self._dask = is_dask_collection(X)
        if self._dask:
            self._init_dask(X, y)
        else:
            self.token = content_token(X, y)
            self._source = {}
            for name, data in (("X", X), ("y", y)):
                if data is None:
                    self._source[name] = None
                else:
                    key = f"search-data-{name}-{self.token}"
                    self.graph[key] = (_unwrap, _Held(data))
                    self._source[name] = key
        self._nodes = {}

    def _init_dask(self, X, y):
        inputs = []
        self._y_key = None
        if y is not None and not is_dask_collection(y):
            # targets in memory (small): one key, sliced per fold like in-memory input
            self._y_key = f"search-data-y-{content_token(y)}"
            self.graph[self._y_key] = (_unwrap, _Held(y))
            y = None
        for data in (X, y):
            if is_dask_array(data):
                data = ensure_known_chunks(data)
                if data.ndim > 1 and any(len(c) > 1 for c in data.chunks[1:]):
                    data = data.rechunk({ax: -1 for ax in range(1, data.ndim)})
            inputs.append(data)
        X, y = inputs
        n_blocks = X.numblocks[0] if is_dask_array(X) else X.npartitions
        if y is not None:
            n_y = y.numblocks[0] if is_dask_array(y) else y.npartitions
            if n_y != n_blocks:
                raise ValueError(
                    f"X has {n_blocks} row blocks and y {n_y}: they must be partitioned "
                    "alike (e.g. y rechunked to X's row chunks)."
                )
        graph, keys = optimized_row_blocks([X, y], n_blocks)
        self.graph.update(graph)
        self._block_keys = {"X": keys[0], "y": keys[1]}
        self.token = content_token(X, y, self._y_key)
        self._offsets = None

    def set_lengths(self, lengths):
        """Row counts of the blocks of dask input (computed by the caller)."""
        self._offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)

    @staticmethod
    def block_lengths(X):
        """A dask collection of the row count of each block, or the known counts."""
        if is_dask_array(X):
            X = ensure_known_chunks(X)
            return list(X.chunks[0])
        if is_dask_frame(X):
            return X.map_partitions(len, meta=("n", "int64"))
        return None

    def node(self, name, fold, side):
        """``(ref, data_id)``: what a task takes for fold ``fold``'s ``side`` rows of
        ``name`` ("X" or "y"), a key (``cache_cv``) or a nested task, and a token naming
        those rows; ``(None, None)`` when ``y`` is None."""
        cached = self._nodes.get((name, fold, side))
        if cached is not None:
            return cached
        rows = self.folds[fold][0 if side == "train" else 1]
        # named by the rows themselves: another splitter's fold k is another task
        data_id = f"{name}-{side}-{content_token(self.token, np.asarray(rows))}"
        if self._dask and name == "y" and self._y_key is not None:
            task = (_take, self._y_key, np.asarray(rows))
        elif self._dask:
            block_keys = self._block_keys[name]
            if block_keys is None:
                out = (None, None)
                self._nodes[(name, fold, side)] = out
                return out
            blocks, spec = _block_spec(rows, self._offsets)
            task = (take_rows_from_blocks, spec, *[block_keys[b] for b in blocks])
        else:
            source = self._source[name]
            if source is None:
                out = (None, None)
                self._nodes[(name, fold, side)] = out
                return out
            task = (_take, source, np.asarray(rows))
        if self.cache_cv:
            key = f"search-fold-{data_id}"
            self.graph[key] = task
            out = (key, data_id)
        else:
            out = (task, data_id)
        self._nodes[(name, fold, side)] = out
        return out
