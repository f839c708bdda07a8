"""ColumnTransformer: apply transformers to column subsets of arrays and DataFrames.

Works on NumPy arrays, pandas DataFrames, dask arrays and dask DataFrames. Columns are
selected by name (str or list of str; DataFrames), by position (int, list of int, slice),
by boolean mask, or by a callable returning any of these. A callable gets the DataFrame
(for a dask DataFrame: its ``_meta``, an empty pandas DataFrame with the same columns and
dtypes, so scikit-learn's ``make_column_selector`` works) or the array.

Outputs are stacked side by side: when every part is a DataFrame (and
``preserve_dataframe``), the result is a DataFrame (dask DataFrames are joined partition by
partition) with ``get_feature_names_out`` column names; otherwise an array (a lazy dask
array for dask input). The output widths (``output_indices_``) come from the outputs
themselves (their metadata, for dask), so feature names are read only for a DataFrame
output (or ``get_feature_names_out()``): a transformer without ``get_feature_names_out``
works for array outputs, and is named by the columns of its DataFrame output otherwise.
"""

from __future__ import annotations

import numbers
import time
from collections import Counter

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from .._types import is_frame
from .._validation import (
    check_consistent_rows,
    check_table,
    frame_to_dask_array,
    is_dask_collection,
    is_dask_frame,
)

__all__ = ["ColumnTransformer", "make_column_transformer"]


def _columns_of(X):
    return X.columns if is_frame(X) else None


def _n_columns(X):
    return len(X.columns) if is_frame(X) else X.shape[1]


def _is_scalar_key(key):
    return isinstance(key, (str, numbers.Integral)) and not isinstance(key, bool)


def _column_positions(X, key):
    """Positions of the columns ``key`` selects in ``X`` (list of int)."""
    n = _n_columns(X)
    columns = _columns_of(X)
    if callable(key):
        key = key(X._meta if is_dask_frame(X) else X)
    if key is None:
        return []
    if isinstance(key, slice):
        if isinstance(key.start, str) or isinstance(key.stop, str):
            if columns is None:
                raise ValueError(
                    "Selecting columns by name (a slice of strings) needs a DataFrame input."
                )
            start, stop = columns.slice_locs(key.start, key.stop)
            return list(range(start, stop, key.step or 1))
        return list(range(n))[key]
    if _is_scalar_key(key):
        key = [key]
    keys = list(np.asarray(key, dtype=object).ravel()) if not isinstance(key, list) else key
    if len(keys) == 0:
        return []
    if all(isinstance(k, (bool, np.bool_)) for k in keys):
        if len(keys) != n:
            raise ValueError(
                f"A boolean column mask must have one entry per column: got {len(keys)} "
                f"for X with {n} feature(s)."
            )
        return [i for i, k in enumerate(keys) if k]
    if all(isinstance(k, numbers.Integral) for k in keys):
        out = []
        for k in keys:
            k = int(k)
            if not -n <= k < n:
                raise ValueError(
                    f"Column index {k} is out of range: X has {n} feature(s) "
                    f"(shape {getattr(X, 'shape', None)})."
                )
            out.append(k % n)
        return out
    if all(isinstance(k, str) for k in keys):
        if columns is None:
            raise ValueError(
                "Specifying the columns using strings is only supported for DataFrames "
                f"(got {type(X).__name__}). Use column positions for arrays."
            )
        missing = [k for k in keys if k not in columns]
        if missing:
            raise ValueError(f"A given column is not a column of the dataframe: {missing}")
        return [int(columns.get_loc(k)) for k in keys]
    raise ValueError(
        "No valid specification of the columns. Only a scalar, list or slice of all "
        "integers or all strings, a boolean mask, or a callable returning one of those is "
        f"allowed; got {key!r}."
    )


def _select(X, positions, scalar):
    """The columns at ``positions`` (1-D when the selection was a scalar key)."""
    if is_frame(X):
        out = X.iloc[:, positions[0]] if scalar else X.iloc[:, list(positions)]
        return out
    if scalar:
        return X[:, positions[0]]
    return X[:, list(positions)]


def _n_out(Xt):
    """Number of output columns of a (2-D) transformer output, or None when unknown."""
    if is_frame(Xt):
        return len(Xt.columns)
    width = Xt.shape[1]
    return None if np.isnan(width) else int(width)


def _frame_columns(Xt):
    """The column names of a DataFrame output (all str), else None."""
    if not is_frame(Xt):
        return None
    columns = list(Xt.columns)
    return columns if all(isinstance(c, str) for c in columns) else None


def _as_2d(Xt):
    if isinstance(Xt, (pd.Series, dd.Series)):
        return Xt.to_frame()
    if not sp.issparse(Xt) and getattr(Xt, "ndim", 2) == 1:
        return Xt[:, None]  # not reshape: a dask array's row chunks may be unknown
    return Xt


def _row_blocks(X):
    """An empty (n_samples, 0) dask array with the row blocks of dask input ``X``."""
    arr = frame_to_dask_array(X) if is_dask_frame(X) else X
    return arr[:, :0]


def _concat_partitions(names, *parts):
    out = pd.concat([p.reset_index(drop=True) for p in parts], axis=1)
    out.columns = names
    out.index = parts[0].index
    return out


def _fit_one(transformer, X, y, name, index, total, verbose):
    start = time.time()
    if hasattr(transformer, "fit_transform"):
        Xt = transformer.fit_transform(X, y)
    else:
        Xt = transformer.fit(X, y).transform(X)
    if verbose:
        print(
            f"[ColumnTransformer] ... ({index} of {total}) Processing {name}, "
            f"total={time.time() - start:5.1f}s"
        )
    return transformer, Xt


class ColumnTransformer(TransformerMixin, BaseEstimator):
    """Apply transformers to columns of an array or DataFrame (NumPy, pandas or dask).

    Parameters
    ----------
    transformers : list of tuples
        ``(name, transformer, columns)`` tuples. ``transformer`` is an estimator with
        ``fit``/``transform``, ``"drop"`` or ``"passthrough"``. ``columns`` is a str or list
        of str (DataFrame columns), an int, list of int or slice (positions), a boolean
        mask, or a callable (see the module docstring). A scalar str or int passes a 1-D
        column to the transformer.
    remainder : {"drop", "passthrough"} or estimator, default="drop"
        What to do with the columns no transformer selects.
    sparse_threshold : float, default=0.3
        For in-memory input: if some output is sparse and the overall density is below
        this, the stacked output is sparse. Dask outputs are dense.
    n_jobs : int, default=None
        Number of transformers fitted concurrently (threads); None means 1.
    transformer_weights : dict, default=None
        Multiplicative weights of the outputs, keyed by transformer name.
    verbose : bool, default=False
        Print the time spent fitting each transformer.
    verbose_feature_names_out : bool, default=True
        Prefix output feature names with the transformer name (``"name__feature"``).
    preserve_dataframe : bool, default=True
        Return a DataFrame when every part of the output is a DataFrame (dask-ml's
        parameter); False always gives an array. Its columns are named by
        ``get_feature_names_out``; a transformer without that method is named by the
        columns of its output.

    Attributes
    ----------
    transformers_ : list
        The fitted transformers as ``(name, fitted_transformer, columns)``, with a
        ``("remainder", ..., columns)`` entry when some columns were not selected.
    named_transformers_ : Bunch
        Fitted transformers by name.
    output_indices_ : dict
        Name to the slice of the output columns that transformer produced.
    sparse_output_ : bool
        Whether the output of ``transform`` is a sparse matrix.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from dask_scale.compose import ColumnTransformer
    >>> from dask_scale.preprocessing import OneHotEncoder, StandardScaler
    >>> df = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]}),
    ...                     npartitions=2)
    >>> ct = ColumnTransformer([("num", StandardScaler(), ["x"]),
    ...                         ("cat", OneHotEncoder(), ["c"])])
    >>> list(ct.fit(df).get_feature_names_out())
    ['num__x', 'cat__c_a', 'cat__c_b']
    """

    _parameter_constraints: dict = {
        "transformers": [list],
        "remainder": [
            StrOptions({"drop", "passthrough"}),
            HasMethods(["fit", "transform"]),
            HasMethods(["fit_transform", "transform"]),
        ],
        "sparse_threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "n_jobs": [numbers.Integral, None],
        "transformer_weights": [dict, None],
        "verbose": ["verbose"],
        "verbose_feature_names_out": ["boolean"],
        "preserve_dataframe": ["boolean"],
    }

    def __init__(
        self,
        transformers,
        *,
        remainder="drop",
        sparse_threshold=0.3,
        n_jobs=None,
        transformer_weights=None,
        verbose=False,
        verbose_feature_names_out=True,
        preserve_dataframe=True,
    ):
        self.transformers = transformers
        self.remainder = remainder
        self.sparse_threshold = sparse_threshold
        self.n_jobs = n_jobs
        self.transformer_weights = transformer_weights
        self.verbose = verbose
        self.verbose_feature_names_out = verbose_feature_names_out
        self.preserve_dataframe = preserve_dataframe

    # -- parameters of the nested transformers ------------------------------------------

    def get_params(self, deep=True):
        """Parameters of this estimator and, with ``deep``, of its transformers."""
        out = super().get_params(deep=deep)
        if not deep:
            return out
        transformers = self.transformers if isinstance(self.transformers, list) else []
        for item in transformers:
            if not isinstance(item, tuple) or len(item) < 2:
                continue
            name, trans = item[0], item[1]
            out[name] = trans
            if hasattr(trans, "get_params"):
                for key, value in trans.get_params(deep=True).items():
                    out[f"{name}__{key}"] = value
        return out

    def set_params(self, **params):
        """Set parameters, including ``name`` (replace a transformer) and ``name__param``."""
        if "transformers" in params:
            self.transformers = params.pop("transformers")
        transformers = self.transformers if isinstance(self.transformers, list) else []
        names = [t[0] for t in transformers if isinstance(t, tuple) and t]
        replaced = {n: params.pop(n) for n in list(params) if n in names}
        if replaced:
            self.transformers = [
                (t[0], replaced.get(t[0], t[1]), *t[2:]) for t in self.transformers
            ]
        return super().set_params(**params)

    def set_output(self, *, transform=None):
        """Set the output container of ``transform`` for this and the inner transformers."""
        super().set_output(transform=transform)
        inner = [t[1] for t in self.transformers]
        if hasattr(self, "transformers_"):
            inner += [t[1] for t in self.transformers_]
        inner.append(self.remainder)
        for trans in inner:
            if hasattr(trans, "set_output") and not isinstance(trans, str):
                trans.set_output(transform=transform)
        return self

    # -- validation -----------------------------------------------------------------------

    def _validate_transformers(self):
        if not self.transformers:
            return
        names = []
        for item in self.transformers:
            if not isinstance(item, tuple) or len(item) != 3:
                raise ValueError(
                    "transformers must be a list of (name, transformer, columns) tuples; got "
                    f"{item!r}."
                )
            name, trans, _ = item
            names.append(name)
            if isinstance(trans, str):
                if trans not in ("drop", "passthrough"):
                    raise ValueError(
                        f"Transformer {name!r}: a string transformer must be 'drop' or "
                        f"'passthrough', got {trans!r}."
                    )
                continue
            if not (hasattr(trans, "fit") or hasattr(trans, "fit_transform")) or not hasattr(
                trans, "transform"
            ):
                raise TypeError(
                    "All estimators should implement fit and transform, or can be 'drop' or "
                    f"'passthrough' specifiers. '{trans}' (type {type(trans)}) doesn't."
                )
        dupes = [n for n, c in Counter(names).items() if c > 1]
        if dupes:
            raise ValueError(f"Names provided are not unique: {dupes}")
        bad = [n for n in names if "__" in n or n == "remainder"]
        if bad:
            raise ValueError(
                f"Transformer names must not contain '__' nor be 'remainder': {bad}"
            )

    def _check_X(self, X, reset):
        return check_table(self, X, reset=reset, ensure_all_finite=False)[1]

    def _specs(self, X):
        """``(name, transformer, columns_key, positions, scalar)`` for every transformer."""
        specs = []
        taken = set()
        for name, trans, key in self.transformers:
            positions = _column_positions(X, key)
            scalar = _is_scalar_key(key)
            specs.append((name, trans, key, positions, scalar))
            taken.update(positions)
        rest = [i for i in range(_n_columns(X)) if i not in taken]
        columns = _columns_of(X)
        rest_key = [columns[i] for i in rest] if columns is not None else rest
        if rest:
            specs.append(("remainder", self.remainder, rest_key, rest, False))
        return specs

    # -- fit / transform ------------------------------------------------------------------

    def fit(self, X, y=None, **params):
        """Fit every transformer on its columns.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            Passed to every transformer's ``fit``.
        **params : dict
            Not supported (metadata routing); must be empty.

        Returns
        -------
        self : object
        """
        # Dask outputs are lazy: transforming here only builds their graphs, whose metadata
        # gives the output widths (``output_indices_``).
        self._fit(X, y, params)
        return self

    def fit_transform(self, X, y=None, **params):
        """Fit every transformer and return the stacked outputs.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        **params : dict
            Not supported (metadata routing); must be empty.

        Returns
        -------
        X_t : ndarray, sparse matrix, DataFrame, dask array or dask DataFrame
        """
        outputs = self._fit(X, y, params)
        return self._stack(outputs, X)

    def _fit(self, X, y, params):
        self._validate_params()
        if params:
            raise ValueError(
                f"ColumnTransformer.fit got unexpected parameters {sorted(params)}; metadata "
                "routing is not supported."
            )
        self._validate_transformers()
        X = self._check_X(X, reset=True)
        specs = self._specs(X)
        jobs = []
        for name, trans, _key, positions, scalar in specs:
            if isinstance(trans, str) or not positions:
                continue
            jobs.append((name, clone(trans), _select(X, positions, scalar)))
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fit_one)(trans, Xs, y, name, i + 1, len(jobs), self.verbose)
            for i, (name, trans, Xs) in enumerate(jobs)
        )
        fitted = {name: res for (name, _, _), res in zip(jobs, results, strict=True)}
        transformers_ = []
        outputs = []
        for name, trans, key, positions, scalar in specs:
            if name in fitted:
                est, Xt = fitted[name]
                transformers_.append((name, est, key))
                outputs.append((name, Xt))
            elif trans == "passthrough" and positions:
                transformers_.append((name, trans, key))
                outputs.append((name, _select(X, positions, scalar)))
            else:
                transformers_.append((name, trans, key))
        if "remainder" not in [t[0] for t in transformers_]:
            transformers_.append(("remainder", self.remainder, []))
        self.transformers_ = transformers_
        self._positions = {s[0]: (s[3], s[4]) for s in specs}
        # Column names of DataFrame outputs, for transformers without get_feature_names_out
        # (as scikit-learn names them under set_output).
        self._output_columns = {
            name: columns
            for name, (_, Xt) in fitted.items()
            if (columns := _frame_columns(_as_2d(Xt))) is not None
        }
        self._set_output_indices({name: _n_out(_as_2d(Xt)) for name, Xt in outputs})
        self.sparse_output_ = self._decide_sparse([Xt for _, Xt in outputs])
        return outputs

    def _decide_sparse(self, parts):
        if not any(sp.issparse(p) for p in parts):
            return False
        nnz = sum(p.nnz if sp.issparse(p) else np.count_nonzero(p) for p in parts)
        total = sum(np.prod(_as_2d(p).shape) for p in parts)
        density = nnz / total if total else 0.0
        return density < self.sparse_threshold

    def _set_output_indices(self, widths):
        """Output column slice of every transformer, from the widths of its output.

        A dask array output with an unknown number of columns is measured by the
        transformer's feature names instead.
        """
        indices = {}
        start = 0
        for name, trans, _ in self.transformers_:
            width = widths.get(name, 0)
            if width is None:
                try:
                    width = len(self._part_names(name, trans, self._input_names()))
                except AttributeError as exc:
                    raise ValueError(
                        f"The output of transformer {name} (type {type(trans).__name__}) has "
                        "an unknown number of columns and the transformer has no "
                        "get_feature_names_out to count them. Have it return a dask array "
                        "with known column chunks (pass chunks= or meta= to map_blocks)."
                    ) from exc
            indices[name] = slice(start, start + width) if width else slice(0, 0)
            start += width
        for name, *_ in self.transformers:
            indices.setdefault(name, slice(0, 0))
        indices.setdefault("remainder", slice(0, 0))
        self.output_indices_ = indices

    @property
    def named_transformers_(self):
        """Fitted transformers by name."""
        check_is_fitted(self, "transformers_")
        return Bunch(**{name: trans for name, trans, _ in self.transformers_})

    def transform(self, X, **params):
        """Transform ``X`` with every fitted transformer and stack the outputs.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
            With DataFrames, the columns are found by name.
        **params : dict
            Not supported (metadata routing); must be empty.

        Returns
        -------
        X_t : ndarray, sparse matrix, DataFrame, dask array or dask DataFrame
        """
        check_is_fitted(self, "transformers_")
        if params:
            raise ValueError("metadata routing is not supported; pass no extra parameters.")
        if is_frame(X) and getattr(self, "feature_names_in_", None) is not None:
            missing = [c for c in self.feature_names_in_ if c not in X.columns]
            if missing:
                raise ValueError(f"columns are missing: {set(missing)}")
            if list(X.columns) != list(self.feature_names_in_):
                X = X[list(self.feature_names_in_)]
        X = self._check_X(X, reset=False)
        outputs = []
        for name, trans, _ in self.transformers_:
            positions, scalar = self._positions.get(name, ([], False))
            if isinstance(trans, str) and trans == "drop" or not positions:
                continue
            Xs = _select(X, positions, scalar)
            outputs.append((name, Xs if isinstance(trans, str) else trans.transform(Xs)))
        return self._stack(outputs, X)

    # -- output ---------------------------------------------------------------------------

    def _weighted(self, name, Xt):
        weights = self.transformer_weights or {}
        if name not in weights:
            return Xt
        return Xt * weights[name]

    def _stack(self, outputs, X):
        """Stack the outputs side by side; feature names are read only for a DataFrame."""
        parts = [_as_2d(self._weighted(name, Xt)) for name, Xt in outputs]
        if not parts:
            if is_dask_collection(X):
                return _row_blocks(X)
            return np.zeros((X.shape[0], 0))
        dask_parts = [is_dask_collection(p) for p in parts]
        if any(dask_parts):
            if not all(dask_parts):
                bad = [n for (n, _), d in zip(outputs, dask_parts, strict=True) if not d]
                raise TypeError(
                    f"Transformers {bad} returned in-memory output for dask input. Use "
                    "dask_scale transformers, or wrap scikit-learn ones with "
                    "dask_scale.wrappers.ParallelPostFit."
                )
            return self._stack_dask(parts, [name for name, _ in outputs], _row_blocks(X))
        if self.sparse_output_:
            return sp.hstack([sp.csr_matrix(p) for p in parts]).tocsr()
        parts = [p.toarray() if sp.issparse(p) else p for p in parts]
        if self.preserve_dataframe and all(isinstance(p, pd.DataFrame) for p in parts):
            out = pd.concat(parts, axis=1)
            out.columns = list(self.get_feature_names_out())
            return out
        if _get_output_config("transform", self)["dense"] != "default":
            # set_output's wrapper names the columns with get_feature_names_out, and would
            # silently fall back to numbers where a transformer has no names: fail clearly.
            self.get_feature_names_out()
        return np.hstack([np.asarray(p) for p in parts])

    def _stack_dask(self, parts, part_names, rows):
        """Join dask outputs: DataFrames partition by partition, or arrays with the row
        blocks of ``rows`` (the input's, as an empty array)."""
        frames = [is_dask_frame(p) for p in parts]
        if self.preserve_dataframe and all(frames):
            nblocks = {p.npartitions for p in parts}
            if len(nblocks) != 1:
                raise ValueError(
                    "The transformers' outputs have different numbers of partitions "
                    f"({sorted(nblocks)}); they must be partitioned like the input."
                )
            names = list(self.get_feature_names_out())
            if len(parts) == 1:
                out = parts[0]
                return out.rename(columns=dict(zip(out.columns, names, strict=True)))
            meta = _concat_partitions(names, *[p._meta for p in parts])
            return dd.map_partitions(
                _concat_partitions, names, *parts, meta=meta, align_dataframes=False
            )
        arrays = []
        for p, f in zip(parts, frames, strict=True):
            # one row block per partition, however many columns the part keeps (dask would
            # fuse the partitions of a projection of a Parquet read by its width)
            a = frame_to_dask_array(p) if f else p
            if a.ndim == 1:
                a = a[:, None]
            if len(a.chunks[1]) > 1:
                a = a.rechunk({1: -1})
            arrays.append(a)
        arrays = [
            check_consistent_rows(rows, a, names=("X", f"the output of {name}"))
            for name, a in zip(part_names, arrays, strict=True)
        ]
        if len(arrays) == 1:
            return arrays[0]
        return da.concatenate(arrays, axis=1, allow_unknown_chunksizes=True)

    # -- feature names --------------------------------------------------------------------

    def _input_names(self):
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return np.asarray(names, dtype=object)
        return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)

    def _part_names(self, name, trans, names_in):
        positions, _ = self._positions.get(name, ([], False))
        if not positions or (isinstance(trans, str) and trans == "drop"):
            return []
        selected = names_in[positions]
        if isinstance(trans, str):
            return list(selected)
        try:
            return list(trans.get_feature_names_out(selected))
        except AttributeError as exc:
            # no such method, or a Pipeline with a step without one
            missing = exc
        columns = getattr(self, "_output_columns", {}).get(name)
        if columns is not None:
            return list(columns)
        raise AttributeError(
            f"Transformer {name} (type {type(trans).__name__}) does not provide "
            "get_feature_names_out, and its output in fit was not a DataFrame, so its output "
            "columns have no names. Give it a get_feature_names_out method (for a "
            "FunctionTransformer: feature_names_out='one-to-one' or a callable), or have it "
            "return a DataFrame; or ask for an array output: preserve_dataframe=False, "
            "set_output(transform='default')."
        ) from missing

    def get_feature_names_out(self, input_features=None):
        """Output feature names (``"name__feature"`` with ``verbose_feature_names_out``).

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "transformers_")
        names_in = self._input_names()
        if input_features is not None:
            input_features = np.asarray(input_features, dtype=object)
            if len(input_features) != len(names_in) or (
                getattr(self, "feature_names_in_", None) is not None
                and not np.array_equal(input_features, names_in)
            ):
                raise ValueError("input_features is not equal to feature_names_in_")
            names_in = input_features
        out = []
        for name, trans, _ in self.transformers_:
            part = self._part_names(name, trans, names_in)
            if self.verbose_feature_names_out:
                out.extend(f"{name}__{n}" for n in part)
            else:
                out.extend(part)
        if not self.verbose_feature_names_out:
            dupes = sorted(n for n, c in Counter(out).items() if c > 1)
            if dupes:
                raise ValueError(
                    f"Output feature names: {dupes[:5]} are not unique. Please set "
                    "verbose_feature_names_out=True to add prefixes to feature names"
                )
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = [t[1] for t in self.transformers or []] + [self.remainder]
        allow_nan = True
        for trans in inner:
            if isinstance(trans, str):
                continue
            try:
                allow_nan = allow_nan and trans.__sklearn_tags__().input_tags.allow_nan
            except AttributeError:
                allow_nan = False
        tags.input_tags.allow_nan = allow_nan
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def _lowercase_names(estimators):
    names = [e if isinstance(e, str) else type(e).__name__.lower() for e in estimators]
    counts = Counter(names)
    seen = Counter()
    out = []
    for n in names:
        if counts[n] > 1:
            seen[n] += 1
            out.append(f"{n}-{seen[n]}")
        else:
            out.append(n)
    return out


def make_column_transformer(
    *transformers,
    remainder="drop",
    sparse_threshold=0.3,
    n_jobs=None,
    verbose=False,
    verbose_feature_names_out=True,
    preserve_dataframe=True,
):
    """Build a :class:`ColumnTransformer` from ``(transformer, columns)`` pairs.

    Names are the lowercased class names (``"standardscaler"``), numbered when repeated.

    Parameters
    ----------
    *transformers : tuples
        ``(transformer, columns)`` pairs.
    remainder, sparse_threshold, n_jobs, verbose, verbose_feature_names_out, \
preserve_dataframe
        As for :class:`ColumnTransformer`.

    Returns
    -------
    ColumnTransformer
    """
    estimators = [t[0] for t in transformers]
    names = _lowercase_names(estimators)
    return ColumnTransformer(
        [(name, trans, cols) for name, (trans, cols) in zip(names, transformers, strict=True)],
        remainder=remainder,
        sparse_threshold=sparse_threshold,
        n_jobs=n_jobs,
        verbose=verbose,
        verbose_feature_names_out=verbose_feature_names_out,
        preserve_dataframe=preserve_dataframe,
    )
