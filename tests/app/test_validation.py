"""Malformed input: unknown fields, non-finite numbers, limits, oversized bodies → 4xx."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

NON_FINITE = ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"]


@pytest.mark.parametrize("path,body", [
    ("/api/networks", {"preset": "two-two-one", "colour": "red"}),
    ("/api/datasets", {"inputs": [[1]], "targets": [[1]], "colour": "red"}),
])
def test_unknown_fields_are_422(client: TestClient, path: str, body: dict[str, object]
                                ) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert "colour" in response.json()["message"]


def test_unknown_fields_in_nested_bodies_are_422(client: TestClient,
                                                 make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    for path, body in ((f"/api/networks/{ident}/step", {"phase": "all", "x": 1}),
                       (f"/api/networks/{ident}/train", {"epochs": 1, "x": 1}),
                       (f"/api/networks/{ident}/reset", {"x": 1}),
                       (f"/api/networks/{ident}", {"weight": {"layer": 1, "source": 0,
                                                              "target": 0, "value": 1,
                                                              "x": 1}})):
        response = client.request("PATCH" if path.endswith(ident) else "POST", path,
                                  json=body)
        assert response.status_code == 422, path


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_learning_rate_is_422(client: TestClient, literal: str) -> None:
    response = client.post("/api/networks", content=(
        '{"preset": "two-two-one", "learning_rate": @}'.replace("@", literal)),
        headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "learning_rate" in response.json()["message"]


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_inputs_are_422(client: TestClient, literal: str) -> None:
    response = client.post("/api/networks", content=(
        '{"layers": [1, 1], "activations": ["linear"], "inputs": [[@]], "targets": [[1]]}'
        .replace("@", literal)), headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "inputs: row 0, column 0" in response.json()["message"]


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_weight_patch_is_422(client: TestClient, make_network: MakeNetwork,
                                        literal: str) -> None:
    ident = make_network()["id"]
    response = client.patch(f"/api/networks/{ident}", content=(
        '{"weight": {"layer": 1, "source": 0, "target": 0, "value": @}}'.replace("@", literal)),
        headers={"content-type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_inside_an_import_is_422(client: TestClient, literal: str) -> None:
    response = client.post("/api/networks/import", content=(
        '{"network": {"weights": [[[@]]]}, "dataset": {}}'.replace("@", literal)),
        headers={"content-type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize("literal", ["1e999", "nan", "inf"])
def test_non_finite_query_is_422(client: TestClient, make_network: MakeNetwork,
                                 literal: str) -> None:
    ident = make_network()["id"]
    response = client.get(f"/api/networks/{ident}/predict",
                          params={"x_min": literal, "x_max": 1, "y_min": 0, "y_max": 1})
    assert response.status_code == 422


def test_too_many_layers_is_422_naming_the_limit(client: TestClient) -> None:
    response = client.post("/api/networks", json={
        "layers": [1] * 11, "activations": ["linear"] * 10, "inputs": [[1]], "targets": [[1]]})
    assert response.status_code == 422
    assert "10" in response.json()["message"]


def test_too_many_neurons_is_422(client: TestClient) -> None:
    response = client.post("/api/networks", json={
        "layers": [1, 65, 1], "activations": ["linear"] * 2, "inputs": [[1]],
        "targets": [[1]]})
    assert response.status_code == 422
    assert "64" in response.json()["message"]


def test_too_many_epochs_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.post(f"/api/networks/{ident}/train", json={"epochs": 100_001})
    assert response.status_code == 422
    assert "100000" in response.json()["message"]


def test_lowered_limit_from_settings_is_422(client: TestClient) -> None:
    client.app.state.settings.max_layers = 3  # type: ignore[attr-defined]
    response = client.post("/api/networks", json={
        "layers": [1, 1, 1, 1], "activations": ["linear"] * 3, "inputs": [[1]],
        "targets": [[1]]})
    assert response.status_code == 422
    assert "limit of 3" in response.json()["message"]


def test_body_over_one_megabyte_is_413(client: TestClient) -> None:
    response = client.post("/api/networks", content=b"[" + b"0," * 600_000 + b"0]",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "limit" in response.json()["message"]


def test_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(20):
            yield b" " * 100_000

    response = client.post("/api/networks", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_invalid_json_is_422(client: TestClient) -> None:
    response = client.post("/api/networks", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_validation_errors_do_not_echo_input(client: TestClient) -> None:
    response = client.post("/api/networks", json={"preset": "two-two-one", "seed": -1})
    assert response.status_code == 422
    assert all("input" not in error for error in response.json()["detail"])
