"""A real uvicorn process: sessions survive a restart and a kill -9 in mid-training."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from tests.support.live import running_app

pytestmark = pytest.mark.slow


@contextmanager
def server(db: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m app` on a free loopback port; yields (base URL, process)."""
    with running_app(db) as live:
        yield live.url, live.process


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sessions.sqlite3"
    with server(db) as (url, _):
        ident = httpx.post(f"{url}/api/networks", json={"preset": "two-two-one"}).json()["id"]
        httpx.post(f"{url}/api/networks/{ident}/step", json={"phase": "all"})
        before = httpx.get(f"{url}/api/networks/{ident}").json()
    with server(db) as (url, _):
        response = httpx.get(f"{url}/api/networks/{ident}")
    assert response.status_code == 200
    assert response.json()["weights"] == before["weights"]
    assert response.json()["weights"][1][0][0] == pytest.approx(0.1743825, abs=1e-12)
    assert response.json()["step"] == 1


def test_kill_9_during_training_loses_at_most_its_last_seconds(tmp_path: Path) -> None:
    db = tmp_path / "sessions.sqlite3"
    body = {"layers": [2, 64, 64, 1], "activations": ["tanh", "tanh", "sigmoid"],
            "loss": "bce", "dataset": {"name": "circle", "samples": 2000, "seed": 1}}
    with server(db) as (url, proc):
        ident = httpx.post(f"{url}/api/networks", json=body).json()["id"]
        httpx.post(f"{url}/api/networks/{ident}/step", json={"phase": "all"})

        def train() -> None:
            with suppress(httpx.HTTPError):
                httpx.post(f"{url}/api/networks/{ident}/train", json={"epochs": 100_000},
                           timeout=30)

        thread = threading.Thread(target=train)
        thread.start()
        committed = 1
        deadline = time.monotonic() + 30
        while committed == 1 and time.monotonic() < deadline:  # the run's first checkpoint
            time.sleep(0.2)
            committed = httpx.get(f"{url}/api/networks/{ident}").json()["step"]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        thread.join(timeout=30)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with server(db) as (url, _):
        response = httpx.get(f"{url}/api/networks/{ident}")
    assert response.status_code == 200
    assert response.json()["step"] >= committed > 1  # the run's checkpoint survived the kill
