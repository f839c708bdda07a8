"""GaussianNB: per-class counts, means and variances in one pass, merged stably."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.validation import check_is_fitted

from .._fitting import all_or_nothing
from .._graph import map_rows, reduce_blocks
from .._graph.compute import compute
from .._kernels.stats import block_class_moments, block_moments, merge_class_moments, merge_moments
from .._validation import (
    FLOAT_DTYPES,
    check_n_rows,
    is_dask_collection,
    is_dask_frame,
    validate_data,
)
from ..metrics import accuracy_score
from . import _predict

__all__ = ["GaussianNB"]

_NO_WEIGHTS = np.empty(0)


def _moments_chunk(X, y, w):
    """Per-class weighted moments of one block, its unweighted overall moments (only
    needed apart when weighted) and its number of rows."""
    labels, codes = np.unique(np.asarray(y), return_inverse=True)
    codes = np.ascontiguousarray(codes.reshape(-1), dtype=np.int64)
    X = np.ascontiguousarray(X)
    weighted = w is not None
    weights = np.asarray(w, dtype=np.float64) if weighted else _NO_WEIGHTS
    per_class = block_class_moments(X, codes, labels.shape[0], weights, weighted)
    overall = block_moments(X, _NO_WEIGHTS, False) if weighted else None
    return (labels, per_class), overall, X.shape[0]


def _moments_combine(parts):
    per_class, overall, n_rows = parts[0]
    for per_class_b, overall_b, n_b in parts[1:]:
        per_class = merge_class_moments(per_class, per_class_b)
        if overall is not None:
            overall = merge_moments(overall, overall_b)
        n_rows += n_b
    return per_class, overall, n_rows


def _classes_merged(moments):
    """The overall summary of per-class (unweighted) moments, classes merged in turn."""
    count, shift, offset, m2 = moments
    out = (count[0], shift[0], offset[0], m2[0])
    for k in range(1, count.shape[0]):
        out = merge_moments(out, (count[k], shift[k], offset[k], m2[k]))
    return out


def _check_priors(priors, n_classes):
    """scikit-learn's checks of ``priors`` (with its messages), as float64."""
    priors = np.asarray(priors, dtype=np.float64)
    if priors.shape[0] != n_classes:
        raise ValueError("Number of priors must match number of classes.")
    if not np.isclose(priors.sum(), 1.0):
        raise ValueError("The sum of the priors should be 1.")
    if np.any(priors < 0):
        raise ValueError("Priors must be non-negative.")
    return priors


class GaussianNB(ClassifierMixin, BaseEstimator):
    """Gaussian naive Bayes, fitted in one pass over the blocks of the data.

    Every row block gives the weighted count, mean and centred sum of squares of each
    feature for each class it holds (one numba kernel,
    :func:`dask_scale._kernels.stats.block_class_moments`); a tree reduction merges them
    with Chan et al.'s pairwise update, so the means and variances are scikit-learn's
    (to rounding) whatever the chunking. Classes are found in the same pass.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes (in sorted class order). If given, the priors
        are not adjusted according to the data.
    var_smoothing : float, default=1e-9
        Portion of the largest variance of all features added to the variances for
        calculation stability.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of training samples (sum of their weights) observed in each class.
    class_prior_ : ndarray of shape (n_classes,)
        Probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.
    epsilon_ : float
        Absolute additive value to variances (from the last batch's largest variance, as
        scikit-learn computes it: without the sample weights).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.
    theta_ : ndarray of shape (n_classes, n_features)
        Mean of each feature per class.
    var_ : ndarray of shape (n_classes, n_features)
        Variance of each feature per class (``epsilon_`` included).

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from dask_scale.naive_bayes import GaussianNB
    >>> X = da.from_array(np.array([[-1.0], [-2.0], [1.0], [2.0]]), chunks=2)
    >>> y = da.from_array(np.array([0, 0, 1, 1]), chunks=2)
    >>> GaussianNB().fit(X, y).theta_
    array([[-1.5],
           [ 1.5]])
    """

    _parameter_constraints: dict = {
        "priors": ["array-like", None],
        "var_smoothing": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y, sample_weight=None):
        """Fit the per-class means and variances in one pass.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
            Class labels.
        sample_weight : array-like or dask array of shape (n_samples,), default=None
            Weights applied to individual samples.

        Returns
        -------
        self : object
        """
        self._validate_params()
        for attr in ("classes_", "theta_", "var_", "class_count_", "class_prior_", "epsilon_"):
            if hasattr(self, attr):
                delattr(self, attr)
        return self._partial_fit(X, y, None, sample_weight, refit=True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with a batch of samples (a dask collection is one batch).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class ``y`` may hold; required on the first call, may be omitted after.
        sample_weight : array-like or dask array of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        self._validate_params()
        return self._partial_fit(X, y, classes, sample_weight, refit=False)

    def _partial_fit(self, X, y, classes, sample_weight, refit):
        # a batch that fails (an unseen label, NaN found in the pass) leaves the model as it was
        with all_or_nothing(self):
            return self._update(X, y, classes, sample_weight, refit)

    def _update(self, X, y, classes, sample_weight, refit):
        if refit:
            first_call = True
        else:
            first_call = _check_partial_fit_first_call(self, classes)
        X, y, sw = validate_data(
            self, X, y, reset=first_call, dtype=FLOAT_DTYPES, sample_weight=sample_weight
        )
        n_features = X.shape[1]
        if not first_call and n_features != self.theta_.shape[1]:
            raise ValueError(
                f"Number of features {n_features} does not match previous data "
                f"{self.theta_.shape[1]}."
            )
        check = {0: "X", 2: "sample_weight"} if sw is not None else {0: "X"}
        (labels, moments), overall, n_rows = reduce_blocks(
            _moments_chunk,
            [X, y, sw],
            combine=_moments_combine,
            check_finite=check,
            name="gaussian-nb",
        )
        check_n_rows(self, n_rows, n_features)
        if sw is not None and not np.any(moments[0] != 0):
            raise ValueError("Sample weights must contain at least one non-zero number.")
        if refit:
            self.classes_ = None
            _check_partial_fit_first_call(self, labels)
        unseen = ~np.isin(labels, self.classes_)
        if np.any(unseen):
            raise ValueError(
                f"The target label(s) {labels[unseen]} in y do not exist in the initial "
                f"classes {self.classes_}; pass every class in classes= on the first call."
            )
        if overall is None:
            overall = _classes_merged(moments)
        epsilon = self.var_smoothing * float(np.max(overall[3] / overall[0]))
        n_classes = self.classes_.shape[0]
        if first_call:
            dtype = np.float32 if X.dtype == np.float32 else np.float64
            theta = np.zeros((n_classes, n_features))
            var = np.zeros((n_classes, n_features))
            class_count = np.zeros(n_classes)
            priors = None if self.priors is None else _check_priors(self.priors, n_classes)
        else:
            dtype = self.theta_.dtype
            theta = self.theta_.astype(np.float64)
            # as scikit-learn: the *new* batch's epsilon is taken off the stored variances
            # before the merge (and added back after)
            var = self.var_.astype(np.float64) - epsilon
            class_count = self.class_count_.astype(np.float64)
            priors = None if self.priors is None else self.class_prior_
        rows = np.searchsorted(self.classes_, labels)
        count, shift, offset, m2 = moments
        new_count = count[:, 0] if n_features else np.zeros(labels.shape[0])
        past = np.repeat(class_count[rows, None], n_features, axis=1)
        merged = merge_moments((past, theta[rows], np.zeros_like(past), var[rows] * past), moments)
        total, m_shift, m_offset, m_m2 = merged
        with np.errstate(divide="ignore", invalid="ignore"):
            new_var = np.where(total != 0, m_m2 / total, 0.0)
        # a class whose batch weight is (close to) zero is left as it was, as scikit-learn
        keep = np.isclose(new_count, 0.0)[:, None]
        theta[rows] = np.where(keep, theta[rows], m_shift + m_offset)
        var[rows] = np.where(keep, var[rows], new_var)
        class_count[rows] += new_count
        self.epsilon_ = np.dtype(dtype).type(epsilon)
        self.theta_ = theta.astype(dtype)
        self.var_ = (var + epsilon).astype(dtype)
        self.class_count_ = class_count.astype(dtype)
        if priors is None:
            self.class_prior_ = (class_count / class_count.sum()).astype(dtype)
        else:
            self.class_prior_ = priors.astype(dtype)
        return self

    def _predict_args(self, X):
        check_is_fitted(self)
        frame = X if is_dask_frame(X) else None
        Xv = validate_data(self, X, reset=False, dtype=FLOAT_DTYPES)
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_.astype(np.float64))
        params = (self.theta_.astype(np.float64), self.var_.astype(np.float64), log_prior)
        return Xv, frame, params

    def _class_map(self, func, X):
        Xv, frame, params = self._predict_args(X)
        return map_rows(
            func,
            Xv,
            *params,
            out_dtype=np.float64,
            n_out=len(self.classes_),
            columns=list(self.classes_),
            frame=frame,
        )

    def predict_joint_log_proba(self, X):
        """Joint log probability ``log P(x, c)`` of every sample and class.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        C : ndarray, dask array or dask DataFrame of shape (n_samples, n_classes)
            Columns in ``classes_`` order; lazy for dask input.
        """
        return self._class_map(_predict.joint_log_likelihood, X)

    def predict_log_proba(self, X):
        """Log posterior probability of every class (lazy for dask input).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        C : ndarray, dask array or dask DataFrame of shape (n_samples, n_classes)
        """
        return self._class_map(_predict.log_proba, X)

    def predict_proba(self, X):
        """Posterior probability of every class (lazy for dask input).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        C : ndarray, dask array or dask DataFrame of shape (n_samples, n_classes)
        """
        return self._class_map(_predict.proba, X)

    def predict(self, X):
        """Most probable class of every sample (lazy for dask input).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        C : ndarray, dask array or dask Series of shape (n_samples,)
        """
        Xv, frame, params = self._predict_args(X)
        return map_rows(
            _predict.predict_labels,
            Xv,
            *params,
            self.classes_,
            out_dtype=self.classes_.dtype,
            frame=frame,
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
