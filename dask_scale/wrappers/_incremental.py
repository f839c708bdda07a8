"""Incremental: train an estimator with ``partial_fit`` block by block."""

from __future__ import annotations

import inspect
from numbers import Integral

import dask.array as da
import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets

from .._graph import count_row_blocks, fold_blocks
from .._validation import (
    dense_blocks_unless_accepted,
    ensure_known_chunks,
    frame_to_dask_array,
    is_dask_array,
    is_dask_collection,
    is_dask_frame,
    no_samples_error,
)
from ._blockwise import compute
from ._parallel_post_fit import ParallelPostFit

__all__ = ["Incremental"]

#: Row blocks read ahead of the one being fitted (see the class Notes).
PREFETCH = 1


def _n_rows(block):
    return block.shape[0]


def _partial_fit_block(acc, X, y, *rest):
    """One step of the fold: ``partial_fit`` on one row block (empty blocks are skipped).

    ``acc`` is ``(estimator, rows seen so far)``; the count tells an input whose blocks are
    all empty (unknown until read) from a real one.
    """
    estimator, seen = acc
    *row_values, row_names, fit_params = rest
    n = _n_rows(X)
    for name, value in (("y", y), *zip(row_names, row_values, strict=True)):
        if value is not None and _n_rows(value) != n:
            raise ValueError(
                f"A row block has {n} rows in X but {_n_rows(value)} in {name}: X, y and "
                "row-aligned fit parameters must be partitioned alike. Select them from the "
                "same DataFrame, rechunk them to X's chunks, or pass assume_equal_chunks=False "
                "to align them (one extra pass to count rows)."
            )
    if n == 0:
        return estimator, seen
    kwargs = {**fit_params, **dict(zip(row_names, row_values, strict=True))}
    if y is None:
        estimator.partial_fit(X, **kwargs)
    else:
        estimator.partial_fit(X, y, **kwargs)
    return estimator, seen + n


def _empty_error(wrapper, X):
    hint = "Every row block of X is empty (e.g. a filter kept no rows): nothing was trained."
    return no_samples_error(wrapper, (0, *X.shape[1:]), hint=hint)


def _distinct(part):
    return part.drop_duplicates()


def _known_row_chunks(coll):
    if is_dask_array(coll) and not any(np.isnan(c) for c in coll.chunks[0]):
        return tuple(int(c) for c in coll.chunks[0])
    return None


def _count_rows(coll):
    """Rows per block (one pass over the data when not known)."""
    known = _known_row_chunks(coll)
    if known is not None:
        return known
    if is_dask_array(coll):
        sizes = coll.map_blocks(
            lambda b: np.array([b.shape[0]]), chunks=((1,) * len(coll.chunks[0]),),
            drop_axis=list(range(1, coll.ndim)), dtype=np.int64,
        )
        (sizes,) = compute(sizes)
        return tuple(int(s) for s in sizes)
    (sizes,) = compute(coll.map_partitions(len))
    return tuple(int(s) for s in sizes)


def _as_row_array(coll):
    if is_dask_frame(coll):
        coll = frame_to_dask_array(coll)
    return coll


class Incremental(ParallelPostFit):
    """Meta-estimator: fit with ``partial_fit`` on one row block at a time.

    ``fit`` walks the row blocks (chunks of a dask array, partitions of a dask DataFrame)
    of X and y, calling the estimator's ``partial_fit`` on each, for ``epochs`` passes, with
    at most two row blocks in memory. Predicting and scoring are :class:`ParallelPostFit`'s
    (blockwise).

    Parameters
    ----------
    estimator : estimator object, default=None
        An estimator with ``partial_fit`` (e.g. ``SGDClassifier``, ``MiniBatchKMeans``,
        ``IncrementalPCA``, ``MultinomialNB``). Required: ``None`` raises a ValueError and
        an estimator without ``partial_fit`` a TypeError, at fit. It is cloned at ``fit``.
        An already fitted estimator can be wrapped to predict, transform and score block by
        block without ``fit``, as with :class:`ParallelPostFit`; ``fit`` and the first
        ``partial_fit`` still start from a clone (its training is not continued).
    scoring : str, callable or None, default=None
        How :meth:`score` scores; see :class:`ParallelPostFit`.
    shuffle_blocks : bool, default=True
        Visit the row blocks in a random order, drawn afresh for every epoch from
        ``random_state``. False visits them in order. (Rows inside a block are left to the
        estimator, e.g. ``SGDClassifier(shuffle=True)``.)
    random_state : int, RandomState instance or None, default=None
        Seeds the block orders: an int gives the same orders at every ``fit``.
    assume_equal_chunks : bool, default=True
        How X, y and row-aligned fit parameters are matched block to block. True: known
        chunk sizes that differ are aligned by rechunking y (metadata only), and blocks of
        unknown size (DataFrame partitions, filtered arrays) are assumed to hold the same
        rows when their numbers of blocks are equal; a mismatch raises when the block is
        read. False: unknown row counts are computed first (one extra pass over the data)
        and y is rechunked to X's blocks, so they may be partitioned differently.
    epochs : int, default=1
        Passes over the data in ``fit``.
    predict_meta, predict_proba_meta, transform_meta : default=None
        Output meta of the blockwise methods; see :class:`ParallelPostFit`.

    Attributes
    ----------
    estimator_ : estimator object
        The trained clone. Its fitted attributes are readable on the wrapper (``coef_``,
        ``classes_``, ``n_features_in_``...).

    Notes
    -----
    **Memory bound.** Each step computes the blocks of X, y and the row-aligned fit
    parameters for one row block together, in one submission, so work they share (reading
    the partition of the DataFrame they come from) runs once. While ``partial_fit`` runs on
    block ``i``, block ``i + 1`` is computed: at most **two** row blocks are materialised at
    any time, whatever the number of blocks, and nothing is read further ahead.

    **Where it runs.** On a local scheduler the blocks are computed by dask and
    ``partial_fit`` runs in the calling process. With a dask.distributed Client the data
    are not pulled to the client: step ``i`` is a task ``partial_fit(model_{i-1}, X_i, y_i)``
    on a worker, next to its blocks when the scheduler places it there; the model moves
    from worker to worker and only the final model comes back.

    **fit parameters.** ``classes`` and any other keyword go to every ``partial_fit`` call
    unchanged. ``sample_weight`` (any array-like) and any dask collection in the fit
    parameters are treated as one value per row of X and split into the same row blocks.
    When the estimator is a classifier whose ``partial_fit`` takes ``classes`` and ``fit``
    is called without it, the classes are computed from y first (one pass over y only);
    pass ``classes=`` to skip that pass. :meth:`partial_fit` does not infer them (as in
    scikit-learn, give them on the first call).

    **Blocks.** A dask array is split along its row chunks (its other axes merged into one
    block); a dask DataFrame along its partitions, passed to ``partial_fit`` as pandas
    objects. Zero-row blocks are skipped. NumPy or pandas input is one block: each epoch
    is one ``partial_fit`` call on the whole data.

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.linear_model import SGDClassifier
    >>> from dask_scale.wrappers import Incremental
    >>> X = da.random.default_rng(0).normal(size=(10_000, 4), chunks=1_000)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = Incremental(SGDClassifier(random_state=0), random_state=0, epochs=2)
    >>> clf = clf.fit(X, y, classes=[0, 1])
    >>> clf.coef_.shape
    (1, 4)
    """

    _parameter_constraints: dict = {
        **ParallelPostFit._parameter_constraints,
        "estimator": "no_validation",  # checked by _require_partial_fit, with a clearer message
        "shuffle_blocks": ["boolean"],
        "random_state": ["random_state"],
        "assume_equal_chunks": ["boolean"],
        "epochs": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        estimator=None,
        scoring=None,
        shuffle_blocks=True,
        random_state=None,
        assume_equal_chunks=True,
        epochs=1,
        predict_meta=None,
        predict_proba_meta=None,
        transform_meta=None,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            predict_meta=predict_meta,
            predict_proba_meta=predict_proba_meta,
            transform_meta=transform_meta,
        )
        self.shuffle_blocks = shuffle_blocks
        self.random_state = random_state
        self.assume_equal_chunks = assume_equal_chunks
        self.epochs = epochs

    def _require_partial_fit(self, y):
        self._require_estimator()
        if not callable(getattr(self.estimator, "partial_fit", None)):
            raise TypeError(
                f"Incremental needs an estimator with a partial_fit method; "
                f"{type(self.estimator).__name__} has none. Use an incremental estimator "
                "(e.g. SGDClassifier, SGDRegressor, MiniBatchKMeans, IncrementalPCA), or "
                "ParallelPostFit to fit this one in memory."
            )
        self._require_y(y)

    # -- input alignment -------------------------------------------------------------------

    def _align(self, X, value, name):
        """``value`` as a dask collection with X's row blocks (see ``assume_equal_chunks``)."""
        lx = _known_row_chunks(X)
        if not is_dask_collection(value):
            value = np.asarray(value)
            if lx is None:
                if self.assume_equal_chunks:
                    raise ValueError(
                        f"{name} is in memory but X's row blocks have unknown sizes, so their "
                        f"rows cannot be matched. Pass {name} as a dask array/Series "
                        "partitioned like X (e.g. from the same DataFrame), or pass "
                        "assume_equal_chunks=False to count X's rows first (one extra pass)."
                    )
                lx = _count_rows(X)
            if value.shape[0] != sum(lx):
                raise ValueError(
                    "Found input variables with inconsistent numbers of samples: "
                    f"[{sum(lx)}, {value.shape[0]}] (X, {name})"
                )
            return da.from_array(value, chunks=(lx,) + value.shape[1:])
        lv = _known_row_chunks(value)
        same_count = count_row_blocks([X]) == count_row_blocks([value])
        if lx is None or lv is None:
            if same_count and self.assume_equal_chunks:
                return value  # checked block by block when read
            if self.assume_equal_chunks:
                raise ValueError(
                    f"X and {name} have different numbers of row blocks "
                    f"({count_row_blocks([X])} vs {count_row_blocks([value])}) and unknown "
                    "sizes, so their rows cannot be matched. Partition them alike (e.g. select "
                    "both from the same DataFrame) or pass assume_equal_chunks=False to align "
                    "them (one extra pass to count rows)."
                )
            lx = lx or _count_rows(X)
            lv = lv or _count_rows(value)
        if sum(lx) != sum(lv):
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"[{sum(lx)}, {sum(lv)}] (X, {name})"
            )
        if lx == lv and same_count:
            return value
        value = _as_row_array(value)
        value = ensure_known_chunks(value)
        return value.rechunk({0: lx})

    def _prepare(self, X, y, fit_params):
        """Aligned (X, y, row-aligned values dict, other fit params dict)."""
        if is_dask_array(X) and X.ndim > 1 and any(len(c) > 1 for c in X.chunks[1:]):
            X = X.rechunk({ax: -1 for ax in range(1, X.ndim)})
        # sparse blocks as they are for an estimator that takes them, else dense per block
        X = dense_blocks_unless_accepted(X, self.estimator)
        if y is not None:
            y = self._align(X, y, "y")
        row_values, static = {}, {}
        for key, value in fit_params.items():
            if is_dask_collection(value) or (key == "sample_weight" and value is not None):
                row_values[key] = self._align(X, value, key)
            else:
                static[key] = value
        return X, y, row_values, static

    # -- fitting ---------------------------------------------------------------------------

    def _passes(self, estimator, X, y, fit_params, epochs):
        if not is_dask_collection(X):
            names = [k for k, v in fit_params.items() if is_dask_collection(v)]
            if is_dask_collection(y) or names:
                y, *values = compute(y, *[fit_params[k] for k in names])
                fit_params = {**fit_params, **dict(zip(names, values, strict=True))}
            for _ in range(epochs):
                if y is None:
                    estimator.partial_fit(X, **fit_params)
                else:
                    estimator.partial_fit(X, y, **fit_params)
            return estimator
        X, y, row_values, static = self._prepare(X, y, fit_params)
        arrays = [X, y, *row_values.values()]
        n_blocks = count_row_blocks(arrays)
        rng = check_random_state(self.random_state)
        order = np.concatenate(
            [rng.permutation(n_blocks) if self.shuffle_blocks else np.arange(n_blocks)
             for _ in range(epochs)]
        )
        if is_dask_array(X) and X.shape[0] == 0:
            raise _empty_error(self, X)
        estimator, seen = fold_blocks(
            _partial_fit_block,
            (estimator, 0),
            arrays,
            order,
            params=(tuple(row_values), static),
            prefetch=PREFETCH,
            name=f"partial_fit-{type(estimator).__name__}",
        )
        if seen == 0:
            raise _empty_error(self, X)
        return estimator

    def _with_classes(self, estimator, y, fit_params):
        """Add ``classes`` computed from y when a classifier's partial_fit needs them."""
        if y is None or "classes" in fit_params or not is_classifier(estimator):
            return fit_params
        if "classes" not in inspect.signature(estimator.partial_fit).parameters:
            return fit_params
        if getattr(y, "ndim", 1) > 1 and y.shape[1] != 1:
            return fit_params  # multi-output targets: classes must be given per output
        if is_dask_frame(y):
            # Per-partition distinct values, concatenated: no shuffle (Series.unique shuffles).
            column = y if y.ndim == 1 else y.iloc[:, 0]
            uniques = column.map_partitions(_distinct, meta=column._meta)
        elif is_dask_array(y):
            uniques = da.unique(y[:, 0]) if y.ndim > 1 else da.unique(y)
        else:
            uniques = np.asarray(y).reshape(-1)
        (uniques,) = compute(uniques)
        classes = np.unique(np.asarray(uniques))
        check_classification_targets(classes)
        return {**fit_params, "classes": classes}

    def fit(self, X, y=None, **fit_params):
        """Train a clone of the estimator with ``partial_fit`` over the row blocks.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame
            Training data, shape (n_samples, n_features).
        y : array-like, dask array/Series or None, default=None
            Targets, shape (n_samples,), partitioned like X when dask (see
            ``assume_equal_chunks``).
        **fit_params : dict
            Passed to every ``partial_fit`` call (``classes``...); ``sample_weight`` and dask
            collections are split by row block with X.

        Returns
        -------
        self : Incremental
        """
        self._validate_params()
        self._require_partial_fit(y)
        estimator = clone(self.estimator)
        fit_params = self._with_classes(estimator, y, fit_params)
        self.estimator_ = self._passes(estimator, X, y, fit_params, self.epochs)
        return self

    def partial_fit(self, X, y=None, **fit_params):
        """One pass of ``partial_fit`` over the row blocks of the given data.

        Continues training ``estimator_`` when the wrapper is fitted, else starts from a
        clone of ``estimator`` (an already fitted ``estimator`` is not continued: the clone
        starts afresh, as in dask-ml). The block order follows ``shuffle_blocks`` and
        ``random_state``; ``epochs`` is not used (one pass per call).

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame
            Shape (n_samples, n_features).
        y : array-like, dask array/Series or None, default=None
            Shape (n_samples,).
        **fit_params : dict
            Passed to every ``partial_fit`` call, as in :meth:`fit` (``classes`` is not
            inferred: give it on the first call when the estimator needs it).

        Returns
        -------
        self : Incremental
        """
        self._validate_params()
        self._require_partial_fit(y)
        estimator = self.__dict__.get("estimator_")
        if estimator is None:
            estimator = clone(self.estimator)
        self.estimator_ = self._passes(estimator, X, y, fit_params, 1)
        return self
