"""Long runs: progress by wall time, keep-alive comments, stopping when the client leaves."""

from __future__ import annotations

import asyncio
import json
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.training
from app.schemas.training import TrainRequest
from app.settings import Settings
from app.store import Store
from app.training import train_watching
from app.trainpool import TrainPool
from tests.app.conftest import MakeNetwork

SLOW = {"layers": [2, 64, 64, 64, 64, 1], "activations": "tanh",
        "dataset": {"name": "spiral", "samples": 10_000}}


def slow_network(make_network: MakeNetwork) -> dict[str, Any]:
    return make_network(**{**SLOW, "activations": ["tanh"] * 4 + ["sigmoid"]})


def test_progress_comes_every_half_second(client: TestClient, make_network: MakeNetwork
                                          ) -> None:
    # ~10 ms epochs: 100,000 epochs / 200 events would space events 500 epochs (~5 s) apart;
    # the half-second rule sends them far closer. Counted in epochs, not on the wall clock,
    # so a loaded machine (slower epochs) only makes the gaps smaller.
    net = make_network(layers=[2, 64, 64, 1], activations=["tanh", "tanh", "sigmoid"],
                       dataset={"name": "spiral", "samples": 10_000})
    client.app.state.settings.max_train_seconds = 6.0  # type: ignore[attr-defined]
    epochs: list[int] = []
    event = ""
    with client.stream("POST", f"/api/networks/{net['id']}/train",
                       json={"epochs": 100_000, "stream": True}) as response:
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data:") and event == "progress":
                epochs.append(json.loads(line[5:])["epoch"])
            if line.startswith("data:") and '"stopped_early":true' in line:
                break
    assert len(epochs) >= 3
    assert max(b - a for a, b in pairwise(epochs)) < 500


def test_stream_sends_keepalive_comments(client: TestClient, make_network: MakeNetwork,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    net = slow_network(make_network)
    monkeypatch.setattr(app.training, "KEEPALIVE_SECONDS", 0.001)
    with client.stream("POST", f"/api/networks/{net['id']}/train",
                       json={"epochs": 3, "stream": True}) as response:
        text = "".join(response.iter_text())
    assert response.status_code == 200
    assert ": still training" in text
    assert "event: result" in text


class GoneClient:
    """A request whose client has already disconnected."""

    async def is_disconnected(self) -> bool:
        return True


def test_plain_train_stops_when_the_client_leaves(client: TestClient, make_network: MakeNetwork,
                                                  settings: Settings) -> None:
    net = slow_network(make_network)
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    pool: TrainPool = client.app.state.train_pool  # type: ignore[attr-defined]
    result = asyncio.run(train_watching(GoneClient(), store, pool,  # type: ignore[arg-type]
                                        net["id"], TrainRequest(epochs=100_000), settings))
    # Stopped by the client leaving (not by max_train_seconds), long before the 100,000 epochs.
    assert (result.stopped_early, result.reason) == (True, "cancelled: the client went away")
    assert result.epochs < 100_000
    assert result.step == result.epochs
    with store.edit(net["id"], wait=False) as session:  # the lease is free again
        assert session.network.step == result.step
