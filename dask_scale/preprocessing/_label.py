"""LabelEncoder: encode target labels as integers 0..n_classes-1."""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._columns import column_counts, column_values, sort_uniques
from .._graph import map_row_blocks, reduce_blocks
from .._kernels.stats import merge_value_counts
from .._validation import is_dask_collection

__all__ = ["LabelEncoder"]


def _is_categorical(y):
    return isinstance(getattr(y, "dtype", None), pd.CategoricalDtype)


def _known_categories(dtype):
    cats = dtype.categories
    return cats is not None and "__UNKNOWN_CATEGORIES__" not in list(cats)


def _as_1d(y):
    """``y`` as a NumPy 1-D array, a 1-D dask array or a dask Series (read as it is)."""
    if isinstance(y, dd.DataFrame):
        if len(y.columns) != 1:
            raise ValueError(f"y must be 1-D; got a DataFrame with {len(y.columns)} columns.")
        y = y[y.columns[0]]
    if isinstance(y, dd.Series):
        return y
    if isinstance(y, da.Array):
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y should be a 1d array, got an array of shape {y.shape} instead.")
        return y
    if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        return column_values(y)
    return column_values(column_or_1d(y, warn=True))


def _codes_block(block, classes):
    values = column_values(block)
    lookup = pd.Index(classes, dtype=object) if classes.dtype.kind == "O" else pd.Index(classes)
    codes = lookup.get_indexer(values)
    if (codes < 0).any():
        unseen = sorted({str(v) for v in values[codes < 0]})[:10]
        raise ValueError(f"y contains previously unseen labels: {unseen}")
    return codes.astype(np.int64)


def _labels_block(block, classes):
    block = np.asarray(block)
    valid = (block >= 0) & (block < len(classes)) & (block == np.floor(block))
    if not valid.all():
        unseen = np.unique(block[~valid])
        raise ValueError(f"y contains previously unseen labels: {unseen}")
    return classes[block.astype(np.int64)]


class LabelEncoder(TransformerMixin, BaseEstimator):
    """Encode target labels with values between 0 and n_classes-1.

    ``classes_`` are the sorted distinct labels (found in one pass over dask input), or,
    with ``use_categorical`` and a categorical ``y`` with known categories, the categories
    in their order (no pass). Works on NumPy arrays, pandas Series, dask arrays and dask
    Series; dask input gives lazy dask arrays.

    Parameters
    ----------
    use_categorical : bool, default=True
        Take the classes from the categories of a categorical ``y`` (dask-ml's behaviour).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels.
    dtype_ : pandas.CategoricalDtype or None
        The dtype of ``y`` when the classes came from its categories.
    """

    _parameter_constraints: dict = {"use_categorical": ["boolean"]}

    def __init__(self, use_categorical=True):
        self.use_categorical = use_categorical

    def fit(self, y):
        """Find the classes.

        Parameters
        ----------
        y : array-like, pandas Series, dask array or dask Series of shape (n_samples,)

        Returns
        -------
        self : object
        """
        self._validate_params()
        if self.use_categorical and _is_categorical(y) and _known_categories(y.dtype):
            self.classes_ = np.asarray(y.dtype.categories)
            self.dtype_ = y.dtype
            return self
        y = _as_1d(y)
        if is_dask_collection(y):
            uniques, _, missing = reduce_blocks(
                column_counts, [y], combine=merge_value_counts, name="label-encoder"
            )
        else:
            uniques, _, missing = column_counts(y)
        self.classes_ = sort_uniques(uniques, missing > 0, 0)
        self.dtype_ = None
        return self

    def fit_transform(self, y):
        """Find the classes and encode ``y``.

        Parameters
        ----------
        y : array-like, pandas Series, dask array or dask Series of shape (n_samples,)

        Returns
        -------
        y_encoded : ndarray or dask array of shape (n_samples,)
        """
        return self.fit(y).transform(y)

    def transform(self, y):
        """Encode ``y`` (unseen labels raise, when the block is computed for dask input).

        Parameters
        ----------
        y : array-like, pandas Series, dask array or dask Series of shape (n_samples,)

        Returns
        -------
        y_encoded : ndarray or dask array of shape (n_samples,), int64
        """
        check_is_fitted(self, "classes_")
        y = _as_1d(y)
        if is_dask_collection(y):
            return map_row_blocks(_codes_block, y, self.classes_, meta=np.empty(0, np.int64))
        if y.shape[0] == 0:
            return np.asarray([], dtype=np.int64)
        return _codes_block(y, self.classes_)

    def inverse_transform(self, y):
        """Map codes back to the labels.

        Parameters
        ----------
        y : array-like or dask array of shape (n_samples,)

        Returns
        -------
        y_original : ndarray or dask array of shape (n_samples,)
        """
        check_is_fitted(self, "classes_")
        if is_dask_collection(y):
            meta = np.empty(0, dtype=self.classes_.dtype)
            return map_row_blocks(_labels_block, y, self.classes_, meta=meta)
        y = column_or_1d(y, warn=True)
        if y.shape[0] == 0:
            return np.asarray([], dtype=self.classes_.dtype)
        return _labels_block(y, self.classes_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags
