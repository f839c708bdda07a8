"""Generalised linear models trained block by block on dask arrays and DataFrames.

``LogisticRegression``, ``LinearRegression`` and ``PoissonRegression`` minimise
scikit-learn's objective ``C * sum_i sw_i * loss_i + penalty(coef)`` (intercept never
penalised, no hidden standardisation) with one of five iterative solvers: ``lbfgs``,
``newton``, ``gradient_descent``, ``proximal_grad`` and ``admm``; squared loss with an L2
penalty or none is solved exactly in one pass (``solver='cholesky'``, LinearRegression's
default choice). :mod:`dask_scale.linear_model.utils` holds dask-ml's helpers
(``add_intercept``, ``lr_prob_stack``, ...).
"""

from ._logistic import LogisticRegression
from ._regression import LinearRegression, PoissonRegression

__all__ = ["LinearRegression", "LogisticRegression", "PoissonRegression"]
