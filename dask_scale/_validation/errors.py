"""The "0 samples" error: scikit-learn's message, and the check after a pass found no rows;
the warning for a parameter that has no effect (:func:`warn_no_effect`)."""

from __future__ import annotations

import warnings

__all__ = [
    "EMPTY_INPUT_HINT",
    "check_n_rows",
    "inconsistent_lengths_error",
    "no_samples_error",
    "no_effect_message",
    "warn_no_effect",
]

_UNSET = object()

#: Where dask input of unknown size was found to have no rows.
EMPTY_INPUT_HINT = "X has no rows (e.g. a filter kept none)."


def no_samples_error(estimator, shape, *, minimum=1, hint=None):
    """scikit-learn's error for input with fewer than ``minimum`` rows (0 by default).

    ``estimator`` is the estimator or its name; ``hint`` is appended (what went wrong or
    what to check).
    """
    name = estimator if isinstance(estimator, str) else type(estimator).__name__
    message = (
        f"Found array with {shape[0]} sample(s) (shape={tuple(shape)}) while a minimum of "
        f"{minimum} is required by {name}."
    )
    return ValueError(message if hint is None else f"{message} {hint}")


def check_n_rows(estimator, n_rows, n_features):
    """Raise :func:`no_samples_error` when a pass found no rows at all (e.g. dask input with
    unknown chunk sizes that turned out empty)."""
    if n_rows < 1:
        raise no_samples_error(estimator, (0, n_features), hint=EMPTY_INPUT_HINT)


def inconsistent_lengths_error(lengths):
    """scikit-learn's error for inputs whose numbers of rows differ (``lengths``, in order)."""
    shown = [int(n) for n in lengths]
    return ValueError(f"Found input variables with inconsistent numbers of samples: {shown}")


def _name(estimator):
    return estimator if isinstance(estimator, str) else type(estimator).__name__


def no_effect_message(estimator, param, why, *, value=_UNSET, fix="leave it out", removed=False):
    """The text of :func:`warn_no_effect`: ``'param' has no effect in Name (why)[ and will be
    removed]; fix.`` (``param=value`` in place of ``'param'`` where ``value`` is given)."""
    what = f"'{param}'" if value is _UNSET else f"{param}={value!r}"
    later = " and will be removed" if removed else ""
    return f"{what} has no effect in {_name(estimator)} ({why}){later}; {fix}."


def warn_no_effect(
    estimator,
    param,
    why,
    *,
    value=_UNSET,
    fix="leave it out",
    removed=False,
    category=FutureWarning,
    stacklevel=2,
):
    """Warn that the parameter ``param`` of ``estimator`` (it, or its name) has no effect.

    A parameter kept so that dask-ml's or scikit-learn's calls run unchanged, but that
    cannot change anything here: ``why`` says why (no leading capital, no final period),
    ``fix`` what to do instead (default "leave it out"), ``value`` the value given when it
    matters (only some values have no effect). ``removed``: the parameter will be removed
    (say so with a FutureWarning). ``stacklevel`` counts as for :func:`warnings.warn` called
    where this is.
    """
    message = no_effect_message(estimator, param, why, value=value, fix=fix, removed=removed)
    warnings.warn(message, category, stacklevel=stacklevel + 1)
