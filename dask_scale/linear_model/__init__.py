"""Generalised linear models trained block by block on dask arrays and DataFrames.

``LogisticRegression``, ``LinearRegression`` and ``PoissonRegression`` minimise
scikit-learn's objective ``C * sum_i sw_i * loss_i + penalty(coef)`` (intercept never
penalised, no hidden standardisation) with one of five solvers: ``lbfgs``, ``newton``,
``gradient_descent``, ``proximal_grad`` and ``admm``.
"""

from ._logistic import LogisticRegression
from ._regression import LinearRegression, PoissonRegression

__all__ = ["LinearRegression", "LogisticRegression", "PoissonRegression"]
