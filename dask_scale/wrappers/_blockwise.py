"""Call a fitted estimator's method on every row block of a dask collection.

Two jobs, kept apart from the wrapper classes:

- **output metadata** (:func:`output_meta`): an empty object (zero rows) with the type, dtype
  and trailing shape or columns of the method's output, found *without computing data*: the
  meta the user passed, else the output of the method on one synthetic row made from the
  input's metadata (zeros for a numeric dask array; ``dask.dataframe.utils.meta_nonempty`` for
  a DataFrame), else rules from the fitted attributes (``classes_`` dtype and count,
  ``n_outputs_``, ``coef_`` shape, ``get_feature_names_out``);
- **per-block calls** (:func:`map_method`): the method on each block, zero-row blocks answered
  from the metadata without calling the estimator (scikit-learn estimators reject 0 samples),
  each output made to match the metadata (dtype cast, index and column names for frames).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from dask.delayed import delayed

from .._graph import content_token, map_row_blocks
from .._graph.compute import compute as _graph_compute
from .._validation import dense_blocks_unless_accepted, is_dask_array, is_dask_frame

__all__ = ["compute", "map_method", "output_meta"]

#: The wrapper parameter holding the user's output meta of each method.
META_PARAMS = {
    "predict": "predict_meta",
    "predict_proba": "predict_proba_meta",
    "predict_log_proba": "predict_proba_meta",
    "transform": "transform_meta",
    "decision_function": None,
}


def compute(*values):
    """``dask.compute(*values)`` in one submission, accepting a mix of DataFrame (expression)
    and array (graph) collections, e.g. X as a dask DataFrame and y as a dask array."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Computing mixed collections", category=UserWarning)
        return _graph_compute(*values)


def _empty_of(out):
    """Zero rows of an output: same type, dtype and trailing shape / columns."""
    if isinstance(out, (pd.Series, pd.DataFrame)):
        return out.iloc[:0]
    if sp.issparse(out):
        return out.tocsr()[:0].asformat(out.format)
    arr = np.asarray(out)
    if arr.ndim == 0:
        raise TypeError(f"expected an array-like output with rows, got {type(out).__name__}")
    return arr[:0]


def _normalize_user_meta(meta, param):
    if isinstance(meta, (pd.Series, pd.DataFrame, np.ndarray)) or sp.issparse(meta):
        return _empty_of(meta)
    raise TypeError(
        f"{param} must be an empty NumPy array, pandas Series/DataFrame or scipy sparse matrix "
        f"showing the output's type and dtype (e.g. np.array([], dtype='int64')); got "
        f"{type(meta).__name__}."
    )


def _probe_row(X):
    """One synthetic row with X's dtypes (no data computed), or None when none can be made."""
    if is_dask_frame(X):
        from dask.dataframe.utils import meta_nonempty

        return meta_nonempty(X._meta).iloc[:1]
    if is_dask_array(X) and isinstance(X._meta, np.ndarray):
        if X.dtype.kind in "biufcUS" and not any(np.isnan(s) for s in X.shape[1:]):
            return np.zeros((1,) + tuple(int(s) for s in X.shape[1:]), dtype=X.dtype)
    return None


def _rule_meta(estimator, method):
    classes = getattr(estimator, "classes_", None)
    single = isinstance(classes, np.ndarray)
    if method == "predict":
        if single:
            return np.empty((0,), dtype=classes.dtype)
        if isinstance(classes, list) and classes and all(isinstance(c, np.ndarray) for c in classes):
            dtype = np.result_type(*[c.dtype for c in classes])
            return np.empty((0, len(classes)), dtype=dtype)
        n_outputs = getattr(estimator, "n_outputs_", None)
        coef = getattr(estimator, "coef_", None)
        if isinstance(n_outputs, (int, np.integer)) and n_outputs > 1:
            return np.empty((0, int(n_outputs)), dtype=np.float64)
        if isinstance(coef, np.ndarray) and coef.ndim == 2:
            return np.empty((0, coef.shape[0]), dtype=np.float64)
        return np.empty((0,), dtype=np.float64)
    if method in ("predict_proba", "predict_log_proba") and single:
        return np.empty((0, len(classes)), dtype=np.float64)
    if method == "decision_function" and single:
        if len(classes) == 2:
            return np.empty((0,), dtype=np.float64)
        return np.empty((0, len(classes)), dtype=np.float64)
    if method == "transform":
        try:
            names = estimator.get_feature_names_out()
        except Exception:  # noqa: BLE001 - any failure means "unknown"
            names = None
        if names is not None:
            return np.empty((0, len(names)), dtype=np.float64)
    return None


def output_meta(estimator, method, X, user_meta=None):
    """Zero-row object with the type/dtype/trailing shape of ``estimator.<method>(X)``.

    Parameters
    ----------
    estimator : fitted estimator
    method : str
    X : dask array, DataFrame or Series
    user_meta : array-like or None
        The user's meta; used as is when given.

    Returns
    -------
    ndarray, scipy sparse matrix, pandas Series or DataFrame with zero rows.
    """
    param = META_PARAMS.get(method)
    if user_meta is not None:
        return _normalize_user_meta(user_meta, param)
    probe = _probe_row(X)
    if probe is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return _empty_of(getattr(estimator, method)(probe))
        except Exception:  # noqa: BLE001 - the probe is only a hint; fall back to the rules
            pass
    meta = _rule_meta(estimator, method)
    if meta is None:
        hint = (
            f"pass {param}=<empty array, Series or DataFrame with the output's dtype> to the "
            "wrapper"
            if param
            else "call it on in-memory data"
        )
        raise ValueError(
            f"Cannot infer the output of {type(estimator).__name__}.{method} on this input "
            f"without computing data; {hint}."
        )
    return meta


def _default_columns(estimator, method, width):
    if method in ("predict_proba", "predict_log_proba", "decision_function"):
        classes = getattr(estimator, "classes_", None)
        if isinstance(classes, np.ndarray) and len(classes) == width:
            return classes.tolist()
    if method == "transform":
        try:
            names = estimator.get_feature_names_out()
        except Exception:  # noqa: BLE001
            names = None
        if names is not None and len(names) == width:
            return [str(n) for n in names]
    return list(range(width))


def _frame_meta(meta, estimator, method):
    """The pandas meta of the output for DataFrame input (None: not representable as a frame)."""
    if isinstance(meta, (pd.Series, pd.DataFrame)):
        return meta
    if sp.issparse(meta) or meta.ndim > 2:
        return None
    if meta.ndim == 1:
        return pd.Series(meta, name=None)
    return pd.DataFrame(meta, columns=_default_columns(estimator, method, meta.shape[1]))


def _mismatch(estimator, method, got, meta):
    param = META_PARAMS.get(method)
    fix = f" Pass {param}= with the right shape and dtype." if param else ""
    trailing = "".join(f", {d}" for d in getattr(meta, "shape", ())[1:]) or ","
    dtype = getattr(meta, "dtype", None)
    dtype = f"dtype {dtype}, " if dtype is not None and not isinstance(meta, pd.DataFrame) else ""
    return ValueError(
        f"{type(estimator).__name__}.{method} returned {got} on a block, which does not match "
        f"the expected output {type(meta).__name__} of {dtype}shape (n{trailing})." + fix
    )


def _cast_keeps_values(values, expected):
    """``values`` cast to the meta's dtype ``expected``, or None if that changes a value.

    A cast the user's meta asks for is made when it keeps the values: numbers to numbers
    that hold them (int64 labels as int32 or float64; float64 as float32 changes only the
    precision), text to text as wide, anything to object. Numbers to text or text to
    numbers, a label that wraps around or is truncated, contradict the meta.
    """
    got, expected = values.dtype, np.dtype(expected)
    if got == expected or expected.kind == "O":
        return values.astype(expected, copy=False)
    numeric = "biuf"
    if not (
        (got.kind in numeric and expected.kind in numeric)
        or (got.kind in "US" and expected.kind in "US")
    ):
        return None
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cast = values.astype(expected)
        except (UnicodeEncodeError, ValueError, OverflowError):
            return None
    if got.kind in "biu" and expected.kind in "biu":
        # within the integers (bool included) compare values, not bits: a round trip
        # through a signed/unsigned pair gives the bits back but not the values
        if values.size == 0 or expected.kind == "b":
            return cast if values.size == 0 or np.isin(values, (0, 1)).all() else None
        info = np.iinfo(expected)
        return cast if info.min <= values.min() and values.max() <= info.max else None
    if got.kind == expected.kind == "f":
        # a narrower float changes only the precision; a finite value that overflows is lost
        return cast if not (np.isfinite(values) & ~np.isfinite(cast)).any() else None
    # int -> float (exact below 2**53 for float64), float -> int, str -> narrower str:
    # made if every value comes back
    same = cast.astype(got) == values
    if got.kind == "f":
        same |= np.isnan(values) & np.isnan(cast.astype(got))
    return cast if np.all(same) else None


def _cast_to_meta(out, meta, estimator, method):
    """``out`` with the meta's dtype; a cast that would change values raises."""
    if out.dtype == meta.dtype:
        return out
    cast = _cast_keeps_values(out.data if sp.issparse(out) else out, meta.dtype)
    if cast is None:
        raise _mismatch(estimator, method, f"dtype {out.dtype}", meta)
    if sp.issparse(out):
        out = out.copy()
        out.data = cast
        return out
    return cast


def _check_rows(out, n, estimator, method):
    if out.shape[0] != n:
        raise ValueError(
            f"{type(estimator).__name__}.{method} returned {out.shape[0]} rows for a block "
            f"of {n} rows."
        )


def _apply_array_block(block, estimator, *, method, meta):
    """The method on one NumPy block; the result made to match ``meta`` (ndarray or sparse)."""
    n = block.shape[0]
    if sp.issparse(meta):
        if n == 0:
            return meta.copy()
        out = getattr(estimator, method)(block)
        out = sp.csr_matrix(out) if not sp.issparse(out) else out
        out = out.asformat(meta.format)
        _check_rows(out, n, estimator, method)
        return _cast_to_meta(out, meta, estimator, method)
    if n == 0:
        return np.empty((0,) + meta.shape[1:], dtype=meta.dtype)
    out = getattr(estimator, method)(block)
    if sp.issparse(out):
        out = out.toarray()
    out = np.asarray(out)
    _check_rows(out, n, estimator, method)
    if out.ndim == 2 and meta.ndim == 1 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim != meta.ndim or (meta.ndim > 1 and out.shape[1:] != meta.shape[1:]):
        raise _mismatch(estimator, method, f"shape {out.shape}", meta)
    return _cast_to_meta(out, meta, estimator, method)


def _apply_frame_partition(part, estimator, *, method, meta):
    """The method on one pandas partition; a Series/DataFrame with the partition's index."""
    n = len(part)
    if n == 0:
        return meta.set_axis(part.index, axis=0)
    out = getattr(estimator, method)(part)
    if sp.issparse(out):
        out = out.toarray()
    if isinstance(meta, pd.Series):
        values = out.to_numpy() if isinstance(out, (pd.Series, pd.DataFrame)) else np.asarray(out)
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        if values.ndim != 1:
            raise _mismatch(estimator, method, f"shape {values.shape}", meta)
        _check_rows(values, n, estimator, method)
        if isinstance(values, np.ndarray) and isinstance(meta.dtype, np.dtype):
            values = _cast_to_meta(values, meta, estimator, method)
        res = pd.Series(values, index=part.index, name=meta.name)
        return res if res.dtype == meta.dtype else res.astype(meta.dtype)
    if isinstance(out, pd.DataFrame):
        _check_rows(out, n, estimator, method)
        if out.shape[1] != meta.shape[1]:
            raise _mismatch(estimator, method, f"{out.shape[1]} columns", meta)
        res = out.set_axis(part.index, axis=0).set_axis(meta.columns, axis=1)
    else:
        values = out.to_numpy() if isinstance(out, pd.Series) else np.asarray(out)
        if values.ndim == 1 and meta.shape[1] == 1:
            values = values[:, None]
        if values.ndim != 2 or values.shape[1] != meta.shape[1]:
            raise _mismatch(estimator, method, f"shape {values.shape}", meta)
        _check_rows(values, n, estimator, method)
        res = pd.DataFrame(values, index=part.index, columns=meta.columns)
    if not res.dtypes.equals(meta.dtypes):
        for col, dt in zip(res.columns, meta.dtypes, strict=True):
            values = res[col].to_numpy()
            if isinstance(dt, np.dtype) and values.dtype != dt:
                if _cast_keeps_values(values, dt) is None:
                    raise _mismatch(estimator, method, f"dtype {values.dtype}", meta)
        res = res.astype(meta.dtypes.to_dict())
    return res


def map_method(estimator, method, X, user_meta=None):
    """``estimator.<method>`` on every row block of a dask collection, lazily.

    Parameters
    ----------
    estimator : fitted estimator
    method : str
        ``"predict"``, ``"predict_proba"``, ``"transform"``, ...
    X : dask array, DataFrame or Series
        Row blocks are passed to the method as they are (NumPy blocks, pandas partitions);
        a dask array's other axes are merged into one block first. Sparse blocks are
        densified one at a time when the estimator's tags do not accept sparse input.
    user_meta : array-like or None, default=None
        Output meta given by the user (see :func:`output_meta`).

    Returns
    -------
    dask array (array input), or dask Series/DataFrame with X's index (frame input; a dask
    array with unknown chunk sizes when the output is sparse or has more than 2 dimensions).
    """
    X = dense_blocks_unless_accepted(X, estimator)
    meta = output_meta(estimator, method, X, user_meta)
    token = content_token(estimator, method, X, user_meta)
    # One graph key holds the estimator: every block task refers to it, so it is serialised
    # and shipped to each worker once.
    est_node = delayed(estimator, name=f"{type(estimator).__name__}-{token}", traverse=False)
    name = f"{method}-{token}"
    frames = (pd.Series, pd.DataFrame)
    if is_dask_array(X):
        meta = meta.to_numpy()[:0] if isinstance(meta, frames) else meta
    else:
        frame_meta = _frame_meta(meta, estimator, method)
        meta = meta if frame_meta is None else frame_meta
    # An output a frame cannot hold (sparse, >2-D) is a dask array, one block per partition:
    # _apply_array_block only needs the number of rows of a pandas partition.
    apply = _apply_frame_partition if isinstance(meta, frames) else _apply_array_block
    func = functools.partial(apply, method=method, meta=meta)
    return map_row_blocks(func, X, est_node, meta=meta, name=name)
