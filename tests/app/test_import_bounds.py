"""Import: every exported session comes back; nothing beyond create's limits gets in."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas.sessions import MAX_HISTORY
from tests.app.conftest import MakeNetwork

Change = Callable[[dict[str, Any]], None]


@pytest.fixture
def exported(client: TestClient, make_network: MakeNetwork) -> dict[str, Any]:
    """The export of a trained two-two-one session."""
    ident = make_network()["id"]
    client.post(f"/api/networks/{ident}/train", json={"epochs": 3})
    doc: dict[str, Any] = client.get(f"/api/networks/{ident}/export").json()
    return doc


def test_large_session_round_trips(client: TestClient, make_network: MakeNetwork) -> None:
    net = make_network(layers=[2, *[64] * 8, 1], activations=["tanh"] * 8 + ["sigmoid"],
                       loss="bce", dataset={"name": "spiral", "samples": 10_000})
    exported = client.get(f"/api/networks/{net['id']}/export")
    assert len(exported.content) > 1_000_000
    imported = client.post("/api/networks/import", content=exported.content,
                           headers={"content-type": "application/json"})
    assert imported.status_code == 201
    assert imported.json()["dataset"]["samples"] == 10_000


def test_other_routes_keep_the_1_mb_limit(client: TestClient) -> None:
    response = client.post("/api/networks", content=b" " * 1_100_000,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "1000000 bytes" in response.json()["message"]


def test_export_carries_the_latest_history_and_import_reads_it(
        client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    for epochs in (MAX_HISTORY // 2, MAX_HISTORY // 2 + 10):
        response = client.post(f"/api/networks/{ident}/train", json={"epochs": epochs})
        assert response.status_code == 200
    doc = client.get(f"/api/networks/{ident}/export").json()
    assert len(doc["network"]["loss_history"]) == MAX_HISTORY
    imported = client.post("/api/networks/import", json=doc)
    assert imported.status_code == 201
    assert imported.json()["step"] == MAX_HISTORY + 10
    assert imported.json()["loss_history_steps"][-1] == MAX_HISTORY + 9


def _set(path: str, value: Any) -> Change:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return change


@pytest.mark.parametrize("change", [
    _set("network.initial_weights.0.0.0", 1e300), _set("network.spec.init_scale", 1e300),
    _set("dataset.inputs.0.0", 1e300), _set("network.spec.learning_rate", 1e308),
    _set("network.spec.seed", 2**63), _set("network.step", 10**30),
    _set("network.bogus", 1), _set("dataset.bogus", 1), _set("preset", "nope"),
    _set("dataset.name", "x" * 400_000), _set("network.loss_history", [0.5] * (MAX_HISTORY + 1)),
    _set("network.weights.0.0.0", True), _set("network.step", "3"),
])
def test_import_beyond_create_limits_is_422(client: TestClient, exported: dict[str, Any],
                                            change: Change) -> None:
    doc = copy.deepcopy(exported)
    change(doc)
    response = client.post("/api/networks/import", json=doc)
    assert response.status_code == 422
    assert response.json()["message"]


def test_weights_trained_past_the_create_bound_export_and_import_back(
        client: TestClient, make_network: MakeNetwork) -> None:
    """Two steps on a badly scaled input carry the weight to about 4e15, still finite: the
    export must import back (its parameters are the network's own, not a user's typing)."""
    net = make_network(layers=[1, 1], activations=["linear"], use_bias=False, loss="mse",
                       learning_rate=1.0, weights=[[[0.1]]], inputs=[[1e4]], targets=[[0]])
    for _ in range(2):
        assert client.post(f"/api/networks/{net['id']}/step", json={}).status_code == 200
    weight = client.get(f"/api/networks/{net['id']}").json()["weights"][0][0][0]
    assert 1e15 < abs(weight) < 1e17
    doc = client.get(f"/api/networks/{net['id']}/export").json()
    imported = client.post("/api/networks/import", json=doc)
    assert imported.status_code == 201, imported.text
    assert imported.json()["weights"][0][0][0] == weight
    again = client.get(f"/api/networks/{imported.json()['id']}/export").json()
    assert again["network"] == doc["network"]


def test_an_imported_huge_weight_diverges_with_a_422_not_a_500(
        client: TestClient, exported: dict[str, Any]) -> None:
    doc = copy.deepcopy(exported)
    doc["network"]["weights"][0][0][0] = 1e300
    doc["network"].pop("pending", None)
    imported = client.post("/api/networks/import", json=doc)
    assert imported.status_code == 201, imported.text
    ident = imported.json()["id"]
    step = client.post(f"/api/networks/{ident}/step", json={})
    assert step.status_code == 422
    assert "overflowed" in step.json()["message"] or "diverged" in step.json()["message"]
    assert client.get(f"/api/networks/{ident}").json()["weights"][0][0][0] == 1e300
