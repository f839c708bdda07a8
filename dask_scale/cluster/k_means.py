"""dask-ml's ``dask_ml.cluster.k_means`` module path: KMeans and its initialisation helpers.

Code written against dask-ml imports these names from here (``from
dask_ml.cluster.k_means import k_init``); each is a thin entry point into the estimator's own
code (:mod:`dask_scale.cluster._kmeans_init` for the initialisations, the fused block passes
for the costs, :class:`~dask_scale.cluster.KMeans` for :func:`k_means`), so the functions
and the estimator give the same numbers:

- :func:`k_init`, and its three cases :func:`init_scalable` (k-means||), :func:`init_pp`
  (k-means++) and :func:`init_random`: initial centres, a NumPy array. For a given
  ``random_state`` they are the centres ``KMeans(n_clusters, init=..., random_state=...)``
  starts its (first) run from.
- :func:`evaluate_cost`: the sum of squared distances of the rows to their nearest centre.
- :func:`compute_inertia`: the sum of squared distances of the rows to the centre their label
  names (scikit-learn's inertia of a labelling).
- :func:`k_means`: fit a :class:`~dask_scale.cluster.KMeans` and return its results.

Dask input (arrays with known or unknown chunks, DataFrames) is read block by block and never
persisted; the costs are lazy for dask input (a 0-d dask array, as dask-ml's) and a float for
NumPy input.
"""

from __future__ import annotations

import functools
from numbers import Integral

import dask.array as da
import numpy as np
from sklearn.utils import check_random_state

from .._graph import reduce_blocks, tree_reduce
from .._graph.compute import compute
from .._validation import FLOAT_DTYPES, check_array, check_sample_weight, is_dask_array
from ._kmeans import KMeans
from ._kmeans_init import check_init_array, check_sizes, initial_centres
from ._kmeans_passes import assigned_sse_chunk, sse_chunk

__all__ = [
    "KMeans",
    "compute_inertia",
    "evaluate_cost",
    "init_pp",
    "init_random",
    "init_scalable",
    "k_init",
    "k_means",
]

_INITS = ("k-means||", "k-means++", "random")


def _check_data(X, caller):
    return check_array(X, dtype=list(FLOAT_DTYPES), estimator=caller)


def _check_n_clusters(n_clusters):
    if not isinstance(n_clusters, Integral) or isinstance(n_clusters, bool) or n_clusters < 1:
        raise ValueError(f"n_clusters must be an integer >= 1, got {n_clusters!r}.")
    return int(n_clusters)


def _seed(random_state):
    # the first seed KMeans draws from the same random_state (its first run)
    rs = check_random_state(random_state)
    return int(rs.randint(np.iinfo(np.int32).max))


def k_init(
    X,
    n_clusters,
    init="k-means||",
    random_state=None,
    max_iter=None,
    oversampling_factor=2,
    *,
    sample_weight=None,
):
    """Choose the initial centres for K-Means.

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        Data; dask input is read block by block (never persisted, never gathered).
    n_clusters : int
        Number of centres.
    init : {"k-means||", "k-means++", "random"} or array-like of shape \
            (n_clusters, n_features), default="k-means||"
        Method (see :class:`~dask_scale.cluster.KMeans`'s ``init``), or the centres
        themselves, returned validated (shape checked, in ``X``'s dtype).
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws. For a given value, the centres are those ``KMeans(
        n_clusters, init=init, random_state=random_state)`` starts its first run from.
    max_iter : int or None, default=None
        Number of k-means|| rounds (``init="k-means||"`` only; KMeans's ``init_max_iter``).
        None means 5.
    oversampling_factor : float, default=2
        Expected number of points sampled per k-means|| round, as a multiple of
        ``n_clusters`` (``init="k-means||"`` only).
    sample_weight : array-like or dask array of shape (n_samples,), default=None
        Weight of each sample (None: unit weights).

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
        In ``X``'s dtype (float32 stays float32).

    Notes
    -----
    All three methods stream over the data: ``"k-means++"`` makes ``n_clusters + 1``
    passes without loading the data into memory (dask-ml's reads it all at once).
    """
    X = _check_data(X, "k_init")
    n_clusters = _check_n_clusters(n_clusters)
    if not isinstance(init, str):
        return check_init_array(init, n_clusters, X.shape[1], X.dtype)
    if init not in _INITS:
        raise ValueError(f"init must be one of {_INITS} or an array, got {init!r}.")
    if max_iter is not None and (not isinstance(max_iter, Integral) or max_iter < 1):
        raise ValueError(f"max_iter must be None or an integer >= 1, got {max_iter!r}.")
    if not oversampling_factor > 0:
        raise ValueError(f"oversampling_factor must be > 0, got {oversampling_factor!r}.")
    w = None
    if sample_weight is not None:
        w = check_sample_weight(sample_weight, X, dtype=X.dtype)
    dask_in = is_dask_array(X)
    if not dask_in and X.shape[0] < n_clusters:
        check_sizes(n_clusters, X.shape[0], 1.0)
    centres, _ = initial_centres(
        X, w, init, n_clusters, _seed(random_state),
        oversampling_factor=float(oversampling_factor), n_rounds=max_iter,
        check_finite={0: "X"} if dask_in else (),
        check_sizes=functools.partial(check_sizes, n_clusters),
    )
    return centres.astype(X.dtype, copy=False)


def init_scalable(X, n_clusters, random_state=None, max_iter=None, oversampling_factor=2):
    """K-means|| initial centres (Bahmani et al., 2012): ``k_init(..., init="k-means||")``.

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
    n_clusters : int
    random_state : int, RandomState instance or None, default=None
    max_iter : int or None, default=None
        Number of sampling rounds (None: 5).
    oversampling_factor : float, default=2

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    """
    return k_init(
        X, n_clusters, init="k-means||", random_state=random_state, max_iter=max_iter,
        oversampling_factor=oversampling_factor,
    )


def init_pp(X, n_clusters, random_state):
    """Greedy k-means++ initial centres (scikit-learn's): ``k_init(..., init="k-means++")``.

    One pass over the data per centre; the data is never loaded into memory.

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
    n_clusters : int
    random_state : int, RandomState instance or None

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    """
    return k_init(X, n_clusters, init="k-means++", random_state=random_state)


def init_random(X, n_clusters, random_state):
    """``n_clusters`` distinct rows drawn at random: ``k_init(..., init="random")``.

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
    n_clusters : int
    random_state : int, RandomState instance or None

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
        Rows of ``X``, drawn without replacement, in draw order.
    """
    return k_init(X, n_clusters, init="random", random_state=random_state)


def _cost(chunk, arrays, params, name):
    """A sum over the row blocks: lazy (0-d dask array) for dask input, else a float."""
    if is_dask_array(arrays[0]):
        lazy = tree_reduce(
            chunk, arrays, params, check_finite={0: "X"}, name=name,
            aggregate=functools.partial(np.asarray, dtype=np.float64),
        )
        return da.from_delayed(lazy, shape=(), dtype=np.float64)
    return float(reduce_blocks(chunk, arrays, params, name=name))


def _check_centres(centers, X):
    centres = check_array(centers, dtype=X.dtype, input_name="centers")
    if centres.shape[1] != X.shape[1]:
        raise ValueError(
            f"centers have {centres.shape[1]} features, X has {X.shape[1]}: they must match."
        )
    return np.ascontiguousarray(centres)


def evaluate_cost(X, centers):
    """Sum of squared Euclidean distances of the rows of ``X`` to their nearest centre.

    The k-means cost (scikit-learn's inertia) of ``centers`` on ``X``.

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
    centers : array-like of shape (n_centers, n_features)

    Returns
    -------
    cost : float or 0-d dask array
        Lazy for dask input (``.compute()`` gives a NumPy float64, in one pass), a float
        for in-memory input.
    """
    X = _check_data(X, "evaluate_cost")
    return _cost(sse_chunk, [X, None], (_check_centres(centers, X),), "kmeans-cost")


def compute_inertia(X, labels, centers):
    """Sum of squared Euclidean distances of each row of ``X`` to the centre ``labels`` names.

    scikit-learn's inertia of the labelling ``labels``: with the labels of the nearest
    centres, it is :func:`evaluate_cost`.

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
    labels : array-like or dask array of shape (n_samples,)
        Index into ``centers`` of each row's centre (a dask array with ``X``'s row chunks
        for dask ``X``, such as ``KMeans().fit(X).labels_``; NumPy labels are split like
        ``X``).
    centers : array-like of shape (n_centers, n_features)

    Returns
    -------
    inertia : float or 0-d dask array
        Lazy for dask input, a float for in-memory input.
    """
    X = _check_data(X, "compute_inertia")
    centres = _check_centres(centers, X)
    if is_dask_array(X):
        if not is_dask_array(labels):
            labels = np.asarray(labels)
            if np.isnan(X.shape[0]):
                raise ValueError(
                    "labels must be a dask array with the row chunks of X when X has "
                    "unknown chunk sizes (e.g. KMeans().fit(X).labels_)."
                )
            labels = da.from_array(labels, chunks=(X.chunks[0],))
        if labels.ndim != 1:
            raise ValueError(f"labels must be 1-D, got shape {labels.shape}.")
    else:
        labels = np.asarray(compute(labels)[0] if is_dask_array(labels) else labels)
        if labels.shape != (X.shape[0],):
            raise ValueError(
                f"labels has shape {labels.shape}, expected ({X.shape[0]},): one per row."
            )
    # the labels' values are checked by the block function, for every input kind
    return _cost(assigned_sse_chunk, [X, labels], (centres,), "kmeans-inertia")


def k_means(
    X,
    n_clusters,
    init="k-means||",
    precompute_distances="deprecated",
    n_init=1,
    max_iter=300,
    verbose=False,
    tol=1e-4,
    random_state=None,
    copy_x="deprecated",
    n_jobs="deprecated",
    algorithm="lloyd",
    return_n_iter=False,
    oversampling_factor=2,
    init_max_iter=None,
    *,
    sample_weight=None,
):
    """K-means clustering of ``X``: fit :class:`~dask_scale.cluster.KMeans`, return its results.

    dask-ml's signature (positional order included); the parameters mean what they mean for
    :class:`~dask_scale.cluster.KMeans` (``precompute_distances``, ``copy_x`` and ``n_jobs``
    have no effect and warn when given; ``algorithm="full"`` is ``"lloyd"``).

    Parameters
    ----------
    X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
    n_clusters : int
    init : {"k-means||", "k-means++", "random"} or array-like, default="k-means||"
    precompute_distances : default="deprecated"
    n_init : "auto" or int, default=1
    max_iter : int, default=300
    verbose : bool or int, default=False
    tol : float, default=1e-4
    random_state : int, RandomState instance or None, default=None
    copy_x : default="deprecated"
    n_jobs : default="deprecated"
    algorithm : {"lloyd", "full"}, default="lloyd"
    return_n_iter : bool, default=False
        Also return the number of Lloyd iterations.
    oversampling_factor : float, default=2
    init_max_iter : int or None, default=None
    sample_weight : array-like or dask array of shape (n_samples,), default=None

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    labels : ndarray or dask array of shape (n_samples,)
        ``KMeans.labels_``: NumPy for in-memory input, a dask array with ``X``'s row chunks
        (already computed) for dask input.
    inertia : float
        Sum of squared distances to the closest centre.
    n_iter : int
        Only when ``return_n_iter`` is true.

    Notes
    -----
    The results come in scikit-learn's order, ``(centers, labels, inertia[, n_iter])``,
    the order dask-ml's docstring implies (it lists its only differences from
    scikit-learn's ``k_means`` as ``init``, ``oversampling_factor`` and ``n_jobs``); dask-ml's
    implementation returns ``labels`` first.
    """
    km = KMeans(
        n_clusters,
        init=init,
        oversampling_factor=oversampling_factor,
        init_max_iter=init_max_iter,
        max_iter=max_iter,
        tol=tol,
        n_init=n_init,
        random_state=random_state,
        algorithm=algorithm,
        verbose=int(verbose),
        precompute_distances=precompute_distances,
        copy_x=copy_x,
        n_jobs=n_jobs,
    ).fit(X, sample_weight=sample_weight)
    out = (km.cluster_centers_, km.labels_, km.inertia_)
    return (*out, km.n_iter_) if return_n_iter else out
