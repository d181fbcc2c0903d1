"""Durability and concurrency of sessions (app/store/) through the API; the store itself,
on both engines, is tests/app/test_store_engines.py."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.app.conftest import MakeNetwork


def test_two_threads_stepping_one_network_lose_no_update(
        client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    errors: list[int] = []

    def worker() -> None:
        for _ in range(50):
            response = client.post(f"/api/networks/{ident}/step", json={"phase": "all"})
            if response.status_code != 200:
                errors.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert client.get(f"/api/networks/{ident}").json()["step"] == 100


def test_sessions_survive_a_new_app_on_the_same_file(settings: Settings) -> None:
    with TestClient(create_app(settings), base_url="http://localhost") as first:
        ident = first.post("/api/networks", json={"preset": "two-two-one"}).json()["id"]
        first.post(f"/api/networks/{ident}/step", json={"phase": "all"})
        before = first.get(f"/api/networks/{ident}").json()
    with TestClient(create_app(settings), base_url="http://localhost") as second:
        after = second.get(f"/api/networks/{ident}").json()
    assert after["weights"] == before["weights"]
    assert after["step"] == 1


def test_idle_sessions_expire(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.sweep(now=time.time() + store.ttl_seconds + 1) >= 1
    assert client.get(f"/api/networks/{ident}").status_code == 404


def test_recent_sessions_do_not_expire(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    client.app.state.store.sweep()  # type: ignore[attr-defined]
    assert client.get(f"/api/networks/{ident}").status_code == 200


def test_ids_are_long_and_distinct(make_network: MakeNetwork) -> None:
    ids = {make_network()["id"] for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) >= 22 for i in ids)  # ≥ 128 bits in URL-safe base64


def test_long_loss_history_survives_reload_and_reset(settings: Settings) -> None:
    spec = {"layers": [1, 1], "activations": ["linear"], "inputs": [[1], [2]],
            "targets": [[2], [4]], "learning_rate": 0.01}
    with TestClient(create_app(settings), base_url="http://localhost") as first:
        ident = first.post("/api/networks", json=spec).json()["id"]
        first.post(f"/api/networks/{ident}/train", json={"epochs": 1300})
        for _ in range(3):
            first.post(f"/api/networks/{ident}/step", json={})
        exported = first.get(f"/api/networks/{ident}/export").json()
    with TestClient(create_app(settings), base_url="http://localhost") as second:
        assert second.get(f"/api/networks/{ident}/export").json() == exported
        assert len(exported["network"]["loss_history"]) == 1303
        second.post(f"/api/networks/{ident}/reset")
        second.post(f"/api/networks/{ident}/step", json={})
    with TestClient(create_app(settings), base_url="http://localhost") as third:
        history = third.get(f"/api/networks/{ident}/export").json()["network"]["loss_history"]
    assert len(history) == 1


BIG = {"layers": [2, 64, 64, 1], "activations": ["tanh", "tanh", "sigmoid"], "loss": "bce",
       "dataset": {"name": "circle", "samples": 2000, "seed": 1}}


def _train_in_background(client: TestClient, ident: str) -> threading.Thread:
    thread = threading.Thread(target=lambda: client.post(
        f"/api/networks/{ident}/train", json={"epochs": 100_000}))
    thread.start()
    time.sleep(0.5)  # let it take the network's lock
    return thread


def test_training_one_network_does_not_block_others(
        client: TestClient, make_network: MakeNetwork) -> None:
    client.app.state.settings.max_train_seconds = 3.0  # type: ignore[attr-defined]
    busy, other = make_network(**BIG)["id"], make_network()["id"]
    thread = _train_in_background(client, busy)
    statuses = [client.post(f"/api/networks/{other}/step", json={}).status_code
                for _ in range(5)]
    state = client.get(f"/api/networks/{busy}")  # reads answer from the last commit
    training_still = thread.is_alive()  # the steps did not wait for the run to end
    thread.join(timeout=30)
    assert statuses == [200] * 5
    assert state.status_code == 200
    assert training_still


def test_a_call_waiting_too_long_for_a_busy_network_is_409(
        client: TestClient, make_network: MakeNetwork) -> None:
    client.app.state.settings.max_train_seconds = 2.0  # type: ignore[attr-defined]
    client.app.state.store.lock_timeout = 0.2  # type: ignore[attr-defined]
    busy = make_network(**BIG)["id"]
    thread = _train_in_background(client, busy)
    response = client.post(f"/api/networks/{busy}/step", json={})
    thread.join(timeout=30)
    assert response.status_code == 409
    assert "busy" in response.json()["message"]


def test_train_stops_at_the_time_limit_and_keeps_progress(
        client: TestClient, make_network: MakeNetwork) -> None:
    client.app.state.settings.max_train_seconds = 1.0  # type: ignore[attr-defined]
    ident = make_network(**BIG)["id"]
    result = client.post(f"/api/networks/{ident}/train", json={"epochs": 100_000}).json()
    assert result["stopped_early"] is True
    assert "max_train_seconds" in result["reason"]
    assert 0 < result["step"] < 100_000
    assert client.get(f"/api/networks/{ident}").json()["step"] == result["step"]
