"""Touch memory once before timing, so that the first contender does not pay for the VM.

On a virtual machine whose memory the host backs lazily (Firecracker and the like), the first
time the guest touches a physical page costs a host page fault: measured on the 2-core VM
these benchmarks run on, filling 10 GB the first time took 23 s and 3.8 s the time after, and
concatenating a 1.7 GB result 5.0 s on untouched memory against 0.35 s on touched memory.
Whichever fit first allocates a large result would pay that cost, so each benchmark fills
and frees a buffer of about its own peak first (``--warm-gb``; 0 skips it). On bare metal
this costs about a second and changes nothing.
"""

from __future__ import annotations

import time

import numpy as np


def add_warm_option(parser, default_gb):
    parser.add_argument(
        "--warm-gb", type=float, default=default_gb,
        help=f"GB of memory to fill and free before timing (default: {default_gb:g}; 0: skip)",
    )


def warm_memory(gb):
    """Fill ``gb`` GB of fresh memory in 256 MB pieces, free it, and return the seconds taken.

    Never more than half of the memory available now, so a small machine does not swap.
    """
    if gb <= 0:
        return 0.0
    try:
        import psutil

        gb = min(gb, 0.5 * psutil.virtual_memory().available / 1e9)
    except ImportError:  # psutil comes with distributed; without it, trust the caller
        pass
    t0 = time.perf_counter()
    piece = 1 << 25  # float64 entries: 256 MB
    pieces = []
    for _ in range(max(1, int(gb * 1e9 / (piece * 8)))):
        buf = np.empty(piece)
        buf.fill(1.0)
        pieces.append(buf)
    del pieces
    seconds = time.perf_counter() - t0
    print(f"warmed {gb:.1f} GB of memory in {seconds:.1f} s (see benchmarks/_warm.py)")
    return seconds
