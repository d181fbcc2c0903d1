"""Request bodies are strict: no coercion of bools, strings or floats into other types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

SPEC: dict[str, Any] = {"layers": [2, 1], "inputs": [[1, 1]], "targets": [[0]]}


@pytest.mark.parametrize("change", [
    {"learning_rate": True}, {"seed": True}, {"seed": "7"}, {"seed": 7.5},
    {"layers": ["2", "1"]}, {"use_bias": "yes"}, {"use_bias": 1},
    {"inputs": [["1", "1"]]}, {"inputs": [[True, False]]},
])
def test_create_refuses_coercion(client: TestClient, change: dict[str, Any]) -> None:
    response = client.post("/api/networks", json={**SPEC, **change})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"].endswith("_type")


def test_create_accepts_int_where_a_float_is_expected(client: TestClient) -> None:
    response = client.post("/api/networks", json={**SPEC, "learning_rate": 1})
    assert response.status_code == 201
    assert response.json()["learning_rate"] == 1.0


@pytest.mark.parametrize("body", [{"epochs": "5"}, {"epochs": True}, {"epochs": 5.5},
                                  {"epochs": 5, "stream": "yes"}])
def test_train_refuses_coercion(client: TestClient, make_network: MakeNetwork,
                                body: dict[str, Any]) -> None:
    net = make_network()
    response = client.post(f"/api/networks/{net['id']}/train", json=body)
    assert response.status_code == 422
    assert "epochs" in response.json()["message"] or "stream" in response.json()["message"]


def test_patch_refuses_bool_index_and_value(client: TestClient, make_network: MakeNetwork
                                            ) -> None:
    net = make_network()
    weight = {"layer": True, "source": 0, "target": 0, "value": True}
    response = client.patch(f"/api/networks/{net['id']}", json={"weight": weight})
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["detail"]} == {
        ("body", "weight", "layer"), ("body", "weight", "value")}


def test_circuit_trace_refuses_string_values(client: TestClient) -> None:
    response = client.post("/api/circuits/trace",
                           json={"expression": "x*2", "values": {"x": "3"}})
    assert response.status_code == 422
    assert "values.x" in response.json()["message"]


@pytest.mark.parametrize("change,field,value", [
    ({"seed": 7.0}, "seed", 7), ({"layers": [2.0, 3.0, 1.0]}, "layers", [2, 3, 1]),
])
def test_create_takes_a_whole_float_as_an_integer(
        client: TestClient, change: dict[str, Any], field: str, value: Any) -> None:
    response = client.post("/api/networks", json={**SPEC, **change})
    assert response.status_code == 201, response.text
    assert response.json()["spec"][field] == value


def test_reset_takes_seed_zero_point_zero(client: TestClient) -> None:
    net = client.post("/api/networks", json=SPEC).json()
    response = client.post(f"/api/networks/{net['id']}/reset", json={"seed": 0.0})
    assert response.status_code == 200, response.text
