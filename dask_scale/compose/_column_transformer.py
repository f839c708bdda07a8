"""ColumnTransformer: apply transformers to column subsets of arrays and DataFrames.

Works on NumPy arrays, pandas DataFrames, dask arrays and dask DataFrames. Which columns each
transformer gets is ``_selection``'s job (by name, position, mask or callable); how the
outputs are stacked side by side is ``_output``'s (a DataFrame when every part is one and
``preserve_dataframe``, otherwise an array; a lazy dask array for dask input). The output
widths (``output_indices_``) come from the outputs themselves (their metadata, for dask), so
feature names are read only for a DataFrame output (or ``get_feature_names_out()``): a
transformer without ``get_feature_names_out`` works for array outputs, and is named by the
columns of its DataFrame output otherwise.
"""

from __future__ import annotations

import numbers
import time
from collections import Counter

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, clone
from sklearn.utils import Bunch, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from .._set_output import TransformerMixin
from .._types import is_frame
from .._validation import check_table
from ._output import as_2d, frame_columns, is_sparse_output, output_width, stack_outputs
from ._selection import column_specs, select_columns, validate_transformers

__all__ = ["ColumnTransformer", "make_column_transformer"]


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
        If some output is sparse (a SciPy matrix, a dask array of sparse blocks, a
        DataFrame of pandas ``Sparse`` columns) and the overall density of the stacked
        outputs is below this, an array output is sparse, as in scikit-learn. For dask
        input the density is counted in one extra pass at fit; a sparse output is a dask
        array of CSR blocks (each stacked with ``scipy.sparse.hstack``), a dense one has
        the sparse blocks densified per row block. A DataFrame output is never sparse.
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
        Whether the output of ``transform`` is a sparse matrix (for dask input, a dask
        array of CSR blocks).
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

    def _check_X(self, X, reset):
        return check_table(self, X, reset=reset, ensure_all_finite=False)[1]

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
        validate_transformers(self.transformers)
        X = self._check_X(X, reset=True)
        # (name, transformer, columns_key, positions, scalar) for every transformer
        specs = column_specs(X, self.transformers, self.remainder)
        jobs = []
        for name, trans, _key, positions, scalar in specs:
            if isinstance(trans, str) or not positions:
                continue
            jobs.append((name, clone(trans), select_columns(X, positions, scalar)))
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
                outputs.append((name, select_columns(X, positions, scalar)))
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
            if (columns := frame_columns(as_2d(Xt))) is not None
        }
        self._set_output_indices({name: output_width(as_2d(Xt)) for name, Xt in outputs})
        self.sparse_output_ = is_sparse_output(
            [self._weighted(name, Xt) for name, Xt in outputs],
            self.sparse_threshold,
            X,
            self.preserve_dataframe,
        )
        return outputs

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
            Xs = select_columns(X, positions, scalar)
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
        return stack_outputs(
            [as_2d(self._weighted(name, Xt)) for name, Xt in outputs],
            [name for name, _ in outputs],
            X,
            sparse=getattr(self, "sparse_output_", False),
            preserve_dataframe=self.preserve_dataframe,
            feature_names=self.get_feature_names_out,
            names_needed=_get_output_config("transform", self)["dense"] != "default",
        )

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
        # in-memory sparse X is passed on, column by column, as scikit-learn's: sparse when
        # every transformer takes sparse input
        try:
            tags.input_tags.sparse = all(
                get_tags(t[1]).input_tags.sparse
                for t in self.transformers or []
                if not isinstance(t[1], str)
            )
        except (TypeError, IndexError, AttributeError):  # malformed: fit raises the error
            tags.input_tags.sparse = False
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
