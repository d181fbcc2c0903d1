"""CPU-heavy requests one at a time per kind, so they cannot crowd out the event loop.

A circuit trace parses and runs its expression in a worker thread; Python runs one thread
at a time, so four clients looping on large circuits kept four threads asking for the
interpreter, and every other request (health included) waited its turn among them. Here
such requests queue (cheaply, on the event loop) for one slot per kind; the rate limits
(app/ratelimit.py) bound how long that queue can grow.
"""

from __future__ import annotations

import asyncio
import re

from starlette.types import ASGIApp, Receive, Scope, Send

HEAVY = {
    "circuit": re.compile(r"^/api/circuits/trace$|^/api/networks/[^/]+/neurons/.+/circuit$"),
}


class OneAtATime:
    """Requests of a heavy kind run one at a time (per server process)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.slots: dict[str, asyncio.Semaphore] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for kind, pattern in HEAVY.items():
                if pattern.match(scope["path"]):
                    slot = self.slots.setdefault(kind, asyncio.Semaphore(1))
                    async with slot:
                        await self.app(scope, receive, send)
                    return
        await self.app(scope, receive, send)
