"""dask-ml's import path ``dask_ml.preprocessing.label``, kept for code written against it.

``from dask_ml.preprocessing.label import LabelEncoder`` becomes
``from dask_scale.preprocessing.label import LabelEncoder``: the same class as
:mod:`dask_scale.preprocessing` exports. New code imports it from there.
"""

from ._label import LabelEncoder

__all__ = ["LabelEncoder"]
