"""Helpers for the dask.distributed Client, when one is active."""

from __future__ import annotations

__all__ = ["get_client"]


def get_client():
    """The default distributed Client, or ``None`` when dask runs on a local scheduler.

    dask_scale never starts a cluster by itself: computations go to whatever scheduler dask
    would use (a ``Client`` made default by its creation, or the threaded scheduler).
    """
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    try:
        return default_client()
    except ValueError:
        return None
