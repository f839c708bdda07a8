"""Feature extraction on dask collections (dask-ml's ``dask_ml.feature_extraction``).

The vectorizers live in :mod:`dask_scale.feature_extraction.text`, as in dask-ml;
:class:`~dask_scale.feature_extraction.text.FeatureHasher` is also here, where
scikit-learn has it.
"""

from . import text
from .text import FeatureHasher

__all__ = ["FeatureHasher", "text"]
