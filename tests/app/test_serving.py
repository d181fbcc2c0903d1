"""How the app is served (app/serve.py): slow senders are cut off, repeated log lines are
folded, and a well-behaved client is unaffected."""

from __future__ import annotations

import asyncio
import http.client
import logging
import socket
import sys
import time
from pathlib import Path

import pytest

from app.serve import GIL_SWITCH_SECONDS, CoalescingTransport, RepeatFilter, configure
from app.settings import Settings
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


def test_configuring_a_process_shortens_the_gil_hand_over(tmp_path: Path) -> None:
    """The event loop waits at most GIL_SWITCH_SECONDS for a training dispatcher's thread."""
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        configure(Settings(db=tmp_path / "s.sqlite3"))
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_SECONDS)
        assert GIL_SWITCH_SECONDS <= 0.001
    finally:
        sys.setswitchinterval(before)


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


class _Recorder:
    """A transport that keeps what is written to it, in order, one entry per write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


def test_a_response_head_goes_out_with_its_body_in_one_write() -> None:
    async def scenario() -> list[list[bytes]]:
        seen = []
        sent = _Recorder()
        transport = CoalescingTransport(sent, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(HEAD)
        seen.append(list(sent.writes))  # held
        transport.write(b"{}")
        transport.write(b"")  # h11's end of a sized body: nothing to send
        seen.append(list(sent.writes))
        await asyncio.sleep(0)  # the loop's turn: nothing left to send
        seen.append(list(sent.writes))
        return seen

    held, together, after = asyncio.run(scenario())
    assert held == []
    assert together == after == [HEAD + b"{}"]


def test_a_head_without_a_ready_body_goes_out_at_the_end_of_the_loop_turn() -> None:
    async def scenario() -> tuple[list[bytes], list[bytes], list[bytes]]:
        sent = _Recorder()
        transport = CoalescingTransport(sent, asyncio.get_running_loop())  # type: ignore[arg-type]
        stream = HEAD.replace(b"content-length: 2", b"content-type: text/event-stream")
        transport.write(stream)
        before = list(sent.writes)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        alone = list(sent.writes)
        transport.write(b"event: start\n\n")
        return before, alone, list(sent.writes)

    before, alone, later = asyncio.run(scenario())
    assert before == []
    assert len(alone) == 1 and alone[0].startswith(b"HTTP/1.1 200 OK")
    assert later == [alone[0], b"event: start\n\n"]


def test_continue_is_never_held_and_close_sends_a_held_head_first() -> None:
    async def scenario() -> tuple[list[bytes], _Recorder, CoalescingTransport]:
        sent = _Recorder()
        transport = CoalescingTransport(sent, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        first = list(sent.writes)
        transport.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
        transport.close()
        return first, sent, transport

    first, sent, transport = asyncio.run(scenario())
    assert first == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    assert sent.writes[1].startswith(b"HTTP/1.1 400") and sent.closed
    assert transport.is_closing()
    assert transport.get_extra_info("peername") == "info:peername"  # the rest passes through


def test_a_client_waiting_for_continue_gets_it_from_the_server(tmp_path: Path) -> None:
    """`Expect: 100-continue`: the server's `100 Continue` is not held back with the heads of
    responses, or the client would wait for it forever."""
    body = b'{"preset": "two-two-one"}'
    with running_app(tmp_path / "c.sqlite3") as live, socket.create_connection(
            (HOST, live.port), timeout=5) as sock:
        sock.sendall(b"POST /api/networks HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        answer = b""
        while b'"id":"' not in answer:
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 201 Created")
