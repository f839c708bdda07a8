"""The "0 samples" error: scikit-learn's message, and the check after a pass found no rows."""

from __future__ import annotations

__all__ = [
    "EMPTY_INPUT_HINT",
    "check_n_rows",
    "inconsistent_lengths_error",
    "no_samples_error",
]

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
