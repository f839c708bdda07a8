"""Solvers for penalised GLMs, one module each, all minimising :class:`GLMObjective`.

=================== ============================ ==========================================
solver              penalties                    passes over the data per iteration
=================== ============================ ==========================================
``lbfgs``           ``l2``, None                 1 (loss + gradient), more in line searches
``newton``          ``l2``, None                 1 (loss + gradient + Hessian) per trial
``gradient_descent`` ``l2``, None                1 (loss + gradient), more in line searches
``proximal_grad``   ``l1``, ``l2``, elasticnet,  2 (gradient at the extrapolated point, loss
                    None                         at the candidate)
``admm``            ``l1``, ``l2``, elasticnet,  1 graph; each block runs Newton steps on
                    None                         its own rows (usually one pass)
=================== ============================ ==========================================

Squared loss with an L2 penalty or none has an exact solution: :mod:`.cholesky` computes it
in one pass (the Gram matrix, then a direct solve) outside this table of iterative solvers;
the estimators run it for ``solver='cholesky'`` (and LinearRegression's ``'auto'``).
"""

from __future__ import annotations

import functools

from . import admm as _admm
from . import gradient_descent as _gd
from . import lbfgs as _lbfgs
from . import newton as _newton
from . import proximal_grad as _prox
from ._objective import GLMObjective, Penalty
from ._options import NON_NEGATIVE, NON_NEGATIVE_INT, check_option
from ._result import SolverResult

__all__ = [
    "GLMObjective",
    "ITERATION_OPTIONS",
    "Penalty",
    "SOLVERS",
    "SolverResult",
    "iteration_limits",
    "make_solver",
]

# name -> (solver module, handles an L1 term); each module has the solver function of its
# name, DEFAULTS (its options) and OPTIONS (a check per option, see _options.py)
SOLVERS = {
    "lbfgs": (_lbfgs, False),
    "newton": (_newton, False),
    "gradient_descent": (_gd, False),
    "proximal_grad": (_prox, True),
    "admm": (_admm, True),
}


# Options every solver (and the exact solve) takes in ``solver_kwargs``, with the meaning of
# the estimator parameters of the same name: dask-ml passes solver_kwargs on to dask-glm,
# whose solvers all take them, so its users set them there.
ITERATION_OPTIONS = {"max_iter": NON_NEGATIVE_INT, "tol": NON_NEGATIVE}


def iteration_limits(name, solver_kwargs, max_iter, tol):
    """``(max_iter, tol, overridden)``: the estimator's ``max_iter`` and ``tol``, replaced by
    ``solver_kwargs['max_iter']`` / ``solver_kwargs['tol']`` when given.

    ``overridden`` lists ``(key, estimator value, solver_kwargs value)`` for the keys whose two
    values disagree (the caller decides whether to warn). Values are checked as the other
    options are (a ``ValueError`` naming the key).
    """
    kwargs = solver_kwargs or {}
    limits = {"max_iter": max_iter, "tol": tol}
    overridden = []
    for key, rule in ITERATION_OPTIONS.items():
        if key in kwargs:
            value = kwargs[key]
            check_option(name, key, value, rule)
            if value != limits[key]:
                overridden.append((key, limits[key], value))
            limits[key] = value
    return limits["max_iter"], limits["tol"], overridden


def make_solver(name, penalty, solver_kwargs):
    """The solver ``name`` with ``solver_kwargs`` bound, after checking the combination.

    Parameters
    ----------
    name : str
        One of :data:`SOLVERS`.
    penalty : Penalty
    solver_kwargs : dict or None
        Extra options of that solver; unknown keys raise a ``ValueError``. ``max_iter`` and
        ``tol`` (:data:`ITERATION_OPTIONS`) are checked here and left out of the binding:
        :func:`iteration_limits` gives the values to call the solver with.

    Returns
    -------
    callable
        ``solve(obj, w0, *, max_iter, tol, log) -> SolverResult``.
    """
    module, handles_l1 = SOLVERS[name]
    func, defaults = getattr(module, name), module.DEFAULTS
    if penalty.l1 > 0 and not handles_l1:
        raise ValueError(
            f"solver={name!r} cannot handle penalty={penalty.name!r}: its L1 term is not "
            "differentiable. Use solver='proximal_grad' or solver='admm' for 'l1' and "
            "'elasticnet' penalties."
        )
    kwargs = dict(solver_kwargs or {})
    iteration_limits(name, kwargs, None, None)  # checks the values
    for key in ITERATION_OPTIONS:
        kwargs.pop(key, None)
    accepted = sorted(set(defaults) | set(ITERATION_OPTIONS))
    unknown = sorted(set(kwargs) - set(defaults))
    if unknown:
        raise ValueError(
            f"Unknown solver_kwargs {unknown} for solver={name!r}; accepted keys are "
            f"{accepted}."
        )
    for key, value in kwargs.items():
        check_option(name, key, value, module.OPTIONS[key])
    return functools.partial(func, **kwargs)

