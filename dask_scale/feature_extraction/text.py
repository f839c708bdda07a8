"""Text vectorizers at dask-ml's module path ``dask_ml.feature_extraction.text``.

:class:`HashingVectorizer` and :class:`FeatureHasher` are stateless: their ``transform`` of a
dask Bag or Series is lazy, block by block. :class:`CountVectorizer` learns its vocabulary
in one pass (none with a given ``vocabulary``), then counts block by block. Each output is
a dask array of ``scipy.sparse`` CSR blocks whose rows equal scikit-learn's on the same
documents; in-memory documents get scikit-learn's own output.
"""

from ._counting import CountVectorizer
from ._hashing import FeatureHasher, HashingVectorizer

__all__ = ["CountVectorizer", "FeatureHasher", "HashingVectorizer"]
