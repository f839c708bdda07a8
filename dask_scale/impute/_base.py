"""SimpleImputer: fill missing values with per-column statistics, equal to scikit-learn's."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.impute import MissingIndicator
from sklearn.utils._param_validation import MissingValues, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn.utils.validation import validate_data as _sk_validate_data

from .._columns import column_dtype, map_blocks_2d
from .._graph import map_rows
from .._set_output import TransformerMixin
from .._validation import (
    FLOAT_DTYPES,
    check_array,
    check_input_features,
    check_n_rows,
    check_table,
    densify_accepted_sparse,
    is_dask_array,
    is_dask_collection,
    is_dask_frame,
    non_numeric_message,
    reraise_feature_names_error,
    validate_data,
)
from ._stats import (
    check_block,
    exact_medians,
    masked_means,
    missing_mask,
    present_value_counts,
    smallest_most_frequent,
)

__all__ = ["SimpleImputer"]

def _is_nan_like(value):
    if value is pd.NA:
        return True
    return bool(isinstance(value, numbers.Real) and np.isnan(value))


def _impute_numeric_block(X, fill, valid, missing_values, nan_missing, indicator, check):
    """Fill the missing entries of a NumPy block; drop invalid columns; add indicators."""
    if check:
        check_block(X, nan_missing)
    mask = missing_mask(X, missing_values, nan_missing)
    if valid is not None:
        out = X[:, valid]
        out_mask = mask[:, valid]
    else:
        out = X
        out_mask = mask
    np.copyto(out, np.broadcast_to(fill, out.shape), where=out_mask)
    if indicator is not None:
        return np.hstack([out, mask[:, indicator]])
    return out


def _impute_object_block(columns, fill, valid, missing_values, nan_missing, indicator):
    n = columns[0].shape[0] if columns else 0
    X = np.empty((n, len(columns)), dtype=object)
    for j, col in enumerate(columns):
        X[:, j] = col
    mask = missing_mask(X, missing_values, nan_missing)
    out = X[:, valid] if valid is not None else X
    out_mask = mask[:, valid] if valid is not None else mask
    np.copyto(out, np.broadcast_to(fill, out.shape), where=out_mask)
    if indicator is not None:
        return np.hstack([out, mask[:, indicator]])
    return out


def _output_dtype(dtype, fill):
    """The dtype of an imputed DataFrame column of input dtype ``dtype`` filled with ``fill``.

    A string column (pandas ``str``/``string``, or a categorical of them) filled with a
    string keeps that string dtype; a numeric column filled with a number keeps a numeric
    dtype (the normalised one, widened to hold ``fill``); anything else is object.
    """
    if isinstance(dtype, pd.CategoricalDtype) and dtype.categories is not None:
        cats = dtype.categories.dtype
        dtype = cats if isinstance(cats, pd.StringDtype) else dtype
    if isinstance(dtype, pd.StringDtype):
        return dtype if isinstance(fill, str) else np.dtype(object)
    numeric = column_dtype(dtype)
    if numeric.kind in "biuf" and isinstance(fill, numbers.Real) and not isinstance(fill, str):
        return np.result_type(numeric, fill)
    return np.dtype(object)


class SimpleImputer(TransformerMixin, BaseEstimator):
    """Replace missing values with a per-column statistic (or a constant).

    The statistics equal scikit-learn's on the same data, for NumPy, pandas, dask arrays
    and dask DataFrames:

    - ``"mean"``: per-column sum and count of the present values in one pass (to rounding:
      the sums are accumulated in float64 block by block);
    - ``"median"``: the exact median (the mean of the two middle values, as
      ``numpy.ma.median``). A median needs order, which one pass cannot give exactly
      with bounded memory: the present values are counted in a first pass, then the
      wanted ranks are narrowed down over the values' order-preserving integer keys (about
      3 passes for most data, at most 9), holding ``O(n_features * 4096)`` numbers;
    - ``"most_frequent"``: exact counts of the distinct values of every column (one pass;
      memory grows with the number of distinct values, so this is for discrete data);
      ties go to the smallest value;
    - ``"constant"``: ``fill_value`` (one pass to find the all-missing columns and, with
      ``add_indicator``, the columns with missing values).

    Columns without any present value are dropped from the output (with scikit-learn's
    warning), whatever the strategy, ``"constant"`` included (as scikit-learn 1.9 does),
    unless ``keep_empty_features`` is True.
    Strings (object, pandas ``str``/``string``, categoricals) work with ``"most_frequent"``
    and ``"constant"``.

    Output dtype: a NumPy or dask array out has one dtype, scikit-learn's (object when
    any column holds strings). A dask DataFrame with string columns gives a dask DataFrame
    whose columns keep their kind, with the values of scikit-learn's object output: a
    string column (pandas ``str``/``string``, or a categorical of them) filled with a string
    keeps its string dtype, a numeric column filled with a number stays numeric (float64
    for nullable numbers), other columns (and mixes, e.g. a string filled into a numeric
    column) are object, indicator columns bool. Its meta is what the partitions hold, so
    the output writes to Parquet.

    Parameters
    ----------
    missing_values : int, float, str, np.nan, None or pandas.NA, default=np.nan
        The placeholder of missing values. ``None`` and ``pd.NA`` in string columns are
        missing when ``missing_values`` is NaN.
    strategy : {"mean", "median", "most_frequent", "constant"}, default="mean"
        The imputation strategy.
    fill_value : str or numerical value, default=None
        Value used with ``strategy="constant"`` (default 0 for numbers, "missing_value"
        for strings).
    copy : bool, default=True
        If False, NumPy input is imputed in place when possible (as in scikit-learn); dask
        input is never modified.
    add_indicator : bool, default=False
        Append a missing-value indicator column for every column that had missing values
        in fit.
    keep_empty_features : bool, default=False
        Keep all-missing columns, imputed with 0 (or ``fill_value`` for "constant").

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features,)
        The fill value of each feature (NaN for an all-missing feature that is dropped).
    indicator_ : sklearn.impute.MissingIndicator or None
        Indicator of the features with missing values in fit (``add_indicator=True``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "missing_values": [MissingValues()],
        "strategy": [StrOptions({"mean", "median", "most_frequent", "constant"})],
        "fill_value": "no_validation",
        "copy": ["boolean"],
        "add_indicator": ["boolean"],
        "keep_empty_features": ["boolean"],
    }

    def __init__(
        self,
        *,
        missing_values=np.nan,
        strategy="mean",
        fill_value=None,
        copy=True,
        add_indicator=False,
        keep_empty_features=False,
    ):
        self.missing_values = missing_values
        self.strategy = strategy
        self.fill_value = fill_value
        self.copy = copy
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features

    # -- validation ---------------------------------------------------------------------

    @property
    def _nan_missing(self):
        return self.missing_values is None or _is_nan_like(self.missing_values)

    def _validate_input(self, X, in_fit):
        """Return ``(kind, X)``: kind is "numeric" (2-D array) or "object" (columns)."""
        numeric_strategy = self.strategy in ("mean", "median")
        if is_dask_collection(X):
            return self._validate_dask(X, in_fit, numeric_strategy)
        if numeric_strategy:
            dtype = FLOAT_DTYPES
        elif isinstance(X, list) and any(isinstance(v, str) for row in X for v in row):
            dtype = object
        else:
            dtype = None
        if not in_fit and self._fit_dtype.kind == "O":
            dtype = self._fit_dtype
        allow = "allow-nan" if self._nan_missing else True
        kwargs = {"force_writeable": True} if not in_fit else {}
        X = densify_accepted_sparse(X, self)
        try:
            X = _sk_validate_data(
                self, X, reset=in_fit, dtype=dtype, ensure_all_finite=allow, copy=self.copy,
                **kwargs,
            )
        except ValueError as exc:
            reraise_feature_names_error(exc, self, X)
            if "could not convert" in str(exc):
                raise ValueError(
                    f"Cannot use {self.strategy} strategy with non-numeric data:\n{exc}"
                ) from None
            raise
        self._check_dtype(X.dtype, in_fit)
        if X.dtype.kind == "O":
            return "object", ("memory", X)
        return "numeric", X

    def _validate_dask(self, X, in_fit, numeric_strategy):
        numeric = non_numeric_message(X) is None if is_dask_frame(X) else X.dtype.kind in "iuf"
        if not in_fit and self._fit_dtype.kind == "O":
            numeric = False
        if numeric:
            dtype = FLOAT_DTYPES if numeric_strategy else None
            Xa = validate_data(self, X, reset=in_fit, dtype=dtype)
            self._check_dtype(Xa.dtype, in_fit)
            return "numeric", Xa
        if numeric_strategy:
            raise ValueError(
                f"Cannot use {self.strategy} strategy with non-numeric data: X has "
                "non-numeric columns. Use strategy='most_frequent' or 'constant' for them, "
                "or select numeric columns with dask_scale.compose.ColumnTransformer."
            )
        kind, X = check_table(self, X, reset=in_fit)
        self._check_dtype(np.dtype(object), in_fit)
        return "object", (kind, X)

    def _check_dtype(self, dtype, in_fit):
        if in_fit:
            self._fit_dtype = dtype
        if dtype.kind in "fiu" and not (
            isinstance(self.missing_values, numbers.Real) or self.missing_values is pd.NA
        ):
            raise ValueError(
                "'X' and 'missing_values' types are expected to be both numerical. Got "
                f"X.dtype={dtype} and  type(missing_values)={type(self.missing_values)}."
            )
        if dtype.kind not in "iufO":
            raise ValueError(
                f"SimpleImputer does not support data with dtype {dtype}. Please provide "
                "either a numeric array (with a floating point or integer dtype) or "
                "categorical data represented either as an array with integer dtype or an "
                "array of string values with an object dtype."
            )
        if self.strategy == "constant":
            if in_fit and self.fill_value is not None:
                fill_dtype = type(self.fill_value)
                msg = (
                    f"fill_value={self.fill_value!r} (of type {fill_dtype!r}) cannot be cast "
                    f"to the input data that is {dtype!r}. If fill_value is a Python scalar, "
                    "instead pass  a numpy scalar (e.g. fill_value=np.uint8(0) if your data "
                    "is of type np.uint8). Make sure that both dtypes are of the same kind."
                )
            elif not in_fit:
                fill_dtype = self._fill_dtype
                msg = (
                    f"The dtype of the filling value (i.e. {fill_dtype!r}) cannot be cast to "
                    f"the input data that is {dtype!r}. Make sure that the dtypes of the "
                    "input data are of the same kind between fit and transform."
                )
            else:
                fill_dtype = dtype
                msg = ""
            if not np.can_cast(fill_dtype, dtype, casting="same_kind"):
                raise ValueError(msg)

    # -- fit --------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Compute the fill value of every feature.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        kind, Xv = self._validate_input(X, in_fit=True)
        if self.fill_value is None:
            fill_value = 0 if self._fit_dtype.kind in "iuf" else "missing_value"
        else:
            fill_value = self.fill_value
        self._fill_dtype = self._fit_dtype
        if kind == "numeric":
            stats, present, n_rows = self._numeric_statistics(Xv, fill_value)
        else:
            stats, present, n_rows = self._object_statistics(Xv, fill_value)
        check_n_rows(self, n_rows, len(stats))
        self.statistics_ = stats
        self._fit_indicator(n_rows - present)
        return self

    def _empty_value(self):
        return 0 if self.keep_empty_features else np.nan

    def _numeric_statistics(self, X, fill_value):
        nan_missing = self._nan_missing
        mv = self.missing_values if not nan_missing else np.nan
        strategy = self.strategy
        if strategy == "mean" or strategy == "constant":
            count, total, n_rows = masked_means(X, mv, nan_missing)
            if strategy == "mean":
                with np.errstate(divide="ignore", invalid="ignore"):
                    stats = (total / count).astype(X.dtype)
                stats[count == 0] = self._empty_value()
                return stats, count, n_rows
            stats = np.full(X.shape[1], fill_value, dtype=object)
            if not self.keep_empty_features:
                stats[count == 0] = np.nan
            return stats, count, n_rows
        if strategy == "median":
            medians, count, n_rows = exact_medians(X, mv, nan_missing, np.dtype(X.dtype))
            medians[count == 0] = self._empty_value()
            return medians, count, n_rows
        pairs, n_rows = present_value_counts(X, mv, nan_missing)
        stats = np.empty(X.shape[1])
        count = np.zeros(X.shape[1], dtype=np.int64)
        for j, (values, counts, _) in enumerate(pairs):
            count[j] = counts.sum()
            if count[j] == 0:
                stats[j] = self._empty_value()
            else:
                stats[j] = smallest_most_frequent(values, counts)
        return stats, count, n_rows

    def _object_statistics(self, source, fill_value):
        _, X = source
        pairs, n_rows = present_value_counts(X, self.missing_values, self._nan_missing)
        count = np.asarray([c.sum() for _, c, _ in pairs], dtype=np.int64)
        if self.strategy == "constant":
            stats = np.full(len(pairs), fill_value, dtype=object)
            if not self.keep_empty_features:
                stats[count == 0] = np.nan
            return stats, count, n_rows
        stats = np.empty(len(pairs), dtype=object)
        for j, (values, counts, _) in enumerate(pairs):
            if count[j] == 0:
                stats[j] = self._empty_value()
            else:
                stats[j] = smallest_most_frequent(values, counts)
        return stats, count, n_rows

    def _fit_indicator(self, n_missing):
        """A MissingIndicator fitted on a one-row summary with ``X``'s missing pattern."""
        if not self.add_indicator:
            self.indicator_ = None
            return
        has_missing = np.asarray(n_missing) > 0
        p = has_missing.shape[0]
        mv = self.missing_values
        if self._nan_missing and self._fit_dtype.kind != "O":
            proxy = np.zeros((1, p))
            proxy[0, has_missing] = np.nan
        elif isinstance(mv, numbers.Real) and self._fit_dtype.kind != "O":
            proxy = np.full((1, p), mv + 1, dtype=np.float64)
            proxy[0, has_missing] = mv
        else:
            filler = "present" if mv != "present" else "present_"
            proxy = np.full((1, p), filler, dtype=object)
            proxy[0, has_missing] = np.nan if self._nan_missing else mv
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            proxy = pd.DataFrame(proxy, columns=list(names))
        self.indicator_ = MissingIndicator(missing_values=mv, error_on_new=False).fit(proxy)

    # -- transform --------------------------------------------------------------------

    def _valid_columns(self):
        invalid = np.asarray([_is_nan_like(v) for v in self.statistics_], dtype=bool)
        if self.keep_empty_features or not invalid.any():
            return None, self.statistics_
        features = np.arange(len(self.statistics_))[invalid]
        if hasattr(self, "feature_names_in_"):
            features = self.feature_names_in_[features]
        warnings.warn(
            f"Skipping features without any observed values: {features}. At least one "
            f"non-missing value is needed for imputation with strategy='{self.strategy}'."
        )
        valid = np.flatnonzero(~invalid)
        return valid, self.statistics_[valid]

    def transform(self, X):
        """Impute all missing values in ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_imputed : ndarray, dask array or dask DataFrame of shape (n_samples, n_features_out)
        """
        check_is_fitted(self)
        frame = X if is_dask_frame(X) else None
        kind, Xv = self._validate_input(X, in_fit=False)
        n_features = Xv.shape[1] if kind == "numeric" else Xv[1].shape[1]
        if n_features != self.statistics_.shape[0]:
            raise ValueError(
                f"X has {n_features} features per sample, expected {self.statistics_.shape[0]}"
            )
        valid, fill = self._valid_columns()
        indicator = None if self.indicator_ is None else np.asarray(self.indicator_.features_)
        nan_missing = self._nan_missing
        mv = np.nan if nan_missing else self.missing_values
        n_out = (len(fill) if valid is not None else n_features) + (
            0 if indicator is None else len(indicator)
        )
        names = list(self.get_feature_names_out()) if frame is not None else None
        if kind == "numeric":
            fill = np.asarray(fill).astype(self._fill_dtype if self._fill_dtype.kind != "O" else Xv.dtype)
            if not is_dask_array(Xv):
                return _impute_numeric_block(Xv, fill, valid, mv, nan_missing, indicator, False)
            out_dtype = Xv.dtype if indicator is None else np.result_type(Xv.dtype, np.bool_)
            return map_rows(
                _impute_numeric_block,
                Xv,
                fill,
                valid,
                mv,
                nan_missing,
                indicator,
                True,
                out_dtype=out_dtype,
                n_out=n_out,
                in_dtype=Xv.dtype,
                columns=names,
                check_finite=False,
                copy=True,
                frame=frame,
            )
        source_kind, Xs = Xv
        fill = np.asarray(fill, dtype=object)
        dtypes = None
        if frame is not None:
            kept = range(n_features) if valid is None else valid
            dtypes = [_output_dtype(frame.dtypes.iloc[j], v) for j, v in zip(kept, fill, strict=True)]
            dtypes += [np.dtype(bool)] * (0 if indicator is None else len(indicator))
        return map_blocks_2d(
            _impute_object_block,
            source_kind,
            Xs,
            fill,
            valid,
            mv if not nan_missing else np.nan,
            nan_missing,
            indicator,
            n_out=n_out,
            dtype=np.dtype(object),
            names=names,
            dtypes=dtypes,
        )

    def inverse_transform(self, X):
        """Put the missing-value marker back where the indicator columns are set.

        Requires ``add_indicator=True``. Features without missing values in fit have no
        indicator, so their imputed values cannot be inverted.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features_out)

        Returns
        -------
        X_original : ndarray or dask array of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        if not self.add_indicator:
            raise ValueError(
                "'inverse_transform' works only when 'SimpleImputer' is instantiated with "
                f"'add_indicator=True'. Got 'add_indicator={self.add_indicator}' instead."
            )
        if is_dask_collection(X):
            X = check_array(X, dtype=None, ensure_all_finite=False)
            n_out = len(self.statistics_)
            return map_rows(
                self._inverse_block, X, out_dtype=np.float64, n_out=n_out, check_finite=False
            )
        return self._inverse_block(np.asarray(X))

    def _inverse_block(self, X):
        features = np.asarray(self.indicator_.features_)
        n_imputed = X.shape[1] - len(features)
        imputed = X[:, :n_imputed]
        mask = X[:, n_imputed:].astype(bool)
        n_original = len(self.statistics_)
        out = np.zeros((X.shape[0], n_original))
        full_mask = np.zeros(out.shape, dtype=bool)
        full_mask[:, features] = mask
        kept = np.ones(n_original, dtype=bool)
        if not self.keep_empty_features:
            kept = ~np.asarray([_is_nan_like(v) for v in self.statistics_], dtype=bool)
        out[:, np.flatnonzero(kept)] = imputed
        out[full_mask] = self.missing_values
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names: kept input features, then the indicator names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        features = check_input_features(self, input_features)
        keep = ~np.asarray([_is_nan_like(v) for v in self.statistics_], dtype=bool)
        names = features[keep]
        if self.add_indicator:
            names = np.concatenate([names, self.indicator_.get_feature_names_out(features)])
        return names

    _sparse_output_format = "csc"  # in-memory sparse X: densified, output CSC as sklearn's

    def _sparse_input_error(self, X):
        if isinstance(self.missing_values, numbers.Number) and self.missing_values == 0:
            return ValueError(
                "Imputation not possible when missing_values == 0 and input is sparse. "
                "Provide a dense array instead."
            )
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = bool(self._nan_missing)
        tags.input_tags.sparse = True
        return tags
