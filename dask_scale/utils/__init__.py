"""Public helpers, at dask-ml's module path ``dask_ml.utils``."""

from ._estimators import all_estimators, assert_estimator_equal

__all__ = ["all_estimators", "assert_estimator_equal"]
