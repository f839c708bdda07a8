"""Initial centres of KMeans over row blocks: k-means||, k-means++ and random.

Every pass over the data is one reduction (:func:`dask_scale._graph.reduce_blocks`), the data
is never persisted, and the per-row random draws of block ``i`` come from a stream seeded by
``(seed, stage, i)``, so the centres depend on ``random_state`` and the chunking only, not on
the scheduler.

The first pass (:func:`first_pass`) is shared by all methods: it draws rows with probability
proportional to their weight (the first centre; all ``k`` centres for ``init="random"``) and
gathers the per-feature moments that scikit-learn's relative ``tol`` needs.

k-means|| (Bahmani, Moseley, Vattani, Kumar and Vassilvitskii, "Scalable K-Means++",
PVLDB 2012) then runs ``n_rounds`` sampling rounds. Round ``r`` is one pass that computes each
point's squared distance ``d2`` to the current candidate set ``C``, the cost
``phi = sum w * d2`` and keeps each point with probability ``min(1, l * w * d2 / phi)``, where
``l = oversampling_factor * n_clusters``. ``phi`` is only known once the pass is over, so each
point gets a uniform draw ``u`` and the score ``w * d2 / u``; blocks keep their best scores and
the points whose score exceeds ``phi / l`` (exactly the Bernoulli sample) are added to ``C``.
A block keeps at most ``l + 6 sqrt(l) + 10`` scores, more than the sample size (mean at most
``l``) exceeds except with negligible probability. A last pass weights every candidate by the
total sample weight of the points closest to it; the weighted candidates are then reduced to
``n_clusters`` centres in memory (:func:`reduce_candidates`): duplicates merged and candidates
put in a canonical order, greedy weighted k-means++, then weighted Lloyd iterations on the
candidates, best of ``CANDIDATE_RESTARTS`` restarts, in float64 on standardised coordinates.
The reduction only depends on the weighted candidate set and the data's moments, not on the
order in which the blocks produced them.

The sampling passes only need approximate squared distances: they run in float32 on
standardised coordinates (``(x - mean) * scale`` with ``scale`` one over the root mean
variance, see :func:`sampling_frame`), which is almost twice as fast as float64 and safe for
any data scale: no sampling probability is ever computed from an overflowed distance, so data
whose squared distances overflow their dtype are seeded as well by every ``init`` (the Lloyd
passes then report ``inertia_ = inf``, as scikit-learn does). Lloyd iterations always use the
exact distances in the data's dtype.

k-means++ over the data is scikit-learn's greedy seeding (:func:`kmeans_plusplus`): each step
draws ``n_local_trials`` distinct points with probability proportional to ``w * d2`` (the
points with the largest ``w * d2 / E`` for standard exponential draws ``E``) and keeps the one
that lowers the cost most; ``n_clusters`` passes after the first.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._graph import reduce_blocks
from .._kernels.kmeans import sqdist_block
from .._validation import check_array
from ._kmeans_lloyd import lloyd
from ._kmeans_passes import (
    EXPONENTIAL,
    TINY,
    UNIFORM,
    combine_first,
    combine_sample,
    first_chunk,
    moments_of,
    sample_chunk,
)

__all__ = [
    "DEFAULT_ROUNDS",
    "check_init_array",
    "check_sizes",
    "first_pass",
    "init_steps",
    "initial_centres",
    "kmeans_parallel",
    "kmeans_plusplus",
    "n_local_trials",
    "reduce_candidates",
    "sampling_frame",
    "weighted_kmeanspp",
]

#: k-means|| rounds when ``init_max_iter`` is None: the constant number of rounds the paper's
#: experiments found sufficient in practice (its analysis bounds them by O(log phi)).
DEFAULT_ROUNDS = 5



def init_steps(init, n_clusters, n_rounds=None):
    """``(total, unit)`` of the logged steps of an initialisation (its progress bar).

    k-means|| logs one line a round (``n_rounds``, None: :data:`DEFAULT_ROUNDS`; it may stop
    sooner), k-means++ one a greedy step (``n_clusters - 1``); other inits log none.
    """
    if isinstance(init, str) and init == "k-means||":
        return (DEFAULT_ROUNDS if n_rounds is None else int(n_rounds)), "rounds"
    if isinstance(init, str) and init == "k-means++":
        return int(n_clusters) - 1, "steps"
    return None, "steps"


# Spawn-key stages of the random streams (block streams use ``(stage, block_index)``).
STAGE_FIRST = 0
STAGE_REDUCE = 1_000_000_000  # the in-memory reduction of the candidates
# Stages 1, 2, ... are the k-means|| rounds or the k-means++ steps.

# Lloyd iterations on the weighted candidates (in memory, cheap next to one data pass).
CANDIDATE_LLOYD_ITER = 100
# Greedy k-means++ + Lloyd restarts on the candidates; the lowest weighted cost wins. Local
# optima of the candidate problem are the main source of poor k-means|| seeds, and a restart
# costs far less than one pass over the data.
CANDIDATE_RESTARTS = 10


def check_sizes(n_clusters, n_samples, total_weight):
    """Reject data with fewer samples than clusters, or whose weights sum to zero."""
    if n_samples < n_clusters:
        raise ValueError(f"n_samples={int(n_samples)} should be >= n_clusters={n_clusters}.")
    if not total_weight > 0.0:
        raise ValueError(
            "sample_weight sums to zero: at least one sample needs a positive weight."
        )


def check_init_array(init, n_clusters, n_features, dtype):
    """Explicit initial centres, validated: a C-contiguous copy of shape
    ``(n_clusters, n_features)`` in ``dtype``, finite."""
    centres = check_array(init, dtype=dtype, copy=True, input_name="init")
    centres = np.ascontiguousarray(centres)
    if centres.shape[0] != n_clusters:
        raise ValueError(
            f"The shape of the initial centers {centres.shape} does not match the number "
            f"of clusters {n_clusters}."
        )
    if centres.shape[1] != n_features:
        raise ValueError(
            f"The shape of the initial centers {centres.shape} does not match the number "
            f"of features of the data {n_features}."
        )
    return centres


def first_pass(X, w, seed, n_keep, *, check_finite=(), affine=None):
    """Moments, total weight and ``n_keep`` rows drawn proportionally to their weight.

    ``affine``: the map the kernels apply to ``X``'s entries (see
    :func:`dask_scale.cluster._kmeans_lloyd.lloyd`); moments and rows are mapped ones.

    Returns
    -------
    moments : tuple (n, mean, m2)
    total_weight : float
    rows : ndarray of shape (min(n_keep, n), d)
        Drawn without replacement, in draw order.
    """
    moments, total, (_, rows) = reduce_blocks(
        first_chunk,
        [X, w],
        (seed, STAGE_FIRST, n_keep, affine),
        combine=functools.partial(combine_first, n_keep=n_keep),
        check_finite=check_finite,
        block_index=True,
        name="kmeans-init",
    )
    return moments_of(moments), total, rows


def initial_centres(
    X, w, init, n_clusters, seed, *, oversampling_factor=2.0, n_rounds=None,
    check_finite=(), affine=None, log=None, check_sizes=None,
):
    """Initial centres by ``init`` ("k-means||", "k-means++" or "random"), from the data.

    The one entry point of the three methods (used by :class:`~dask_scale.cluster.KMeans`
    and by :mod:`dask_scale.cluster.k_means`): :func:`first_pass`, then
    :func:`kmeans_parallel` (``n_rounds`` rounds, None: ``DEFAULT_ROUNDS``) or
    :func:`kmeans_plusplus`; "random" keeps the ``n_clusters`` rows of the first pass.
    ``check_sizes(n_samples, total_weight)``, when given, is called after the first pass
    (before any further pass) to reject data too small or of zero total weight.

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    moments : tuple (n, mean, m2)
        The data's moments from the first pass (for scikit-learn's relative ``tol``).
    """
    n_keep = n_clusters if init == "random" else 1
    moments, total, rows = first_pass(
        X, w, seed, n_keep, check_finite=check_finite, affine=affine
    )
    if check_sizes is not None:
        check_sizes(moments[0], total)
    if init == "random":
        return rows, moments
    first = rows[:1]
    if init == "k-means++":
        centres = kmeans_plusplus(X, w, first, moments, n_clusters, seed, log=log, affine=affine)
        return centres, moments
    if init != "k-means||":
        raise ValueError(
            f"init must be 'k-means||', 'k-means++' or 'random' (or an array), got {init!r}."
        )
    n_rounds = DEFAULT_ROUNDS if n_rounds is None else n_rounds
    centres = kmeans_parallel(
        X, w, first, moments, n_clusters, float(oversampling_factor), n_rounds, seed,
        log=log, affine=affine,
    )
    return centres, moments


def n_local_trials(n_clusters):
    """Candidates drawn per greedy k-means++ step: ``2 + floor(log(n_clusters))``.

    The number scikit-learn uses (Arthur and Vassilvitskii's suggestion).
    """
    return 2 + int(math.log(n_clusters))


def sampling_frame(moments):
    """``(shift, scale)`` standardising the data for the float32 sampling passes.

    ``shift`` is the mean and ``scale`` one over the square root of the mean per-feature
    variance, so standardised squared distances are of the order of the number of features
    whatever the units of the data.
    """
    n, mean, m2 = moments
    var = float(np.mean(m2)) / n if n > 0 else 0.0
    scale = 1.0 / math.sqrt(var) if 0.0 < var < math.inf else 1.0
    return mean, scale


def _sample_pass(X, w, C, frame, seed, stage, law, n_keep, trials=None, affine=None):
    """One sampling pass; ``phi`` (per outcome) is in standardised units (see sampling_frame).

    Returns ``(phi, attracted, tops)``: ``phi`` and ``tops`` (top lists ``(keys, rows)``)
    have one entry per row of ``trials``, or one (``C`` itself) when there are none.
    """
    shift, scale = frame

    def standardised(P):
        return ((P.astype(np.float64) - shift) * scale).astype(np.float32)

    T = C[:0] if trials is None else trials
    return reduce_blocks(
        sample_chunk,
        [X, w],
        (standardised(C), standardised(T), shift, scale, seed, stage, law, n_keep, affine),
        combine=functools.partial(combine_sample, n_keep=n_keep),
        block_index=True,
        name="kmeans-init",
    )


def kmeans_parallel(
    X, w, first, moments, n_clusters, oversampling_factor, n_rounds, seed, log=None,
    affine=None,
):
    """k-means|| centres, starting from the first centre ``first`` (1, d).

    ``moments`` are the data's ``(n, mean, m2)`` from :func:`first_pass`; ``affine`` as
    there.
    """
    frame = sampling_frame(moments)
    ell = oversampling_factor * n_clusters
    n_keep = int(math.ceil(ell + 6.0 * math.sqrt(ell) + 10.0))
    C = first
    attracted = None
    for rnd in range(1, n_rounds + 1):
        phi, attracted, tops = _sample_pass(
            X, w, C, frame, seed, rnd, UNIFORM, n_keep, affine=affine
        )
        phi, (keys, rows) = phi[0], tops[0]
        if log is not None:
            log(rnd, phi / frame[1] ** 2, candidates=C.shape[0])
        if phi <= 0.0:
            break  # every point coincides with a candidate: nothing left to sample
        chosen = rows[keys * ell > phi]
        if chosen.shape[0]:
            C = np.concatenate([C, chosen])
            attracted = None
    if attracted is None:
        # weighting pass: the weight attracted by each candidate (no sampling)
        _, attracted, _ = _sample_pass(X, w, C, frame, seed, 0, UNIFORM, 0, affine=affine)
    return reduce_candidates(C, attracted, n_clusters, seed, frame)


def kmeans_plusplus(X, w, first, moments, n_clusters, seed, log=None, affine=None):
    """Greedy k-means++ over the data (scikit-learn's): one pass per centre after the first.

    Each step draws ``n_local_trials(n_clusters)`` distinct trial centres with probability
    proportional to ``w * d2`` and keeps the one that lowers the cost ``sum w * d2`` most. One
    pass does both halves of consecutive steps: it measures the cost of every trial of this
    step and, with the same per-row draws, samples the next step's trials for each possible
    winner (:func:`dask_scale._kernels.kmeans.sample_block`). The first trials need their own
    pass, so ``n_clusters`` passes follow the first pass. ``moments`` are the data's
    ``(n, mean, m2)`` from :func:`first_pass`; ``affine`` as there.
    """
    frame = sampling_frame(moments)
    n_trials = n_local_trials(n_clusters)
    C = first
    if n_clusters == 1:
        return C
    _, _, tops = _sample_pass(X, w, C, frame, seed, 1, EXPONENTIAL, n_trials, affine=affine)
    trials = tops[0][1]
    for step in range(1, n_clusters):
        n_keep = n_trials if step < n_clusters - 1 else 0
        phi, _, tops = _sample_pass(
            X, w, C, frame, seed, step + 1, EXPONENTIAL, n_keep, trials=trials, affine=affine
        )
        best = int(np.argmin(phi))
        if log is not None:
            log(step, phi[best] / frame[1] ** 2, candidates=C.shape[0] + 1)
        C = np.concatenate([C, trials[best : best + 1]])
        trials = tops[best][1]
    return C


def weighted_kmeanspp(P, weights, n_clusters, rng):
    """Indices of ``n_clusters`` rows of ``P`` chosen by greedy weighted k-means++.

    The first row is drawn with probability proportional to its weight; each next one is the
    best (lowest weighted cost) of ``n_local_trials(n_clusters)`` distinct rows drawn with
    probability proportional to ``weight * d2`` (the largest keys ``weight * d2 / E`` for
    standard exponential draws ``E``, as the passes over the data draw them). Requires more
    rows of positive weight than clusters, all rows distinct. ``P`` should be in standardised
    coordinates (see :func:`sampling_frame`) so that its squared distances cannot overflow.
    """
    n = P.shape[0]
    weights = np.asarray(weights, dtype=np.float64)
    n_trials = n_local_trials(n_clusters)
    first = rng.choice(n, p=weights / weights.sum())
    chosen = [first]
    closest = sqdist_block(P, P[first : first + 1])[:, 0].astype(np.float64)
    for _ in range(1, n_clusters):
        prob = weights * closest
        if not prob.max() > 0.0:
            # all remaining weight sits on chosen rows: take unchosen rows in order
            rest = np.setdiff1d(np.arange(n), chosen)
            chosen.extend(rest[: n_clusters - len(chosen)].tolist())
            break
        keys = prob / np.maximum(rng.standard_exponential(n), TINY)
        trials = np.argsort(-keys, kind="stable")[:n_trials]
        trials = trials[prob[trials] > 0.0]
        dist = sqdist_block(P, P[trials]).astype(np.float64)
        np.minimum(dist, closest[:, None], out=dist)
        cost = weights @ dist
        best = int(np.argmin(cost))
        chosen.append(int(trials[best]))
        closest = dist[:, best]
    return np.asarray(chosen[:n_clusters])


def reduce_candidates(candidates, weights, n_clusters, seed, frame):
    """Reduce weighted candidates to ``n_clusters`` centres, in memory.

    Identical candidates are merged (weights added) and the distinct ones sorted
    lexicographically, so the result depends on the weighted set only. Fewer distinct
    candidates than clusters (data with few distinct points) are all used, repeated to fill the
    ``n_clusters`` rows (Lloyd's empty-cluster relocation then spreads them over the data).
    Otherwise greedy weighted k-means++ picks the centres and weighted Lloyd iterations on the
    candidates refine them; this is repeated ``CANDIDATE_RESTARTS`` times and the centres of
    lowest weighted cost on the candidates are kept. Both run in float64 on the standardised
    coordinates of ``frame`` (see :func:`sampling_frame`), so that squared distances (and the
    sampling probabilities made of them) do not overflow whatever the scale of the data; the
    centres are mapped back to the data's coordinates and dtype.
    """
    uniq, inverse = np.unique(candidates, axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=weights, minlength=uniq.shape[0])
    keep = merged > 0.0
    if keep.sum() >= n_clusters:
        uniq, merged = uniq[keep], merged[keep]
    if uniq.shape[0] <= n_clusters:
        return np.resize(uniq, (n_clusters, uniq.shape[1])).astype(candidates.dtype)
    shift, scale = frame
    P = (uniq.astype(np.float64) - shift) * scale
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STAGE_REDUCE,)))
    best = None
    for _ in range(CANDIDATE_RESTARTS):
        idx = weighted_kmeanspp(P, merged, n_clusters, rng)
        result = lloyd(P, merged, P[idx], max_iter=CANDIDATE_LLOYD_ITER, tol=0.0)
        if best is None or result.inertia < best.inertia:
            best = result
    return (best.centres / scale + shift).astype(candidates.dtype)
