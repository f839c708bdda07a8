"""LabelEncoder: encode target labels as integers 0..n_classes-1."""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._columns import column_counts, column_values, keep_string_dtype, sort_uniques
from .._graph import map_row_blocks, reduce_blocks
from .._kernels.stats import merge_value_counts
from .._set_output import TransformerMixin
from .._validation import is_dask_collection

__all__ = ["LabelEncoder"]


def _is_categorical(y):
    return isinstance(getattr(y, "dtype", None), pd.CategoricalDtype)


def _known_categories(dtype):
    cats = dtype.categories
    return cats is not None and "__UNKNOWN_CATEGORIES__" not in list(cats)


def _codes_dtype(dtype):
    """The integer dtype pandas gives the codes of a categorical of ``dtype`` (int8 for few)."""
    return pd.Categorical([], dtype=dtype).codes.dtype


def _as_1d(y):
    """``y`` as a 1-D NumPy array, a pandas Series, a 1-D dask array or a dask Series."""
    if isinstance(y, (pd.DataFrame, dd.DataFrame)):
        if len(y.columns) != 1:
            raise ValueError(f"y must be 1-D; got a DataFrame with {len(y.columns)} columns.")
        y = y[y.columns[0]]
    if isinstance(y, (pd.Series, dd.Series)):
        return y
    if isinstance(y, da.Array):
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y should be a 1d array, got an array of shape {y.shape} instead.")
        return y
    return column_or_1d(y, warn=True)


def _unseen(values):
    unseen = sorted({str(v) for v in values})[:10]
    return ValueError(f"y contains previously unseen labels: {unseen}")


def _codes_block(block, classes, categories, dtype):
    """Codes of one block: the index of each label in ``classes``, as ``dtype``.

    A categorical block whose categories are ``categories`` (the fitted ones) gives its own
    codes; any other block is looked up by value.
    """
    if (
        categories is not None
        and _is_categorical(block)
        and block.cat.categories.equals(categories)
    ):
        codes = block.cat.codes.to_numpy()
        if (codes < 0).any():
            raise _unseen([np.nan])
        return codes.astype(dtype, copy=False)
    values = column_values(block)
    lookup = pd.Index(classes, dtype=object) if classes.dtype.kind in "OUS" else pd.Index(classes)
    codes = lookup.get_indexer(values)
    if (codes < 0).any():
        raise _unseen(values[codes < 0])
    return codes.astype(dtype)


def _labels_block(block, classes):
    block = np.asarray(block)
    valid = (block >= 0) & (block < len(classes)) & (block == np.floor(block))
    if not valid.all():
        unseen = np.unique(block[~valid])
        raise ValueError(f"y contains previously unseen labels: {unseen}")
    return classes[block.astype(np.int64)]


class LabelEncoder(TransformerMixin, BaseEstimator):
    """Encode target labels with values between 0 and n_classes-1.

    ``classes_`` are the sorted distinct labels (found in one pass over dask input), with
    the input's dtype as scikit-learn keeps it (``<U1`` for a NumPy array of one-letter
    strings, object for pandas strings). With ``use_categorical`` and a categorical ``y``
    (pandas or dask Series), they are the categories in their order instead, unobserved
    ones included, and the codes are the categorical's own codes in its code dtype
    (``int8`` for up to 127 categories); a dask Series with unknown categories is made
    known first (one pass, dask's ``cat.as_known``). Works on NumPy arrays, pandas
    Series, dask arrays and dask Series; dask input gives lazy dask arrays (with unknown
    chunk sizes for a dask Series).

    Parameters
    ----------
    use_categorical : bool, default=True
        Take the classes from the categories of a categorical ``y`` (dask-ml's behaviour);
        False encodes a categorical by its sorted observed values, as scikit-learn does.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels.
    dtype_ : pandas.CategoricalDtype or None
        The dtype of ``y`` when the classes came from its categories.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> y = dd.from_pandas(pd.Series(["a", "a", "b"], dtype="category"), npartitions=2)
    >>> LabelEncoder().fit_transform(y).compute()
    array([0, 0, 1], dtype=int8)
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
        y = _as_1d(y)
        if self.use_categorical and _is_categorical(y):
            if not _known_categories(y.dtype):
                y = y.cat.as_known()
            self.classes_ = np.asarray(y.dtype.categories)
            self.dtype_ = y.dtype
            return self
        if is_dask_collection(y):
            uniques, _, missing = reduce_blocks(
                column_counts, [y], combine=merge_value_counts, name="label-encoder"
            )
        else:
            uniques, _, missing = column_counts(y)
        self.classes_ = keep_string_dtype(sort_uniques(uniques, missing > 0, 0), y.dtype)
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
        y_encoded : ndarray or dask array of shape (n_samples,)
            int64, or the categories' code dtype when the classes came from a
            categorical's categories.
        """
        check_is_fitted(self, "classes_")
        dtype_ = getattr(self, "dtype_", None)
        categories = None if dtype_ is None else dtype_.categories
        dtype = np.dtype(np.int64) if dtype_ is None else _codes_dtype(dtype_)
        y = _as_1d(y)
        args = (self.classes_, categories, dtype)
        if is_dask_collection(y):
            return map_row_blocks(_codes_block, y, *args, meta=np.empty(0, dtype))
        if y.shape[0] == 0:
            return np.asarray([], dtype=dtype)
        return _codes_block(y, *args)

    def inverse_transform(self, y):
        """Map codes back to the labels.

        Parameters
        ----------
        y : array-like or dask array of shape (n_samples,)

        Returns
        -------
        y_original : ndarray or dask array of shape (n_samples,), of ``classes_``'s dtype
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
