"""Training in the worker pool: queue places, the queue cap, checkpoints, waiting off-thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

pytestmark = pytest.mark.slow

BIG = {"layers": [2, 64, 64, 1], "activations": ["tanh", "tanh", "sigmoid"], "loss": "bce",
       "dataset": {"name": "circle", "samples": 2000, "seed": 1}}


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[TestClient]:
    """One training worker, one place in its queue, runs of at most 8 s."""
    settings = Settings(db=tmp_path / "s.sqlite3", train_workers=1, train_queue=1,
                        max_train_seconds=8.0, lock_timeout_seconds=1.0)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        yield client


def create(client: TestClient, **body: Any) -> str:
    response = client.post("/api/networks", json=body or {"preset": "two-two-one"})
    assert response.status_code == 201
    return str(response.json()["id"])


def events_of(response: httpx.Response, until: str | None = None) -> Iterator[tuple[str, Any]]:
    """(event, data) pairs of an SSE stream, as they come."""
    event = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield event, json.loads(line[6:])
            if event == until:
                return


def train_until_first_progress(client: TestClient, ident: str) -> tuple[threading.Thread,
                                                                         threading.Event]:
    """A long streamed train in a thread; returns once it runs; set the event to leave it."""
    running, leave = threading.Event(), threading.Event()

    def run() -> None:
        with client.stream("POST", f"/api/networks/{ident}/train",
                           json={"epochs": 100_000, "stream": True}) as response:
            for event, _ in events_of(response):
                running.set()
                if event == "progress" and leave.is_set():
                    return  # closing the stream cancels the run

    thread = threading.Thread(target=run)
    thread.start()
    assert running.wait(30)
    return thread, leave


def test_a_waiting_train_hears_its_place_and_a_full_queue_is_503(one_worker: TestClient
                                                                ) -> None:
    busy, waiting, third = (create(one_worker, **BIG), create(one_worker), create(one_worker))
    thread, leave = train_until_first_progress(one_worker, busy)
    with one_worker.stream("POST", f"/api/networks/{waiting}/train",
                           json={"epochs": 50, "stream": True}) as response:
        events = events_of(response)
        assert next(events)[0] == "start"
        assert next(events) == ("queued", {"position": 1})
        refused = one_worker.post(f"/api/networks/{third}/train", json={"epochs": 5})
        leave.set()
        rest = [event for event, _ in events]
    thread.join(30)
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) > 0
    assert "busy" in refused.json()["message"]
    assert rest[-1] == "result" and "progress" in rest


def test_progress_reaches_the_store_while_training(one_worker: TestClient) -> None:
    ident = create(one_worker, **BIG)
    thread, leave = train_until_first_progress(one_worker, ident)
    time.sleep(3.0)  # the worker commits a checkpoint at least every 2 s
    during = one_worker.get(f"/api/networks/{ident}").json()["step"]
    leave.set()
    thread.join(30)
    after = one_worker.get(f"/api/networks/{ident}").json()["step"]
    assert 0 < during <= after


def test_waiting_for_a_busy_network_holds_no_thread(one_worker: TestClient) -> None:
    ident, other = create(one_worker, **BIG), create(one_worker)
    thread, leave = train_until_first_progress(one_worker, ident)
    statuses: list[tuple[int, str | None]] = []
    threads_while_waiting: list[int] = []

    def patch() -> None:
        response = one_worker.patch(f"/api/networks/{ident}", json={"learning_rate": 0.1})
        statuses.append((response.status_code, response.headers.get("retry-after")))

    waiters = [threading.Thread(target=patch) for _ in range(45)]
    for waiter in waiters:
        waiter.start()
    time.sleep(0.5)  # all 45 are waiting for the lease now (timeout 1 s)
    threads_while_waiting.append(sum(
        t.name.startswith("AnyIO worker") for t in threading.enumerate()))
    health = one_worker.get("/api/health").status_code
    unrelated = one_worker.get(f"/api/networks/{other}").status_code
    for waiter in waiters:
        waiter.join(30)
    leave.set()
    thread.join(30)
    assert statuses == [(409, "5")] * 45
    assert (health, unrelated) == (200, 200)
    assert threads_while_waiting[0] < 5  # not one thread per waiter


def test_a_streamed_train_on_a_busy_network_is_a_plain_409(one_worker: TestClient) -> None:
    ident = create(one_worker, **BIG)
    thread, leave = train_until_first_progress(one_worker, ident)
    with one_worker.stream("POST", f"/api/networks/{ident}/train",
                           json={"epochs": 5, "stream": True}) as response:
        status, retry = response.status_code, response.headers.get("retry-after")
        body = json.loads(response.read())
    leave.set()
    thread.join(30)
    assert (status, retry) == (409, "5")
    assert "busy" in body["message"]
