"""scikit-learn's estimator checks over every public dask_scale estimator (NumPy input)."""

import inspect

from sklearn.utils.estimator_checks import parametrize_with_checks

from dask_scale.utils import all_estimators


def _instances():
    """One instance per public estimator; meta-estimators get a default inner estimator."""
    from sklearn.linear_model import LogisticRegression as SkLogistic
    from sklearn.linear_model import SGDClassifier

    needs_inner = {
        "ParallelPostFit": lambda cls: cls(SkLogistic()),
        "Incremental": lambda cls: cls(SGDClassifier(random_state=0, tol=None, max_iter=5)),
        "BlockTransformer": lambda cls: cls(func=_identity),
    }
    out = []
    for name, cls in all_estimators():
        if name in needs_inner:
            out.append(needs_inner[name](cls))
            continue
        required = [
            p
            for p in inspect.signature(cls).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
        ]
        if required:
            raise AssertionError(
                f"{name} needs constructor arguments {[p.name for p in required]}; "
                "add it to needs_inner in tests/test_common.py"
            )
        out.append(cls())
    return out


def _identity(X):
    return X


def test_every_subpackage_exports_estimators():
    names = [name for name, _ in all_estimators()]
    assert names == sorted(names)


@parametrize_with_checks(_instances())
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
