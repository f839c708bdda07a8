"""Progress reporting for long fits (``verbose``): iteration, objective, elapsed time."""

from __future__ import annotations

import logging
import sys
import time

__all__ = ["IterationLog"]

logger = logging.getLogger("dask_scale")


class IterationLog:
    """Report each iteration of a fit when ``verbose`` is positive.

    Lines go to stderr (and to the ``dask_scale`` logger at INFO level, whatever ``verbose``)
    so long fits show progress in notebooks and terminals alike.

    Parameters
    ----------
    name : str
        What is being fitted, e.g. ``"KMeans"``.
    verbose : int
        0 prints nothing; 1 prints every iteration.
    what : str, default="objective"
        Name of the tracked value.
    """

    def __init__(self, name, verbose, what="objective"):
        self.name = name
        self.verbose = int(verbose or 0)
        self.what = what
        self.start = time.perf_counter()

    def __call__(self, iteration, value, **extra):
        elapsed = time.perf_counter() - self.start
        more = "".join(f", {k}={v:.4g}" if isinstance(v, float) else f", {k}={v}" for k, v in extra.items())
        line = f"[{self.name}] iter {iteration}: {self.what}={value:.6g}{more} ({elapsed:.2f}s)"
        logger.info(line)
        if self.verbose > 0:
            print(line, file=sys.stderr, flush=True)
