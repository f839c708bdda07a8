"""GridSearchCV and RandomizedSearchCV: the whole search as one dask graph.

See :mod:`._graph_search` for how the graph shares the work of candidates (Pipeline steps and
FeatureUnion parts fitted once per (setting, fold, upstream fit), each fold transformed once
per fitted step) and :mod:`._folds` for where each fold's rows come from. This module checks
the arguments, makes the folds, submits the graph once to the chosen scheduler, reports
progress per finished candidate, and turns the records into scikit-learn's ``cv_results_``,
``best_*`` and refit.
"""

from __future__ import annotations

import numbers
import os
import time
import warnings
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass

import dask
import numpy as np
from dask.callbacks import Callback
from numpy.ma import MaskedArray
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.model_selection import ParameterGrid, ParameterSampler
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, indexable

from .._graph.client import follow
from .._graph.compute import TaskCounter, compute
from .._graph.rows import lengths_and_values
from .._progress import IterationLog, pass_bar
from .._types import is_dask_collection
from .._validation import warn_no_effect
from ._folds import FoldData
from ._graph_search import SearchGraph, ThreadCap, thread_cap
from ._normalize import candidate_estimators, check_scorers, resolve_scheduler
from ._split import check_cv

__all__ = ["GridSearchCV", "RandomizedSearchCV"]

_NO_IID = "deprecated"


def _on(scheduler):
    """Dask's configuration computing on ``scheduler`` (what the search resolved)."""
    if scheduler.kind == "distributed":
        return dask.config.set(scheduler=scheduler.client.get)
    return dask.config.set(scheduler=scheduler.kind, num_workers=scheduler.n_workers)


def _best_has(method):
    def check(self):
        if hasattr(self, "best_estimator_"):
            return hasattr(self.best_estimator_, method)
        return hasattr(self.estimator, method)

    return check


def _is_dask_native(estimator):
    """Whether every estimator inside ``estimator`` is a dask_scale one (fits dask input);
    scikit-learn's Pipeline and FeatureUnion only chain their steps, so they do not count."""
    parts = [estimator] + [
        v for v in estimator.get_params(deep=True).values() if hasattr(v, "fit")
    ]
    return all(
        type(p).__module__.startswith("dask_scale.")
        for p in parts
        if type(p) not in (Pipeline, FeatureUnion)
    )


def _n_samples(X):
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape):
        return int(shape[0])
    return len(X)


def _row_aligned(value, n):
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes, dict)) and (
        _n_samples(value) == n
    )


# Tasks per thread of the scheduler that the final fits and scores are grouped into, at
# least: many tiny fits (hundreds per thread) then run a few dozen at a time, so the
# scheduler's cost per task (milliseconds on a distributed cluster) is paid a few dozen times
# per thread instead of hundreds, while the last tasks to finish hold a thread no longer than
# about 1/_TASKS_PER_THREAD of its work.
_TASKS_PER_THREAD = 16


def _parallelism(scheduler):
    """How many tasks ``scheduler`` runs at once (a Client: its workers' threads now)."""
    if scheduler.kind == "distributed":
        return max(1, sum(scheduler.client.nthreads().values()))
    return max(1, scheduler.n_workers)


def _batch_size(n_fits, parallelism):
    """Final fits (and scores) per task: one until there are more than
    ``_TASKS_PER_THREAD`` per thread, then as many as keeps that many tasks per thread."""
    return max(1, n_fits // (_TASKS_PER_THREAD * parallelism))


class _Progress(Callback):
    """Calls ``report(key, result)`` as each candidate task finishes on a local scheduler."""

    def __init__(self, keys, report):
        super().__init__()
        self._keys = set(keys)
        self._report = report

    def _posttask(self, key, result, dsk, state, id):
        if key in self._keys:
            self._report(key, result)


@dataclass
class _FitSetup:
    """What :meth:`BaseSearchCV._prepare` checked and made, for the evaluations and refit."""

    X: object
    y: object
    y_mem: object
    lengths: object
    n_samples: int
    dask_input: bool
    folds: list
    n_splits: int
    scheduler: object
    scorers: dict
    multimetric: bool
    fit_params: dict


class BaseSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Shared fit, results and delegation of the dask_scale searches."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [str, callable, list, tuple, set, dict, None],
        "iid": ["boolean", StrOptions({_NO_IID})],
        "refit": ["boolean", str, callable],
        "cv": ["cv_object"],
        "error_score": [StrOptions({"raise"}), numbers.Real],
        "return_train_score": ["boolean"],
        "scheduler": [None, str, object],
        "n_jobs": [Interval(numbers.Integral, None, None, closed="neither"), None],
        "cache_cv": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator,
        scoring=None,
        iid=_NO_IID,
        refit=True,
        cv=None,
        error_score="raise",
        return_train_score=False,
        scheduler=None,
        n_jobs=-1,
        cache_cv=True,
        verbose=0,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.iid = iid
        self.refit = refit
        self.cv = cv
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.scheduler = scheduler
        self.n_jobs = n_jobs
        self.cache_cv = cache_cv
        self.verbose = verbose

    # -- tags and fitted-attribute delegation ---------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        tags.transformer_tags = deepcopy(inner.transformer_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags.required = inner.target_tags.required
        return tags

    @property
    def _estimator_type(self):
        return get_tags(self.estimator).estimator_type

    def _check_refitted(self, method):
        check_is_fitted(self)
        if not self.refit:
            raise NotFittedError(
                f"This {type(self).__name__} was fitted with refit=False: {method} is "
                "available only after refit=True (or the name of a metric). Use "
                "best_params_ to fit an estimator yourself."
            )

    @property
    def classes_(self):
        self._check_refitted("classes_")
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self):
        try:
            self._check_refitted("n_features_in_")
        except NotFittedError as exc:
            raise AttributeError(str(exc)) from exc
        return self.best_estimator_.n_features_in_

    @property
    def feature_names_in_(self):
        try:
            self._check_refitted("feature_names_in_")
        except NotFittedError as exc:
            raise AttributeError(str(exc)) from exc
        return self.best_estimator_.feature_names_in_

    def _post_fit(self, method, X):
        self._check_refitted(method)
        est = self.best_estimator_
        if is_dask_collection(X) and not _is_dask_native(est):
            from ..wrappers import ParallelPostFit

            return getattr(ParallelPostFit(est), method)(X)
        return getattr(est, method)(X)

    @available_if(_best_has("predict"))
    def predict(self, X):
        """Predict with ``best_estimator_`` (block by block for dask input)."""
        return self._post_fit("predict", X)

    @available_if(_best_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from ``best_estimator_``."""
        return self._post_fit("predict_proba", X)

    @available_if(_best_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from ``best_estimator_``."""
        return self._post_fit("predict_log_proba", X)

    @available_if(_best_has("decision_function"))
    def decision_function(self, X):
        """Decision function of ``best_estimator_``."""
        return self._post_fit("decision_function", X)

    @available_if(_best_has("transform"))
    def transform(self, X):
        """Transform with ``best_estimator_``."""
        return self._post_fit("transform", X)

    @available_if(_best_has("inverse_transform"))
    def inverse_transform(self, X):
        """Inverse transform with ``best_estimator_`` (in memory)."""
        self._check_refitted("inverse_transform")
        return self.best_estimator_.inverse_transform(X)

    @available_if(_best_has("score_samples"))
    def score_samples(self, X):
        """Per-sample scores of ``best_estimator_``."""
        self._check_refitted("score_samples")
        return self.best_estimator_.score_samples(X)

    def score(self, X, y=None):
        """The refit metric (``scorer_``) of ``best_estimator_`` on ``X``, ``y``.

        Dask input is scored block by block (:class:`dask_scale.wrappers.ParallelPostFit`'s
        scoring) for estimators that are not dask_scale ones.
        """
        self._check_refitted("score")
        scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
        est = self.best_estimator_
        if is_dask_collection(X) and not _is_dask_native(est):
            from ..wrappers import ParallelPostFit

            return ParallelPostFit(est, scoring=scorer).score(X, y)
        return scorer(est, X) if y is None else scorer(est, X, y)

    # -- fit ------------------------------------------------------------------------------
    def _candidates(self):
        raise NotImplementedError

    def _check_refit(self, multimetric, scorers):
        refit = self.refit
        if multimetric and refit is not False and not callable(refit):
            if not isinstance(refit, str) or refit not in scorers:
                raise ValueError(
                    "With several metrics, refit must be the name of one of them "
                    f"({sorted(scorers)}), a callable choosing best_index_ from cv_results_, "
                    f"or False; got refit={refit!r}."
                )
        elif not multimetric and isinstance(refit, str):
            raise ValueError(
                f"refit={refit!r} names a metric, but scoring is a single metric: use "
                "refit=True (or False, or a callable)."
            )

    def fit(self, X, y=None, groups=None, **fit_params):
        """Run the search: fit every candidate on every fold, then refit the best.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame, dask array or dask DataFrame
            Training data, ``(n_samples, n_features)``.
        y : array-like, dask array or dask Series, default=None
            Targets; a dask ``y`` with a dask ``X`` must be partitioned like it. A dask
            ``y`` with in-memory ``X`` is computed into memory; an in-memory ``y`` with a
            dask ``X`` is sliced per fold in tasks.
        groups : array-like of shape (n_samples,), default=None
            Group labels for group splitters.
        **fit_params : dict
            Passed to the estimator's ``fit`` (``step__param`` for a Pipeline); values of
            length ``n_samples`` are split with the folds. In memory only.

        Returns
        -------
        self : object
        """
        setup = self._prepare(X, y, groups, fit_params)
        candidates = list(self._candidates())
        if not candidates:
            raise ValueError(
                "No candidates to search: the parameter grid / distributions are empty."
            )
        records = self._evaluate(setup, candidates, setup.folds)
        results = _cv_results(
            candidates, records, setup.scorers, self.error_score, self.return_train_score
        )
        best = self._select_best(results, setup.multimetric)
        return self._conclude(setup, candidates, results, best)

    def _prepare(self, X, y, groups, fit_params):
        """Check the arguments; the scheduler, scorers, targets in memory and the folds."""
        self._validate_params()
        if self.iid != _NO_IID:
            warn_no_effect(
                self,
                "iid",
                "the mean test score is the mean over the folds, iid=False, as in scikit-learn",
                removed=True,
                stacklevel=3,
            )
        estimator = self.estimator
        if y is None and get_tags(estimator).target_tags.required:
            raise ValueError(
                f"{type(estimator).__name__} requires y to be passed, but the target y is "
                "None: pass the targets to fit."
            )
        scheduler = resolve_scheduler(self.scheduler, self.n_jobs)
        for name, value in fit_params.items():
            if is_dask_collection(value):
                raise TypeError(
                    f"Fit parameter {name!r} is a dask collection: pass fit parameters in "
                    "memory (NumPy / pandas)."
                )
        scorers, multimetric = check_scorers(estimator, self.scoring)
        self._check_refit(multimetric, scorers)

        dask_input = is_dask_collection(X)
        lengths = None
        if dask_input:
            y_mem, lengths = self._dask_rows(X, y, scheduler)
            n_samples = int(np.sum(lengths))
            X_split = np.zeros((n_samples, 1))
        else:
            if is_dask_collection(y):  # in-memory X: the targets are brought next to it
                (y,) = self._compute([y], scheduler)
            X, y = indexable(X, y)
            y_mem, X_split = y, X
            n_samples = _n_samples(X)
        if groups is not None:
            groups = np.asarray(groups)
        cv = check_cv(self.cv, y_mem, classifier=is_classifier(estimator))
        folds = [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X_split, y_mem, groups)]
        n_splits = cv.get_n_splits(X_split, y_mem, groups)
        if len(folds) != n_splits:
            raise ValueError(
                f"cv.split gave {len(folds)} folds but cv.get_n_splits says {n_splits}: the "
                "splitter is inconsistent."
            )
        if not folds:
            raise ValueError("The cross-validation gave no folds: check cv.")
        return _FitSetup(
            X=X, y=y, y_mem=y_mem, lengths=lengths, n_samples=n_samples,
            dask_input=dask_input, folds=folds, n_splits=n_splits, scheduler=scheduler,
            scorers=scorers, multimetric=multimetric, fit_params=fit_params,
        )

    def _evaluate(self, setup, candidates, folds):
        """Fit and score every candidate on every fold (row indices of ``folds``): one graph.

        Returns the records, one list (a record per fold) per candidate.
        """
        scheduler, n_samples = setup.scheduler, setup.n_samples
        estimators = candidate_estimators(self.estimator, candidates)
        data = FoldData(setup.X, setup.y, folds, cache_cv=self.cache_cv)
        n_threads = max(1, (os.cpu_count() or 1) // max(1, scheduler.n_workers))
        if scheduler.kind == "threads":
            cap = ThreadCap(n_threads, ("openmp",))  # BLAS: once, around the whole search
        elif scheduler.kind == "distributed":
            cap = ThreadCap(1, ("openmp", "shared-blas"))
        elif scheduler.kind == "processes":
            cap = ThreadCap(n_threads, ("openmp", "blas"))
        else:
            cap = ThreadCap(None, ())
        graph = SearchGraph(
            data,
            setup.scorers,
            return_train_score=self.return_train_score,
            error_score=self.error_score,
            cap=cap,
        )
        fold_params = [
            {
                k: (v[np.asarray(tr)] if hasattr(v, "shape") else [v[i] for i in tr])
                if _row_aligned(v, n_samples)
                else v
                for k, v in setup.fit_params.items()
            }
            for tr, _ in folds
        ]
        for est in estimators:
            jobs, seconds = [], []
            for fold in range(len(folds)):
                job, upstream = graph.add_candidate(est, fold, fold_params[fold])
                jobs.append(job)
                seconds.append(upstream)
            graph.candidate_node(jobs, seconds)
        batch = _batch_size(len(estimators) * len(folds), _parallelism(scheduler))
        candidate_keys = graph.finish(batch)
        return self._run(graph.graph, candidate_keys, scheduler, setup.scorers, n_threads)

    def _conclude(self, setup, candidates, results, best, **extra):
        """Refit the best candidate, then set every fitted attribute (and ``extra``) at once."""
        X, y, scheduler, fit_params = setup.X, setup.y, setup.scheduler, setup.fit_params
        multimetric = setup.multimetric
        refit_time = None
        best_estimator = None
        if self.refit:
            best_estimator = clone(self.estimator).set_params(
                **clone(candidates[best], safe=False)
            )
            start = time.perf_counter()
            Xr, yr = X, y
            if setup.dask_input and not _is_dask_native(best_estimator):
                Xr, yr = self._materialise(X, y, scheduler)
            if yr is None:
                best_estimator.fit(Xr, **fit_params)
            else:
                best_estimator.fit(Xr, yr, **fit_params)
            refit_time = time.perf_counter() - start

        # all or nothing: the attributes are set once everything succeeded
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        self.multimetric_ = multimetric
        self.scorer_ = setup.scorers if multimetric else setup.scorers["score"]
        self.n_splits_ = setup.n_splits
        self.cv_results_ = results
        if best is not None:
            self.best_index_ = int(best)
            self.best_params_ = candidates[best]
            if not callable(self.refit):
                key = "score" if not multimetric else self.refit
                self.best_score_ = float(results[f"mean_test_{key}"][best])
        if self.refit:
            self.best_estimator_ = best_estimator
            self.refit_time_ = refit_time
        for name, value in extra.items():
            setattr(self, name, value)
        return self

    def _dask_rows(self, X, y, scheduler):
        """The targets in memory (the splitters need them) and the row count of each block,
        in one submission (remembered: the folds are planned against them)."""
        with _on(scheduler):
            (lengths,), (y_mem,) = lengths_and_values([X], [y])
        lengths = [int(n) for n in lengths]
        if y_mem is not None and _n_samples(y_mem) != int(np.sum(lengths)):
            raise ValueError(
                f"X has {int(np.sum(lengths))} rows and y {_n_samples(y_mem)}: pass targets "
                "for every row of X."
            )
        if y_mem is not None and hasattr(y_mem, "to_numpy"):
            y_mem = y_mem.to_numpy()
        return y_mem, lengths

    def _compute(self, collections, scheduler):
        if scheduler.kind == "distributed":
            return list(compute(*collections, scheduler=scheduler.client))
        with _on(scheduler):
            return list(compute(*collections))

    def _materialise(self, X, y, scheduler):
        """``X`` and ``y`` in memory for an estimator that fits in memory only."""
        if is_dask_collection(y):
            return tuple(self._compute([X, y], scheduler))
        (X,) = self._compute([X], scheduler)
        return X, y

    def _run(self, dsk, keys, scheduler, scorers, n_threads):
        """Compute the candidate tasks once, reporting each finished candidate."""
        log = IterationLog(
            type(self).__name__, self.verbose, "mean_test_score", total=len(keys), unit="candidates"
        )
        index = {k: i for i, k in enumerate(keys)}
        done = [0]
        refit_metric = "score" if len(scorers) == 1 and "score" in scorers else None
        if refit_metric is None:
            refit_metric = self.refit if isinstance(self.refit, str) else next(iter(scorers))

        def report(key, result):
            done[0] += 1
            values = [r["test"].get(refit_metric, np.nan) for r in result if r["test"]]
            mean = float(np.mean(values)) if values else float("nan")
            log(done[0], mean, candidate=index[key], of=len(keys))

        with log:  # the outer progress bar: candidates done
            if scheduler.kind == "distributed":
                return self._run_distributed(dsk, keys, scheduler.client, report)
            # BLAS is process-wide: capped once here on threads (see thread_cap)
            blas = thread_cap(n_threads, ("blas",)) if scheduler.kind == "threads" else None
            with _Progress(keys, report), (blas or thread_cap(None, ())), pass_bar() as bar:
                kwargs = {} if scheduler.kind == "sync" else {"num_workers": scheduler.n_workers}
                with TaskCounter(bar):
                    return list(scheduler.get(dsk, keys, **kwargs))

    @staticmethod
    def _run_distributed(dsk, keys, client, report):
        from distributed import as_completed

        futures = client.get(dsk, keys, sync=False, retries=0)
        results = {}
        try:
            with follow(client, futures):  # the inner bar: the cluster's tasks done
                for future in as_completed(futures):
                    result = future.result()
                    results[future.key] = result
                    report(future.key, result)
        except BaseException:
            # interrupted or failed: nothing of the search goes on running on the cluster
            client.cancel(futures)
            raise
        finally:
            del futures  # done: released with their last reference
        return [results[k] for k in keys]

    def _select_best(self, results, multimetric):
        refit = self.refit
        if callable(refit):
            best = refit(results)
            if not isinstance(best, numbers.Integral) or isinstance(best, bool):
                raise TypeError(
                    f"refit returned {best!r}: a callable refit must return the integer "
                    "index of the best candidate in cv_results_."
                )
            n = len(results["params"])
            if not 0 <= best < n:
                raise IndexError(f"refit returned the index {best}, not within [0, {n}).")
            return int(best)
        if multimetric and refit is False:
            return None
        key = "score" if not multimetric else refit
        return int(np.argmin(results[f"rank_test_{key}"]))


def _param_columns(candidates):
    """``param_<name>`` masked arrays: a value per candidate that sets the parameter."""
    by_name = defaultdict(dict)
    for i, params in enumerate(candidates):
        for name, value in params.items():
            by_name[name][i] = value
    columns = {}
    for name, values in by_name.items():
        listed = list(values.values())
        try:
            inferred = np.array(listed)
            dtype = inferred.dtype if inferred.ndim == 1 and inferred.dtype.kind != "U" else object
        except ValueError:
            dtype = object
        column = MaskedArray(np.empty(len(candidates), dtype=dtype), mask=True)
        for i, value in values.items():
            column[i] = value
        columns[f"param_{name}"] = column
    return columns


def _mean_std_rank(results, name, table, rank):
    """Per-split columns, mean and std over the splits (and the rank) of ``table``."""
    table = np.asarray(table, dtype=np.float64)
    if name is not None:
        for split in range(table.shape[1]):
            results[f"split{split}_{name}"] = table[:, split]
    means = table.mean(axis=1)
    results[f"mean_{name}"] = means
    results[f"std_{name}"] = np.sqrt(((table - means[:, None]) ** 2).mean(axis=1))
    if name.startswith(("test_", "train_")) and not np.all(np.isfinite(means)):
        warnings.warn(
            f"Some {name.split('_')[0]} scores are not finite: {means}", UserWarning, stacklevel=4
        )
    if rank:
        if np.all(np.isnan(means)):
            ranks = np.ones(len(means), dtype=np.int32)
        else:
            # failed candidates (NaN) tie with the worst
            filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
            ranks = rankdata(-filled, method="min").astype(np.int32)
        results[f"rank_{name}"] = ranks


def _cv_results(candidates, records, scorers, error_score, return_train_score):
    """scikit-learn's ``cv_results_`` from the per-candidate, per-fold records."""
    n_candidates, n_splits = len(records), len(records[0])
    failures = [r["failed"] for per in records for r in per if r["failed"] is not None]
    n_fits = n_candidates * n_splits
    if failures:
        if len(failures) == n_fits:
            raise ValueError(
                f"All the {n_fits} fits failed; the first error:\n{failures[0]}\nCheck the "
                "estimator and its parameters (error_score='raise' raises the first failure)."
            )
        distinct = defaultdict(int)
        for message in failures:
            distinct[message.strip().splitlines()[-1]] += 1
        summary = "\n".join(f"{count} fit(s) failed with: {msg}" for msg, count in distinct.items())
        warnings.warn(
            f"\n{len(failures)} fits failed out of a total of {n_fits}; their scores are set "
            f"to error_score={error_score!r}.\n{summary}",
            FitFailedWarning,
            stacklevel=3,
        )
    names = None
    for per in records:
        for r in per:
            if r["test"] is not None:
                names = list(r["test"])
                break
        if names:
            break

    def table(side, metric):
        return [
            [error_score if r[side] is None else r[side][metric] for r in per]
            for per in records
        ]

    results = {}
    fit_times = [[r["fit_time"] for r in per] for per in records]
    score_times = [[r["score_time"] for r in per] for per in records]
    _mean_std_rank(results, "fit_time", fit_times, rank=False)
    _mean_std_rank(results, "score_time", score_times, rank=False)
    for name in list(results):
        if name.startswith("split"):
            del results[name]
    results.update(_param_columns(candidates))
    results["params"] = list(candidates)
    for metric in names:
        _mean_std_rank(results, f"test_{metric}", table("test", metric), rank=True)
        if return_train_score:
            _mean_std_rank(results, f"train_{metric}", table("train", metric), rank=False)
    del n_splits
    return results


class GridSearchCV(BaseSearchCV):
    """Exhaustive search over a grid of parameters, one dask graph for the whole search.

    Drop-in for ``dask_ml.model_selection.GridSearchCV`` with scikit-learn's results: the
    same folds give the same ``cv_results_``, ``best_params_`` and ``best_score_`` as
    ``sklearn.model_selection.GridSearchCV``. Work candidates share runs once: each
    Pipeline step (and FeatureUnion part) is fitted once per (its parameters, fold,
    upstream fit) and each fold transformed once per fitted step.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn-compatible estimator (scikit-learn's or dask_scale's); cloned for
        every candidate and fold.
    param_grid : dict or list of dicts
        Parameter names (``step__param`` for pipelines) mapped to lists of values, or a list
        of such grids (their union is searched).
    scoring : str, callable, list, tuple, dict or None, default=None
        One metric (a name from ``sklearn.metrics.get_scorer_names()``, a callable
        ``scorer(estimator, X, y)``, None for the estimator's ``score``), or several (a list
        of names, a dict name -> name or callable).
    iid : bool, default="deprecated"
        Has no effect: test scores are averaged over the folds with equal weights (as
        scikit-learn does since it removed ``iid``). Passing it warns (FutureWarning).
    refit : bool, str or callable, default=True
        Refit the best candidate on the whole data as ``best_estimator_``. With several
        metrics, the metric's name that chooses the best; a callable gets ``cv_results_``
        and returns ``best_index_`` (``best_score_`` is then not set).
    cv : int, cross-validation generator or iterable, default=None
        As scikit-learn's (None: 5 folds, stratified for classifiers).
    error_score : "raise" or float, default="raise"
        "raise": a failing fit raises (once: on a distributed Client the task is not
        retried). A number: the score of a candidate whose fit or score failed on a fold; a
        ``FitFailedWarning`` summarises the failures.
    return_train_score : bool, default=False
        Also score every candidate on its training folds.
    scheduler : None, str or distributed.Client, default=None
        Where the graph runs: None for the active distributed Client, else dask's configured
        local scheduler (threads by default); or "threading", "processes", "sync",
        "distributed", or a Client.
    n_jobs : int, default=-1
        Workers of the local threads/processes scheduler (-1: all cores, -2: all but one).
        Has no effect (and warns when changed) on the sync scheduler and a Client.
    cache_cv : bool, default=True
        True: each fold's train/test rows are taken once, as one task shared by all
        candidates. False: taken again by every task reading them (less memory held, more
        work).
    verbose : int, default=0
        Positive: one line on stderr per finished candidate (its mean test score of the
        refit metric and the elapsed time); also logged at INFO to the ``dask_scale``
        logger.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) arrays
        scikit-learn's layout: ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time``, ``param_<name>``, ``params``, ``split<k>_test_<metric>``,
        ``mean_test_<metric>``, ``std_test_<metric>``, ``rank_test_<metric>`` (and the
        train columns), where ``<metric>`` is ``score`` for a single metric. A candidate's
        fit time adds the times of the shared upstream fits its pipeline used.
    best_estimator_ : estimator
        The best candidate refitted on all the data (with ``refit``).
    best_score_ : float
        Mean test score of the best candidate (refit metric).
    best_params_ : dict
        Parameters of the best candidate.
    best_index_ : int
        Index of the best candidate in ``cv_results_``.
    scorer_ : callable or dict
        The scorer (a dict of them with several metrics).
    n_splits_ : int
        Number of folds.
    multimetric_ : bool
        Whether several metrics were scored.
    refit_time_ : float
        Seconds the refit took.
    n_features_in_ : int
        ``best_estimator_``'s (also ``feature_names_in_`` and ``classes_`` where it has
        them).

    Notes
    -----
    **Where the data is.** NumPy/pandas/sparse ``X`` is one key of the graph; each fold's
    rows are taken from it in a task. For a dask array or DataFrame, each fold's rows are
    assembled on the workers from the blocks (partitions) holding them: ``X`` is never
    gathered to the client and no task holds more of it than its fold. The fold is then in
    memory (NumPy for a dask array, pandas for a dask DataFrame) for the estimator, dask_scale
    estimators included. ``y`` (a dask array or Series) is computed to the client once,
    because the splitters need it, and so are the row counts of a DataFrame's partitions.
    The refit of a dask_scale estimator (every step of a Pipeline from dask_scale) runs on
    the dask input as it is (block by block); any other estimator is refitted on ``X`` and
    ``y`` computed into memory.

    **Threads.** Every task caps OpenMP (each task its own setting) and BLAS so parallel
    fits do not oversubscribe the cores: to ``cores // n_jobs`` threads on the local
    schedulers (BLAS once around the whole search on threads), to one thread on a
    distributed worker (set by the first of its running tasks, restored by the last).

    **Interruption.** A KeyboardInterrupt (or any error) during ``fit`` propagates, leaves
    the search's previous state as it was (a fresh search stays unfitted) and, on a
    distributed Client, cancels the search's futures.
    """

    _parameter_constraints = {
        **BaseSearchCV._parameter_constraints,
        "param_grid": [dict, list],
    }

    def __init__(
        self,
        estimator,
        param_grid,
        scoring=None,
        iid=_NO_IID,
        refit=True,
        cv=None,
        error_score="raise",
        return_train_score=False,
        scheduler=None,
        n_jobs=-1,
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

    def _candidates(self):
        return ParameterGrid(self.param_grid)


class RandomizedSearchCV(BaseSearchCV):
    """Search over ``n_iter`` parameter settings sampled from distributions, one dask graph.

    The same as :class:`GridSearchCV` but the candidates are drawn by scikit-learn's
    ``ParameterSampler(param_distributions, n_iter, random_state)``: the same candidates,
    in the same order, as ``sklearn.model_selection.RandomizedSearchCV``.

    Parameters
    ----------
    estimator : estimator object
        See :class:`GridSearchCV`.
    param_distributions : dict or list of dicts
        Parameter names mapped to distributions (with an ``rvs`` method) or lists to sample
        from uniformly; a list of dicts picks a dict uniformly for each draw.
    n_iter : int, default=10
        Number of settings drawn (all of a grid of lists when it has fewer).
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling.
    scoring, iid, refit, cv, error_score, return_train_score : see GridSearchCV
        As :class:`GridSearchCV`'s.
    scheduler, n_jobs, cache_cv, verbose : see GridSearchCV
        As :class:`GridSearchCV`'s.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) arrays
        As :class:`GridSearchCV`'s, and so are ``best_estimator_``, ``best_score_``,
        ``best_params_``, ``best_index_``, ``scorer_``, ``n_splits_``, ``multimetric_`` and
        ``refit_time_``.
    """

    _parameter_constraints = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        n_iter=10,
        random_state=None,
        scoring=None,
        iid=_NO_IID,
        refit=True,
        cv=None,
        error_score="raise",
        return_train_score=False,
        scheduler=None,
        n_jobs=-1,
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
        self.n_iter = n_iter
        self.random_state = random_state

    def _candidates(self):
        return ParameterSampler(
            self.param_distributions, self.n_iter, random_state=self.random_state
        )
