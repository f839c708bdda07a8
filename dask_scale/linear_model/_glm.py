"""What the generalised linear models share: parameters, fitting steps, docstring parts.

LogisticRegression (``_logistic``), LinearRegression and PoissonRegression
(``_regression``) all minimise scikit-learn's objective

    C * sum_i sw_i * loss_i  +  l1 * ||coef||_1 + l2 / 2 * ||coef||_2^2

(the intercept is never penalised, no hidden standardisation), with one of five solvers that
each read the data in fused per-block passes (see :mod:`dask_scale.linear_model._solvers`).
"""

from __future__ import annotations

import inspect
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._graph import affine_source
from .._progress import IterationLog
from .._validation import is_dask_array, is_dask_frame, validate_data, warn_no_effect
from ._solvers import (
    ITERATION_OPTIONS,
    SOLVERS,
    Penalty,
    iteration_limits,
    make_solver,
)
from ._solvers._objective import SQUARED

_FLOATS = [np.float64, np.float32]

#: ``solver="auto"`` solves squared loss exactly (``"cholesky"``) up to this many features.
AUTO_GRAM_MAX_FEATURES = 4096
#: ``solver="auto"`` uses Newton's method for the other smooth problems up to this many
#: features, L-BFGS above. A Newton pass costs about ``n_features / 2`` gradient passes and
#: Newton needs a handful of them whatever the conditioning; L-BFGS needs from tens to
#: hundreds of gradient passes, more the worse the conditioning.
AUTO_NEWTON_MAX_FEATURES = 128
#: ``solver="auto"`` with an L1 term.
AUTO_L1_SOLVER = "admm"


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
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "dual": ["boolean"],
        "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
        "multi_class": [StrOptions({"auto", "ovr", "multinomial", "deprecated"})],
        "n_jobs": [Integral, None],
    }

    # Set by the subclasses.
    _family = None
    _loss_family = None

    def __init__(
        self,
        penalty="l2",
        *,
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
        class_weight=None,
        dual=False,
        intercept_scaling=1.0,
        multi_class="deprecated",
        n_jobs=None,
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
        self.class_weight = class_weight
        self.dual = dual
        self.intercept_scaling = intercept_scaling
        self.multi_class = multi_class
        self.n_jobs = n_jobs

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

    def _check_dask_ml_params(self):
        """Refuse or warn about the dask-ml / scikit-learn keywords that cannot act here
        (before any data is read; classifiers check ``multi_class`` once they know the
        classes, :meth:`_check_multi_class`)."""
        name = type(self).__name__
        if self.dual:
            raise ValueError(
                f"{name}(dual=True) is not supported: the dual formulation exists only for "
                "scikit-learn's liblinear solver. Use dual=False (the default)."
            )
        if self.intercept_scaling != 1:
            warn_no_effect(
                self,
                "intercept_scaling",
                "it scales the synthetic intercept feature of scikit-learn's liblinear solver, "
                f"which penalises the intercept; {name} never penalises the intercept",
                value=self.intercept_scaling,
                fix="leave intercept_scaling=1",
                stacklevel=4,
            )
        if self.n_jobs is not None:
            warn_no_effect(
                self,
                "n_jobs",
                "dask decides the parallelism: the threads of the local scheduler or the "
                "workers of a dask.distributed Client",
                value=self.n_jobs,
                fix="leave n_jobs=None and configure the scheduler instead",
                stacklevel=4,
            )
        if self._family != "classifier":
            if self.class_weight is not None:
                raise ValueError(
                    f"class_weight is for classifiers; {name} has no classes. Weight the "
                    "samples with fit(X, y, sample_weight=...) instead."
                )
            if self.multi_class != "deprecated":
                warn_no_effect(
                    self,
                    "multi_class",
                    "a regressor has no classes",
                    value=self.multi_class,
                    fix="leave it unset",
                    stacklevel=4,
                )

    def _check_multi_class(self, n_classes):
        """Classifiers: what ``multi_class`` asks for, given ``n_classes``."""
        name = type(self).__name__
        if self.multi_class == "deprecated":
            return
        if self.multi_class == "ovr" and n_classes > 2:
            raise ValueError(
                f"multi_class='ovr' (one-vs-rest) is not implemented: {name} fits "
                f"{n_classes} classes with the multinomial loss. For one-vs-rest, wrap a "
                f"binary model: sklearn.multiclass.OneVsRestClassifier({name}())."
            )
        warnings.warn(
            f"multi_class={self.multi_class!r} is deprecated (scikit-learn deprecated it in "
            f"1.5 and has removed it): {name} fits two classes with the logistic loss and "
            "more with the multinomial loss (for two classes, scikit-learn's old "
            "multi_class='multinomial' fitted a two-class softmax instead). Leave "
            "multi_class unset; "
            "for one-vs-rest use sklearn.multiclass.OneVsRestClassifier.",
            FutureWarning,
            stacklevel=4,
        )

    def _resolve_solver(self, penalty, n_features):
        """The solver that runs: ``self.solver``, or the choice of ``"auto"``."""
        if self.solver != "auto":
            return self.solver
        if penalty.l1 > 0:
            return AUTO_L1_SOLVER
        if self._loss_family == SQUARED:
            return "cholesky" if n_features <= AUTO_GRAM_MAX_FEATURES else "lbfgs"
        return "newton" if n_features <= AUTO_NEWTON_MAX_FEATURES else "lbfgs"

    def _check_solver(self, solver, penalty):
        """Fail fast on a solver that cannot minimise this objective, or bad options."""
        if solver != "cholesky":
            return make_solver(solver, penalty, self.solver_kwargs)
        if self._loss_family != SQUARED:
            raise ValueError(
                f"solver='cholesky' is the exact least-squares solve; {type(self).__name__} "
                "needs an iterative solver ('newton', 'lbfgs', ...) or solver='auto'."
            )
        if penalty.l1 > 0:
            raise ValueError(
                f"solver='cholesky' solves penalty='l2' or None exactly; penalty="
                f"{penalty.name!r} has an L1 term. Use solver='proximal_grad' or "
                "solver='admm' (or solver='auto')."
            )
        iteration_limits(solver, self.solver_kwargs, self.max_iter, self.tol)
        others = sorted(set(self.solver_kwargs or {}) - set(ITERATION_OPTIONS))
        if others:
            chosen = " (chosen by solver='auto')" if self.solver == "auto" else ""
            raise ValueError(
                f"solver='cholesky'{chosen} takes no solver_kwargs but max_iter and tol "
                f"(unused by the exact solve, like the parameters of those names), got "
                f"{others}. Name an iterative solver to pass its options."
            )
        return None

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

    def _iteration_limits(self, solver):
        """``(max_iter, tol)`` the solver runs with: ``solver_kwargs['max_iter']`` and
        ``solver_kwargs['tol']`` (dask-ml's way to pass them) replace the parameters; a
        UserWarning when a parameter was also changed from its default to another value."""
        max_iter, tol, overridden = iteration_limits(
            solver, self.solver_kwargs, self.max_iter, self.tol
        )
        init = inspect.signature(type(self).__init__).parameters
        for key, own, given in overridden:
            if own != init[key].default:
                warnings.warn(
                    f"{type(self).__name__}: solver_kwargs[{key!r}]={given!r} overrides "
                    f"{key}={own!r}. Set only one of them.",
                    UserWarning,
                    stacklevel=5,
                )
        return max_iter, tol

    def _solve(self, obj, w0, solver=None):
        solver = self.solver if solver is None else solver
        solve = make_solver(solver, obj.penalty, self.solver_kwargs)
        max_iter, tol = self._iteration_limits(solver)
        log = IterationLog(f"{type(self).__name__}[{solver}]", self.verbose, total=max_iter)
        with log:
            res = solve(obj, w0, max_iter=max_iter, tol=tol, log=log)
        if not res.converged:
            why = f" ({res.message})" if res.message else ""
            warnings.warn(
                f"{type(self).__name__} with solver={solver!r} did not converge after "
                f"{res.n_iter} iteration(s) (max_iter={max_iter}){why}. Increase "
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
        tags.input_tags.sparse = True  # in-memory sparse X is densified
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
    max_iter : int, default=100
        Maximum number of solver iterations (not used by ``solver='cholesky'``).
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
        Extra options of the chosen solver; an unknown key raises a ``ValueError`` listing
        the accepted ones. Every solver takes ``max_iter`` and ``tol``, with the meaning of
        the parameters of those names, which they replace (as dask-ml passes them to
        dask-glm's solvers); a ``UserWarning`` says so when the parameter was also set to a
        different, non-default value. ``lbfgs``: ``maxcor``,
        ``maxls``, ``ftol``. ``newton``: ``maxls``, ``armijo``. ``gradient_descent``:
        ``maxls``, ``memory``, ``armijo``. ``proximal_grad``: ``maxls``, ``restart``,
        ``step``. ``admm``: ``rho``, ``over_relax``, ``abstol``, ``reltol``, ``mu``, ``tau``,
        ``local_max_iter``. ``cholesky`` takes no others.
    dual : bool, default=False
        dask-ml's and scikit-learn's keyword; ``True`` raises: the dual formulation is
        liblinear's only.
    intercept_scaling : float, default=1.0
        Any other value warns (FutureWarning) that it has no effect: it scales liblinear's
        penalised synthetic intercept feature, and the intercept is never penalised here.
    n_jobs : int or None, default=None
        Any value but None warns (FutureWarning) that it has no effect: dask's scheduler
        decides the parallelism.
"""

def common_params_doc(cls):
    """Put the parameters every GLM shares (``_COMMON_PARAMS``) in place of the
    ``{common}`` line of ``cls``'s docstring."""
    cls.__doc__ = cls.__doc__.replace("    {common}\n", _COMMON_PARAMS.lstrip("\n"))
    return cls
