"""Feature names and counts: ``feature_names_in_`` / ``n_features_in_`` set in fit and
checked afterwards (scikit-learn's messages), from metadata only."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["check_input_features"]


def _feature_names(X):
    cols = getattr(X, "columns", None)
    if cols is None:
        return None
    names = list(cols)
    types = {type(c) for c in names}
    if not names:
        return None
    if all(isinstance(c, str) for c in names):
        return np.asarray(names, dtype=object)
    if any(isinstance(c, str) for c in names):
        raise TypeError(
            "Feature names are only supported if all input features have string names, "
            f"but your input has {sorted(t.__name__ for t in types)} as feature name / column "
            "name types. Convert them all to str, e.g. X.columns = X.columns.astype(str)."
        )
    return None


def check_input_features(est, input_features=None):
    """The input feature names of ``est``: given ones checked, else fitted, else ``x0..``."""
    fitted = getattr(est, "feature_names_in_", None)
    n = getattr(est, "n_features_in_", None)
    if input_features is not None:
        input_features = np.asarray(input_features, dtype=object)
        if fitted is not None and not np.array_equal(fitted, input_features):
            raise ValueError("input_features is not equal to feature_names_in_")
        if n is not None and len(input_features) != n:
            raise ValueError(
                f"input_features should have length equal to number of features ({n}), "
                f"got {len(input_features)}"
            )
        return input_features
    if fitted is not None:
        return np.asarray(fitted, dtype=object)
    if n is None:
        raise ValueError("Unable to generate feature names without n_features_in_")
    return np.asarray([f"x{i}" for i in range(n)], dtype=object)


def _check_n_features(estimator, n_features, reset):
    if reset:
        estimator.n_features_in_ = n_features
        return
    expected = getattr(estimator, "n_features_in_", None)
    if expected is not None and n_features != expected:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is expecting "
            f"{expected} features as input."
        )


def _check_feature_names(estimator, X, reset):
    names = _feature_names(X)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    cls = type(estimator).__name__
    if fitted is None and names is None:
        return
    if names is not None and fitted is None:
        warnings.warn(
            f"X has feature names, but {cls} was fitted without feature names", UserWarning
        )
        return
    if names is None and fitted is not None:
        warnings.warn(
            f"X does not have valid feature names, but {cls} was fitted with feature names",
            UserWarning,
        )
        return
    if len(names) != len(fitted) or np.any(names != fitted):
        unseen = sorted(set(names) - set(fitted))
        missing = sorted(set(fitted) - set(names))
        msg = "The feature names should match those that were passed during fit.\n"
        if unseen:
            msg += f"Feature names unseen at fit time: {unseen[:10]}\n"
        if missing:
            msg += f"Feature names seen at fit time, yet now missing: {missing[:10]}\n"
        if not unseen and not missing:
            msg += "Feature names must be in the same order as they were in fit.\n"
        raise ValueError(msg)
