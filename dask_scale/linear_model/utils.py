"""Helpers dask-ml users import from ``dask_ml.linear_model.utils``.

Every function takes NumPy arrays, pandas objects, dask arrays (known or unknown chunk sizes)
and dask DataFrames/Series, and returns the same kind, lazily for dask input:

- :func:`add_intercept`: a column of ones in front of the features;
- :func:`lr_prob_stack`: a positive-class probability as the two-column
  ``[1 - p, p]`` array of ``predict_proba``;
- :func:`exp`, :func:`absolute`, :func:`sign`, :func:`log1p`: the element-wise functions
  (dask-ml provides them for dask DataFrames; here they follow NumPy's ufuncs on every kind).

The estimators of :mod:`dask_scale.linear_model` fit their intercept themselves
(``fit_intercept=True``); :func:`add_intercept` is for code that builds its own design matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._graph import map_row_blocks
from .._types import is_dask_array, is_dask_frame

__all__ = ["absolute", "add_intercept", "exp", "log1p", "lr_prob_stack", "sign"]

#: Name of the column :func:`add_intercept` puts in front of a DataFrame.
INTERCEPT_COLUMN = "intercept"


def _float_dtype(dtype):
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _prepend_ones(block, dtype):
    block = np.asarray(block)
    out = np.empty((block.shape[0], block.shape[1] + 1), dtype=dtype)
    out[:, 0] = 1
    out[:, 1:] = block
    return out


def _frame_with_intercept(frame):
    return frame.assign(**{INTERCEPT_COLUMN: 1.0})[[INTERCEPT_COLUMN, *frame.columns]]


def add_intercept(X):
    """``X`` with a column of ones in front (the intercept's feature).

    Parameters
    ----------
    X : ndarray, dask array of shape (n_samples, n_features), pandas or dask DataFrame

    Returns
    -------
    ndarray, dask array or DataFrame of shape (n_samples, n_features + 1)
        The ones come first, as in :func:`sklearn.preprocessing.add_dummy_feature`. Arrays
        keep a floating dtype (integers become float64); a dask array keeps its row chunks
        (its columns become one block). A DataFrame gets a float column ``"intercept"`` in
        front of its columns.

    Raises
    ------
    ValueError
        When ``X`` is not 2-D, or a DataFrame already has an ``"intercept"`` column.

    Examples
    --------
    >>> import numpy as np
    >>> from dask_scale.linear_model.utils import add_intercept
    >>> add_intercept(np.array([[2.0, 3.0], [4.0, 5.0]]))
    array([[1., 2., 3.],
           [1., 4., 5.]])
    """
    if isinstance(X, pd.DataFrame) or (is_dask_frame(X) and hasattr(X, "columns")):
        if INTERCEPT_COLUMN in X.columns:
            raise ValueError(
                f"X already has an {INTERCEPT_COLUMN!r} column; rename it, or leave X as it "
                "is (it already holds an intercept feature)."
            )
        if is_dask_frame(X):
            meta = _frame_with_intercept(X._meta)
            return map_row_blocks(_frame_with_intercept, X, meta=meta)
        return _frame_with_intercept(X)
    if isinstance(X, (pd.Series,)) or is_dask_frame(X):
        raise ValueError("add_intercept needs 2-D X (a Series is 1-D); use X.to_frame().")
    if not is_dask_array(X):
        X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(
            f"add_intercept needs 2-D X of shape (n_samples, n_features), got {X.ndim} "
            "dimension(s)."
        )
    dtype = _float_dtype(X.dtype)
    if not is_dask_array(X):
        return _prepend_ones(X, dtype)
    meta = np.empty((0, X.shape[1] + 1), dtype=dtype)
    return map_row_blocks(_prepend_ones, X, dtype, meta=meta)


def _stack(prob):
    p = np.asarray(prob, dtype=np.float64).reshape(-1)
    return np.column_stack([1.0 - p, p])


def lr_prob_stack(prob):
    """Two-column class probabilities ``[1 - p, p]`` from the positive-class probability.

    Parameters
    ----------
    prob : ndarray, dask array, pandas or dask Series of shape (n_samples,)
        Probability of the positive class (``classes_[1]``).

    Returns
    -------
    ndarray or dask array of shape (n_samples, 2)
        Columns in ``classes_`` order, as ``predict_proba`` returns them; a dask array for
        dask input (one row block per block or partition of ``prob``).

    Examples
    --------
    >>> import numpy as np
    >>> from dask_scale.linear_model.utils import lr_prob_stack
    >>> lr_prob_stack(np.array([0.25, 1.0]))
    array([[0.75, 0.25],
           [0.  , 1.  ]])
    """
    if getattr(prob, "ndim", 1) != 1:
        raise ValueError(f"prob must be 1-D (one probability per sample), got {prob.ndim}-D.")
    if is_dask_array(prob) or is_dask_frame(prob):
        return map_row_blocks(_stack, prob, meta=np.empty((0, 2)))
    return _stack(prob)


def exp(A):
    """Element-wise ``exp``, the input's kind kept (NumPy's ufunc on every kind)."""
    return np.exp(A)


def absolute(A):
    """Element-wise absolute value, the input's kind kept."""
    return np.absolute(A)


def sign(A):
    """Element-wise sign (-1, 0 or 1), the input's kind kept."""
    return np.sign(A)


def log1p(A):
    """Element-wise ``log(1 + A)``, accurate for small ``A``, the input's kind kept."""
    return np.log1p(A)
