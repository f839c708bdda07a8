"""Input checks and conversions shared by every estimator.

NumPy and pandas input goes through scikit-learn's own validation, so error messages and
fitted attributes (``n_features_in_``, ``feature_names_in_``) are exactly scikit-learn's.
Dask input is checked lazily: shape, dtype and feature-count checks use metadata only, and no
check here forces a pass over the data. NaN/inf in dask input is caught in the first pass the
estimator makes anyway (``check_finite`` of :func:`dask_scale._graph.reduce_blocks`, or
:func:`dask_scale._graph.map_rows`), with a clear error. That check and its message are
:func:`reject_nonfinite` and :func:`nonfinite_message`, defined with the reductions (which
cannot import this module) and re-exported here for the estimators.
"""

from __future__ import annotations

import numbers
import warnings

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import validate_data as _sk_validate_data

from ._graph.affine import has_affine_record, link_affine
from ._graph.compute import keep_partitions, scheduler_pool
from ._graph.keys import merge_inner_chunks
from ._graph.reduction import nonfinite_message, reject_nonfinite
from ._types import is_dask_array, is_dask_collection, is_dask_frame

__all__ = [
    "as_dask_array",
    "check_array",
    "check_consistent_rows",
    "check_input_features",
    "check_n_rows",
    "check_sample_weight",
    "check_table",
    "check_y",
    "ensure_known_chunks",
    "frame_to_dask_array",
    "frames_to_dask_arrays",
    "is_dask_array",
    "is_dask_collection",
    "is_dask_frame",
    "no_samples_error",
    "nonfinite_message",
    "reject_nonfinite",
    "validate_data",
]

FLOAT_DTYPES = (np.float64, np.float32)


def _kind(x):
    return type(x).__module__.split(".")[0] + "." + type(x).__name__


def _non_numeric_columns(frame):
    frames = (dd.DataFrame, pd.DataFrame)
    dtypes = frame.dtypes if isinstance(frame, frames) else pd.Series([frame.dtype])
    names = frame.columns if isinstance(frame, frames) else [frame.name]
    bad = []
    for name, dt in zip(names, dtypes, strict=False):
        if not (pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)):
            bad.append(name)
    return bad


def as_dask_array(frame, *, input_name="X", numeric=True):
    """Lazily convert a dask DataFrame/Series to a dask array (row chunks may be unknown).

    Non-numeric columns raise a clear error when ``numeric`` is true.
    """
    if numeric:
        message = non_numeric_message(frame, input_name)
        if message:
            raise ValueError(message)
    return frame_to_dask_array(frame)


def non_numeric_message(frame, input_name="X"):
    """The error for the non-numeric columns of a (dask or pandas) frame, or None."""
    bad = _non_numeric_columns(frame)
    if not bad:
        return None
    frames = (dd.DataFrame, pd.DataFrame)
    if isinstance(frame, frames):
        dtypes = [str(frame.dtypes[c]) for c in bad[:10]]
    else:
        dtypes = str(frame.dtype)
    return (
        f"{input_name} has non-numeric columns {bad[:10]!r} (dtypes {dtypes}). "
        "Encode them first, e.g. with dask_scale.preprocessing.Categorizer followed by "
        "DummyEncoder/OneHotEncoder, or select numeric columns with "
        "dask_scale.compose.ColumnTransformer."
    )


def frame_to_dask_array(frame):
    """A dask array with one row block per partition of the dask DataFrame/Series ``frame``.

    The conversion keeps the partitions as ``frame.npartitions`` lists them (see
    :func:`dask_scale._graph.compute.keep_partitions`), so that ``df[features]`` and
    ``df["y"]`` of one Parquet read get the same row blocks.
    """
    target = _numeric_frame_dtype(frame)
    if target is not None:
        frame = frame.astype(target)
    with keep_partitions():
        return frame.to_dask_array()


def _block_of(part, dtype):
    """One pandas partition (or its projection) as the NumPy block of its dask array."""
    return (part if dtype is None else part.astype(dtype)).to_numpy()


def _join_partitions(*parts):
    return tuple(parts)


def _split_partition(joined, spec):
    return tuple(_block_of(part, dtype) for part, dtype in zip(joined, spec, strict=True))


def _pick(split, spec, j):
    # ``spec`` is an argument only so that this task has two dependencies: dask's linear
    # fusion then never merges it with the split, so its key names one task for good
    return split[j]


def frames_to_dask_arrays(*frames):
    """Dask arrays of several dask frames of one fit (X, y, weights), from one graph.

    Converted one by one, ``df[features]`` and ``df["y"]`` each get the graph of ``df``:
    every partition of the source is read (and every step upstream of the selection run)
    once for X and again for y, in every pass. Here each partition of the frames is
    computed once, in one task, and split into the NumPy blocks of every array (numeric
    columns converted as :func:`frame_to_dask_array` does). Frames with different numbers
    of partitions, or a single frame, are converted one by one. ``None`` entries stay None.
    """
    present = [f for f in frames if f is not None]
    if len(present) < 2 or len({f.npartitions for f in present}) != 1:
        return [None if f is None else frame_to_dask_array(f) for f in frames]
    spec = tuple(_numeric_frame_dtype(f) for f in present)
    metas = [_block_of(f._meta, dt) for f, dt in zip(present, spec, strict=True)]
    with keep_partitions():
        joined = dd.map_partitions(
            _join_partitions,
            *present,
            align_dataframes=False,
            enforce_metadata=False,
            transform_divisions=False,
            meta=present[0]._meta,
        )
        parts = joined.to_delayed()
    token = tokenize(*[p.key for p in parts], spec)
    split, spec_key = f"frame-split-{token}", f"frame-split-spec-{token}"
    dsk = {spec_key: spec}
    for i, part in enumerate(parts):
        dsk[(split, i)] = (_split_partition, part.key, spec_key)
    n = len(parts)
    arrays = iter(range(len(present)))
    out = []
    for f in frames:
        if f is None:
            out.append(None)
            continue
        j = next(arrays)
        meta = metas[j]
        name = f"frame-array-{j}-{token}"
        layer = {}
        for i in range(n):
            key = (name, i) if meta.ndim == 1 else (name, i, 0)
            layer[key] = (_pick, (split, i), spec_key, j)
        graph = HighLevelGraph.from_collections(name, {**layer, **dsk}, dependencies=parts)
        chunks = ((np.nan,) * n,) + tuple((s,) for s in meta.shape[1:])
        out.append(da.Array(graph, name, chunks, meta=meta))
    return out


def _numeric_frame_dtype(frame):
    """The NumPy dtype scikit-learn gives a numeric frame whose pandas dtype would be object.

    pandas turns a frame of float and ``bool`` columns, or one with nullable ``Int64`` /
    ``Float64`` / ``boolean`` columns, into an object array; scikit-learn converts it column
    by column instead (nullable columns to float, ``pd.NA`` to NaN). Returns that dtype, or
    None where the frame converts as it is (or has non-numeric columns, refused elsewhere).
    """
    dtypes = list(frame.dtypes) if isinstance(frame, dd.DataFrame) else [frame.dtype]
    converted = []
    needs = False
    for dt in dtypes:
        if pd.api.types.is_extension_array_dtype(dt):
            numpy_dtype = getattr(dt, "numpy_dtype", None)
            if numpy_dtype is None or not (
                pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)
            ):
                return None
            # a nullable column may hold pd.NA, which only a float can carry (as NaN)
            converted.append(numpy_dtype if numpy_dtype.kind == "f" else np.dtype(np.float64))
            needs = True
        elif isinstance(dt, np.dtype) and dt.kind in "biuf":
            converted.append(dt)
            needs = needs or dt.kind == "b"
        else:
            return None
    if not needs:
        return None
    target = np.result_type(*converted)
    return None if target.kind == "b" else target


def ensure_known_chunks(arr):
    """Return ``arr`` with known row chunk sizes, computing them (one cheap pass) if needed."""
    if is_dask_array(arr) and any(np.isnan(c) for c in arr.chunks[0]):
        with scheduler_pool():
            arr = arr.compute_chunk_sizes()
    return arr


def _feature_names(X):
    cols = getattr(X, "columns", None)
    if cols is None:
        return None
    names = list(cols)
    types = {type(c) for c in names}
    if not names:
        return None
    if all(isinstance(c, str) for c in names):
        return np.asarray(names, dtype=object)
    if any(isinstance(c, str) for c in names):
        raise TypeError(
            "Feature names are only supported if all input features have string names, "
            f"but your input has {sorted(t.__name__ for t in types)} as feature name / column "
            "name types. Convert them all to str, e.g. X.columns = X.columns.astype(str)."
        )
    return None


def _series_error(input_name):
    return ValueError(
        f"Expected a 2D input for {input_name}, got a dask Series. Use "
        f"{input_name}.to_frame() if it is a single feature."
    )


def _check_dask_2d(X, *, estimator_name, input_name, ensure_2d, allow_nd):
    if X.ndim == 1 and ensure_2d:
        raise ValueError(
            f"Expected a 2D array for {input_name}, got a 1D dask array of shape {X.shape}. "
            "Reshape your data with X.reshape(-1, 1) if it has a single feature or "
            "X.reshape(1, -1) if it contains a single sample."
        )
    if X.ndim > 2 and not allow_nd:
        raise ValueError(
            f"Found array with dim {X.ndim}. {estimator_name} expected <= 2 for {input_name}."
        )
    if X.ndim == 0:
        raise ValueError(f"Expected a 2D array for {input_name}, got a scalar.")


def _to_host(block):
    """Copy one block from a device array library (CuPy) to a NumPy array."""
    get = getattr(block, "get", None)
    return get() if callable(get) else np.asarray(block)


def _host_backed(X, input_name):
    """Return ``X`` with NumPy blocks: device (CuPy) blocks are copied to host when read."""
    meta = getattr(X, "_meta", None)
    if meta is None:
        return X
    module = type(meta).__module__.split(".")[0]
    if module == "cupy":
        warnings.warn(
            f"{input_name} is a CuPy-backed dask array; dask_scale's kernels run on the CPU, "
            "so each block is copied to host memory when it is read and outputs are "
            "NumPy-backed.",
            UserWarning,
            stacklevel=4,
        )
        return X.map_blocks(_to_host, dtype=X.dtype, meta=np.empty((0,) * X.ndim, X.dtype))
    if module in ("scipy", "sparse"):
        raise TypeError(
            f"{input_name} is a dask array of sparse blocks ({type(meta).__name__}); dask_scale "
            "estimators need dense blocks. Densify per block, e.g. "
            f"{input_name}.map_blocks(lambda b: b.toarray(), dtype={input_name}.dtype)."
        )
    return X


def _dask_dtype(X, dtype, input_name):
    if X.dtype.kind == "O" or X.dtype.kind in "USM":
        raise ValueError(
            f"{input_name} has dtype {X.dtype}; numeric data is required. Convert it with "
            f"{input_name}.astype(float), or encode strings/categories with "
            "dask_scale.preprocessing (OrdinalEncoder, OneHotEncoder)."
        )
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {input_name} has dtype {X.dtype}.")
    if dtype is None:
        return X
    if dtype == "numeric":
        return X
    if isinstance(dtype, (list, tuple)):
        if X.dtype in [np.dtype(d) for d in dtype]:
            return X
        return X.astype(dtype[0])
    if X.dtype != np.dtype(dtype):
        return X.astype(dtype)
    return X


def check_array(
    X,
    *,
    dtype=FLOAT_DTYPES,
    ensure_2d=True,
    allow_nd=False,
    ensure_all_finite=True,
    ensure_min_samples=1,
    ensure_min_features=1,
    copy=False,
    estimator=None,
    input_name="X",
):
    """Validate ``X``: NumPy/pandas eagerly (scikit-learn's check), dask lazily.

    Dask arrays keep their row chunks (known or unknown); several column blocks are merged into
    one per row block (a cheap graph rewrite). Dask DataFrames become dask arrays with unknown
    row chunks; non-numeric columns raise an error that says how to encode them.

    Returns
    -------
    ndarray or dask array
    """
    name = estimator if isinstance(estimator, str) else type(estimator).__name__
    if estimator is None:
        name = "Estimator"
    if isinstance(X, (dd.DataFrame, dd.Series)):
        if isinstance(X, dd.Series) and ensure_2d:
            raise _series_error(input_name)
        # a scaler's lazy output frame: its array is the same affine map of the scaler's input
        X = link_affine(as_dask_array(X, input_name=input_name), X)
    if is_dask_array(X):
        _check_dask_2d(
            X, estimator_name=name, input_name=input_name, ensure_2d=ensure_2d, allow_nd=allow_nd
        )
        X = _host_backed(X, input_name)
        X = _dask_dtype(X, dtype, input_name)
        if X.ndim == 2 and len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        n = X.shape[0]
        if ensure_min_samples and not np.isnan(n) and n < ensure_min_samples:
            raise no_samples_error(name, X.shape, minimum=ensure_min_samples)
        if X.ndim == 2 and ensure_min_features and X.shape[1] < ensure_min_features:
            raise ValueError(
                f"Found array with {X.shape[1]} feature(s) (shape={X.shape}) while a minimum "
                f"of {ensure_min_features} is required by {name}."
            )
        return X
    return _sk_check_array(
        X,
        dtype=dtype,
        ensure_2d=ensure_2d,
        allow_nd=allow_nd,
        ensure_all_finite=ensure_all_finite,
        ensure_min_samples=ensure_min_samples,
        ensure_min_features=ensure_min_features,
        copy=copy,
        estimator=estimator,
        input_name=input_name,
    )


#: Where dask input of unknown size was found to have no rows.
EMPTY_INPUT_HINT = "X has no rows (e.g. a filter kept none)."


def no_samples_error(estimator, shape, *, minimum=1, hint=None):
    """scikit-learn's error for input with fewer than ``minimum`` rows (0 by default).

    ``estimator`` is the estimator or its name; ``hint`` is appended (what went wrong or
    what to check).
    """
    name = estimator if isinstance(estimator, str) else type(estimator).__name__
    message = (
        f"Found array with {shape[0]} sample(s) (shape={tuple(shape)}) while a minimum of "
        f"{minimum} is required by {name}."
    )
    return ValueError(message if hint is None else f"{message} {hint}")


def check_n_rows(estimator, n_rows, n_features):
    """Raise :func:`no_samples_error` when a pass found no rows at all (e.g. dask input with
    unknown chunk sizes that turned out empty)."""
    if n_rows < 1:
        raise no_samples_error(estimator, (0, n_features), hint=EMPTY_INPUT_HINT)


def check_input_features(est, input_features=None):
    """The input feature names of ``est``: given ones checked, else fitted, else ``x0..``."""
    fitted = getattr(est, "feature_names_in_", None)
    n = getattr(est, "n_features_in_", None)
    if input_features is not None:
        input_features = np.asarray(input_features, dtype=object)
        if fitted is not None and not np.array_equal(fitted, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if n is not None and len(input_features) != n:
            raise ValueError(
                f"input_features should have length equal to number of features ({n}), "
                f"got {len(input_features)}"
            )
        return input_features
    if fitted is not None:
        return np.asarray(fitted, dtype=object)
    if n is None:
        raise ValueError("Unable to generate feature names without n_features_in_")
    return np.asarray([f"x{i}" for i in range(n)], dtype=object)


def _check_n_features(estimator, n_features, reset):
    if reset:
        estimator.n_features_in_ = n_features
        return
    expected = getattr(estimator, "n_features_in_", None)
    if expected is not None and n_features != expected:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is expecting "
            f"{expected} features as input."
        )


def _check_feature_names(estimator, X, reset):
    names = _feature_names(X)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    cls = type(estimator).__name__
    if fitted is None and names is None:
        return
    if names is not None and fitted is None:
        warnings.warn(
            f"X has feature names, but {cls} was fitted without feature names", UserWarning
        )
        return
    if names is None and fitted is not None:
        warnings.warn(
            f"X does not have valid feature names, but {cls} was fitted with feature names",
            UserWarning,
        )
        return
    if len(names) != len(fitted) or np.any(names != fitted):
        unseen = sorted(set(names) - set(fitted))
        missing = sorted(set(fitted) - set(names))
        msg = "The feature names should match those that were passed during fit.\n"
        if unseen:
            msg += f"Feature names unseen at fit time: {unseen[:10]}\n"
        if missing:
            msg += f"Feature names seen at fit time, yet now missing: {missing[:10]}\n"
        if not unseen and not missing:
            msg += "Feature names must be in the same order as they were in fit.\n"
        raise ValueError(msg)


def check_table(
    estimator,
    X,
    *,
    reset,
    ensure_all_finite="allow-nan",
    ensure_min_samples=1,
    allow_nd=False,
    convert=True,
):
    """Check a 2-D input whose columns may have any dtype, keeping its container kind.

    Sets (``reset``) or checks ``n_features_in_`` and ``feature_names_in_`` from metadata:
    no pass over dask data. For the column-wise estimators (encoders, Categorizer,
    ColumnTransformer, SimpleImputer on strings, BlockTransformer).

    Parameters
    ----------
    estimator : estimator
    X : array-like, pandas DataFrame, dask array or dask DataFrame
    reset : bool
        True in fit.
    ensure_all_finite : bool or "allow-nan", default="allow-nan"
        For other in-memory input than a pandas DataFrame (scikit-learn's check).
    ensure_min_samples : int, default=1
        1 refuses input known to have no rows; 0 accepts it.
    allow_nd : bool, default=False
        Accept dask arrays of more than 2 dimensions.
    convert : bool, default=True
        Pass other in-memory input than a DataFrame through scikit-learn's
        ``check_array(dtype=None)``; with False it is returned as it is.

    Returns
    -------
    kind : {"frame", "array", "memory"}
        A dask DataFrame, a dask array, or in-memory input.
    X : the dask DataFrame or pandas DataFrame as it is; the dask array with one block
        along every axis but the first; other in-memory input checked (or as it is, with
        ``convert=False``).
    """
    if isinstance(X, dd.Series):
        raise _series_error("X")
    if is_dask_frame(X) or is_dask_array(X):
        if is_dask_array(X):
            name = type(estimator).__name__
            _check_dask_2d(X, estimator_name=name, input_name="X", ensure_2d=True, allow_nd=allow_nd)
            X = merge_inner_chunks(X)
        _check_feature_names(estimator, X, reset)
        _check_n_features(estimator, X.shape[1], reset)
        kind = "array" if is_dask_array(X) else "frame"
    else:
        if convert and not isinstance(X, pd.DataFrame):
            X = _sk_check_array(
                X, dtype=None, ensure_all_finite=ensure_all_finite, estimator=estimator
            )
        _sk_validate_data(estimator, X, reset=reset, skip_check_array=True)
        kind = "memory"
    n_rows = X.shape[0] if kind != "frame" and hasattr(X, "shape") else np.nan
    if ensure_min_samples and not np.isnan(n_rows) and n_rows < 1:
        raise no_samples_error(estimator, X.shape)
    return kind, X


def check_y(y, *, y_numeric=False, input_name="y", estimator=None):
    """Validate a target: 1-D (a column vector is raveled with scikit-learn's warning)."""
    if y is None:
        name = type(estimator).__name__ if estimator is not None else "This estimator"
        raise ValueError(
            f"{name} requires y to be passed, but the target y is None."
        )
    if isinstance(y, dd.DataFrame):
        if len(y.columns) != 1:
            raise ValueError(f"{input_name} must be 1-D; got a DataFrame with {len(y.columns)} columns.")
        y = y[y.columns[0]]
    if isinstance(y, dd.Series):
        y = frame_to_dask_array(y)
    if is_dask_array(y):
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change the "
                "shape of y to (n_samples,), for example using ravel().",
                _data_conversion_warning(),
            )
            y = y.rechunk({1: -1})[:, 0]
        if y.ndim != 1:
            raise ValueError(f"{input_name} must be 1-D, got shape {y.shape}.")
        if y.dtype.kind == "c":
            raise ValueError(
                f"Complex data not supported: {input_name} has dtype {y.dtype}. Pass its real "
                f"part ({input_name}.real) or its magnitude (abs({input_name})) if that is meant."
            )
        if y_numeric and y.dtype.kind == "O":
            y = y.astype(np.float64)
        return y
    from sklearn.utils.validation import column_or_1d

    y = column_or_1d(y, warn=True)
    if y_numeric and y.dtype.kind == "O":
        y = y.astype(np.float64)
    return y


def _data_conversion_warning():
    from sklearn.exceptions import DataConversionWarning

    return DataConversionWarning


def check_consistent_rows(X, y, *, names=("X", "y")):
    """Align ``y`` (dask) with ``X``'s row chunks; raise if lengths differ (metadata only)."""
    if not is_dask_array(X):
        return y
    if not is_dask_array(y):
        y = np.asarray(y)
        X_chunks = X.chunks[0]
        if any(np.isnan(c) for c in X_chunks):
            raise ValueError(
                f"{names[1]} is in memory but {names[0]} is a dask array with unknown chunk "
                f"sizes, so their rows cannot be matched. Pass {names[1]} as a dask "
                f"array/Series partitioned like {names[0]} (e.g. from the same DataFrame), or "
                f"call {names[0]} = {names[0]}.compute_chunk_sizes() first."
            )
        if y.shape[0] != X.shape[0]:
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: "
                f"[{X.shape[0]}, {y.shape[0]}]"
            )
        return da.from_array(y, chunks=(X_chunks,) + y.shape[1:])
    nx, ny = X.shape[0], y.shape[0]
    if not np.isnan(nx) and not np.isnan(ny) and nx != ny:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: [{nx}, {ny}]"
        )
    if y.chunks[0] == X.chunks[0]:
        return y
    x_known = not any(np.isnan(c) for c in X.chunks[0])
    y_known = not any(np.isnan(c) for c in y.chunks[0])
    if x_known and y_known:
        return y.rechunk({0: X.chunks[0]})
    if len(X.chunks[0]) == len(y.chunks[0]):
        # Unknown sizes: assumed partitioned alike; each block is checked when it is read.
        return y
    if x_known:
        # only y's block lengths are unknown (e.g. a dask Series): a pass over y alone
        # finds them, then y is split as X is
        y = ensure_known_chunks(y)
        if y.shape[0] != nx:
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: [{nx}, {y.shape[0]}]"
            )
        return y.rechunk({0: X.chunks[0]})
    raise ValueError(
        f"{names[0]} and {names[1]} have unknown chunk sizes and different numbers of blocks "
        f"({len(X.chunks[0])} vs {len(y.chunks[0])}). Build them from the same DataFrame, or "
        "call .compute_chunk_sizes() on both."
    )


def check_sample_weight(sample_weight, X, *, dtype=None, only_non_negative=True):
    """Return sample weights shaped like ``X``'s rows: NumPy for NumPy ``X``, dask for dask.

    ``None`` gives unit weights (lazy ``ones`` for dask input); a scalar gives a constant.
    """
    dtype = np.dtype(dtype or getattr(X, "dtype", np.float64))
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    if is_dask_array(X):
        if sample_weight is None or isinstance(sample_weight, numbers.Number):
            value = 1.0 if sample_weight is None else float(sample_weight)
            if any(np.isnan(c) for c in X.chunks[0]):
                return X[:, 0].map_blocks(
                    lambda b: np.full(b.shape[0], value, dtype=dtype), dtype=dtype
                ) if X.ndim == 2 else X.map_blocks(
                    lambda b: np.full(b.shape[0], value, dtype=dtype), dtype=dtype
                )
            return da.full(X.shape[0], value, chunks=(X.chunks[0],), dtype=dtype)
        sw = sample_weight
        if is_dask_frame(sw):
            sw = check_y(sw, input_name="sample_weight")
        if not is_dask_array(sw):
            sw = np.asarray(sw, dtype=dtype)
            if sw.ndim != 1:
                raise ValueError(f"sample_weight must be 1-D, got shape {sw.shape}.")
        elif sw.ndim != 1:
            raise ValueError(f"sample_weight must be 1-D, got shape {sw.shape}.")
        sw = check_consistent_rows(X, sw, names=("X", "sample_weight"))
        if only_non_negative:
            sw = sw.map_blocks(_check_weights_block, dtype=dtype)
        return sw.astype(dtype)
    n = X.shape[0]
    if sample_weight is None:
        return np.ones(n, dtype=dtype)
    if isinstance(sample_weight, numbers.Number):
        return np.full(n, float(sample_weight), dtype=dtype)
    sw = _sk_check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight", order="C"
    )
    if sw.ndim != 1:
        raise ValueError(f"Sample weights must be 1D array or scalar, got shape {sw.shape}.")
    if sw.shape != (n,):
        raise ValueError(f"sample_weight.shape == {sw.shape}, expected {(n,)}!")
    if only_non_negative:
        _check_weights_block(sw)
    return sw


def _check_weights_block(sw):
    reject_nonfinite(sw, "sample_weight")
    if sw.size and (sw < 0).any():
        raise ValueError("Negative values in data passed to `sample_weight`.")
    return sw


def _in_memory_x_for_dask_y(X, y, estimator, dtype):
    """NumPy/pandas ``X`` as a dask array with the row blocks of the dask target ``y``.

    ``y``'s block lengths are needed to split ``X`` alike; where they are unknown (a dask
    Series, a filtered array) they are computed, a pass over ``y`` alone.
    """
    X = _sk_check_array(
        X, dtype=dtype, ensure_all_finite=False, ensure_min_samples=0, estimator=estimator
    )
    yt = y
    if isinstance(yt, dd.DataFrame) and len(yt.columns) == 1:
        yt = yt[yt.columns[0]]
    if is_dask_frame(yt):
        yt = frame_to_dask_array(yt)
    yt = ensure_known_chunks(yt)
    if yt.shape[0] != X.shape[0]:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{X.shape[0]}, {yt.shape[0]}]"
        )
    return da.from_array(X, chunks=(yt.chunks[0],) + X.shape[1:])


def validate_data(
    estimator,
    X="no_validation",
    y="no_validation",
    *,
    reset=True,
    dtype=FLOAT_DTYPES,
    ensure_2d=True,
    ensure_all_finite=True,
    ensure_min_samples=1,
    y_numeric=False,
    multi_output=False,
    copy=False,
    sample_weight="no_validation",
    **check_params,
):
    """Validate ``X`` (and ``y``) and set or check ``n_features_in_``/``feature_names_in_``.

    NumPy/pandas input is delegated to :func:`sklearn.utils.validation.validate_data`; dask
    input is checked lazily with the same messages.

    ``sample_weight``, when passed (None included), is validated with
    :func:`check_sample_weight` and returned as well; dask frames ``X``, ``y`` and
    ``sample_weight`` of one fit are converted from one graph (:func:`frames_to_dask_arrays`).

    Returns
    -------
    X, or (X, y) when ``y`` is given, or (X, y, sample_weight) when ``sample_weight`` is
    passed. Dask input returns dask arrays (row chunks of ``y`` aligned with ``X``).
    """
    with_weights = not (isinstance(sample_weight, str) and sample_weight == "no_validation")
    if not with_weights:
        sample_weight = None
    elif isinstance(y, str) and y == "no_validation":
        raise TypeError("internal: validate_data returns sample_weight only with y")
    no_x = isinstance(X, str) and X == "no_validation"
    no_y = y is None or (isinstance(y, str) and y == "no_validation")
    dask_in = (not no_x and is_dask_collection(X)) or (not no_y and is_dask_collection(y))
    if not dask_in:
        kwargs = dict(
            reset=reset,
            dtype=dtype,
            ensure_2d=ensure_2d,
            ensure_all_finite=ensure_all_finite,
            ensure_min_samples=ensure_min_samples,
            copy=copy,
            **check_params,
        )
        if not no_y:
            kwargs.update(y_numeric=y_numeric, multi_output=multi_output)
        try:
            out = _sk_validate_data(estimator, X, y, **kwargs)
        except ValueError as exc:
            # scikit-learn's "could not convert string to float" does not say which column
            # or what to do: for a pandas frame with category/string columns, say both
            message = (
                non_numeric_message(X)
                if isinstance(X, pd.DataFrame) and dtype is not None and dtype is not object
                else None
            )
            if message is None:
                raise
            raise ValueError(message) from exc
        return (*out, _weights_or_none(sample_weight, out[0])) if with_weights else out
    if no_x:
        raise ValueError("validate_data needs X with dask input")
    _check_feature_names(estimator, X, reset)
    if not is_dask_collection(X):
        X = _in_memory_x_for_dask_y(X, y, estimator, dtype)
    if isinstance(X, dd.DataFrame) and not no_y and is_dask_frame(y):
        # X and y of one frame: one task per partition feeds both (see frames_to_dask_arrays)
        message = non_numeric_message(X)
        if message:
            raise ValueError(message)
        if isinstance(y, dd.DataFrame) and len(y.columns) == 1:
            y = y[y.columns[0]]
        # (a scaler's output is read from its source instead: the fit folds the map in)
        if isinstance(y, dd.Series) and not has_affine_record(X):
            weights = sample_weight if is_dask_frame(sample_weight) else None
            X, y, weights = frames_to_dask_arrays(X, y, weights)
            if weights is not None:
                sample_weight = weights
    Xa = check_array(
        X,
        dtype=dtype,
        ensure_2d=ensure_2d,
        ensure_all_finite=ensure_all_finite,
        ensure_min_samples=ensure_min_samples,
        estimator=estimator,
    )
    if Xa.ndim == 2:
        _check_n_features(estimator, Xa.shape[1], reset)
    if no_y:
        if y is None and estimator.__sklearn_tags__().target_tags.required:
            check_y(None, estimator=estimator)
        return Xa
    if multi_output and is_dask_array(y) and y.ndim == 2:
        ya = y
    else:
        ya = check_y(y, y_numeric=y_numeric, estimator=estimator)
    ya = check_consistent_rows(Xa, ya)
    if with_weights:
        return Xa, ya, _weights_or_none(sample_weight, Xa)
    return Xa, ya


def _weights_or_none(sample_weight, X):
    if sample_weight is None:
        return None
    return check_sample_weight(sample_weight, X, dtype=np.float64)
