"""TruncatedSVD against scikit-learn's on the same data (no centring)."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from _helpers import BlockCounter
from sklearn import decomposition as skd

import dask_scale.decomposition._truncated_svd as tsvd_module
from dask_scale.decomposition import TruncatedSVD

ATTRS = ("components_", "explained_variance_", "explained_variance_ratio_", "singular_values_")


def _data(n=500, p=10, seed=0):
    """Positive data (its mean dominates the first component) with a spectral gap."""
    rng = np.random.default_rng(seed)
    scales = np.array([8.0, 5.0, 3.0] + [0.3 / (i + 1) for i in range(p - 3)])
    q, _ = np.linalg.qr(rng.normal(size=(p, p)))
    return rng.normal(size=(n, p)) * scales @ q + 2.0


def _exact(X, k):
    """scikit-learn's randomized algorithm run to convergence (machine precision here)."""
    return skd.TruncatedSVD(k, algorithm="randomized", n_iter=30, random_state=0).fit(X)


@pytest.mark.parametrize("kind", ["numpy", "dask", "frame"])
def test_tsqr_equals_sklearn(kind):
    X = _data()
    if kind == "dask":
        Xin = da.from_array(X, chunks=(120, 10))
    elif kind == "frame":
        Xin = dd.from_pandas(pd.DataFrame(X, columns=list("abcdefghij")), npartitions=3)
    else:
        Xin = X
    ours = TruncatedSVD(3).fit(Xin)
    theirs = _exact(X, 3)
    for attr in ATTRS:
        np.testing.assert_allclose(getattr(ours, attr), getattr(theirs, attr), rtol=1e-8,
                                   atol=1e-12, err_msg=attr)
    Z = ours.transform(Xin)
    assert not isinstance(Z, np.ndarray) or kind == "numpy"
    Z = Z.compute() if hasattr(Z, "compute") else Z
    np.testing.assert_allclose(np.asarray(Z), theirs.transform(X), rtol=1e-8, atol=1e-10)
    back = ours.inverse_transform(theirs.transform(X))
    np.testing.assert_allclose(back, theirs.inverse_transform(theirs.transform(X)), rtol=1e-8)


def test_randomized_matches_exact():
    X = _data(n=600, p=40)
    ours = TruncatedSVD(3, algorithm="randomized", n_iter=5, random_state=0)
    ours.fit(da.from_array(X, chunks=(150, 40)))
    theirs = _exact(X, 3)
    np.testing.assert_allclose(ours.explained_variance_ratio_,
                               theirs.explained_variance_ratio_, rtol=1e-6)
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-6)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-8)


@pytest.mark.parametrize(("algorithm", "passes"), [("tsqr", 1), ("randomized", 1)])
def test_passes(algorithm, passes):
    # 10 features: randomized range finding runs on the R of one pass
    counter = BlockCounter(4)
    X = counter.wrap(da.from_array(_data(n=400), chunks=(100, 10)), name=f"tsvd-{algorithm}")
    TruncatedSVD(2, algorithm=algorithm, n_iter=3, random_state=0).fit(X)
    np.testing.assert_array_equal(counter.per_block, [passes] * 4)


def test_randomized_one_pass_route_matches_the_passes(monkeypatch):
    # 100 features, 12 random vectors, n_iter=3: 4 passes of products cost less than one R
    rng = np.random.default_rng(6)
    X = rng.normal(size=(400, 100)) * np.linspace(3, 0.1, 100) + 1.0
    counter = BlockCounter(4)
    Xd = counter.wrap(da.from_array(X, chunks=(100, 100)), name="tsvd-wide")
    passes = TruncatedSVD(2, algorithm="randomized", n_iter=3, random_state=0).fit(Xd)
    np.testing.assert_array_equal(counter.per_block, [4] * 4)
    monkeypatch.setattr(tsvd_module, "one_pass_cheaper", lambda *args: True)
    counter.reset()
    one = TruncatedSVD(2, algorithm="randomized", n_iter=3, random_state=0).fit(Xd)
    np.testing.assert_array_equal(counter.per_block, [1] * 4)
    np.testing.assert_allclose(one.singular_values_, passes.singular_values_, rtol=1e-10)
    np.testing.assert_allclose(one.components_, passes.components_, atol=1e-9)
    np.testing.assert_allclose(one.explained_variance_, passes.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(
        one.explained_variance_ratio_, passes.explained_variance_ratio_, rtol=1e-9
    )


def test_bad_input_is_sklearns_error():
    X = _data(n=50)
    with pytest.raises(ValueError, match=r"n_components\(11\) must be <= n_features\(10\)"):
        TruncatedSVD(11).fit(da.from_array(X, chunks=20))
    with pytest.raises(ValueError, match="a minimum of 2 is required by TruncatedSVD"):
        TruncatedSVD(1).fit(da.from_array(X[:, :1], chunks=20))
    with pytest.warns(UserWarning, match="arpack"):
        TruncatedSVD(2, tol=0.1).fit(X)


def test_rank_deficient_data_still_gives_orthonormal_components():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) @ rng.normal(size=(2, 6))  # rank 2, 4 components asked
    for algorithm in ("tsqr", "randomized"):
        svd = TruncatedSVD(4, algorithm=algorithm, random_state=0)
        svd.fit(da.from_array(X, chunks=50))
        np.testing.assert_allclose(svd.components_ @ svd.components_.T, np.eye(4), atol=1e-8)
        np.testing.assert_allclose(svd.singular_values_[2:], 0, atol=1e-8)
