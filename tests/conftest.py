"""Marks by place, applied at collection: a `pytestmark` in a conftest.py marks nothing.

`-m "not browser"` runs everything but the real-Chromium tests; `-m "not slow"` skips the
wheel build and other long cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
BROWSER = TESTS / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
