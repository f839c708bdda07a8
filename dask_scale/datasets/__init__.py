"""Reproducible, chunked random data generators.

Every generator returns lazy dask collections whose row blocks are produced by one task each.
Nothing is ever materialised as a whole: block ``i`` is generated from its own random stream,
derived from ``random_state`` and ``i``, so

- the same call gives the same data whatever the scheduler (threads, synchronous,
  processes, dask.distributed) and whichever blocks are computed, in whatever order;
- computing block ``i`` alone (``X.blocks[i]``) never needs any other block.

The small global structure of a problem (cluster centres, coefficients, per-class cluster
sizes, the split of those sizes over the blocks) is drawn once, on the client, from the same
``random_state`` and embedded in the graph.

Because each block has its own stream, the data depend on the row blocks: the same
``random_state`` with different row chunks gives different (but equally distributed) data.
Column chunks do not change the values.

``chunks`` follows dask's convention (:func:`dask.array.core.normalize_chunks` for the
shape ``(n_samples, n_features)``), as in dask-ml: an int is the number of rows per block
(all columns in one block), a tuple has one entry per dimension (``(1000, 20)``: blocks of
1000 rows and all 20 columns; an entry that is a tuple gives explicit block sizes, and a
missing column entry means one column block, so ``((600, 400),)`` gives two row blocks),
``"auto"`` lets dask choose, a dict maps an axis to its chunks, and None means blocks of
100_000 rows. Column blocks that split the features are supported for the arrays (each row
block is generated whole and its column blocks copied from it, so the values depend on the
row blocks only); the DataFrame generators refuse them. 1-D outputs have the row blocks of
``X``.

``random_state`` follows scikit-learn: ``None`` draws from NumPy's global random state, an
int is a seed, and a ``numpy.random.RandomState`` or ``numpy.random.Generator`` is used to
draw a base seed (advancing it once).
"""

from __future__ import annotations

from ._blobs import make_blobs
from ._classification import make_classification
from ._frames import make_classification_df, make_mixed_classification_df, random_date
from ._regression import make_counts, make_regression

__all__ = [
    "make_blobs",
    "make_classification",
    "make_classification_df",
    "make_counts",
    "make_mixed_classification_df",
    "make_regression",
    "random_date",
]
