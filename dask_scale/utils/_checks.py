"""Input checks of ``dask_ml.utils``: :func:`check_array`, :func:`check_X_y`,
:func:`check_chunks`, :func:`check_consistent_length`, :func:`check_matching_blocks`,
:func:`slice_columns`, :func:`is_frame_base`.

They go through :mod:`dask_scale._validation` (dtype, dimensions, sample and feature counts,
the messages) and never force a pass over dask data: what can only be seen in the values
(NaN, infinity, negative values) is checked in each block when it is computed.
"""

from __future__ import annotations

import numbers
import os
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils.validation import _num_samples

from .._graph.reduction import reject_nonfinite
from .._types import is_dask_array, is_dask_frame
from .._validation import check_array as _check_array
from .._validation import check_y, inconsistent_lengths_error, non_numeric_message
from .._validation.arrays import _check_dask_params

__all__ = [
    "check_X_y",
    "check_array",
    "check_chunks",
    "check_consistent_length",
    "check_matching_blocks",
    "is_frame_base",
    "slice_columns",
]

UNKNOWN_CHUNKS_MESSAGE = (
    "Cannot operate on Dask array with unknown chunk sizes. Use the following the compute "
    "chunk sizes:\n\n"
    "   >>> X.compute_chunk_sizes()  # if Dask.Array\n"
    "   >>> ddf.to_dask_array(lengths=True)  # if Dask.Dataframe\n\n"
    "or pass accept_unknown_chunks=True."
)

MULTIPLE_BLOCKS_MESSAGE = (
    "Chunking is only allowed on the first axis. Use 'array.rechunk({1: array.shape[1]})' to "
    "rechunk to a single block along the second axis, or pass accept_multiple_blocks=True."
)

DATAFRAME_MESSAGE = (
    "This estimator does not support dask dataframes. This might be resolved with one of\n\n"
    "    1. ddf.to_dask_array(lengths=True)\n"
    "    2. ddf.to_dask_array()  # may cause other issues because of unknown chunk sizes\n\n"
    "or pass accept_dask_dataframe=True."
)


def _check_values(block, input_name, finite, non_negative):
    """The value checks of one block (NumPy array or pandas frame), which it returns."""
    values = block.to_numpy() if isinstance(block, (pd.DataFrame, pd.Series)) else block
    values = np.asarray(values) if not hasattr(values, "dtype") else values
    if finite and isinstance(values, np.ndarray):
        reject_nonfinite(values, input_name, allow_nan=finite == "allow-nan")
    if non_negative and values.size and values.dtype.kind in "biuf" and np.nanmin(values) < 0:
        raise ValueError(f"Negative values in data passed to {input_name}.")
    return block


def check_array(
    array,
    *args,
    accept_dask_array=True,
    accept_dask_dataframe=False,
    accept_unknown_chunks=False,
    accept_multiple_blocks=False,
    preserve_pandas_dataframe=False,
    remove_zero_chunks=True,
    **kwargs,
):
    """Validate an input array, lazily for dask input, as ``dask_ml.utils.check_array``.

    NumPy, lists and sparse matrices are checked by scikit-learn's
    :func:`sklearn.utils.check_array` (``*args`` and ``**kwargs`` are its arguments). A dask
    array is checked from its metadata (dimensions, dtype, sample and feature counts, with
    scikit-learn's messages) and comes back as a dask array; the checks of its values
    (``ensure_all_finite``, ``ensure_non_negative``) are attached to every block and raise
    when the block is computed, so no pass over the data is forced.

    Parameters
    ----------
    array : array-like, sparse matrix, pandas DataFrame, dask array or dask DataFrame
        The input to check.
    *args
        Positional arguments of :func:`sklearn.utils.check_array` after ``array``
        (``accept_sparse``).
    accept_dask_array : bool, default=True
        False refuses dask arrays (TypeError).
    accept_dask_dataframe : bool, default=False
        False refuses dask DataFrames (TypeError that says how to convert them); True checks
        their metadata (dimensions, numeric columns, feature count) and returns them as they
        are, with the value checks attached to each partition.
    accept_unknown_chunks : bool, default=False
        For dask arrays, whether row chunks of unknown size (NaN, e.g. after filtering) are
        accepted; False raises TypeError saying how to compute them.
    accept_multiple_blocks : bool, default=False
        For dask arrays, whether several blocks along the second axis are accepted; False
        raises TypeError. Accepted blocks are merged into one per row block (the values are
        unchanged).
    preserve_pandas_dataframe : bool, default=False
        Return a pandas DataFrame as it is (after scikit-learn's checks) rather than as the
        NumPy array scikit-learn's check makes of it.
    remove_zero_chunks : bool, default=True
        Drop the row blocks of length 0 of a dask array with known chunk sizes.
    **kwargs
        Keyword arguments of :func:`sklearn.utils.check_array`: ``dtype`` (default
        ``"numeric"``), ``ensure_2d``, ``allow_nd``, ``ensure_all_finite``,
        ``ensure_non_negative``, ``ensure_min_samples``, ``ensure_min_features``, ``copy``,
        ``estimator``, ``input_name``, and for in-memory input ``order``,
        ``accept_large_sparse``, ``force_writeable``. ``force_all_finite`` (the name older
        scikit-learn and dask-ml code passes) is read as ``ensure_all_finite``, with a
        FutureWarning.

    Returns
    -------
    array : ndarray, sparse matrix, pandas DataFrame, dask array or dask DataFrame
        The checked input: the same kind of collection for dask input, scikit-learn's
        result for in-memory input.

    Raises
    ------
    TypeError
        For a kind of input or chunking that the ``accept_*`` arguments refuse.
    ValueError
        For input that scikit-learn's check refuses (with its messages).
    """
    if len(args) > 1:
        raise TypeError(
            "check_array() takes at most one positional argument after the array "
            f"(accept_sparse), got {len(args)}."
        )
    if args:
        if "accept_sparse" in kwargs:
            raise TypeError("check_array() got multiple values for argument 'accept_sparse'")
        kwargs["accept_sparse"] = args[0]
    if "force_all_finite" in kwargs:
        if "ensure_all_finite" in kwargs:
            raise TypeError("pass ensure_all_finite only (force_all_finite is its old name)")
        warnings.warn(
            "force_all_finite was renamed ensure_all_finite in scikit-learn 1.6; pass "
            "ensure_all_finite instead.",
            FutureWarning,
            stacklevel=2,
        )
        kwargs["ensure_all_finite"] = kwargs.pop("force_all_finite")
    kwargs.setdefault("dtype", "numeric")
    input_name = kwargs.get("input_name", "X") or "X"
    if is_dask_array(array):
        if not accept_dask_array:
            raise TypeError(
                "A dask array was passed where it is not accepted (accept_dask_array=False); "
                "compute it first or pass accept_dask_array=True."
            )
        if not accept_unknown_chunks and any(np.isnan(c) for c in array.chunks[0]):
            raise TypeError(UNKNOWN_CHUNKS_MESSAGE)
        if not accept_multiple_blocks and array.ndim > 1 and len(array.chunks[1]) > 1:
            raise TypeError(MULTIPLE_BLOCKS_MESSAGE)
        return _check_dask_array(array, remove_zero_chunks, input_name, kwargs)
    if is_dask_frame(array):
        if not accept_dask_dataframe:
            raise TypeError(DATAFRAME_MESSAGE)
        return _check_dask_frame(array, input_name, kwargs)
    kwargs.setdefault("input_name", "")
    if isinstance(array, pd.DataFrame) and preserve_pandas_dataframe:
        _check_array(array, **kwargs)
        return array
    return _check_array(array, **kwargs)


_DASK_OPTIONS = (
    "accept_dask_array",
    "accept_dask_dataframe",
    "accept_unknown_chunks",
    "remove_zero_chunks",
)


def check_X_y(X, y, accept_sparse=False, *, multi_output=False, y_numeric=False, **kwargs):
    """Validate ``X`` and ``y`` together, lazily for dask input, as ``dask_ml.utils.check_X_y``.

    scikit-learn's :func:`sklearn.utils.check_X_y` for NumPy, pandas and sparse input: ``X``
    is checked by :func:`check_array` (2-D, finite, numeric by default), ``y`` must be 1-D
    (a column vector is raveled with scikit-learn's ``DataConversionWarning``) and finite,
    or with ``multi_output=True`` 1-D or 2-D, and both must have the same number of rows.
    Dask input is checked from its metadata: the value checks (NaN, infinity) are attached
    to every block and raise when it is computed, and row counts are compared where they
    are known (see :func:`check_consistent_length`).

    Parameters
    ----------
    X : array-like, sparse matrix, pandas DataFrame, dask array or dask DataFrame
        The samples.
    y : array-like, pandas Series, dask array or dask Series
        The target. None raises scikit-learn's "requires y to be passed" error.
    accept_sparse : str, bool or list of str, default=False
        Sparse formats accepted for ``X`` (as :func:`sklearn.utils.check_array`).
    multi_output : bool, default=False
        Accept a 2-D ``y`` (several targets); its values are checked as ``X``'s, without a
        dtype conversion.
    y_numeric : bool, default=False
        Convert an object ``y`` to float64 (for regressors).
    **kwargs
        Further arguments of :func:`check_array` for ``X`` (``dtype``, ``ensure_all_finite``,
        ``ensure_2d``, ``allow_nd``, ``ensure_min_samples``, ``ensure_min_features``,
        ``copy``, ``order``, ``accept_large_sparse``, ``estimator``, and the dask options
        ``accept_dask_array``, ``accept_dask_dataframe``, ``accept_unknown_chunks``,
        ``accept_multiple_blocks``, ``remove_zero_chunks``). The dask options that concern
        rows (all but ``accept_multiple_blocks``) apply to ``y`` too.

    Returns
    -------
    X_converted : ndarray, sparse matrix, dask array or dask DataFrame
        ``X`` as :func:`check_array` returns it.
    y_converted : ndarray, dask array or dask Series
        ``y`` checked: NumPy for in-memory input, lazy and of the same kind for dask input
        (a dask Series is accepted with ``accept_dask_dataframe=True`` and returned as a
        dask Series).

    Raises
    ------
    ValueError
        For ``y=None``, a ``y`` of the wrong dimension, non-finite values (for dask input:
        when the block is computed) or different known numbers of rows.
    TypeError
        For dask input that the dask options refuse (see :func:`check_array`).
    """
    estimator = kwargs.get("estimator")
    if y is None:
        if estimator is None:
            name = "estimator"
        elif isinstance(estimator, str):
            name = estimator
        else:
            name = type(estimator).__name__
        raise ValueError(f"{name} requires y to be passed, but the target y is None")
    X = check_array(X, accept_sparse, **kwargs)
    y_options = {k: kwargs[k] for k in _DASK_OPTIONS if k in kwargs}
    y_options["estimator"] = estimator
    if multi_output:
        y = check_array(
            y, "csr", ensure_2d=False, dtype=None, input_name="y", accept_multiple_blocks=True,
            **y_options,
        )
        if y_numeric and getattr(y, "dtype", None) is not None and y.dtype.kind == "O":
            y = y.astype(np.float64)
    else:
        if is_dask_frame(y) and not kwargs.get("accept_dask_dataframe", False):
            raise TypeError(DATAFRAME_MESSAGE)
        frame_y = is_dask_frame(y) and y.ndim == 1
        if not frame_y:
            y = check_y(y, y_numeric=y_numeric, estimator=estimator)
        elif y_numeric and y.dtype.kind == "O":
            y = y.astype(np.float64)
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y", **y_options)
    check_consistent_length(X, y)
    return X, y


def is_frame_base(inst):
    """Whether ``inst`` is a dask DataFrame or Series, as ``dask_ml.utils.is_frame_base``.

    Parameters
    ----------
    inst : object

    Returns
    -------
    bool
        True for a dask DataFrame or dask Series; False for anything else, pandas objects
        included (dask-ml's helper tells dask collections apart from in-memory ones).
    """
    return is_dask_frame(inst)


def _value_checks(kwargs):
    finite = kwargs.pop("ensure_all_finite", True)
    non_negative = kwargs.pop("ensure_non_negative", False)
    return finite, non_negative


def _check_dask_array(array, remove_zero_chunks, input_name, kwargs):
    finite, non_negative = _value_checks(kwargs)
    kwargs.pop("copy", None)  # dask blocks are never modified in place: nothing to copy
    kwargs.setdefault("input_name", input_name)
    X = _check_array(array, **kwargs)
    rows = X.chunks[0]
    if remove_zero_chunks and 0 in rows and not any(np.isnan(c) for c in rows):
        kept = tuple(c for c in rows if c) or (0,)
        X = X.rechunk({0: kept})
    if finite or non_negative:
        X = X.map_blocks(
            _check_values, input_name, finite, non_negative, dtype=X.dtype, meta=X._meta
        )
    return X


# keyword arguments the dask DataFrame check applies itself (the others go through the one
# check of in-memory-only options, which refuses a non-default value)
_FRAME_HANDLED = (
    "dtype", "ensure_2d", "allow_nd", "ensure_min_features", "ensure_min_samples",
    "input_name", "estimator", "copy",
)


def _check_dask_frame(frame, input_name, kwargs):
    finite, non_negative = _value_checks(kwargs)
    _check_dask_params({k: v for k, v in kwargs.items() if k not in _FRAME_HANDLED})
    if kwargs.get("ensure_min_samples", 1) > 1:
        raise TypeError(
            f"check_array(ensure_min_samples={kwargs['ensure_min_samples']}) cannot be "
            "checked lazily on a dask DataFrame (its length is unknown until computed); "
            "check len(df) where you need it, or leave ensure_min_samples at its default."
        )
    ensure_2d = kwargs.get("ensure_2d", True)
    if ensure_2d and frame.ndim == 1:
        raise ValueError(
            f"Expected a 2D input for {input_name}, got a dask Series. Use "
            f"{input_name}.to_frame() if it is a single feature."
        )
    dtype = kwargs.get("dtype", "numeric")
    if dtype is not None and dtype is not object:
        message = non_numeric_message(frame, input_name)
        if message:
            raise ValueError(message)
    min_features = kwargs.get("ensure_min_features", 1)
    if frame.ndim == 2 and min_features and len(frame.columns) < min_features:
        raise ValueError(
            f"Found array with {len(frame.columns)} feature(s) (shape=(?, "
            f"{len(frame.columns)})) while a minimum of {min_features} is required."
        )
    if dtype not in (None, "numeric", object):
        wanted = [np.dtype(d) for d in dtype] if isinstance(dtype, (list, tuple)) else [
            np.dtype(dtype)
        ]
        dtypes = frame.dtypes if frame.ndim == 2 else pd.Series([frame.dtype])
        if not all(np.dtype(d) in wanted for d in dtypes):
            # as scikit-learn: the first dtype of the list (the dtype itself) for every column
            frame = frame.astype(wanted[0])
    if finite or non_negative:
        frame = frame.map_partitions(
            _check_values, input_name, finite, non_negative, meta=frame._meta
        )
    return frame


def check_chunks(n_samples, n_features, chunks=None):
    """Validate and normalise the ``chunks`` argument of a 2-D dask array.

    Parameters
    ----------
    n_samples, n_features : int
        The shape of the array.
    chunks : None, int or sequence of length 2, default=None
        - None: one row block per CPU core (rows split evenly, at least 100 a block) and a
          single block along the second axis.
        - int: that many row blocks (of at least 100 rows) and a single column block.
        - a sequence of two entries: returned as a tuple.

    Returns
    -------
    chunks : tuple
        ``(rows per block, n_features)``, or the given pair.

    Raises
    ------
    ValueError
        For a sequence whose length is not 2, a number of blocks below 1, or another type.

    Notes
    -----
    Here an int is a *number of blocks*, as dask-ml defines this helper; in
    :mod:`dask.array` and in :mod:`dask_scale.datasets`, ``chunks=int`` is a number of rows
    per block.
    """
    if chunks is None:
        chunks = (max(100, n_samples // (os.cpu_count() or 1)), n_features)
    elif isinstance(chunks, numbers.Integral) and not isinstance(chunks, bool):
        if chunks < 1:
            raise ValueError(f"chunks as an int is a number of blocks (>= 1), got {chunks}.")
        chunks = (max(100, n_samples // int(chunks)), n_features)
    elif isinstance(chunks, Sequence) and not isinstance(chunks, str):
        chunks = tuple(chunks)
        if len(chunks) != 2:
            raise ValueError(f"Chunks should be a 2-tuple, got {chunks!r}.")
    else:
        raise ValueError(f"Unknown type of chunks: '{type(chunks)}'")
    return chunks


def _length(x):
    """Rows of ``x`` known without computing anything (NaN when they are not)."""
    if is_dask_frame(x):
        return np.nan
    if is_dask_array(x):
        if x.ndim == 0:
            raise TypeError(f"Singleton array {x!r} cannot be considered a valid collection.")
        return x.shape[0]
    return _num_samples(x)


def check_consistent_length(*arrays):
    """Check that all inputs have the same number of rows, from metadata.

    scikit-learn's :func:`sklearn.utils.check_consistent_length` with dask input: the rows
    of a dask array with known chunk sizes are compared; a dask DataFrame or an array with
    unknown chunk sizes is not read to count them (they are compared where the data is read,
    e.g. in ``fit``). ``None`` entries are skipped.

    Parameters
    ----------
    *arrays : array-likes, dask arrays, dask DataFrames/Series or None

    Raises
    ------
    ValueError
        "Found input variables with inconsistent numbers of samples: [...]" (scikit-learn's
        message) where known lengths differ.
    """
    lengths = [_length(x) for x in arrays if x is not None]
    known = [n for n in lengths if not np.isnan(n)]
    if len(set(known)) > 1:
        raise inconsistent_lengths_error(known)


def _row_structure(x):
    if is_dask_array(x):
        return "chunks", x.chunks[0]
    if is_dask_frame(x):
        return "divisions", x.divisions
    raise ValueError(f"Unexpected types {{{type(x)}}}: expected dask arrays, DataFrames or Series.")


def _same_chunks(a, b):
    return len(a) == len(b) and all(
        (np.isnan(x) and np.isnan(y)) or x == y for x, y in zip(a, b, strict=True)
    )


def check_matching_blocks(*arrays):
    """Check that dask collections are partitioned alike along their rows.

    Parameters
    ----------
    *arrays : dask arrays, or dask DataFrames and Series
        Dask arrays are compared by their row chunks (unknown sizes, NaN, match only NaN at
        the same position); DataFrames and Series by their divisions.

    Raises
    ------
    ValueError
        "Mismatched chunks. ... != ..." or "Mismatched divisions. ... != ...", or
        "Unexpected types" for other input or a mix of arrays and frames.
    """
    if len(arrays) <= 1:
        return
    structures = [_row_structure(x) for x in arrays]
    kinds = {kind for kind, _ in structures}
    if len(kinds) > 1:
        raise ValueError(
            f"Unexpected types {sorted({type(x).__name__ for x in arrays})}: pass dask arrays "
            "only, or dask DataFrames/Series only."
        )
    kind, first = structures[0]
    for _, other in structures[1:]:
        same = _same_chunks(first, other) if kind == "chunks" else tuple(first) == tuple(other)
        if not same:
            raise ValueError(f"Mismatched {kind}. {first} != {other}")


def slice_columns(X, columns):
    """The columns ``columns`` of ``X``.

    Parameters
    ----------
    X : pandas or dask DataFrame, ndarray or dask array
    columns : list of labels (DataFrames), list of int (arrays) or None
        None selects all columns.

    Returns
    -------
    The selection, of ``X``'s kind (lazy for dask input). A DataFrame is selected by column
    labels, an array by column positions.
    """
    if columns is None:
        return X[list(X.columns)] if isinstance(X, pd.DataFrame) or is_dask_frame(X) else X
    if isinstance(X, pd.DataFrame) or (is_dask_frame(X) and X.ndim == 2):
        return X[list(columns)]
    if isinstance(X, np.ndarray) or is_dask_array(X):
        positions = list(columns) if not isinstance(columns, slice) else columns
        if not isinstance(positions, slice) and not all(
            isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in positions
        ):
            raise TypeError(
                f"columns of an array are integer positions, got {columns!r}; name columns "
                "by label on a DataFrame."
            )
        if X.ndim != 2:
            raise ValueError(f"slice_columns needs a 2-D array, got shape {X.shape}.")
        return X[:, positions]
    raise TypeError(f"slice_columns: unexpected type {type(X).__name__}.")
