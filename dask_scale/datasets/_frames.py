"""make_classification_df: a classification problem as a dask DataFrame with category columns."""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pandas as pd

from ._classification import _flip, _hypercube_vertices, _informative_block
from ._common import (
    _ALLOCATION_STREAM,
    _STRUCTURE_STREAM,
    _allocate,
    _apportion,
    _base_seed,
    _block_rng,
    _check_int,
    _check_real,
    _class_weights,
    _Params,
    _row_chunks,
    _stream,
)

# --------------------------------------------------------------------------------------------
# make_classification_df
# --------------------------------------------------------------------------------------------


def _category_dtype(n_categories):
    return pd.CategoricalDtype([f"c{j}" for j in range(n_categories)])


def _classification_df_partition(block_index, p):
    rng = _block_rng(p, block_index)
    counts = p.table[block_index]
    start = p.starts[block_index]
    n = int(counts.sum())
    n_inf = p.centroids.shape[1]
    numeric = np.empty((n, p.n_numeric))
    numeric[:, :n_inf], label = _informative_block(rng, counts, p.centroids, None)
    if p.n_numeric > n_inf:
        numeric[:, n_inf:] = rng.standard_normal((n, p.n_numeric - n_inf))
    # categorical codes drawn from the class's own distribution over the categories: the
    # code is the number of cumulative probabilities (of the row's class) <= a uniform draw
    # (a binary search per class: the cumulative probabilities are sorted)
    n_categorical, n_classes, n_categories = p.category_cdf.shape
    codes = np.empty((n_categorical, n), dtype=np.int8 if n_categories <= 127 else np.int32)
    draws = rng.random((n_categorical, n))
    for j in range(n_categorical):
        for c in range(n_classes):
            rows = label == c
            codes[j, rows] = np.searchsorted(p.category_cdf[j, c], draws[j, rows], side="right")
    y = _flip(rng, label, 1.0 - p.predictability, p.n_classes)
    order = rng.permutation(n)
    dtype = _category_dtype(n_categories)
    # the numeric columns as one 2-D block (rows gathered once, no per-column copies)
    frame = pd.DataFrame(
        numeric[order],
        columns=[f"num_{j}" for j in range(p.n_numeric)],
        index=pd.RangeIndex(start, start + n),
        copy=False,
    )
    extra = {
        f"cat_{j}": pd.Categorical.from_codes(codes[j][order], dtype=dtype)
        for j in range(n_categorical)
    }
    extra["target"] = y[order]
    return frame.assign(**extra)


def make_classification_df(
    n_samples=10000,
    n_features=5,
    n_informative=2,
    n_classes=2,
    n_categorical=2,
    n_categories=4,
    weights=None,
    response_rate=None,
    predictability=0.9,
    class_sep=1.0,
    random_state=None,
    chunks=None,
):
    """Generate a classification problem with numeric and categorical columns, as a dask
    DataFrame.

    The model:

    - Each row first gets a true class, with exact class sizes from ``weights`` (or
      ``response_rate``); rows are in a uniformly random order.
    - Numeric columns ``num_0`` … ``num_{n_features - 1}``: the first ``n_informative`` are
      normally distributed (standard deviation 1) around a class centroid, the centroids
      being distinct random vertices of the hypercube ``{-class_sep, class_sep}**n_informative``;
      the others are standard normal noise.
    - Categorical columns ``cat_0`` … ``cat_{n_categorical - 1}`` (pandas ``category``
      dtype with the categories ``"c0"`` … ``"c{n_categories - 1}"`` known and identical in
      every partition): for every column and class, a probability vector over the
      categories is drawn once from a flat Dirichlet distribution; each row's category is
      drawn from the vector of its true class, so categories carry information about the
      class.
    - The label equals the true class with probability ``predictability``; otherwise it is
      a uniformly random class.

    The index holds the global row numbers (0 to ``n_samples - 1``) and the divisions are
    known. Each partition is generated from its own random stream, so the data are
    reproducible whatever the scheduler and never materialised as a whole; they depend on
    ``chunks``.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of rows.
    n_features : int, default=5
        Number of numeric columns.
    n_informative : int, default=2
        Number of informative numeric columns (1 to ``n_features``);
        ``n_classes <= 2 ** n_informative``.
    n_classes : int, default=2
        Number of classes.
    n_categorical : int, default=2
        Number of categorical columns (may be 0).
    n_categories : int, default=4
        Number of categories of each categorical column (at least 2).
    weights : array-like of shape (n_classes,) or (n_classes - 1,) or None, default=None
        Proportion of rows of each class, as in :func:`make_classification`. None means
        balanced classes.
    response_rate : float in (0, 1) or None, default=None
        Binary problems only: the proportion of the positive class, a shorthand for
        ``weights=[1 - response_rate, response_rate]``. Cannot be combined with ``weights``.
    predictability : float in [0, 1], default=0.9
        Probability that a label is the true class; the others are uniformly random
        (``1 - predictability`` plays the role of ``flip_y``). 1.0 is the easiest problem,
        0.0 makes the labels independent of the features.
    class_sep : float, default=1.0
        Half the distance between class centroids along each informative column.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per partition, or the size of each partition (summing to ``n_samples``). None
        means partitions of 100_000 rows.

    Returns
    -------
    X : dask DataFrame of shape (n_samples, n_features + n_categorical)
        Float64 columns ``num_*`` then categorical columns ``cat_*``.
    y : dask Series of shape (n_samples,), int64
        The labels, named ``"target"``, with the same index and divisions as ``X``.

    Examples
    --------
    >>> from dask_scale.datasets import make_classification_df
    >>> X, y = make_classification_df(n_samples=1000, random_state=0, chunks=250)
    >>> list(X.columns)
    ['num_0', 'num_1', 'num_2', 'num_3', 'num_4', 'cat_0', 'cat_1']
    >>> X.divisions
    (0, 250, 500, 750, 999)
    >>> X.dtypes["cat_0"]
    CategoricalDtype(categories=['c0', 'c1', 'c2', 'c3'], ordered=False, categories_dtype=str)
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1, high=n_features)
    n_classes = _check_int("n_classes", n_classes, low=1)
    if n_classes > 2**n_informative:
        raise ValueError(
            f"n_classes={n_classes} must be smaller than or equal to 2**n_informative = "
            f"{2**n_informative}; increase n_informative."
        )
    n_categorical = _check_int("n_categorical", n_categorical, low=0)
    n_categories = _check_int("n_categories", n_categories, low=2)
    if response_rate is not None:
        if weights is not None:
            raise ValueError("Pass either weights or response_rate, not both.")
        if n_classes != 2:
            raise ValueError(
                f"response_rate is for binary problems but n_classes={n_classes}; use weights."
            )
        response_rate = _check_real("response_rate", response_rate, low=0.0, low_open=True)
        if response_rate >= 1.0:
            raise ValueError(f"response_rate must be < 1, got {response_rate}.")
        weights = [1.0 - response_rate, response_rate]
    class_weights = _class_weights(weights, n_classes)
    predictability = _check_real("predictability", predictability, low=0.0, high=1.0)
    class_sep = _check_real("class_sep", class_sep, low=0.0)
    rows = _row_chunks(chunks, n_samples)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    centroids = class_sep * _hypercube_vertices(rng, n_classes, n_informative)
    probabilities = rng.dirichlet(np.ones(n_categories), size=(n_categorical, n_classes))
    category_cdf = np.cumsum(probabilities, axis=2)
    category_cdf[:, :, -1] = np.inf  # guard against rounding: the last category closes at 1
    table = _allocate(
        _apportion(n_samples, class_weights), rows, True, _stream(base, _ALLOCATION_STREAM)
    )
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
    params = _Params(
        "make_classification_df",
        base_seed=base,
        n_numeric=n_features,
        n_classes=n_classes,
        centroids=centroids,
        category_cdf=category_cdf,
        predictability=predictability,
        table=table,
        starts=starts,
    )
    columns = [f"num_{j}" for j in range(n_features)] + [f"cat_{j}" for j in range(n_categorical)]
    category_dtype = _category_dtype(n_categories)
    meta = pd.DataFrame(
        {c: np.empty(0) for c in columns[:n_features]}
        | {c: pd.Categorical.from_codes([], dtype=category_dtype) for c in columns[n_features:]}
        | {"target": np.empty(0, dtype=np.int64)},
        index=pd.RangeIndex(0),
    )
    frame = dd.from_map(
        _classification_df_partition,
        range(len(rows)),
        args=(params,),
        meta=meta,
        divisions=(*starts.tolist(), n_samples - 1),
        label="make_classification_df",
        enforce_metadata=False,
    )
    return frame[columns], frame["target"]
