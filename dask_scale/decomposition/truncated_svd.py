"""dask-ml's module path ``dask_ml.decomposition.truncated_svd``: :class:`TruncatedSVD` of
:mod:`dask_scale.decomposition` (the very class)."""

from ._truncated_svd import TruncatedSVD

__all__ = ["TruncatedSVD"]
