"""Lloyd iterations of KMeans: one fused pass over the data per iteration.

Each iteration is a single :func:`dask_scale._graph.reduce_blocks` call: every block is
assigned to the current centres and reduced to per-cluster weighted sums and weights, the
block's SSE and its farthest points, all in one numba kernel; the driver then computes the new
centres (the M-step, :func:`update_centres`). Only the centres live on the driver; the data
is read once per iteration and never persisted here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._graph import reduce_blocks
from ._kmeans_passes import (
    combine_lloyd,
    combine_lloyd_labels,
    combine_lloyd_moments,
    lloyd_chunk,
    lloyd_labels_chunk,
    lloyd_moments_chunk,
    moments_of,
)

__all__ = ["LloydResult", "e_step", "lloyd", "update_centres"]


@dataclass
class LloydResult:
    """Outcome of :func:`lloyd`.

    ``inertia`` and ``cluster_weight`` are those of ``centres`` themselves (labels computed
    from the final centres, as scikit-learn's final E-step gives them). ``labels`` are the
    labels of ``centres`` when the final E-step collected them (a list of int32 arrays, one
    per row block in block order, empty blocks included), else None.
    """

    centres: np.ndarray
    inertia: float
    n_iter: int
    cluster_weight: np.ndarray
    moments: tuple | None
    labels: list | None = None


def e_step(X, w, centres, *, labels=False, check_finite=(), affine=None):
    """One pass assigning the data to ``centres``: the Lloyd partial, and the labels.

    Returns ``(partial, labels)``: ``partial`` as :func:`update_centres` takes it, ``labels``
    the nearest centre (int32) of every row when ``labels`` is true (a list of arrays, one
    per row block in block order, empty blocks included: for dask input, the row chunks of
    ``X``; for NumPy input, its row slices), else None. The labels travel up the same
    reduction tree as the partial (4 bytes a row).
    ``affine`` is the map the kernels apply to ``X``'s entries (see :func:`lloyd`).
    """
    k = centres.shape[0]
    if not labels:
        partial = reduce_blocks(
            lloyd_chunk,
            [X, w],
            (centres, k, affine),
            combine=functools.partial(combine_lloyd, n_far=k),
            check_finite=check_finite,
            name="kmeans-inertia",
        )
        return partial, None
    return reduce_blocks(
        lloyd_labels_chunk,
        [X, w],
        (centres, k, affine),
        combine=functools.partial(combine_lloyd_labels, n_far=k),
        check_finite=check_finite,
        name="kmeans-labels",
    )


def update_centres(partial, centres):
    """New centres from a Lloyd pass's partial, relocating empty clusters.

    A cluster is empty when the total weight of its points is zero. As in scikit-learn, each
    empty cluster is moved onto one of the points farthest from their own centre: the pass
    returns, over all blocks, the ``n_clusters`` points of positive weight with the largest
    squared distance to their centre (ties: first in block order). Empty clusters, in index
    order, take these points in decreasing order of distance; each chosen point is removed from
    its former cluster (its weighted contribution is subtracted from that cluster's sum and
    weight) and becomes the new cluster's centre. A cluster whose weight drops to (rounding
    noise around) zero by that removal keeps its previous centre, and so does an empty cluster
    left without a far point (fewer points of positive weight than clusters): centres are never
    NaN.

    Parameters
    ----------
    partial : tuple
        ``(sums, weight, sse, far)`` combined over all blocks, where ``far`` is the top list
        ``(sq_distance, x, w, label)``.
    centres : ndarray of shape (k, d)
        The centres the pass assigned the points to.

    Returns
    -------
    new_centres : ndarray of shape (k, d), dtype of ``centres``
    weight : ndarray of shape (k,)
        Weight of each new cluster (after relocation).
    n_relocated : int
    """
    sums, weight, _, far = partial
    sums = sums.copy()
    weight = weight.copy()
    initial = weight.copy()
    new = centres.astype(np.float64)
    empty = np.flatnonzero(weight <= 0.0)
    _, far_x, far_w, far_label = far
    n_relocated = min(empty.size, far_x.shape[0])
    moved = np.zeros(weight.shape[0], dtype=bool)
    for j, p in zip(empty[:n_relocated], range(n_relocated), strict=True):
        old = far_label[p]
        x = far_x[p].astype(np.float64)
        sums[old] -= far_w[p] * x
        weight[old] -= far_w[p]
        if weight[old] <= 1e-12 * initial[old]:
            weight[old] = 0.0
            sums[old] = 0.0
        sums[j] = far_w[p] * x
        weight[j] = far_w[p]
        new[j] = x
        moved[j] = True
    update = (weight > 0.0) & ~moved
    new[update] = sums[update] / weight[update, None]
    return new.astype(centres.dtype), weight, n_relocated


def lloyd(
    X,
    w,
    centres,
    *,
    max_iter,
    tol,
    moments_to_tol=None,
    check_finite=(),
    log=None,
    labels=False,
    affine=None,
):
    """Run Lloyd iterations from ``centres`` until the centre shift is at most ``tol``.

    Parameters
    ----------
    X : ndarray or dask array of shape (n_samples, n_features)
    w : ndarray, dask array or None
        Sample weights aligned with ``X`` (None: unit weights).
    centres : ndarray of shape (k, n_features), dtype of ``X``
    max_iter : int
    tol : float or None
        Convergence threshold on the squared Frobenius norm of the centre shift. None: it is
        computed by ``moments_to_tol`` from the per-feature moments gathered in the first
        pass.
    moments_to_tol : callable or None
        ``moments_to_tol((n, mean, m2)) -> float``; required when ``tol`` is None (it may also
        raise on the data it sees, e.g. too few samples).
    check_finite : sequence of int
        Passed to the first pass (NaN/inf check of dask input).
    log : callable or None
        ``log(iteration, sse, center_shift=...)`` after each iteration.
    labels : bool, default=False
        Collect the labels of the final centres in the final E-step. That pass only runs
        when the last iteration moved the centres; when it did not, the result's ``labels``
        are None (:func:`e_step` gives them in one more pass).
    affine : tuple (offset, factor) or None, default=None
        A scaler's per-feature map that the kernels apply to the entries of ``X`` as they
        read them (``X`` is then the scaler's input): centres, moments and inertia are those
        of the mapped data.

    Returns
    -------
    LloydResult
    """
    k = centres.shape[0]
    arrays = [X, w]
    moments = None
    shift = np.inf
    partial = None
    n_iter = 0
    for it in range(max_iter):
        if it == 0 and tol is None:
            partial, moments = reduce_blocks(
                lloyd_moments_chunk,
                arrays,
                (centres, k, affine),
                combine=functools.partial(combine_lloyd_moments, n_far=k),
                check_finite=check_finite,
                name="kmeans-lloyd",
            )
            moments = moments_of(moments)
            tol = moments_to_tol(moments)
        else:
            partial = reduce_blocks(
                lloyd_chunk,
                arrays,
                (centres, k, affine),
                combine=functools.partial(combine_lloyd, n_far=k),
                check_finite=check_finite if it == 0 else (),
                name="kmeans-lloyd",
            )
        new, _, _ = update_centres(partial, centres)
        diff = new.astype(np.float64) - centres.astype(np.float64)
        shift = float(np.einsum("ij,ij->", diff, diff))
        if log is not None:
            log(it + 1, float(partial[2]), center_shift=shift)
        centres = new
        n_iter = it + 1
        if shift <= tol:
            break
    final_labels = None
    if shift > 0.0:
        # Final E-step: labels and inertia of the final centres (the last pass measured the
        # previous ones).
        partial, final_labels = e_step(X, w, centres, labels=labels, affine=affine)
    return LloydResult(
        centres=centres,
        inertia=float(partial[2]),
        n_iter=n_iter,
        cluster_weight=partial[1],
        moments=moments,
        labels=final_labels,
    )
