"""A clock that moves only when a test says so: `store.clock = Clock()`, then `advance(s)`."""

from __future__ import annotations

import time


class Clock:
    """Starts at the real time (rows written earlier stay plausible), then stands still."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
