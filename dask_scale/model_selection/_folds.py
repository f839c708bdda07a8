"""The train/test rows of each fold as graph nodes, built from where the data lives.

Each fold's rows of ``X``, ``y`` are one task of :meth:`dask_scale._graph.RowTaker.task`:
in-memory input is one graph key, each fold's rows taken from it in a task; the folds of
dask arrays and DataFrames are assembled in a task from only the row blocks (partitions)
that hold their rows, taken by the keys of the optimised graph of ``X`` and ``y``, so
nothing is gathered to the client and no task holds more of ``X`` than its fold. A fold's
rows come out in the order the splitter gave them (the arrays scikit-learn's search passes
to ``fit``).
"""

from __future__ import annotations

import numpy as np

from .._graph import RowTaker

__all__ = ["FoldData"]


class FoldData:
    """Graph nodes for the train and test rows of ``X`` and ``y``.

    Parameters
    ----------
    X, y : in-memory or dask input (y may be None)
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
        self.cache_cv = cache_cv
        self.folds = folds
        self._taker = RowTaker(X, y, hold=("search-data-X", "search-data-y"))
        self.graph = self._taker.graph
        self._nodes = {}

    def node(self, name, fold, side):
        """``(ref, data_id)``: what a task takes for fold ``fold``'s ``side`` rows of
        ``name`` ("X" or "y"), a key (``cache_cv``) or a nested task, and a token naming
        those rows; ``(None, None)`` when ``y`` is None."""
        cached = self._nodes.get((name, fold, side))
        if cached is not None:
            return cached
        rows = np.asarray(self.folds[fold][0 if side == "train" else 1])
        task, token = self._taker.task(0 if name == "X" else 1, rows)
        if task is None:
            out = (None, None)
        elif self.cache_cv:
            # named by the rows themselves: another splitter's fold k is another task
            data_id = f"{name}-{side}-{token}"
            key = f"search-fold-{data_id}"
            self.graph[key] = task
            out = (key, data_id)
        else:
            out = (task, f"{name}-{side}-{token}")
        self._nodes[(name, fold, side)] = out
        return out
