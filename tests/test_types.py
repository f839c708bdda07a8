"""dask_scale._types: what kind of input a value is."""

import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from dask_scale._types import is_dask_collection, is_lazy

_PDF = pd.DataFrame({"a": [1.0, 2.0]})


@pytest.mark.parametrize(
    "value, lazy, collection",
    [
        (da.ones((2, 2), chunks=1), True, True),
        (dd.from_pandas(_PDF, npartitions=1), True, True),
        (dd.from_pandas(_PDF["a"], npartitions=1), True, True),
        (db.from_sequence(["x", "y"], npartitions=1), True, False),
        (np.ones((2, 2)), False, False),
        (_PDF, False, False),
        (["x", "y"], False, False),
        (None, False, False),
    ],
)
def test_is_lazy_is_a_dask_collection_or_a_bag(value, lazy, collection):
    assert is_lazy(value) is lazy
    assert is_dask_collection(value) is collection
