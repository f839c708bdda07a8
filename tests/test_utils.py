import dask.array as da
import numpy as np
import pytest
from sklearn.base import BaseEstimator

from dask_scale.utils import assert_estimator_equal


class _Fitted(BaseEstimator):
    def __init__(self, a=None, b=None, n=1):
        self.coef_ = a
        self.labels_ = b
        self.n_iter_ = n


def test_assert_estimator_equal_passes_and_fails():
    a = _Fitted(np.array([1.0, 2.0]), da.from_array(np.array([0, 1]), chunks=1), 3)
    b = _Fitted(np.array([1.0, 2.0 + 1e-12]), np.array([0, 1]), 3)
    assert_estimator_equal(a, b)
    c = _Fitted(np.array([1.0, 2.1]), np.array([0, 1]), 3)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, c)
    d = _Fitted(np.array([1.0, 2.0]), np.array([0, 1]), 4)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, d)
    assert_estimator_equal(a, d, exclude=["n_iter_"])
    e = _Fitted(np.array([1.0, 2.0]), np.array([1, 1]), 3)
    with pytest.raises(AssertionError):
        assert_estimator_equal(a, e)
