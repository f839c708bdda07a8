"""scikit-learn's estimator checks over every public dask_scale estimator (NumPy input)."""

from _helpers import EXPECTED_FAILED_CHECKS, default_instance
from sklearn.utils.estimator_checks import parametrize_with_checks

from dask_scale.utils import all_estimators


def _instances():
    """One instance per public estimator; meta-estimators get a default inner estimator."""
    return [default_instance(name, cls) for name, cls in all_estimators()]


def test_every_subpackage_exports_estimators():
    names = [name for name, _ in all_estimators()]
    assert names == sorted(names)
    assert {"KMeans", "LogisticRegression", "StandardScaler", "ColumnTransformer"} <= set(names)


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(_instances(), expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
