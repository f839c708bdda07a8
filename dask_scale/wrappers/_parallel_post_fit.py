"""ParallelPostFit: fit in memory, predict / transform / score block by block."""

from __future__ import annotations

import copy

from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import get_scorer_names
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._validation import check_y, is_dask_collection
from . import _score
from ._blockwise import compute, map_method

__all__ = ["ParallelPostFit"]


def _inner_is_fitted(estimator):
    """True when ``estimator`` (the wrapped one, not the wrapper's clone) is fitted."""
    if estimator is None:
        return False
    try:
        check_is_fitted(estimator)
    except (NotFittedError, TypeError):  # TypeError: not an estimator (no fit method)
        return False
    return True


def _inner_has(method):
    """True when the fitted (else the unfitted) inner estimator has ``method``."""

    def check(self):
        inner = self.__dict__.get("estimator_", self.estimator)
        return inner is not None and hasattr(inner, method)

    return check


class ParallelPostFit(MetaEstimatorMixin, BaseEstimator):
    """Meta-estimator: fit in memory, then predict, transform and score block by block.

    Use it for a model that fits on a sample small enough for memory but must be applied to
    a dask array or DataFrame too large for it: ``predict``, ``predict_proba``,
    ``predict_log_proba``, ``decision_function``, ``transform`` and ``score`` run on every
    row block, lazily, on whatever scheduler is active (a dask.distributed Client included).

    Parameters
    ----------
    estimator : estimator object, default=None
        The scikit-learn-compatible estimator to wrap (required: ``None`` raises a ValueError
        at fit). It is cloned at ``fit``. It may be **already fitted** (e.g. trained in
        memory on a sample): then ``predict``, ``transform``, ``score``... work without
        calling the wrapper's ``fit``, and use it as it is (see Notes).
    scoring : str, callable or None, default=None
        How :meth:`score` scores: a name from ``sklearn.metrics.get_scorer_names()``, a
        callable ``scorer(estimator, X, y)``, or None for the estimator's own ``score``.
        On dask input, the scorers of :data:`dask_scale.metrics.SCORERS` (``"accuracy"``,
        ``"r2"``, ``"neg_mean_squared_error"``, ``"neg_log_loss"``, ``"roc_auc"``,
        ``"f1_macro"``, ...; and None when the estimator's score is scikit-learn's
        accuracy or R²) run :mod:`dask_scale.metrics` on the lazy blockwise responses, one
        tree reduction; other scorers get the predictions
        they need computed blockwise and concatenated in memory (X itself is not gathered);
        None with an estimator whose ``score`` is its own (e.g. a clusterer's) computes X and
        y into memory.
    predict_meta : ndarray, pandas Series/DataFrame or None, default=None
        An empty object with the type and dtype of ``predict``'s output on one block (e.g.
        ``np.array([], dtype="int64")`` or ``pd.Series([], dtype="category")``): the meta of
        the lazy result, and every block's output is cast to its dtype. None infers it
        without computing data (see Notes).
    predict_proba_meta : ndarray, pandas DataFrame or None, default=None
        Same for ``predict_proba`` and ``predict_log_proba`` (e.g.
        ``np.empty((0, n_classes))``).
    transform_meta : ndarray, scipy sparse matrix, pandas DataFrame or None, default=None
        Same for ``transform``.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted clone of ``estimator``, set by :meth:`fit`. Its fitted attributes are also
        readable on the wrapper: ``wrapper.coef_`` is ``wrapper.estimator_.coef_``, likewise
        ``classes_``, ``n_features_in_``, ``feature_names_in_``.

    Notes
    -----
    **Already-fitted estimators.** The post-fit methods use ``estimator_`` when the wrapper
    was fitted, else ``estimator`` itself when it is fitted (scikit-learn's
    ``check_is_fitted`` on it passes, which includes stateless estimators), else raise
    ``NotFittedError``. So ``ParallelPostFit(model_fitted_on_a_sample).predict(X_big)``
    works without ``fit``; the wrapper then counts as fitted (``check_is_fitted(wrapper)``
    passes) and its fitted attributes (``classes_``, ``coef_``...) are the estimator's.
    Calling :meth:`fit` trains a clone and leaves ``estimator`` untouched; ``estimator_``
    then takes precedence.

    **fit is in memory.** Dask input to :meth:`fit` (X, y and dask fit parameters) is
    computed, in one submission, into NumPy / pandas objects before the estimator's ``fit``
    runs: it must fit in the client's memory. To train block by block use
    :class:`Incremental` or a dask_scale estimator.

    **Outputs follow the input.** NumPy/pandas input is passed to the estimator unchanged
    (exactly scikit-learn's result). A dask array gives a dask array with the same row
    chunks (known or unknown); a dask DataFrame or Series gives a dask Series (1-D output)
    or DataFrame (2-D output) with the input's index and partitions: columns are the
    estimator's ``classes_`` for ``predict_proba``/``predict_log_proba``/
    ``decision_function``, ``get_feature_names_out()`` for ``transform``, else
    ``0..k-1``. Sparse output (e.g. ``HashingVectorizer``) gives a dask array of sparse
    blocks. Each pandas partition is passed to the estimator as a DataFrame, so Pipelines
    with column transformers see the column names and dtypes.

    **Empty blocks** (zero rows, e.g. a filtered partition) give zero-row outputs of the
    meta's dtype and shape; the estimator is not called on them.

    **Meta inference** (when ``*_meta`` is None), without computing data: the method is
    called on one synthetic row built from the input's metadata (zeros of the dask array's
    dtype; ``dask.dataframe.utils.meta_nonempty`` for a DataFrame), and its output's type,
    dtype and trailing shape are used. If that call fails (e.g. an encoder rejecting the
    synthetic category), rules from the fitted attributes apply: ``predict`` has the dtype
    of ``classes_`` (classifiers) or float64 with ``n_outputs_`` / ``coef_.shape[0]``
    columns when more than one; ``predict_proba`` is float64 with ``len(classes_)``
    columns; ``transform`` is float64 with ``len(get_feature_names_out())`` columns. If no
    rule applies, a ValueError asks for the meta.

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.linear_model import LogisticRegression
    >>> from dask_scale.wrappers import ParallelPostFit
    >>> X = da.random.default_rng(0).normal(size=(10_000, 4), chunks=2_500)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = ParallelPostFit(LogisticRegression()).fit(X[:1000], y[:1000])
    >>> pred = clf.predict(X)  # lazy: one task per block of X
    >>> pred.chunks
    ((2500, 2500, 2500, 2500),)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"]), None],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "predict_meta": "no_validation",
        "predict_proba_meta": "no_validation",
        "transform_meta": "no_validation",
    }

    def __init__(
        self,
        estimator=None,
        scoring=None,
        predict_meta=None,
        predict_proba_meta=None,
        transform_meta=None,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.predict_meta = predict_meta
        self.predict_proba_meta = predict_proba_meta
        self.transform_meta = transform_meta

    # -- meta-estimator plumbing -------------------------------------------------------

    def _require_estimator(self):
        if self.estimator is None:
            raise ValueError(
                f"{type(self).__name__} needs an estimator to wrap, e.g. "
                f"{type(self).__name__}(LogisticRegression()); got estimator=None."
            )

    def _require_y(self, y):
        if y is None and get_tags(self.estimator).target_tags.required:
            check_y(None, estimator=self)  # raises scikit-learn's "requires y" error

    def _postfit_estimator(self):
        """The estimator the post-fit methods use: ``estimator_``, else a fitted ``estimator``.

        Raises
        ------
        NotFittedError
            When the wrapper was not fitted and the wrapped estimator is not fitted either.
        """
        fitted = self.__dict__.get("estimator_")
        if fitted is not None:
            return fitted
        inner = self.__dict__.get("estimator")
        if _inner_is_fitted(inner):
            return inner
        name = type(self).__name__
        raise NotFittedError(
            f"This {name} instance is not fitted yet, and neither is the estimator it wraps "
            f"({type(inner).__name__}). Call {name}.fit(X, y) first, or wrap an already "
            f"fitted estimator: {name}(estimator.fit(X_sample, y_sample))."
        )

    def __getattr__(self, name):
        # Delegate fitted attributes (``coef_``, ``classes_``, ``n_features_in_``...) to the
        # fitted inner estimator (``estimator_``, else a fitted ``estimator``). Only called
        # when normal lookup fails.
        if name.startswith("_") or not name.endswith("_") or name == "estimator_":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        try:
            inner = self._postfit_estimator()
        except NotFittedError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}: it is not fitted "
                "yet (fitted attributes come from the inner estimator after fit, or from an "
                "already fitted estimator given to the wrapper)."
            ) from None
        return getattr(inner, name)

    def __sklearn_is_fitted__(self):
        return "estimator_" in self.__dict__ or _inner_is_fitted(self.__dict__.get("estimator"))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.estimator is None:
            return tags
        inner = copy.deepcopy(get_tags(self.estimator))
        inner.array_api_support = False
        return inner

    # -- fit -------------------------------------------------------------------------------

    def fit(self, X, y=None, **fit_params):
        """Fit a clone of the estimator in memory.

        Dask inputs (X, y, and dask values in ``fit_params``) are computed into memory first,
        in one submission; NumPy/pandas inputs are passed unchanged.

        Parameters
        ----------
        X : array-like, pandas DataFrame, dask array or dask DataFrame
            Training data, shape (n_samples, n_features).
        y : array-like, dask array/Series or None, default=None
            Targets, shape (n_samples,) or (n_samples, n_outputs).
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : ParallelPostFit
        """
        self._validate_params()
        self._require_estimator()
        self._require_y(y)
        names = [k for k, v in fit_params.items() if is_dask_collection(v)]
        if is_dask_collection(X) or is_dask_collection(y) or names:
            X, y, *values = compute(X, y, *[fit_params[k] for k in names])
            fit_params = {**fit_params, **dict(zip(names, values, strict=True))}
        estimator = clone(self.estimator)
        if y is None:
            estimator.fit(X, **fit_params)
        else:
            estimator.fit(X, y, **fit_params)
        self.estimator_ = estimator
        return self

    # -- blockwise methods ---------------------------------------------------------------

    def _call(self, method, X, meta=None):
        estimator = self._postfit_estimator()
        if not is_dask_collection(X):
            return getattr(estimator, method)(X)
        return map_method(estimator, method, X, meta)

    @available_if(_inner_has("predict"))
    def predict(self, X):
        """Predict for every row of X, block by block.

        Parameters
        ----------
        X : array-like, dask array, dask DataFrame or Series
            Shape (n_samples, n_features).

        Returns
        -------
        y : ndarray, dask array or dask Series/DataFrame
            Shape (n_samples,) or (n_samples, n_outputs), following the input's kind.
        """
        return self._call("predict", X, self.predict_meta)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities for every row of X, block by block.

        Parameters
        ----------
        X : array-like, dask array, dask DataFrame or Series
            Shape (n_samples, n_features).

        Returns
        -------
        proba : ndarray, dask array or dask DataFrame
            Shape (n_samples, n_classes); a DataFrame's columns are ``classes_``.
        """
        return self._call("predict_proba", X, self.predict_proba_meta)

    @available_if(_inner_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log of the class probabilities, block by block (meta: ``predict_proba_meta``).

        Parameters
        ----------
        X : array-like, dask array, dask DataFrame or Series
            Shape (n_samples, n_features).

        Returns
        -------
        log_proba : ndarray, dask array or dask DataFrame
            Shape (n_samples, n_classes).
        """
        return self._call("predict_log_proba", X, self.predict_proba_meta)

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X):
        """Decision function for every row of X, block by block (meta inferred).

        Parameters
        ----------
        X : array-like, dask array, dask DataFrame or Series
            Shape (n_samples, n_features).

        Returns
        -------
        scores : ndarray, dask array or dask Series/DataFrame
            Shape (n_samples,) for binary problems, else (n_samples, n_classes).
        """
        return self._call("decision_function", X)

    @available_if(_inner_has("transform"))
    def transform(self, X):
        """Transform every row of X, block by block.

        Parameters
        ----------
        X : array-like, dask array, dask DataFrame or Series
            Shape (n_samples, n_features).

        Returns
        -------
        Xt : ndarray, sparse matrix, dask array or dask DataFrame
            Shape (n_samples, n_features_out); a DataFrame's columns are
            ``get_feature_names_out()`` when the estimator has it.
        """
        return self._call("transform", X, self.transform_meta)

    @available_if(_inner_has("transform"))
    def fit_transform(self, X, y=None, **fit_params):
        """Fit in memory (see :meth:`fit`), then transform X block by block.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame
            Shape (n_samples, n_features).
        y : array-like, dask array/Series or None, default=None
            Shape (n_samples,).
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        Xt : ndarray, sparse matrix, dask array or dask DataFrame
            Shape (n_samples, n_features_out), lazy for dask input.
        """
        return self.fit(X, y, **fit_params).transform(X)

    @available_if(_inner_has("get_feature_names_out"))
    def get_feature_names_out(self, input_features=None):
        """The inner estimator's output feature names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Passed to the inner estimator.

        Returns
        -------
        feature_names_out : ndarray of str
        """
        return self._postfit_estimator().get_feature_names_out(input_features)

    @available_if(lambda self: self.scoring is not None or _inner_has("score")(self))
    def score(self, X, y, sample_weight=None, *, compute=True):
        """Score on (X, y) with ``scoring`` (blockwise on dask input where the metric allows).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame
            Shape (n_samples, n_features).
        y : array-like, dask array or dask Series
            Shape (n_samples,) or (n_samples, n_outputs), partitioned like X when dask.
        sample_weight : array-like, dask array or None, default=None
            Shape (n_samples,).
        compute : bool, default=True
            For dask X: True computes the score and returns a float; False returns it lazily,
            a :class:`dask.delayed.Delayed` whose ``compute()`` gives the same float, for the
            scorers computed blockwise (the names of :data:`dask_scale.metrics.SCORERS`:
            ``"accuracy"``, ``"r2"``, ``"neg_mean_squared_error"``, ``"neg_log_loss"``,
            ``"roc_auc"``, ``"f1_macro"``, ..., and None when the estimator's score is
            accuracy or R²) and for None with the estimator's own ``score`` (one task scoring the
            computed X and y). Other scorers run the estimator's methods themselves, so they
            are computed now, with a UserWarning. In-memory X is scored now, whatever
            ``compute`` (as dask-ml does).

        Returns
        -------
        score : float or dask.delayed.Delayed
        """
        return _score.score(self, X, y, sample_weight, compute=compute)
