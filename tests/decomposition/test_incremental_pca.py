"""IncrementalPCA against scikit-learn's on the same batches (dask blocks are batches)."""

import dask.array as da
import numpy as np
import pytest
from _helpers import BlockCounter
from sklearn import decomposition as skd

from dask_scale.decomposition import IncrementalPCA

ATTRS = (
    "components_",
    "explained_variance_",
    "explained_variance_ratio_",
    "singular_values_",
    "mean_",
    "var_",
    "noise_variance_",
)


def _data(n=500, p=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)) * np.array([5.0, 3.0, 1.0, 0.5, 0.2, 0.1]) + 10.0


def _assert_equal(ours, theirs):
    assert ours.n_components_ == theirs.n_components_
    assert ours.n_samples_seen_ == theirs.n_samples_seen_
    for attr in ATTRS:
        np.testing.assert_allclose(getattr(ours, attr), getattr(theirs, attr), rtol=1e-8,
                                   atol=1e-12, err_msg=attr)


def test_blocks_are_the_batches():
    X = _data()
    chunks = (100, 150, 50, 200)
    ours = IncrementalPCA(3).fit(da.from_array(X, chunks=(chunks, 6)))
    theirs = skd.IncrementalPCA(3)
    start = 0
    for size in chunks:
        theirs.partial_fit(X[start : start + size])
        start += size
    _assert_equal(ours, theirs)
    assert ours.batch_size_ is None
    np.testing.assert_allclose(ours.transform(da.from_array(X, chunks=100)).compute(),
                               theirs.transform(X), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("kind", "batch_size"), [("numpy", None), ("numpy", 70), ("dask", 70)])
def test_fit_equals_sklearn_fit(kind, batch_size):
    X = _data()
    Xin = X if kind == "numpy" else da.from_array(X, chunks=(130, 6))
    ours = IncrementalPCA(2, whiten=True, batch_size=batch_size).fit(Xin)
    theirs = skd.IncrementalPCA(2, whiten=True, batch_size=batch_size).fit(X)
    _assert_equal(ours, theirs)
    assert ours.batch_size_ == theirs.batch_size_
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-8, atol=1e-10)


def test_partial_fit_over_dask_blocks_reads_each_once():
    X = _data()
    counter = BlockCounter(5)
    Xd = counter.wrap(da.from_array(X, chunks=(100, 6)), name="ipca-blocks")
    ours = IncrementalPCA(3)
    ours.partial_fit(Xd)
    np.testing.assert_array_equal(counter.per_block, [1] * 5)
    ours.partial_fit(X[:60])
    theirs = skd.IncrementalPCA(3)
    for i in range(5):
        theirs.partial_fit(X[100 * i : 100 * (i + 1)])
    theirs.partial_fit(X[:60])
    _assert_equal(ours, theirs)


def test_randomized_batches_close_to_full():
    X = _data(n=400)
    full = IncrementalPCA(2).fit(da.from_array(X, chunks=100))
    rand = IncrementalPCA(2, svd_solver="randomized", iterated_power=4, random_state=0)
    rand.fit(da.from_array(X, chunks=100))
    np.testing.assert_allclose(rand.explained_variance_ratio_, full.explained_variance_ratio_,
                               rtol=1e-6)
    np.testing.assert_allclose(rand.noise_variance_, full.noise_variance_, rtol=1e-6)


def test_bad_input_is_sklearns_error():
    X = _data(n=50)
    message = "must be less or equal to the batch number of samples 3"
    with pytest.raises(ValueError, match=message):
        IncrementalPCA(4).fit(da.from_array(X, chunks=((3, 47), 6)))
    with pytest.raises(ValueError, match="invalid for n_features=6"):
        IncrementalPCA(7).fit(da.from_array(X, chunks=25))
    with pytest.warns(UserWarning, match="copy=False"):
        IncrementalPCA(2, copy=False).fit(X)


def test_on_a_distributed_client_and_a_dataframe(client):
    import dask.dataframe as dd
    import pandas as pd

    X = _data()
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcdef")), npartitions=4)
    ours = IncrementalPCA(3).fit(frame)
    theirs = skd.IncrementalPCA(3)
    for part in frame.partitions:
        theirs.partial_fit(part.compute())
    _assert_equal(ours, theirs)
    out = ours.transform(frame)
    assert isinstance(out, dd.DataFrame)
    assert list(out.columns) == ["incrementalpca0", "incrementalpca1", "incrementalpca2"]
    np.testing.assert_allclose(out.compute().to_numpy(), theirs.transform(frame.compute()),
                               rtol=1e-8, atol=1e-10)
