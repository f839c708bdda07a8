"""The held-out split of the adaptive searches: lazy, block by block, reproducible.

:func:`_holdout_split` is the one place the adaptive searches split their data. It is a
blockwise split (each row block keeps its place; a random subset of its rows, drawn from a
seed of its own, is held out), so it needs no pass over the data and no shuffle, and the
held-out set stays distributed. It will switch over to
``dask_scale.model_selection._split.train_test_split(blockwise=True)`` once that lands.
"""

from __future__ import annotations

import math

import numpy as np

from .._graph.keys import merge_inner_chunks

__all__ = ["_holdout_split", "default_test_size"]


def default_test_size(n_blocks):
    """The held-out fraction when ``test_size=None``.

    The size of one row block (``1 / n_blocks``, as dask-ml's default of "one partition")
    when there are at least two blocks; scikit-learn's 0.25 for one block (in-memory input).
    """
    return 1.0 / n_blocks if n_blocks > 1 else 0.25


def _test_rows(n, seed, block_index, test_size):
    """Boolean mask of the held-out rows of one block of ``n`` rows."""
    n_test = min(n, math.ceil(test_size * n))
    mask = np.zeros(n, dtype=bool)
    if n_test:
        rng = np.random.default_rng([seed, block_index])
        mask[rng.choice(n, size=n_test, replace=False)] = True
    return mask


def _pick_rows(block, seed, test_size, held_out, block_id=None):
    mask = _test_rows(block.shape[0], seed, block_id[0], test_size)
    return block[mask] if held_out else block[~mask]


def _split_one(arr, seed, test_size):
    arr = merge_inner_chunks(arr)
    unknown = ((np.nan,) * arr.numblocks[0], *arr.chunks[1:])
    parts = []
    for held_out in (False, True):
        parts.append(
            arr.map_blocks(
                _pick_rows, seed, test_size, held_out, chunks=unknown, dtype=arr.dtype,
                meta=arr._meta,
            )
        )
    return parts


def _holdout_split(X, y, test_size, random_state):
    """Split dask arrays X and y (same row blocks) into train and held-out parts, lazily.

    Parameters
    ----------
    X : dask array, shape (n_samples, n_features)
    y : dask array, shape (n_samples,) or (n_samples, n_outputs), X's row chunks
    test_size : float in (0, 1)
        Fraction of each row block held out (``ceil(test_size * rows)`` rows of a block).
    random_state : int
        Seed; block ``i`` draws its rows from ``default_rng([random_state, i])``.

    Returns
    -------
    X_train, X_test, y_train, y_test : dask arrays with unknown row chunk sizes
        The same number of row blocks as X (block ``i`` of each comes from block ``i``).
    """
    X_train, X_test = _split_one(X, random_state, test_size)
    y_train, y_test = _split_one(y, random_state, test_size)
    return X_train, X_test, y_train, y_test
