"""HyperbandSearchCV: successive halving brackets of Li et al. (2016), side by side."""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ._adaptive import BaseIncrementalSearchCV, n_settings
from ._engine import run_async_halving, run_concurrently, run_halving
from ._incremental import _ATTRIBUTES_DOC
from ._schedules import halving_calls, hyperband_brackets
from ._successive_halving import halving_patience

__all__ = ["HyperbandSearchCV"]


class HyperbandSearchCV(BaseIncrementalSearchCV):
    __doc__ = f"""Hyperband (Li et al. 2016): successive halving brackets run side by side.

    With ``R = max_iter`` and ``eta = aggressiveness``, ``s_max`` is the largest ``s`` with
    ``eta**s <= R`` (an integer loop: ``max_iter=243`` gives 6 brackets, where
    ``math.log(243, 3) = 4.999...`` gives 5). Bracket ``s`` (``s_max, ..., 0``) samples
    ``n = ceil((s_max + 1) eta**s / (s + 1))`` settings and runs successive halving: rung
    ``k = 0..s`` trains the best ``floor(n / eta**k)`` models to ``floor(R eta**k / eta**s)``
    calls. ``max_iter=81`` gives 143 models and 1,581 ``partial_fit`` calls; ``max_iter=27``
    49 models and 357 calls (see :attr:`metadata`). All brackets train at once, sharing the
    workers; the best model over all of them wins.

    Parameters
    ----------
    estimator : estimator object
        An estimator with ``partial_fit``; cloned for every model.
    parameters : dict or list of dict
        Parameter names -> lists of values or scipy.stats distributions; each bracket
        samples its own settings. (A grid of lists smaller than a bracket is trained whole,
        with a warning, and ``metadata_`` then differs from ``metadata``.)
    max_iter : int, default=81
        ``R``: the most ``partial_fit`` calls of a model.
    aggressiveness : int, default=3
        ``eta``, the halving factor.
    patience : int or bool, default=False
        With patience, models are also scored every ``patience`` calls inside a rung, and a
        model whose best score did not improve by ``tol`` over its last ``patience`` calls
        stops there (it is not promoted). True: ``max_iter // aggressiveness``. False: off.
        ``metadata_`` then counts the calls actually made.
    tol : float, default=0.001
    test_size : float in (0, 1) or None, default=None
        Fraction of every row block held out (None: one block's share, 0.25 for one
        block).
    random_state : int, RandomState instance or None, default=None
    scoring : str, callable or None, default=None
    verbose : bool or int, default=False
    prefix : str, default=""
        Model ids are ``f"{{prefix}}bracket={{s}}-{{i}}"``.
    asynchronous : bool, default=False
        True: every bracket is asynchronous successive halving (ASHA; see
        :class:`SuccessiveHalvingSearchCV`).
    predict_meta, predict_proba_meta, transform_meta : default=None

    Attributes
    ----------{_ATTRIBUTES_DOC}"""

    _parameter_constraints: dict = {
        **BaseIncrementalSearchCV._parameter_constraints,
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "aggressiveness": [Interval(Integral, 2, None, closed="left")],
        "patience": [Interval(Integral, 0, None, closed="left"), "boolean"],
        "tol": [Real],
        "asynchronous": ["boolean"],
    }
    _name = "hyperband"

    def __init__(
        self,
        estimator,
        parameters,
        max_iter=81,
        aggressiveness=3,
        patience=False,
        tol=0.001,
        test_size=None,
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
        self.max_iter = max_iter
        self.aggressiveness = aggressiveness
        self.patience = patience
        self.tol = tol
        self.asynchronous = asynchronous

    def _patience_calls(self):
        return halving_patience(self, self.max_iter)

    def _brackets(self):
        return hyperband_brackets(self.max_iter, self.aggressiveness)

    def _models(self, rng):
        out = []
        for s, n, _ in self._brackets():
            settings = self._sample(n, int(rng.randint(2**31)))
            out.extend(
                (self._model_id(i, group=f"bracket={s}"), p, {"bracket": s})
                for i, p in enumerate(settings)
            )
        return out

    async def _policy(self, run, idents, patience):
        policy = run_async_halving if self.asynchronous else run_halving
        coroutines = []
        for s, _, rungs in self._brackets():
            ids = [i for i in idents if run.extra[i]["bracket"] == s]
            if len(ids) < rungs[0][0]:  # a small grid: halve what there is
                ids_n = len(ids)
                rungs = [(max(1, ids_n * m // rungs[0][0]), c) for m, c in rungs]
            coroutines.append(
                policy(run, ids, rungs=rungs, eta=self.aggressiveness, patience=patience,
                       tol=self.tol)
            )
        await run_concurrently(*coroutines)

    @property
    def metadata(self):
        """The models and ``partial_fit`` calls of the search, before it runs.

        Returns
        -------
        dict
            ``n_models``, ``partial_fit_calls`` and ``brackets``: one dict per bracket with
            ``bracket`` (``s``), ``n_models``, ``partial_fit_calls``, ``decisions`` (the
            calls of each rung) and ``SuccessiveHalvingSearchCV params`` (the equivalent
            successive halving search: ``n_initial_parameters``, ``n_initial_iter``,
            ``max_iter``, ``aggressiveness``). Equal to ``metadata_`` after a fit without
            ``patience`` (and with a parameter space as large as the brackets).
        """
        brackets = []
        for s, n, rungs in self._brackets():
            n_models = n_settings(self.parameters, n)
            if n_models < n:
                rungs = [(max(1, n_models * m // n), c) for m, c in rungs]
            brackets.append(
                {
                    "bracket": s,
                    "n_models": n_models,
                    "partial_fit_calls": halving_calls(rungs),
                    "decisions": [c for _, c in rungs],
                    "SuccessiveHalvingSearchCV params": {
                        "n_initial_parameters": n_models,
                        "n_initial_iter": rungs[0][1],
                        "max_iter": self.max_iter,
                        "aggressiveness": self.aggressiveness,
                    },
                }
            )
        return {
            "n_models": sum(b["n_models"] for b in brackets),
            "partial_fit_calls": sum(b["partial_fit_calls"] for b in brackets),
            "brackets": brackets,
        }

    def _metadata_of(self, run):
        brackets = []
        for s, _, _ in self._brackets():
            ids = [i for i in run.params if run.extra[i]["bracket"] == s]
            hist = [self.model_history_.get(i, []) for i in ids]
            decisions = sorted({r["partial_fit_calls"] for h in hist for r in h})
            brackets.append(
                {
                    "bracket": s,
                    "n_models": len(ids),
                    "partial_fit_calls": int(sum(run.calls[i] for i in ids)),
                    "decisions": decisions,
                    "SuccessiveHalvingSearchCV params": {
                        "n_initial_parameters": len(ids),
                        "n_initial_iter": decisions[0] if decisions else None,
                        "max_iter": self.max_iter,
                        "aggressiveness": self.aggressiveness,
                    },
                }
            )
        return {
            "n_models": sum(b["n_models"] for b in brackets),
            "partial_fit_calls": sum(b["partial_fit_calls"] for b in brackets),
            "brackets": brackets,
        }
