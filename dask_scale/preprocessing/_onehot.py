"""OneHotEncoder: one output column per (feature, category), written in one numba pass."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array as _sk_check_array
from sklearn.utils.validation import check_is_fitted

from .._columns import map_blocks_2d, raw_block_columns
from .._graph import map_row_blocks, map_rows
from .._kernels.encoding import onehot_fill
from .._types import is_dask_array, is_frame
from .._validation import check_input_features, is_dask_collection
from ._encoders import _BaseEncoder, _factorize, _is_nan, _lookup, _unknown_message

__all__ = ["OneHotEncoder"]


def _output_maps(columns, lookups, tables, handle_unknown):
    """Factorise a block; per feature, the output column of each distinct value."""
    factors, maps, unknown = _factorize(columns, lookups)
    if unknown:
        if handle_unknown == "error":
            raise ValueError(_unknown_message(unknown, "transform"))
        if handle_unknown == "warn":
            warnings.warn(
                f"Found unknown categories in columns {sorted(unknown)} during transform. "
                "These unknown categories will be encoded as all zeros",
                UserWarning,
            )
    # compose "distinct value -> category" with "category -> output column (-1: dropped)"
    out_maps = [np.where(m >= 0, t[m], -1) for m, t in zip(maps, tables, strict=True)]
    starts = np.cumsum([0] + [len(m) for m in out_maps[:-1]]).astype(np.int64)
    flat = np.concatenate(out_maps or [np.empty(0, np.int64)]).astype(np.int64, copy=False)
    return factors, flat, starts


def _onehot_block(columns, lookups, tables, n_out, dtype, handle_unknown):
    factors, flat, starts = _output_maps(columns, lookups, tables, handle_unknown)
    out = np.empty((factors.shape[1], n_out), dtype=dtype)
    return onehot_fill(factors, flat, starts, out)


def _onehot_sparse_block(columns, lookups, tables, n_out, dtype, handle_unknown):
    """The one-hot rows of a block as a CSR matrix (no dense block is made)."""
    factors, flat, starts = _output_maps(columns, lookups, tables, handle_unknown)
    p, n = factors.shape
    positions = flat[starts[:, None] + factors + 1] if p else np.empty((0, n), np.int64)
    set_ = positions >= 0
    rows = np.broadcast_to(np.arange(n), (p, n))[set_]
    cols = positions[set_]
    data = np.ones(cols.size, dtype=dtype)
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n_out), dtype=dtype)


def _raw_sparse(block, *args):
    return _onehot_sparse_block(raw_block_columns(block), *args)


def _sparse_frame(names, pdf, *args):
    out = _onehot_sparse_block(raw_block_columns(pdf), *args)
    return pd.DataFrame.sparse.from_spmatrix(out, index=pdf.index, columns=names)


def _densify(block):
    return block.toarray()


class OneHotEncoder(_BaseEncoder):
    """Encode categorical features as a one-hot numeric array.

    Categories are found in one pass over the data (see
    ``dask_scale.preprocessing._encoders``), as scikit-learn finds them: the sorted
    distinct values of each column (of a categorical column too: its observed values, not
    its dtype's categories); the output has one column per (feature, category), in the
    order of ``categories_``. Works on NumPy arrays, pandas DataFrames, dask arrays and dask
    DataFrames whose columns are numbers, strings (object, pandas ``str``/``string``,
    including pandas 3's default string dtype) or categoricals. Missing values (NaN, None,
    ``pd.NA``) form their own category, last.

    The output follows the input. By default (``sparse_output=True``, as in scikit-learn
    and dask-ml) a NumPy array gives a SciPy CSR matrix, a dask array a dask array of CSR
    blocks (one per row block of the input), and a pandas or dask DataFrame a DataFrame of
    the same kind of pandas ``Sparse[float64, 0.0]`` columns, with the input's index and the
    ``get_feature_names_out`` columns (``feature_category``, as ``pandas.get_dummies``
    names them). With ``sparse_output=False`` the same containers are dense (a NumPy
    array, a dask array of NumPy blocks, float columns). Every dask_scale estimator takes a
    dask array of sparse blocks (each block is densified when it is read), but KMeans, the
    linear models, scalers and imputers take no in-memory sparse matrix (pass
    ``sparse_output=False`` for NumPy input to them), and
    :class:`~dask_scale.compose.ColumnTransformer` stacks sparse parts as scikit-learn
    decides with ``sparse_threshold``.

    Parameters
    ----------
    categories : 'auto' or list of array-like, default='auto'
        Categories per feature: 'auto' finds them in the data (sorted); a list gives the
        categories of feature ``i`` in ``categories[i]`` (numbers must be sorted).
    drop : {'first', 'if_binary'} or array-like of shape (n_features,), default=None
        Category to drop per feature: None keeps all; 'first' drops each feature's first
        category; 'if_binary' drops the first category of features with two categories;
        an array gives the category to drop for each feature.
    sparse_output : bool, default=True
        Sparse output: a SciPy CSR matrix for NumPy input, a dask array of CSR blocks for a
        dask array, pandas ``Sparse`` columns for a DataFrame (scikit-learn's and dask-ml's
        default). False gives dense output of the same kinds.
    sparse : bool, optional
        dask-ml's (and scikit-learn < 1.4's) name of ``sparse_output``: accepted with a
        ``FutureWarning``, and used in its place.
    dtype : number type, default=np.float64
        Desired dtype of output.
    handle_unknown : {'error', 'ignore', 'warn'}, default='error'
        What to do with a category not seen in fit: raise (when the block is computed for
        dask input), encode as all zeros, or encode as all zeros with a warning.
        scikit-learn's 'infrequent_if_exist' raises ``NotImplementedError`` (infrequent
        categories, ``min_frequency`` and ``max_categories``, are not supported).
    feature_name_combiner : "concat" or callable, default="concat"
        ``callable(input_feature, category) -> str`` naming the output columns; "concat"
        gives ``f"{feature}_{category}"``.

    Attributes
    ----------
    categories_ : list of ndarray
        Categories of each feature, in output order.
    drop_idx_ : ndarray of shape (n_features,) or None
        Index in ``categories_[i]`` of the dropped category of feature ``i`` (None where
        nothing is dropped); None when nothing is dropped at all.
    dtypes_ : list
        Per feature, the ``pandas.CategoricalDtype`` of a categorical DataFrame column,
        None for any other column and for arrays (dask-ml's attribute).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from dask_scale.preprocessing import OneHotEncoder
    >>> df = dd.from_pandas(pd.DataFrame({"c": ["a", "b", "a"]}), npartitions=2)
    >>> out = OneHotEncoder().fit(df).transform(df)
    >>> out.dtypes.tolist()
    [Sparse[float64, 0.0], Sparse[float64, 0.0]]
    >>> OneHotEncoder(sparse_output=False).fit(df).transform(df).compute()
       c_a  c_b
    0  1.0  0.0
    1  0.0  1.0
    2  1.0  0.0
    """

    _parameter_constraints: dict = {
        "categories": [StrOptions({"auto"}), list],
        "drop": [StrOptions({"first", "if_binary"}), "array-like", None],
        "sparse_output": ["boolean"],
        "dtype": "no_validation",
        "handle_unknown": [StrOptions({"error", "ignore", "warn", "infrequent_if_exist"})],
        "feature_name_combiner": [StrOptions({"concat"}), callable],
        "sparse": ["boolean", StrOptions({"deprecated"})],
    }

    def __init__(
        self,
        *,
        categories="auto",
        drop=None,
        sparse_output=True,
        dtype=np.float64,
        handle_unknown="error",
        feature_name_combiner="concat",
        sparse="deprecated",
    ):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.feature_name_combiner = feature_name_combiner
        self.sparse = sparse

    def fit(self, X, y=None):
        """Find the categories of every feature.

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
        if self.handle_unknown == "infrequent_if_exist":
            raise NotImplementedError(
                "handle_unknown='infrequent_if_exist' is not supported: dask_scale's "
                "OneHotEncoder has no infrequent categories (min_frequency, "
                "max_categories). Use handle_unknown='ignore' or 'warn'."
            )
        if self.sparse != "deprecated":
            warnings.warn(
                "`sparse` was renamed `sparse_output` (scikit-learn 1.2, dask-ml's name "
                f"was `sparse`); use sparse_output={self.sparse!r}. `sparse` is used in its "
                "place for now.",
                FutureWarning,
                stacklevel=2,
            )
        self._sparse = self.sparse_output if self.sparse == "deprecated" else bool(self.sparse)
        self._fit_categories(X)
        if is_frame(X):
            self.dtypes_ = [
                dt if isinstance(dt, pd.CategoricalDtype) else None for dt in X.dtypes
            ]
        else:
            self.dtypes_ = [None] * self.n_features_in_
        self.drop_idx_ = self._drop_indices()
        self._positions = self._output_positions()
        return self

    def _drop_indices(self):
        if self.drop is None:
            return None
        if isinstance(self.drop, str):
            if self.drop == "first":
                return np.zeros(len(self.categories_), dtype=object)
            return np.array(
                [0 if len(c) == 2 else None for c in self.categories_], dtype=object
            )
        drop = np.asarray(self.drop, dtype=object)
        if drop.ndim != 1 or len(drop) != len(self.categories_):
            raise ValueError(
                f"`drop` should have length equal to the number of features "
                f"({len(self.categories_)}), got {len(drop)}"
            )
        indices = []
        missing = []
        for j, (value, cats) in enumerate(zip(drop, self.categories_, strict=True)):
            if _is_nan(value):
                found = [len(cats) - 1] if len(cats) and _is_nan(cats[-1]) else []
            else:
                found = [i for i, c in enumerate(cats) if not _is_nan(c) and c == value]
            if found:
                indices.append(found[0])
            else:
                missing.append((j, value))
        if missing:
            lines = "\n".join(f"Category: {v}, Feature: {j}" for j, v in missing)
            raise ValueError(
                "The following categories were supposed to be dropped, but were not found "
                f"in the training data.\n{lines}"
            )
        return np.array(indices, dtype=object)

    def _output_positions(self):
        """Per feature, the output column of each category (``-1`` when dropped)."""
        positions = []
        offset = 0
        for j, cats in enumerate(self.categories_):
            table = np.arange(len(cats), dtype=np.int64)
            drop = None if self.drop_idx_ is None else self.drop_idx_[j]
            if drop is not None:
                table[drop] = -1
                table[drop + 1 :] -= 1
            kept = int((table >= 0).sum())
            table[table >= 0] += offset
            offset += kept
            positions.append(table)
        self._n_out = offset
        return positions

    def transform(self, X):
        """One-hot encode ``X``.

        Parameters
        ----------
        X : array-like, dask array, pandas or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray, sparse matrix, dask array, pandas or dask DataFrame of shape \
                (n_samples, n_encoded_features)
            Of the input's kind (see the class docstring).
        """
        check_is_fitted(self)
        kind, X = self._transform_input(X)
        lookups = [_lookup(c) for c in self.categories_]
        handle = self.handle_unknown
        if handle == "ignore" and self.drop_idx_ is not None:
            handle = "warn"
        dtype = np.dtype(self.dtype)
        args = (lookups, list(self._positions), self._n_out, dtype, handle)
        names = list(self.get_feature_names_out())
        if self._sparse:
            if kind == "memory":
                out = _raw_sparse(X, *args)
                if isinstance(X, pd.DataFrame):
                    return pd.DataFrame.sparse.from_spmatrix(out, index=X.index, columns=names)
                return out
            if kind == "array":
                meta = sp.csr_matrix((0, self._n_out), dtype=dtype)
                return map_row_blocks(_raw_sparse, X, *args, meta=meta)
            meta = _sparse_frame(names, X._meta, *args)
            return map_row_blocks(functools.partial(_sparse_frame, names), X, *args, meta=meta)
        out = map_blocks_2d(
            _onehot_block,
            kind,
            X,
            *args,
            n_out=self._n_out,
            dtype=dtype,
            names=names if kind == "frame" else None,
            raw=True,
        )
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(out, index=X.index, columns=names, copy=False)
        return out

    def inverse_transform(self, X):
        """Convert one-hot columns back to the categories.

        Rows with all zeros for a feature give the dropped category, or None when that
        feature had no dropped category (an unknown category at transform).

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_encoded_features)

        Returns
        -------
        X_original : ndarray or dask array of shape (n_samples, n_features), object dtype
            unless every feature is numeric.
        """
        check_is_fitted(self)
        if isinstance(X, pd.DataFrame) and any(
            isinstance(dt, pd.SparseDtype) for dt in X.dtypes
        ):
            X = X.sparse.to_coo() if all(
                isinstance(dt, pd.SparseDtype) for dt in X.dtypes
            ) else X.sparse.to_dense()
        if is_dask_array(X) and sp.issparse(X._meta):
            X = X.map_blocks(_densify, dtype=X.dtype, meta=np.empty((0, 0), dtype=X.dtype))
        if is_dask_collection(X):
            from .._validation import check_array

            X = check_array(X, dtype=None)
            if X.shape[1] != self._n_out:
                raise ValueError(
                    f"Shape of the passed X data is not correct. Expected {self._n_out} "
                    f"columns, got {X.shape[1]}."
                )
            n_out, dtype = len(self.categories_), self._inverse_dtype()
            return map_rows(
                self._inverse_block, X, out_dtype=dtype, n_out=n_out, check_finite=False
            )
        if sp.issparse(X):
            X = X.toarray()
        X = _sk_check_array(X, dtype=None)
        if X.shape[1] != self._n_out:
            raise ValueError(
                f"Shape of the passed X data is not correct. Expected {self._n_out} "
                f"columns, got {X.shape[1]}."
            )
        return self._inverse_block(X)

    def _inverse_dtype(self):
        dtypes = [c.dtype for c in self.categories_]
        return np.result_type(*dtypes) if dtypes else np.dtype(object)

    def _inverse_block(self, X):
        n = X.shape[0]
        out = np.empty((n, len(self.categories_)), dtype=self._inverse_dtype())
        unknown = {}
        for j, (cats, table) in enumerate(zip(self.categories_, self._positions, strict=True)):
            kept = np.flatnonzero(table >= 0)
            block = X[:, table[kept]]
            hot = block.argmax(axis=1) if kept.size else np.zeros(n, dtype=np.int64)
            any_hot = block.max(axis=1) > 0 if kept.size else np.zeros(n, dtype=bool)
            values = cats[kept][hot] if kept.size else np.empty(n, dtype=cats.dtype)
            drop = None if self.drop_idx_ is None else self.drop_idx_[j]
            if drop is not None:
                values = np.where(any_hot, values, cats[drop])
            elif not any_hot.all():
                unknown[j] = ~any_hot
            out[:, j] = values
        if unknown:
            out = out.astype(object)
            for j, mask in unknown.items():
                out[mask, j] = None
        return out

    def get_feature_names_out(self, input_features=None):
        """Output feature names: ``combiner(input_feature, category)`` per kept category.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        features = check_input_features(self, input_features)
        combiner = self.feature_name_combiner
        names = []
        for j, (cats, table) in enumerate(zip(self.categories_, self._positions, strict=True)):
            for c, pos in zip(cats, table, strict=True):
                if pos < 0:
                    continue
                if combiner == "concat":
                    names.append(f"{features[j]}_{c}")
                else:
                    name = combiner(features[j], c)
                    if not isinstance(name, str):
                        raise TypeError(
                            f"When `feature_name_combiner` is a callable, it should return a "
                            f"Python string. Got {type(name)} instead."
                        )
                    names.append(name)
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags
