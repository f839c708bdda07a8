"""IncrementalSearchCV and InverseDecaySearchCV: a fixed set of models trained side by side."""

from __future__ import annotations

import warnings
from numbers import Real

from sklearn.utils._param_validation import Interval

from ._adaptive import FIXED_CONSTRAINTS, BaseIncrementalSearchCV, n_settings
from ._engine import run_fixed
from ._schedules import inverse_decay_kept, inverse_decay_rounds

__all__ = ["IncrementalSearchCV", "InverseDecaySearchCV"]

_COMMON_DOC = """
    estimator : estimator object
        An estimator with ``partial_fit``; cloned for every model.
    parameters : dict or list of dict
        Parameter names -> lists of values or scipy.stats distributions (sampled as
        scikit-learn's ``ParameterSampler`` does; a list of dicts samples one of them each
        time).
    n_initial_parameters : int or "grid", default=10
        Number of settings to train; ``"grid"`` trains every setting of the grid (lists
        only). A grid of lists smaller than this number is trained whole (with a warning).
    test_size : float in (0, 1) or None, default=None
        Fraction of every row block held out for scoring. None: one block's share
        (``1 / n_blocks``) for dask input of several blocks, 0.25 for one block.
    patience : int or False, default=False
        Stop training a model when its best score did not improve by ``tol`` over its last
        ``patience`` ``partial_fit`` calls. False: off.
    tol : float, default=0.001
        The improvement ``patience`` waits for.
    fits_per_score : int, default=1
        ``partial_fit`` calls between two scores of a model.
    max_iter : int, default=100
        ``partial_fit`` calls of a model at most.
    random_state : int, RandomState instance or None, default=None
        Seeds the parameter sampling, the held-out split and the block orders. An int makes
        the search reproducible (with deterministic estimators).
    scoring : str, callable or None, default=None
        A scikit-learn scorer name or callable ``scorer(estimator, X, y)``; None uses the
        estimator's ``score``. Scores run on a worker on the held-out set.
    verbose : bool or int, default=False
        Report each round (best score so far, calls) on stderr and the ``dask_scale``
        logger.
    prefix : str, default=""
        Prefix of the model ids (and of the task keys).
    predict_meta, predict_proba_meta, transform_meta : default=None
        Output meta of ``predict`` / ``predict_proba`` / ``transform`` on dask input (see
        :class:`dask_scale.wrappers.ParallelPostFit`)."""

_ATTRIBUTES_DOC = """
    cv_results_ : dict of arrays
        One entry per model (in model-id order): ``model_id``, ``params``, ``param_<name>``
        (masked arrays), ``test_score`` (the model's last score), ``rank_test_score``,
        ``partial_fit_calls``, ``mean_partial_fit_time``, ``std_partial_fit_time``,
        ``mean_score_time``, ``std_score_time`` (per round)[, ``bracket``].
    history_ : list of dict
        Every score, in the order they arrived: ``model_id``, ``params``,
        ``partial_fit_calls``, ``partial_fit_time`` (of the round), ``score``,
        ``score_time``, ``elapsed_wall_time``[, ``bracket``].
    model_history_ : dict
        ``history_`` grouped by model id.
    best_estimator_ : estimator
        The model with the best last score (ties: the first), gathered from its worker.
    best_score_ : float
    best_params_ : dict
    best_index_ : int
        Index of the best model in ``cv_results_``.
    n_iter_ : int
        ``partial_fit`` calls of the best model.
    scorer_ : callable
    n_splits_ : int
        1 (one held-out set).
    multimetric_ : bool
        False (one metric).
    metadata_ : dict
        ``n_models`` and ``partial_fit_calls`` the search actually made.

    Notes
    -----
    **Client.** The search runs on the active dask.distributed Client through its futures
    API: the training and held-out blocks are computed once into futures on the workers,
    every ``partial_fit`` call is a task on a training block's future, the model staying on
    the workers; every score is a task on the held-out set (one future). Only scores come
    back, and the best model once at the end. ``fit`` blocks on a synchronous Client; on
    an asynchronous one (``Client(asynchronous=True)``), ``await search.fit(X, y)``. With no
    Client active the search warns and runs on a temporary in-process LocalCluster (one
    worker, shared by the searches of the process).

    **Interruption.** When the search stops on an error, a ``KeyboardInterrupt`` or a
    cancelled ``await``, it raises, stays unfitted and releases its futures; the results of
    the models scored so far are on the exception: ``exc.cv_results_`` and
    ``exc.history_``.
"""


class IncrementalSearchCV(BaseIncrementalSearchCV):
    __doc__ = f"""Train many models with ``partial_fit`` side by side, scoring as they go.

    Every model gets ``fits_per_score`` ``partial_fit`` calls a round, then a score on the
    held-out set, until it reaches ``max_iter`` calls (or stops improving, ``patience``).

    Parameters
    ----------{_COMMON_DOC}
    decay_rate : float or None, default=None
        Kept for dask-ml compatibility: a number makes this search
        :class:`InverseDecaySearchCV` with that ``decay_rate`` (FutureWarning); use that
        class.

    Attributes
    ----------{_ATTRIBUTES_DOC}
    Examples
    --------
    >>> import dask.array as da
    >>> from distributed import Client
    >>> from sklearn.linear_model import SGDClassifier
    >>> from dask_scale.model_selection import IncrementalSearchCV
    >>> client = Client(processes=False, n_workers=1, dashboard_address=None)
    >>> X = da.random.default_rng(0).normal(size=(2_000, 4), chunks=500)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> search = IncrementalSearchCV(
    ...     SGDClassifier(random_state=0), {{"alpha": [1e-4, 1e-3, 1e-2]}},
    ...     n_initial_parameters="grid", max_iter=3, random_state=0,
    ... ).fit(X, y)
    >>> search.metadata_
    {{'n_models': 3, 'partial_fit_calls': 9}}
    >>> client.close()
    """

    _parameter_constraints: dict = {
        **BaseIncrementalSearchCV._parameter_constraints,
        **FIXED_CONSTRAINTS,
        "decay_rate": [Interval(Real, 0, None, closed="left"), None],
    }
    _name = "incremental-search"

    def __init__(
        self,
        estimator,
        parameters,
        n_initial_parameters=10,
        decay_rate=None,
        test_size=None,
        patience=False,
        tol=0.001,
        fits_per_score=1,
        max_iter=100,
        random_state=None,
        scoring=None,
        verbose=False,
        prefix="",
        predict_meta=None,
        predict_proba_meta=None,
        transform_meta=None,
    ):
        super().__init__(
            estimator, parameters, test_size=test_size, random_state=random_state,
            scoring=scoring, verbose=verbose, prefix=prefix, predict_meta=predict_meta,
            predict_proba_meta=predict_proba_meta, transform_meta=transform_meta,
        )
        self.n_initial_parameters = n_initial_parameters
        self.decay_rate = decay_rate
        self.patience = patience
        self.tol = tol
        self.fits_per_score = fits_per_score
        self.max_iter = max_iter

    def _decay(self):
        return self.decay_rate

    def _models(self, rng):
        settings = self._sample(self.n_initial_parameters, int(rng.randint(2**31)))
        return [(self._model_id(i), p, {}) for i, p in enumerate(settings)]

    async def _policy(self, run, idents, patience):
        decay = self._decay()
        keep = None
        if decay is not None:
            n = len(idents)

            def keep(t):
                return inverse_decay_kept(n, t, decay)

        await run_fixed(
            run, idents, max_iter=self.max_iter, fits_per_score=self.fits_per_score,
            patience=patience, tol=self.tol, keep=keep,
        )

    def fit(self, X, y=None, **fit_params):
        if type(self) is IncrementalSearchCV and self.decay_rate is not None:
            warnings.warn(
                "IncrementalSearchCV(decay_rate=...) trains as InverseDecaySearchCV with "
                "that decay_rate; use InverseDecaySearchCV (decay_rate=None here trains "
                "every model to max_iter).",
                FutureWarning,
                stacklevel=2,
            )
        return super().fit(X, y, **fit_params)

    fit.__doc__ = BaseIncrementalSearchCV.fit.__doc__

    @property
    def metadata(self):
        """The models and ``partial_fit`` calls the search will make (without ``patience``).

        Returns
        -------
        dict
            ``{"n_models": ..., "partial_fit_calls": ...}``.
        """
        n = n_settings(self.parameters, self.n_initial_parameters)
        decay = self._decay()
        if decay is None:
            return {"n_models": n, "partial_fit_calls": n * self.max_iter}
        rounds = inverse_decay_rounds(n, self.max_iter, self.fits_per_score, decay)
        calls, previous = 0, 0
        for kept, c in rounds:
            calls += kept * (c - previous)
            previous = c
        return {"n_models": n, "partial_fit_calls": calls}


class InverseDecaySearchCV(IncrementalSearchCV):
    __doc__ = f"""Train many models with ``partial_fit``, keeping fewer and fewer of them.

    After round ``t`` (each round: ``fits_per_score`` calls and a score per kept model), the
    best ``max(1, floor(n_models / (1 + t) ** decay_rate))`` models go on, until
    ``max_iter`` calls.

    Parameters
    ----------{_COMMON_DOC}
    decay_rate : float, default=1.0
        How fast the number of models decays; 0 keeps all of them (IncrementalSearchCV).

    Attributes
    ----------{_ATTRIBUTES_DOC}"""

    _parameter_constraints: dict = {
        **IncrementalSearchCV._parameter_constraints,
        "decay_rate": [Interval(Real, 0, None, closed="left")],
    }
    _name = "inverse-decay-search"

    def __init__(
        self,
        estimator,
        parameters,
        n_initial_parameters=10,
        test_size=None,
        patience=False,
        tol=0.001,
        fits_per_score=1,
        max_iter=100,
        random_state=None,
        scoring=None,
        verbose=False,
        prefix="",
        decay_rate=1.0,
        predict_meta=None,
        predict_proba_meta=None,
        transform_meta=None,
    ):
        super().__init__(
            estimator, parameters, n_initial_parameters=n_initial_parameters,
            decay_rate=decay_rate, test_size=test_size, patience=patience, tol=tol,
            fits_per_score=fits_per_score, max_iter=max_iter, random_state=random_state,
            scoring=scoring, verbose=verbose, prefix=prefix, predict_meta=predict_meta,
            predict_proba_meta=predict_proba_meta, transform_meta=transform_meta,
        )
