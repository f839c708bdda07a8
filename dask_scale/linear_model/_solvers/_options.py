"""Checks of ``solver_kwargs`` values: each solver module lists one check per option.

:func:`dask_scale.linear_model._solvers.make_solver` runs them before any data is read, so a
value that cannot work (a negative step, zero line-search trials) is refused with the option's
name, never turned into a silent all-zero fit.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "BOOLEAN",
    "NON_NEGATIVE",
    "NON_NEGATIVE_INT",
    "OPTIONAL_NON_NEGATIVE",
    "OPTIONAL_POSITIVE",
    "POSITIVE",
    "POSITIVE_INT",
    "check_option",
    "open_interval",
]


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v)


POSITIVE = ("a finite number > 0", lambda v: _is_real(v) and v > 0)
NON_NEGATIVE = ("a finite number >= 0", lambda v: _is_real(v) and v >= 0)
OPTIONAL_POSITIVE = ("None or a finite number > 0", lambda v: v is None or POSITIVE[1](v))
OPTIONAL_NON_NEGATIVE = (
    "None or a finite number >= 0",
    lambda v: v is None or (_is_real(v) and v >= 0),
)
POSITIVE_INT = (
    "an integer >= 1",
    lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1,
)
NON_NEGATIVE_INT = (
    "an integer >= 0",
    lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0,
)
BOOLEAN = ("True or False", lambda v: isinstance(v, (bool, np.bool_)))


def open_interval(low, high):
    return (f"a number in ({low}, {high})", lambda v: _is_real(v) and low < v < high)


def check_option(solver, name, value, rule):
    """Raise a ValueError naming ``solver_kwargs[name]`` when ``value`` breaks ``rule``."""
    what, ok = rule
    if not ok(value):
        raise ValueError(
            f"solver_kwargs[{name!r}] for solver={solver!r} must be {what}, got {value!r}."
        )
