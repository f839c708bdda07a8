"""make_blobs: isotropic Gaussian blobs, block by block."""

from __future__ import annotations

import numbers

import numpy as np

from ._common import (
    _ALLOCATION_STREAM,
    _ROW_SLICE,
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
    _Params,
    _stream,
)

# --------------------------------------------------------------------------------------------
# make_blobs
# --------------------------------------------------------------------------------------------


def _blobs_block(params, block_index):
    rng = _block_rng(params, block_index)
    counts = params.table[block_index]
    n = int(counts.sum())
    labels = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    if params.shuffle:
        labels = rng.permutation(labels)
    X = rng.standard_normal((n, params.centers.shape[1]))
    # Shift and scale in row slices: ``centers[labels]`` for the whole block would be a
    # temporary as large as the block (the peak memory of out-of-core fits).
    for start in range(0, n, _ROW_SLICE):
        rows = slice(start, start + _ROW_SLICE)
        X[rows] *= params.cluster_std[labels[rows], None]
        X[rows] += params.centers[labels[rows]]
    return X, labels


def make_blobs(
    n_samples=100,
    n_features=None,
    centers=None,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    shuffle=True,
    random_state=None,
    chunks=None,
    return_centers=False,
):
    """Generate isotropic Gaussian blobs for clustering, as a chunked dask array.

    The model is scikit-learn's :func:`sklearn.datasets.make_blobs`: the sample of centre
    ``k`` is ``centers[k] + cluster_std[k] * N(0, I)``. Each row block is generated from its
    own random stream, so the data are reproducible whatever the scheduler and never
    materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int or array-like of int, default=100
        Total number of points, split as equally as possible between the centres, or the
        number of points of each centre.
    n_features : int or None, default=None
        Number of features. None means 2, or the width of ``centers`` when it is an array
        (an explicit value that disagrees with ``centers`` raises a ValueError).
    centers : int, array-like of shape (n_centers, n_features) or None, default=None
        Number of centres to draw uniformly in ``center_box``, or the centres themselves.
        None means 3 centres, or one per entry of ``n_samples`` when it is a list.
    cluster_std : float or array-like of shape (n_centers,), default=1.0
        Standard deviation of the clusters.
    center_box : tuple of float (min, max), default=(-10.0, 10.0)
        Bounding box of the randomly drawn centres.
    shuffle : bool, default=True
        Put the rows in a uniformly random order. Blocks still hold exactly the requested
        number of points per centre in total. If False, rows are ordered by centre.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    {chunks}
    return_centers : bool, default=False
        Also return the centres.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The samples.
    y : dask array of shape (n_samples,), int64
        The centre index of each sample.
    centers : ndarray of shape (n_centers, n_features)
        The centres; only when ``return_centers=True``.

    Examples
    --------
    >>> from dask_scale.datasets import make_blobs
    >>> X, y = make_blobs(n_samples=1000, centers=4, random_state=0, chunks=250)
    >>> X
    dask.array<make_blobs-0, shape=(1000, 2), dtype=float64, chunksize=(250, 2), chunktype=numpy.ndarray>
    >>> y.chunks
    ((250, 250, 250, 250),)
    """
    # sample counts per centre and the centres
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n_total = _check_int("n_samples", n_samples, low=1)
        per_centre = None
    else:
        per_centre = np.asarray(n_samples)
        if per_centre.ndim != 1 or len(per_centre) == 0 or per_centre.dtype.kind not in "iu":
            raise ValueError(
                "n_samples must be an int or a non-empty 1-D array-like of ints (points per "
                f"centre), got {n_samples!r}."
            )
        if (per_centre < 0).any() or per_centre.sum() < 1:
            raise ValueError(
                "n_samples per centre must be non-negative with at least one point in total, "
                f"got {list(per_centre)}."
            )
        per_centre = per_centre.astype(np.int64)
        n_total = int(per_centre.sum())
    if n_features is not None:
        n_features = _check_int("n_features", n_features, low=1)
    if len(center_box) != 2:
        raise ValueError(f"center_box must be a (min, max) pair, got {center_box!r}.")
    box_low = _check_real("center_box[0]", center_box[0])
    box_high = _check_real("center_box[1]", center_box[1])
    if box_low >= box_high:
        raise ValueError(f"center_box must satisfy min < max, got {center_box!r}.")
    shuffle = _check_bool("shuffle", shuffle)
    return_centers = _check_bool("return_centers", return_centers)
    random_centers = centers is None or (
        isinstance(centers, numbers.Integral) and not isinstance(centers, bool)
    )
    if random_centers:
        if centers is None:
            n_centers = 3 if per_centre is None else len(per_centre)
        else:
            n_centers = _check_int("centers", centers, low=1)
        if per_centre is not None and len(per_centre) != n_centers:
            raise ValueError(
                f"n_samples lists {len(per_centre)} centres but centers={centers}; give one "
                "count per centre."
            )
        if n_features is None:
            n_features = 2
    else:
        centers = np.array(centers, dtype=np.float64)
        if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] == 0:
            raise ValueError(
                "centers must be an int or a 2-D array-like of shape (n_centers, n_features), "
                f"got shape {centers.shape}."
            )
        if not np.isfinite(centers).all():
            raise ValueError("centers must be finite.")
        if n_features is None:
            n_features = centers.shape[1]
        elif n_features != centers.shape[1]:
            raise ValueError(
                f"centers has {centers.shape[1]} columns but n_features={n_features}; leave "
                "n_features=None to use the width of centers."
            )
        n_centers = centers.shape[0]
        if per_centre is not None and len(per_centre) != n_centers:
            raise ValueError(
                f"n_samples lists {len(per_centre)} centres but centers has {n_centers} rows."
            )
    if isinstance(cluster_std, numbers.Real) and not isinstance(cluster_std, bool):
        cluster_std = np.full(n_centers, _check_real("cluster_std", cluster_std, low=0.0))
    else:
        cluster_std = _check_vector("cluster_std", cluster_std, n_centers, non_negative=True)
    if per_centre is None:
        per_centre = _apportion(n_total, np.full(n_centers, 1.0 / n_centers))
    rows, column_chunks = _chunks(chunks, n_total, n_features)

    base = _base_seed(random_state)
    if random_centers:
        centers = _stream(base, _STRUCTURE_STREAM).uniform(
            box_low, box_high, size=(n_centers, n_features)
        )
    table = _allocate(per_centre, rows, shuffle, _stream(base, _ALLOCATION_STREAM))
    params = _Params(
        "make_blobs",
        base_seed=base,
        centers=centers,
        cluster_std=cluster_std,
        shuffle=shuffle,
        rows=rows,
        table=table,
    )
    X, y = _block_arrays(
        "make_blobs", _blobs_block, params, [(column_chunks, np.float64), (None, np.int64)]
    )
    if return_centers:
        return X, y, centers
    return X, y


make_blobs.__doc__ = make_blobs.__doc__.replace("{chunks}", CHUNKS_DOC.format(default="None"))
