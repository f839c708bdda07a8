"""What the adaptive searches share: parameters, the Client, ``fit`` (sync or async), results.

Subclasses define ``_models(rng)`` (the model ids and parameters to start), ``_policy``
(the coroutine that trains them, from :mod:`._engine`) and ``metadata``.
"""

from __future__ import annotations

import atexit
import inspect
import threading
import uuid
import warnings
from numbers import Integral, Real

import dask.array as da
import numpy as np
from dask.base import tokenize
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, MetaEstimatorMixin, is_classifier
from sklearn.model_selection import ParameterGrid, ParameterSampler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._graph import frame_output, get_client
from .._types import is_dask_array, is_dask_collection, is_dask_frame
from .._validation import validate_data
from ..metrics import check_scoring
from ..wrappers import ParallelPostFit
from ._engine import SearchRun
from ._holdout import default_test_size

__all__ = ["BaseIncrementalSearchCV", "search_client"]

#: Attributes the validation of X sets on the search.
_FEATURE_ATTRS = ("n_features_in_", "feature_names_in_")

# --------------------------------------------------------------------------------------------
# the Client
# --------------------------------------------------------------------------------------------

_TEMPORARY = {}
_TEMPORARY_LOCK = threading.Lock()


def _close_temporary():
    client, cluster = _TEMPORARY.pop("client", None), _TEMPORARY.pop("cluster", None)
    if client is not None:
        client.close()
        cluster.close()


def _temporary_client():
    """The in-process LocalCluster the searches use when no Client is active (shared)."""
    from distributed import Client, LocalCluster

    with _TEMPORARY_LOCK:
        client = _TEMPORARY.get("client")
        if client is None or client.status != "running":
            cluster = LocalCluster(
                n_workers=1, processes=False, dashboard_address=None, silence_logs=40
            )
            client = Client(cluster, set_as_default=False)
            if not _TEMPORARY:
                atexit.register(_close_temporary)
            _TEMPORARY.update(client=client, cluster=cluster)
        return client


def search_client(name):
    """The active distributed Client, else the temporary in-process one (with a warning)."""
    client = get_client()
    if client is not None:
        return client
    warnings.warn(
        f"{name} runs on a dask.distributed Client and none is active: using a temporary "
        "in-process LocalCluster (one worker, threads; started once per process, closed at "
        "exit). Start a Client first (`from distributed import Client; client = Client()`) "
        "to run the search on your cluster.",
        UserWarning,
        stacklevel=3,
    )
    return _temporary_client()


def _search_has(method):
    def check(self):
        if "best_estimator_" in self.__dict__:
            return hasattr(self.best_estimator_, method)
        return hasattr(self.estimator, method)

    return check


def _interrupted(exc, run, search):
    """Attach the records of the finished models to the exception of a stopped search."""
    try:
        exc.cv_results_ = search._cv_results(run)
        exc.history_ = list(run.history)
        exc.add_note(
            f"{type(search).__name__} was stopped after {len(run.history)} scores; the "
            "results so far are on this exception: exc.cv_results_ (models with at least "
            "one score) and exc.history_. The search itself stays unfitted."
        )
    except Exception:  # pragma: no cover - never mask the original error
        pass


class BaseIncrementalSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Base of the adaptive searches (not public); see :class:`IncrementalSearchCV`."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["partial_fit"])],
        "parameters": [dict, list],
        "test_size": [Interval(Real, 0, 1, closed="neither"), None],
        "random_state": ["random_state"],
        "scoring": [str, callable, None],
        "verbose": ["verbose"],
        "prefix": [str],
        "predict_meta": "no_validation",
        "predict_proba_meta": "no_validation",
        "transform_meta": "no_validation",
    }

    #: Name used in keys and progress lines.
    _name = "search"

    def __init__(
        self,
        estimator,
        parameters,
        test_size=None,
        random_state=None,
        scoring=None,
        verbose=False,
        prefix="",
        predict_meta=None,
        predict_proba_meta=None,
        transform_meta=None,
    ):
        self.estimator = estimator
        self.parameters = parameters
        self.test_size = test_size
        self.random_state = random_state
        self.scoring = scoring
        self.verbose = verbose
        self.prefix = prefix
        self.predict_meta = predict_meta
        self.predict_proba_meta = predict_proba_meta
        self.transform_meta = transform_meta

    # -- to define in subclasses -----------------------------------------------------------

    def _models(self, rng):
        """``[(model id, params, extra columns), ...]`` to start."""
        raise NotImplementedError

    async def _policy(self, run, idents, patience):
        raise NotImplementedError

    # -- helpers for subclasses ------------------------------------------------------------

    def _model_id(self, i, group=None):
        if group is None:
            return f"{self.prefix}-{i}" if self.prefix else i
        return f"{self.prefix}{group}-{i}"

    def _sample(self, n, seed):
        """``n`` parameter settings (``"grid"``: the whole grid) drawn with ``seed``."""
        if isinstance(n, str):
            return list(ParameterGrid(self.parameters))
        with warnings.catch_warnings():
            # a grid smaller than n: scikit-learn warns and returns the grid; say it once
            warnings.simplefilter("ignore", UserWarning)
            out = list(ParameterSampler(self.parameters, n, random_state=seed))
        if len(out) < n:
            warnings.warn(
                f"{type(self).__name__}: the grid of `parameters` has {len(out)} settings, "
                f"fewer than the {n} models asked for; each setting is trained once.",
                UserWarning,
                stacklevel=4,
            )
        return out

    def _check_parameters(self):
        grids = self.parameters if isinstance(self.parameters, list) else [self.parameters]
        valid = set(self.estimator.get_params())
        for grid in grids:
            if not isinstance(grid, dict) or not grid:
                raise ValueError(
                    f"{type(self).__name__}: `parameters` must be a non-empty dict (or a list "
                    f"of them) of parameter name -> values or distribution; got {grid!r}."
                )
            unknown = sorted(set(grid) - valid)
            if unknown:
                raise ValueError(
                    f"{type(self).__name__}: {type(self.estimator).__name__} has no "
                    f"parameter(s) {unknown}; its parameters are {sorted(valid)}."
                )
            for key, values in grid.items():
                if not hasattr(values, "rvs") and len(values) == 0:
                    raise ValueError(
                        f"{type(self).__name__}: parameter {key!r} has an empty list of "
                        "values; give at least one."
                    )

    def _patience_calls(self):
        patience = getattr(self, "patience", False)
        if patience is True:
            raise ValueError(
                f"{type(self).__name__}: patience=True is only meaningful for successive "
                "halving and Hyperband (max_iter // aggressiveness); give a number of "
                "partial_fit calls."
            )
        return int(patience or 0)

    # -- fit ---------------------------------------------------------------------------------

    def _prepare(self, X, y, fit_params):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None: "
                "it scores its models on a held-out part of (X, y)."
            )
        tags = self.estimator.__sklearn_tags__()
        X, y = validate_data(
            self, X, y, dtype=None, ensure_all_finite=not tags.input_tags.allow_nan,
            multi_output=True, ensure_min_samples=2,
        )
        if is_classifier(self.estimator) and not is_dask_collection(y):
            check_classification_targets(y)
        if not is_dask_collection(X):
            X = da.from_array(np.asarray(X), chunks=(X.shape[0], -1))
        if not is_dask_collection(y):
            y = da.from_array(np.asarray(y), chunks=(X.chunks[0],) + np.shape(y)[1:])
        n_blocks = X.numblocks[0]
        test_size = default_test_size(n_blocks) if self.test_size is None else self.test_size
        return X, y, test_size

    def fit(self, X, y=None, **fit_params):
        """Run the search: train models with ``partial_fit`` on the blocks of X and y.

        On a synchronous Client this blocks and returns the fitted search. On an
        asynchronous Client (``Client(asynchronous=True)``), called from a coroutine, it
        returns an awaitable: ``await search.fit(X, y)``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)
            Training data; ``partial_fit`` sees one row block of the training part at a
            time (NumPy input is one block).
        y : array-like, dask array or dask Series, shape (n_samples,)
            Targets, partitioned like X.
        **fit_params : dict
            Passed to every ``partial_fit`` call. For a classifier whose ``partial_fit``
            takes ``classes`` and none is given, the classes are computed from y first.

        Returns
        -------
        self : object
            Or, on an asynchronous Client, an awaitable that returns it.
        """
        self._validate_params()
        self._check_parameters()
        patience = self._patience_calls()
        features = {k: self.__dict__[k] for k in _FEATURE_ATTRS if k in self.__dict__}
        try:
            return self._fit(X, y, fit_params, patience, features)
        except BaseException:
            self._restore(features)
            raise

    def _restore(self, features):
        """A search that stops stays as it was (validating X set the feature attributes)."""
        for k in _FEATURE_ATTRS:
            self.__dict__.pop(k, None)
        self.__dict__.update(features)

    def _check_fit_params(self, fit_params, n_samples):
        for name, value in fit_params.items():
            per_row = is_dask_collection(value) or (
                name == "sample_weight" or (np.ndim(value) >= 1 and len(value) == n_samples)
            )
            if per_row and name != "classes":
                raise ValueError(
                    f"{type(self).__name__} passes fit parameters to every partial_fit call "
                    f"unchanged, so a value per row of X ({name!r}) cannot be split with the "
                    "blocks of the training and held-out sets. Pass only parameters of the "
                    "whole fit (e.g. classes=...)."
                )

    def _fit(self, X, y, fit_params, patience, features):
        if fit_params:
            self._check_fit_params(fit_params, X.shape[0] if hasattr(X, "shape") else len(X))
        X, y, test_size = self._prepare(X, y, fit_params)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(2**31))
        models = self._models(rng)
        scorer = check_scoring(self.estimator, scoring=self.scoring)
        needs_classes = (
            is_classifier(self.estimator)
            and "classes" not in fit_params
            and "classes" in inspect.signature(self.estimator.partial_fit).parameters
        )
        if self.random_state is None or isinstance(self.random_state, np.random.RandomState):
            token = uuid.uuid4().hex
        else:
            token = tokenize(type(self).__name__, self.get_params(), X.name, y.name, fit_params)
        client = search_client(type(self).__name__)
        run = SearchRun(
            client, self.estimator, name=self._name, token=token, prefix=self.prefix,
            seed=seed, verbose=self.verbose, scorer=scorer, fit_params=fit_params,
            total_calls=self._planned_calls(),
        )
        for ident, params, extra in models:
            run.add_model(ident, params, **extra)
        coroutine = self._fit_coroutine(run, X, y, test_size, needs_classes, patience)
        if client.asynchronous:
            return self._awaited(coroutine, features, run)
        try:
            with run.log:  # the progress bar, drawn by this thread
                return client.sync(lambda: coroutine)
        except BaseException as exc:
            _interrupted(exc, run, self)
            run.release()
            raise

    async def _awaited(self, coroutine, features, run):
        try:
            with run.log:
                return await coroutine
        except BaseException:
            self._restore(features)
            raise

    async def _fit_coroutine(self, run, X, y, test_size, needs_classes, patience):
        try:
            classes = await run.setup(X, y, test_size, needs_classes)
            if classes is not None:
                run.fit_params = {**run.fit_params, "classes": classes}
            await self._policy(run, list(run.models), patience)
            results = self._cv_results(run)
            best_index = int(np.argmax(np.nan_to_num(results["test_score"], nan=-np.inf)))
            best_id = results["model_id"][best_index]
            best = await run.best_model(best_id)
        except BaseException as exc:
            _interrupted(exc, run, self)
            raise
        finally:
            run.release()
        self._set_results(run, results, best_index, best, run.scorer)
        return self

    # -- results -----------------------------------------------------------------------------

    def _cv_results(self, run):
        idents = [i for i in run.params if run.model_history[i]]
        params = [run.params[i] for i in idents]
        results = {"model_id": np.array(idents, dtype=object)}
        names = sorted({k for p in params for k in p})
        for name in names:
            column = np.ma.MaskedArray(np.empty(len(idents), dtype=object), mask=True)
            for j, p in enumerate(params):
                if name in p:
                    column[j] = p[name]
            results[f"param_{name}"] = column
        results["params"] = params
        for column in {k for i in idents for k in run.extra[i]}:
            results[column] = np.array([run.extra[i].get(column) for i in idents])
        hist = [run.model_history[i] for i in idents]
        scores = np.array([h[-1]["score"] for h in hist], dtype=float)
        results["test_score"] = scores
        results["rank_test_score"] = (
            rankdata(-np.nan_to_num(scores, nan=-np.inf), method="min").astype(np.int32)
            if len(scores) else np.array([], dtype=np.int32)
        )
        results["partial_fit_calls"] = np.array([h[-1]["partial_fit_calls"] for h in hist], dtype=int)
        for what in ("partial_fit_time", "score_time"):
            values = [np.array([r[what] for r in h]) for h in hist]
            results[f"mean_{what}"] = np.array([v.mean() for v in values])
            results[f"std_{what}"] = np.array([v.std() for v in values])
        return results

    def _set_results(self, run, results, best_index, best, scorer):
        self.cv_results_ = results
        self.history_ = list(run.history)
        self.model_history_ = {i: list(h) for i, h in run.model_history.items() if h}
        self.best_index_ = best_index
        self.best_score_ = float(results["test_score"][best_index])
        self.best_params_ = results["params"][best_index]
        self.best_estimator_ = best
        self.n_iter_ = int(results["partial_fit_calls"][best_index])
        self.scorer_ = scorer
        self.n_splits_ = 1
        self.multimetric_ = False
        self.metadata_ = self._metadata_of(run)

    def _planned_calls(self):
        """The ``partial_fit`` calls planned (``metadata``), the progress bar's total."""
        metadata = getattr(type(self), "metadata", None)
        return None if metadata is None else int(self.metadata["partial_fit_calls"])

    def _metadata_of(self, run):
        return {
            "n_models": len(self.model_history_),
            "partial_fit_calls": int(sum(run.calls.values())),
        }

    # -- after fit ---------------------------------------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__()
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.target_tags.required = True
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        # asynchronous halving depends on the order scores arrive
        tags.non_deterministic = bool(getattr(self, "asynchronous", False))
        return tags

    @property
    def classes_(self):
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.classes_

    def _post_fit(self, method, X):
        check_is_fitted(self, "best_estimator_")
        Xa = validate_data(self, X, reset=False, dtype=None, ensure_all_finite=False)
        wrapper = ParallelPostFit(
            self.best_estimator_, predict_meta=self.predict_meta,
            predict_proba_meta=self.predict_proba_meta, transform_meta=self.transform_meta,
        )
        out = getattr(wrapper, method)(Xa)
        if is_dask_frame(X) and is_dask_array(out) and out.ndim <= 2:
            # the models were trained on arrays: the output of a frame gets its index back
            frame = frame_output(out, X)
            return frame[frame.columns[0]] if out.ndim == 1 else frame
        return out

    @available_if(_search_has("predict"))
    def predict(self, X):
        """Predict with the best model, block by block for dask input.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)

        Returns
        -------
        y : ndarray or dask array, shape (n_samples,)
        """
        return self._post_fit("predict", X)

    @available_if(_search_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the best model, block by block for dask input.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray or dask array, shape (n_samples, n_classes)
        """
        return self._post_fit("predict_proba", X)

    @available_if(_search_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the best model, block by block for dask input.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray or dask array, shape (n_samples, n_classes)
        """
        return self._post_fit("predict_log_proba", X)

    @available_if(_search_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the best model, block by block for dask input.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray or dask array
        """
        return self._post_fit("decision_function", X)

    @available_if(_search_has("transform"))
    def transform(self, X):
        """Transform with the best model, block by block for dask input.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)

        Returns
        -------
        Xt : ndarray or dask array
        """
        return self._post_fit("transform", X)

    def score(self, X, y=None):
        """Score the best model on (X, y) with ``scorer_`` (the search's scoring).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame, shape (n_samples, n_features)
        y : array-like or dask array, shape (n_samples,)

        Returns
        -------
        score : float
        """
        check_is_fitted(self, "best_estimator_")
        X = validate_data(self, X, reset=False, dtype=None, ensure_all_finite=False)
        wrapper = ParallelPostFit(self.best_estimator_, scoring=self.scoring)
        return wrapper.score(X, y)


#: Constraints the searches with a fixed number of models share.
FIXED_CONSTRAINTS = {
    "n_initial_parameters": [Interval(Integral, 1, None, closed="left"), StrOptions({"grid"})],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "patience": [Interval(Integral, 0, None, closed="left"), "boolean"],
    "tol": [Real],
    "fits_per_score": [Interval(Integral, 1, None, closed="left")],
}


def n_settings(parameters, n):
    """How many settings ``_sample(n)`` gives (a grid of lists caps a number)."""
    if isinstance(n, str):
        return len(ParameterGrid(parameters))
    grids = parameters if isinstance(parameters, list) else [parameters]
    if all(not hasattr(v, "rvs") for g in grids for v in g.values()):
        return min(n, len(ParameterGrid(parameters)))
    return n
