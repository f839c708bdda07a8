"""Random states of ``dask_ml.utils``: :func:`check_random_state` (a dask RandomState from a
scikit-learn style ``random_state``) and :func:`draw_seed` (integers drawn from any state)."""

from __future__ import annotations

import numbers

import dask.array as da
import numpy as np
from sklearn.utils import check_random_state as _sk_check_random_state

__all__ = ["check_random_state", "draw_seed"]

#: Seeds of ``numpy.random.RandomState`` (and so of dask's) lie in [0, 2**32).
_SEED_HIGH = 2**32


def draw_seed(random_state, low, high=None, size=None, dtype=None, chunks=None):
    """Random integers in ``[low, high)`` (``[0, low)`` without ``high``) from ``random_state``.

    Parameters
    ----------
    random_state : numpy or dask RandomState or Generator
        The state drawn from (``randint`` of a RandomState, ``integers`` of a Generator).
    low, high : int
        The half-open range, as ``RandomState.randint`` reads them.
    size : int, tuple of int or None, default=None
        None draws one integer.
    dtype : dtype or None, default=None
        The integers' dtype (the state's default integer when None); the draw itself is
        made in it, as ``randint(..., dtype=dtype)``.
    chunks : int, tuple or None, default=None
        The chunks of the result, for a dask state (whose result is a dask array); a NumPy
        state refuses it (TypeError).

    Returns
    -------
    int, ndarray or dask array
        A NumPy integer for ``size=None`` and a NumPy state.
    """
    kwargs = {"size": size}
    if dtype is not None:
        kwargs["dtype"] = dtype
    dask_state = isinstance(random_state, (da.random.RandomState, da.random.Generator))
    if chunks is not None:
        if not dask_state:
            raise TypeError(
                f"chunks={chunks!r} needs a dask random state (dask.array.random.RandomState "
                f"or Generator); got a {type(random_state).__name__}, which draws NumPy "
                "arrays. Pass check_random_state(random_state) instead, or drop chunks."
            )
        kwargs["chunks"] = chunks
    if isinstance(random_state, (np.random.Generator, da.random.Generator)):
        return random_state.integers(low, high, **kwargs)
    if isinstance(random_state, (np.random.RandomState, da.random.RandomState)):
        return random_state.randint(low, high, **kwargs)
    raise TypeError(
        "random_state must be a numpy or dask RandomState or Generator, got "
        f"{type(random_state).__name__}; pass check_random_state(random_state) for a seed."
    )


def check_random_state(random_state):
    """A :class:`dask.array.random.RandomState` for a scikit-learn style ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy RandomState or Generator, or dask RandomState
        - None: a fresh, unseeded dask RandomState;
        - int: a dask RandomState seeded with it (a seed of NumPy's RandomState, in
          ``[0, 2**32)``);
        - a NumPy RandomState or Generator: a dask RandomState seeded with an integer
          drawn from it, so the result is reproducible from that state (and advances it);
        - a dask RandomState: returned as it is.

    Returns
    -------
    dask.array.random.RandomState

    Raises
    ------
    TypeError
        For another type (a dask Generator included: it has no ``randint``).
    ValueError
        For an int seed outside ``[0, 2**32)`` (NumPy's message).
    """
    if isinstance(random_state, da.random.RandomState):
        return random_state
    if random_state is None:
        return da.random.RandomState()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        # scikit-learn's check refuses seeds NumPy cannot take, with NumPy's message
        _sk_check_random_state(int(random_state))
        return da.random.RandomState(int(random_state))
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return da.random.RandomState(int(draw_seed(random_state, _SEED_HIGH, dtype=np.int64)))
    raise TypeError(
        f"Unexpected type '{type(random_state)}': random_state must be None, an int, a "
        "numpy.random.RandomState or Generator, or a dask.array.random.RandomState."
    )
