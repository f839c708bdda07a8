"""dask-ml's ``dask_ml.metrics.scorer`` path: the scorers of :mod:`dask_scale.metrics`."""

from ._scorer import SCORERS, check_scoring, get_scorer, get_scorer_names, make_scorer

__all__ = ["SCORERS", "check_scoring", "get_scorer", "get_scorer_names", "make_scorer"]
