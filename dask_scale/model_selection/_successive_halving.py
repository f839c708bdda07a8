"""SuccessiveHalvingSearchCV: train many models briefly, keep the best, train them longer."""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ._adaptive import BaseIncrementalSearchCV, n_settings
from ._engine import run_async_halving, run_halving
from ._incremental import _ATTRIBUTES_DOC
from ._schedules import halving_calls, halving_rungs

__all__ = ["SuccessiveHalvingSearchCV"]


def halving_patience(search, max_iter):
    """``patience`` in calls: True is ``max_iter // aggressiveness`` (dask-ml's meaning)."""
    if search.patience is True:
        if max_iter is None:
            raise ValueError(
                f"{type(search).__name__}: patience=True means max_iter // aggressiveness "
                "and needs max_iter; give max_iter or a number of calls."
            )
        return max(1, max_iter // search.aggressiveness)
    return int(search.patience or 0)


class SuccessiveHalvingSearchCV(BaseIncrementalSearchCV):
    __doc__ = f"""Successive halving over models trained with ``partial_fit``.

    Rung ``k`` (0, 1, ...) trains the best ``max(1, n // aggressiveness**k)`` models (``n``:
    the number of settings) until each has had ``n_initial_iter * aggressiveness**k`` calls
    (at most ``max_iter``), scores them on the held-out set and keeps the best for the next
    rung; the search ends after the rung that trains one model or reaches ``max_iter``.
    A promoted model goes on training (it is not restarted).

    Parameters
    ----------
    estimator : estimator object
        An estimator with ``partial_fit``; cloned for every model.
    parameters : dict or list of dict
        Parameter names -> lists of values or scipy.stats distributions.
    n_initial_parameters : int or "grid", default=10
        Number of settings to start; ``"grid"``: every setting of the grid.
    n_initial_iter : int
        ``partial_fit`` calls of every model in the first rung. Required.
    max_iter : int or None, default=None
        Most ``partial_fit`` calls of a model; None: halve until one model is left.
    aggressiveness : int, default=3
        The halving factor (``eta``): a rung keeps ``1 / aggressiveness`` of the models and
        trains them ``aggressiveness`` times longer.
    test_size : float in (0, 1) or None, default=None
        Fraction of every row block held out (None: one block's share, 0.25 for one
        block).
    patience : int or bool, default=False
        With patience, models are also scored every ``patience`` calls inside a rung, and a
        model whose best score did not improve by ``tol`` over its last ``patience`` calls
        stops there (it is not promoted). True: ``max_iter // aggressiveness``. False: off.
    tol : float, default=0.001
    random_state : int, RandomState instance or None, default=None
    scoring : str, callable or None, default=None
    verbose : bool or int, default=False
    prefix : str, default=""
    asynchronous : bool, default=False
        True: asynchronous successive halving (ASHA, Li et al. 2018). A model is promoted
        as soon as it is among the best ``1 / aggressiveness`` of the models that finished
        its rung so far, without waiting for the rung to finish: no worker idles behind a
        straggler. Every rung promotes as many models as the synchronous schedule (the same
        ``metadata``), but which ones depends on the order the scores arrive, so results
        may differ from run to run.
    predict_meta, predict_proba_meta, transform_meta : default=None

    Attributes
    ----------{_ATTRIBUTES_DOC}"""

    _parameter_constraints: dict = {
        **BaseIncrementalSearchCV._parameter_constraints,
        "n_initial_parameters": [Interval(Integral, 1, None, closed="left"), StrOptions({"grid"})],
        "n_initial_iter": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "aggressiveness": [Interval(Integral, 2, None, closed="left")],
        "patience": [Interval(Integral, 0, None, closed="left"), "boolean"],
        "tol": [Real],
        "asynchronous": ["boolean"],
    }
    _name = "successive-halving"

    def __init__(
        self,
        estimator,
        parameters,
        n_initial_parameters=10,
        n_initial_iter=None,
        max_iter=None,
        aggressiveness=3,
        test_size=None,
        patience=False,
        tol=0.001,
        random_state=None,
        scoring=None,
        verbose=False,
        prefix="",
        asynchronous=False,
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
        self.n_initial_iter = n_initial_iter
        self.max_iter = max_iter
        self.aggressiveness = aggressiveness
        self.patience = patience
        self.tol = tol
        self.asynchronous = asynchronous

    def _patience_calls(self):
        if self.n_initial_iter is None:
            raise ValueError(
                "SuccessiveHalvingSearchCV needs n_initial_iter, the partial_fit calls of "
                "every model in the first rung (e.g. n_initial_iter=1)."
            )
        return halving_patience(self, self.max_iter)

    def _rungs(self, n):
        return halving_rungs(n, self.n_initial_iter, self.aggressiveness, self.max_iter)

    def _models(self, rng):
        settings = self._sample(self.n_initial_parameters, int(rng.randint(2**31)))
        return [(self._model_id(i), p, {}) for i, p in enumerate(settings)]

    async def _policy(self, run, idents, patience):
        policy = run_async_halving if self.asynchronous else run_halving
        await policy(
            run, idents, rungs=self._rungs(len(idents)), eta=self.aggressiveness,
            patience=patience, tol=self.tol,
        )

    @property
    def metadata(self):
        """The models and ``partial_fit`` calls the search will make (without ``patience``).

        Returns
        -------
        dict
            ``{"n_models", "partial_fit_calls", "rungs"}``; ``rungs`` lists
            ``(models, calls per model)``.
        """
        if self.n_initial_iter is None:
            self._patience_calls()  # the clear error
        n = n_settings(self.parameters, self.n_initial_parameters)
        rungs = self._rungs(n)
        return {"n_models": n, "partial_fit_calls": halving_calls(rungs), "rungs": rungs}

    def _metadata_of(self, run):
        out = super()._metadata_of(run)
        counts = {}
        for h in self.model_history_.values():
            for rec in h:
                counts[rec["partial_fit_calls"]] = counts.get(rec["partial_fit_calls"], 0) + 1
        out["rungs"] = sorted(counts.items(), key=lambda kv: kv[0])
        out["rungs"] = [(n, c) for c, n in out["rungs"]]
        return out
