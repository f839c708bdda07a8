"""What every solver returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SolverResult"]


@dataclass
class SolverResult:
    """Outcome of a solver run.

    Attributes
    ----------
    w : ndarray of shape (n_coef,)
        Final flat coefficients.
    n_iter : int
        Iterations done.
    converged : bool
        Whether the stopping criterion was met before ``max_iter``.
    objective : float
        scikit-learn's objective ``C * sum(sw * loss) + P`` at ``w`` (as last evaluated).
    message : str or None
        Why the solver stopped early without converging, if it did.
    """

    w: np.ndarray
    n_iter: int
    converged: bool
    objective: float
    message: str | None = None
