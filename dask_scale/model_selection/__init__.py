"""Model selection on dask input: train/test splits, cross-validation splitters, searches.

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

Adaptive searches for estimators with ``partial_fit``, driven by a dask.distributed Client
(sync or ``await``-ed on an asynchronous one): :class:`IncrementalSearchCV`,
:class:`InverseDecaySearchCV`, :class:`SuccessiveHalvingSearchCV` (with an asynchronous
ASHA option) and :class:`HyperbandSearchCV`.
"""

from ._halving import HalvingGridSearchCV, HalvingRandomSearchCV
from ._hyperband import HyperbandSearchCV
from ._incremental import IncrementalSearchCV, InverseDecaySearchCV
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
from ._successive_halving import SuccessiveHalvingSearchCV

__all__ = [
    "GridSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "HyperbandSearchCV",
    "IncrementalSearchCV",
    "InverseDecaySearchCV",
    "KFold",
    "RandomizedSearchCV",
    "ShuffleSplit",
    "StratifiedKFold",
    "StratifiedShuffleSplit",
    "SuccessiveHalvingSearchCV",
    "check_cv",
    "compute_n_splits",
    "train_test_split",
]
