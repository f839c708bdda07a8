"""dask-ml's import path ``dask_ml.preprocessing.data``, kept for code written against it.

``from dask_ml.preprocessing.data import StandardScaler`` becomes
``from dask_scale.preprocessing.data import StandardScaler``: the same classes as
:mod:`dask_scale.preprocessing` exports (defined in its private modules), under the names
dask-ml's ``data`` module has. New code imports them from :mod:`dask_scale.preprocessing`.
"""

from ._categorical import Categorizer, DummyEncoder
from ._minmax import MinMaxScaler
from ._ordinal import OrdinalEncoder
from ._polynomial import PolynomialFeatures
from ._quantile import QuantileTransformer
from ._robust import RobustScaler
from ._standard import StandardScaler

__all__ = [
    "Categorizer",
    "DummyEncoder",
    "MinMaxScaler",
    "OrdinalEncoder",
    "PolynomialFeatures",
    "QuantileTransformer",
    "RobustScaler",
    "StandardScaler",
]
