"""Model selection on dask collections and a distributed cluster.

Adaptive searches for estimators with ``partial_fit``, driven by a dask.distributed Client
(sync or ``await``-ed on an asynchronous one): :class:`IncrementalSearchCV`,
:class:`InverseDecaySearchCV`, :class:`SuccessiveHalvingSearchCV` (with an asynchronous
ASHA option) and :class:`HyperbandSearchCV`.
"""

from ._hyperband import HyperbandSearchCV
from ._incremental import IncrementalSearchCV, InverseDecaySearchCV
from ._successive_halving import SuccessiveHalvingSearchCV

__all__ = [
    "HyperbandSearchCV",
    "IncrementalSearchCV",
    "InverseDecaySearchCV",
    "SuccessiveHalvingSearchCV",
]
