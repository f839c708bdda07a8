"""Helpers about estimators: comparing fitted ones in tests, copying learned attributes,
listing the library's estimators."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pandas as pd

__all__ = ["all_estimators", "assert_estimator_equal", "copy_learned_attributes"]

_PUBLIC_SUBPACKAGES = (
    "cluster",
    "compose",
    "decomposition",
    "ensemble",
    "feature_extraction.text",
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
    return x


def _assert_eq(lv, rv, attr, rtol, atol):
    """Compare two fitted values: arrays, pandas objects, sequences and dicts of them."""
    lv, rv = _as_numpy(lv), _as_numpy(rv)
    if isinstance(lv, (pd.DataFrame, pd.Series, pd.Index)) or isinstance(
        rv, (pd.DataFrame, pd.Series, pd.Index)
    ):
        lv = lv.to_numpy() if hasattr(lv, "to_numpy") else lv
        rv = rv.to_numpy() if hasattr(rv, "to_numpy") else rv
    if isinstance(lv, np.ndarray) or isinstance(rv, np.ndarray):
        lv, rv = np.asarray(lv), np.asarray(rv)
        assert lv.shape == rv.shape, f"{attr}: shape {lv.shape} != {rv.shape}"
        if lv.dtype.kind in "fc" or rv.dtype.kind in "fc":
            np.testing.assert_allclose(lv, rv, rtol=rtol, atol=atol, err_msg=attr)
        else:
            np.testing.assert_array_equal(lv, rv, err_msg=attr)
    elif isinstance(lv, dict) and isinstance(rv, dict):
        assert lv.keys() == rv.keys(), f"{attr}: keys {sorted(lv)} != {sorted(rv)}"
        for key in lv:
            _assert_eq(lv[key], rv[key], f"{attr}[{key!r}]", rtol, atol)
    elif isinstance(lv, (list, tuple)) and isinstance(rv, (list, tuple)):
        assert len(lv) == len(rv), f"{attr}: length {len(lv)} != {len(rv)}"
        for i, (a, b) in enumerate(zip(lv, rv, strict=True)):
            _assert_eq(a, b, f"{attr}[{i}]", rtol, atol)
    elif isinstance(lv, float) or isinstance(rv, float):
        np.testing.assert_allclose(lv, rv, rtol=rtol, atol=atol, err_msg=attr)
    elif hasattr(lv, "get_params") and hasattr(rv, "get_params"):
        # a fitted estimator inside another (``estimator_`` of a wrapper): its own fitted
        # attributes, recursively
        try:
            assert_estimator_equal(lv, rv, rtol=rtol, atol=atol)
        except AssertionError as exc:
            raise AssertionError(f"{attr}: {exc}") from exc
    else:
        assert lv == rv, f"{attr}: {lv!r} != {rv!r}"


def _fitted_names(est):
    return {a for a in vars(est) if a.endswith("_") and not a.startswith("_")}


def assert_estimator_equal(left, right, exclude=(), *, rtol=1e-7, atol=0.0):
    """Assert that two fitted estimators have equal fitted attributes.

    Fitted attributes are those ending in ``_`` (not starting with ``_``). Arrays are compared
    with ``numpy.testing.assert_allclose(rtol, atol)`` (exactly for other dtypes); dask values
    are computed first; pandas objects are compared by their values; lists, tuples and dicts
    element by element; nested estimators (a wrapper's ``estimator_``) by their class and
    their own fitted attributes, recursively.

    Parameters
    ----------
    left, right : estimators
        Fitted estimators of the same class.
    exclude : str or iterable of str, default=()
        Attribute names to skip (e.g. ``"n_iter_"``).
    rtol, atol : float, default=1e-7, 0.0
        Tolerances for floating-point values (those of dask's ``assert_eq``, which dask-ml's
        version passes its keyword arguments to).

    Raises
    ------
    AssertionError
        Naming the first attribute that differs.
    """
    assert type(left) is type(right), f"{type(left).__name__} != {type(right).__name__}"
    exclude = {exclude} if isinstance(exclude, str) else set(exclude or ())
    lattrs = _fitted_names(left) - exclude
    rattrs = _fitted_names(right) - exclude
    assert lattrs == rattrs, f"fitted attributes differ: {sorted(lattrs ^ rattrs)}"
    for attr in sorted(lattrs):
        _assert_eq(getattr(left, attr), getattr(right, attr), attr, rtol, atol)


def copy_learned_attributes(from_estimator, to_estimator):
    """Copy the learned attributes (names ending in ``_``) of one estimator to another.

    Parameters
    ----------
    from_estimator, to_estimator : estimators
        The values are shared, not copied (arrays included).

    Returns
    -------
    None
    """
    for name, value in vars(from_estimator).items():
        if name.endswith("_"):
            setattr(to_estimator, name, value)


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
