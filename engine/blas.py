"""How many threads one NumPy matrix product may use in this process.

OpenBLAS splits a product over every core by default, and its threads wait for each other by
spinning. A server process runs many small products (a traced step on 2-64×8-1 with 1,000
samples: a few dozen of 1,000×64·64×64) while other requests and processes want the same
cores; when one of those threads is not scheduled the others spin until it is. On a busy
2-core machine that made a backward pass take 85–200 ms instead of 11–13 ms with one thread
(median of 15, measured in one run; see benchmarks/wire.py). One thread per product is also
what a server wants anyway: its concurrency comes from requests, not from inside one.
"""

from __future__ import annotations

try:  # a declared dependency; a virtualenv made before it was added still serves, slower
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_info = threadpool_limits = None


def limit_blas_threads(threads: int) -> int | None:
    """Let each BLAS call use at most `threads` threads in this process (0: leave the
    library's default); answers the threads now allowed, None if no BLAS was found."""
    if threads > 0 and threadpool_limits is not None:
        threadpool_limits(limits=threads, user_api="blas")  # set now, for the whole process
    return blas_threads()


def blas_threads() -> int | None:
    """The threads a BLAS call may use now (the first BLAS library's), None without one."""
    if threadpool_info is None:  # pragma: no cover
        return None
    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return int(pools[0]["num_threads"]) if pools else None
