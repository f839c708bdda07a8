"""IncrementalPCA: scikit-learn's incremental SVD, one batch (row block) at a time."""

from __future__ import annotations

import functools
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import randomized_svd

from .._graph import fold_blocks
from .._kernels.linalg import incremental_svd_update
from .._validation import (
    ensure_known_chunks,
    is_dask_collection,
    reject_nonfinite,
    warn_no_effect,
)
from ..utils import svd_flip
from ._base import BasePCA, flipped_svd, validate_input

__all__ = ["IncrementalPCA"]


def _randomized_batch_svd(n_components, n_iter, seed, A):
    U, S, Vt = randomized_svd(
        A, n_components, n_iter=n_iter, random_state=seed, flip_sign=False
    )
    U, Vt = svd_flip(U, Vt, u_based_decision=False)
    return U, S, Vt


def _check_batch(state, n_batch, n_features, n_components):
    """scikit-learn's errors for a batch the model cannot take (as its ``partial_fit``)."""
    if n_components is None:
        return
    if n_components > n_features:
        raise ValueError(
            f"n_components={n_components!r} invalid for n_features={n_features}, need more "
            "rows than columns for IncrementalPCA processing"
        )
    if state is None and n_components > n_batch:
        raise ValueError(
            f"n_components={n_components} must be less or equal to the batch number of "
            f"samples {n_batch} for the first partial_fit call."
        )


def _update(state, block, n_components, svd):
    """One batch folded into the state (runs where the block is, on a cluster)."""
    n_batch, n_features = block.shape
    if n_batch == 0:
        return state
    reject_nonfinite(block)
    _check_batch(state, n_batch, n_features, n_components)
    if n_components is None:
        k = min(n_batch, n_features) if state is None else state["components"].shape[0]
    else:
        k = n_components
    return incremental_svd_update(state, block, k, svd)


class IncrementalPCA(BasePCA):
    """Incremental principal component analysis, one batch of rows at a time.

    scikit-learn's :class:`sklearn.decomposition.IncrementalPCA`: each batch is centred on
    its own mean and stacked below the current ``singular_values_ * components_`` with one
    mean-correction row, and the SVD of that small stack gives the new components (Ross et
    al., 2008). On dask input **the row blocks are the batches** (``batch_size=None``), read
    one after the other with at most two blocks in memory; with an int ``batch_size`` the
    rows are re-blocked lazily into scikit-learn's batches (``gen_batches`` with a last
    short batch merged), so the result equals scikit-learn's ``fit`` on the same data. On a
    distributed Client each update runs on the worker holding its block.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; None: ``min(n_samples of the first batch, n_features)``.
    whiten : bool, default=False
        Scale the projected data to unit variance per component.
    copy : bool, default=True
        Kept for compatibility: dask_scale never modifies ``X``, so ``copy=False`` has no
        effect and warns.
    batch_size : int or None, default=None
        Rows per batch in :meth:`fit`. None: ``5 * n_features`` for in-memory input (as
        scikit-learn), the row blocks for dask input.
    svd_solver : {"auto", "full", "randomized"}, default="auto"
        SVD of each stack: ``"full"`` (LAPACK, scikit-learn's, also ``"auto"``) or
        ``"randomized"`` (:func:`sklearn.utils.extmath.randomized_svd`, dask-ml's option).
    iterated_power : int, default=0
        Power iterations of ``"randomized"``.
    random_state : int, RandomState instance or None, default=None
        Seed of ``"randomized"``.

    Attributes
    ----------
    components_ : ndarray of shape (`n_components_`, n_features)
    explained_variance_ : ndarray of shape (`n_components_`,)
    explained_variance_ratio_ : ndarray of shape (`n_components_`,)
    singular_values_ : ndarray of shape (`n_components_`,)
    mean_ : ndarray of shape (n_features,)
    var_ : ndarray of shape (n_features,)
    noise_variance_ : float
    n_components_ : int
    n_samples_seen_ : int
    batch_size_ : int or None
        Rows per batch of the last :meth:`fit` (None: the row blocks of dask input).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.decomposition import IncrementalPCA
    >>> X = da.random.default_rng(0).normal(size=(1000, 5), chunks=(250, 5))
    >>> IncrementalPCA(n_components=2).fit(X).n_samples_seen_
    1000
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "whiten": ["boolean"],
        "copy": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "svd_solver": [StrOptions({"auto", "full", "randomized"})],
        "iterated_power": [Interval(Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=None,
        *,
        whiten=False,
        copy=True,
        batch_size=None,
        svd_solver="auto",
        iterated_power=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.whiten = whiten
        self.copy = copy
        self.batch_size = batch_size
        self.svd_solver = svd_solver
        self.iterated_power = iterated_power
        self.random_state = random_state

    def _svd(self):
        if self.svd_solver == "randomized":
            if self.n_components is None:
                raise ValueError(
                    "IncrementalPCA(svd_solver='randomized') needs an int n_components."
                )
            seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
            return functools.partial(
                _randomized_batch_svd, self.n_components, self.iterated_power, seed
            )
        return flipped_svd

    def _warn_copy(self):
        if not self.copy:
            warn_no_effect(
                self, "copy", "X is never modified", value=self.copy, category=UserWarning,
                stacklevel=3,
            )

    def _reset(self):
        for attr in (
            "_state",
            "components_",
            "n_samples_seen_",
            "mean_",
            "var_",
            "singular_values_",
            "explained_variance_",
            "explained_variance_ratio_",
            "noise_variance_",
            "n_components_",
        ):
            if hasattr(self, attr):
                delattr(self, attr)

    def fit(self, X, y=None):
        """Fit the model batch after batch.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        self._warn_copy()
        self._reset()
        X, _ = validate_input(self, X, reset=True)
        n_features = X.shape[1]
        if is_dask_collection(X):
            self.batch_size_ = self.batch_size
            if self.batch_size is not None:
                X = ensure_known_chunks(X)
                sizes = [b.stop - b.start for b in self._batches(X.shape[0])]
                X = X.rechunk({0: tuple(sizes)})
            self._fold(X, None)
        else:
            self.batch_size_ = 5 * n_features if self.batch_size is None else self.batch_size
            svd = self._svd()
            state = None
            for batch in self._batches(X.shape[0]):
                state = _update(state, X[batch], self.n_components, svd)
            self._set_state(state, X.dtype)
        return self

    def _batches(self, n_samples):
        size = 5 * self._n_features_seen() if self.batch_size is None else self.batch_size
        return list(gen_batches(n_samples, size, min_batch_size=self.n_components or 0))

    def _n_features_seen(self):
        return self.n_features_in_

    def partial_fit(self, X, y=None):
        """Update the model with one batch (every row block of dask input, in order).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        first = not hasattr(self, "_state")
        if first:
            self._warn_copy()
        X, _ = validate_input(self, X, reset=first)
        state = None if first else self._state
        if is_dask_collection(X):
            self._fold(X, state)
        else:
            self._set_state(_update(state, X, self.n_components, self._svd()), X.dtype)
        return self

    def _fold(self, X, state):
        state = fold_blocks(
            _update, state, [X], params=(self.n_components, self._svd()), name="ipca"
        )
        self._set_state(state, X.dtype)

    def _set_state(self, state, dtype):
        if state is None:
            raise ValueError(
                f"Found array with 0 sample(s) (shape=(0, {self.n_features_in_})) while a "
                "minimum of 1 is required by IncrementalPCA."
            )
        self._state = state
        k = state["components"].shape[0]
        n = state["n"]
        count, shift, offset, m2 = state["moments"]
        S_all = state["all_singular_values"]
        var = m2 / count
        with np.errstate(divide="ignore", invalid="ignore"):
            explained = S_all**2 / (n - 1)
            ratio = S_all**2 / np.sum(var * n)
        self.n_components_ = k
        self.n_samples_seen_ = int(n)
        self.components_ = state["components"].astype(dtype)
        self.singular_values_ = state["singular_values"].astype(dtype)
        self.mean_ = (shift + offset).astype(dtype)
        self.var_ = var.astype(dtype)
        self.explained_variance_ = explained[:k].astype(dtype)
        self.explained_variance_ratio_ = ratio[:k].astype(dtype)
        if k not in (state["n_batch"], self.components_.shape[1]):
            if S_all.shape[0] == state["stack_rank"]:
                noise = explained[k:].mean()
            else:  # a randomized SVD: the discarded values from the stack's norm
                rest = state["stack_sq"] - np.sum(S_all[:k] ** 2)
                noise = max(rest, 0.0) / (n - 1) / (state["stack_rank"] - k)
            self.noise_variance_ = dtype.type(noise)
        else:
            self.noise_variance_ = dtype.type(0.0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
