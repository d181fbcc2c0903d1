"""engine/allocator.py: glibc's trim threshold is raised once."""

from __future__ import annotations

import ctypes.util
import platform
import sys

import pytest

import engine.allocator as allocator


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_the_threshold_is_raised_on_glibc() -> None:
    assert ctypes.util.find_library("c")
    assert allocator.keep_freed_memory() is True
    assert allocator.keep_freed_memory() is True  # once is enough; a second call is a no-op



def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_freed_memory_goes_back_to_the_os() -> None:
    allocator.keep_freed_memory()  # as in the server: freed memory would otherwise stay
    blocks = [bytes(4000) + bytes([i % 256]) for i in range(20_000)]  # 80 MB from malloc
    last = blocks[-1]  # pins the top of the heap: nothing is trimmed on its own
    del blocks
    before = _resident_mb()
    assert allocator.release_freed_memory() is True
    assert before - _resident_mb() > 40
    assert last[-1] == 19_999 % 256
