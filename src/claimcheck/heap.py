"""A fixed mmap threshold for glibc's malloc, so a long run's heap does not fragment.

glibc serves a block of 128 KiB or more with its own mmap and returns it to the system when it
is freed, but each time it frees one it raises that threshold to the block's size (up to 32
MiB). A check makes and drops blocks of a few hundred KiB for every page (the classifier's
arrays, a page's tokens); once the threshold has risen past them they come from the heap, and
the small allocations that live on between pages (cached words, kept reports) pin the heap's
pages. Setting the threshold (to glibc's own starting value) turns the raising off.

Measured with bench/speed.py's pages, one word in ten made up: in one process 174 -> 161 MiB
after 4,000 pages and 177 -> 167 after 10,000 (the same speed); `check -j 1 -f jsonl` over
100 vs 10,000 pages +20% -> +16%.

Only the commands that run for long call it (check, serve), once at start-up: it is a setting
of the whole process, not something a library should change under its caller. The ``--jobs``
workers are forked and inherit it. Elsewhere than glibc (macOS, musl) it does nothing.
"""

from __future__ import annotations

import sys

#: mallopt's parameter number for the mmap threshold (glibc's malloc.h)
M_MMAP_THRESHOLD = -3
#: bytes from which a block gets its own mmap: glibc's default, kept fixed
MMAP_THRESHOLD = 128 * 1024


def fix_mmap_threshold() -> bool:
    """Keep glibc's mmap threshold at ``MMAP_THRESHOLD``; True if the setting took."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
