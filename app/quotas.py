"""Quotas on what the server keeps: networks stored, bytes on disk.

A create (network, import, dataset upload) while the store holds `--max-sessions` networks,
or `--max-db-bytes` bytes, is refused with 507 and a message saying so; nothing already
stored is touched. Idle networks expire (`--session-ttl-hours`) and the file gives their
space back (SQLite's incremental vacuum), so a full server frees itself in time. The counts
come from the store (any engine), read at most once a second.
"""

from __future__ import annotations

import re
import threading
import time

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import error_response
from app.settings import Settings
from app.store import Store

CREATES = re.compile(r"^/api/(?:networks|networks/import|datasets)$")
REFRESH_SECONDS = 1.0
RETRY_AFTER_SECONDS = 600  # the next expiry sweep


class Quotas:
    """507 for a create while the store is full."""

    def __init__(self, app: ASGIApp, store: Store, settings: Settings) -> None:
        self.app = app
        self.store = store
        self.max_sessions = settings.max_sessions
        self.max_bytes = settings.max_db_bytes
        self._checked = 0.0
        self._problem: str | None = None
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and CREATES.match(
                scope["path"]):
            problem = await run_in_threadpool(self.problem)
            if problem is not None:
                response = error_response(507, problem,
                                          headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def problem(self) -> str | None:
        """Why the store takes nothing more now, or None (cached for REFRESH_SECONDS)."""
        with self._lock:
            if time.monotonic() - self._checked >= REFRESH_SECONDS:
                self._problem = self._measure()
                self._checked = time.monotonic()
            return self._problem

    def _measure(self) -> str | None:
        if self.max_sessions and self.store.count() >= self.max_sessions:
            return (f"this server holds its maximum of {self.max_sessions} networks "
                    "(--max-sessions); delete some, or wait for idle ones to expire")
        if self.max_bytes and self.store.size_bytes() >= self.max_bytes:
            self.store.reclaim()  # pages freed by deletions since the last sweep
            size = self.store.size_bytes()
            if size >= self.max_bytes:
                return (f"this server's storage is full: {size / 1e6:.0f} MB of "
                        f"{self.max_bytes / 1e6:.0f} MB (--max-db-bytes); delete networks, "
                        "or wait for idle ones to expire")
        return None
