"""Fit-time helpers shared by the estimators (no dask, no estimator logic)."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def all_or_nothing(estimator):
    """Restore ``estimator``'s attributes if the block raises or is interrupted (Ctrl-C).

    A fit validates its input first (which sets ``n_features_in_``) and stores the model at
    the end; an exception or ``KeyboardInterrupt`` in between would leave a fresh estimator
    looking fitted, or a fitted one half-updated. Inside this context a failed fit leaves
    the estimator exactly as it was: unfitted, or holding its previous model.
    """
    before = dict(estimator.__dict__)
    try:
        yield estimator
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(before)
        raise
