"""Public helpers: comparing fitted estimators in tests, listing the library's estimators."""

from __future__ import annotations

import importlib
import inspect

import numpy as np

__all__ = ["all_estimators", "assert_estimator_equal"]

_PUBLIC_SUBPACKAGES = (
    "cluster",
    "compose",
    "decomposition",
    "impute",
    "linear_model",
    "model_selection",
    "naive_bayes",
    "preprocessing",
    "wrappers",
)


def _as_numpy(x):
    if hasattr(x, "compute") and hasattr(x, "dask"):
        x = x.compute()
    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    return x


def assert_estimator_equal(left, right, *, exclude=(), rtol=1e-7, atol=0.0):
    """Assert that two fitted estimators have equal fitted attributes.

    Fitted attributes are those ending in ``_`` (not starting with ``_``). Arrays are compared
    with ``numpy.testing.assert_allclose(rtol, atol)``; dask values are computed first.

    Parameters
    ----------
    left, right : estimators
        Fitted estimators of the same class.
    exclude : iterable of str, default=()
        Attribute names to skip (e.g. ``"n_iter_"``).
    rtol, atol : float
        Tolerances for numeric arrays.
    """
    assert type(left) is type(right), f"{type(left).__name__} != {type(right).__name__}"
    exclude = set(exclude)
    lattrs = {a for a in vars(left) if a.endswith("_") and not a.startswith("_")} - exclude
    rattrs = {a for a in vars(right) if a.endswith("_") and not a.startswith("_")} - exclude
    assert lattrs == rattrs, f"fitted attributes differ: {sorted(lattrs ^ rattrs)}"
    for attr in sorted(lattrs):
        lv, rv = _as_numpy(getattr(left, attr)), _as_numpy(getattr(right, attr))
        if isinstance(lv, np.ndarray) or isinstance(rv, np.ndarray):
            lv, rv = np.asarray(lv), np.asarray(rv)
            assert lv.shape == rv.shape, f"{attr}: shape {lv.shape} != {rv.shape}"
            if lv.dtype.kind in "fc" or rv.dtype.kind in "fc":
                np.testing.assert_allclose(lv, rv, rtol=rtol, atol=atol, err_msg=attr)
            else:
                np.testing.assert_array_equal(lv, rv, err_msg=attr)
        elif isinstance(lv, float) or isinstance(rv, float):
            np.testing.assert_allclose(lv, rv, rtol=rtol, atol=atol, err_msg=attr)
        elif hasattr(lv, "get_params"):
            assert type(lv) is type(rv), attr
        else:
            assert lv == rv, f"{attr}: {lv!r} != {rv!r}"


def all_estimators():
    """Every public estimator class of dask_scale, as sorted ``(name, class)`` pairs."""
    from sklearn.base import BaseEstimator

    found = {}
    for sub in _PUBLIC_SUBPACKAGES:
        try:
            mod = importlib.import_module(f"dask_scale.{sub}")
        except ModuleNotFoundError as exc:
            if exc.name == f"dask_scale.{sub}":
                continue
            raise
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator) and not inspect.isabstract(obj):
                found[name] = obj
    return sorted(found.items())
