"""dask_scale: scikit-learn-compatible estimators that train block by block on dask collections.

Import estimators from the same module paths as dask-ml, e.g.
``from dask_scale.cluster import KMeans`` or
``from dask_scale.linear_model import LogisticRegression``.
``with dask_scale.progress():`` shows progress bars for long work.
"""

from ._progress import progress

__version__ = "0.1.0"

__all__ = ["__version__", "progress"]
