"""PolynomialFeatures: polynomial and interaction features, row block by row block."""

from __future__ import annotations

import numbers
from itertools import chain, combinations, combinations_with_replacement

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._set_output import TransformerMixin
from .._validation import check_input_features
from ._base import FLOAT_DTYPES, transform_rows, validate_numeric

__all__ = ["PolynomialFeatures"]


def _terms(n_features, min_degree, max_degree, interaction_only, include_bias):
    """The index tuples of the output columns, in scikit-learn's order."""
    pick = combinations if interaction_only else combinations_with_replacement
    start = max(1, min_degree)
    terms = chain.from_iterable(pick(range(n_features), d) for d in range(start, max_degree + 1))
    if include_bias:
        terms = chain([()], terms)
    return list(terms)


def _polynomial_block(X, terms, order):
    """Products of the columns of ``X`` for every term.

    The product of ``(i0, i1, ..., ik)`` is ``product(i1, ..., ik) * x_i0``, the order in
    which scikit-learn multiplies, so results are bit for bit equal to it.
    """
    out = np.empty((X.shape[0], len(terms)), dtype=X.dtype, order=order)
    cache = {}

    def product(term):
        if term in cache:
            return cache[term]
        if len(term) == 1:
            value = X[:, term[0]]
        else:
            value = product(term[1:]) * X[:, term[0]]
        cache[term] = value
        return value

    for k, term in enumerate(terms):
        out[:, k] = 1 if not term else product(term)
    return out


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """Generate polynomial and interaction features.

    The output has one column per monomial of degree ``min_degree..max_degree`` of the
    input features, in scikit-learn's order, each computed as scikit-learn computes it
    (the product of the later factors times the first one), block by block.

    Parameters
    ----------
    degree : int or tuple (min_degree, max_degree), default=2
        Maximal degree, or the range of degrees, of the polynomial features.
    interaction_only : bool, default=False
        Only products of distinct features.
    include_bias : bool, default=True
        Include the constant column of ones.
    order : {'C', 'F'}, default='C'
        Memory layout of NumPy output.
    preserve_dataframe : bool, default=False
        If True, a pandas DataFrame gives a pandas DataFrame and a dask DataFrame a dask
        DataFrame, with the input's index (and divisions) and the
        ``get_feature_names_out`` names as columns, as dask-ml documents. False (the
        default, dask-ml's and scikit-learn's behaviour) returns NumPy or dask arrays.

    Attributes
    ----------
    powers_ : ndarray of shape (`n_output_features_`, `n_features_in_`)
        Exponent of each input feature in each output feature.
    n_output_features_ : int
        Number of output features.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    """

    _parameter_constraints: dict = {
        "degree": [Interval(numbers.Integral, 0, None, closed="left"), "array-like"],
        "interaction_only": ["boolean"],
        "include_bias": ["boolean"],
        "order": [StrOptions({"C", "F"})],
        "preserve_dataframe": ["boolean"],
    }

    def __init__(
        self, degree=2, *, interaction_only=False, include_bias=True, order="C",
        preserve_dataframe=False,
    ):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias
        self.order = order
        self.preserve_dataframe = preserve_dataframe

    def fit(self, X, y=None):
        """Compute the output features (no pass over the data).

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
        X, _ = validate_numeric(self, X, reset=True, allow_nan=False, dtype="numeric")
        if isinstance(self.degree, numbers.Integral):
            if self.degree == 0 and not self.include_bias:
                raise ValueError(
                    "Setting degree to zero and include_bias to False would result in an "
                    "empty output array."
                )
            low, high = 0, int(self.degree)
        else:
            degree = list(self.degree)
            if not (
                len(degree) == 2
                and all(isinstance(d, numbers.Integral) for d in degree)
                and 0 <= degree[0] <= degree[1]
            ):
                raise ValueError(
                    "degree=(min_degree, max_degree) must be non-negative integers that "
                    f"fulfil min_degree <= max_degree, got {self.degree}."
                )
            low, high = int(degree[0]), int(degree[1])
            if high == 0 and not self.include_bias:
                raise ValueError(
                    "Setting both min_degree and max_degree to zero and include_bias to "
                    "False would result in an empty output array."
                )
        self._min_degree, self._max_degree = low, high
        self._terms = _terms(
            X.shape[1], low, high, self.interaction_only, self.include_bias
        )
        self.n_output_features_ = len(self._terms)
        return self

    @property
    def powers_(self):
        """Exponent of each input feature in each output feature."""
        check_is_fitted(self)
        n = self.n_features_in_
        return np.vstack([np.bincount(np.asarray(t, dtype=np.int64), minlength=n) for t in self._terms])

    def transform(self, X):
        """Compute the polynomial features of ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        XP : ndarray, dask array, pandas or dask DataFrame of shape \
                (n_samples, `n_output_features_`)
            A DataFrame (for DataFrame input) only with ``preserve_dataframe=True``.
        """
        check_is_fitted(self)
        pandas_frame = X if isinstance(X, pd.DataFrame) else None
        X, frame = validate_numeric(self, X, reset=False, allow_nan=False, dtype=FLOAT_DTYPES)
        names = self.get_feature_names_out()
        out = transform_rows(
            _polynomial_block,
            X,
            frame if self.preserve_dataframe else None,
            self._terms,
            self.order,
            n_out=self.n_output_features_,
            out_dtype=X.dtype,
            names=names,
            allow_nan=False,
        )
        if self.preserve_dataframe and pandas_frame is not None:
            out = pd.DataFrame(out, index=pandas_frame.index, columns=list(names), copy=False)
        return out

    _sparse_output_format = "input"  # in-memory sparse X: densified, output CSR/CSC

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def get_feature_names_out(self, input_features=None):
        """Output feature names, e.g. ``"x0 x1"`` or ``"x0^2"``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        features = check_input_features(self, input_features)
        names = []
        for row in self.powers_:
            idx = np.flatnonzero(row)
            if not len(idx):
                names.append("1")
                continue
            names.append(
                " ".join(
                    features[i] if row[i] == 1 else f"{features[i]}^{row[i]}" for i in idx
                )
            )
        return np.asarray(names, dtype=object)
