"""Generalised linear models: LogisticRegression, LinearRegression, PoissonRegression.

All three minimise scikit-learn's objective

    C * sum_i sw_i * loss_i  +  l1 * ||coef||_1 + l2 / 2 * ||coef||_2^2

(the intercept is never penalised, no hidden standardisation), with one of five solvers that
each read the data in fused per-block passes (see :mod:`dask_scale.linear_model._solvers`).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, d2_tweedie_score, r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._fitting import all_or_nothing
from .._graph import affine_source, map_rows, reduce_blocks
from .._progress import IterationLog
from .._validation import (
    check_n_rows,
    check_sample_weight,
    is_dask_array,
    is_dask_frame,
    validate_data,
)
from . import _predict
from ._labels import class_weight_vector, encode_labels, find_classes
from ._solvers import SOLVERS, GLMObjective, Penalty, make_solver
from ._solvers._objective import BINOMIAL, MULTINOMIAL, POISSON, SQUARED

__all__ = ["LinearRegression", "LogisticRegression", "PoissonRegression"]

_FLOATS = [np.float64, np.float32]


def _target_stats_chunk(yb, swb):
    """``(n_rows, sum of weights, weighted sum of y, min y)`` of one block."""
    y = np.asarray(yb, dtype=np.float64)
    n = y.shape[0]
    if swb is None:
        return n, float(n), float(y.sum()), float(y.min(initial=np.inf))
    sw = np.asarray(swb, dtype=np.float64)
    return n, float(sw.sum()), float(sw @ y), float(y.min(initial=np.inf))


def _target_stats_combine(parts):
    return (
        sum(p[0] for p in parts),
        sum(p[1] for p in parts),
        sum(p[2] for p in parts),
        min(p[3] for p in parts),
    )


def _scaled_input(X):
    """``(X, affine)`` for the objective: a scaler's lazy output becomes its input and the
    scaler's map, folded into the passes (see :mod:`dask_scale._graph.affine`)."""
    scaled = affine_source(X) if is_dask_array(X) else None
    if scaled is None:
        return X, None
    offset = scaled.offset.astype(np.float64)
    factor = scaled.factor.astype(np.float64)
    return scaled.source, (offset, factor)


class _GLM(BaseEstimator):
    """Shared parameters, fitting and validation of the GLM estimators."""

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l1", "l2", "elasticnet", "elastic_net"}), None],
        "C": [Interval(Real, 0, np.inf, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), None],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions(set(SOLVERS))],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "solver_kwargs": [dict, None],
    }

    # Set by the subclasses.
    _family = None

    def __init__(
        self,
        penalty="l2",
        C=1.0,
        l1_ratio=None,
        fit_intercept=True,
        solver="lbfgs",
        max_iter=100,
        tol=1e-4,
        warm_start=False,
        random_state=None,
        verbose=0,
        solver_kwargs=None,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.solver_kwargs = solver_kwargs

    # -- parameters -----------------------------------------------------------------------
    def _make_penalty(self):
        name = "elasticnet" if self.penalty == "elastic_net" else self.penalty
        ratio = self.l1_ratio
        if name == "elasticnet":
            if ratio is None:
                raise ValueError(
                    "penalty='elasticnet' needs l1_ratio (0 <= l1_ratio <= 1): the penalty "
                    "is l1_ratio * ||w||_1 + (1 - l1_ratio) / 2 * ||w||^2."
                )
        elif ratio is not None and not (
            (name == "l2" and ratio == 0) or (name == "l1" and ratio == 1)
        ):
            raise ValueError(
                f"l1_ratio={ratio} is only used with penalty='elasticnet' (got "
                f"penalty={self.penalty!r}). Set penalty='elasticnet' to mix L1 and L2, or "
                "leave l1_ratio=None."
            )
        if not np.isfinite(self.C):
            # scikit-learn's spelling of "no penalty".
            name = None
        return Penalty(name, ratio)

    # -- fitting --------------------------------------------------------------------------
    def _validate_fit_input(self, X, y, sample_weight):
        return validate_data(
            self,
            X,
            y,
            dtype=_FLOATS,
            order="C",
            y_numeric=self._family != "classifier",
            sample_weight=sample_weight,
        )

    def _warm_start_w(self, obj):
        if not self.warm_start or not hasattr(self, "coef_"):
            return None
        coef = np.asarray(self.coef_, dtype=np.float64)
        intercept = np.asarray(self.intercept_, dtype=np.float64).reshape(-1)
        if coef.size != obj.n_outputs * obj.n_features or intercept.size != obj.n_outputs:
            # Different classes or features since the last fit: start afresh.
            return None
        return obj.join(coef.reshape(obj.n_outputs, obj.n_features), intercept)

    def _solve(self, obj, w0):
        solve = make_solver(self.solver, obj.penalty, self.solver_kwargs)
        log = IterationLog(f"{type(self).__name__}[{self.solver}]", self.verbose)
        res = solve(obj, w0, max_iter=self.max_iter, tol=self.tol, log=log)
        if not res.converged:
            why = f" ({res.message})" if res.message else ""
            warnings.warn(
                f"{type(self).__name__} with solver={self.solver!r} did not converge after "
                f"{res.n_iter} iteration(s) (max_iter={self.max_iter}){why}. Increase "
                "max_iter, loosen tol, or standardise the features "
                "(dask_scale.preprocessing.StandardScaler).",
                ConvergenceWarning,
            )
        return res

    def _predict_input(self, X):
        check_is_fitted(self)
        frame = X if is_dask_frame(X) else None
        Xv = validate_data(self, X, reset=False, dtype=_FLOATS)
        return Xv, frame

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


_COMMON_PARAMS = """
    C : float, default=1.0
        Inverse of the regularisation strength: the objective is
        ``C * sum_i sw_i * loss_i + penalty(coef)``. ``np.inf`` means no penalty.
    l1_ratio : float or None, default=None
        Elastic-net mixing ``0 <= l1_ratio <= 1``; required with ``penalty='elasticnet'``
        (``l1_ratio * ||coef||_1 + (1 - l1_ratio) / 2 * ||coef||^2``). Other penalties only
        accept the consistent values (0 with ``'l2'``, 1 with ``'l1'``) or None.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept.
    solver : {"lbfgs", "newton", "gradient_descent", "proximal_grad", "admm"}, \
default="lbfgs"
        Optimisation algorithm. ``lbfgs``, ``newton`` and ``gradient_descent`` handle
        ``penalty='l2'`` and None; ``proximal_grad`` (FISTA) and ``admm`` (consensus ADMM
        over the row blocks) handle every penalty. Each iteration reads the data in one
        graph submission of fused per-block kernels.
    max_iter : int, default=100
        Maximum number of solver iterations.
    tol : float, default=1e-4
        Stopping tolerance on the largest entry of the gradient of the objective divided by
        ``C * sum(sample_weight)`` (scikit-learn's convention); with an L1 term, on the
        gradient mapping (``proximal_grad``) or the minimum-norm subgradient at the
        consensus point (``admm``).
    warm_start : bool, default=False
        Start from the previous solution (``coef_``, ``intercept_``) when refitting.
    random_state : None, int or RandomState, default=None
        Not used: all solvers are deterministic (for a given chunking). Accepted so that code
        written for scikit-learn and dask-ml runs unchanged.
    verbose : int, default=0
        Print the objective at every iteration when positive.
    solver_kwargs : dict or None, default=None
        Extra options of the chosen solver; unknown keys raise. ``lbfgs``: ``maxcor``,
        ``maxls``, ``ftol``. ``newton``: ``maxls``, ``armijo``. ``gradient_descent``:
        ``maxls``, ``memory``, ``armijo``. ``proximal_grad``: ``maxls``, ``restart``,
        ``step``. ``admm``: ``rho``, ``over_relax``, ``abstol``, ``reltol``, ``mu``, ``tau``,
        ``local_max_iter``.
"""


class LogisticRegression(ClassifierMixin, _GLM):
    """Logistic regression (binary and multinomial) trained block by block.

    Minimises scikit-learn's objective ``C * sum_i sw_i * loss_i + penalty(coef)`` where
    ``loss_i`` is the logistic loss (binary) or the multinomial (softmax) loss with one row
    of coefficients per class (multiclass, every solver), the intercept is not penalised and
    the features are used as given (no hidden standardisation). With the same ``C`` and
    penalty the coefficients match :class:`sklearn.linear_model.LogisticRegression`.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default="l2"
        ``"l2"``: ``0.5 * ||coef||^2``; ``"l1"``: ``||coef||_1``; ``"elasticnet"``: see
        ``l1_ratio``; None: no penalty. dask-ml's spelling ``"elastic_net"`` is accepted.
    {common}
    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into the sample weights. ``"balanced"`` uses
        ``sum(sw) / (n_classes * sum of sw per class)``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (any sortable dtype).
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row for binary problems.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : ndarray of shape (1,)
        Iterations done by the solver.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.datasets import make_classification
    >>> from dask_scale.linear_model import LogisticRegression
    >>> X, y = make_classification(n_samples=1000, random_state=0)
    >>> clf = LogisticRegression().fit(da.from_array(X, chunks=250), da.from_array(y, chunks=250))
    >>> clf.predict(da.from_array(X[:4], chunks=2)).compute().shape
    (4,)
    """

    _parameter_constraints: dict = {
        **_GLM._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _family = "classifier"

    def __init__(
        self,
        penalty="l2",
        C=1.0,
        l1_ratio=None,
        fit_intercept=True,
        solver="lbfgs",
        max_iter=100,
        tol=1e-4,
        class_weight=None,
        warm_start=False,
        random_state=None,
        verbose=0,
        solver_kwargs=None,
    ):
        super().__init__(
            penalty=penalty,
            C=C,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            solver=solver,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            solver_kwargs=solver_kwargs,
        )
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array-like, dask array or None, default=None

        Returns
        -------
        self
        """
        with all_or_nothing(self):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        self._validate_params()
        penalty = self._make_penalty()
        make_solver(self.solver, penalty, self.solver_kwargs)  # fail fast on bad options
        X, y, sw = self._validate_fit_input(X, y, sample_weight)
        classes, counts = find_classes(y, sw)
        if len(classes) == 0:
            check_n_rows(self, 0, X.shape[1])
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {classes[0]!r}."
            )
        cw = class_weight_vector(self.class_weight, classes, counts)
        eff = counts if cw is None else counts * cw
        sw_sum = float(eff.sum())
        if not sw_sum > 0:
            raise ValueError(
                "Sample weights (times class weights) sum to zero: at least one sample needs "
                "a positive weight."
            )
        binary = len(classes) == 2
        family = BINOMIAL if binary else MULTINOMIAL
        n_outputs = 1 if binary else len(classes)
        if is_dask_array(X):
            y_arg, classes_arg, cw_arg = y, classes, cw
        else:
            y_arg = encode_labels(y, classes, binary)
            classes_arg, cw_arg = None, None
            if cw is not None:
                idx = y_arg.astype(np.intp)
                sw = cw[idx] if sw is None else sw * cw[idx]
        X, affine = _scaled_input(X)
        obj = GLMObjective(
            X,
            y_arg,
            sw,
            family=family,
            n_outputs=n_outputs,
            fit_intercept=self.fit_intercept,
            C=self.C,
            penalty=penalty,
            sw_sum=sw_sum,
            classes=classes_arg,
            class_weight=cw_arg,
            check_finite=is_dask_array(X),
            affine=affine,
        )
        w0 = self._warm_start_w(obj)
        if w0 is None:
            w0 = np.zeros(obj.size)
            if self.fit_intercept:
                # Start from the class priors: the optimal intercept of a zero model.
                with np.errstate(divide="ignore"):
                    logp = np.log(np.maximum(eff / sw_sum, 1e-12))
                b = np.array([logp[1] - logp[0]]) if binary else logp - logp.mean()
                w0 = obj.join(np.zeros((n_outputs, obj.n_features)), b)
        res = self._solve(obj, w0)
        coef, intercept = obj.split(obj.center(res.w))
        self.classes_ = classes
        self.coef_ = coef
        self.intercept_ = intercept if self.fit_intercept else np.zeros(n_outputs)
        self.n_iter_ = np.array([res.n_iter], dtype=np.int32)
        return self

    def decision_function(self, X):
        """Signed scores: shape (n_samples,) for binary, (n_samples, n_classes) otherwise.

        Follows the input: NumPy for array-likes, dask array for dask arrays, dask
        Series/DataFrame for dask DataFrames.
        """
        Xv, frame = self._predict_input(X)
        if self.coef_.shape[0] == 1:
            return map_rows(
                _predict.binary_decision,
                Xv,
                self.coef_[0],
                float(self.intercept_[0]),
                out_dtype=np.float64,
                frame=frame,
                name="decision_function",
            )
        return map_rows(
            _predict.multi_decision,
            Xv,
            self.coef_,
            self.intercept_,
            out_dtype=np.float64,
            n_out=len(self.classes_),
            columns=list(self.classes_),
            frame=frame,
        )

    def _proba(self, X, binary_func, multi_func):
        Xv, frame = self._predict_input(X)
        if self.coef_.shape[0] == 1:
            args = (binary_func, Xv, self.coef_[0], float(self.intercept_[0]))
        else:
            args = (multi_func, Xv, self.coef_, self.intercept_)
        return map_rows(
            *args,
            out_dtype=np.float64,
            n_out=len(self.classes_),
            columns=list(self.classes_),
            frame=frame,
        )

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        return self._proba(X, _predict.binary_proba, _predict.multi_proba)

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`, computed stably."""
        return self._proba(X, _predict.binary_log_proba, _predict.multi_log_proba)

    def predict(self, X):
        """Predicted class labels (from ``classes_``), shape (n_samples,)."""
        Xv, frame = self._predict_input(X)
        if self.coef_.shape[0] == 1:
            func, coef, intercept = (
                _predict.binary_predict,
                self.coef_[0],
                float(self.intercept_[0]),
            )
        else:
            func, coef, intercept = _predict.multi_predict, self.coef_, self.intercept_
        return map_rows(
            func, Xv, coef, intercept, self.classes_, out_dtype=self.classes_.dtype, frame=frame
        )

    def score(self, X, y, sample_weight=None):
        """Mean (sample-weighted) accuracy, as a Python float (one pass for dask input)."""
        check_is_fitted(self)
        if not (is_dask_array(X) or is_dask_frame(X) or is_dask_array(y) or is_dask_frame(y)):
            return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))
        Xv, yv = validate_data(self, X, y, reset=False, dtype=_FLOATS)
        sw = None if sample_weight is None else check_sample_weight(sample_weight, Xv)
        correct, total = reduce_blocks(
            _predict.accuracy_sums,
            [Xv, yv, sw],
            (self.coef_, self.intercept_, self.classes_),
            check_finite={0: "X"},
            name="glm-accuracy",
        )
        return float(correct / total)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


LogisticRegression.__doc__ = LogisticRegression.__doc__.replace(
    "    {common}\n", _COMMON_PARAMS.lstrip("\n")
)


class _GLMRegressor(RegressorMixin, _GLM):
    """Single-output GLM regressors (squared error, Poisson)."""

    _family = "regressor"
    _loss_family = SQUARED

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
        sample_weight : array-like, dask array or None, default=None

        Returns
        -------
        self
        """
        with all_or_nothing(self):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        self._validate_params()
        penalty = self._make_penalty()
        make_solver(self.solver, penalty, self.solver_kwargs)
        X, y, sw = self._validate_fit_input(X, y, sample_weight)
        if is_dask_array(y):
            check = {0: "y", 1: "sample_weight"} if sw is not None else {0: "y"}
            n_rows, sw_sum, swy, y_min = reduce_blocks(
                _target_stats_chunk,
                [y, sw],
                combine=_target_stats_combine,
                check_finite=check,
                name="glm-target",
            )
        else:
            y = np.ascontiguousarray(y, dtype=np.float64)
            n_rows, sw_sum, swy, y_min = _target_stats_chunk(y, sw)
        check_n_rows(self, n_rows, X.shape[1])
        if not sw_sum > 0:
            raise ValueError(
                "Sample weights sum to zero: at least one sample needs a positive weight."
            )
        self._check_target(y_min)
        X, affine = _scaled_input(X)
        obj = GLMObjective(
            X,
            y,
            sw,
            family=self._loss_family,
            n_outputs=1,
            fit_intercept=self.fit_intercept,
            C=self.C,
            penalty=penalty,
            sw_sum=sw_sum,
            check_finite=is_dask_array(X),
            affine=affine,
        )
        w0 = self._warm_start_w(obj)
        if w0 is None:
            w0 = np.zeros(obj.size)
            if self.fit_intercept:
                w0[-1] = self._initial_intercept(swy / sw_sum)
        res = self._solve(obj, w0)
        coef, intercept = obj.split(res.w)
        self.coef_ = coef[0]
        self.intercept_ = float(intercept[0]) if self.fit_intercept else 0.0
        self.n_iter_ = int(res.n_iter)
        return self

    def _check_target(self, y_min):
        pass

    def _initial_intercept(self, y_mean):
        return y_mean

    def _score_value(self, sums):
        raise NotImplementedError

    def _predict_func(self):
        return _predict.linear_predict

    def predict(self, X):
        """Predicted target, shape (n_samples,); follows the input kind."""
        Xv, frame = self._predict_input(X)
        return map_rows(
            self._predict_func(),
            Xv,
            self.coef_,
            float(self.intercept_),
            out_dtype=np.float64,
            frame=frame,
        )

    def score(self, X, y, sample_weight=None):
        """R² (LinearRegression) or D² (PoissonRegression: fraction of Poisson deviance
        explained), sample-weighted, as a Python float (one pass for dask input)."""
        check_is_fitted(self)
        if not (is_dask_array(X) or is_dask_frame(X) or is_dask_array(y) or is_dask_frame(y)):
            return self._numpy_score(y, self.predict(X), sample_weight)
        Xv, yv = validate_data(self, X, y, reset=False, dtype=_FLOATS, y_numeric=True)
        sw = None if sample_weight is None else check_sample_weight(sample_weight, Xv)
        sums = reduce_blocks(
            _predict.regression_score_sums,
            [Xv, yv, sw],
            (self.coef_, float(self.intercept_), self._loss_family),
            combine=_predict.merge_score_sums,
            check_finite={0: "X", 1: "y"},
            name="glm-score",
        )
        return float(self._score_value(sums))


class LinearRegression(_GLMRegressor):
    """Least-squares linear regression with an optional penalty, trained block by block.

    Minimises ``C * sum_i sw_i * 0.5 * (y_i - x_i @ coef - intercept)**2 + penalty(coef)``
    (intercept not penalised). In scikit-learn's terms: ``penalty='l2'`` with ``C`` is
    :class:`sklearn.linear_model.Ridge` with ``alpha = 1 / C``; ``penalty='l1'`` is
    :class:`~sklearn.linear_model.Lasso` with ``alpha = 1 / (C * sum(sw))``;
    ``penalty='elasticnet'`` is :class:`~sklearn.linear_model.ElasticNet` with the same
    ``l1_ratio`` and ``alpha = 1 / (C * sum(sw))``; ``penalty=None`` is ordinary least squares.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default="l2"
        Penalty on ``coef`` (dask-ml's default); see ``C``. ``"elastic_net"`` is accepted.
    {common}

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.datasets import make_regression
    >>> from dask_scale.linear_model import LinearRegression
    >>> X, y = make_regression(n_samples=500, n_features=5, random_state=0)
    >>> reg = LinearRegression(penalty=None).fit(da.from_array(X, chunks=100), y)
    >>> round(reg.score(X, y), 3)
    1.0
    """

    _loss_family = SQUARED

    def _numpy_score(self, y, pred, sample_weight):
        return float(r2_score(y, pred, sample_weight=sample_weight))

    def _score_value(self, sums):
        ss_res, (_, _, _, m2) = sums
        ss_tot = float(m2[0])
        if ss_tot <= 0:
            return 1.0 if ss_res == 0 else 0.0
        return 1.0 - ss_res / ss_tot


class PoissonRegression(_GLMRegressor):
    """Poisson regression (log link) for counts and rates, trained block by block.

    Minimises ``C * sum_i sw_i * (exp(eta_i) - y_i * eta_i) + penalty(coef)`` with
    ``eta_i = x_i @ coef + intercept`` (the half Poisson deviance up to a constant; intercept
    not penalised). ``penalty='l2'`` with ``C`` is
    :class:`sklearn.linear_model.PoissonRegressor` with ``alpha = 1 / (C * sum(sw))``.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default="l2"
        Penalty on ``coef``; see ``C``. ``"elastic_net"`` is accepted.
    {common}

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from dask_scale.linear_model import PoissonRegression
    >>> X = np.array([[1, 2], [2, 3], [3, 4], [4, 3]])
    >>> y = np.array([12, 17, 22, 21])
    >>> PoissonRegression().fit(X, y).predict([[1, 1], [3, 4]]).round(1)
    array([10.4, 22.1])
    """

    _loss_family = POISSON

    def _check_target(self, y_min):
        if y_min < 0:
            raise ValueError(
                f"PoissonRegression requires non-negative y (counts or rates), but y has "
                f"negative values (minimum {y_min}). Use LinearRegression for signed targets."
            )

    def _initial_intercept(self, y_mean):
        return float(np.log(y_mean)) if y_mean > 0 else 0.0

    def _predict_func(self):
        return _predict.poisson_predict

    def _numpy_score(self, y, pred, sample_weight):
        return float(d2_tweedie_score(y, pred, sample_weight=sample_weight, power=1))

    def _score_value(self, sums):
        dev, (_, _, null) = sums
        if null <= 0:
            return 1.0 if dev == 0 else 0.0
        return 1.0 - dev / null

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


for _cls in (LinearRegression, PoissonRegression):
    _cls.__doc__ = _cls.__doc__.replace("    {common}\n", _COMMON_PARAMS.lstrip("\n"))
