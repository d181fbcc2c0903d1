"""Training in the worker pool: queue places, the queue cap, checkpoints, waiting off-thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app import trainworker
from app.main import create_app
from app.settings import Settings
from app.trainpool import Job, TrainPool

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


def _job(name: str, log: list[str], hold: threading.Event | None = None,
         fail_at: str | None = None) -> Job:
    """A job whose three parts say when they ran (it sends nothing to the worker)."""
    def run(conn: Connection) -> Generator[None, None, str]:
        for part in ("sent", "done"):
            if fail_at == part:
                raise RuntimeError(f"{name} failed at {part}")
            log.append(f"{name} {part}")
            yield
            if hold is not None and part == "sent":
                assert hold.wait(10)
        log.append(f"{name} finished")
        return name

    return Job(run=run)


def test_the_next_job_reaches_the_worker_before_the_last_one_finishes() -> None:
    """While the app commits one train, its worker already runs the next (app/trainpool.py)."""
    pool, hold = TrainPool(workers=1, queue_cap=4), threading.Event()
    log: list[str] = []
    try:
        first, second = _job("a", log, hold), _job("b", log)
        assert pool.submit(first) == 0
        assert pool.submit(second) == 1  # behind a
        hold.set()
        assert first.future.result(30) == "a" and second.future.result(30) == "b"
        assert log == ["a sent", "a done", "b sent", "a finished", "b done", "b finished"]
        third = _job("c", log)  # nothing waits behind it: it finishes at once
        assert pool.submit(third) == 0 and third.future.result(30) == "c"
        assert log[-3:] == ["c sent", "c done", "c finished"]
    finally:
        pool.close()


def test_a_failing_job_neither_loses_the_one_finishing_nor_stops_the_next() -> None:
    pool, hold = TrainPool(workers=1, queue_cap=4), threading.Event()
    log: list[str] = []
    try:
        jobs = [_job("a", log, hold), _job("b", log, fail_at="sent"),
                _job("c", log, fail_at="done"), _job("d", log)]
        for job in jobs:
            pool.submit(job)
        hold.set()
        assert jobs[0].future.result(30) == "a"
        with pytest.raises(RuntimeError, match="b failed at sent"):
            jobs[1].future.result(30)
        with pytest.raises(RuntimeError, match="c failed at done"):
            jobs[2].future.result(30)
        assert jobs[3].future.result(30) == "d"
        assert log == ["a sent", "a done", "a finished", "c sent", "d sent", "d done",
                       "d finished"]
    finally:
        pool.close()


def test_a_job_that_finishes_no_longer_counts_against_the_queue() -> None:
    """Once its worker is done, a job being finished holds no place: the next call runs."""
    pool, hold, finish = TrainPool(workers=1, queue_cap=1), threading.Event(), threading.Event()
    log: list[str] = []

    def slow_finish(conn: Connection) -> Generator[None, None, str]:
        log.append("a sent")
        yield
        log.append("a done")
        yield
        assert finish.wait(10)
        return "a"

    try:
        first = Job(run=slow_finish)
        assert pool.submit(first) == 0
        deadline = time.monotonic() + 30
        while "a done" not in log and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.submit(_job("b", log, hold)) == 0  # the worker is free: b is next
        assert pool.submit(_job("c", log)) == 1  # and c waits in the one place
        finish.set()
        hold.set()
        assert first.future.result(30) == "a"
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux scheduling policies")
def test_a_worker_gives_way_to_the_app() -> None:
    """Nicer than the app, and in the batch policy: it does not preempt the event loop."""
    done = subprocess.run([sys.executable, "-c", (
        "import os; from app import trainworker; before = os.nice(0); "
        "trainworker.give_way(); "
        "print(os.nice(0) - before, os.sched_getscheduler(0) == os.SCHED_BATCH)")],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(trainworker.NICENESS), "True"]
