"""/api/networks: create, read, patch, delete, export/import; /api/presets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

SPEC = {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
        "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]],
        "seed": 3}


def test_presets_list_names_titles_and_sources(client: TestClient) -> None:
    response = client.get("/api/presets")
    assert response.status_code == 200
    presets = {p["name"]: p for p in response.json()}
    assert "two-two-one" in presets
    assert {"name", "title", "description", "source"} <= set(presets["two-two-one"])


def test_create_from_preset_is_201_with_id_and_state(client: TestClient) -> None:
    response = client.post("/api/networks", json={"preset": "two-two-one"})
    assert response.status_code == 201
    state = response.json()
    assert len(state["id"]) >= 22
    assert state["layers"] == [2, 2, 1]
    assert state["weights"] == [[[0.11, 0.21], [0.12, 0.08]], [[0.14, 0.15]]]
    assert state["step"] == 0
    assert state["learning_rate"] == 0.05
    assert {"layers", "weights", "biases", "learning_rate", "step", "loss_history",
            "spec"} <= set(state)


def test_preset_fields_can_be_overridden(make_network: MakeNetwork) -> None:
    state = make_network(preset="two-two-one", learning_rate=0.5)
    assert state["learning_rate"] == 0.5


def test_create_from_full_spec(make_network: MakeNetwork) -> None:
    state = make_network(**SPEC)
    assert state["layers"] == [2, 3, 1]
    assert state["dataset"]["samples"] == 4
    assert state["dataset"]["bounds"] is not None


def test_explicit_weights_are_kept(make_network: MakeNetwork) -> None:
    weights = [[[0.5, -0.5]], [[2.0]]]
    state = make_network(layers=[2, 1, 1], activations=["linear", "linear"], use_bias=False,
                         weights=weights, inputs=[[1, 2]], targets=[[1]])
    assert state["weights"] == weights
    assert state["biases"] == [None, None]


def test_named_dataset(make_network: MakeNetwork) -> None:
    state = make_network(layers=[2, 4, 1], activations=["tanh", "sigmoid"],
                         dataset={"name": "xor", "samples": 50, "seed": 1})
    assert state["dataset"]["samples"] == 50


def test_unknown_preset_is_422_naming_the_choices(client: TestClient) -> None:
    response = client.post("/api/networks", json={"preset": "nope"})
    assert response.status_code == 422
    assert "two-two-one" in response.json()["message"]


def test_spec_without_data_is_422(client: TestClient) -> None:
    response = client.post("/api/networks", json={"layers": [2, 1],
                                                  "activations": ["linear"]})
    assert response.status_code == 422
    assert "data" in response.json()["message"]


def test_data_not_matching_layers_is_422(client: TestClient) -> None:
    response = client.post("/api/networks", json={**SPEC, "layers": [3, 1],
                                                  "activations": ["sigmoid"]})
    assert response.status_code == 422
    assert "the network expects 3" in response.json()["message"]


def test_targets_outside_the_losss_range_are_422_at_creation(client: TestClient) -> None:
    response = client.post("/api/networks", json={
        "layers": [1, 1], "activations": ["sigmoid"], "loss": "bce",
        "dataset": {"name": "celsius"}})
    assert response.status_code == 422
    body = response.json()
    assert (body["row"], body["column"]) == (0, 0)
    assert "binary cross-entropy needs targets from 0 to 1" in body["message"]
    assert "target -58" in body["message"]


def test_get_returns_the_state(client: TestClient, make_network: MakeNetwork) -> None:
    created = make_network()
    response = client.get(f"/api/networks/{created['id']}")
    assert response.status_code == 200
    assert response.json()["weights"] == created["weights"]


def test_patch_learning_rate(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.patch(f"/api/networks/{ident}", json={"learning_rate": 0.2})
    assert response.status_code == 200
    assert response.json()["learning_rate"] == 0.2
    assert client.get(f"/api/networks/{ident}").json()["learning_rate"] == 0.2


def test_patch_weight(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.patch(f"/api/networks/{ident}", json={
        "weight": {"layer": 2, "source": 1, "target": 0, "value": 0.5}})
    assert response.status_code == 200
    assert response.json()["weights"][1] == [[0.14, 0.5]]


def test_patch_bias(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**SPEC)["id"]
    response = client.patch(f"/api/networks/{ident}", json={
        "bias": {"layer": 1, "index": 2, "value": 0.25}})
    assert response.status_code == 200
    assert response.json()["biases"][0][2] == 0.25


def test_patch_data_rows(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.patch(f"/api/networks/{ident}",
                            json={"inputs": [[1, 1], [2, 2]], "targets": [[0], [1]]})
    assert response.status_code == 200
    assert response.json()["dataset"]["inputs"] == [[1, 1], [2, 2]]


def test_patch_out_of_range_weight_is_422_and_changes_nothing(
        client: TestClient, make_network: MakeNetwork) -> None:
    created = make_network()
    response = client.patch(f"/api/networks/{created['id']}", json={
        "learning_rate": 0.9, "weight": {"layer": 2, "source": 7, "target": 0, "value": 1}})
    assert response.status_code == 422
    after = client.get(f"/api/networks/{created['id']}").json()
    assert after["learning_rate"] == created["learning_rate"]


def test_delete_is_204_then_404(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.delete(f"/api/networks/{ident}")
    assert response.status_code == 204
    assert client.get(f"/api/networks/{ident}").status_code == 404


@pytest.mark.parametrize("method,path", [
    ("get", ""), ("patch", ""), ("delete", ""), ("get", "/export"), ("post", "/reset"),
    ("post", "/train"), ("get", "/predict"),
])
def test_unknown_id_is_404(client: TestClient, method: str, path: str) -> None:
    body = {"json": {"epochs": 1}} if path == "/train" else (
        {"json": {"learning_rate": 0.1}} if method == "patch" else
        {"json": {}} if method == "post" else {})
    response = getattr(client, method)(f"/api/networks/unknown-id{path}", **body)
    assert response.status_code == 404
    assert "unknown-id" in response.json()["message"]


def test_export_import_round_trip_is_exact(client: TestClient, make_network: MakeNetwork
                                           ) -> None:
    ident = make_network(**SPEC)["id"]
    client.post(f"/api/networks/{ident}/train", json={"epochs": 7})
    exported = client.get(f"/api/networks/{ident}/export")
    assert exported.status_code == 200
    imported = client.post("/api/networks/import", json=exported.json())
    assert imported.status_code == 201
    new_id = imported.json()["id"]
    assert new_id != ident
    assert client.get(f"/api/networks/{new_id}/export").json() == exported.json()


def test_import_of_garbage_is_422(client: TestClient) -> None:
    response = client.post("/api/networks/import", json={"network": {"x": 1}, "dataset": {}})
    assert response.status_code == 422
