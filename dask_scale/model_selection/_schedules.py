"""Pure schedule arithmetic of the adaptive searches (integers only, no dask).

- :func:`hyperband_brackets`: Li et al. (2016)'s brackets for ``R = max_iter`` and
  ``eta = aggressiveness``, in integer arithmetic.
- :func:`halving_rungs`: the rungs ``(models, calls)`` of one successive-halving run.
- :func:`halving_calls`: the ``partial_fit`` calls those rungs make.
- :func:`inverse_decay_rounds`: models kept per round of :class:`InverseDecaySearchCV`.
"""

from __future__ import annotations

__all__ = [
    "halving_calls",
    "halving_rungs",
    "hyperband_brackets",
    "inverse_decay_kept",
    "inverse_decay_rounds",
    "largest_power",
]


def largest_power(R, eta):
    """The largest integer ``s`` with ``eta**s <= R`` (an integer loop, no logarithm).

    ``math.floor(math.log(243, 3))`` is 4, not 5 (``math.log(243, 3)`` is 4.999...): the
    loop gives 5.
    """
    if R < 1 or eta < 2:
        raise ValueError(f"need R >= 1 and eta >= 2; got R={R}, eta={eta}")
    s = 0
    while eta ** (s + 1) <= R:
        s += 1
    return s


def hyperband_brackets(R, eta):
    """Hyperband's brackets: ``[(s, n_models, rungs), ...]`` for ``s = s_max, ..., 0``.

    As Li et al. (2016), Algorithm 1, with ``B = (s_max + 1) R``: ``s_max`` is the largest
    ``s`` with ``eta**s <= R``; bracket ``s`` starts ``n = ceil((s_max + 1) eta**s / (s + 1))``
    models and runs successive halving over the rungs ``k = 0, ..., s``: the best
    ``floor(n / eta**k)`` models trained to ``floor(R eta**k / eta**s)`` calls (at least 1;
    the last rung reaches ``R``). All integer arithmetic.
    """
    s_max = largest_power(R, eta)
    out = []
    for s in range(s_max, -1, -1):
        n = -(-((s_max + 1) * eta**s) // (s + 1))  # integer ceil
        rungs = [(n // eta**k, max(1, (R * eta**k) // eta**s)) for k in range(s + 1)]
        out.append((s, n, rungs))
    return out


def halving_rungs(n_models, n_initial_iter, eta, max_iter=None):
    """The rungs of successive halving: ``[(models, calls per model), ...]``.

    Rung ``k`` trains the best ``max(1, n_models // eta**k)`` models until each has had
    ``n_initial_iter * eta**k`` ``partial_fit`` calls (capped at ``max_iter``); the run stops
    after the rung that trains one model or reaches ``max_iter``.
    """
    rungs = []
    k = 0
    while True:
        n_k = max(1, n_models // eta**k)
        r_k = n_initial_iter * eta**k
        if max_iter is not None:
            r_k = min(r_k, max_iter)
        rungs.append((n_k, r_k))
        if n_k == 1 or (max_iter is not None and r_k >= max_iter):
            return rungs
        k += 1


def halving_calls(rungs):
    """The ``partial_fit`` calls of the rungs (a promoted model continues its training)."""
    total, previous = 0, 0
    for n_k, r_k in rungs:
        total += n_k * (r_k - previous)
        previous = r_k
    return total


def inverse_decay_kept(n_models, t, decay_rate):
    """Models kept after round ``t`` of the inverse-decay search."""
    return max(1, int(n_models / (1 + t) ** decay_rate))


def inverse_decay_rounds(n_models, max_iter, fits_per_score, decay_rate):
    """Models trained in each round of the inverse-decay search: ``[(models, calls)]``.

    Round ``t`` (1, 2, ...) gives each kept model ``fits_per_score`` more calls (up to
    ``max_iter``); after it the best ``max(1, floor(n_models / (1 + t) ** decay_rate))``
    are kept.
    """
    rounds = []
    kept, calls, t = n_models, 0, 0
    while calls < max_iter:
        t += 1
        step = min(fits_per_score, max_iter - calls)
        calls += step
        rounds.append((kept, calls))
        kept = min(kept, inverse_decay_kept(n_models, t, decay_rate))
    return rounds
