"""The OpenAPI document lists the error codes each route can answer with, and only those."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def paths(client: TestClient) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.json()["paths"])


@pytest.mark.parametrize("method,path,codes", [
    ("post", "/api/networks/{network_id}/step", {"404", "409", "413", "422"}),
    ("post", "/api/networks/{network_id}/train", {"404", "409", "413", "422"}),
    ("patch", "/api/networks/{network_id}", {"404", "409", "413", "422"}),
    ("post", "/api/networks/{network_id}/reset", {"404", "409", "413", "422"}),
    ("delete", "/api/networks/{network_id}", {"404", "409", "422"}),
    ("post", "/api/circuits/trace", {"413", "422"}),
    ("post", "/api/networks/import", {"413", "422"}),
    ("get", "/api/datasets", {"422"}),
    ("get", "/api/presets", {"422"}),
])
def test_error_codes_where_they_occur(paths: dict, method: str, path: str, codes: set) -> None:
    listed = {code for code in paths[path][method]["responses"] if code.startswith("4")}
    assert listed == codes


def test_error_body_has_the_optional_locators(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"detail", "message", "field", "row", "column", "epoch", "step", "where"} <= set(
        schemas["ErrorBody"]["properties"])


def test_health_has_a_response_model(paths: dict) -> None:
    schema = paths["/api/health"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"] == {"$ref": "#/components/schemas/HealthOut"}
