"""/api/circuits/trace, /api/circuits/presets and a network neuron's circuit."""

from __future__ import annotations

import string
from typing import Any

import pytest
from fastapi.testclient import TestClient

NEURON = {"a": 1, "b": 2, "c": -3, "x": -1, "y": 3}


def trace(client: TestClient, **body: Any) -> Any:
    return client.post("/api/circuits/trace", json=body)


def test_presets_list_the_three_seed_circuits(client: TestClient) -> None:
    response = client.get("/api/circuits/presets")
    assert response.status_code == 200
    presets = {p["id"]: p for p in response.json()}
    assert set(presets) == {"add-multiply", "one-neuron", "sigmoid-decomposed"}
    assert presets["add-multiply"]["expression"] == "(x + y) * z"
    assert presets["add-multiply"]["values"] == {"x": -2, "y": 5, "z": -4}
    assert presets["sigmoid-decomposed"]["decompose"] is True


def test_every_preset_traces(client: TestClient) -> None:
    for preset in client.get("/api/circuits/presets").json():
        body = {k: preset[k] for k in ("expression", "values", "decompose", "step_size")}
        assert trace(client, **body).status_code == 200


def test_add_multiply_circuit(client: TestClient) -> None:
    response = trace(client, expression="(x + y) * z", values={"x": -2, "y": 5, "z": -4})
    assert response.status_code == 200
    data = response.json()
    assert data["output"] == pytest.approx(-12)
    assert {k: v["grad"] for k, v in data["inputs"].items()} == pytest.approx(
        {"x": -4, "y": -4, "z": 3})
    assert data["nudged_output"] is None and data["nudged_values"] is None


def test_one_neuron_with_nudge(client: TestClient) -> None:
    response = trace(client, expression="sigmoid(a*x + b*y + c)", values=NEURON,
                     step_size=0.01)
    assert response.status_code == 200
    data = response.json()
    assert data["output"] == pytest.approx(0.8807971, abs=1e-6)
    assert data["nudged_output"] == pytest.approx(0.8825502, abs=1e-6)
    assert data["direction"] == "up"
    a = data["inputs"]["a"]
    assert a["grad"] == pytest.approx(-0.1049936, abs=1e-6)
    assert a["numerical_grad"] == pytest.approx(-0.1049936, abs=1e-6)
    assert a["forward_difference_grad"] == pytest.approx(-0.1049936, abs=1e-4)
    assert data["nudged_values"]["a"] == pytest.approx(1 - 0.001049936, abs=1e-6)


def test_direction_down_lowers_the_output(client: TestClient) -> None:
    data = trace(client, expression="sigmoid(a*x + b*y + c)", values=NEURON,
                 step_size=0.01, direction="down").json()
    assert data["nudged_output"] < data["output"]


def test_wires_and_gates_have_the_documented_fields(client: TestClient) -> None:
    data = trace(client, expression="(x + y) * z", values={"x": -2, "y": 5, "z": -4}).json()
    assert [w["id"] for w in data["wires"]] == ["w0", "w1", "w2", "w3", "w4"]
    assert set(data["wires"][2]) == {"id", "label", "kind", "value", "grad"}
    assert data["wires"][2] == {"id": "w2", "label": "x + y", "kind": "gate",
                                "value": 3.0, "grad": -4.0}
    mul = data["gates"][1]
    assert {"id", "op", "inputs", "output", "local_grads"} <= set(mul)
    assert (mul["op"], mul["inputs"], mul["output"]) == ("mul", ["w2", "w3"], "w4")
    assert mul["local_grads"] == [-4.0, 3.0]
    assert data["output_wire"] == "w4"


def test_decompose_expands_sigmoid(client: TestClient) -> None:
    data = trace(client, expression="sigmoid(x)", values={"x": 1}, decompose=True).json()
    assert [g["op"] for g in data["gates"]] == ["neg", "exp", "add", "div"]
    assert data["inputs"]["x"]["grad"] == pytest.approx(0.1966119, abs=1e-6)


@pytest.mark.parametrize("expression", [
    "__import__('os')", "os.system('ls')", "x.__class__", "x[0]", "lambda: 1", "'s'",
    "[x for x in y]", "open('f')", "x // 2", "x ** y", "max(x, y=1)", "1 +",
])
def test_unsafe_or_bad_expressions_are_422_with_a_reason(client: TestClient,
                                                         expression: str) -> None:
    response = trace(client, expression=expression, values={})
    assert response.status_code == 422
    assert "not allowed" in response.json()["message"] or "error" in response.json()["message"] \
        or "exponent" in response.json()["message"]


def test_the_422_names_the_culprit(client: TestClient) -> None:
    response = trace(client, expression="__import__('os')")
    assert response.status_code == 422
    assert response.json()["where"] == "__import__"
    assert "__import__" in response.json()["detail"]


def test_a_sum_of_300_variables_is_a_422_naming_the_limit(client: TestClient) -> None:
    names = [f"{a}{b}" for a in "pqrstuvwxyz" for b in string.ascii_letters][:300]
    response = trace(client, expression="+".join(names), values=dict.fromkeys(names, 1.0))
    assert response.status_code == 422
    assert response.json()["where"] == "values"
    assert response.json()["message"].endswith(
        "at least 300 × 299 = 89,700 gates, above the limit of 20,000; use at most 141 "
        "variables")


@pytest.mark.parametrize(("expression", "values", "where"), [
    ("exp(x)", {"x": 1000}, "g0"),
    ("log(x)", {"x": 0}, "g0"),
    ("x / y", {"x": 1, "y": 0}, "g0"),
    ("x + y", {"x": 1}, "y"),
    ("x", {"x": 1, "q": 2}, "q"),
])
def test_values_that_cannot_be_computed_are_422_saying_where(
    client: TestClient, expression: str, values: dict[str, float], where: str
) -> None:
    response = trace(client, expression=expression, values=values)
    assert response.status_code == 422
    assert response.json()["where"] == where


@pytest.mark.parametrize("body", [
    {},
    {"expression": ""},
    {"expression": "x" * 1001, "values": {}},
    {"expression": "x", "values": {"x": "one"}},
    {"expression": "x", "values": {"x": 1e10}},
    {"expression": "x", "values": {"__class__": 1}},
    {"expression": "x", "values": {"x": 1}, "direction": "sideways"},
    {"expression": "x", "values": {"x": 1}, "step_size": -1},
    {"expression": "x", "values": {"x": 1}, "unknown": True},
])
def test_invalid_requests_are_422(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/api/circuits/trace", json=body)
    assert response.status_code == 422
    assert response.json()["message"]


def test_non_finite_json_numbers_are_422(client: TestClient) -> None:
    response = client.post("/api/circuits/trace", content='{"expression": "x", '
                           '"values": {"x": Infinity}}', headers={"content-type":
                                                                   "application/json"})
    assert response.status_code == 422


def test_openapi_documents_the_circuit_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/circuits/trace"]["post"]["summary"]
    assert "422" in paths["/api/circuits/trace"]["post"]["responses"]
    assert paths["/api/circuits/presets"]["get"]["summary"]
    assert paths["/api/networks/{network_id}/neurons/{layer}/{index}/circuit"]["get"]


def test_neuron_circuit_of_a_network(client: TestClient, make_network: Any) -> None:
    network_id = make_network()["id"]
    response = client.get(f"/api/networks/{network_id}/neurons/1/0/circuit",
                          params={"sample": 0, "step_size": 0.1})
    assert response.status_code == 200
    data = response.json()
    assert (data["network_id"], data["layer"], data["index"], data["sample"]) == (
        network_id, 1, 0, 0)
    assert set(data["inputs"]) == {"w0", "x0", "w1", "x1"}  # the preset has no biases
    assert data["expression"] == "w0*x0 + w1*x1"  # linear activations
    assert data["inputs"]["w0"]["grad"] == pytest.approx(data["network"]["grad_weights"][0])
    assert data["network"]["grad_bias"] is None
    assert data["output"] == pytest.approx(data["network"]["a"])
    assert data["nudged_output"] is not None


def test_neuron_circuit_matches_the_step_trace(client: TestClient, make_network: Any) -> None:
    network_id = make_network()["id"]
    circuit = client.get(f"/api/networks/{network_id}/neurons/2/0/circuit").json()
    step = client.post(f"/api/networks/{network_id}/step",
                       json={"phase": "backward", "sample": 0}).json()
    edges = {(e["layer"], e["source"], e["target"]): e for e in step["edges"]}
    for source in (0, 1):
        assert circuit["inputs"][f"w{source}"]["grad"] == pytest.approx(
            edges[(2, source, 0)]["grad"], abs=1e-9)


@pytest.mark.parametrize(("path", "status"), [
    ("/api/networks/nope/neurons/1/0/circuit", 404),
    ("/api/networks/{id}/neurons/0/0/circuit", 422),
    ("/api/networks/{id}/neurons/1/9/circuit", 422),
    ("/api/networks/{id}/neurons/1/0/circuit?sample=99", 422),
    ("/api/networks/{id}/neurons/x/0/circuit", 422),
    ("/api/networks/{id}/neurons/1/0/circuit?direction=left", 422),
])
def test_neuron_circuit_errors(client: TestClient, make_network: Any, path: str,
                               status: int) -> None:
    response = client.get(path.replace("{id}", make_network()["id"]))
    assert response.status_code == status
    assert response.json()["message"]
