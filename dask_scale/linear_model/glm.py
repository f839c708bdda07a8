"""dask-ml's import path ``dask_ml.linear_model.glm``, kept for code written against it.

``from dask_ml.linear_model.glm import LogisticRegression`` becomes
``from dask_scale.linear_model.glm import LogisticRegression``: the same classes as
:mod:`dask_scale.linear_model` exports. New code imports them from there.
"""

from ._logistic import LogisticRegression
from ._regression import LinearRegression, PoissonRegression

__all__ = ["LinearRegression", "LogisticRegression", "PoissonRegression"]
