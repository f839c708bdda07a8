"""Feature names and counts: ``feature_names_in_`` / ``n_features_in_`` set in fit and
checked afterwards (scikit-learn's messages), from metadata only."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "check_input_features",
    "columns_mismatch_sentence",
    "feature_names_message",
    "reraise_feature_names_error",
]


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
        raise ValueError(feature_names_message(fitted, names))


def _add_names(names):
    """scikit-learn's list of names in its feature-names error: one a line, 5 at most."""
    shown = [f"- {name}\n" for name in names[:5]]
    return "".join(shown) + ("- ...\n" if len(names) > 5 else "")


def _short(names, limit=10):
    names = [str(n) for n in names]
    return repr(names[:limit])[:-1] + ", ...]" if len(names) > limit else repr(names)


def columns_mismatch_sentence(fitted, names):
    """dask-ml's sentence for columns at transform/predict that differ from fit's."""
    return (
        f"Columns of 'X' do not match the training columns. Got {_short(names)}, expected "
        f"{_short(fitted)}.\n"
    )


def feature_names_message(fitted, names):
    """The error for feature names at transform/predict that differ from those of fit.

    scikit-learn's message (what ``check_estimator`` and scikit-learn users match on),
    followed by dask-ml's sentence for the same condition ("Columns of 'X' do not match the
    training columns"), so code written against either keeps matching.
    """
    fitted = [str(n) for n in fitted]
    names = [str(n) for n in names]
    unseen = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))
    msg = "The feature names should match those that were passed during fit.\n"
    if unseen:
        msg += "Feature names unseen at fit time:\n" + _add_names(unseen)
    if missing:
        msg += "Feature names seen at fit time, yet now missing:\n" + _add_names(missing)
    if not unseen and not missing:
        msg += "Feature names must be in the same order as they were in fit.\n"
    return msg + columns_mismatch_sentence(fitted, names)


def reraise_feature_names_error(exc, estimator, X):
    """Raise scikit-learn's feature-names error ``exc`` with dask-ml's sentence added.

    For in-memory input, whose check is scikit-learn's own; other errors are left alone
    (the function returns).
    """
    text = str(exc)
    if not text.startswith("The feature names should match") or "Columns of 'X'" in text:
        return
    names = _feature_names(X)
    fitted = getattr(estimator, "feature_names_in_", None)
    if names is None or fitted is None:
        return
    raise ValueError(text + columns_mismatch_sentence(fitted, names)) from exc
