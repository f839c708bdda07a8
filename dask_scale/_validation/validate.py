""":func:`validate_data`: the estimators' entry point for ``X``, ``y`` and ``sample_weight``.

In-memory input goes to scikit-learn's ``validate_data``; dask input is checked lazily
with the same messages, and the dask frames of one fit are converted from one graph.
"""

from __future__ import annotations

import functools

import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data as _sk_validate_data

from .._graph.affine import has_affine_record
from .._types import is_dask_array, is_dask_collection, is_dask_frame
from .arrays import FLOAT_DTYPES, check_array, densify_accepted_sparse, reraise_sparse_error
from .features import _check_feature_names, _check_n_features, reraise_feature_names_error
from .frames import frames_to_dask_arrays, non_numeric_message
from .targets import _in_memory_x_for_dask_y, check_consistent_rows, check_sample_weight, check_y

__all__ = ["validate_data"]


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
    weight_dtype=np.float64,
    only_non_negative=True,
    **check_params,
):
    """Validate ``X`` (and ``y``) and set or check ``n_features_in_``/``feature_names_in_``.

    NumPy/pandas input is delegated to :func:`sklearn.utils.validation.validate_data`; dask
    input is checked lazily with the same messages. In-memory sparse ``X`` is densified
    when the estimator's tags accept sparse input, after the estimator's own refusal of it
    (``_sparse_input_error``), if any (:func:`densify_accepted_sparse`).

    ``sample_weight``, when passed (None included), is validated with
    :func:`check_sample_weight` (``weight_dtype``, None for ``X``'s dtype, and
    ``only_non_negative`` are its options) and returned as well; dask frames ``X``, ``y``
    and ``sample_weight`` of one fit are converted from one graph
    (:func:`frames_to_dask_arrays`), with or without ``y``.

    Returns
    -------
    X, or (X, y) when ``y`` is given, or (X, sample_weight) / (X, y, sample_weight) when
    ``sample_weight`` is passed. Dask input returns dask arrays (row chunks of ``y`` and of
    the weights aligned with ``X``).
    """
    with_weights = not (isinstance(sample_weight, str) and sample_weight == "no_validation")
    if not with_weights:
        sample_weight = None
    weights = functools.partial(
        _weights_or_none, dtype=weight_dtype, only_non_negative=only_non_negative
    )
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
        if not no_x:
            X = densify_accepted_sparse(X, estimator)
        try:
            out = _sk_validate_data(estimator, X, y, **kwargs)
        except TypeError as exc:
            reraise_sparse_error(exc)
            raise
        except ValueError as exc:
            reraise_feature_names_error(exc, estimator, X)
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
        if not with_weights:
            return out
        return (*out, weights(sample_weight, out[0])) if not no_y else (out, weights(sample_weight, out))
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
        if not multi_output and isinstance(y, dd.DataFrame) and len(y.columns) == 1:
            y = y[y.columns[0]]  # as check_y would (a multi-output y keeps its column)
        # (a scaler's output is read from its source instead: the fit folds the map in)
        if isinstance(y, dd.Series) and not has_affine_record(X):
            frame_weights = sample_weight if is_dask_frame(sample_weight) else None
            X, y, frame_weights = frames_to_dask_arrays(X, y, frame_weights)
            if frame_weights is not None:
                sample_weight = frame_weights
    elif (
        isinstance(X, dd.DataFrame) and no_y and is_dask_frame(sample_weight)
        and not has_affine_record(X)
    ):
        # X and the weights of one frame (no y): one task per partition feeds both
        message = non_numeric_message(X)
        if message:
            raise ValueError(message)
        X, sample_weight = frames_to_dask_arrays(X, sample_weight)
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
        return (Xa, weights(sample_weight, Xa)) if with_weights else Xa
    if multi_output and is_dask_array(y) and y.ndim == 2:
        ya = y
    else:
        ya = check_y(y, y_numeric=y_numeric, estimator=estimator)
    ya = check_consistent_rows(Xa, ya)
    if with_weights:
        return Xa, ya, weights(sample_weight, Xa)
    return Xa, ya


def _weights_or_none(sample_weight, X, *, dtype, only_non_negative):
    if sample_weight is None:
        return None
    return check_sample_weight(
        sample_weight, X, dtype=dtype, only_non_negative=only_non_negative
    )
