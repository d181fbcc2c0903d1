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
    ("post", "/api/networks/{network_id}/train", {"404", "409", "413", "422", "429"}),
    ("patch", "/api/networks/{network_id}", {"404", "409", "413", "422"}),
    ("post", "/api/networks/{network_id}/reset", {"404", "409", "413", "422"}),
    ("delete", "/api/networks/{network_id}", {"404", "409", "422"}),
    ("post", "/api/circuits/trace", {"413", "422", "429"}),
    ("post", "/api/networks/import", {"413", "422", "429"}),
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


def test_the_step_documents_which_matrices_may_be_left_out(client: TestClient,
                                                           paths: dict) -> None:
    step = paths["/api/networks/{network_id}/step"]["post"]
    omit = next(p for p in step["parameters"] if p["name"] == "omit")
    array = next(s for s in omit["schema"]["anyOf"] if s.get("type") == "array")
    assert (omit["in"], array["items"]["enum"]) == ("query", ["weights", "grad_weights"])
    crc = next(p for p in step["parameters"] if p["name"] == "weights_crc")
    number = next(s for s in crc["schema"]["anyOf"] if s.get("type") == "integer")
    assert (number["minimum"], number["maximum"]) == (0, 2**32 - 1)
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    omitted = schemas["TraceLayersOut"]["properties"]["omitted"]
    assert omitted["items"]["enum"] == ["weights", "grad_weights"]


def test_document_is_valid_and_every_ref_resolves(client: TestClient) -> None:
    import json
    import re

    from openapi_spec_validator import validate

    document = client.get("/openapi.json").json()
    validate(document)
    names = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert names <= set(document["components"]["schemas"])
    assert {"DatasetCreate", "ProgressEvent", "StartEvent", "ErrorEvent"} <= names


def test_dataset_upload_states_its_json_body_and_rule(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    body = document["paths"]["/api/datasets"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/DatasetCreate"}
    assert "allOf" in document["components"]["schemas"]["DatasetCreate"]


def test_each_sse_event_has_a_schema(paths: dict) -> None:
    stream = paths["/api/networks/{network_id}/train"]["post"]["responses"]["200"]["content"][
        "text/event-stream"]["schema"]
    events = {option["properties"]["event"]["const"]:
              option["properties"]["data"]["contentSchema"]["$ref"].rsplit("/", 1)[1]
              for option in stream["oneOf"]}
    assert events == {"start": "StartEvent", "queued": "QueuedEvent", "progress": "ProgressEvent",
                      "result": "TrainResult", "error": "ErrorEvent"}


def test_creates_link_to_the_operations_on_their_id(paths: dict) -> None:
    links = paths["/api/networks"]["post"]["responses"]["201"]["links"]
    targets = {link["operationId"] for link in links.values()}
    for method, path in (("post", "/api/networks/{network_id}/step"),
                         ("post", "/api/networks/{network_id}/train"),
                         ("post", "/api/networks/{network_id}/reset"),
                         ("get", "/api/networks/{network_id}/predict")):
        assert paths[path][method]["operationId"] in targets
    assert all(link["parameters"] == {"network_id": "$response.body#/id"}
               for link in links.values())


def test_server_limits_are_in_the_schema(tmp_path) -> None:
    from app.main import create_app
    from app.settings import Settings

    app = create_app(Settings(db=tmp_path / "s.db", max_epochs=200, max_grid_resolution=40))
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["TrainRequest"]["properties"]["epochs"]["maximum"] == 200
    assert {"type": "integer", "minimum": 2, "maximum": 40} in schemas["LiveOptions"][
        "properties"]["grid_resolution"]["anyOf"]


def test_405_allows_every_method_of_the_path(client: TestClient) -> None:
    response = client.options("/api/networks/abc")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PATCH"


def test_limited_operations_document_429_and_507(paths: dict) -> None:
    create = paths["/api/networks"]["post"]["responses"]
    assert {"429", "507"} <= set(create)
    assert "Retry-After" in create["429"]["headers"]
    assert "507" not in paths["/api/networks/{network_id}/train"]["post"]["responses"]
    assert "429" not in paths["/api/networks/{network_id}/step"]["post"]["responses"]
