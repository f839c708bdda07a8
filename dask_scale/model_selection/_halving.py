"""HalvingGridSearchCV and HalvingRandomSearchCV: successive halving, an iteration a graph.

scikit-learn's successive halving (``sklearn.model_selection.HalvingGridSearchCV``) for
estimators without ``partial_fit``: every candidate is first evaluated with a small resource
(a subsample of each fold's rows, or a small value of an estimator parameter such as
``n_estimators``), the best ``1 / factor`` of them go on with ``factor`` times more, and so on.
Each iteration's candidates x folds are one dask graph, built and run by the searches of
:mod:`._search` (shared Pipeline work, thread caps, any scheduler); the schedule, the
subsamples (for an integer ``random_state``) and the choice of the survivors are
scikit-learn's, so ``cv_results_`` and ``best_params_`` equal its on the same data.

scikit-learn needs ``from sklearn.experimental import enable_halving_search_cv`` before its
halving searches can be imported; these classes implement the halving themselves on
scikit-learn's public API and need no such import.
"""

from __future__ import annotations

import numbers
import warnings
from math import ceil

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import ParameterGrid, ParameterSampler
from sklearn.utils import resample
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets

from .._progress import IterationLog, scope
from ._search import _NO_IID, BaseSearchCV, _cv_results

__all__ = ["HalvingGridSearchCV", "HalvingRandomSearchCV"]


def _n_required_iterations(n_candidates, factor):
    """``1 + floor(log(n_candidates, factor))`` without floating-point rounding.

    The largest ``k`` with ``factor ** k <= n_candidates``, plus one (``math.log(243, 3)``
    is 4.999..., which would lose an iteration for 243 candidates and factor 3).
    """
    k = 0
    while factor ** (k + 1) <= n_candidates:
        k += 1
    return k + 1


def _subsample_folds(folds, fraction, random_state):
    """scikit-learn's per-iteration subsample of each fold: ``int(fraction * len)`` rows of
    its train and of its test indices, drawn without replacement by ``sklearn.utils.resample``
    (train, then test, fold by fold)."""
    out = []
    for train, test in folds:
        sides = []
        for idx in (train, test):
            n = int(fraction * len(idx))
            sides.append(
                np.asarray(resample(idx, replace=False, random_state=random_state, n_samples=n))
            )
        out.append(tuple(sides))
    return out


def _top_k(mean_scores, k):
    """Positions of the ``k`` best mean scores, worst of them first (NaN scores rank last)."""
    order = np.argsort(mean_scores)
    order = np.roll(order, np.count_nonzero(np.isnan(mean_scores)))
    return order[-k:]


class _BaseHalving(BaseSearchCV):
    """Successive halving on top of :class:`BaseSearchCV`'s one-graph evaluation."""

    _parameter_constraints = {
        **BaseSearchCV._parameter_constraints,
        # one metric: it chooses the survivors (as scikit-learn's halving searches)
        "scoring": [str, callable, None],
        "random_state": ["random_state"],
        "max_resources": [
            Interval(numbers.Integral, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "min_resources": [
            Interval(numbers.Integral, 0, None, closed="neither"),
            StrOptions({"exhaust", "smallest"}),
        ],
        "resource": [str],
        "factor": [Interval(numbers.Real, 0, None, closed="neither")],
        "aggressive_elimination": ["boolean"],
    }

    def _first_candidates(self, min_resources, max_resources):
        raise NotImplementedError

    def _resources(self, setup):
        """``(min_resources_, max_resources_)`` before ``'exhaust'`` raises the minimum."""
        if self.factor <= 1:
            raise ValueError(
                f"factor={self.factor!r}: it must be greater than 1 (the fraction of "
                "candidates kept each iteration is 1 / factor)."
            )
        if self.resource != "n_samples" and self.resource not in self.estimator.get_params():
            raise ValueError(
                f"Cannot use resource={self.resource!r}: {type(self.estimator).__name__} has "
                "no such parameter. Use 'n_samples' or one of its parameters "
                f"({sorted(self.estimator.get_params())})."
            )
        min_r = self.min_resources
        if min_r in ("smallest", "exhaust"):
            if self.resource == "n_samples":
                # two samples per fold (and per class): the least a fold can be fitted on
                min_r = 2 * setup.n_splits
                if is_classifier(self.estimator):
                    y = np.asarray(setup.y_mem)
                    check_classification_targets(y)
                    min_r *= np.unique(y).shape[0]
            else:
                min_r = 1
        max_r = self.max_resources
        if max_r == "auto":
            if self.resource != "n_samples":
                raise ValueError(
                    "max_resources='auto' is the number of samples: with "
                    f"resource={self.resource!r} pass max_resources as an integer."
                )
            max_r = setup.n_samples
        if min_r > max_r:
            raise ValueError(
                f"min_resources_={min_r} is greater than max_resources_={max_r}: lower "
                "min_resources, raise max_resources (or pass more samples)."
            )
        if min_r == 0:
            raise ValueError(f"min_resources_={min_r}: X is probably empty.")
        return int(min_r), int(max_r)

    def fit(self, X, y=None, groups=None, **fit_params):
        """Run successive halving, then refit the best candidate of the last iteration.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame, dask array or dask DataFrame
            Training data, ``(n_samples, n_features)``.
        y : array-like, dask array or dask Series, default=None
            Targets (see :meth:`GridSearchCV.fit`).
        groups : array-like of shape (n_samples,), default=None
            Group labels for group splitters.
        **fit_params : dict
            Passed to the estimator's ``fit``; values of length ``n_samples`` follow the
            (subsampled) folds. In memory only.

        Returns
        -------
        self : object
        """
        setup = self._prepare(X, y, groups, fit_params)
        min_r, max_r = self._resources(setup)
        candidates = list(self._first_candidates(min_r, max_r))
        if not candidates:
            raise ValueError(
                "No candidates to search: the parameter grid / distributions are empty."
            )
        if self.resource != "n_samples" and any(self.resource in c for c in candidates):
            raise ValueError(
                f"Cannot use parameter {self.resource!r} as the resource since it is part of "
                "the searched parameters: remove it from the grid / distributions."
            )
        factor = self.factor
        n_required = _n_required_iterations(len(candidates), factor)
        if self.min_resources == "exhaust":
            # start as high as possible so that the last required iteration uses max_resources
            min_r = max(min_r, int(max_r // factor ** (n_required - 1)))
        n_possible = _n_required_iterations(max_r // min_r, factor)
        if self.aggressive_elimination:
            n_iterations = n_required
        else:
            n_iterations = min(n_possible, n_required)

        log = IterationLog(type(self).__name__, self.verbose, what="n_candidates")
        all_params, all_records, iters, n_res_column = [], [], [], []
        n_resources_, n_candidates_ = [], []
        # the outer progress bar: rounds done (each round's search shows its candidates)
        with scope(type(self).__name__, n_iterations, unit="rounds") as bar:
            for itr in range(n_iterations):
                power = itr
                if self.aggressive_elimination:
                    # the first resource again while there are too many candidates
                    power = max(0, itr - n_iterations + n_possible)
                n_res = min(int(factor**power * min_r), max_r)
                n_resources_.append(n_res)
                n_candidates_.append(len(candidates))
                log(itr, len(candidates), n_resources=n_res)
                if self.resource == "n_samples":
                    folds = _subsample_folds(
                        setup.folds, n_res / setup.n_samples, self.random_state
                    )
                else:
                    folds = setup.folds
                    candidates = [{**c, self.resource: n_res} for c in candidates]
                records = self._evaluate(setup, candidates, folds)
                # this iteration's results: their failure warnings, and the scores ranking them
                results = _cv_results(
                    candidates, records, setup.scorers, self.error_score, self.return_train_score
                )
                all_params += candidates
                all_records += records
                iters += [itr] * len(candidates)
                n_res_column += [n_res] * len(candidates)
                keep = _top_k(results["mean_test_score"], ceil(len(candidates) / factor))
                candidates = [candidates[i] for i in keep]
                bar.step()

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # each iteration warned already
            results = _cv_results(
                all_params, all_records, setup.scorers, self.error_score,
                self.return_train_score,
            )
        results["iter"] = np.asarray(iters)
        results["n_resources"] = np.asarray(n_res_column)
        if callable(self.refit):
            best = self._select_best(results, setup.multimetric)
        else:
            # the best of the last iteration (earlier scores used fewer resources)
            last = np.flatnonzero(results["iter"] == n_iterations - 1)
            scores = results["mean_test_score"][last]
            best = int(last[0 if np.all(np.isnan(scores)) else np.nanargmax(scores)])
        return self._conclude(
            setup,
            all_params,
            results,
            best,
            best_score_=float(results["mean_test_score"][best]),
            n_resources_=n_resources_,
            n_candidates_=n_candidates_,
            n_remaining_candidates_=len(candidates),
            min_resources_=min_r,
            max_resources_=max_r,
            n_iterations_=n_iterations,
            n_possible_iterations_=n_possible,
            n_required_iterations_=n_required,
        )


_SHARED_DOC = """
    factor : int or float, default=3
        Each iteration keeps the best ``ceil(n_candidates / factor)`` candidates and
        multiplies the resource by ``factor``. Greater than 1.
    resource : str, default="n_samples"
        What grows: ``"n_samples"`` (each fold's train and test rows are subsampled) or the
        name of an estimator parameter taking integers (e.g. ``"n_estimators"``), which
        must not be searched.
    max_resources : int or "auto", default="auto"
        The most resource a candidate gets; "auto" is the number of samples (only with
        ``resource="n_samples"``).
    min_resources : int, "exhaust" or "smallest", default="exhaust"
        The resource of the first iteration. "smallest": ``2 * n_splits`` samples (times the
        number of classes for a classifier), or 1 for another resource. "exhaust": as large
        as lets the last required iteration use ``max_resources``.
    aggressive_elimination : bool, default=False
        True: repeat the first resource while too many candidates remain for the possible
        iterations to end with fewer than ``factor`` of them.
    cv : int, cross-validation generator or iterable, default=5
        As scikit-learn's. The splitter is called once per search (every iteration
        subsamples the same folds), so a shuffling splitter needs no fixed seed.
    scoring : str, callable or None, default=None
        One metric (it ranks the candidates of each iteration).
    refit : bool or callable, default=True
        Refit the best candidate of the last iteration on all the data. A callable gets
        ``cv_results_`` (every iteration) and returns ``best_index_``.
    error_score : "raise" or float, default=np.nan
        Score of a fit that failed (and a ``FitFailedWarning``); "raise" raises.
    return_train_score : bool, default=True
        Also score the training folds.
    random_state : int, RandomState instance or None, default=None
        Draws the subsamples of ``resource="n_samples"``{extra_random}; an int gives
        scikit-learn's very subsamples.
    scheduler : None, str or distributed.Client, default=None
        Where each iteration's graph runs (see :class:`GridSearchCV`).
    n_jobs : int, default=-1
        Workers of the local threads/processes scheduler (see :class:`GridSearchCV`).
    iid, cache_cv : see GridSearchCV
        As :class:`GridSearchCV`'s.
    verbose : int, default=0
        Positive: a line per iteration (its candidates and resource) and per finished
        candidate, on stderr.

    Attributes
    ----------
    n_resources_ : list of int
        The resource of each iteration.
    n_candidates_ : list of int
        The number of candidates of each iteration.
    n_remaining_candidates_ : int
        Candidates left after the last iteration (``ceil(n_candidates_[-1] / factor)``).
    max_resources_, min_resources_ : int
        The resource bounds used (``min_resources_`` after "exhaust" raised it).
    n_iterations_ : int
        Iterations run.
    n_possible_iterations_ : int
        Iterations possible from ``min_resources_`` without exceeding ``max_resources_``.
    n_required_iterations_ : int
        Iterations needed to end with fewer than ``factor`` candidates.
    cv_results_ : dict of numpy (masked) arrays
        scikit-learn's layout, a row per (iteration, candidate), with ``iter`` and
        ``n_resources`` columns; ranks are over all rows.
    best_estimator_, best_score_, best_params_, best_index_ : see GridSearchCV
        Those of the best candidate of the last iteration.
    scorer_, n_splits_, multimetric_, refit_time_, n_features_in_ : see GridSearchCV
        As :class:`GridSearchCV`'s.

    Notes
    -----
    Each iteration evaluates its candidates x folds as one graph on the scheduler (Pipeline
    steps shared as in :class:`GridSearchCV`); iterations run one after the other, since
    each one's survivors depend on the previous scores. For dask input the subsampled
    rows of each fold are taken from the blocks holding them on the workers.
"""


class HalvingGridSearchCV(_BaseHalving):
    """Successive halving over a grid of parameters; each iteration one dask graph.

    ``sklearn.model_selection.HalvingGridSearchCV`` on any dask scheduler, without
    scikit-learn's experimental import: the same schedule (``n_resources_``,
    ``n_candidates_``), subsamples (integer ``random_state``), ``cv_results_`` and
    ``best_params_`` on the same data.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn-compatible estimator, cloned for every candidate and fold.
    param_grid : dict or list of dicts
        Parameter names mapped to lists of values (or a list of such grids).
    """

    __doc__ += _SHARED_DOC.format(extra_random="")

    _parameter_constraints = {
        **_BaseHalving._parameter_constraints,
        "param_grid": [dict, list],
    }

    def __init__(
        self,
        estimator,
        param_grid,
        factor=3,
        resource="n_samples",
        max_resources="auto",
        min_resources="exhaust",
        aggressive_elimination=False,
        cv=5,
        scoring=None,
        refit=True,
        error_score=np.nan,
        return_train_score=True,
        random_state=None,
        scheduler=None,
        n_jobs=-1,
        iid=_NO_IID,
        cache_cv=True,
        verbose=0,
    ):
        super().__init__(
            estimator,
            scoring=scoring,
            iid=iid,
            refit=refit,
            cv=cv,
            error_score=error_score,
            return_train_score=return_train_score,
            scheduler=scheduler,
            n_jobs=n_jobs,
            cache_cv=cache_cv,
            verbose=verbose,
        )
        self.param_grid = param_grid
        self.factor = factor
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.aggressive_elimination = aggressive_elimination
        self.random_state = random_state

    def _first_candidates(self, min_resources, max_resources):
        return ParameterGrid(self.param_grid)


class HalvingRandomSearchCV(_BaseHalving):
    """Successive halving over sampled parameter settings; each iteration one dask graph.

    ``sklearn.model_selection.HalvingRandomSearchCV`` on any dask scheduler: the first
    iteration's candidates are scikit-learn's ``ParameterSampler(param_distributions,
    n_candidates, random_state)``; then as :class:`HalvingGridSearchCV`.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn-compatible estimator, cloned for every candidate and fold.
    param_distributions : dict or list of dicts
        Parameter names mapped to distributions (with ``rvs``) or lists.
    n_candidates : int or "exhaust", default="exhaust"
        Candidates of the first iteration; "exhaust": ``max_resources_ // min_resources_``
        (so the last iteration uses about ``max_resources``). Not with
        ``min_resources="exhaust"``.
    """

    __doc__ += _SHARED_DOC.format(extra_random=" and the candidates")

    _parameter_constraints = {
        **_BaseHalving._parameter_constraints,
        "param_distributions": [dict, list],
        "n_candidates": [
            Interval(numbers.Integral, 0, None, closed="neither"),
            StrOptions({"exhaust"}),
        ],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        n_candidates="exhaust",
        factor=3,
        resource="n_samples",
        max_resources="auto",
        min_resources="smallest",
        aggressive_elimination=False,
        cv=5,
        scoring=None,
        refit=True,
        error_score=np.nan,
        return_train_score=True,
        random_state=None,
        scheduler=None,
        n_jobs=-1,
        iid=_NO_IID,
        cache_cv=True,
        verbose=0,
    ):
        super().__init__(
            estimator,
            scoring=scoring,
            iid=iid,
            refit=refit,
            cv=cv,
            error_score=error_score,
            return_train_score=return_train_score,
            scheduler=scheduler,
            n_jobs=n_jobs,
            cache_cv=cache_cv,
            verbose=verbose,
        )
        self.param_distributions = param_distributions
        self.n_candidates = n_candidates
        self.factor = factor
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.aggressive_elimination = aggressive_elimination
        self.random_state = random_state

    def _first_candidates(self, min_resources, max_resources):
        n = self.n_candidates
        if n == "exhaust":
            if self.min_resources == "exhaust":
                raise ValueError(
                    "n_candidates and min_resources cannot both be 'exhaust': each is "
                    "derived from the other. Set one of them."
                )
            n = max_resources // min_resources
        return ParameterSampler(self.param_distributions, n, random_state=self.random_state)
