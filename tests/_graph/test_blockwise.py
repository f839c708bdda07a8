import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from dask_scale._graph import frame_output, map_rows
from dask_scale._validation import check_array


def _rowsum(block, scale):
    return block.sum(axis=1) * scale


def _two(block):
    return np.stack([block[:, 0], -block[:, 0]], axis=1)


def test_numpy_in_numpy_out():
    X = np.arange(12.0).reshape(6, 2)
    out = map_rows(_rowsum, X, 2.0, out_dtype=np.float64)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, X.sum(axis=1) * 2)


def test_dask_in_lazy_dask_out_1d_and_2d():
    Xn = np.arange(12.0).reshape(6, 2)
    X = da.from_array(Xn, chunks=(4, 2))
    out = map_rows(_rowsum, X, 2.0, out_dtype=np.float64)
    assert isinstance(out, da.Array) and out.chunks == ((4, 2),)
    np.testing.assert_array_equal(out.compute(), Xn.sum(axis=1) * 2)
    out2 = map_rows(_two, X, out_dtype=np.float64, n_out=2)
    assert out2.chunks == ((4, 2), (2,))
    np.testing.assert_array_equal(out2.compute()[:, 1], -Xn[:, 0])


def test_frame_in_frame_out_keeps_index_and_empty_partitions():
    pdf = pd.DataFrame({"a": np.arange(8.0), "b": np.ones(8)}, index=np.arange(10, 18))
    ddf = dd.from_pandas(pdf, npartitions=4)
    ddf = ddf[ddf.a != 2]  # leaves partitions with fewer rows
    ddf = ddf[(ddf.a < 2) | (ddf.a > 3)]  # second partition now empty
    X = check_array(ddf)
    s = map_rows(_rowsum, X, 1.0, out_dtype=np.float64, frame=ddf, in_dtype=np.float64, name="p")
    assert isinstance(s, dd.Series)
    got = s.compute()
    exp = pdf[(pdf.a < 2) | (pdf.a > 3)].sum(axis=1)
    np.testing.assert_array_equal(got.index, exp.index)
    np.testing.assert_array_equal(got.to_numpy(), exp.to_numpy())
    assert got.name == "p"
    f = map_rows(_two, X, out_dtype=np.float64, n_out=2, frame=ddf, columns=["x", "y"])
    assert list(f.compute().columns) == ["x", "y"]


def test_nan_detected_at_compute_with_clear_message():
    Xn = np.ones((6, 2))
    Xn[4, 1] = np.nan
    out = map_rows(_rowsum, da.from_array(Xn, chunks=3), 1.0, out_dtype=np.float64)
    with pytest.raises(ValueError, match="NaN or infinity"):
        out.compute()
    with pytest.raises(ValueError, match="NaN or infinity"):
        map_rows(_rowsum, Xn, 1.0, out_dtype=np.float64)


def _same(block):
    return block


def _scaled(block):
    return block * 2.0


def test_frame_partitions_hold_new_results_and_never_alias_the_input():
    pdf = pd.DataFrame({"a": np.arange(6.0), "b": np.arange(6.0) + 10})
    ddf = dd.from_pandas(pdf, npartitions=2).persist()
    X = check_array(ddf)
    # a function that hands its (read-only view of the) block back gets a copy
    same = map_rows(_same, X, out_dtype=np.float64, n_out=2, frame=ddf, columns=["a", "b"],
                    in_dtype=np.float64)
    got = same.compute()
    got.iloc[0, 0] = -1.0
    np.testing.assert_array_equal(ddf.compute().to_numpy(), pdf.to_numpy())
    # a new array becomes the partition (without a copy), with the input's index
    scaled = map_rows(_scaled, X, out_dtype=np.float64, n_out=2, frame=ddf, columns=["x", "y"],
                      in_dtype=np.float64).compute()
    np.testing.assert_array_equal(scaled.to_numpy(), pdf.to_numpy() * 2)
    pd.testing.assert_index_equal(scaled.index, pdf.index)


def _widen(block, k):
    # 2-D in, (m, k, 2) out: a new trailing axis
    return np.repeat(block[:, :1, None], k, axis=1).repeat(2, axis=2)


def test_map_row_blocks_sees_whole_rows_and_takes_the_output_shape_from_meta():
    from dask_scale._graph import map_row_blocks

    Xn = np.arange(24.0).reshape(8, 3)
    X = da.from_array(Xn, chunks=(3, 1))  # three column blocks: merged before the map
    sums = map_row_blocks(_rowsum, X, 1.0, meta=np.empty(0))
    assert sums.chunks == ((3, 3, 2),)
    np.testing.assert_array_equal(sums.compute(), Xn.sum(axis=1))
    wide = map_row_blocks(_widen, X, 4, meta=np.empty((0, 4, 2)), name="widen-test")
    assert wide.chunks == ((3, 3, 2), (4,), (2,)) and wide.name == "widen-test"
    np.testing.assert_array_equal(wide.compute(), _widen(Xn, 4))


def _pandas_rowsum(pdf, shift):
    return pdf.sum(axis=1) + shift


def _as_array(pdf, shift):
    return pdf.to_numpy() + shift


def test_map_row_blocks_over_frame_partitions():
    import dask

    from dask_scale._graph import map_row_blocks

    pdf = pd.DataFrame({"a": np.arange(9.0), "s": ["x"] * 9}, index=np.arange(9) * 2)
    ddf = dd.from_pandas(pdf, npartitions=3)
    shift = dask.delayed(1.0)  # a Delayed argument: one key every block task refers to
    # pandas meta: a dask Series with the frame's index, the partitions passed as pandas
    out = map_row_blocks(_pandas_rowsum, ddf[["a"]], shift, meta=pd.Series([], dtype=float))
    assert isinstance(out, dd.Series)
    pd.testing.assert_series_equal(out.compute(), pdf[["a"]].sum(axis=1) + 1.0)
    # array meta: a dask array with one block per partition, sizes unknown until computed
    arr = map_row_blocks(_as_array, ddf[["a"]], shift, meta=np.empty((0, 1)), name="as-array")
    assert isinstance(arr, da.Array) and len(arr.chunks[0]) == 3
    np.testing.assert_array_equal(arr.compute(), pdf[["a"]].to_numpy() + 1.0)


def _add_in_place(block, value):
    block += value
    return block


def test_map_rows_private_copies_and_the_nan_allowed_check():
    Xn = np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]])
    X = da.from_array(Xn, chunks=2).persist()
    out = map_rows(_add_in_place, X, 1.0, out_dtype=np.float64, n_out=2, copy=True,
                   check_finite="allow-nan")
    np.testing.assert_array_equal(out.compute(), Xn + 1.0)
    np.testing.assert_array_equal(X.compute(), Xn)  # the input's blocks were not modified
    Xn[2, 0] = np.inf
    bad = map_rows(_add_in_place, da.from_array(Xn, chunks=2), 1.0, out_dtype=np.float64,
                   n_out=2, copy=True, check_finite="allow-nan")
    with pytest.raises(ValueError, match=r"Input X contains infinity\. NaN is accepted"):
        bad.compute()


def _first_column_lengths(pdf):
    return pdf.iloc[:, 0].str.len().to_numpy()


def test_map_rows_can_pass_frame_partitions_as_pandas():
    pdf = pd.DataFrame({"s": ["a", "bb", "ccc", "dddd"]})
    ddf = dd.from_pandas(pdf, npartitions=2)
    out = map_rows(_first_column_lengths, None, out_dtype=np.int64, in_dtype="pandas",
                   check_finite=False, frame=ddf, name="n")
    pd.testing.assert_series_equal(out.compute(), pd.Series([1, 2, 3, 4], name="n"))


def _frame(npartitions=3):
    pdf = pd.DataFrame({"a": np.arange(9.0), "b": -np.arange(9.0)}, index=np.arange(10, 19))
    return pdf, dd.from_pandas(pdf, npartitions=npartitions, sort=True)


def test_frame_output_of_an_array_keeps_the_frame_index():
    pdf, ddf = _frame()
    out = map_rows(_two, check_array(ddf), out_dtype=np.float64, n_out=2)  # one block a partition
    frame = frame_output(out, ddf, ["p", "q"])
    assert isinstance(frame, dd.DataFrame) and frame.divisions == ddf.divisions
    expected = pd.DataFrame({"p": pdf["a"], "q": -pdf["a"]})
    pd.testing.assert_frame_equal(frame.compute(), expected, check_column_type=False)


def test_frame_output_1d_and_series():
    pdf, ddf = _frame()
    out = frame_output(ddf["a"] * 2, ddf, ["twice"])
    assert list(out.columns) == ["twice"] and out.divisions == ddf.divisions
    np.testing.assert_array_equal(out.compute()["twice"], pdf["a"] * 2)
    X = da.from_array(pdf.to_numpy(), chunks=(4, 2))
    out = frame_output(X[:, 0], X, ["a"])
    assert out.divisions == (0, 4, 8, 8)
    np.testing.assert_array_equal(out.compute()["a"], pdf["a"])


def test_frame_output_renames_a_copy():
    _, ddf = _frame()
    out = frame_output(ddf, ddf, ["x", "y"])
    assert list(out.columns) == ["x", "y"] and list(ddf.columns) == ["a", "b"]
    assert frame_output(ddf, ddf, ["a", "b"]) is ddf
    assert frame_output(ddf, ddf) is ddf


def test_frame_output_numbers_array_rows_by_the_input_chunks():
    Xn = np.arange(18.0).reshape(9, 2)
    X = da.from_array(Xn, chunks=(4, 2))
    unknown = X[da.ones(9, dtype=bool, chunks=4)]
    out = frame_output(unknown, X, ["a", "b"])  # X knows the row block sizes
    assert out.divisions == (0, 4, 8, 8)
    pd.testing.assert_index_equal(out.compute().index, pd.RangeIndex(9), exact=False)
    out = frame_output(unknown, unknown)  # nobody knows them: dask numbers each block from 0
    assert not out.known_divisions
    assert out.compute().index.tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 0]


def test_frame_output_refuses_misaligned_blocks():
    _, ddf = _frame()
    X = da.ones((9, 2), chunks=(5, 2))
    with pytest.raises(ValueError, match="2 row blocks but the input DataFrame 3 partitions"):
        frame_output(X, ddf, ["a", "b"])


def _as_objects(block):
    return np.asarray(block, dtype=object)


def test_frame_output_meta_equals_the_partitions():
    pdf = pd.DataFrame(
        {"s": ["a", "b", None, "c"], "f": [1.0, 2.0, 3.0, 4.0]}
    ).set_axis(pd.Index(np.arange(10, 14), name="key"))
    ddf = dd.from_pandas(pdf, npartitions=2)
    # an object output stays object (pandas would infer "str" for a column of strings),
    # with the input's index name and dtype in the meta
    obj = map_rows(_as_objects, ddf, out_dtype=object, n_out=2, in_dtype="pandas",
                   columns=["s", "f"], frame=ddf, check_finite=False)
    computed = obj.compute()
    pd.testing.assert_series_equal(obj._meta.dtypes, computed.dtypes)
    assert all(t == np.dtype(object) for t in computed.dtypes)
    assert obj._meta.index.name == computed.index.name == "key"
    assert obj._meta.index.dtype == computed.index.dtype
    # per-column dtypes
    dtypes = [pd.StringDtype(), np.dtype(np.float64)]
    typed = map_rows(_as_objects, ddf, out_dtype=object, n_out=2, in_dtype="pandas",
                     columns=["s", "f"], frame=ddf, check_finite=False, dtypes=dtypes)
    computed = typed.compute()
    assert list(typed.dtypes) == dtypes
    pd.testing.assert_series_equal(typed._meta.dtypes, computed.dtypes)
    pd.testing.assert_frame_equal(computed, pdf.astype({"s": "string"}))
    with pytest.raises(ValueError, match="dtypes has 1 entries for 2 columns"):
        map_rows(_as_objects, ddf, out_dtype=object, n_out=2, frame=ddf, dtypes=dtypes[:1])
    # a Series output keeps the index name too
    s = map_rows(_rowsum, ddf[["f"]], 0.0, out_dtype=np.float64, in_dtype=np.float64,
                 frame=ddf[["f"]], name="p")
    assert s._meta.index.name == s.compute().index.name == "key"


def _lengths(part, scale):
    return np.array([[len(s) * scale] for s in part], dtype=np.int64).reshape(-1, 1)


def test_map_row_blocks_over_a_bag_gives_one_block_per_partition():
    import dask
    import dask.bag as db

    from dask_scale._graph import map_row_blocks

    parts = [["ab", "c"], [], ["def"]]
    bag = db.from_delayed([dask.delayed(list)(p) for p in parts])
    out = map_row_blocks(_lengths, bag, 2, meta=np.empty((0, 1), dtype=np.int64))
    assert isinstance(out, da.Array) and out.numblocks == (3, 1) and np.isnan(out.shape[0])
    np.testing.assert_array_equal(out.compute(), [[4], [2], [6]])
    with pytest.raises(TypeError, match="array meta"):
        map_row_blocks(_lengths, bag, 2, meta=pd.DataFrame({"a": []}))


def test_map_row_blocks_gives_a_bag_partition_as_a_list():
    import dask.bag as db

    from dask_scale._graph import map_row_blocks

    # partitions that are generators: a function taking len() of its block still works
    bag = db.from_sequence(["ab", "c", "def"], npartitions=2).map_partitions(
        lambda p: (s for s in p)
    )
    out = map_row_blocks(_lengths, bag, 1, meta=np.empty((0, 1), dtype=np.int64))
    np.testing.assert_array_equal(out.compute(), [[2], [1], [3]])
