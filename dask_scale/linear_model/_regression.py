"""LinearRegression and PoissonRegression: single-output GLMs trained block by block."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import d2_tweedie_score, r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from .._fitting import all_or_nothing
from .._graph import map_rows, reduce_blocks
from .._progress import IterationLog
from .._validation import (
    check_n_rows,
    check_sample_weight,
    is_dask_array,
    is_dask_frame,
    validate_data,
)
from ..metrics._regression import fraction_explained
from . import _predict
from ._glm import _FLOATS, _GLM, _scaled_input, common_params_doc
from ._solvers import SOLVERS, GLMObjective
from ._solvers._objective import POISSON, SQUARED
from ._solvers.cholesky import gram_solve

__all__ = ["LinearRegression", "PoissonRegression"]


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


class _GLMRegressor(RegressorMixin, _GLM):
    """Single-output GLM regressors (squared error, Poisson)."""

    _family = "regressor"
    _loss_family = SQUARED
    _parameter_constraints: dict = {
        **_GLM._parameter_constraints,
        "solver": [StrOptions(set(SOLVERS) | {"auto"})],
    }

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        l1_ratio=None,
        fit_intercept=True,
        solver="auto",
        max_iter=100,
        tol=1e-4,
        warm_start=False,
        random_state=None,
        verbose=0,
        solver_kwargs=None,
        class_weight=None,
        dual=False,
        intercept_scaling=1.0,
        multi_class="deprecated",
        n_jobs=None,
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
            class_weight=class_weight,
            dual=dual,
            intercept_scaling=intercept_scaling,
            multi_class=multi_class,
            n_jobs=n_jobs,
        )

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
        self._check_dask_ml_params()
        penalty = self._make_penalty()
        if self.solver != "auto":
            self._check_solver(self.solver, penalty)  # fail fast, before reading data
        X, y, sw = self._validate_fit_input(X, y, sample_weight)
        solver = self._resolve_solver(penalty, X.shape[1])
        if self.solver == "auto":
            self._check_solver(solver, penalty)
        if solver == "cholesky":
            return self._fit_exact(X, y, sw, penalty)
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
        self._check_weight_sum(sw_sum)
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
        res = self._solve(obj, w0, solver)
        coef, intercept = obj.split(res.w)
        self.coef_ = coef[0]
        self.intercept_ = float(intercept[0]) if self.fit_intercept else 0.0
        self.n_iter_ = int(res.n_iter)
        self.solver_ = solver
        return self

    def _check_weight_sum(self, sw_sum):
        if not sw_sum > 0:
            raise ValueError(
                "Sample weights sum to zero: at least one sample needs a positive weight."
            )

    def _fit_exact(self, X, y, sw, penalty):
        """Squared loss with penalty 'l2' or None: the normal equations, one pass."""
        dask_input = is_dask_array(X)
        X, affine = _scaled_input(X)
        check = {}
        if dask_input or is_dask_array(y):
            check = {0: "X", 1: "y"} if sw is None else {0: "X", 1: "y", 2: "sample_weight"}
        if not dask_input:
            y = np.ascontiguousarray(y, dtype=np.float64)
        C = float(self.C)
        ridge = penalty.l2 / C if np.isfinite(C) else 0.0
        # its one pass is the outer bar's one step (the pass's tasks: the inner bar)
        with IterationLog(f"{type(self).__name__}[cholesky]", self.verbose, total=1) as log:
            sol = gram_solve(
                X,
                y,
                sw,
                fit_intercept=self.fit_intercept,
                ridge=ridge,
                C=C,
                affine=affine,
                check_finite=check,
            )
            check_n_rows(self, sol.n_rows, X.shape[1])
            self._check_weight_sum(sol.sw_sum)
            log(1, sol.objective)
        self.coef_ = sol.coef
        self.intercept_ = sol.intercept
        self.n_iter_ = 1
        self.solver_ = "cholesky"
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
        return float(self._score_value(self._score_sums(X, y, sample_weight)))

    def _score_sums(self, X, y, sample_weight):
        """The residual and null deviances of the model on ``(X, y)``, one pass (in-process
        over row slices for in-memory input): the sums of
        :func:`~dask_scale.linear_model._predict.regression_score_sums`, the target checked."""
        check_is_fitted(self)
        Xv, yv = validate_data(self, X, y, reset=False, dtype=_FLOATS, y_numeric=True)
        sw = None if sample_weight is None else check_sample_weight(sample_weight, Xv)
        if not is_dask_array(Xv):
            yv = np.asarray(yv)
        check = {0: "X", 1: "y"} if sw is None else {0: "X", 1: "y", 2: "sample_weight"}
        dev, summary, y_min = reduce_blocks(
            _predict.regression_score_sums,
            [Xv, yv, sw],
            (self.coef_, float(self.intercept_), self._loss_family),
            combine=_predict.merge_score_sums,
            check_finite=check,
            name="glm-score",
        )
        self._check_target(y_min)
        return dev, summary


@common_params_doc
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
    solver : {"auto", "cholesky", "lbfgs", "newton", "gradient_descent", "proximal_grad", \
"admm"}, default="auto"
        ``"cholesky"``: the exact solve for ``penalty='l2'`` or None, in one pass over the
        data: the weighted Gram matrix of the centred features (BLAS per block, merged by a
        tree reduction), then a Cholesky solve on the client, as scikit-learn's ``Ridge``
        and ``LinearRegression`` solve in memory (minimum-norm solution when the Gram matrix
        is singular, like ``LinearRegression``). It costs ``n_samples * n_features**2``
        flops and a ``n_features**2`` partial per block, and squares the condition number
        of the data (directions whose singular value is below about ``1e-7`` times the
        largest, relative, count as rank-deficient). ``"auto"`` uses it up to 4096
        features, ``"lbfgs"`` above, and ``"admm"`` (dask-ml's default solver) with an L1
        term. The iterative solvers (``lbfgs``, ``newton``, ``gradient_descent``: L2 or None;
        ``proximal_grad``, ``admm``: every penalty) run as named, each iteration one graph
        submission of fused per-block kernels.
    {common}
    class_weight : None, default=None
        dask-ml's keyword; only None: a regressor has no classes (any other value raises;
        use ``sample_weight``).
    multi_class : str, default="deprecated"
        dask-ml's keyword; an explicit value warns (FutureWarning) that it has no effect on a
        regressor.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Solver iterations; 1 for ``solver_='cholesky'`` (its single pass).
    solver_ : str
        The solver that ran (the choice of ``solver='auto'``).
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
    _parameter_constraints: dict = {
        **_GLMRegressor._parameter_constraints,
        "solver": [StrOptions(set(SOLVERS) | {"auto", "cholesky"})],
    }

    def _numpy_score(self, y, pred, sample_weight):
        return float(r2_score(y, pred, sample_weight=sample_weight))

    def _score_value(self, sums):
        ss_res, (_, _, _, m2) = sums
        return fraction_explained(ss_res, max(float(m2[0]), 0.0))


@common_params_doc
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
    solver : {"auto", "lbfgs", "newton", "gradient_descent", "proximal_grad", "admm"}, \
default="auto"
        ``"auto"`` uses ``"newton"`` (exact Hessian, one pass an iteration, converges in a
        few iterations whatever the conditioning, like scikit-learn's
        ``newton-cholesky``) up to 128 features, ``"lbfgs"`` above, and ``"admm"``
        (dask-ml's default solver) with an L1 term. ``lbfgs``, ``newton`` and
        ``gradient_descent`` handle ``penalty='l2'`` and None; ``proximal_grad`` (FISTA)
        and ``admm`` (consensus ADMM over the row blocks) every penalty. L-BFGS can need
        many more than ``max_iter=100`` iterations when the problem is ill-conditioned
        (e.g. as many features as samples with the default weak penalty), as
        scikit-learn's ``PoissonRegressor(solver='lbfgs')`` does on the same data.
    {common}
    class_weight : None, default=None
        dask-ml's keyword; only None: a regressor has no classes (any other value raises;
        use ``sample_weight``).
    multi_class : str, default="deprecated"
        dask-ml's keyword; an explicit value warns (FutureWarning) that it has no effect on a
        regressor.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Solver iterations.
    solver_ : str
        The solver that ran (the choice of ``solver='auto'``).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from dask_scale.linear_model import PoissonRegression
    >>> X = np.array([[1, 2], [2, 3], [3, 4], [4, 3]])
    >>> y = np.array([12, 17, 22, 21])
    >>> model = PoissonRegression().fit(X, y)
    >>> model.predict([[1, 1], [3, 4]]).round(1)
    array([10.4, 22.1])
    >>> round(model.get_deviance(X, y), 4)  # total Poisson deviance
    0.0233
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
        return fraction_explained(dev, max(float(null), 0.0))

    def get_deviance(self, X, y, sample_weight=None):
        """Total Poisson deviance of the model on ``(X, y)``, as a Python float.

        ``2 * sum_i sw_i * (y_i * log(y_i / mu_i) - (y_i - mu_i))`` with ``mu = predict(X)``
        (the term ``y * log(y / mu)`` is 0 where ``y = 0``): ``mean_poisson_deviance(y,
        predict(X), sample_weight=sw) * sum(sw)`` in scikit-learn's terms. dask-ml's method of
        this name, computed in one pass over dask input (the residual deviance that
        :meth:`score`'s D² is made of).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
            Non-negative targets (a negative one raises a ``ValueError``).
        sample_weight : array-like, dask array or None, default=None
            Weights of the samples' terms (dask-ml takes none: None is its deviance).

        Returns
        -------
        deviance : float
        """
        dev, _ = self._score_sums(X, y, sample_weight)
        return 2.0 * float(dev)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags
