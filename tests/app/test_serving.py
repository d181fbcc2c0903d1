"""How the app is served (app/serve.py): slow senders are cut off, repeated log lines are
folded, and a well-behaved client is unaffected."""

from __future__ import annotations

import http.client
import logging
import socket
import time
from pathlib import Path

import pytest

from app.serve import RepeatFilter
from tests.support.live import HOST, running_app

pytestmark = pytest.mark.slow
FAST = {"BACKPROP_VIZ_HEADER_TIMEOUT_SECONDS": "1", "BACKPROP_VIZ_BODY_TIMEOUT_SECONDS": "2"}


def _closed_after(port: int, payload: bytes, wait: float) -> float:
    """Seconds until the server closes a connection that sent `payload` and then nothing."""
    with socket.create_connection((HOST, port)) as sock:
        sock.sendall(payload)
        started = time.monotonic()
        sock.settimeout(wait)
        assert sock.recv(1000) == b""  # closed, no answer
        return time.monotonic() - started


def test_slow_heads_and_bodies_are_cut_off(tmp_path: Path) -> None:
    with (tmp_path / "log").open("w") as log, running_app(
            tmp_path / "s.sqlite3", log=log, env=FAST) as live:
        head = _closed_after(live.port, b"GET /api/hea", wait=6)
        body = _closed_after(live.port, b"POST /api/networks HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
                             wait=8)
        prompt = http.client.HTTPConnection(HOST, live.port, timeout=5)
        for _ in range(2):  # one keep-alive connection, two requests
            prompt.request("GET", "/api/health")
            answer = prompt.getresponse()
            assert (answer.status, answer.read()[:14]) == (200, b'{"status":"ok"')
            time.sleep(0.5)
        prompt.close()
    assert 0.9 <= head < 4
    assert 1.9 <= body < 6
    assert "Traceback" not in (tmp_path / "log").read_text()


def test_repeated_messages_are_logged_once_per_interval() -> None:
    log = logging.getLogger("test.repeats")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler, repeats = Keep(), RepeatFilter(interval=0.2)
    log.addHandler(handler)
    log.addFilter(repeats)
    log.propagate = False
    try:
        for _ in range(1000):
            log.error("socket.accept() out of system resource")
        log.error("something else")
        time.sleep(0.25)
        log.error("socket.accept() out of system resource")
    finally:
        log.removeHandler(handler)
        log.removeFilter(repeats)
    assert records == [
        "socket.accept() out of system resource", "something else",
        "socket.accept() out of system resource (999 more like it in the last 0 s left out)"]
