"""Blockwise ensembles: one clone of an estimator fitted per row block, combined at predict."""

from __future__ import annotations

import dask
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._fitting import all_or_nothing
from .._graph import map_rows, reduce_blocks
from .._graph.compute import compute
from .._validation import (
    EMPTY_INPUT_HINT,
    check_consistent_rows,
    check_sample_weight,
    check_y,
    is_dask_array,
    is_dask_collection,
    is_dask_frame,
    no_samples_error,
)
from .._validation.features import _check_feature_names, _check_n_features
from ..metrics import accuracy_score, r2_score

__all__ = ["BlockwiseVotingClassifier", "BlockwiseVotingRegressor"]


def _fit_block(X, y, w, estimator, fit_params):
    """One clone of ``estimator`` fitted on one row block (a list: empty for an empty block)."""
    if X.shape[0] == 0:
        return []
    kwargs = dict(fit_params)
    if w is not None:
        kwargs["sample_weight"] = w
    if hasattr(y, "to_numpy") and getattr(y, "ndim", 1) == 1:
        y = y.to_numpy()
    return [clone(estimator).fit(X, y, **kwargs)]


def _concat(parts):
    out = []
    for p in parts:
        out.extend(p)
    return out


def _hard_vote(X, estimators, classes):
    """Per row, the class most estimators predict (the first in ``classes`` on ties)."""
    if X.shape[0] == 0:
        return classes[:0]
    votes = np.zeros((X.shape[0], classes.shape[0]), dtype=np.int64)
    rows = np.arange(X.shape[0])
    for est in estimators:
        pred = np.asarray(est.predict(X)).reshape(-1)
        codes = np.searchsorted(classes, pred)
        codes = np.minimum(codes, classes.shape[0] - 1)
        if not np.array_equal(classes[codes], pred):
            raise ValueError(
                f"A block's estimator predicted labels outside classes_ {classes!r}."
            )
        np.add.at(votes, (rows, codes), 1)
    return classes[np.argmax(votes, axis=1)]


def _soft_proba(X, estimators, classes):
    """Mean of the estimators' probabilities, each aligned to the columns of ``classes``."""
    total = np.zeros((X.shape[0], classes.shape[0]))
    if X.shape[0] == 0:
        return total
    for est in estimators:
        cols = np.searchsorted(classes, est.classes_)
        total[:, cols] += np.asarray(est.predict_proba(X), dtype=np.float64)
    return total / len(estimators)


def _soft_vote(X, estimators, classes):
    return classes[np.argmax(_soft_proba(X, estimators, classes), axis=1)]


def _mean_prediction(X, estimators, n_outputs):
    if X.shape[0] == 0:
        return np.zeros((0,) if n_outputs is None else (0, n_outputs))
    total = None
    for est in estimators:
        pred = np.asarray(est.predict(X), dtype=np.float64)
        total = pred if total is None else total + pred
    return total / len(estimators)


class _BlockwiseBase(MetaEstimatorMixin, BaseEstimator):
    _parameter_constraints: dict = {"estimator": [HasMethods(["fit", "predict"])]}

    def _check_input(self, X, y):
        """Blocks of ``X`` and ``y`` aligned for the fit (NumPy/pandas input: one block)."""
        if y is None:
            check_y(None, estimator=self)
        if is_dask_array(X):
            if X.ndim != 2:
                raise ValueError(f"Expected a 2-D dask array for X, got {X.ndim} dimension(s).")
            if len(X.chunks[1]) > 1:
                X = X.rechunk({1: -1})
            if is_dask_frame(y):
                raise TypeError(
                    "X is a dask array but y is a dask Series/DataFrame: pass both as dask "
                    "arrays (y.to_dask_array(lengths=True)) or both as dask DataFrame/Series."
                )
            return X, check_consistent_rows(X, y)
        if is_dask_frame(X):
            if not is_dask_frame(y):
                raise TypeError(
                    "X is a dask DataFrame but y is not a dask Series: pass y as a dask Series "
                    "partitioned like X (e.g. a column of the same DataFrame)."
                )
            if X.npartitions != y.npartitions:
                raise ValueError(
                    f"X has {X.npartitions} partitions but y has {y.npartitions}: partition "
                    "them alike (e.g. take both from the same DataFrame)."
                )
            return X, y
        if is_dask_collection(y):
            # X is in memory, so is its one block: y (one value a row) is brought next to it
            (y,) = compute(y)
        if not hasattr(X, "shape"):
            X = np.asarray(X)
        if not hasattr(y, "shape"):
            y = np.asarray(y)
        if X.shape[0] != y.shape[0]:
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: "
                f"{[X.shape[0], y.shape[0]]}"
            )
        return X, y

    def _fit_blocks(self, X, y, sample_weight, fit_params):
        with all_or_nothing(self):
            return self._fit_checked(X, y, sample_weight, fit_params)

    def _fit_checked(self, X, y, sample_weight, fit_params):
        self._validate_params()
        X, y = self._check_input(X, y)
        sw = None
        if sample_weight is not None:
            if is_dask_frame(X):
                if not is_dask_frame(sample_weight):
                    raise TypeError(
                        "sample_weight must be a dask Series partitioned like X when X is a "
                        "dask DataFrame."
                    )
                sw = sample_weight
            else:
                sw = check_sample_weight(sample_weight, X, dtype=np.float64)
        if is_dask_collection(X):
            estimators = reduce_blocks(
                _fit_block,
                [X, y, sw],
                (self.estimator, fit_params),
                combine=_concat,
                name="blockwise-fit",
            )
        else:
            # NumPy, pandas or scipy.sparse input is one block: one clone, fitted here
            estimators = _fit_block(X, y, sw, self.estimator, fit_params)
        if not estimators:
            raise no_samples_error(self, (0, X.shape[1]), hint=EMPTY_INPUT_HINT)
        self.estimators_ = estimators
        first = estimators[0]
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(first, attr):
                setattr(self, attr, getattr(first, attr))
            elif attr in self.__dict__:
                delattr(self, attr)  # from an earlier fit
        return self

    def _block_args(self, X):
        """(X for the row map, its frame or None, the fitted estimators as a map argument)."""
        check_is_fitted(self)
        if is_dask_collection(X):
            # one key holding the estimators, which every block task refers to
            ests = dask.delayed(self.estimators_, pure=True, traverse=False)
        else:
            ests = self.estimators_
        if not (is_dask_collection(X) or hasattr(X, "shape")):
            X = np.asarray(X)
        if is_dask_array(X) and X.ndim == 2 and len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        # from metadata, before anything is computed (the clones check again per block)
        _check_feature_names(self, X, reset=False)
        if getattr(X, "ndim", 2) == 2:
            _check_n_features(self, X.shape[1], reset=False)
        frame = X if is_dask_frame(X) else None
        return X, frame, ests

    def _map(self, func, X, *args, out_dtype, n_out=None, columns=None):
        X, frame, ests = self._block_args(X)
        return map_rows(
            func,
            X,
            ests,
            *args,
            out_dtype=out_dtype,
            n_out=n_out,
            columns=columns,
            in_dtype="pandas",
            check_finite=False,
            frame=frame,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags


class BlockwiseVotingClassifier(ClassifierMixin, _BlockwiseBase):
    """A clone of ``estimator`` fitted on every row block; predictions by vote.

    ``fit`` fits one clone per block of a dask array (or partition of a dask DataFrame),
    one task per block, in parallel (on the cluster with a distributed Client); the fitted
    clones come back to ``estimators_``. Predictions are computed block by block, lazily
    for dask input. Blocks should be alike in distribution: each clone sees only its own.

    Parameters
    ----------
    estimator : estimator
        The classifier fitted on every block (a clone per block).
    voting : {"hard", "soft"}, default="hard"
        ``"hard"``: the class most clones predict (ties to the first in ``classes_``);
        ``"soft"``: the class of largest mean predicted probability (``estimator`` needs
        ``predict_proba``).
    classes : array-like or None, default=None
        Every class ``y`` can take. When None, ``classes_`` is the union of the classes
        the clones saw.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted clones, one per row block, in block order.
    classes_ : ndarray of shape (n_classes,)
        Sorted class labels.
    n_features_in_ : int
        Number of features seen by the clones (when they record it).

    Notes
    -----
    NumPy and pandas input is one block: ``estimators_`` holds a single clone.
    """

    _parameter_constraints: dict = {
        **_BlockwiseBase._parameter_constraints,
        "voting": [StrOptions({"hard", "soft"})],
        "classes": ["array-like", None],
    }

    def __init__(self, estimator, voting="hard", classes=None):
        self.estimator = estimator
        self.voting = voting
        self.classes = classes

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit a clone of ``estimator`` on every row block.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
        sample_weight : array-like, dask array or dask Series of shape (n_samples,), default=None
            Passed block by block to each clone's ``fit``.
        **fit_params
            Passed unchanged to every clone's ``fit``.

        Returns
        -------
        self : object
        """
        with all_or_nothing(self):
            self._fit_blocks(X, y, sample_weight, fit_params)
            seen = [np.asarray(est.classes_) for est in self.estimators_]
            union = np.unique(np.concatenate(seen))
            if self.classes is None:
                self.classes_ = union
                return self
            classes = np.unique(np.asarray(self.classes))
            unknown = union[~np.isin(union, classes)]
            if unknown.size:
                raise ValueError(
                    f"y holds labels {unknown!r} that are not in classes={self.classes!r}; "
                    "list every class in classes (or leave it None)."
                )
            self.classes_ = classes
        return self

    def predict(self, X):
        """Predicted class of every sample (lazy for dask input).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray, dask array or dask Series of shape (n_samples,)
        """
        check_is_fitted(self)
        func = _hard_vote if self.voting == "hard" else _soft_vote
        return self._map(func, X, self.classes_, out_dtype=self.classes_.dtype)

    def _soft(self):
        return self.voting == "soft"

    @available_if(_soft)
    def predict_proba(self, X):
        """Mean of the clones' class probabilities (``voting="soft"`` only).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray, dask array or dask DataFrame of shape (n_samples, n_classes)
            Columns in ``classes_`` order (0 where a clone did not know the class).
        """
        check_is_fitted(self)
        return self._map(
            _soft_proba,
            X,
            self.classes_,
            out_dtype=np.float64,
            n_out=len(self.classes_),
            columns=list(self.classes_),
        )

    def score(self, X, y, sample_weight=None):
        """Mean (sample-weighted) accuracy; one blockwise pass for dask input.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
        sample_weight : array-like or dask array of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        if not is_dask_collection(X):
            # X in memory: so are its predictions, and y (one value a row) joins them
            y, sample_weight = compute(y, sample_weight)
            return super().score(X, y, sample_weight=sample_weight)
        return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))


class BlockwiseVotingRegressor(RegressorMixin, _BlockwiseBase):
    """A clone of ``estimator`` fitted on every row block; predictions averaged.

    ``fit`` fits one clone per block of a dask array (or partition of a dask DataFrame),
    one task per block, in parallel (on the cluster with a distributed Client); the fitted
    clones come back to ``estimators_``. ``predict`` is the mean of the clones'
    predictions, block by block, lazily for dask input.

    Parameters
    ----------
    estimator : estimator
        The regressor fitted on every block (a clone per block).

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted clones, one per row block, in block order.
    n_features_in_ : int
        Number of features seen by the clones (when they record it).

    Notes
    -----
    NumPy and pandas input is one block: ``estimators_`` holds a single clone.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit a clone of ``estimator`` on every row block.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like, dask array or dask Series of shape (n_samples,), default=None
            Passed block by block to each clone's ``fit``.
        **fit_params
            Passed unchanged to every clone's ``fit``.

        Returns
        -------
        self : object
        """
        self._fit_blocks(X, y, sample_weight, fit_params)
        self._n_outputs = None if getattr(y, "ndim", 1) == 1 else int(y.shape[1])
        return self

    def predict(self, X):
        """Mean of the clones' predictions (lazy for dask input).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray, dask array or dask Series/DataFrame of shape (n_samples,) or
            (n_samples, n_outputs)
        """
        check_is_fitted(self)
        return self._map(
            _mean_prediction, X, self._n_outputs, out_dtype=np.float64, n_out=self._n_outputs
        )

    def score(self, X, y, sample_weight=None):
        """R² of the predictions; one blockwise pass for dask input (unknown chunks too).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
        sample_weight : array-like or dask array of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        if not is_dask_collection(X):
            # X in memory: so are its predictions, and y (one value a row) joins them
            y, sample_weight = compute(y, sample_weight)
            return super().score(X, y, sample_weight=sample_weight)
        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))
