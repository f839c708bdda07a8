"""Transformers returning dask DataFrames: the meta is what the partitions hold.

A dask DataFrame's meta (``out._meta``) declares the dtypes of its partitions; a meta that
says ``object`` where the partitions hold pandas ``str`` makes ``to_parquet`` fail and makes
the next step see the wrong dtypes. Every transformer that passes string columns through
(or fills them) is checked on a frame with string, categorical, float and int columns.
"""

from __future__ import annotations

import warnings

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import default_instance, table_estimators

from dask_scale.compose import ColumnTransformer
from dask_scale.impute import SimpleImputer
from dask_scale.preprocessing import (
    Categorizer,
    DummyEncoder,
    OrdinalEncoder,
    StandardScaler,
)
from dask_scale.utils import all_estimators


def _frame():
    return pd.DataFrame({
        "s": pd.Series(["a", None, "b", "a", "c", "b"], dtype="str"),
        "t": pd.Series(["u", "v", "u", None, "v", "u"], dtype="string"),
        "c": pd.Categorical(["x", "y", "x", "y", None, "x"]),
        "f": [1.0, np.nan, 2.0, 3.0, 4.0, 5.0],
        "i": [1, 2, 3, 4, 5, 6],
    }).set_axis(pd.RangeIndex(10, 16, name="key"))


CASES = {
    "SimpleImputer-most_frequent": lambda: SimpleImputer(strategy="most_frequent"),
    "SimpleImputer-constant": lambda: SimpleImputer(strategy="constant", fill_value="?",
                                                    add_indicator=True),
    "OrdinalEncoder-passthrough": lambda: OrdinalEncoder(columns=["c"]),
    "Categorizer": lambda: Categorizer(),
    "Categorizer-columns": lambda: Categorizer(columns=["s"]),
    "DummyEncoder-passthrough": lambda: DummyEncoder(columns=["c"]),
    "ColumnTransformer-passthrough": lambda: ColumnTransformer(
        [("scale", StandardScaler(), ["i"])], remainder="passthrough"
    ),
}
# the output columns that hold strings
STRINGS = {
    "SimpleImputer-most_frequent": ["s", "t", "c"],
    "SimpleImputer-constant": ["s", "t", "c"],
    "OrdinalEncoder-passthrough": ["s", "t"],
    "Categorizer": [],
    "Categorizer-columns": ["t"],
    "DummyEncoder-passthrough": ["s", "t"],
    "ColumnTransformer-passthrough": ["remainder__s", "remainder__t"],
}
# outputs with a column of mixed strings and numbers (object) cannot be written to Parquet
NO_PARQUET = {"SimpleImputer-constant"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_meta_equals_computed_dtypes_and_parquet_round_trips(name, tmp_path):
    frame = _frame()
    dframe = dd.from_pandas(frame, npartitions=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. "skipping features without values"
        out = CASES[name]().fit(dframe).transform(dframe)
    assert isinstance(out, dd.DataFrame)
    computed = out.compute()
    pd.testing.assert_series_equal(out._meta.dtypes, computed.dtypes)
    pd.testing.assert_series_equal(out.dtypes, computed.dtypes)
    pd.testing.assert_index_equal(computed.index, frame.index)
    assert out._meta.index.name == computed.index.name
    assert out._meta.index.dtype == computed.index.dtype
    # the string columns the transformer passes through or fills keep a string dtype
    for col in STRINGS[name]:
        assert isinstance(computed[col].dtype, pd.StringDtype), col
    if name in NO_PARQUET:
        return
    out.to_parquet(tmp_path / "out")
    back = dd.read_parquet(tmp_path / "out").compute()
    # Parquet has one string type ("str" comes back as "string"), categories come back
    # as they were
    pd.testing.assert_frame_equal(back, computed, check_dtype=False, check_categorical=False)
    assert list(back.columns) == list(computed.columns)


def _same_meta(out):
    computed = out.compute()
    if isinstance(out, dd.DataFrame):
        pd.testing.assert_series_equal(out._meta.dtypes, computed.dtypes)
    else:
        assert out._meta.dtype == computed.dtype
    assert out._meta.index.name == computed.index.name
    assert out._meta.index.dtype == computed.index.dtype


@pytest.mark.parametrize("name", sorted(n for n, _ in table_estimators() if n != "LabelEncoder"))
def test_every_frame_output_has_the_meta_of_its_partitions(name):
    """Transforms and predictions on a dask DataFrame with a named index."""
    rng = np.random.default_rng(0)
    index = pd.RangeIndex(100, 160, name="key")
    frame = pd.DataFrame(
        rng.integers(0, 3, size=(60, 3)).astype(float), columns=["a", "b", "c"]
    ).set_axis(index)
    X = dd.from_pandas(frame, npartitions=3)
    y = dd.from_pandas(pd.Series(np.arange(60) % 2, index=index, name="y"), npartitions=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = default_instance(name, dict(all_estimators())[name]).fit(X, y)
        outs = [
            getattr(est, m)(X)
            for m in ("transform", "predict", "predict_proba", "decision_function")
            if hasattr(est, m)
        ]
    frames = [o for o in outs if isinstance(o, (dd.DataFrame, dd.Series))]
    if not frames:
        pytest.skip(f"{name} gives dask arrays for a dask DataFrame")
    for out in frames:
        _same_meta(out)
