"""Model selection on dask input: splits, cross-validation splitters, hyperparameter search.

dask-ml's public names (``dask_ml.model_selection``) with scikit-learn's results:
:func:`train_test_split` gives scikit-learn's train and test sizes (and, with
``shuffle=False``, ``blockwise=False`` or ``stratify``, its very rows) for dask arrays and
DataFrames, lazily; :class:`KFold`, :class:`StratifiedKFold`, :class:`ShuffleSplit` and
:class:`StratifiedShuffleSplit` yield scikit-learn's indices for the same number of rows and
``random_state``, also when ``X`` is a dask collection; :func:`check_cv` and
:func:`compute_n_splits` accept dask ``y`` and ``groups``.

:class:`GridSearchCV` and :class:`RandomizedSearchCV` run a whole search as one graph, the
work candidates share (Pipeline steps, FeatureUnion parts, fold transforms) once.
:class:`HalvingGridSearchCV` and :class:`HalvingRandomSearchCV` are scikit-learn's successive
halving (over ``n_samples`` or an estimator parameter), each iteration one graph.
"""

from ._halving import HalvingGridSearchCV, HalvingRandomSearchCV
from ._search import GridSearchCV, RandomizedSearchCV
from ._split import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
    check_cv,
    compute_n_splits,
    train_test_split,
)

__all__ = [
    "GridSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "KFold",
    "RandomizedSearchCV",
    "ShuffleSplit",
    "StratifiedKFold",
    "StratifiedShuffleSplit",
    "check_cv",
    "compute_n_splits",
    "train_test_split",
]
