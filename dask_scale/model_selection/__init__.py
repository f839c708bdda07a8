"""Model selection at dask-ml's module path: hyperparameter searches over dask graphs.

- :class:`GridSearchCV`, :class:`RandomizedSearchCV`: the whole search as one graph, the
  shared work of candidates (Pipeline steps, FeatureUnion parts, fold transforms) run once.
"""

from ._search import GridSearchCV, RandomizedSearchCV

__all__ = ["GridSearchCV", "RandomizedSearchCV"]
