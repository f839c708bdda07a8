"""make_classification: scikit-learn's problem (hypercube clusters), block by block."""

from __future__ import annotations

import numbers

import numpy as np

from ._common import (
    _ALLOCATION_STREAM,
    _STRUCTURE_STREAM,
    CHUNKS_DOC,
    _allocate,
    _apportion,
    _base_seed,
    _block_arrays,
    _block_rng,
    _check_bool,
    _check_int,
    _check_real,
    _check_vector,
    _chunks,
    _class_weights,
    _Params,
    _stream,
)

# --------------------------------------------------------------------------------------------
# make_classification
# --------------------------------------------------------------------------------------------


def _hypercube_vertices(rng, n_vertices, dim):
    """``n_vertices`` distinct random vertices of {-1, 1}**dim, in random order."""
    if dim <= 30:
        ids = rng.choice(2**dim, size=n_vertices, replace=False)
        bits = (ids[:, None] >> np.arange(dim)) & 1
    else:
        seen, chosen = set(), []
        while len(chosen) < n_vertices:
            candidate = rng.integers(0, 2, size=dim)
            key = candidate.tobytes()
            if key not in seen:
                seen.add(key)
                chosen.append(candidate)
        bits = np.array(chosen)
    return 2.0 * bits - 1.0


def _informative_block(rng, counts, centroids, transforms):
    """Gaussian clusters, rows ordered by cluster: ``Z @ A_k + centroid_k`` per cluster."""
    n = int(counts.sum())
    Z = rng.standard_normal((n, centroids.shape[1]))
    start = 0
    for k, c in enumerate(counts.tolist()):
        if c:
            segment = slice(start, start + c)
            if transforms is not None:
                Z[segment] = Z[segment] @ transforms[k]
            Z[segment] += centroids[k]
            start += c
    cluster = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return Z, cluster


def _flip(rng, y, fraction, n_classes):
    if fraction > 0:
        mask = rng.random(len(y)) < fraction
        y[mask] = rng.integers(n_classes, size=int(mask.sum()))
    return y


def _classification_block(p, block_index):
    rng = _block_rng(p, block_index)
    counts = p.table[block_index]
    n = int(counts.sum())
    n_inf = p.centroids.shape[1]
    X = np.empty((n, p.n_features))
    X[:, :n_inf], cluster = _informative_block(rng, counts, p.centroids, p.transforms)
    stop = n_inf
    if p.redundant is not None:
        X[:, stop : stop + p.redundant.shape[1]] = X[:, :n_inf] @ p.redundant
        stop += p.redundant.shape[1]
    if len(p.repeated):
        X[:, stop : stop + len(p.repeated)] = X[:, p.repeated]
        stop += len(p.repeated)
    if stop < p.n_features:
        X[:, stop:] = rng.standard_normal((n, p.n_features - stop))
    y = _flip(rng, cluster % p.n_classes, p.flip_y, p.n_classes)
    if np.any(p.shift != 0.0):
        X += p.shift
    if np.any(p.scale != 1.0):
        X *= p.scale
    if p.shuffle:
        order = rng.permutation(n)
        X = X[np.ix_(order, p.columns)]
        y = y[order]
    return X, y


def _cluster_sizes(n_samples, class_weights, n_clusters_per_class):
    """Rows per cluster; cluster ``k`` belongs to class ``k % n_classes``."""
    n_classes = len(class_weights)
    per_class = _apportion(n_samples, class_weights)
    sizes = np.empty(n_classes * n_clusters_per_class, dtype=np.int64)
    for c in range(n_classes):
        share = _apportion(
            int(per_class[c]), np.full(n_clusters_per_class, 1 / n_clusters_per_class)
        )
        sizes[c::n_classes] = share
    return sizes


def _check_feature_values(name, value, n_features, positive):
    """``shift``/``scale``: a number, an array of shape (n_features,), or None (drawn later)."""
    if value is None:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _check_real(name, value, low=0.0 if positive else None, low_open=positive)
    return _check_vector(name, value, n_features, positive=positive)


def make_classification(
    n_samples=100,
    n_features=20,
    n_informative=2,
    n_redundant=None,
    n_repeated=0,
    n_classes=2,
    n_clusters_per_class=2,
    weights=None,
    flip_y=0.01,
    class_sep=1.0,
    hypercube=True,
    shift=0.0,
    scale=1.0,
    shuffle=True,
    random_state=None,
    chunks=None,
):
    """Generate a random n-class classification problem, as chunked dask arrays.

    The generative model is that of scikit-learn's
    :func:`sklearn.datasets.make_classification`:

    - ``n_classes * n_clusters_per_class`` clusters of points, each normally distributed
      (standard deviation 1) around a distinct vertex of an ``n_informative``-dimensional
      hypercube with sides of length ``2 * class_sep``, then given a random covariance (the
      points of cluster ``k`` are multiplied by a matrix with entries uniform in [-1, 1]).
      Cluster ``k`` belongs to class ``k % n_classes``; the rows of a class are split equally
      between its clusters. With ``hypercube=False`` the centroids are the vertices of a
      random polytope instead: each coordinate of a hypercube vertex is multiplied by an
      independent uniform factor in [0, 1).
    - ``n_redundant`` features are random linear combinations (coefficients uniform in
      [-1, 1]) of the informative ones, ``n_repeated`` features are copies of informative or
      redundant ones drawn with replacement, and the remaining features are standard normal
      noise.
    - A fraction ``flip_y`` of the labels is replaced by a uniformly random class.
    - Features are shifted by ``shift`` and then multiplied by ``scale``.

    Without shuffling, the columns are, in order: informative, redundant, repeated, noise,
    and the rows are ordered by cluster.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=20
        Total number of features.
    n_informative : int, default=2
        Number of informative features.
    n_redundant : int or None, default=None
        Number of redundant features (linear combinations of the informative ones). None
        means scikit-learn's default of 2, or as many as the features left after the
        informative and repeated ones allow (so ``n_features=2`` works, as in dask-ml); an
        explicit number that does not fit raises a ValueError, as in scikit-learn.
    n_repeated : int, default=0
        Number of duplicated features.
    n_classes : int, default=2
        Number of classes.
    n_clusters_per_class : int, default=2
        Number of clusters per class. ``n_classes * n_clusters_per_class`` must not exceed
        ``2 ** n_informative``.
    weights : array-like of shape (n_classes,) or (n_classes - 1,) or None, default=None
        Proportion of samples of each class (normalised to sum to one). With
        ``n_classes - 1`` entries the last class gets ``1 - sum(weights)``. None means
        balanced classes. The class sizes before label flipping are exact.
    flip_y : float in [0, 1], default=0.01
        Fraction of samples whose class is assigned at random.
    class_sep : float, default=1.0
        Half the side of the hypercube; larger values make the problem easier.
    hypercube : bool, default=True
        Centroids on hypercube vertices (True) or on a random polytope (False).
    shift : float, array of shape (n_features,) or None, default=0.0
        Added to the features. None draws one shift per feature uniformly in
        [-class_sep, class_sep].
    scale : float, array of shape (n_features,) or None, default=1.0
        Multiplies the features (after shifting); must be positive. None draws one scale
        per feature uniformly in [1, 100].
    shuffle : bool, default=True
        Put the rows in a uniformly random order and permute the columns (the same column
        permutation for every block).
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    {chunks}

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The samples.
    y : dask array of shape (n_samples,), int64
        The class labels, in ``range(n_classes)``.

    Examples
    --------
    >>> from dask_scale.datasets import make_classification
    >>> X, y = make_classification(n_samples=1000, n_features=10, random_state=0, chunks=400)
    >>> X.shape, X.chunks[0], y.dtype
    ((1000, 10), (400, 400, 200), dtype('int64'))
    >>> X.compute().shape
    (1000, 10)
    >>> make_classification(n_samples=100, chunks=(10, 20))[0].chunks[1]
    (20,)
    """
    params = _classification_params(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        n_redundant=n_redundant,
        n_repeated=n_repeated,
        n_classes=n_classes,
        n_clusters_per_class=n_clusters_per_class,
        weights=weights,
        flip_y=flip_y,
        class_sep=class_sep,
        hypercube=hypercube,
        shift=shift,
        scale=scale,
        shuffle=shuffle,
        random_state=random_state,
        chunks=chunks,
    )
    X, y = _block_arrays(
        "make_classification",
        _classification_block,
        params,
        [(params.column_chunks, np.float64), (None, np.int64)],
    )
    return X, y


make_classification.__doc__ = make_classification.__doc__.replace(
    "{chunks}", CHUNKS_DOC.format(default="None")
)


def _classification_params(
    *,
    n_samples,
    n_features,
    n_informative,
    n_redundant,
    n_repeated,
    n_classes,
    n_clusters_per_class,
    weights,
    flip_y,
    class_sep,
    hypercube,
    shift,
    scale,
    shuffle,
    random_state,
    chunks,
):
    """Check the arguments of :func:`make_classification` and draw the problem's structure."""
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1)
    n_repeated = _check_int("n_repeated", n_repeated, low=0)
    if n_redundant is None:
        n_redundant = max(0, min(2, n_features - n_informative - n_repeated))
    n_redundant = _check_int("n_redundant", n_redundant, low=0)
    n_classes = _check_int("n_classes", n_classes, low=1)
    n_clusters_per_class = _check_int("n_clusters_per_class", n_clusters_per_class, low=1)
    if n_informative + n_redundant + n_repeated > n_features:
        raise ValueError(
            f"n_informative + n_redundant + n_repeated = "
            f"{n_informative + n_redundant + n_repeated} exceeds n_features={n_features}; "
            "increase n_features or lower the others."
        )
    n_clusters = n_classes * n_clusters_per_class
    if n_clusters > 2**n_informative:
        raise ValueError(
            f"n_classes * n_clusters_per_class = {n_clusters} must be smaller than or equal to "
            f"2**n_informative = {2**n_informative}; increase n_informative or lower "
            "n_classes / n_clusters_per_class."
        )
    class_weights = _class_weights(weights, n_classes)
    flip_y = _check_real("flip_y", flip_y, low=0.0, high=1.0)
    class_sep = _check_real("class_sep", class_sep, low=0.0)
    shift = _check_feature_values("shift", shift, n_features, positive=False)
    scale = _check_feature_values("scale", scale, n_features, positive=True)
    hypercube = _check_bool("hypercube", hypercube)
    shuffle = _check_bool("shuffle", shuffle)
    rows, column_chunks = _chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    centroids = class_sep * _hypercube_vertices(rng, n_clusters, n_informative)
    if not hypercube:
        centroids *= rng.random(size=centroids.shape)
    transforms = 2.0 * rng.random(size=(n_clusters, n_informative, n_informative)) - 1.0
    redundant = None
    if n_redundant:
        redundant = 2.0 * rng.random(size=(n_informative, n_redundant)) - 1.0
    repeated = rng.integers(0, n_informative + n_redundant, size=n_repeated)
    if shift is None:
        shift = rng.uniform(-class_sep, class_sep, size=n_features)
    if scale is None:
        scale = rng.uniform(1.0, 100.0, size=n_features)
    columns = rng.permutation(n_features) if shuffle else np.arange(n_features)

    sizes = _cluster_sizes(n_samples, class_weights, n_clusters_per_class)
    table = _allocate(sizes, rows, shuffle, _stream(base, _ALLOCATION_STREAM))
    params = _Params(
        "make_classification",
        base_seed=base,
        n_features=n_features,
        n_classes=n_classes,
        centroids=centroids,
        transforms=transforms,
        redundant=redundant,
        repeated=repeated,
        flip_y=flip_y,
        shift=shift,
        scale=scale,
        shuffle=shuffle,
        columns=columns,
        rows=rows,
        column_chunks=column_chunks,
        table=table,
    )
    return params
