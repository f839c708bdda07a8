"""Blockwise preprocessing: scalers, encoders and feature builders for dask collections.

Every transformer follows scikit-learn's API and returns the kind of container it is given:
NumPy in, NumPy out; dask array in, lazy dask array out; dask DataFrame in, dask DataFrame
out (with ``get_feature_names_out`` column names).
"""

from ._block import BlockTransformer
from ._categorical import Categorizer, DummyEncoder
from ._label import LabelEncoder
from ._minmax import MinMaxScaler
from ._onehot import OneHotEncoder
from ._ordinal import OrdinalEncoder
from ._polynomial import PolynomialFeatures
from ._quantile import QuantileTransformer
from ._robust import RobustScaler
from ._standard import StandardScaler

__all__ = [
    "BlockTransformer",
    "Categorizer",
    "DummyEncoder",
    "LabelEncoder",
    "MinMaxScaler",
    "OneHotEncoder",
    "OrdinalEncoder",
    "PolynomialFeatures",
    "QuantileTransformer",
    "RobustScaler",
    "StandardScaler",
]
