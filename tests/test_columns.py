"""Column-wise access shared by the encoders and the imputer (dask_scale._columns)."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from dask_scale._columns import column_counts, map_blocks_2d, sort_uniques, table_counts


def _frame():
    return pd.DataFrame(
        {
            "s": pd.Series(["b", "a", None, "b", "c", "a"] * 5, dtype="str"),
            "c": pd.Series(["x", "y", "x", None, "y", "x"] * 5, dtype="category"),
            "i": pd.Series([1, 2, None, 2, 1, 1] * 5, dtype="Int64"),
            "f": np.tile([0.5, np.nan, 0.5, 1.5, 2.5, 0.5], 5),
        }
    )


def _as_dict(counts):
    uniques, n, missing = counts
    return dict(zip(uniques.tolist(), n.tolist(), strict=True)), missing


def test_column_counts_normalise_the_distinct_values_only():
    counts, missing = _as_dict(column_counts(_frame()["c"]))
    assert counts == {"x": 15, "y": 10} and missing == 5
    uniques, _, _ = column_counts(_frame()["i"])
    assert uniques.dtype == np.int64  # a nullable column's values as NumPy numbers


@pytest.mark.parametrize("kind", ["numpy", "pandas", "dask array", "dask frame"])
def test_table_counts_is_the_same_for_every_kind_of_table(kind):
    pdf = _frame()
    expected = [_as_dict(column_counts(pdf[c])) for c in pdf.columns]
    X = {
        "numpy": lambda: pdf.astype(object).to_numpy(),
        "pandas": lambda: pdf,
        "dask array": lambda: da.from_array(pdf.astype(object).to_numpy(), chunks=(7, 2)),
        "dask frame": lambda: dd.from_pandas(pdf, npartitions=4),
    }[kind]()
    if kind == "dask array":
        X = X.rechunk({1: -1})
    summaries, n_rows = table_counts(X, split_every=2)
    assert n_rows == len(pdf)
    got = [_as_dict(s) for s in summaries]
    for (g, gm), (e, em) in zip(got, expected, strict=True):
        assert gm == em
        assert {str(k): v for k, v in g.items()} == {str(k): v for k, v in e.items()}


def test_sort_uniques_puts_missing_last_and_refuses_mixed_types():
    cats = sort_uniques(np.array(["b", "a"], dtype=object), True, 0)
    assert cats[:2].tolist() == ["a", "b"] and np.isnan(cats[2])
    with pytest.raises(TypeError, match="uniformly strings or numbers"):
        sort_uniques(np.array(["a", 1], dtype=object), False, 3)


def _lengths(columns):
    return np.stack([np.asarray([len(str(v)) for v in c]) for c in columns], axis=1)


@pytest.mark.parametrize("kind", ["memory", "array", "frame"])
def test_map_blocks_2d_keeps_the_container_kind(kind):
    pdf = pd.DataFrame({"s": ["a", "bb", "ccc", "dddd"], "t": ["x", "yy", "z", "ww"]})
    X = {
        "memory": pdf.to_numpy(),
        "array": da.from_array(pdf.to_numpy(), chunks=(2, 2)),
        "frame": dd.from_pandas(pdf, npartitions=2),
    }[kind]
    out = map_blocks_2d(_lengths, kind, X, n_out=2, dtype=np.int64, names=["ls", "lt"])
    expected = np.array([[1, 1], [2, 2], [3, 1], [4, 2]])
    if kind == "frame":
        out = out.compute()
        assert list(out.columns) == ["ls", "lt"]
        out = out.to_numpy()
    elif kind == "array":
        out = out.compute()
    np.testing.assert_array_equal(out, expected)
