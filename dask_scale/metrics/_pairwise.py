"""Pairwise distances and kernels, blockwise over the rows of ``X``.

``X`` a dask array or DataFrame: every row block of ``X`` against the whole of ``Y`` with
scikit-learn's function (:func:`dask_scale._graph.map_rows`), a lazy dask array of shape
``(n_samples_X, n_samples_Y)`` with ``X``'s row chunks. ``Y`` is held in memory (it is one
parameter of every block task): a dask ``Y`` is computed first, and ``Y=None`` (``X``
against itself) computes ``X``. In-memory ``X`` is scikit-learn's function.
"""

from __future__ import annotations

import functools

import dask
import numpy as np
import sklearn.metrics.pairwise as skp

from .._graph import content_token, map_rows, param_nbytes
from .._graph.compute import compute as _compute
from .._validation import as_dask_array, is_dask_collection, is_dask_frame

__all__ = [
    "PAIRWISE_KERNEL_FUNCTIONS",
    "euclidean_distances",
    "linear_kernel",
    "pairwise_distances",
    "pairwise_distances_argmin_min",
    "pairwise_kernels",
    "polynomial_kernel",
    "rbf_kernel",
    "sigmoid_kernel",
]


_LARGE = 1 << 20


def _dask_x(X):
    if is_dask_frame(X):
        X = as_dask_array(X, input_name="X")
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-D X, got {X.ndim} dimensions.")
    return X


def _memory_y(X, Y):
    """``Y`` in memory (a dask ``Y``, or ``X`` itself for ``Y=None``, computed)."""
    if Y is None:
        Y = X
    if is_dask_collection(Y):
        (Y,) = _compute(Y)
    if hasattr(Y, "to_numpy"):
        Y = Y.to_numpy()
    return np.asarray(Y)


def _block_call(block, Y, func, kwargs):
    return func(block, Y, **kwargs)


def _blockwise(func, X, Y, kwargs, out_dtype=np.float64):
    """``func(X_block, Y, **kwargs)`` over the row blocks of the dask ``X``."""
    Xa = _dask_x(X)
    Yv = _memory_y(Xa, Y)
    if Yv.ndim != 2:
        raise ValueError(f"Expected a 2-D Y, got {Yv.ndim} dimensions.")
    if not np.isnan(Xa.shape[1]) and Xa.shape[1] != Yv.shape[1]:
        raise ValueError(
            "Incompatible dimension for X and Y matrices: "
            f"X.shape[1] == {Xa.shape[1]} while Y.shape[1] == {Yv.shape[1]}"
        )
    part = functools.partial(_block_call, func=func, kwargs=kwargs)
    if param_nbytes(Yv) > _LARGE:
        # one key holds Y, which every block task refers to
        Yv = dask.delayed(Yv, name=f"pairwise-Y-{content_token(Yv)}")
    return map_rows(part, Xa, Yv, out_dtype=out_dtype, n_out=Yv.shape[0], check_finite=False)


def euclidean_distances(X, Y=None, *, Y_norm_squared=None, squared=False,
                        X_norm_squared=None):
    """Euclidean distances between the rows of ``X`` and of ``Y`` (``X`` when None).

    scikit-learn's :func:`sklearn.metrics.pairwise.euclidean_distances` on every row block
    of a dask ``X`` (a lazy dask array out); ``Y`` is held in memory.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features), default=None
    Y_norm_squared : array-like of shape (n_samples_Y,), default=None
    squared : bool, default=False
    X_norm_squared : array-like of shape (n_samples_X,), default=None
        In-memory ``X`` only (a dask ``X``'s norms are computed per block anyway).

    Returns
    -------
    ndarray or dask array of shape (n_samples_X, n_samples_Y)
    """
    if not is_dask_collection(X):
        return skp.euclidean_distances(X, Y, Y_norm_squared=Y_norm_squared, squared=squared,
                                       X_norm_squared=X_norm_squared)
    if X_norm_squared is not None:
        raise NotImplementedError(
            "X_norm_squared is not supported with a dask X (each block's norms are computed "
            "with the block); leave it None."
        )
    if Y_norm_squared is not None:
        Y_norm_squared = np.asarray(
            _compute(Y_norm_squared)[0] if is_dask_collection(Y_norm_squared)
            else Y_norm_squared
        )
    return _blockwise(skp.euclidean_distances, X, Y,
                      {"Y_norm_squared": Y_norm_squared, "squared": squared})


def pairwise_distances(X, Y=None, metric="euclidean", *, n_jobs=None, **kwds):
    """Distances between the rows of ``X`` and of ``Y`` with ``metric``.

    scikit-learn's :func:`sklearn.metrics.pairwise_distances` (every metric it accepts,
    ``n_jobs`` used within each block) on every row block of a dask ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features), default=None
    metric : str or callable, default="euclidean"
    n_jobs : int, default=None
    **kwds : passed to the metric.

    Returns
    -------
    ndarray or dask array of shape (n_samples_X, n_samples_Y)
    """
    if not is_dask_collection(X):
        return skp.pairwise_distances(X, Y, metric=metric, n_jobs=n_jobs, **kwds)
    if metric == "precomputed":
        raise ValueError("metric='precomputed' needs no computation: X is the distances.")
    return _blockwise(skp.pairwise_distances, X, Y,
                      {"metric": metric, "n_jobs": n_jobs, **kwds})


def _argmin_min_block(block, Y, metric, metric_kwargs):
    idx, dist = skp.pairwise_distances_argmin_min(
        block, Y, axis=1, metric=metric, metric_kwargs=metric_kwargs
    )
    return np.column_stack([idx.astype(np.float64), dist])


def _column(block, j, dtype):
    return block[:, j].astype(dtype)


def pairwise_distances_argmin_min(X, Y, *, axis=1, metric="euclidean", metric_kwargs=None):
    """For each row of ``X`` the index of the closest row of ``Y`` and its distance.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features)
    axis : int, default=1
        1 (per row of ``X``); a dask ``X`` supports only 1.
    metric : str or callable, default="euclidean"
    metric_kwargs : dict, default=None

    Returns
    -------
    argmin : ndarray or dask array of shape (n_samples_X,), int
    distances : ndarray or dask array of shape (n_samples_X,)
    """
    if not is_dask_collection(X):
        return skp.pairwise_distances_argmin_min(X, Y, axis=axis, metric=metric,
                                                 metric_kwargs=metric_kwargs)
    if axis != 1:
        raise NotImplementedError(
            "pairwise_distances_argmin_min(axis=0) is not supported for a dask X; swap X "
            "and Y (Y in memory) or compute X."
        )
    both = _blockwise(_argmin_min_block, X, Y, {"metric": metric,
                                                "metric_kwargs": metric_kwargs})
    argmin = both.map_blocks(_column, 0, np.intp, drop_axis=1, dtype=np.intp)
    dist = both.map_blocks(_column, 1, np.float64, drop_axis=1, dtype=np.float64)
    return argmin, dist


def _kernel(sk_func, X, Y, kwargs):
    if not is_dask_collection(X):
        return sk_func(X, Y, **kwargs)
    return _blockwise(sk_func, X, Y, kwargs)


_KERNEL_DOC = """{summary}

    scikit-learn's :func:`sklearn.metrics.pairwise.{name}` on every row block of a dask
    ``X`` (a lazy dask array out, ``Y`` held in memory; ``Y=None`` computes ``X``).

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features), default=None
{params}
    Returns
    -------
    ndarray or dask array of shape (n_samples_X, n_samples_Y)
"""


def linear_kernel(X, Y=None, dense_output=True):
    return _kernel(skp.linear_kernel, X, Y, {"dense_output": dense_output})


def rbf_kernel(X, Y=None, gamma=None):
    return _kernel(skp.rbf_kernel, X, Y, {"gamma": gamma})


def polynomial_kernel(X, Y=None, degree=3, gamma=None, coef0=1):
    return _kernel(skp.polynomial_kernel, X, Y,
                   {"degree": degree, "gamma": gamma, "coef0": coef0})


def sigmoid_kernel(X, Y=None, gamma=None, coef0=1):
    return _kernel(skp.sigmoid_kernel, X, Y, {"gamma": gamma, "coef0": coef0})


_GAMMA = "    gamma : float, default=None\n        ``1 / n_features`` when None.\n"
for _f, _summary, _params in [
    (linear_kernel, "The linear kernel ``X @ Y.T``.",
     "    dense_output : bool, default=True\n"),
    (rbf_kernel, "The RBF kernel ``exp(-gamma ||x - y||^2)``.", _GAMMA),
    (polynomial_kernel, "The polynomial kernel ``(gamma <x, y> + coef0)^degree``.",
     "    degree : float, default=3\n" + _GAMMA + "    coef0 : float, default=1\n"),
    (sigmoid_kernel, "The sigmoid kernel ``tanh(gamma <x, y> + coef0)``.",
     _GAMMA + "    coef0 : float, default=1\n"),
]:
    _f.__doc__ = _KERNEL_DOC.format(summary=_summary, name=_f.__name__, params=_params)

#: Kernel name -> function, as ``sklearn.metrics.pairwise.PAIRWISE_KERNEL_FUNCTIONS``
#: (the kernels dask_scale computes blockwise).
PAIRWISE_KERNEL_FUNCTIONS = {
    "linear": linear_kernel,
    "poly": polynomial_kernel,
    "polynomial": polynomial_kernel,
    "rbf": rbf_kernel,
    "sigmoid": sigmoid_kernel,
}


def pairwise_kernels(X, Y=None, metric="linear", *, filter_params=False, n_jobs=None,
                     **kwds):
    """The kernel ``metric`` between the rows of ``X`` and of ``Y``.

    scikit-learn's :func:`sklearn.metrics.pairwise.pairwise_kernels` (every kernel name it
    accepts, or a callable; ``n_jobs`` used within each block) on every row block of a
    dask ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features), default=None
    metric : str or callable, default="linear"
    filter_params : bool, default=False
    n_jobs : int, default=None
    **kwds : passed to the kernel.

    Returns
    -------
    ndarray or dask array of shape (n_samples_X, n_samples_Y)
    """
    kwargs = {"metric": metric, "filter_params": filter_params, "n_jobs": n_jobs, **kwds}
    if not is_dask_collection(X):
        return skp.pairwise_kernels(X, Y, **kwargs)
    if metric == "precomputed":
        raise ValueError("metric='precomputed' needs no computation: X is the kernel.")
    return _blockwise(skp.pairwise_kernels, X, Y, kwargs)
