"""Tests of dask_scale.datasets: lazy, chunked, reproducible generators."""

from __future__ import annotations

import datetime
import hashlib
import math

import dask
import dask.array as da
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import gammaln
from sklearn import datasets as sk_datasets
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.model_selection import train_test_split

from dask_scale import datasets
from dask_scale.datasets import (
    make_blobs,
    make_classification,
    make_classification_df,
    make_counts,
    make_mixed_classification_df,
    make_regression,
    random_date,
)
from dask_scale.datasets._common import _allocate

# Small calls of every array generator: (function, kwargs, n_features of X, y ndim, y dtype).
ARRAY_CASES = {
    "blobs": (make_blobs, dict(n_samples=103, n_features=3, centers=4), 3, 1, np.int64),
    "classification": (
        make_classification,
        dict(
            n_samples=103, n_features=7, n_informative=3, n_redundant=1, n_repeated=1, n_classes=3
        ),
        7,
        1,
        np.int64,
    ),
    "regression": (
        make_regression,
        dict(n_samples=103, n_features=6, n_informative=3),
        6,
        1,
        np.float64,
    ),
    "regression_multi": (
        make_regression,
        dict(n_samples=103, n_features=6, n_informative=3, n_targets=2),
        6,
        2,
        np.float64,
    ),
    "regression_low_rank": (
        make_regression,
        dict(n_samples=103, n_features=6, n_informative=3, effective_rank=2, tail_strength=0.2),
        6,
        1,
        np.float64,
    ),
    "counts": (make_counts, dict(n_samples=103, n_features=5, n_informative=2), 5, 1, np.int64),
}

DATES = (datetime.date(2020, 1, 1), datetime.date(2020, 3, 1))

# Small calls of the DataFrame generators: (function, kwargs, columns of X).
FRAME_CASES = {
    "classification_df": (
        make_classification_df,
        dict(n_samples=103, n_features=3, dates=DATES),
        ["var0", "var1", "var2", "date"],
    ),
    "mixed_classification_df": (
        make_mixed_classification_df,
        dict(n_samples=103, n_features=3),
        ["num_0", "num_1", "num_2", "cat_0", "cat_1"],
    ),
}


def _call(name, **extra):
    func, kwargs, *_ = ARRAY_CASES[name]
    return func(**{**kwargs, **extra})


# ---------------------------------------------------------------------------------------------
# shapes, dtypes, chunks
# ---------------------------------------------------------------------------------------------


def test_all_is_sorted_and_complete():
    assert datasets.__all__ == sorted(datasets.__all__)
    assert set(datasets.__all__) == {
        "make_blobs",
        "make_classification",
        "make_classification_df",
        "make_counts",
        "make_mixed_classification_df",
        "make_regression",
        "random_date",
    }


# chunks forms (dask's convention) and the row blocks they give for 103 rows; the columns
# stay one block
CHUNK_FORMS = [
    (30, (30, 30, 30, 13)),  # an int: rows per block
    ((30, -1), (30, 30, 30, 13)),  # one entry per dimension, -1: the whole dimension
    ((30, None), (30, 30, 30, 13)),
    ((30, 1000), (30, 30, 30, 13)),  # a column block larger than n_features: one block
    (((50, 3, 50),), (50, 3, 50)),  # explicit row blocks, columns whole
    (((50, 3, 50), -1), (50, 3, 50)),
    ((50,), (50, 50, 3)),  # a missing column entry: one column block
    ({0: 40}, (40, 40, 23)),  # a dict: axis -> chunks
    ({0: 40, 1: -1}, (40, 40, 23)),
    ("auto", (103,)),  # dask's choice (128 MiB blocks by default)
    (None, (103,)),  # blocks of 100_000 rows
    (1000, (103,)),
    (-1, (103,)),
]


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
@pytest.mark.parametrize("chunks, expected", CHUNK_FORMS)
def test_shapes_dtypes_chunks(name, chunks, expected):
    func, kwargs, n_features, y_ndim, y_dtype = ARRAY_CASES[name]
    X, y = func(**kwargs, random_state=0, chunks=chunks)
    assert isinstance(X, da.Array) and isinstance(y, da.Array)
    assert X.shape == (103, n_features) and X.dtype == np.float64
    assert X.chunks == (expected, (n_features,))
    assert y.ndim == y_ndim and y.dtype == y_dtype
    assert y.chunks[0] == expected
    Xc, yc = dask.compute(X, y)
    # computed blocks agree with the declared metadata
    assert Xc.shape == X.shape and Xc.dtype == X.dtype and Xc.flags.c_contiguous
    assert yc.shape == y.shape and yc.dtype == y.dtype
    assert np.isfinite(Xc).all()


def test_issue_example_chunks_rows_and_columns():
    # dask-ml's most common call: (rows per block, all the columns)
    X, y = make_classification(n_samples=100, chunks=(10, 20), random_state=0)
    assert X.chunks == ((10,) * 10, (20,)) and y.chunks == ((10,) * 10,)
    # a tuple of row-block sizes gives the same row blocks as its dask spelling
    X1, _ = make_blobs(n_samples=10, n_features=2, random_state=0, chunks=((4, 6), (2,)))
    X2, _ = make_blobs(n_samples=10, n_features=2, random_state=0, chunks=((4, 6),))
    assert X1.chunks == X2.chunks == ((4, 6), (2,))
    np.testing.assert_array_equal(X1.compute(), X2.compute())
    # (4, 6) is (rows, columns) now: blocks of 4 rows, the 2 columns whole
    X3, _ = make_blobs(n_samples=10, n_features=2, random_state=0, chunks=(4, 6))
    assert X3.chunks == ((4, 4, 2), (2,))


def _sizes(total, width):
    full, rest = divmod(total, width)
    return (width,) * full + ((rest,) if rest else ())


# column-splitting chunks for n_features columns: (chunks, row blocks, column blocks)
COLUMN_SPLITS = {
    "int columns": lambda d: ((30, 2), (30, 30, 30, 13), _sizes(d, 2)),
    "explicit": lambda d: (((50, 53), (1, d - 1)), (50, 53), (1, d - 1)),
    "dict": lambda d: ({0: 50, 1: 4}, (50, 50, 3), _sizes(d, 4)),
}


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
@pytest.mark.parametrize("split", sorted(COLUMN_SPLITS))
def test_column_blocks_split_the_features(name, split):
    # documented: column blocks are supported; the values depend on the row blocks only
    func, kwargs, n_features, _, _ = ARRAY_CASES[name]
    chunks, rows, columns = COLUMN_SPLITS[split](n_features)
    X, y = func(**kwargs, random_state=0, chunks=chunks)
    assert X.chunks == (rows, columns)
    assert y.chunks[0] == rows and (y.ndim == 1 or y.chunks[1] == (y.shape[1],))
    X_whole, y_whole = func(**kwargs, random_state=0, chunks=(rows,))
    assert X_whole.chunks == (rows, (n_features,))
    Xc, yc = dask.compute(X, y)
    np.testing.assert_array_equal(Xc, X_whole.compute())
    np.testing.assert_array_equal(yc, y_whole.compute())
    # a block computed alone is its slice of the whole, C-contiguous
    block = X.blocks[1, len(columns) - 1].compute()
    assert block.flags.c_contiguous
    first = n_features - columns[-1]
    np.testing.assert_array_equal(block, Xc[rows[0] : rows[0] + rows[1], first:])


@pytest.mark.parametrize("name", sorted(FRAME_CASES))
@pytest.mark.parametrize("chunks, expected", CHUNK_FORMS)
def test_frame_chunks_forms(name, chunks, expected):
    func, kwargs, columns = FRAME_CASES[name]
    X, y = func(**kwargs, random_state=0, chunks=chunks)
    assert list(X.columns) == columns and y.name == "target"
    starts = np.concatenate([[0], np.cumsum(expected)[:-1]]).tolist()
    assert X.divisions == y.divisions == (*starts, 102)
    df, target = dask.compute(X, y)
    assert len(df) == len(target) == 103
    assert [len(X.partitions[i].compute()) for i in (0, X.npartitions - 1)] == [
        expected[0],
        expected[-1],
    ]


@pytest.mark.parametrize("name", sorted(FRAME_CASES))
@pytest.mark.parametrize(
    "chunks, match",
    [((30, 2), "partition holds every column"), (((50, 0, 53),), "empty row blocks")],
)
def test_frames_refuse_split_columns_and_empty_partitions(name, chunks, match):
    func, kwargs, _ = FRAME_CASES[name]
    with pytest.raises(ValueError, match=match):
        func(**kwargs, random_state=0, chunks=chunks)


def test_empty_row_blocks_in_arrays():
    # dask allows empty blocks in explicit chunks; they hold no rows
    X, y = make_classification(n_samples=20, chunks=((0, 12, 0, 8),), random_state=0)
    assert X.chunks[0] == (0, 12, 0, 8)
    Xc, yc = dask.compute(X, y)
    assert Xc.shape == (20, 20) and yc.shape == (20,)
    assert X.blocks[2].compute().shape == (0, 20)


def test_default_chunks_are_100k_rows():
    X, y = make_regression(n_samples=250_001, n_features=2, n_informative=1, random_state=0)
    assert X.chunks[0] == (100_000, 100_000, 50_001)


# ---------------------------------------------------------------------------------------------
# determinism and block independence
# ---------------------------------------------------------------------------------------------


def _all_generators(random_state):
    """(name, collections) for every generator on small data with several blocks."""
    out = [(name, _call(name, random_state=random_state, chunks=30)) for name in ARRAY_CASES]
    for name, (func, kwargs, _) in FRAME_CASES.items():
        out.append((name, func(**kwargs, random_state=random_state, chunks=30)))
    return out


def _assert_same(left, right):
    for a, b in zip(left, right, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b)
        else:
            np.testing.assert_array_equal(a, b)


@pytest.mark.distributed
def test_same_data_whatever_the_scheduler(unique_task_keys):
    from distributed import Client, LocalCluster

    reference = {
        name: dask.compute(*colls, scheduler="sync") for name, colls in _all_generators(42)
    }
    for name, colls in _all_generators(42):  # a second, independent call
        _assert_same(reference[name], dask.compute(*colls, scheduler="threads"))
    with (
        LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        for name, colls in _all_generators(42):
            _assert_same(reference[name], client.compute(list(colls), sync=True))


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
def test_blocks_are_independent(name):
    X, y = _call(name, random_state=7, chunks=((20, 40, 13, 30),))
    Xc, yc = dask.compute(X, y)
    edges = np.cumsum((0, 20, 40, 13, 30))
    for i in (3, 1):
        block = X.blocks[i]
        # the graph of one block holds a single generating task
        (graph,) = dask.optimize(block)
        token = X.name.rsplit("-", 1)[1]
        generating = [
            k
            for k in dict(graph.__dask_graph__())
            if isinstance(k, tuple) and k[0].endswith(f"-blocks-{token}")
        ]
        assert len(generating) == 1
        np.testing.assert_array_equal(block.compute(), Xc[edges[i] : edges[i + 1]])
        np.testing.assert_array_equal(y.blocks[i].compute(), yc[edges[i] : edges[i + 1]])


def test_huge_lazy_array_first_block():
    # 10 billion rows are never materialised: only the 1000-row first block is generated.
    # The class split over blocks uses the large-population (normal) hypergeometric path.
    X, y = make_classification(
        n_samples=10**10, n_features=4, chunks=((1000, 10**10 - 1000),), random_state=0, flip_y=0
    )
    assert X.shape == (10**10, 4)
    y0 = y.blocks[0].compute()
    assert X.blocks[0].compute().shape == (1000, 4)
    # balanced classes: the first block holds ~500 of each (hypergeometric sd ~16)
    assert abs(np.bincount(y0, minlength=2)[0] - 500) < 100


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
def test_random_state_controls_the_data(name):
    X0, y0 = dask.compute(*_call(name, random_state=0, chunks=50))
    X0b, y0b = dask.compute(*_call(name, random_state=0, chunks=50))
    X1, _ = dask.compute(*_call(name, random_state=1, chunks=50))
    np.testing.assert_array_equal(X0, X0b)
    np.testing.assert_array_equal(y0, y0b)
    assert not np.allclose(X0, X1)
    # different chunking: same distribution, different draws (documented)
    X2, _ = dask.compute(*_call(name, random_state=0, chunks=60))
    assert not np.allclose(X0, X2)


@pytest.mark.parametrize("name", sorted(FRAME_CASES))
def test_frame_random_state_controls_the_data(name):
    func, kwargs, columns = FRAME_CASES[name]
    X0, y0 = dask.compute(*func(**kwargs, random_state=0, chunks=50))
    X0b, y0b = dask.compute(*func(**kwargs, random_state=0, chunks=50))
    X1, _ = dask.compute(*func(**kwargs, random_state=1, chunks=50))
    pd.testing.assert_frame_equal(X0, X0b)
    pd.testing.assert_series_equal(y0, y0b)
    assert not np.allclose(X0[columns[0]], X1[columns[0]])
    if "date" in columns:
        assert not X0["date"].equals(X1["date"])
    # other row blocks: other draws, still a valid frame of the same shape and dtypes
    X2, y2 = dask.compute(*func(**kwargs, random_state=0, chunks=((20, 83),)))
    assert X2.shape == X0.shape and dict(X2.dtypes) == dict(X0.dtypes)
    pd.testing.assert_index_equal(X2.index, pd.RangeIndex(103))
    assert not np.allclose(X0[columns[0]], X2[columns[0]])


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
def test_random_state_objects(name):
    # RandomState / Generator seeded alike give the same data, and are advanced by a call
    a = _call(name, random_state=np.random.RandomState(3), chunks=40)[0].compute()
    b = _call(name, random_state=np.random.RandomState(3), chunks=40)[0].compute()
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(3)
    c = _call(name, random_state=rng, chunks=40)[0].compute()
    d = _call(name, random_state=rng, chunks=40)[0].compute()
    e = _call(name, random_state=np.random.default_rng(3), chunks=40)[0].compute()
    np.testing.assert_array_equal(c, e)
    assert not np.allclose(c, d)
    # None draws from NumPy's global random state, like scikit-learn
    np.random.seed(5)
    f = _call(name, random_state=None, chunks=40)[0].compute()
    np.random.seed(5)
    g = _call(name, random_state=None, chunks=40)[0].compute()
    np.testing.assert_array_equal(f, g)


def test_same_call_gives_same_keys():
    X0, _ = make_classification(n_samples=50, random_state=0, chunks=20)
    X1, _ = make_classification(n_samples=50, random_state=0, chunks=20)
    X2, _ = make_classification(n_samples=50, random_state=1, chunks=20)
    assert X0.name == X1.name != X2.name


def _digest(a):
    a = np.ascontiguousarray(np.asarray(a))
    return f"{a.dtype.str}{a.shape}{hashlib.sha256(a.tobytes()).hexdigest()[:16]}"


def test_data_unchanged():
    # Digests of data generated before the graphs were rebuilt (values computed by element-
    # wise arithmetic and integer draws only, so they do not depend on the BLAS).
    with dask.config.set(scheduler="sync"):
        X, y = make_blobs(n_samples=1000, n_features=5, centers=3, random_state=0, chunks=300)
        assert _digest(X.compute()) == "<f8(1000, 5)bc37c9ee9d48de68"
        assert _digest(y.compute()) == "<i8(1000,)f2efc82b4716fe3d"
        X, y = make_blobs(
            n_samples=500, centers=4, random_state=7, chunks=((100, 400),), shuffle=False
        )
        assert _digest(X.compute()) == "<f8(500, 2)645df1de9a60b367"
        assert _digest(y.compute()) == "<i8(500,)1c90c501904dfe70"
        _, y = make_classification(n_samples=400, chunks=50, random_state=0)
        assert _digest(y.compute()) == "<i8(400,)7e804ccd684761d5"
        X, _ = make_regression(
            n_samples=600, n_features=6, n_informative=3, random_state=1, chunks=200
        )
        assert _digest(X.compute()) == "<f8(600, 6)4c943dbb3bd0fc94"
        X, _ = make_counts(n_samples=700, n_features=7, random_state=2, chunks=250)
        assert _digest(X.compute()) == "<f8(700, 7)68760c49eb9fb9b9"
        X, y = dask.compute(
            *make_mixed_classification_df(n_samples=1000, random_state=0, chunks=250)
        )
    assert [_digest(X[f"num_{j}"]) for j in (0, 4)] == [
        "<f8(1000,)76e58fe2243d892c",
        "<f8(1000,)033bbc07dd97e8d9",
    ]
    assert [_digest(X[f"cat_{j}"].cat.codes) for j in (0, 1)] == [
        "|i1(1000,)cb5cc99e00b78fe1",
        "|i1(1000,)c098732f3433f16b",
    ]
    assert _digest(y) == "<i8(1000,)fe377329c4eb7a45"
    assert _digest(y.index.values) == "<i8(1000,)702746827e553786"


def _key_dependencies(*collections, optimize=True):
    """{key: its dependencies} of the graph dask submits for ``collections``."""
    from dask._task_spec import convert_legacy_graph
    from dask.base import collections_to_expr

    expr = collections_to_expr(list(collections), optimize_graph=optimize)
    if optimize:
        expr = expr.optimize()
    graph = convert_legacy_graph(dict(expr.__dask_graph__()))
    return {k: frozenset(v.dependencies) for k, v in graph.items()}


@pytest.mark.parametrize("name", [*sorted(ARRAY_CASES), *sorted(FRAME_CASES), "split_columns"])
def test_every_key_names_one_task_in_every_graph(name):
    # The graphs dask submits for the data alone, for X or y alone, for both, for a block,
    # for a computation on X and unoptimised: a key they share has the same dependencies
    # in all (a distributed scheduler receiving a key it holds with another task warns
    # "Detected different `run_spec`", a source of failures and deadlocks).
    if name in FRAME_CASES:
        func, kwargs, columns = FRAME_CASES[name]
        X, y = func(**kwargs, random_state=0, chunks=30)
        derived = [X[columns[0]] + 1.0, X[columns[:3]].to_dask_array(lengths=True)]
    elif name == "split_columns":
        X, y = make_classification(n_samples=103, n_features=7, random_state=0, chunks=(30, 3))
        derived = [X + 1.0, X.blocks[1, 2], X[:, 0], X.rechunk((30, 7))]
    else:
        X, y = _call(name, random_state=0, chunks=30)
        derived = [X + 1.0, X.blocks[1], X[:, 0]]
    graphs = [
        _key_dependencies(X),
        _key_dependencies(y),
        _key_dependencies(X, y),
        _key_dependencies(y, X),
        *[_key_dependencies(d) for d in derived],
        # with y, when of the same kind (arrays, or frames: dask computes a mix apart)
        *[_key_dependencies(d, y) for d in derived if type(d) is type(y)],
    ]
    if name not in FRAME_CASES:  # dask-expr names each unoptimised expression apart
        graphs.append(_key_dependencies(X, y, optimize=False))
    seen = {}
    for graph in graphs:
        for key, deps in graph.items():
            assert seen.setdefault(key, deps) == deps, (key, seen[key], deps)
    # the collections' own keys are in the graphs that compute them
    for c in (X, y):
        assert set(dask.core.flatten(c.__dask_keys__())) <= set(seen)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_chunking_shapes_and_determinism(data):
    n_samples = data.draw(st.integers(1, 300), label="n_samples")
    if data.draw(st.booleans(), label="int chunks"):
        size = data.draw(st.integers(1, 350), label="rows per block")
        chunks = size
        full, rest = divmod(n_samples, size)
        expected = (size,) * full + ((rest,) if rest else ())
    else:
        cuts = data.draw(
            st.lists(st.integers(1, n_samples - 1), max_size=6, unique=True)
            if n_samples > 1
            else st.just([]),
            label="cuts",
        )
        edges = [0, *sorted(cuts), n_samples]
        expected = tuple(np.diff(edges).tolist())
        chunks = (expected,)
    seed = data.draw(st.integers(0, 2**32), label="seed")
    name = data.draw(st.sampled_from(sorted(ARRAY_CASES)), label="generator")
    func, kwargs, n_features, _, _ = ARRAY_CASES[name]
    kwargs = {**kwargs, "n_samples": n_samples, "random_state": seed, "chunks": chunks}
    X, y = func(**kwargs)
    assert X.chunks == (expected, (n_features,))
    assert y.chunks[0] == expected
    Xc, yc = dask.compute(X, y, scheduler="sync")
    Xd, yd = dask.compute(*func(**kwargs), scheduler="threads")
    assert Xc.shape == (n_samples, n_features)
    np.testing.assert_array_equal(Xc, Xd)
    np.testing.assert_array_equal(yc, yd)
    if name == "blobs":
        # points per centre are exact whatever the chunking
        counts = np.bincount(yc, minlength=4)
        assert counts.max() - counts.min() <= 1


def test_allocation_margins_exact_above_numpy_limit():
    rng = np.random.default_rng(0)
    totals = np.array([1_500_000_000, 700_000_000, 3, 0, 800_000_000])
    rows = (10**9, 5, 2 * 10**9 - 2)  # sums to totals.sum()
    for shuffle in (True, False):
        table = _allocate(totals, rows, shuffle, rng)
        assert (table >= 0).all()
        np.testing.assert_array_equal(table.sum(axis=0), totals)
        np.testing.assert_array_equal(table.sum(axis=1), rows)
    # without shuffling, groups are laid out in order
    table = _allocate(np.array([3, 4]), (2, 2, 3), False, rng)
    np.testing.assert_array_equal(table, [[2, 0], [1, 1], [0, 3]])


# ---------------------------------------------------------------------------------------------
# make_blobs
# ---------------------------------------------------------------------------------------------


def _chi_mean(dim, sigma):
    """Mean of ||N(0, sigma**2 I_dim)||."""
    return sigma * math.sqrt(2) * math.exp(gammaln((dim + 1) / 2) - gammaln(dim / 2))


def test_blobs_structure():
    X, y, centers = make_blobs(
        n_samples=20_000,
        n_features=5,
        centers=4,
        cluster_std=[0.5, 1.0, 1.5, 2.0],
        center_box=(-50, 50),
        random_state=0,
        chunks=3000,
        return_centers=True,
    )
    Xc, yc = dask.compute(X, y)
    assert centers.shape == (4, 5)
    assert (centers >= -50).all() and (centers <= 50).all()
    np.testing.assert_array_equal(np.bincount(yc), [5000] * 4)
    for k, std in enumerate([0.5, 1.0, 1.5, 2.0]):
        dist = np.linalg.norm(Xc[yc == k] - centers[k], axis=1)
        # 5000 points: relative standard error of the mean distance < 0.5%
        assert dist.mean() == pytest.approx(_chi_mean(5, std), rel=0.03)
        np.testing.assert_allclose(Xc[yc == k].mean(axis=0), centers[k], atol=0.1 * std + 0.02)
    # shuffled: every block holds every centre
    for i in range(X.numblocks[0]):
        assert len(np.unique(y.blocks[i].compute())) == 4


def test_blobs_given_centers_and_counts_without_shuffle():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    X, y = make_blobs(
        n_samples=[30, 70],
        centers=centers,
        cluster_std=0.0,
        shuffle=False,
        random_state=0,
        chunks=40,
    )
    Xc, yc = dask.compute(X, y)
    np.testing.assert_array_equal(yc, np.repeat([0, 1], [30, 70]))
    np.testing.assert_array_equal(Xc, centers[yc])  # cluster_std=0: points are the centres
    # n_features is taken from centers; n_samples as a list gives one centre per entry
    assert make_blobs(n_samples=[5, 5, 5], random_state=0)[0].shape == (15, 2)
    assert make_blobs(n_samples=9, centers=np.zeros((3, 4)), random_state=0)[0].shape == (9, 4)


# ---------------------------------------------------------------------------------------------
# make_classification
# ---------------------------------------------------------------------------------------------


def test_classification_weights_are_honoured():
    X, y = make_classification(
        n_samples=20_000,
        n_informative=3,
        n_classes=3,
        weights=[0.6, 0.3],
        flip_y=0.0,
        random_state=0,
        chunks=3000,
    )
    counts = np.bincount(y.compute())
    # exact class sizes before flipping: 0.6, 0.3, 0.1 (last inferred)
    np.testing.assert_array_equal(counts, [12_000, 6_000, 2_000])
    X, y = make_classification(
        n_samples=20_000, weights=[0.9, 0.1], flip_y=0.1, random_state=0, chunks=3000
    )
    # flipping replaces 10% of labels at random: expected share of class 1 is 0.9*0.1 + 0.05
    share = y.mean().compute()
    assert share == pytest.approx(0.9 * 0.1 + 0.1 * 0.5, abs=0.01)


def test_classification_feature_structure_without_shuffle():
    n_inf, n_red, n_rep, n_features = 3, 2, 2, 9
    X, y = make_classification(
        n_samples=2000,
        n_features=n_features,
        n_informative=n_inf,
        n_redundant=n_red,
        n_repeated=n_rep,
        n_classes=2,
        n_clusters_per_class=2,
        flip_y=0.0,
        shuffle=False,
        random_state=1,
        chunks=700,
    )
    Xc, yc = dask.compute(X, y)
    inf = Xc[:, :n_inf]
    red = Xc[:, n_inf : n_inf + n_red]
    # redundant columns are exact linear combinations of the informative ones
    B, *_ = np.linalg.lstsq(inf, red, rcond=None)
    np.testing.assert_allclose(inf @ B, red, atol=1e-8)
    # repeated columns duplicate informative or redundant ones
    for j in range(n_inf + n_red, n_inf + n_red + n_rep):
        assert any(np.array_equal(Xc[:, j], Xc[:, i]) for i in range(n_inf + n_red))
    # the noise columns are standard normal and the informative part is full rank
    noise = Xc[:, n_inf + n_red + n_rep :]
    assert abs(noise.mean()) < 0.1 and noise.std() == pytest.approx(1.0, abs=0.05)
    assert np.linalg.matrix_rank(Xc) == n_inf + noise.shape[1]
    # rows ordered by cluster, cluster k in class k % n_classes
    np.testing.assert_array_equal(yc, np.repeat([0, 1, 0, 1], 500))
    # cluster means sit at distinct vertices of the hypercube {-1, 1}**3 (class_sep=1)
    means = np.array([inf[500 * k : 500 * (k + 1)].mean(axis=0) for k in range(4)])
    vertices = np.sign(means)
    assert len({tuple(v) for v in vertices}) == 4
    np.testing.assert_allclose(means, vertices, atol=0.15)


def test_classification_shuffle_permutes_columns_and_rows():
    kwargs = dict(
        n_samples=1000,
        n_features=6,
        n_informative=2,
        n_redundant=1,
        n_repeated=1,
        flip_y=0.0,
        random_state=3,
        chunks=400,
    )
    X, y = dask.compute(*make_classification(**kwargs, shuffle=True))
    # one exact duplicate pair of columns survives the column permutation
    dup = [(i, j) for i in range(6) for j in range(i + 1, 6) if np.array_equal(X[:, i], X[:, j])]
    assert len(dup) == 1
    # rank: 2 informative + 2 noise (redundant and repeated add none)
    assert np.linalg.matrix_rank(X) == 4
    # rows are mixed: both classes in every block
    assert all(len(np.unique(y[s : s + 400])) == 2 for s in (0, 400, 800))


def test_classification_separable_when_easy():
    X, y = make_classification(
        n_samples=3000,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=4,
        n_clusters_per_class=1,
        class_sep=4.0,
        flip_y=0.0,
        random_state=0,
        chunks=1000,
    )
    Xc, yc = dask.compute(X, y)
    assert set(np.unique(yc)) == {0, 1, 2, 3}
    Xtr, Xte, ytr, yte = train_test_split(Xc, yc, random_state=0)
    assert LogisticRegression(max_iter=500).fit(Xtr, ytr).score(Xte, yte) > 0.9


def test_classification_shift_scale_and_polytope():
    base = dict(
        n_samples=2000,
        n_features=4,
        n_informative=2,
        n_redundant=0,
        flip_y=0.0,
        shuffle=False,
        random_state=0,
        chunks=900,
    )
    X0 = make_classification(**base)[0].compute()
    X1 = make_classification(**base, shift=2.0, scale=3.0)[0].compute()
    np.testing.assert_allclose(X1, (X0 + 2.0) * 3.0, rtol=1e-12)
    Xr = make_classification(**base, shift=None, scale=None)[0].compute()
    scales = Xr[:, 2:].std(axis=0)  # noise columns: std equals the drawn scale in [1, 100]
    assert ((scales > 0.9) & (scales < 105)).all()
    Xp = make_classification(**base, hypercube=False)[0].compute()
    assert not np.allclose(Xp, X0)
    means = np.abs(np.array([Xp[500 * k : 500 * (k + 1), :2].mean(axis=0) for k in range(4)]))
    assert (means < 1.1).all()  # polytope vertices lie inside the hypercube


# ---------------------------------------------------------------------------------------------
# make_regression and make_counts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("shuffle", [True, False])
def test_regression_is_linear(n_targets, shuffle):
    X, y, coef = make_regression(
        n_samples=500,
        n_features=8,
        n_informative=3,
        n_targets=n_targets,
        bias=2.5,
        shuffle=shuffle,
        coef=True,
        random_state=0,
        chunks=120,
    )
    Xc, yc = dask.compute(X, y)
    assert coef.shape == ((8,) if n_targets == 1 else (8, n_targets))
    assert yc.shape == ((500,) if n_targets == 1 else (500, n_targets))
    np.testing.assert_allclose(Xc @ coef + 2.5, yc, rtol=0, atol=1e-10)
    informative = np.flatnonzero(np.abs(coef).reshape(8, -1).sum(axis=1))
    assert len(informative) == 3
    if not shuffle:
        np.testing.assert_array_equal(informative, [0, 1, 2])
    assert (coef >= 0).all() and (coef < 100).all()


def test_regression_noise_level():
    X, y, coef = make_regression(
        n_samples=5000,
        n_features=4,
        n_informative=2,
        noise=3.0,
        coef=True,
        random_state=0,
        chunks=2000,
    )
    Xc, yc = dask.compute(X, y)
    # residual standard deviation ~ noise (5000 draws: relative sd ~1%)
    assert np.std(yc - Xc @ coef) == pytest.approx(3.0, rel=0.05)


def test_counts_model_recovered_by_poisson_regression():
    X, y, coef = make_counts(
        n_samples=20_000,
        n_features=6,
        n_informative=3,
        scale=1.0,
        coef=True,
        random_state=0,
        chunks=4000,
    )
    Xc, yc = dask.compute(X, y)
    assert yc.dtype == np.int64 and (yc >= 0).all()
    assert np.count_nonzero(coef) == 3
    assert np.linalg.norm(coef) == pytest.approx(1.0)
    # log-rate ~ N(0, 1): mean count exp(1/2)
    assert yc.mean() == pytest.approx(math.exp(0.5), rel=0.1)
    model = PoissonRegressor(alpha=0.0, max_iter=300).fit(Xc, yc)
    # maximum likelihood standard errors here are ~0.006
    np.testing.assert_allclose(model.coef_, coef, atol=0.05)
    assert abs(model.intercept_) < 0.05


# ---------------------------------------------------------------------------------------------
# make_mixed_classification_df
# ---------------------------------------------------------------------------------------------


def test_mixed_classification_df_structure():
    X, y = make_mixed_classification_df(
        n_samples=1000,
        n_features=3,
        n_informative=2,
        n_categorical=2,
        n_categories=5,
        random_state=0,
        chunks=300,
    )
    assert list(X.columns) == ["num_0", "num_1", "num_2", "cat_0", "cat_1"]
    assert X.known_divisions and X.divisions == (0, 300, 600, 900, 999)
    assert y.divisions == X.divisions and y.name == "target"
    expected_dtype = pd.CategoricalDtype(["c0", "c1", "c2", "c3", "c4"])
    for c in ("cat_0", "cat_1"):
        assert X.dtypes[c] == expected_dtype
    for c in ("num_0", "num_1", "num_2"):
        assert X.dtypes[c] == np.float64
    assert y.dtype == np.int64
    parts = []
    for i in range(X.npartitions):
        part = X.partitions[i].compute()
        # every partition carries the same, complete categories; index = global row numbers
        for c in ("cat_0", "cat_1"):
            assert part[c].dtype == expected_dtype
        start = X.divisions[i]
        np.testing.assert_array_equal(part.index, np.arange(start, start + len(part)))
        parts.append(part)
    df, target = dask.compute(X, y)
    # each partition computed alone equals its rows of the whole frame
    pd.testing.assert_frame_equal(pd.concat(parts), df)
    np.testing.assert_array_equal(df.index, np.arange(1000))
    pd.testing.assert_index_equal(df.index, target.index)
    assert set(np.unique(target)) == {0, 1}


def test_mixed_classification_df_is_learnable():
    X, y = make_mixed_classification_df(
        n_samples=6000,
        n_features=4,
        n_informative=2,
        n_categorical=3,
        random_state=0,
        chunks=1500,
    )
    df, target = dask.compute(X, y)
    target = target.to_numpy()
    encoded = pd.get_dummies(df, dtype=float).to_numpy()
    categorical = pd.get_dummies(df[["cat_0", "cat_1", "cat_2"]], dtype=float).to_numpy()
    for features, floor in [(encoded, 0.75), (categorical, 0.65)]:
        Xtr, Xte, ytr, yte = train_test_split(features, target, random_state=0)
        score = LogisticRegression(max_iter=500).fit(Xtr, ytr).score(Xte, yte)
        # chance is 0.5; predictability=0.9 caps the achievable accuracy at 0.95
        assert floor < score <= 0.97


def test_mixed_classification_df_response_rate_and_multiclass():
    _, y = make_mixed_classification_df(
        n_samples=5000, response_rate=0.2, predictability=1.0, random_state=0, chunks=1200
    )
    assert y.mean().compute() == pytest.approx(0.2, abs=1e-12)  # exact class sizes
    X, y = make_mixed_classification_df(
        n_samples=3000,
        n_classes=3,
        n_informative=2,
        n_categorical=0,
        weights=[0.5, 0.3, 0.2],
        predictability=1.0,
        random_state=0,
        chunks=1000,
    )
    assert list(X.columns) == [f"num_{j}" for j in range(5)]
    np.testing.assert_array_equal(np.bincount(y.compute()), [1500, 900, 600])


# ---------------------------------------------------------------------------------------------
# scikit-learn's sizes and dtypes, dask-ml's defaults
# ---------------------------------------------------------------------------------------------


SKLEARN_CASES = [
    ("make_blobs", dict(n_samples=57, n_features=4, centers=3)),
    ("make_blobs", dict(n_samples=[10, 20], centers=np.zeros((2, 3)))),
    ("make_classification", dict(n_samples=57)),
    ("make_classification", dict(n_samples=57, n_features=9, n_informative=4, n_classes=3)),
    ("make_regression", dict(n_samples=57)),
    ("make_regression", dict(n_samples=57, n_features=5)),  # n_informative=10 clipped
    ("make_regression", dict(n_samples=57, n_features=8, n_targets=3, coef=True)),
    ("make_regression", dict(n_samples=57, n_features=8, effective_rank=3, coef=True)),
]


@pytest.mark.parametrize("name, kwargs", SKLEARN_CASES)
def test_sizes_and_dtypes_equal_sklearn(name, kwargs):
    ours = getattr(datasets, name)(**kwargs, random_state=0, chunks=20)
    theirs = getattr(sk_datasets, name)(**kwargs, random_state=0)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        a = a.compute() if isinstance(a, da.Array) else a
        assert a.shape == b.shape
        assert a.dtype == b.dtype or (a.dtype.kind == b.dtype.kind == "i")
        assert a.dtype.itemsize == 8


def test_make_regression_clips_n_informative_as_sklearn():
    # scikit-learn clips n_informative to n_features (the default 10 with 5 features)
    X, y, coef = make_regression(n_features=5, coef=True, random_state=0, chunks=40)
    _, _, sk_coef = sk_datasets.make_regression(n_features=5, coef=True, random_state=0)
    assert np.count_nonzero(coef) == np.count_nonzero(sk_coef) == 5
    np.testing.assert_allclose(X.compute() @ coef, y.compute(), atol=1e-10)


def test_make_classification_defaults_fit_two_features():
    # dask-ml's make_classification(n_features=2) works: 2 informative, no redundant feature
    X, y = make_classification(n_features=2, random_state=0, chunks=50)
    Xc, yc = dask.compute(X, y)
    assert Xc.shape == (100, 2) and np.linalg.matrix_rank(Xc) == 2
    assert set(np.unique(yc)) == {0, 1}
    # 3 features: room for one redundant feature (rank 2)
    X3 = make_classification(n_features=3, random_state=0, chunks=50)[0].compute()
    assert np.linalg.matrix_rank(X3) == 2
    # otherwise scikit-learn's default: 2 redundant of the 20 (rank 2 + 16 noise)
    X20 = make_classification(n_samples=200, random_state=0, chunks=50)[0].compute()
    assert np.linalg.matrix_rank(X20) == 18
    X20_explicit = make_classification(n_samples=200, n_redundant=2, random_state=0, chunks=50)
    np.testing.assert_array_equal(X20, X20_explicit[0].compute())


# ---------------------------------------------------------------------------------------------
# make_regression(effective_rank=...)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_samples, n_features, effective_rank, tail_strength",
    [(20_000, 30, 5, 0.3), (8_000, 20, 3, 0.5), (8_000, 12, 12, 0.0), (8_000, 12, 1, 1.0)],
)
def test_effective_rank_singular_profile_close_to_sklearn(
    n_samples, n_features, effective_rank, tail_strength
):
    kwargs = dict(
        n_samples=n_samples,
        n_features=n_features,
        effective_rank=effective_rank,
        tail_strength=tail_strength,
        noise=0.5,
        bias=1.0,
        coef=True,
    )
    X, y, coef = make_regression(**kwargs, random_state=0, chunks=n_samples // 4)
    Xs, _, _ = sk_datasets.make_regression(**kwargs, random_state=0)
    Xc, yc = dask.compute(X, y)
    ours = np.linalg.svd(Xc, compute_uv=False)
    theirs = np.linalg.svd(Xs, compute_uv=False)  # exactly the profile s
    # documented: relative error about sqrt(n_features / n_samples) (0.04 and 0.05 here)
    tol = 2.5 * math.sqrt(n_features / n_samples)
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=0)
    # X.T @ X is close to scikit-learn's V @ diag(s**2) @ V.T: same eigenvalues, and the
    # features are centred (E[X] = 0) as there
    assert np.abs(Xc.mean(axis=0)).max() < 4 * theirs[0] / n_samples
    # the target is linear in X with the documented noise
    assert np.std(yc - Xc @ coef - 1.0) == pytest.approx(0.5, rel=0.05)


def test_effective_rank_basis_shared_by_blocks():
    # tail_strength=0: the profile exp(-(i / effective_rank)**2) alone, and every block lies
    # in the span of one shared basis
    X, _ = make_regression(
        n_samples=3000,
        n_features=40,
        effective_rank=2,
        tail_strength=0.0,
        random_state=0,
        chunks=500,
    )
    Xc = X.compute()
    s = np.linalg.svd(Xc, compute_uv=False)
    assert s[4] / s[0] == pytest.approx(math.exp(-4), rel=0.3)
    assert s[12] / s[0] < 1e-10  # exp(-36): numerically rank 12 at most
    # the leading right singular vectors of two blocks span the same space
    _, _, v1 = np.linalg.svd(X.blocks[0].compute(), full_matrices=False)
    _, _, v2 = np.linalg.svd(X.blocks[5].compute(), full_matrices=False)
    cosines = np.linalg.svd(v1[:2] @ v2[:2].T, compute_uv=False)
    np.testing.assert_allclose(cosines, 1.0, atol=1e-2)  # independent bases: ~0.3


# ---------------------------------------------------------------------------------------------
# make_counts (dask-ml's arguments)
# ---------------------------------------------------------------------------------------------


def test_make_counts_dask_ml_signature_and_defaults():
    X, y = make_counts(random_state=0)
    # dask-ml's defaults: 1000 x 100 in blocks of 100 rows
    assert X.shape == (1000, 100) and X.chunks == ((100,) * 10, (100,))
    assert y.shape == (1000,) and y.chunks == ((100,) * 10,) and y.dtype == np.int64
    # dask-ml's positional order: n_samples, n_features, n_informative, scale, chunks,
    # random_state
    Xp, yp = make_counts(300, 5, 2, 0.5, 50, 3)
    Xk, yk = make_counts(
        n_samples=300, n_features=5, n_informative=2, scale=0.5, chunks=50, random_state=3
    )
    assert Xp.chunks == ((50,) * 6, (5,))
    np.testing.assert_array_equal(Xp.compute(), Xk.compute())
    np.testing.assert_array_equal(yp.compute(), yk.compute())


@pytest.mark.parametrize("scale", [0.3, 1.0, 1.5])
def test_make_counts_mean_relation(scale):
    # documented: y ~ Poisson(exp(X @ coef)), ||coef|| = scale, so E[y | X] = exp(X @ coef)
    # and E[y] = exp(scale**2 / 2)
    X, y, coef = make_counts(
        n_samples=40_000,
        n_features=8,
        n_informative=3,
        scale=scale,
        chunks=10_000,
        random_state=0,
        coef=True,
    )
    Xc, yc = dask.compute(X, y)
    assert yc.dtype == np.int64 and (yc >= 0).all()
    assert np.count_nonzero(coef) == 3 and np.linalg.norm(coef) == pytest.approx(scale)
    rate = np.exp(Xc @ coef)
    # the residual y - rate has mean 0 and variance E[rate] (Poisson), in every rate decile
    edges = np.quantile(rate, np.linspace(0, 1, 11))
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        rows = (rate >= low) & (rate <= high)
        se = math.sqrt(rate[rows].mean() / rows.sum())
        assert abs((yc[rows] - rate[rows]).mean()) < 5 * se
    assert yc.mean() == pytest.approx(math.exp(scale**2 / 2), rel=0.05)
    assert (yc - rate).var() == pytest.approx(rate.mean(), rel=0.1)


def test_make_counts_clips_n_informative():
    _, _, coef = make_counts(n_features=3, n_informative=10, random_state=0, coef=True)
    assert np.count_nonzero(coef) == 3


# ---------------------------------------------------------------------------------------------
# make_classification_df and random_date (dask-ml's)
# ---------------------------------------------------------------------------------------------


def test_classification_df_columns_dtypes_and_values():
    X, y = make_classification_df(
        n_samples=1000, n_features=4, random_state=0, chunks=300, dates=DATES
    )
    assert list(X.columns) == ["var0", "var1", "var2", "var3", "date"]
    assert dict(X.dtypes) == {
        **{f"var{j}": np.dtype(np.float64) for j in range(4)},
        "date": np.dtype("datetime64[ns]"),
    }
    assert y.name == "target" and y.dtype == np.int64
    assert X.divisions == y.divisions == (0, 300, 600, 900, 999)
    df, target = dask.compute(X, y)
    assert isinstance(df, pd.DataFrame) and isinstance(target, pd.Series)
    pd.testing.assert_index_equal(df.index, pd.RangeIndex(1000))
    pd.testing.assert_index_equal(target.index, df.index)
    assert dict(df.dtypes) == dict(X.dtypes)
    # the values are make_classification's with weights from response_rate and flip_y
    # from predictability (documented)
    Xa, ya = make_classification(
        n_samples=1000,
        n_features=4,
        weights=[0.5, 0.5],
        flip_y=0.9,
        random_state=0,
        chunks=300,
    )
    np.testing.assert_array_equal(df[[f"var{j}" for j in range(4)]].to_numpy(), Xa.compute())
    np.testing.assert_array_equal(target.to_numpy(), ya.compute())
    # dates: dates only (start and end are dates), in [start, end), spread over the range
    dates = df["date"]
    assert (dates >= pd.Timestamp(DATES[0])).all() and (dates < pd.Timestamp(DATES[1])).all()
    assert (dates == dates.dt.normalize()).all()
    assert dates.nunique() > 50  # 60 days, 1000 rows
    # each partition alone equals its rows of the whole
    part = X.partitions[2].compute()
    pd.testing.assert_frame_equal(part, df.iloc[600:900])
    # without dates: no date column
    X2, _ = make_classification_df(n_samples=1000, n_features=4, random_state=0, chunks=300)
    assert list(X2.columns) == ["var0", "var1", "var2", "var3"]
    pd.testing.assert_frame_equal(X2.compute(), df.drop(columns="date"))


def test_classification_df_datetimes_at_second_resolution():
    start, end = datetime.datetime(2021, 3, 1, 12), datetime.datetime(2021, 3, 1, 13)
    X, _ = make_classification_df(
        n_samples=5000, n_features=2, dates=(start, end), random_state=1, chunks=2000
    )
    dates = X["date"].compute()
    assert (dates >= start).all() and (dates < end).all()
    assert (dates == dates.dt.floor("s")).all()
    # uniform over the hour: the minutes are spread evenly
    counts = np.bincount(dates.dt.minute, minlength=60)
    assert counts.min() > 40 and counts.max() < 130


def test_classification_df_dask_ml_defaults_and_arguments():
    X, y = make_classification_df(random_state=0, chunks=2500)
    # dask-ml's defaults: 10000 rows, make_classification's 20 features
    assert X.shape[1] == 20 and len(X.columns) == 20
    target = y.compute()
    assert len(target) == 10_000
    # predictability=0.1: 90% of the labels random, so about balanced and hard to predict
    assert target.mean() == pytest.approx(0.5, abs=0.03)
    # response_rate and predictability as documented
    _, y = make_classification_df(
        n_samples=20_000, response_rate=0.2, predictability=1.0, random_state=0, chunks=5000
    )
    assert y.mean().compute() == pytest.approx(0.2, abs=1e-12)  # exact class sizes
    X, y = make_classification_df(
        n_samples=20_000,
        response_rate=0.2,
        predictability=0.6,
        n_features=6,
        n_informative=3,
        class_sep=2.0,
        random_state=0,
        chunks=5000,
    )
    # 40% of the labels replaced by a uniformly random class
    assert y.mean().compute() == pytest.approx(0.6 * 0.2 + 0.4 * 0.5, abs=0.02)
    df, target = dask.compute(X, y)
    Xtr, Xte, ytr, yte = train_test_split(df.to_numpy(), target.to_numpy(), random_state=0)
    score = LogisticRegression(max_iter=500).fit(Xtr, ytr).score(Xte, yte)
    assert 0.6 < score < 0.85  # at most 0.6 + 0.4 * 0.5 = 0.8 on average
    # more classes through make_classification's arguments
    _, y = make_classification_df(
        n_samples=3000,
        n_classes=3,
        n_informative=3,
        weights=[0.5, 0.3, 0.2],
        predictability=1.0,
        random_state=0,
        chunks=1000,
    )
    np.testing.assert_array_equal(np.bincount(y.compute()), [1500, 900, 600])
    _, y = make_classification_df(
        n_samples=3000, n_classes=3, n_informative=3, predictability=1.0, random_state=0
    )
    np.testing.assert_array_equal(np.bincount(y.compute()), [1000, 1000, 1000])


def test_random_date():
    start, end = datetime.date(2020, 1, 1), datetime.date(2020, 2, 1)
    draws = [random_date(start, end, random_state=seed) for seed in range(200)]
    assert all(type(d) is datetime.date and start <= d < end for d in draws)
    assert len(set(draws)) > 20
    assert random_date(start, end, random_state=5) == random_date(start, end, random_state=5)
    # None draws from NumPy's global random state (as dask-ml's)
    np.random.seed(3)
    a = random_date(start, end)
    np.random.seed(3)
    assert random_date(start, end) == a
    t0, t1 = datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 1, 0, 0, 10)
    times = {random_date(t0, t1, random_state=seed) for seed in range(200)}
    assert times == {t0 + datetime.timedelta(seconds=k) for k in range(10)}
    stamp = random_date(pd.Timestamp(t0), pd.Timestamp(t1), random_state=0)
    assert isinstance(stamp, pd.Timestamp) and t0 <= stamp < t1
    with pytest.raises(ValueError, match="after start"):
        random_date(end, start)
    with pytest.raises(TypeError, match="datetime.date"):
        random_date("2020-01-01", end)


# ---------------------------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func, kwargs, error, match",
    [
        (make_blobs, dict(n_samples=0), ValueError, "n_samples must be >= 1"),
        (make_blobs, dict(n_samples=10, chunks=0), ValueError, "positive number of rows"),
        (make_blobs, dict(n_samples=10, chunks=True), TypeError, "must not be a bool"),
        (make_blobs, dict(n_samples=10, chunks=5.0), TypeError, "must be an int number"),
        (make_blobs, dict(n_samples=10, chunks=(3, 0)), ValueError, "positive int"),
        (make_blobs, dict(n_samples=10, chunks=(3, 3, 4)), ValueError, r"\(\(3, 3, 4\),\)"),
        (make_blobs, dict(n_samples=10, chunks=((3, 3),)), ValueError, "cannot be read"),
        (make_blobs, dict(n_samples=10, chunks=((5, 5), (1, 2))), ValueError, "cannot be read"),
        (make_blobs, dict(n_samples=10, chunks="rows"), ValueError, "cannot be read"),
        (make_blobs, dict(centers=np.zeros((2, 3)), n_features=2), ValueError, "3 columns"),
        (make_blobs, dict(centers=3, cluster_std=[1.0, 2.0]), ValueError, r"shape \(3,\)"),
        (make_blobs, dict(center_box=(1, 0)), ValueError, "min < max"),
        (make_blobs, dict(n_samples=[5, 5], centers=3), ValueError, "one count per centre"),
        (make_blobs, dict(random_state=-1), ValueError, "non-negative"),
        (make_blobs, dict(random_state="seed"), TypeError, "random_state must be"),
        (make_classification, dict(n_informative=5, n_features=4), ValueError, "exceeds"),
        (make_classification, dict(n_informative=2, n_classes=3), ValueError, r"2\*\*n_inf"),
        (make_classification, dict(weights=[0.8, 0.7, 0.1]), ValueError, "n_classes=2"),
        (
            make_classification,
            dict(n_classes=3, n_informative=3, weights=[0.8, 0.7]),
            ValueError,
            "cannot be negative",
        ),
        (make_classification, dict(flip_y=1.5), ValueError, "flip_y must be <= 1"),
        (make_classification, dict(scale=0.0), ValueError, "scale must be > 0"),
        (make_classification, dict(shift=[1.0, 2.0]), ValueError, r"shape \(20,\)"),
        (make_classification, dict(shuffle="yes"), TypeError, "shuffle must be True or False"),
        (make_classification, dict(n_samples=2.5), TypeError, "n_samples must be an int"),
        (make_classification, dict(n_features=2, n_redundant=2), ValueError, "exceeds"),
        (make_regression, dict(noise=-1.0), ValueError, "noise must be >= 0"),
        (make_regression, dict(effective_rank=0), ValueError, "effective_rank must be >= 1"),
        (make_regression, dict(effective_rank=2.5), TypeError, "effective_rank must be an int"),
        (make_regression, dict(tail_strength=1.5), ValueError, "tail_strength must be <= 1"),
        (make_counts, dict(n_informative=0), ValueError, "n_informative must be >= 1"),
        (make_counts, dict(scale=-1.0), ValueError, "scale must be >= 0"),
        (
            make_mixed_classification_df,
            dict(n_categories=1),
            ValueError,
            "n_categories must be >= 2",
        ),
        (
            make_mixed_classification_df,
            dict(response_rate=0.3, weights=[0.7]),
            ValueError,
            "either weights or response_rate",
        ),
        (make_mixed_classification_df, dict(response_rate=0.3, n_classes=3), ValueError, "binary"),
        (make_mixed_classification_df, dict(predictability=1.2), ValueError, "predictability"),
        (make_mixed_classification_df, dict(n_informative=6, n_features=5), ValueError, "<= 5"),
        (
            make_classification_df,
            dict(response_rate=0.3, weights=[0.7]),
            ValueError,
            "either weights or response_rate",
        ),
        (
            make_classification_df,
            dict(response_rate=0.3, n_classes=3, n_informative=3),
            ValueError,
            "binary",
        ),
        (make_classification_df, dict(response_rate=1.5), ValueError, "response_rate must be"),
        (make_classification_df, dict(predictability=1.2), ValueError, "predictability"),
        (make_classification_df, dict(flip_y=0.1), TypeError, "from predictability"),
        (make_classification_df, dict(n_categorical=2), TypeError, "unexpected keyword"),
        (make_classification_df, dict(dates=(1, 2)), TypeError, "datetime.date"),
        (make_classification_df, dict(dates=DATES[:1]), ValueError, r"\(start, end\) pair"),
        (make_classification_df, dict(dates=DATES[::-1]), ValueError, "after start"),
        (make_classification_df, dict(n_features=2, n_redundant=1), ValueError, "exceeds"),
    ],
)
def test_bad_arguments(func, kwargs, error, match):
    with pytest.raises(error, match=match):
        func(**kwargs)
