"""BlockTransformer: apply a function to every block of an array or partition of a DataFrame."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._graph import map_row_blocks
from .._set_output import TransformerMixin
from .._validation import check_table, is_dask_collection, is_dask_frame
from ._base import validate_numeric

__all__ = ["BlockTransformer"]


def _apply(block, func, kw_args):
    return func(block, **kw_args) if func is not None else block


def _describe(out, rows=None):
    shape = getattr(out, "shape", None)
    if rows is not None and shape:
        shape = "(" + ", ".join([rows, *map(str, shape[1:])]) + ("," if len(shape) == 1 else "") + ")"
    dtype = getattr(out, "dtype", None)
    if dtype is None and hasattr(out, "dtypes"):
        dtype = "columns " + ", ".join(map(str, out.dtypes.unique()))
    return f"{type(out).__name__} of shape {shape} and dtype {dtype}"


def _apply_checked(block, func, kw_args, meta, guessed):
    """``func`` on one block, its output checked against what the lazy result promised.

    The same number of rows, and (for arrays) the trailing shape and dtype of ``meta``: the
    output of ``func`` on an empty block, or, when ``guessed``, the input's own (``func``
    could not run on an empty block).
    """
    out = _apply(block, func, kw_args)
    n_in, n_out = len(block), len(out) if hasattr(out, "__len__") else None
    problem = None
    if n_out != n_in:
        problem = f"{n_out} rows for a block of {n_in} rows (it must keep the rows)"
    elif isinstance(meta, np.ndarray):
        out = np.asarray(out) if not hasattr(out, "dtype") else out
        if getattr(out, "shape", (None,))[1:] != meta.shape[1:] or out.dtype != meta.dtype:
            problem = _describe(out)
    if problem is not None:
        told = (
            "the input's shape and dtype, since func raised on an empty block"
            if guessed
            else "what func returned on an empty block"
        )
        raise ValueError(
            f"BlockTransformer: func returned {problem}, where {_describe(meta, 'n')} was "
            f"expected ({told}). func must map a block to one with the same rows and the "
            "same columns and dtype for every block."
        )
    return out


def _output_meta(meta_in, func, kw_args):
    """The output of ``func`` on the input's empty meta, or (the input's meta, True)."""
    try:
        out = _apply(meta_in, func, kw_args)
    except Exception:  # noqa: BLE001 - func may refuse an empty block; checked per block
        return meta_in, True
    return out, False


def _map_blocks(X, func, kw_args):
    """``func`` on every row block of a dask collection, each output checked when computed.

    A dask array's column blocks are merged first, so a row-wise ``func`` sees whole rows.
    The output's meta is ``func`` on an empty block (a partition's meta for a DataFrame), so
    a ``func`` that changes the number of columns gives an output of the right shape.
    """
    empty = X._meta if is_dask_frame(X) else np.empty((0,) + X.shape[1:], dtype=X.dtype)
    meta, guessed = _output_meta(empty, func, kw_args)
    if not isinstance(meta, (pd.Series, pd.DataFrame)):
        meta = np.asarray(meta)
    return map_row_blocks(_apply_checked, X, func, kw_args, meta, guessed, meta=meta)


class BlockTransformer(TransformerMixin, BaseEstimator):
    """Apply a function to each block of a dask array or partition of a dask DataFrame.

    A stateless transformer for element-wise or row-wise functions (``np.log1p``, a
    row-normalisation, a DataFrame method...). As in dask-ml, extra keyword arguments are
    passed to ``func``: ``BlockTransformer(np.clip, a_min=0, a_max=1)`` applies
    ``np.clip(block, a_min=0, a_max=1)``. Being stateless, :meth:`transform` works without
    :meth:`fit` (which only records the input's features).

    Parameters
    ----------
    func : callable or None, default=None
        ``func(block, **keywords)``: a NumPy block (or pandas partition) in, one with the
        same number of rows out (any number of columns). None is the identity. A dask
        array split into several column blocks is merged into one column block first, so
        a row-wise ``func`` always sees whole rows.
    validate : bool, default=False
        Check that the input is numeric and 2-D (as ``FunctionTransformer(validate=True)``:
        numeric dtypes are kept, strings and categories raise a ValueError) before calling
        ``func``; DataFrames then become arrays.
    kw_args : dict or None, default=None
        Keyword arguments of ``func``, as one dict (scikit-learn's ``FunctionTransformer``
        spelling). Needed only for a keyword named ``func``, ``validate`` or ``kw_args``;
        a keyword may not be given both here and in ``**kwargs``.
    **kwargs
        More keyword arguments of ``func`` (dask-ml's spelling). Each is a parameter of the
        estimator: ``get_params`` lists it, ``set_params`` changes it (or adds a new
        keyword of ``func``), and ``clone`` and pickling keep it.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit (set only by :meth:`fit`).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    Notes
    -----
    When the transformer was fitted, :meth:`transform` checks that the input has the
    features seen in fit (count and names), as scikit-learn's transformers do; unfitted, it
    applies ``func`` to whatever it is given.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> from dask_scale.preprocessing import BlockTransformer
    >>> X = da.from_array(np.array([[1.0, 2.0], [3.0, 4.0]]), chunks=1)
    >>> BlockTransformer(np.clip, a_min=1.5, a_max=3.5).transform(X).compute()
    array([[1.5, 2. ],
           [3. , 3.5]])
    >>> BlockTransformer(np.clip, a_min=1.5, a_max=3.5).get_params()["a_max"]
    3.5
    """

    _parameter_constraints: dict = {
        "func": [callable, None],
        "validate": ["boolean"],
        "kw_args": [dict, None],
    }

    def __init__(self, func=None, *, validate=False, kw_args=None, **kwargs):
        self.func = func
        self.validate = validate
        self.kw_args = kw_args
        self._func_kwargs = kwargs

    # -- the keyword arguments of func as estimator parameters ------------------------------

    def get_params(self, deep=True):
        """Get the parameters: ``func``, ``validate``, ``kw_args`` and each extra keyword.

        Parameters
        ----------
        deep : bool, default=True
            As in scikit-learn (nested estimators' parameters are included).

        Returns
        -------
        params : dict
            The extra keyword arguments of ``func`` appear under their own names, so
            ``BlockTransformer(**est.get_params(deep=False))`` (what ``clone`` does)
            rebuilds the same transformer.
        """
        params = super().get_params(deep=deep)
        params.update(self.__dict__.get("_func_kwargs", {}))
        return params

    def set_params(self, **params):
        """Set parameters; a name that is not ``func``, ``validate`` or ``kw_args`` (nor a
        nested ``name__param``) is a keyword argument of ``func``, changed or added.

        Parameters
        ----------
        **params : dict

        Returns
        -------
        self : BlockTransformer
        """
        own = set(self._get_param_names())
        keywords = {k: v for k, v in params.items() if k not in own and "__" not in k}
        super().set_params(**{k: v for k, v in params.items() if k not in keywords})
        if keywords:
            self._func_kwargs = {**self.__dict__.get("_func_kwargs", {}), **keywords}
        return self

    def _keywords(self):
        """The keyword arguments ``func`` is called with (``kw_args`` and ``**kwargs``)."""
        extra = self.__dict__.get("_func_kwargs", {})
        both = sorted(set(self.kw_args or {}) & set(extra))
        if both:
            raise ValueError(
                f"BlockTransformer: keyword argument(s) {both} of func are given both in "
                "kw_args and as keyword arguments; give each once."
            )
        return {**(self.kw_args or {}), **extra}

    # -- fit / transform ---------------------------------------------------------------------

    def _check(self, X, reset):
        if self.validate:
            X, _ = validate_numeric(self, X, reset=reset, dtype="numeric")
            return X
        _, X = check_table(
            self, X, reset=reset, ensure_min_samples=0, allow_nd=True, convert=False
        )
        return X

    def fit(self, X, y=None):
        """Record the number of features (nothing is learnt).

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
        self._keywords()
        self._check(X, reset=True)
        return self

    def transform(self, X):
        """Apply ``func`` to every block of ``X`` (no fit needed).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        X_tr : the output of ``func``: NumPy for in-memory input, lazy dask for dask input
        """
        self._validate_params()
        kw_args = self._keywords()
        if "n_features_in_" in self.__dict__:
            X = self._check(X, reset=False)
        else:  # not fitted: the input is checked as fit checks it, nothing is recorded
            X = copy.copy(self)._check(X, reset=True)
        if is_dask_collection(X):
            return _map_blocks(X, self.func, kw_args)
        return _apply(X, self.func, kw_args)

    def __sklearn_is_fitted__(self):
        return True  # stateless: nothing to learn (as scikit-learn's FunctionTransformer)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.allow_nan = True
        # Without validation, whatever ``func`` accepts is accepted (as FunctionTransformer).
        tags.no_validation = not self.validate
        tags.input_tags.sparse = not self.validate
        return tags
