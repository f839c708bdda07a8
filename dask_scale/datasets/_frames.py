"""Classification problems as dask DataFrames: dask-ml's ``make_classification_df`` (the
features of :func:`make_classification` as columns ``var*``, optional random dates) with
``random_date``, and ``make_mixed_classification_df`` (numeric and categorical columns)."""

from __future__ import annotations

import datetime
import inspect

import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ._classification import (
    _classification_block,
    _classification_params,
    _flip,
    _hypercube_vertices,
    _informative_block,
    make_classification,
)
from ._common import (
    _ALLOCATION_STREAM,
    _DATE_STREAM,
    _STRUCTURE_STREAM,
    _allocate,
    _apportion,
    _base_seed,
    _block_rng,
    _check_int,
    _check_real,
    _chunks,
    _class_weights,
    _Params,
    _single_column_block,
    _stream,
)


def _frame_rows(chunks, n_samples, n_columns):
    """Row-partition sizes of a generated DataFrame (dask's ``chunks`` forms, one column
    block, no empty partition: the divisions must increase)."""
    rows, columns = _chunks(chunks, n_samples, n_columns)
    _single_column_block(columns, chunks, "a DataFrame partition holds every column")
    _check_partitions(rows, chunks)
    return rows


def _check_partitions(rows, chunks):
    if 0 in rows:
        raise ValueError(
            f"chunks={chunks!r} gives empty row blocks {rows}; a generated DataFrame needs "
            "non-empty partitions (its divisions are the first row numbers)."
        )


def _divisions(rows):
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
    return starts, (*starts.tolist(), int(np.sum(rows)) - 1)


# --------------------------------------------------------------------------------------------
# random dates
# --------------------------------------------------------------------------------------------


def _date_span(start, end):
    """``(start as a nanosecond Timestamp, whole seconds from start to end, dates only)``.

    ``dates only`` when both ends are ``datetime.date`` but not ``datetime.datetime``: the
    drawn instants are then floored to the day (what ``date + timedelta`` gives).
    """
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime.date):
            raise TypeError(
                f"{name} must be a datetime.date or datetime.datetime (pandas.Timestamp "
                f"included), got {value!r} of type {type(value).__name__}."
            )
    day_only = not isinstance(start, datetime.datetime) and not isinstance(end, datetime.datetime)
    first, last = pd.Timestamp(start).as_unit("ns"), pd.Timestamp(end).as_unit("ns")
    seconds = int((last - first).total_seconds())
    if seconds < 1:
        raise ValueError(
            f"end must be at least one second after start, got start={start!r}, end={end!r}."
        )
    return first, seconds, day_only


def random_date(start, end, random_state=None):
    """A random date or time in ``[start, end)``, at a resolution of one second.

    As dask-ml's ``random_date``: ``start`` plus a whole number of seconds drawn uniformly
    below the number of whole seconds from ``start`` to ``end``. The result has the type
    ``start + timedelta`` has: a ``datetime.date`` for dates (the drawn instant floored to
    its day), a ``datetime.datetime`` (or ``pandas.Timestamp``) for times.

    Parameters
    ----------
    start : datetime.date or datetime.datetime
        First possible value.
    end : datetime.date or datetime.datetime
        End of the range (excluded); at least one second after ``start``.
    random_state : None, int or numpy.random.RandomState, default=None
        None draws from NumPy's global random state (as dask-ml does), an int seeds a new
        ``RandomState``.

    Returns
    -------
    datetime.date or datetime.datetime

    Examples
    --------
    >>> from datetime import date
    >>> from dask_scale.datasets import random_date
    >>> d = random_date(date(2020, 1, 1), date(2020, 2, 1), random_state=0)
    >>> date(2020, 1, 1) <= d < date(2020, 2, 1)
    True
    """
    _, seconds, _ = _date_span(start, end)
    offset = int(check_random_state(random_state).randint(seconds))
    return start + datetime.timedelta(seconds=offset)


def _random_dates(rng, n, first, seconds, day_only):
    """``n`` instants as :func:`random_date` draws them, as ``datetime64[ns]`` values."""
    values = first.to_datetime64() + rng.integers(0, seconds, size=n) * np.timedelta64(1, "s")
    if day_only:
        values = values.astype("datetime64[D]").astype("datetime64[ns]")
    return values


# --------------------------------------------------------------------------------------------
# make_classification_df (dask-ml's)
# --------------------------------------------------------------------------------------------


def _classification_frame_partition(block_index, start, p, names, dates):
    # (not ``columns``: dd.from_map passes a column projection to a function taking that)
    X, y = _classification_block(p, block_index)
    frame = pd.DataFrame(X, columns=names, index=pd.RangeIndex(start, start + len(y)), copy=False)
    extra = {}
    if dates is not None:
        rng = _stream(p.base_seed, _DATE_STREAM, block_index)
        extra["date"] = _random_dates(rng, len(y), *dates)
    extra["target"] = y
    return frame.assign(**extra)


# make_classification's arguments that make_classification_df sets itself
_SET_BY_CLASSIFICATION_DF = ("n_samples", "weights", "flip_y", "random_state", "chunks")


def make_classification_df(
    n_samples=10000,
    response_rate=0.5,
    predictability=0.1,
    random_state=None,
    chunks=None,
    dates=None,
    **kwargs,
):
    """Generate :func:`make_classification`'s problem as a dask DataFrame, as dask-ml does.

    ``X`` holds the features of :func:`make_classification` as float64 columns ``var0``,
    ``var1``, … and, when ``dates`` is given, a ``date`` column of random instants; ``y``
    is the label Series named ``"target"``. The classes have the proportions
    ``[1 - response_rate, response_rate]`` and a fraction ``1 - predictability`` of the
    labels is replaced by a uniformly random class (``flip_y``). With equal arguments the
    values are those of ``make_classification(n_samples, weights=[1 - response_rate,
    response_rate], flip_y=1 - predictability, random_state=random_state, chunks=chunks,
    **kwargs)``.

    The index holds the global row numbers (0 to ``n_samples - 1``) and the divisions are
    known. Each partition is generated from its own random streams (the dates from one of
    their own), so the data are reproducible whatever the scheduler and never materialised
    as a whole; they depend on ``chunks``. For a problem with categorical columns see
    :func:`make_mixed_classification_df`.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of rows.
    response_rate : float in [0, 1], default=0.5
        Proportion of the positive class (class 1) of a binary problem. With
        ``n_classes > 2`` (in ``kwargs``) leave it at 0.5 (balanced classes) or pass
        ``weights`` instead; with ``weights`` in ``kwargs`` it must stay 0.5.
    predictability : float in [0, 1], default=0.1
        How easy the labels are to predict, 1.0 being the easiest: the label of a row is
        replaced by a uniformly random class with probability ``1 - predictability``.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple, "auto", dict or None, default=None
        Rows per partition, in the forms :func:`make_classification` accepts (an int, a
        tuple such as ``(1000, -1)`` or ``((600, 400),)``, ``"auto"``, a dict, None for
        partitions of 100_000 rows), except that the columns cannot be split (a partition
        holds every column) and no partition can be empty.
    dates : tuple (start, end) of datetime.date or datetime.datetime, or None, default=None
        Add a ``date`` column (``datetime64[ns]``) of instants drawn independently and
        uniformly, as :func:`random_date` draws them, in ``[start, end)``: whole seconds
        after ``start``, floored to the day when ``start`` and ``end`` are dates.
    **kwargs
        Other arguments of :func:`make_classification` (``n_features``, ``n_informative``,
        ``n_classes``, ``class_sep``, …). ``flip_y`` is set by ``predictability``.

    Returns
    -------
    X : dask DataFrame of shape (n_samples, n_features) or (n_samples, n_features + 1)
        Float64 columns ``var0`` … ``var{n_features - 1}``, then ``date`` when ``dates`` is
        given.
    y : dask Series of shape (n_samples,), int64
        The labels, named ``"target"``, with the same index and divisions as ``X``.

    Examples
    --------
    >>> from datetime import date
    >>> from dask_scale.datasets import make_classification_df
    >>> X, y = make_classification_df(n_samples=1000, n_features=4, chunks=250,
    ...                               dates=(date(2020, 1, 1), date(2021, 1, 1)),
    ...                               random_state=0)
    >>> list(X.columns), y.name
    (['var0', 'var1', 'var2', 'var3', 'date'], 'target')
    >>> X.divisions
    (0, 250, 500, 750, 999)
    """
    if "flip_y" in kwargs:
        raise TypeError(
            "make_classification_df() sets flip_y from predictability "
            "(flip_y = 1 - predictability); pass predictability instead."
        )
    response_rate = _check_real("response_rate", response_rate, low=0.0, high=1.0)
    predictability = _check_real("predictability", predictability, low=0.0, high=1.0)
    n_classes = kwargs.get("n_classes", 2)
    weights = kwargs.pop("weights", None)
    if weights is not None:
        if response_rate != 0.5:
            raise ValueError(
                "Pass either weights or response_rate to make_classification_df, not both."
            )
    elif n_classes == 2:
        weights = [1.0 - response_rate, response_rate]
    elif response_rate != 0.5:
        raise ValueError(
            f"response_rate is the positive-class share of a binary problem, but "
            f"n_classes={n_classes}; pass weights (one proportion per class) instead."
        )
    if dates is not None:
        if not isinstance(dates, (tuple, list)) or len(dates) != 2:
            raise ValueError(f"dates must be a (start, end) pair, got {dates!r}.")
        dates = _date_span(*dates)
    # make_classification's own defaults for the arguments passed through
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(make_classification).parameters.items()
        if name not in _SET_BY_CLASSIFICATION_DF
    }
    unknown = sorted(set(kwargs) - set(defaults))
    if unknown:
        raise TypeError(
            f"make_classification_df() got unexpected keyword argument(s) {unknown}; the "
            f"keyword arguments passed to make_classification are {sorted(defaults)} and "
            "weights."
        )
    params = _classification_params(
        n_samples=n_samples,
        weights=weights,
        flip_y=1.0 - predictability,
        random_state=random_state,
        chunks=chunks,
        **(defaults | kwargs),
    )
    _single_column_block(params.column_chunks, chunks, "a DataFrame partition holds every column")
    _check_partitions(params.rows, chunks)
    columns = [f"var{j}" for j in range(params.n_features)]
    starts, divisions = _divisions(params.rows)
    meta = pd.DataFrame(
        {c: np.empty(0) for c in columns}
        | ({"date": np.empty(0, dtype="datetime64[ns]")} if dates is not None else {})
        | {"target": np.empty(0, dtype=np.int64)},
        index=pd.RangeIndex(0),
    )
    frame = dd.from_map(
        _classification_frame_partition,
        range(len(params.rows)),
        starts.tolist(),
        args=(params, columns),
        dates=dates,
        meta=meta,
        divisions=divisions,
        label="make_classification_df",
        enforce_metadata=False,
    )
    return frame[[*columns, *(["date"] if dates is not None else [])]], frame["target"]


# --------------------------------------------------------------------------------------------
# make_mixed_classification_df
# --------------------------------------------------------------------------------------------


def _category_dtype(n_categories):
    return pd.CategoricalDtype([f"c{j}" for j in range(n_categories)])


def _mixed_partition(block_index, p):
    rng = _block_rng(p, block_index)
    counts = p.table[block_index]
    start = p.starts[block_index]
    n = int(counts.sum())
    n_inf = p.centroids.shape[1]
    numeric = np.empty((n, p.n_numeric))
    numeric[:, :n_inf], label = _informative_block(rng, counts, p.centroids, None)
    if p.n_numeric > n_inf:
        numeric[:, n_inf:] = rng.standard_normal((n, p.n_numeric - n_inf))
    # categorical codes drawn from the class's own distribution over the categories: the
    # code is the number of cumulative probabilities (of the row's class) <= a uniform draw
    # (a binary search per class: the cumulative probabilities are sorted)
    n_categorical, n_classes, n_categories = p.category_cdf.shape
    codes = np.empty((n_categorical, n), dtype=np.int8 if n_categories <= 127 else np.int32)
    draws = rng.random((n_categorical, n))
    for j in range(n_categorical):
        for c in range(n_classes):
            rows = label == c
            codes[j, rows] = np.searchsorted(p.category_cdf[j, c], draws[j, rows], side="right")
    y = _flip(rng, label, 1.0 - p.predictability, p.n_classes)
    order = rng.permutation(n)
    dtype = _category_dtype(n_categories)
    # the numeric columns as one 2-D block (rows gathered once, no per-column copies)
    frame = pd.DataFrame(
        numeric[order],
        columns=[f"num_{j}" for j in range(p.n_numeric)],
        index=pd.RangeIndex(start, start + n),
        copy=False,
    )
    extra = {
        f"cat_{j}": pd.Categorical.from_codes(codes[j][order], dtype=dtype)
        for j in range(n_categorical)
    }
    extra["target"] = y[order]
    return frame.assign(**extra)


def make_mixed_classification_df(
    n_samples=10000,
    n_features=5,
    n_informative=2,
    n_classes=2,
    n_categorical=2,
    n_categories=4,
    weights=None,
    response_rate=None,
    predictability=0.9,
    class_sep=1.0,
    random_state=None,
    chunks=None,
):
    """Generate a classification problem with numeric and categorical columns, as a dask
    DataFrame.

    The model:

    - Each row first gets a true class, with exact class sizes from ``weights`` (or
      ``response_rate``); rows are in a uniformly random order.
    - Numeric columns ``num_0`` … ``num_{n_features - 1}``: the first ``n_informative`` are
      normally distributed (standard deviation 1) around a class centroid, the centroids
      being distinct random vertices of the hypercube ``{-class_sep, class_sep}**n_informative``;
      the others are standard normal noise.
    - Categorical columns ``cat_0`` … ``cat_{n_categorical - 1}`` (pandas ``category``
      dtype with the categories ``"c0"`` … ``"c{n_categories - 1}"`` known and identical in
      every partition): for every column and class, a probability vector over the
      categories is drawn once from a flat Dirichlet distribution; each row's category is
      drawn from the vector of its true class, so categories carry information about the
      class.
    - The label equals the true class with probability ``predictability``; otherwise it is
      a uniformly random class.

    The index holds the global row numbers (0 to ``n_samples - 1``) and the divisions are
    known. Each partition is generated from its own random stream, so the data are
    reproducible whatever the scheduler and never materialised as a whole; they depend on
    ``chunks``. (dask-ml's ``make_classification_df``, the features of
    :func:`make_classification` as columns ``var*``, is :func:`make_classification_df`.)

    Parameters
    ----------
    n_samples : int, default=10000
        Number of rows.
    n_features : int, default=5
        Number of numeric columns.
    n_informative : int, default=2
        Number of informative numeric columns (1 to ``n_features``);
        ``n_classes <= 2 ** n_informative``.
    n_classes : int, default=2
        Number of classes.
    n_categorical : int, default=2
        Number of categorical columns (may be 0).
    n_categories : int, default=4
        Number of categories of each categorical column (at least 2).
    weights : array-like of shape (n_classes,) or (n_classes - 1,) or None, default=None
        Proportion of rows of each class, as in :func:`make_classification`. None means
        balanced classes.
    response_rate : float in (0, 1) or None, default=None
        Binary problems only: the proportion of the positive class, a shorthand for
        ``weights=[1 - response_rate, response_rate]``. Cannot be combined with ``weights``.
    predictability : float in [0, 1], default=0.9
        Probability that a label is the true class; the others are uniformly random
        (``1 - predictability`` plays the role of ``flip_y``). 1.0 is the easiest problem,
        0.0 makes the labels independent of the features.
    class_sep : float, default=1.0
        Half the distance between class centroids along each informative column.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple, "auto", dict or None, default=None
        Rows per partition, in the forms :func:`make_classification` accepts (an int, a
        tuple such as ``(1000, -1)`` or ``((600, 400),)``, ``"auto"``, a dict, None for
        partitions of 100_000 rows), except that the columns cannot be split (a partition
        holds every column) and no partition can be empty.

    Returns
    -------
    X : dask DataFrame of shape (n_samples, n_features + n_categorical)
        Float64 columns ``num_*`` then categorical columns ``cat_*``.
    y : dask Series of shape (n_samples,), int64
        The labels, named ``"target"``, with the same index and divisions as ``X``.

    Examples
    --------
    >>> from dask_scale.datasets import make_mixed_classification_df
    >>> X, y = make_mixed_classification_df(n_samples=1000, random_state=0, chunks=250)
    >>> list(X.columns)
    ['num_0', 'num_1', 'num_2', 'num_3', 'num_4', 'cat_0', 'cat_1']
    >>> X.divisions
    (0, 250, 500, 750, 999)
    >>> X.dtypes["cat_0"]
    CategoricalDtype(categories=['c0', 'c1', 'c2', 'c3'], ordered=False, categories_dtype=str)
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1, high=n_features)
    n_classes = _check_int("n_classes", n_classes, low=1)
    if n_classes > 2**n_informative:
        raise ValueError(
            f"n_classes={n_classes} must be smaller than or equal to 2**n_informative = "
            f"{2**n_informative}; increase n_informative."
        )
    n_categorical = _check_int("n_categorical", n_categorical, low=0)
    n_categories = _check_int("n_categories", n_categories, low=2)
    if response_rate is not None:
        if weights is not None:
            raise ValueError("Pass either weights or response_rate, not both.")
        if n_classes != 2:
            raise ValueError(
                f"response_rate is for binary problems but n_classes={n_classes}; use weights."
            )
        response_rate = _check_real("response_rate", response_rate, low=0.0, low_open=True)
        if response_rate >= 1.0:
            raise ValueError(f"response_rate must be < 1, got {response_rate}.")
        weights = [1.0 - response_rate, response_rate]
    class_weights = _class_weights(weights, n_classes)
    predictability = _check_real("predictability", predictability, low=0.0, high=1.0)
    class_sep = _check_real("class_sep", class_sep, low=0.0)
    rows = _frame_rows(chunks, n_samples, n_features + n_categorical)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    centroids = class_sep * _hypercube_vertices(rng, n_classes, n_informative)
    probabilities = rng.dirichlet(np.ones(n_categories), size=(n_categorical, n_classes))
    category_cdf = np.cumsum(probabilities, axis=2)
    category_cdf[:, :, -1] = np.inf  # guard against rounding: the last category closes at 1
    table = _allocate(
        _apportion(n_samples, class_weights), rows, True, _stream(base, _ALLOCATION_STREAM)
    )
    starts, divisions = _divisions(rows)
    params = _Params(
        "make_mixed_classification_df",
        base_seed=base,
        n_numeric=n_features,
        n_classes=n_classes,
        centroids=centroids,
        category_cdf=category_cdf,
        predictability=predictability,
        table=table,
        starts=starts,
    )
    columns = [f"num_{j}" for j in range(n_features)] + [f"cat_{j}" for j in range(n_categorical)]
    category_dtype = _category_dtype(n_categories)
    meta = pd.DataFrame(
        {c: np.empty(0) for c in columns[:n_features]}
        | {c: pd.Categorical.from_codes([], dtype=category_dtype) for c in columns[n_features:]}
        | {"target": np.empty(0, dtype=np.int64)},
        index=pd.RangeIndex(0),
    )
    frame = dd.from_map(
        _mixed_partition,
        range(len(rows)),
        args=(params,),
        meta=meta,
        divisions=divisions,
        label="make_mixed_classification_df",
        enforce_metadata=False,
    )
    return frame[columns], frame["target"]
