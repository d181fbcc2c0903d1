"""Regressions found by an adversarial pass over the API: each test one defect."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork


def test_circuit_expression_over_two_lines_traces(client: TestClient) -> None:
    response = client.post("/api/circuits/trace", json={
        "expression": "(x + y)\n* z", "values": {"x": -2, "y": 5, "z": -4}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["output"] == -12.0
    assert {k: v["grad"] for k, v in body["inputs"].items()} == {"x": -4.0, "y": -4.0,
                                                               "z": 3.0}


def test_circuit_expression_with_a_no_break_space_traces(client: TestClient) -> None:
    response = client.post("/api/circuits/trace", json={
        "expression": "x\u00a0*\u00a0y", "values": {"x": 3, "y": 2}})
    assert response.status_code == 200, response.text
    assert response.json()["output"] == 6.0


def test_patch_of_only_nulls_is_refused_like_an_empty_one(
        client: TestClient, make_network: MakeNetwork) -> None:
    net = make_network()
    for body in ({"learning_rate": None}, {"weight": None, "bias": None}):
        response = client.patch(f"/api/networks/{net['id']}", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["message"] == (
            "body: Value error, nothing to change: give learning_rate, weight, bias, or "
            "inputs and targets")
    assert client.get(f"/api/networks/{net['id']}").json()["updated_at"] == net["updated_at"]


def test_import_refuses_a_regularization_rate_without_a_penalty_as_create_does(
        client: TestClient, make_network: MakeNetwork) -> None:
    net = make_network(preset="xor")
    doc = client.get(f"/api/networks/{net['id']}/export").json()
    doc["network"]["spec"].update(regularization="none", regularization_rate=0.5)
    response = client.post("/api/networks/import", json=doc)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "network.spec.regularization_rate"
    assert response.json()["message"] == ('network.spec.regularization_rate: 0.5 has no effect '
                                          'with regularization "none"; choose "l1" or "l2", '
                                          'or leave it out')
    doc["network"]["spec"]["regularization"] = "l2"
    assert client.post("/api/networks/import", json=doc).status_code == 201


def test_openapi_describes_every_field_of_creating_stepping_and_training(
        client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    undescribed = {name: [field for field, prop in schemas[name]["properties"].items()
                          if field not in {"layer", "index", "network_id"}
                          and not prop.get("description")]
                   for name in ("NetworkCreate", "StepRequest", "TrainRequest", "TraceOut",
                                "NodeOut", "EdgeOut")}
    assert undescribed == {name: [] for name in undescribed}
    loss = schemas["TraceOut"]["properties"]["loss"]["description"]
    assert "whole batch" in loss and "also with `sample`" in loss
