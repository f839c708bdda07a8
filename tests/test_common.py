"""scikit-learn's estimator checks over every public dask_scale estimator (NumPy input)."""

from _helpers import default_instance
from sklearn.utils.estimator_checks import parametrize_with_checks

from dask_scale.utils import all_estimators


def _instances():
    """One instance per public estimator; meta-estimators get a default inner estimator."""
    return [default_instance(name, cls) for name, cls in all_estimators()]


def test_every_subpackage_exports_estimators():
    names = [name for name, _ in all_estimators()]
    assert names == sorted(names)
    assert {"KMeans", "LogisticRegression", "StandardScaler", "ColumnTransformer"} <= set(names)


@parametrize_with_checks(_instances())
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
