"""Train/test splits and cross-validation splitters for NumPy, pandas and dask input.

Sizes follow scikit-learn's rules on the same number of rows (a float ``test_size`` is
rounded up, a float ``train_size`` down, the other set is the complement), so every split
has scikit-learn's train and test sizes.

- :func:`train_test_split`: in-memory input is scikit-learn's own split. Dask input is split
  lazily: ``shuffle=False`` takes the first ``n_train`` rows as train and the next
  ``n_test`` as test, in order (scikit-learn's rows exactly); ``blockwise=False`` takes
  exactly scikit-learn's rows in scikit-learn's order (a permutation of all rows drawn on the
  driver from ``random_state``, then rows moved across blocks); ``blockwise=True`` (the
  default) splits and shuffles each row block on its own, with per-block train/test counts
  that add up exactly to scikit-learn's totals; ``stratify`` takes exactly the rows of
  scikit-learn's stratified split (grouped by source block when ``blockwise=True``).
- :class:`KFold`, :class:`StratifiedKFold`, :class:`ShuffleSplit`,
  :class:`StratifiedShuffleSplit`: scikit-learn's splitters (their very indices for the same
  number of rows and ``random_state``), accepting dask input: the number of rows is read from
  known chunks or computed once (:func:`dask_scale._graph.rows.row_block_lengths`), labels
  and groups a splitter needs are computed (one pass over them). ``ShuffleSplit`` on dask
  input with several row blocks and ``blockwise=True`` draws each split block by block.
- :func:`check_cv`, :func:`compute_n_splits`: scikit-learn's ``check_cv`` and a splitter's
  number of splits, for dask ``X``, ``y`` and ``groups``.

Folds of dask input as dask collections: :func:`dask_scale._graph.take_rows` (rows by
position, per row block, without gathering the input).
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np
import sklearn.model_selection as skms
from sklearn.utils import check_random_state

from .._graph.rows import (
    BlockPermutation,
    RowPlan,
    apply_plan,
    lengths_and_values,
    optimized_blocks,
    plan_from_indices,
    plan_from_range,
    row_block_lengths,
)
from .._types import is_dask_array, is_dask_collection, is_dask_frame
from .._validation import frame_to_dask_array, inconsistent_lengths_error

__all__ = [
    "KFold",
    "ShuffleSplit",
    "StratifiedKFold",
    "StratifiedShuffleSplit",
    "check_cv",
    "compute_n_splits",
    "train_test_split",
]

#: scikit-learn's default test share of train_test_split and of ShuffleSplit
_TTS_DEFAULT_TEST = 0.25
_SHUFFLE_DEFAULT_TEST = 0.1


# ------------------------------------------------------------------------------------------
# sizes
# ------------------------------------------------------------------------------------------


def _size_kind(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "other"
    if isinstance(value, numbers.Integral):
        return "i"
    if isinstance(value, numbers.Real):
        return "f"
    return "other"


def split_sizes(n_samples, test_size, train_size, default_test_size=_TTS_DEFAULT_TEST):
    """``(n_train, n_test)`` as scikit-learn gives them for ``n_samples`` rows.

    A float ``test_size`` gives ``ceil(test_size * n_samples)`` test rows, a float
    ``train_size`` ``floor(train_size * n_samples)`` train rows; an int is a number of rows;
    None is the complement of the other (``default_test_size`` when both are None).

    Raises
    ------
    ValueError
        With scikit-learn's messages: a size out of range, sizes that add up to more than
        the data, or an empty train set.
    """
    if test_size is None and train_size is None:
        test_size = default_test_size
    test_kind, train_kind = _size_kind(test_size), _size_kind(train_size)
    for label, value, kind in (("test", test_size, test_kind), ("train", train_size, train_kind)):
        if kind == "other":
            raise ValueError(
                f"Invalid value for {label}_size: {value!r} (an int number of rows, a float "
                "share in (0, 1), or None)."
            )
        if (kind == "i" and (value >= n_samples or value <= 0)) or (
            kind == "f" and (value <= 0 or value >= 1)
        ):
            raise ValueError(
                f"{label}_size={value} should be either positive and smaller than the number "
                f"of samples {n_samples} or a float in the (0, 1) range"
            )
    if test_kind == "f" and train_kind == "f" and train_size + test_size > 1:
        raise ValueError(
            f"The sum of test_size and train_size = {train_size + test_size}, should be in "
            "the (0, 1) range. Reduce test_size and/or train_size."
        )
    n_test = None
    n_train = None
    if test_kind == "f":
        n_test = math.ceil(test_size * n_samples)
    elif test_kind == "i":
        n_test = int(test_size)
    if train_kind == "f":
        n_train = math.floor(train_size * n_samples)
    elif train_kind == "i":
        n_train = int(train_size)
    if train_size is None:
        n_train = n_samples - n_test
    elif test_size is None:
        n_test = n_samples - n_train
    if n_train + n_test > n_samples:
        raise ValueError(
            f"The sum of train_size and test_size = {n_train + n_test}, should be smaller "
            f"than the number of samples {n_samples}. Reduce test_size and/or train_size."
        )
    if n_train == 0:
        raise ValueError(
            f"With n_samples={n_samples}, test_size={test_size} and train_size={train_size}, "
            "the resulting train set will be empty. Adjust any of the aforementioned "
            "parameters."
        )
    return int(n_train), int(n_test)


def _largest_remainder(total, weights):
    """Integers proportional to ``weights`` adding up to ``total`` (largest remainders get
    the extra units, ties to the earlier entry); entry ``i`` never exceeds ``weights[i]``
    when ``total <= sum(weights)``."""
    weights = np.asarray(weights, dtype=np.int64)
    whole = int(weights.sum())
    if whole == 0:
        return np.zeros_like(weights)
    exact = weights.astype(object) * int(total)  # exact integer products
    base = np.array([int(e // whole) for e in exact], dtype=np.int64)
    rem = np.array([int(e % whole) for e in exact], dtype=np.int64)
    extra = int(total) - int(base.sum())
    if extra:
        order = np.lexsort((np.arange(len(weights)), -rem))
        base[order[:extra]] += 1
    return base


def block_split_counts(lengths, n_train, n_test):
    """Per-block ``(train, test)`` row counts adding up exactly to ``n_train``, ``n_test``.

    Rows used (train + test) are shared among blocks in proportion to their lengths, then
    test rows among the used rows of each block in proportion (largest remainders), so no
    block gives more rows than it has.
    """
    used = _largest_remainder(n_train + n_test, lengths)
    test = _largest_remainder(n_test, used)
    return used - test, test


# ------------------------------------------------------------------------------------------
# train_test_split
# ------------------------------------------------------------------------------------------


def _placeholder(n):
    """An array with ``n`` rows and no memory, for scikit-learn splitters that only count."""
    return np.empty((int(n), 0), dtype=np.int8)


def _by_block(indices, lengths):
    """``indices`` stably grouped by the row block holding them (blocks in order)."""
    offsets = np.cumsum(lengths)
    blocks = np.searchsorted(offsets, indices, side="right")
    return indices[np.argsort(blocks, kind="stable")]


def _blockwise_plans(lengths, n_train, n_test, random_state):
    train_counts, test_counts = block_split_counts(lengths, n_train, n_test)
    rng = check_random_state(random_state)
    seeds = rng.randint(0, 2**32, size=len(lengths), dtype=np.uint64)
    train, test = [], []
    for b, (n_b, r_b, t_b) in enumerate(zip(lengths, train_counts, test_counts, strict=True)):
        seed, n_b, r_b, t_b = int(seeds[b]), int(n_b), int(r_b), int(t_b)
        # as scikit-learn's ShuffleSplit: the test rows first in the block's permutation
        if t_b:
            test.append((((b, BlockPermutation(seed, n_b, 0, t_b)),), None))
        if r_b:
            train.append((((b, BlockPermutation(seed, n_b, t_b, t_b + r_b)),), None))
    lengths = tuple(int(n) for n in lengths)
    return RowPlan(lengths, tuple(train)), RowPlan(lengths, tuple(test))


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def train_test_split(
    *arrays,
    test_size=None,
    train_size=None,
    random_state=None,
    shuffle=None,
    blockwise=True,
    stratify=None,
    convert_mixed_types=False,
    **options,
):
    """Split arrays or frames into random train and test subsets, lazily for dask input.

    scikit-learn's :func:`sklearn.model_selection.train_test_split`, for dask arrays (known
    or unknown chunk sizes), dask DataFrames and Series as well. All inputs are split at the
    same rows; each output is of its input's kind (dask in, lazy dask out; pandas keeps its
    index). The train and test sizes are scikit-learn's for the same number of rows.

    Parameters
    ----------
    *arrays : sequence of indexables with the same number of rows
        NumPy arrays, lists, scipy.sparse matrices, pandas objects, dask arrays, dask
        DataFrames and Series, in any mix. In-memory input only is scikit-learn's own split.
    test_size : float, int or None, default=None
        A float in (0, 1): the share of rows in the test set (rounded up); an int: the
        number of test rows; None: the complement of ``train_size``, or 0.25 if that is
        None too.
    train_size : float, int or None, default=None
        As ``test_size`` for the train set (a float share is rounded down); None: the
        complement of the test set.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. The same value gives the same split on any scheduler.
    shuffle : bool or None, default=None
        Whether to shuffle the rows before splitting; None means True (scikit-learn's
        default). With False the first ``n_train`` rows are the train set and the next
        ``n_test`` the test set, in their order.
    blockwise : bool, default=True
        For dask input with ``shuffle=True``: True shuffles and splits each row block on
        its own (no data moves between blocks; the per-block counts add up to
        scikit-learn's totals, shared among blocks in proportion to their lengths);
        False draws scikit-learn's permutation of all rows, so the train and test sets are
        exactly scikit-learn's rows, in its order, moved across blocks. In-memory input is
        a single block, for which both give scikit-learn's split.
    stratify : array-like, dask array or dask Series, or None, default=None
        Class labels: the split keeps their proportions, with exactly the rows
        scikit-learn's stratified split takes (the labels are computed, one pass over
        them). With ``blockwise=True`` each set's rows are grouped by their source row
        block (in scikit-learn's order within a block), so no data moves between blocks;
        with ``blockwise=False`` they are in scikit-learn's order.
    convert_mixed_types : bool, default=False
        When the inputs mix dask DataFrames/Series and dask arrays: convert the frames to
        dask arrays first (one row block per partition). Without it each output keeps its
        input's kind (the split is consistent either way).
    **options
        No other option exists; any given raises TypeError.

    Returns
    -------
    list, length=2 * len(arrays)
        ``[a_train, a_test, b_train, b_test, ...]``.

    Notes
    -----
    Nothing is computed for dask arrays with known chunk sizes (and ``stratify=None``).
    Dask DataFrames/Series and arrays of unknown chunk sizes have their row-block lengths
    computed first (one pass over them, all inputs together, remembered for later splits of
    the same collections); the outputs then have known sizes. Dask outputs have as many row
    blocks as their input (fewer where a block gives no rows to a set).

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.model_selection import train_test_split
    >>> X = da.arange(20, chunks=5).reshape(10, 2)
    >>> X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)
    >>> X_train.shape, X_test.shape
    ((7, 2), (3, 2))
    >>> X_train, X_test = train_test_split(X, test_size=0.3, shuffle=False)
    >>> X_test.compute()
    array([[14, 15],
           [16, 17],
           [18, 19]])
    """
    if options:
        raise TypeError(
            f"train_test_split got unexpected keyword arguments {sorted(options)}; it takes "
            "test_size, train_size, random_state, shuffle, blockwise, stratify and "
            "convert_mixed_types."
        )
    if not arrays:
        raise ValueError("At least one array required as input")
    shuffle = True if shuffle is None else _check_bool("shuffle", shuffle)
    blockwise = _check_bool("blockwise", blockwise)
    convert_mixed_types = _check_bool("convert_mixed_types", convert_mixed_types)
    if not shuffle and stratify is not None:
        raise ValueError("Stratified train/test split is not implemented for shuffle=False")
    if not any(is_dask_collection(a) for a in (*arrays, stratify)):
        return skms.train_test_split(
            *arrays,
            test_size=test_size,
            train_size=train_size,
            random_state=random_state,
            shuffle=shuffle,
            stratify=stratify,
        )
    arrays = list(arrays)
    if convert_mixed_types and any(is_dask_frame(a) for a in arrays) and any(
        is_dask_array(a) for a in arrays
    ):
        arrays = [frame_to_dask_array(a) if is_dask_frame(a) else a for a in arrays]
    for a in arrays:
        if a is None:
            raise TypeError("train_test_split got None among the arrays; pass array-likes.")
        if is_dask_array(a) and a.ndim == 0:
            raise TypeError(
                f"Singleton array {a!r} cannot be considered a valid collection: split arrays "
                "with at least one dimension."
            )
    # one submission: the lengths of inputs of unknown sizes and the labels (shared reads)
    all_lengths, (labels,) = lengths_and_values(arrays, [stratify])
    n_rows = [int(np.sum(lengths)) for lengths in all_lengths]
    if stratify is not None:
        n_rows.append(int(np.shape(labels)[0]) if np.ndim(labels) else len(labels))
    if len(set(n_rows)) > 1:
        raise inconsistent_lengths_error(n_rows)
    n = n_rows[0]
    # the block layout the split is drawn on: the first dask input's (else one block)
    ref = next(
        (lengths for a, lengths in zip(arrays, all_lengths, strict=True)
         if is_dask_collection(a)),
        np.array([n]),
    )
    n_train, n_test = split_sizes(n, test_size, train_size, _TTS_DEFAULT_TEST)
    if not shuffle:
        train_plan = plan_from_range(0, n_train, ref)
        test_plan = plan_from_range(n_train, n_train + n_test, ref)
    elif stratify is not None or not blockwise:
        if stratify is not None:
            splitter = skms.StratifiedShuffleSplit(
                test_size=n_test, train_size=n_train, random_state=random_state
            )
        else:
            splitter = skms.ShuffleSplit(
                test_size=n_test, train_size=n_train, random_state=random_state
            )
        train_idx, test_idx = next(splitter.split(_placeholder(n), labels))
        if blockwise:
            train_idx, test_idx = _by_block(train_idx, ref), _by_block(test_idx, ref)
        train_plan = plan_from_indices(train_idx, ref)
        test_plan = plan_from_indices(test_idx, ref)
    else:
        train_plan, test_plan = _blockwise_plans(ref, n_train, n_test, random_state)
    # the dask inputs optimised together: work they share upstream runs once
    lazy = [a for a in arrays if is_dask_collection(a)]
    shared = dict(zip(map(id, lazy), optimized_blocks(lazy), strict=True))
    return list(
        itertools.chain.from_iterable(
            (
                apply_plan(a, train_plan, name="train-rows", blocks=shared.get(id(a))),
                apply_plan(a, test_plan, name="test-rows", blocks=shared.get(id(a))),
            )
            for a in arrays
        )
    )


# ------------------------------------------------------------------------------------------
# splitters
# ------------------------------------------------------------------------------------------


def _counted(X, y=None, groups=None, *, need_y=False, need_groups=False):
    """``X``, ``y``, ``groups`` as scikit-learn's splitters can read them.

    A dask ``X`` becomes a placeholder with its number of rows (known chunks, else
    computed); dask ``y`` / ``groups`` are computed where the splitter reads them, and
    otherwise replaced by a placeholder of their length. What needs computing is computed
    in one submission (a partition that X and y both come from is read once).
    """
    inputs = [X, y, groups]
    needs = [False, need_y, need_groups]
    count = [i for i, v in enumerate(inputs) if is_dask_collection(v) and not needs[i]]
    fetch = [i for i, v in enumerate(inputs) if is_dask_collection(v) and needs[i]]
    lengths, values = lengths_and_values([inputs[i] for i in count], [inputs[i] for i in fetch])
    out = list(inputs)
    for i, lens in zip(count, lengths, strict=True):
        out[i] = _placeholder(int(np.sum(lens)))
    for i, value in zip(fetch, values, strict=True):
        out[i] = value
    return out


class KFold(skms.KFold):
    """K-fold cross-validator: scikit-learn's :class:`~sklearn.model_selection.KFold`, also
    for dask input.

    The folds are scikit-learn's for the same number of rows, ``shuffle`` and
    ``random_state`` (so a search with them matches scikit-learn's). For dask ``X`` the
    number of rows comes from its chunks (computed once when unknown); ``split`` yields
    NumPy index arrays, and :func:`dask_scale._graph.take_rows` gives a fold's rows of a
    dask collection lazily, block by block.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Whether to shuffle the rows before splitting them into folds.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle when ``shuffle`` is True.
    """

    def __init__(self, n_splits=5, shuffle=False, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def split(self, X, y=None, groups=None):
        """Yield ``(train, test)`` NumPy index arrays (sorted) for each fold.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : ignored, but its length must match (if given)
        groups : ignored, but its length must match (if given)
        """
        yield from super().split(*_counted(X, y, groups))


class StratifiedKFold(skms.StratifiedKFold):
    """Stratified K-fold: scikit-learn's
    :class:`~sklearn.model_selection.StratifiedKFold`, also for dask input.

    The folds are scikit-learn's for the same labels, ``shuffle`` and ``random_state``;
    dask labels ``y`` are computed (one pass over them), dask ``X`` is only counted.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2 (and at most the members of each class).
    shuffle : bool, default=False
        Whether to shuffle each class's rows before splitting them into folds.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle when ``shuffle`` is True.
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def split(self, X, y, groups=None):
        """Yield ``(train, test)`` NumPy index arrays (sorted) for each fold.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
            The class labels.
        groups : ignored, but its length must match (if given)
        """
        yield from super().split(*_counted(X, y, groups, need_y=True))


class ShuffleSplit(skms.ShuffleSplit):
    """Random permutation cross-validator: scikit-learn's
    :class:`~sklearn.model_selection.ShuffleSplit`, with dask-ml's ``blockwise`` option.

    In-memory input, and dask input with ``blockwise=False`` or a single row block, gets
    scikit-learn's very indices for the same ``random_state``. Dask input with several row
    blocks and ``blockwise=True`` is split block by block: each split permutes every row
    block on its own and takes from each its share of test and train rows, shares that add
    up exactly to scikit-learn's sizes (so each fold's rows of a block come from that block,
    and :func:`dask_scale._graph.take_rows` moves no data between blocks).

    Parameters
    ----------
    n_splits : int, default=10
        Number of re-shuffling and splitting iterations.
    test_size : float, int or None, default=None
        As in scikit-learn: a share (rounded up) or a number of rows; None is the
        complement of ``train_size``, or 0.1 when that is None too.
    train_size : float, int or None, default=None
        A share (rounded down) or a number of rows; None is the complement of the test set.
    blockwise : bool, default=True
        Whether dask input with several row blocks is split block by block (see above).
    random_state : int, RandomState instance or None, default=None
        Seeds the permutations.
    """

    def __init__(
        self, n_splits=10, test_size=None, train_size=None, blockwise=True, random_state=None
    ):
        super().__init__(
            n_splits=n_splits,
            test_size=test_size,
            train_size=train_size,
            random_state=random_state,
        )
        self.blockwise = blockwise

    def split(self, X, y=None, groups=None):
        """Yield ``(train, test)`` NumPy index arrays for each split.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : ignored, but its length must match (if given)
        groups : ignored, but its length must match (if given)
        """
        blockwise = _check_bool("blockwise", self.blockwise)
        if blockwise and is_dask_collection(X):
            (lengths,) = row_block_lengths(X)
            if len(lengths) > 1:
                _, y, groups = _counted(X, y, groups)
                yield from self._split_blocks(lengths, y, groups)
                return
        yield from super().split(*_counted(X, y, groups))

    def _split_blocks(self, lengths, y, groups):
        n = int(np.sum(lengths))
        for other in (y, groups):
            if other is not None and len(other) != n:
                raise inconsistent_lengths_error([n, len(other)])
        n_train, n_test = split_sizes(n, self.test_size, self.train_size, _SHUFFLE_DEFAULT_TEST)
        train_counts, test_counts = block_split_counts(lengths, n_train, n_test)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        rng = check_random_state(self.random_state)
        for _ in range(self.n_splits):
            train, test = [], []
            for b, (n_b, r_b, t_b) in enumerate(
                zip(lengths, train_counts, test_counts, strict=True)
            ):
                # one permutation per block, drawn in block order from one state: a single
                # block gives scikit-learn's own permutation
                perm = offsets[b] + rng.permutation(int(n_b))
                test.append(perm[:t_b])
                train.append(perm[t_b : t_b + r_b])
            yield np.concatenate(train), np.concatenate(test)


class StratifiedShuffleSplit(skms.StratifiedShuffleSplit):
    """Stratified random splits: scikit-learn's
    :class:`~sklearn.model_selection.StratifiedShuffleSplit`, also for dask input.

    The indices are scikit-learn's for the same labels and ``random_state``; dask labels
    ``y`` are computed (one pass over them), dask ``X`` is only counted.

    Parameters
    ----------
    n_splits : int, default=10
        Number of re-shuffling and splitting iterations.
    test_size : float, int or None, default=None
        A share (rounded up) or a number of rows; None is the complement of
        ``train_size``, or 0.1 when that is None too.
    train_size : float, int or None, default=None
        A share (rounded down) or a number of rows; None is the complement of the test set.
    random_state : int, RandomState instance or None, default=None
        Seeds the permutations.
    """

    def __init__(self, n_splits=10, *, test_size=None, train_size=None, random_state=None):
        super().__init__(
            n_splits=n_splits,
            test_size=test_size,
            train_size=train_size,
            random_state=random_state,
        )

    def split(self, X, y, groups=None):
        """Yield ``(train, test)`` NumPy index arrays for each split.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
            The class labels.
        groups : ignored, but its length must match (if given)
        """
        yield from super().split(*_counted(X, y, groups, need_y=True))


_OURS = {skms.KFold: KFold, skms.StratifiedKFold: StratifiedKFold}
_DASK_AWARE = (KFold, StratifiedKFold, ShuffleSplit, StratifiedShuffleSplit)


def cv_splits(cv, X, y=None, groups=None):
    """``cv.split(X, y, groups)`` for any splitter, with dask ``X``, ``y`` and ``groups``.

    The splitters of this module read dask input themselves (counting ``X``, computing only
    the labels they need). Any other splitter (scikit-learn's ``GroupKFold``,
    ``TimeSeriesSplit``, ``PredefinedSplit``, a user's own, an iterable wrapped by
    :func:`check_cv`) gets a placeholder with ``X``'s number of rows (from known chunks,
    else computed once) and the computed values of a dask ``y`` and ``groups``.

    Yields
    ------
    train, test : ndarray of int
        The indices of each split, as ``cv`` gives them.
    """
    if isinstance(cv, _DASK_AWARE):
        yield from cv.split(X, y, groups)
        return
    yield from cv.split(*_counted(X, y, groups, need_y=True, need_groups=True))


def check_cv(cv=5, y=None, classifier=False):
    """scikit-learn's :func:`~sklearn.model_selection.check_cv`, for dask ``y`` too.

    Parameters
    ----------
    cv : int, cross-validation generator, iterable of (train, test) or None, default=5
        An int (None: 5) gives :class:`StratifiedKFold` when ``classifier`` is true and
        ``y`` is binary or multiclass, else :class:`KFold` (both accept dask input). A
        splitter is returned as it is; an iterable of splits is wrapped as scikit-learn
        does.
    y : array-like, dask array or dask Series, or None, default=None
        The target; a dask ``y`` is computed (one pass over it) only to tell whether it is
        binary or multiclass (an int ``cv`` and ``classifier=True``).
    classifier : bool, default=False
        Whether the task is a classification.

    Returns
    -------
    A splitter with ``split`` and ``get_n_splits``.
    """
    cv = 5 if cv is None else cv
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        labels = lengths_and_values([], [y])[1][0] if classifier and y is not None else None
        checked = skms.check_cv(cv, labels, classifier=classifier)
        return _OURS[type(checked)](checked.n_splits)
    return skms.check_cv(cv, None, classifier=classifier)


def compute_n_splits(cv, X, y=None, groups=None):
    """The number of splits ``cv`` makes of ``X`` (``y``, ``groups``), dask input included.

    Splitters whose number of splits does not depend on the data (``KFold``,
    ``ShuffleSplit``, ...) compute nothing; others are given the number of rows of ``X``
    (from known chunks, else computed once) and the values of ``y`` and ``groups`` (dask
    ones computed).

    Parameters
    ----------
    cv : cross-validation splitter
        An object with ``get_n_splits``.
    X, y, groups : array-like, dask collection or None

    Returns
    -------
    n_splits : int
    """
    if not hasattr(cv, "get_n_splits"):
        raise TypeError(
            f"cv must be a cross-validation splitter with get_n_splits, got "
            f"{type(cv).__name__}; use check_cv(cv) to make one from an int or an iterable."
        )
    try:
        return int(cv.get_n_splits(None, None, None))
    except (TypeError, ValueError, AttributeError):
        pass
    X_, y_, groups_ = _counted(X, y, groups, need_y=True, need_groups=True)
    return int(cv.get_n_splits(X_, y_, groups_))
