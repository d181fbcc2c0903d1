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

