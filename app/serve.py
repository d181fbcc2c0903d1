"""How the app is served: uvicorn (h11), with bounds on what one client can hold.

uvicorn alone lets a connection that sends one byte every few seconds stay open forever,
and with the file descriptors gone logs a traceback per refused connection. Here:

- Request heads up to REQUEST_HEAD_BYTES: room for the longest query the API takes
  (MAX_QUERY_CHARS characters, percent-encoded), so an over-long `predict?inputs=` reaches
  the app and gets the API's JSON 422, not the server's plain 400.
- `GuardedH11Protocol`: a request head must arrive within `--header-timeout-seconds` of the
  connection (or of the previous response), its body within `--body-timeout-seconds` of the
  head; otherwise the connection is closed. Slow senders cannot pile up.
- `CoalescingTransport`: a response's head goes out together with its body, in one write.
- `--max-connections`: uvicorn's own cap (limit_concurrency); beyond it, 503.
- The soft limit on open files is raised to the hard one at start.
- The GIL is handed over after GIL_SWITCH_SECONDS (1 ms, not Python's 5), so the event loop
  waits less for the training pool's threads.
- `RepeatFilter`: a message repeated (same logger, same text, same exception type) is logged
  once per LOG_REPEAT_SECONDS, then once more with how many were left out.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import sys
import time
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.schemas.common import MAX_QUERY_CHARS
from app.settings import Settings

# 12 bytes per character when percent-encoded (4-byte UTF-8), plus 32 KB of headers.
REQUEST_HEAD_BYTES = 12 * MAX_QUERY_CHARS + 32 * 1024
LOG_REPEAT_SECONDS = 10.0
# How long a thread running Python may keep the GIL from another that wants it (Python's
# default: 5 ms). The trains' dispatcher threads (app/trainpool.py) send networks, commit
# progress and write results in Python; each time the event loop woke from its wait for
# sockets while one of them held the GIL, the step it woke for waited up to 5 ms more. With
# 1 ms, over eight interleaved pairs of classroom bursts, the steppers' p99 during a burst
# was lower in seven (median 7.2 ms against 9.1 ms); the extra hand-overs cost nothing
# measurable (the burst ratio's median 0.635 against 0.657).
GIL_SWITCH_SECONDS = 0.001
NOISY_LOGGERS = ("asyncio", "uvicorn.error")


class CoalescingTransport:
    """A connection's transport that sends a response's head with the start of its body.

    uvicorn writes the status line and headers as soon as the app starts its response, then
    the body: two sends, two TCP segments, two wake-ups of the client, for every answer. Here
    the head is held until the next write (an ordinary response's body follows within the
    same step of the app) and goes out with it in one send; a head still held at the end of
    the event loop's turn (a stream whose first event is not ready) is sent alone then. A
    `100 Continue` is never held: the client waits for it before sending its body.
    """

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is not None:
            data, self._held = self._held + data, None
        elif data.startswith(b"HTTP/1.1 ") and not data.startswith(b"HTTP/1.1 1"):
            self._held = data
            self._loop.call_soon(self.flush)
            return
        if data:
            self._transport.write(data)

    def flush(self) -> None:
        """Send a held head now."""
        if self._held is not None:
            data, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines for the request head and body, and a response's
    head and body sent together (CoalescingTransport)."""

    head_seconds = 10.0
    body_seconds = 60.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]
        self._arm(self.head_seconds)

    def _arm(self, seconds: float) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _expired(self) -> None:
        """Too slow: close, unless the request is complete and the app is answering, or
        the app itself holds the body back (reading paused: an import waiting its turn)."""
        self._deadline = None
        if self.conn.their_state is h11.SEND_BODY and self.flow.read_paused:
            self._arm(self.body_seconds)
            return
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not (
                self.transport.is_closing()):
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        before = self.conn.their_state
        super().data_received(data)
        after = self.conn.their_state
        if before is h11.IDLE and after is h11.SEND_BODY:
            self._arm(self.body_seconds)  # the head is in: now the body has its deadline
        elif after not in (h11.IDLE, h11.SEND_BODY) and self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm(self.head_seconds)  # the next request's head, if the client keeps on

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().connection_lost(exc)


class RepeatFilter(logging.Filter):
    """Lets a message through once per interval; the next one says how many were left out."""

    def __init__(self, interval: float = LOG_REPEAT_SECONDS) -> None:
        super().__init__()
        self.interval = interval
        self._seen: dict[tuple[str, str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = type(record.exc_info[1]).__name__ if record.exc_info and record.exc_info[1] \
            else ""
        key = (record.name, str(record.msg).split("\n", 1)[0], kind)
        now = time.monotonic()
        last, left_out = self._seen.get(key, (-self.interval, 0))
        if now - last < self.interval:
            self._seen[key] = (last, left_out + 1)
            return False
        self._seen[key] = (now, 0)
        if left_out:
            record.msg = f"{record.msg} ({left_out} more like it in the last " \
                         f"{now - last:.0f} s left out)"
        return True


def quiet_repeats() -> None:
    """Install RepeatFilter on the loggers that repeat per connection (once per process)."""
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RepeatFilter) for f in logger.filters):
            logger.addFilter(RepeatFilter())


def raise_open_files_limit() -> None:
    """Soft limit on open files up to the hard one: each connection holds one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def configure(settings: Settings) -> None:
    """This process's deadlines, log filter and GIL hand-over (create_app calls it: every
    worker process of `--workers N` builds its own app)."""
    GuardedH11Protocol.head_seconds = settings.header_timeout_seconds
    GuardedH11Protocol.body_seconds = settings.body_timeout_seconds
    quiet_repeats()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def run(app: FastAPI | str, settings: Settings, **options: Any) -> None:
    """Serve until stopped (`app` may be an import string, for several worker processes)."""
    raise_open_files_limit()
    configure(settings)
    if isinstance(app, FastAPI):
        app.state.settle_heap = True  # a process of its own: see app/heap.py
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                http=GuardedH11Protocol, h11_max_incomplete_event_size=REQUEST_HEAD_BYTES,
                limit_concurrency=settings.max_connections or None, **options)
