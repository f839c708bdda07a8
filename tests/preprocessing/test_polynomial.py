"""PolynomialFeatures: bit for bit scikit-learn's, on arrays and DataFrames."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp

from dask_scale.preprocessing import PolynomialFeatures

X = np.random.default_rng(0).lognormal(size=(200, 3))


@pytest.mark.parametrize("degree", [0, 1, 2, 3, (2, 3)])
@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("include_bias", [True, False])
def test_matches_sklearn_exactly(degree, interaction_only, include_bias):
    if degree == 0 and not include_bias:
        with pytest.raises(ValueError, match="empty output"):
            PolynomialFeatures(degree, include_bias=False).fit(X)
        return
    params = dict(interaction_only=interaction_only, include_bias=include_bias)
    ours = PolynomialFeatures(degree, **params).fit(da.from_array(X, chunks=(50, 3)))
    ref = skp.PolynomialFeatures(degree, **params).fit(X)
    assert ours.n_output_features_ == ref.n_output_features_
    np.testing.assert_array_equal(ours.powers_, ref.powers_)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    np.testing.assert_array_equal(ours.transform(X), ref.transform(X))
    np.testing.assert_array_equal(ours.transform(da.from_array(X, chunks=(50, 3))).compute(),
                                  ref.transform(X))


def test_dataframes_and_errors():
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    dframe = dd.from_pandas(frame, npartitions=3)
    out = PolynomialFeatures().fit(dframe).transform(dframe)
    assert isinstance(out, dd.DataFrame)
    assert list(out.columns)[:5] == ["1", "a", "b", "c", "a^2"]
    np.testing.assert_array_equal(out.compute().to_numpy(),
                                  skp.PolynomialFeatures().fit_transform(X))
    arr = PolynomialFeatures(preserve_dataframe=False).fit(dframe).transform(dframe)
    assert isinstance(arr, da.Array)
    with pytest.raises(ValueError, match="min_degree <= max_degree"):
        PolynomialFeatures((3, 2)).fit(X)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PolynomialFeatures().fit(X).transform(da.from_array(Xn, chunks=(50, 3))).compute()
