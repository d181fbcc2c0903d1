"""Several app processes on one PostgreSQL: no lost update, and the faults of a shared store."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest

from engine.presets import build_preset
from tests.support.live import ROOT, LiveApp, free_port, running_app
from tests.support.postgres import Cluster, running_cluster

pytestmark = pytest.mark.slow


@pytest.fixture
def two_apps(pg_cluster: Cluster) -> Iterator[list[LiveApp]]:
    """Two `python -m app` processes on one fresh PostgreSQL database."""
    url = pg_cluster.new_database()
    with ExitStack() as stack:
        yield [stack.enter_context(running_app(url)) for _ in range(2)]  # type: ignore[arg-type]


@contextmanager
def training(app: LiveApp) -> Iterator[str]:
    """A long streamed train of a new network on `app`, running; yields the network's id.
    Leaving the block closes the stream, which cancels the run."""
    body = {"layers": [2, 64, 64, 1], "activations": ["tanh", "tanh", "sigmoid"],
            "loss": "bce", "dataset": {"name": "circle", "samples": 2000, "seed": 1}}
    ident = httpx.post(f"{app.url}/api/networks", json=body).json()["id"]
    with httpx.stream("POST", f"{app.url}/api/networks/{ident}/train", timeout=60,
                      json={"epochs": 100_000, "stream": True}) as stream:
        for line in stream.iter_lines():
            if line == "event: progress":
                break
        yield ident


def test_twenty_clients_on_two_processes_lose_no_step(two_apps: list[LiveApp]) -> None:
    ident = httpx.post(f"{two_apps[0].url}/api/networks",
                       json={"preset": "two-two-one"}).json()["id"]
    statuses: list[int] = []

    def client(k: int) -> None:
        with httpx.Client(base_url=two_apps[k % 2].url, timeout=60) as http:
            for _ in range(50):
                response = http.post(f"/api/networks/{ident}/step", json={"phase": "all"})
                statuses.append(response.status_code)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    states = [httpx.get(f"{app.url}/api/networks/{ident}").json() for app in two_apps]
    replay, data = build_preset("two-two-one")
    for _ in range(1000):
        replay.trace_step(data.inputs, data.targets, phase="all")
    assert statuses == [200] * 1000
    assert [s["step"] for s in states] == [1000, 1000]
    assert states[0]["weights"] == states[1]["weights"]
    for ours, theirs in zip(states[0]["weights"], replay.weights, strict=True):
        np.testing.assert_array_equal(np.array(ours), theirs)


def test_a_train_on_one_process_holds_the_network_for_the_other(two_apps: list[LiveApp]
                                                                ) -> None:
    first, second = two_apps
    with training(first) as ident:
        # The other process sees the network busy and reads its last committed row.
        assert httpx.get(f"{second.url}/api/networks/{ident}").status_code == 200
    # Leaving the stream cancels the run; the lease comes back and the other process edits.
    response = httpx.patch(f"{second.url}/api/networks/{ident}", json={"learning_rate": 0.2},
                           timeout=60)
    assert response.status_code == 200
    assert response.json()["step"] > 0


def test_postgres_unreachable_at_start_is_a_usage_error() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    done = subprocess.run([sys.executable, "-m", "app", "--db", url], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert "--db" in last and "cannot reach PostgreSQL" in last
    assert "Traceback" not in done.stderr


def test_postgres_lost_while_serving_is_503_then_back() -> None:
    with running_cluster() as cluster:
        url = cluster.new_database()
        with running_app(url) as app:  # type: ignore[arg-type]
            ident = httpx.post(f"{app.url}/api/networks",
                               json={"preset": "two-two-one"}).json()["id"]
            cluster.stop()
            lost = httpx.post(f"{app.url}/api/networks/{ident}/step", json={}, timeout=60)
            health = httpx.get(f"{app.url}/api/health")
            cluster.start()
            deadline = time.monotonic() + 30
            while (back := httpx.get(f"{app.url}/api/networks/{ident}", timeout=60)
                   ).status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
    assert lost.status_code == 503
    assert "database" in lost.json()["message"] and int(lost.headers["retry-after"]) > 0
    assert health.status_code == 200
    assert back.status_code == 200 and back.json()["step"] == 0


def test_kill_9_of_one_process_frees_its_network_within_the_lease(two_apps: list[LiveApp]
                                                                  ) -> None:
    first, second = two_apps
    with training(first) as ident:  # the first process holds the network's lease
        first.process.kill()
        first.process.wait()
    response = httpx.patch(f"{second.url}/api/networks/{ident}", json={"learning_rate": 0.2},
                           timeout=60)
    assert response.status_code == 200  # not 409 (30 s): the dead process's lease ran out (10 s)
    assert httpx.get(f"{second.url}/api/health").status_code == 200


def test_workers_flag_serves_one_port_from_several_processes(tmp_path: Path) -> None:
    with running_app(tmp_path / "s.sqlite3", env={"BACKPROP_VIZ_WORKERS": "2"}) as app:
        children = Path(f"/proc/{app.process.pid}/task/{app.process.pid}/children")
        ident = httpx.post(f"{app.url}/api/networks", json={"preset": "two-two-one"}).json()["id"]
        statuses: list[int] = []

        def client() -> None:
            with httpx.Client(base_url=app.url, timeout=60) as http:
                statuses.extend(http.post(f"/api/networks/{ident}/step",
                                          json={"phase": "all"}).status_code for _ in range(10))

        threads = [threading.Thread(target=client) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        step = httpx.get(f"{app.url}/api/networks/{ident}").json()["step"]
        app_processes = [pid for pid in children.read_text().split()  # uvicorn's workers
                         if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
    assert statuses == [200] * 100
    assert step == 100
    assert len(app_processes) == 2
