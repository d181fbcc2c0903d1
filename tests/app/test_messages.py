"""Messages name what the user sent: `weight.layer`, nothing to change, an unused rate."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork


def test_patch_weight_index_error_names_weight_layer(client: TestClient,
                                                     make_network: MakeNetwork) -> None:
    net = make_network()
    weight = {"layer": 5, "source": 0, "target": 0, "value": 1}
    response = client.patch(f"/api/networks/{net['id']}", json={"weight": weight})
    assert response.status_code == 422
    assert response.json()["message"].startswith("weight.layer: ")
    assert response.json()["field"] == "weight.layer"


def test_patch_bias_index_error_names_bias_index(client: TestClient,
                                                 make_network: MakeNetwork) -> None:
    net = make_network(layers=[2, 2, 1], dataset={"name": "xor"})
    bias = {"layer": 1, "index": 9, "value": 1}
    response = client.patch(f"/api/networks/{net['id']}", json={"bias": bias})
    assert response.status_code == 422
    assert response.json()["message"].startswith("bias.index: ")


def test_empty_patch_is_422_nothing_to_change(client: TestClient,
                                              make_network: MakeNetwork) -> None:
    net = make_network()
    response = client.patch(f"/api/networks/{net['id']}", json={})
    assert response.status_code == 422
    assert "nothing to change" in response.json()["message"]


def test_regularization_rate_without_regularization_is_422(client: TestClient) -> None:
    body = {"layers": [2, 1], "inputs": [[1, 1]], "targets": [[0]],
            "regularization": "none", "regularization_rate": 0.1}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "regularization_rate"


def test_regularization_rate_with_l2_is_fine(client: TestClient) -> None:
    body = {"layers": [2, 1], "inputs": [[1, 1]], "targets": [[0]],
            "regularization": "l2", "regularization_rate": 0.1}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201
    assert response.json()["spec"]["regularization_rate"] == 0.1


def test_momentum_with_adam_is_accepted_and_ignored(client: TestClient) -> None:
    body = {"layers": [2, 1], "inputs": [[1, 1]], "targets": [[0]],
            "optimizer": "adam", "momentum": 0.5}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201
    assert response.json()["spec"]["optimizer"] == "adam"
