"""Regressions found by an adversarial pass over the API: each test one defect."""

from __future__ import annotations

from fastapi.testclient import TestClient


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
