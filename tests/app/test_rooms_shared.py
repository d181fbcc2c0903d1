"""Follow mode across app processes on one PostgreSQL: a room opened through one process is
followed, forked and closed through another, and the teacher's steps reach followers in both
(events travel as rows announced by NOTIFY; app/events.py, app/store/postgres.py)."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from tests.support.live import running_app
from tests.support.postgres import Cluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_apps(pg_cluster: Cluster) -> Iterator[tuple[str, str]]:
    url = pg_cluster.new_database()
    with ExitStack() as stack:
        first = stack.enter_context(running_app(url))  # type: ignore[arg-type]
        second = stack.enter_context(running_app(url))  # type: ignore[arg-type]
        yield first.url, second.url


def _follow(base: str, code: str) -> tuple[queue.Queue[tuple[str, Any]], threading.Event]:
    """Read the room's events in a thread; (event, data) pairs arrive on the queue."""
    got: queue.Queue[tuple[str, Any]] = queue.Queue()
    started = threading.Event()

    def run() -> None:
        with httpx.stream("GET", f"{base}/api/rooms/{code}/events", timeout=30) as stream:
            event = None
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    got.put((event or "", json.loads(line[6:])))
                    started.set()
                    if event == "closed":
                        return

    threading.Thread(target=run, daemon=True).start()
    assert started.wait(20)
    return got, started


def _next(got: queue.Queue[tuple[str, Any]], wanted: str) -> Any:
    while True:
        event, data = got.get(timeout=20)
        if event == wanted:
            return data


def test_a_room_works_through_either_process(two_apps: tuple[str, str]) -> None:
    a, b = two_apps
    net = httpx.post(f"{a}/api/networks", json={"preset": "two-two-one"}).json()["id"]
    room = httpx.post(f"{a}/api/rooms", json={"network_id": net}).json()
    code = room["code"]
    seen = httpx.get(f"{b}/api/rooms/{code}")
    assert seen.status_code == 200 and seen.json()["state"]["id"] is None

    on_b, _ = _follow(b, code)
    on_a, _ = _follow(a, code)
    assert _next(on_b, "state")["step"] == 0 and _next(on_a, "state")["step"] == 0

    assert httpx.post(f"{a}/api/networks/{net}/step", json={"phase": "all"}).status_code == 200
    for got in (on_a, on_b):
        trace = _next(got, "trace")
        w5 = next(e for e in trace["edges"] if (e["layer"], e["source"]) == (2, 0))
        assert w5["grad"] == pytest.approx(-0.68765, abs=1e-12) and trace["network_id"] is None

    # The teacher's notebook patches through process B; followers on A hear it.
    assert httpx.patch(f"{b}/api/networks/{net}", json={"learning_rate": 0.25}).status_code == 200
    assert _next(on_a, "state")["learning_rate"] == 0.25

    fork = httpx.post(f"{b}/api/rooms/{code}/fork")
    assert fork.status_code == 201 and fork.json()["step"] == 1

    refused = httpx.delete(f"{b}/api/rooms/{code}", headers={"X-Teacher-Token": "guess"})
    assert refused.status_code == 403
    closed = httpx.delete(f"{b}/api/rooms/{code}",
                          headers={"X-Teacher-Token": room["teacher_token"]})
    assert closed.status_code == 204
    for got in (on_a, on_b):
        assert "closed the room" in _next(got, "closed")["reason"]
    assert httpx.get(f"{a}/api/rooms/{code}").status_code == 404
