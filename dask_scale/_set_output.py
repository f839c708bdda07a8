"""``set_output`` that keeps the output of dask input lazy: the transformers' mixin.

scikit-learn's :class:`~sklearn.base.TransformerMixin` wraps ``transform`` and
``fit_transform`` so that, after ``set_output(transform="pandas")`` (or the global
``transform_output`` config), they return a pandas DataFrame with ``get_feature_names_out``
columns. Given a dask collection, that wrapper would compute the whole output into memory
and number its rows ``0..n-1``. Every dask_scale transformer inherits :class:`TransformerMixin`
from here instead, whose wrappers

- hand NumPy and pandas input to scikit-learn's own wrappers (same output as scikit-learn);
- turn the lazy output of dask input into a lazy dask DataFrame with
  ``get_feature_names_out`` columns and, for a dask DataFrame input, the input's index and
  divisions (:func:`dask_scale._graph.frame_output`; a dask array has no index, so the
  rows get dask's default one);
- refuse ``"polars"`` (or any other in-memory container) for dask input, before any work.

In-memory sparse input, which the estimators densify, gives the sparse output
scikit-learn's transformer would (its ``_sparse_output_format``, see
:func:`dask_scale._validation.sparse_output_like`) from ``transform``, ``fit_transform``
and ``inverse_transform``.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np
import scipy.sparse as sp
from sklearn.base import TransformerMixin as _SklearnTransformerMixin
from sklearn.utils._set_output import (
    _auto_wrap_is_configured,
    _get_output_config,
    _wrap_data_with_container,
    get_columns,
)

from ._graph import frame_output
from ._types import is_dask_array, is_dask_collection, is_lazy
from ._validation import sparse_output_like

__all__ = ["TransformerMixin"]

_WRAPPED_METHODS = ("transform", "fit_transform")

#: scikit-learn's ``fit_transform`` without its set_output wrapper.
_sklearn_fit_transform = inspect.unwrap(_SklearnTransformerMixin.fit_transform)


def _dask_container(est):
    """The container set for ``est``'s output of dask input: None (as it is) or "pandas"."""
    container = _get_output_config("transform", est)["dense"]
    if container == "default" or not _auto_wrap_is_configured(est):
        return None
    if container != "pandas":
        raise ValueError(
            f"set_output(transform={container!r}) is not supported for dask input: it would "
            "compute the whole output into memory. Use set_output(transform='pandas'), "
            "which gives a lazy dask DataFrame, or 'default'; or compute the input first."
        )
    return container


def _wrap_dask_output(est, out, X):
    """``out`` of dask input ``X`` as a lazy dask DataFrame named by get_feature_names_out."""
    if not is_dask_collection(out):
        return _wrap_data_with_container("transform", out, X, est)
    if is_dask_array(out) and not isinstance(out._meta, np.ndarray):
        kind = "scipy sparse" if sp.issparse(out._meta) else type(out._meta).__name__
        raise ValueError(
            f"The transformer outputs a dask array of {kind} blocks, which cannot be a "
            "DataFrame. Ask it for a dense output (e.g. sparse_output=False), or use "
            "set_output(transform='default')."
        )
    return frame_output(out, X, get_columns(est.get_feature_names_out))


def _keep_dask_lazy(method, sklearn_method):
    """``method`` with its output set as set_output says, lazily for dask input."""

    @functools.wraps(method)
    def wrapped(self, X, *args, **kwargs):
        if not is_lazy(X):
            return sparse_output_like(self, X, sklearn_method(self, X, *args, **kwargs))
        container = _dask_container(self)
        out = method(self, X, *args, **kwargs)
        return out if container is None else _wrap_dask_output(self, out, X)

    return wrapped


def _sparse_like_input(method):
    """``method`` (``inverse_transform``) giving sparse output for in-memory sparse input."""

    @functools.wraps(method)
    def wrapped(self, X, *args, **kwargs):
        return sparse_output_like(self, X, method(self, X, *args, **kwargs))

    return wrapped


class _DaskOutputHook:
    """Re-wraps the ``transform``/``fit_transform`` that scikit-learn wraps in a subclass."""

    def __init_subclass__(cls, **kwargs):
        own = {name: cls.__dict__[name] for name in _WRAPPED_METHODS if name in cls.__dict__}
        super().__init_subclass__(**kwargs)  # scikit-learn's _SetOutputMixin wraps them
        for name, method in own.items():
            sklearn_method = cls.__dict__[name]
            if sklearn_method is not method:  # wrapped for set_output
                setattr(cls, name, _keep_dask_lazy(method, sklearn_method))
        inverse = cls.__dict__.get("inverse_transform")
        if inspect.isfunction(inverse):
            cls.inverse_transform = _sparse_like_input(inverse)


class TransformerMixin(_DaskOutputHook, _SklearnTransformerMixin):
    """scikit-learn's ``TransformerMixin`` whose ``set_output`` keeps dask output lazy.

    With ``set_output(transform="pandas")``, NumPy and pandas input give scikit-learn's
    pandas DataFrame; dask input gives a lazy dask DataFrame with
    ``get_feature_names_out`` columns (and the index and divisions of a dask DataFrame
    input). ``"polars"`` raises a ValueError for dask input.
    """

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to ``X`` (and ``y``), then transform ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or None, default=None
        **fit_params : dict
            Passed to ``fit``.

        Returns
        -------
        X_new : ndarray, DataFrame, dask array or dask DataFrame
        """
        return _sklearn_fit_transform(self, X, y, **fit_params)
