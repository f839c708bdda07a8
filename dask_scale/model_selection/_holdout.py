"""The held-out split of the adaptive searches: lazy, block by block, reproducible.

:func:`_holdout_split` is the one place the adaptive searches split their data:
:func:`dask_scale.model_selection.train_test_split` with ``blockwise=True`` (each row block
is shuffled and split on its own, so no data moves between blocks and the held-out set
stays distributed; the per-block counts add up to scikit-learn's test size).
"""

from __future__ import annotations

from .._graph.keys import merge_inner_chunks
from ._split import train_test_split

__all__ = ["_holdout_split", "default_test_size"]


def default_test_size(n_blocks):
    """The held-out fraction when ``test_size=None``.

    The size of one row block (``1 / n_blocks``, as dask-ml's default of "one partition")
    when there are at least two blocks; scikit-learn's 0.25 for one block (in-memory input).
    """
    return 1.0 / n_blocks if n_blocks > 1 else 0.25


def _holdout_split(X, y, test_size, random_state):
    """Split dask arrays X and y (same row blocks) into train and held-out parts, lazily.

    Parameters
    ----------
    X : dask array, shape (n_samples, n_features)
    y : dask array, shape (n_samples,) or (n_samples, n_outputs), X's row chunks
    test_size : float in (0, 1)
        Share of the rows held out (rounded up, as scikit-learn's ``train_test_split``).
    random_state : int
        Seeds the split.

    Returns
    -------
    X_train, X_test, y_train, y_test : dask arrays
        Row blocks of each set come from the row blocks of X (one per block that gives
        it rows), with one block along the other axes.
    """
    X, y = merge_inner_chunks(X), merge_inner_chunks(y)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, blockwise=True
    )
    return X_train, X_test, y_train, y_test
