"""The one way a kernel is compiled and called: ``@kernel`` (numba ``njit`` plus argument
normalisation).

numba compiles one machine-code specialisation per combination of argument *types*, and an
array's type holds its layout (``C``, ``F`` or ``A``) and whether it is read-only besides
its dtype and rank. Blocks reach the kernels with every combination: pandas (copy-on-write)
and distributed deserialisation hand out read-only arrays, NumPy writable ones, frames
Fortran-ordered ones, slices non-contiguous ones; optional arguments arrive as ``None`` or
not at all (``omitted(default=None)`` and ``none`` are different numba types). Each
combination costs a full compilation (seconds) on a cold cache: a user's first fit, a clean
checkout's test run.

``@kernel`` puts every argument in one canonical form before the compiled code sees it, so
only the distinctions that matter are compiled: the dtype (float32 / float64) and
``None``-vs-array where it prunes a branch of the hot loop.

- Array arguments the kernel only reads (``reads``) are passed as **read-only views**
  (free: a view with ``writeable=False``; numba refuses to compile a write through one);
  C-contiguous where they are not already, or F-contiguous arrays kept as they are where
  the kernel lists the argument in ``keep_f`` (the kernel's loops suit both and copying a
  Fortran block would cost a pass over it on every call).
- Every parameter is passed explicitly, defaults filled in: ``f(X)`` and ``f(X, None)`` are
  one specialisation.
- Arguments not named in ``reads`` (outputs the kernel writes, scalars) pass unchanged.

Why not an explicit signature list (``njit([sig, ...])``)? numba does accept a writable
array for a read-only signature (a safe conversion), but not a Fortran array for a ``C``
one, nor an omitted argument for a ``none`` one; it would compile every listed variant
eagerly at import (float32 ones too, for every user), and an unlisted combination raises
instead of compiling. Normalising in Python costs a few microseconds per block and keeps
lazy compilation of only what is used.

The compiled dispatcher stays reachable as ``kernel_function.dispatcher`` (for calls from
other compiled code and for inspecting its ``signatures``); the public name is a plain
Python function, so it pickles by reference.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np
from numba import njit

__all__ = ["kernel", "readonly"]


def readonly(a, keep_f=False):
    """``a`` as a read-only view, C-contiguous (F-contiguous kept if ``keep_f``).

    A non-array (``None``, a scalar) is returned unchanged. Copies only an array that is in
    neither accepted layout.
    """
    if not isinstance(a, np.ndarray):
        return a
    if not (a.flags.c_contiguous or (keep_f and a.flags.f_contiguous)):
        a = np.ascontiguousarray(a)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def kernel(*, reads=(), keep_f=(), **options):
    """Decorator: compile ``func`` with ``njit(nogil=True, cache=True, **options)`` and call
    it with normalised arguments (see the module docstring).

    Parameters
    ----------
    reads : tuple of str
        Parameters that are input arrays (or None) the kernel only reads.
    keep_f : tuple of str
        Those of ``reads`` whose Fortran-ordered arrays are passed as they are.
    **options
        Further ``njit`` options (``fastmath``, ...).
    """

    def decorate(func):
        params = list(inspect.signature(func).parameters.values())
        names = [p.name for p in params]
        unknown = (set(reads) | set(keep_f)) - set(names)
        if unknown or not set(keep_f) <= set(reads):
            raise TypeError(f"{func.__name__}: bad reads/keep_f {sorted(unknown) or keep_f}")
        defaults = [p.default for p in params]
        index = {name: i for i, name in enumerate(names)}
        # (position, keep F) of every read-only argument
        plan = tuple((index[name], name in keep_f) for name in reads)
        dispatcher = njit(nogil=True, cache=True, **options)(func)
        n_params = len(names)
        empty = inspect.Parameter.empty

        @functools.wraps(func)
        def call(*args, **kwargs):
            if len(args) > n_params:
                raise TypeError(
                    f"{func.__name__}() takes {n_params} arguments, {len(args)} given"
                )
            full = list(args) + defaults[len(args) :]
            for name, value in kwargs.items():
                i = index.get(name)
                if i is None or i < len(args):
                    raise TypeError(f"{func.__name__}() got an unexpected or repeated "
                                    f"argument {name!r}")
                full[i] = value
            for i, value in enumerate(full):
                if value is empty:
                    raise TypeError(f"{func.__name__}() missing argument {names[i]!r}")
            for i, f_ok in plan:
                full[i] = readonly(full[i], f_ok)
            return dispatcher(*full)

        call.dispatcher = dispatcher
        return call

    return decorate
