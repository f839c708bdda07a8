"""dask_scale.feature_extraction._documents: what counts as documents, and their checks."""

import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from dask_scale._types import is_dask_bag, is_lazy
from dask_scale.feature_extraction._documents import (
    as_documents,
    checked_documents,
)


def test_lazy_kinds_are_kept_and_one_column_frames_give_their_column():
    bag = db.from_sequence(["a", "b"], npartitions=1)
    assert as_documents(bag, "V") is bag and is_dask_bag(bag)
    frame = dd.from_pandas(pd.DataFrame({"t": ["a", "b"]}), npartitions=1)
    column = as_documents(frame, "V")
    assert isinstance(column, dd.Series) and column.name == "t"
    arr = da.from_array(np.array([["a"], ["b"]], dtype=object), chunks=1)
    assert as_documents(arr, "V").ndim == 1
    pdf = pd.DataFrame({"t": ["a", "b"]})
    assert list(as_documents(pdf, "V")) == ["a", "b"]
    for lazy in (bag, column, as_documents(arr, "V")):
        assert is_lazy(lazy)
    assert not is_lazy(["a"]) and not is_lazy(pd.Series(["a"]))


def test_checked_documents_stream_and_name_the_bad_one():
    def stream():
        yield "one"
        yield b"two"
        yield 3

    seen = []
    with pytest.raises(TypeError, match=r"Document 2 is a int \(3\)\. Convert"):
        for doc in checked_documents(stream(), "text", "V"):
            seen.append(doc)
    assert seen == ["one", b"two"]  # read one at a time, the good ones passed on
    with pytest.raises(TypeError, match="Document 0 of its partition is a NoneType"):
        list(checked_documents([None], "text", "V", in_block=True))
    assert list(checked_documents([1, None], None, "V")) == [1, None]  # not checked


@pytest.mark.parametrize(
    "kind, good, bad",
    [
        ("path", ["a.txt"], 1.5),
        ("file", [], "a.txt"),
        ("mapping", [{"a": 1}], [("a", 1)]),
        ("pairs", [[("a", 1)]], "a"),
        ("strings", [["a", "b"]], "ab"),
    ],
)
def test_each_kind_takes_its_items_and_refuses_others(kind, good, bad):
    assert list(checked_documents(good, kind, "V")) == good
    with pytest.raises(TypeError, match="V expects each item to be"):
        list(checked_documents([bad], kind, "V"))
