"""Keep freed NumPy buffers in the process instead of handing them back to the OS each step.

glibc's malloc returns the top of its heap to the kernel once more than 128 KiB of it is
free (M_TRIM_THRESHOLD). A traced step frees the previous step's arrays together, so on some
machines every step gave memory back and then page-faulted it in again: the 2-16-16-16-1
network on 1,000 samples took 1.1 ms per traced step instead of 0.45 ms (benchmarks/engine.py).
Raising the threshold keeps that memory for reuse; the process holds at most that much more.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # mallopt parameter numbers from glibc's <malloc.h>
TRIM_THRESHOLD_BYTES = 64 * 1024 * 1024

_done = False


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def release_freed_memory() -> bool:
    """Hand the heap's free memory back to the OS now (glibc's malloc_trim), for a process
    that has just finished one large job and may idle long before the next (the import
    process: ~60 MB after a 33 MB document); False where there is no glibc."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    return True


def keep_freed_memory() -> bool:
    """Raise glibc's trim threshold once per process; False where there is no glibc."""
    global _done
    if _done:
        return True
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:  # no glibc: musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    return _done
