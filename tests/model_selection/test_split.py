"""model_selection splits: scikit-learn's sizes and rows for NumPy, dask arrays and DataFrames."""

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.model_selection as sk
from _helpers import GraphCounter
from hypothesis import given
from hypothesis import strategies as st

from dask_scale.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
    check_cv,
    compute_n_splits,
    train_test_split,
)
from dask_scale.model_selection._split import block_split_counts, split_sizes

N = 50
# row i holds (i, 2i): the first column tells each row's position
X = np.stack([np.arange(N), 2 * np.arange(N)], axis=1).astype(np.float64)
Y = np.arange(N) % 3
DF = pd.DataFrame({"id": np.arange(N), "f": np.arange(N) * 0.5, "y": Y}, index=np.arange(N) + 100)


def _dX(chunks=(12, 2)):
    return da.from_array(X, chunks=chunks)


def _dY(chunks=12):
    return da.from_array(Y, chunks=chunks)


def _unknown(x):
    return x[x[:, 0] >= 0] if x.ndim == 2 else x[x >= 0]


def _computed(parts):
    return dask.compute(*parts)


# --------------------------------------------------------------------------------------------
# sizes
# --------------------------------------------------------------------------------------------

SIZE = st.one_of(
    st.none(), st.integers(-2, 70), st.floats(-0.2, 1.2, allow_nan=False)
)


@given(n=st.integers(1, 60), test_size=SIZE, train_size=SIZE)
def test_sizes_and_errors_are_scikit_learns(n, test_size, train_size):
    rows = np.arange(n)
    try:
        expected = sk.train_test_split(
            rows, test_size=test_size, train_size=train_size, shuffle=False
        )
    except ValueError:
        with pytest.raises(ValueError):
            split_sizes(n, test_size, train_size)
        return
    n_train, n_test = split_sizes(n, test_size, train_size)
    assert (n_train, n_test) == (len(expected[0]), len(expected[1]))


@given(
    n=st.integers(2, 60),
    chunk=st.integers(1, 20),
    test_size=st.one_of(st.none(), st.floats(0.01, 0.99), st.integers(1, 59)),
    blockwise=st.booleans(),
    seed=st.integers(0, 5),
)
def test_dask_split_sizes_partition_rows(n, chunk, test_size, blockwise, seed):
    if isinstance(test_size, int) and test_size >= n:
        test_size = n - 1
    rows = np.arange(n)
    d_rows = da.from_array(rows, chunks=chunk)
    try:
        sk_train, sk_test = sk.train_test_split(rows, test_size=test_size, random_state=seed)
    except ValueError as exc:  # e.g. an empty train set
        with pytest.raises(ValueError, match=str(exc)[:20]):
            train_test_split(d_rows, test_size=test_size, blockwise=blockwise)
        return
    d_train, d_test = train_test_split(
        d_rows, test_size=test_size, random_state=seed, blockwise=blockwise
    )
    train, test = dask.compute(d_train, d_test, scheduler="sync")
    assert (len(train), len(test)) == (len(sk_train), len(sk_test))
    assert d_train.shape == train.shape and d_test.shape == test.shape
    assert not set(train) & set(test)
    assert set(train) | set(test) == set(rows)  # the complement: every row used once
    if not blockwise:
        np.testing.assert_array_equal(train, sk_train)
        np.testing.assert_array_equal(test, sk_test)


@given(
    lengths=st.lists(st.integers(0, 30), min_size=1, max_size=12),
    data=st.data(),
)
def test_block_counts_add_up_for_any_layout(lengths, data):
    n = sum(lengths)
    n_used = data.draw(st.integers(0, n))
    n_test = data.draw(st.integers(0, n_used))
    train, test = block_split_counts(np.array(lengths), n_used - n_test, n_test)
    assert train.sum() == n_used - n_test and test.sum() == n_test
    assert np.all(train >= 0) and np.all(test >= 0) and np.all(train + test <= lengths)


def test_block_counts_add_up_and_fit_in_blocks():
    lengths = np.array([7, 0, 13, 1, 29])
    train, test = block_split_counts(lengths, 31, 15)
    assert train.sum() == 31 and test.sum() == 15
    assert np.all(train + test <= lengths) and np.all(train >= 0) and np.all(test >= 0)
    np.testing.assert_allclose(train + test, lengths * 46 / 50, atol=1)


# --------------------------------------------------------------------------------------------
# train_test_split: rows
# --------------------------------------------------------------------------------------------


def test_numpy_and_pandas_input_is_scikit_learns_split():
    ours = train_test_split(X, DF, Y, test_size=0.3, random_state=4)
    theirs = sk.train_test_split(X, DF, Y, test_size=0.3, random_state=4)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    pd.testing.assert_frame_equal(ours[2], theirs[2])


@pytest.mark.parametrize("kind", ["array", "unknown", "frame"])
def test_shuffle_false_keeps_order_and_sizes(kind):
    """dask-ml #992: shuffle=False on a DataFrame shuffled and got sizes wrong."""
    if kind == "frame":
        data = dd.from_pandas(DF, npartitions=4)
        expected = sk.train_test_split(DF, test_size=0.3, train_size=0.5, shuffle=False)
    else:
        data = _dX() if kind == "array" else _unknown(_dX())
        expected = sk.train_test_split(X, test_size=0.3, train_size=0.5, shuffle=False)
    got = _computed(train_test_split(data, test_size=0.3, train_size=0.5, shuffle=False))
    for a, b in zip(got, expected, strict=True):
        if kind == "frame":
            pd.testing.assert_frame_equal(a, b)
        else:
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["array", "unknown", "frame"])
def test_blockwise_false_is_scikit_learns_rows_in_its_order(kind):
    if kind == "frame":
        data = dd.from_pandas(DF, npartitions=3)
        expected = sk.train_test_split(DF, Y, test_size=11, random_state=3)
        y = data["y"]
    else:
        data = _dX() if kind == "array" else _unknown(_dX())
        expected = sk.train_test_split(X, Y, test_size=11, random_state=3)
        y = _dY()
    got = _computed(train_test_split(data, y, test_size=11, random_state=3, blockwise=False))
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    if kind == "frame":
        pd.testing.assert_frame_equal(got[0], expected[0])


@pytest.mark.filterwarnings("ignore:Computing mixed collections:UserWarning")  # dask's own
def test_blockwise_splits_each_block_reproducibly_frame_and_array_together():
    ddf = dd.from_pandas(DF, npartitions=4)
    y = _dY(chunks=(13, 13, 12, 12))  # the frame's partitions
    parts = train_test_split(ddf, y, test_size=0.2, random_state=0)
    assert isinstance(parts[0], dd.DataFrame) and isinstance(parts[2], da.Array)
    tr, te, ytr, yte = _computed(parts)
    assert (len(tr), len(te)) == (40, 10)
    np.testing.assert_array_equal(tr["y"], ytr)  # same rows in X and y
    np.testing.assert_array_equal(te["y"], yte)
    assert sorted(tr.index) != list(tr.index)  # shuffled within blocks...
    bounds = np.cumsum([0, 13, 13, 12, 12])
    blocks = np.searchsorted(bounds[1:], tr["id"].to_numpy(), side="right")
    assert np.all(np.diff(blocks) >= 0)  # ...but no row left its block
    again = _computed(train_test_split(ddf, y, test_size=0.2, random_state=0))
    pd.testing.assert_frame_equal(again[0], tr)
    other = _computed(train_test_split(ddf, y, test_size=0.2, random_state=1))
    assert not other[0].index.equals(tr.index)


def test_stratify_takes_scikit_learns_rows():
    dX, dy = _dX(), _dY()
    expected = sk.train_test_split(X, Y, test_size=0.3, stratify=Y, random_state=2)
    exact = _computed(
        train_test_split(dX, dy, test_size=0.3, stratify=dy, random_state=2, blockwise=False)
    )
    for a, b in zip(exact, expected, strict=True):
        np.testing.assert_array_equal(a, b)
    grouped = _computed(train_test_split(dX, dy, test_size=0.3, stratify=dy, random_state=2))
    for a, b in zip(grouped, expected, strict=True):
        np.testing.assert_array_equal(np.sort(a, axis=0), np.sort(b, axis=0))
    assert np.all(np.diff(grouped[0][:, 0] // 12) >= 0)  # grouped by source block
    np.testing.assert_array_equal(np.bincount(grouped[3]), np.bincount(expected[3]))


def test_lazy_known_chunks_and_one_pass_for_frames():
    with GraphCounter() as counter:
        train_test_split(_dX(), _dY(), random_state=0)
        train_test_split(_dX(), _dY(), random_state=0, blockwise=False)
        train_test_split(_dX(), shuffle=False)
    assert counter.count == 0
    ddf = dd.from_pandas(DF, npartitions=4)
    with GraphCounter() as counter:
        train_test_split(ddf[["id", "f"]], ddf["y"], random_state=0)
        train_test_split(ddf[["id", "f"]], ddf["y"], random_state=1, shuffle=False)
    assert counter.count == 1  # the partitions' lengths, once


def test_labels_and_lengths_in_one_submission():
    ddf = dd.from_pandas(DF, npartitions=4)
    with GraphCounter() as counter:
        folds = list(StratifiedKFold(3).split(ddf[["id", "f"]], ddf["y"]))
    assert counter.count == 1
    _same_splits(folds, sk.StratifiedKFold(3).split(X, Y))
    ddf = dd.from_pandas(DF, npartitions=5)
    with GraphCounter() as counter:
        parts = train_test_split(ddf[["id"]], ddf["y"], stratify=ddf["y"], random_state=0)
    assert counter.count == 1
    tr, te, ytr, _ = _computed(parts)
    assert sorted(te["id"]) == sorted(
        sk.train_test_split(DF, stratify=Y, random_state=0)[1]["id"]
    )


def test_parquet_frame_split(tmp_path):
    DF.to_parquet(tmp_path / "d.parquet", row_group_size=10)
    ddf = dd.read_parquet(tmp_path / "d.parquet", split_row_groups=True)
    assert ddf.npartitions > 1
    got = _computed(
        train_test_split(ddf[["id", "f"]], ddf["y"], test_size=0.25, shuffle=False)
    )
    expected = sk.train_test_split(DF[["id", "f"]], DF["y"], test_size=0.25, shuffle=False)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    parts = train_test_split(ddf[["id", "f"]], ddf["y"], random_state=0)
    # X and y were optimised together: one read per row group feeds all four outputs
    graph = {}
    for part in parts:
        graph.update(dict(part.__dask_graph__()))
    reads = [k for k in graph if str(k[0] if isinstance(k, tuple) else k).startswith("read")]
    assert len(reads) == ddf.npartitions
    tr, te, ytr, _ = _computed(parts)
    assert (len(tr), len(te)) == (37, 13)
    np.testing.assert_array_equal(tr["id"].to_numpy() % 3, ytr.to_numpy())


@pytest.mark.distributed
def test_same_split_on_a_cluster(client, unique_task_keys):
    local = _computed(train_test_split(_dX(), _dY(), random_state=5))
    ddf = dd.from_pandas(DF, npartitions=3)
    local_frame = train_test_split(ddf, random_state=5, blockwise=False)[0].compute(
        scheduler="threads"
    )
    remote = client.compute(list(train_test_split(_dX(), _dY(), random_state=5)), sync=True)
    for a, b in zip(local, remote, strict=True):
        np.testing.assert_array_equal(a, b)
    remote_frame = client.compute(train_test_split(ddf, random_state=5, blockwise=False)[0])
    pd.testing.assert_frame_equal(remote_frame.result(), local_frame)
    # X split alone, then with y (optimised together): the same keys name the same tasks
    for arrays in [(ddf,), (ddf, ddf["y"]), (ddf[["id"]], ddf["y"])]:
        client.compute(list(train_test_split(*arrays, random_state=5)), sync=True)
    unique_task_keys.check()


def test_bad_input_errors():
    with pytest.raises(ValueError, match="sum of test_size and train_size"):
        train_test_split(_dX(), test_size=0.6, train_size=0.6)
    with pytest.raises(ValueError, match="inconsistent numbers of samples: \\[50, 49\\]"):
        train_test_split(_dX(), _dY()[:49])
    with pytest.raises(ValueError, match="not implemented for shuffle=False"):
        train_test_split(_dX(), stratify=_dY(), shuffle=False)
    with pytest.raises(TypeError, match="unexpected keyword arguments \\['stratified'\\]"):
        train_test_split(_dX(), stratified=True)
    with pytest.raises(ValueError, match="At least one array"):
        train_test_split()
    with pytest.raises(TypeError, match="Singleton array"):
        train_test_split(da.from_array(np.float64(1.0)))
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        train_test_split(_dX(), shuffle="yes")
    with pytest.raises(ValueError, match="greater than the number of samples: n_samples=50"):
        list(KFold(51).split(_unknown(_dX())))


def test_convert_mixed_types_gives_arrays():
    ddf = dd.from_pandas(DF[["id", "f"]], npartitions=4)
    parts = train_test_split(ddf, _dY(), convert_mixed_types=True, random_state=0)
    assert all(isinstance(p, da.Array) for p in parts)
    tr, _, ytr, _ = _computed(parts)
    np.testing.assert_array_equal(tr[:, 0] % 3, ytr)


# --------------------------------------------------------------------------------------------
# splitters, check_cv, compute_n_splits
# --------------------------------------------------------------------------------------------


def _same_splits(a, b):
    a, b = list(a), list(b)
    assert len(a) == len(b)
    for (tr1, te1), (tr2, te2) in zip(a, b, strict=True):
        np.testing.assert_array_equal(tr1, tr2)
        np.testing.assert_array_equal(te1, te2)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (KFold(4), sk.KFold(4)),
        (KFold(3, shuffle=True, random_state=0), sk.KFold(3, shuffle=True, random_state=0)),
        (StratifiedKFold(3, shuffle=True, random_state=1),
         sk.StratifiedKFold(3, shuffle=True, random_state=1)),
        (ShuffleSplit(4, test_size=0.3, blockwise=False, random_state=0),
         sk.ShuffleSplit(4, test_size=0.3, random_state=0)),
        (StratifiedShuffleSplit(3, test_size=9, random_state=0),
         sk.StratifiedShuffleSplit(3, test_size=9, random_state=0)),
    ],
)
def test_splitters_give_scikit_learns_indices_for_dask_input(ours, theirs):
    expected = list(theirs.split(X, Y))
    _same_splits(ours.split(X, Y), expected)
    _same_splits(ours.split(_unknown(_dX()), _unknown(_dY())), expected)
    ddf = dd.from_pandas(DF, npartitions=3)
    _same_splits(ours.split(ddf, ddf["y"]), expected)
    assert ours.get_n_splits() == theirs.get_n_splits()


def test_blockwise_shuffle_split():
    one_block = ShuffleSplit(3, test_size=0.2, random_state=0).split(_dX(chunks=(N, 2)))
    _same_splits(one_block, sk.ShuffleSplit(3, test_size=0.2, random_state=0).split(X))
    splits = list(ShuffleSplit(3, test_size=0.2, random_state=0).split(_dX()))
    other = ShuffleSplit(3, test_size=0.2, random_state=1).split(_dX())
    assert not np.array_equal(splits[0][0], next(other)[0])
    for train, test in splits:
        assert (len(train), len(test)) == (40, 10)
        assert not set(train) & set(test)
        assert np.all(np.diff(train // 12) >= 0) and np.all(np.diff(test // 12) >= 0)
    _same_splits(splits, ShuffleSplit(3, test_size=0.2, random_state=0).split(_dX()))
    positional = ShuffleSplit(2, 0.3, None, False, 5)  # dask-ml's parameter order
    assert positional.blockwise is False and positional.random_state == 5
    assert "blockwise=False" in repr(positional)


def test_check_cv_and_compute_n_splits():
    assert type(check_cv(3, _dY(), classifier=True)) is StratifiedKFold
    assert type(check_cv(None, _dY().astype(float) + 0.5, classifier=True)) is KFold
    assert type(check_cv(4, None, classifier=True)) is KFold
    assert check_cv().n_splits == 5
    folds = [(np.arange(10), np.arange(10, 20))]
    assert list(check_cv(folds).split(X)) != []
    with GraphCounter() as counter:
        assert compute_n_splits(KFold(4), _unknown(_dX())) == 4
    assert counter.count == 0
    assert compute_n_splits(sk.LeaveOneOut(), _unknown(_dX())) == N
    groups = da.from_array(np.arange(N) % 7, chunks=12)
    assert compute_n_splits(sk.LeaveOneGroupOut(), _dX(), groups=groups) == 7
    with pytest.raises(TypeError, match="get_n_splits"):
        compute_n_splits(3, _dX())



@pytest.mark.parametrize("blockwise", [True, False])
def test_in_memory_and_dask_inputs_split_at_the_same_rows(blockwise):
    parts = train_test_split(_dX(), Y, DF, random_state=0, blockwise=blockwise)
    assert isinstance(parts[2], np.ndarray) and isinstance(parts[4], pd.DataFrame)
    tr, te = _computed(parts[:2])
    np.testing.assert_array_equal(tr[:, 0] % 3, parts[2])
    np.testing.assert_array_equal(te[:, 0], parts[5]["id"].to_numpy())


def test_cv_splits_gives_any_splitter_dask_input():
    from dask_scale.model_selection._split import cv_splits

    groups = np.arange(N) // 5
    dgroups = da.from_array(groups, chunks=12)
    _same_splits(
        cv_splits(sk.GroupKFold(3), _unknown(_dX()), _dY(), dgroups),
        sk.GroupKFold(3).split(X, Y, groups),
    )
    for cv in [sk.TimeSeriesSplit(3), KFold(3), check_cv([(np.arange(5), np.arange(5, 9))])]:
        _same_splits(cv_splits(cv, _unknown(_dX()), _dY()), cv.split(X, Y))


@pytest.mark.parametrize("name", ["train_test_split", "KFold", "ShuffleSplit", "check_cv",
                                  "compute_n_splits"])
def test_dask_ml_parameter_names_accepted(name):
    import inspect

    dask_ml_ms = pytest.importorskip("dask_ml.model_selection")
    import dask_scale.model_selection as ours

    theirs = inspect.signature(getattr(dask_ml_ms, name)).parameters
    mine = inspect.signature(getattr(ours, name)).parameters
    assert set(theirs) <= set(mine)
    positional = [p for p in theirs.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert [p.name for p in positional] == [p.name for p in mine.values()][: len(positional)]


def test_a_model_fits_on_the_split_frames_as_scikit_learn_on_the_same_rows():
    from sklearn.linear_model import LinearRegression as SkLinearRegression

    from dask_scale.linear_model import LinearRegression

    ddf = dd.from_pandas(DF, npartitions=4)
    X_train, X_test, y_train, _ = train_test_split(
        ddf[["id", "y"]], ddf["f"] + ddf["y"] ** 2, random_state=0
    )
    ours = LinearRegression(penalty=None).fit(X_train, y_train)
    X_np, y_np = dask.compute(X_train, y_train)
    theirs = SkLinearRegression().fit(X_np, y_np)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
    assert isinstance(ours.predict(X_test), dd.Series)
    design = np.random.RandomState(0).rand(N, 3)  # full rank (X's columns are collinear)
    X_train, _, y_train, _ = train_test_split(
        _unknown(da.from_array(design, chunks=12)), _dY().astype(float), test_size=7,
        random_state=1, blockwise=False,
    )
    ours = LinearRegression(penalty=None).fit(X_train, y_train)
    theirs = SkLinearRegression().fit(*dask.compute(X_train, y_train))
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
