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
from ._options import check_option
from ._result import SolverResult

__all__ = ["GLMObjective", "Penalty", "SOLVERS", "SolverResult", "make_solver"]

# name -> (solver module, handles an L1 term); each module has the solver function of its
# name, DEFAULTS (its options) and OPTIONS (a check per option, see _options.py)
SOLVERS = {
    "lbfgs": (_lbfgs, False),
    "newton": (_newton, False),
    "gradient_descent": (_gd, False),
    "proximal_grad": (_prox, True),
    "admm": (_admm, True),
}


def make_solver(name, penalty, solver_kwargs):
    """The solver ``name`` with ``solver_kwargs`` bound, after checking the combination.

    Parameters
    ----------
    name : str
        One of :data:`SOLVERS`.
    penalty : Penalty
    solver_kwargs : dict or None
        Extra options of that solver; unknown keys raise.

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
    unknown = sorted(set(kwargs) - set(defaults))
    if unknown:
        raise ValueError(
            f"Unknown solver_kwargs {unknown} for solver={name!r}; accepted keys are "
            f"{sorted(defaults)}."
        )
    for key, value in kwargs.items():
        check_option(name, key, value, module.OPTIONS[key])
    return functools.partial(func, **kwargs)
