"""POST /api/networks/{id}/step: the two-two-one walk-through, phase by phase."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork


def step(client: TestClient, ident: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/networks/{ident}/step", json=body)
    assert response.status_code == 200, response.text
    trace: dict[str, Any] = response.json()
    return trace


def edge(trace: dict[str, Any], layer: int, source: int, target: int) -> dict[str, Any]:
    return next(e for e in trace["edges"]
                if (e["layer"], e["source"], e["target"]) == (layer, source, target))


def output_node(trace: dict[str, Any]) -> dict[str, Any]:
    return next(n for n in trace["nodes"] if n["layer"] == 2)


def test_forward_gives_the_articles_output(client: TestClient, make_network: MakeNetwork
                                           ) -> None:
    ident = make_network()["id"]
    trace = step(client, ident, phase="forward")
    assert trace["network_id"] == ident
    assert trace["phase"] == "forward"
    assert output_node(trace)["a"] == pytest.approx(0.191, abs=1e-12)
    assert trace["loss"] == pytest.approx(0.3272405, abs=1e-7)


def test_forward_leaves_gradients_null(client: TestClient, make_network: MakeNetwork) -> None:
    trace = step(client, make_network()["id"], phase="forward")
    assert all(e["grad"] is None and e["new_weight"] is None for e in trace["edges"])
    assert trace["step"] == 0


def test_backward_gives_the_gradient_of_w5(client: TestClient, make_network: MakeNetwork
                                           ) -> None:
    ident = make_network()["id"]
    step(client, ident, phase="forward")
    trace = step(client, ident, phase="backward")
    assert edge(trace, 2, 0, 0)["grad"] == pytest.approx(-0.68765, abs=1e-9)


def test_backward_on_a_fresh_network_runs_forward_too(
        client: TestClient, make_network: MakeNetwork) -> None:
    trace = step(client, make_network()["id"], phase="backward")
    assert trace["loss"] == pytest.approx(0.3272405, abs=1e-7)
    assert output_node(trace)["a"] == pytest.approx(0.191, abs=1e-12)


def test_update_gives_the_new_w5_then_forward_the_new_output(
        client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    for phase in ("forward", "backward"):
        step(client, ident, phase=phase)
    trace = step(client, ident, phase="update")
    assert edge(trace, 2, 0, 0)["new_weight"] == pytest.approx(0.1743825, abs=1e-12)
    assert trace["step"] == 1
    after = step(client, ident, phase="forward")
    assert output_node(after)["a"] == pytest.approx(0.2557458, abs=1e-7)


def test_phases_in_turn_equal_one_all(client: TestClient, make_network: MakeNetwork) -> None:
    a, b = make_network()["id"], make_network()["id"]
    forward, backward = step(client, a, phase="forward"), step(client, a, phase="backward")
    update = step(client, a, phase="update")
    whole = step(client, b, phase="all")
    for part, fields in ((forward, ("z", "a")), (backward, ("grad_z", "grad_a"))):
        for mine, theirs in zip(part["nodes"], whole["nodes"], strict=True):
            assert [mine[f] for f in fields] == [theirs[f] for f in fields]
    for mine, theirs in zip(update["edges"], whole["edges"], strict=True):
        assert mine["new_weight"] == theirs["new_weight"]
    for mine, theirs in zip(backward["edges"], whole["edges"], strict=True):
        assert mine["grad"] == theirs["grad"]
    assert update["step"] == whole["step"] == 1


def test_trace_has_the_documented_fields(client: TestClient, make_network: MakeNetwork
                                         ) -> None:
    trace = step(client, make_network()["id"])
    assert {"network_id", "phase", "step", "loss", "focus", "outputs", "targets", "nodes",
            "edges"} <= set(trace)
    assert {"layer", "index", "z", "a", "grad_z", "grad_a", "bias", "grad_bias",
            "new_bias"} <= set(trace["nodes"][0])
    assert {"layer", "source", "target", "weight", "signal", "grad", "new_weight"} <= set(
        trace["edges"][0])


def test_step_without_body_runs_all(client: TestClient, make_network: MakeNetwork) -> None:
    response = client.post(f"/api/networks/{make_network()['id']}/step")
    assert response.status_code == 200
    assert response.json()["phase"] == "all"


def test_sample_out_of_range_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    response = client.post(f"/api/networks/{make_network()['id']}/step", json={"sample": 5})
    assert response.status_code == 422
    assert "sample 5" in response.json()["message"]


def test_unknown_phase_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    response = client.post(f"/api/networks/{make_network()['id']}/step",
                           json={"phase": "sideways"})
    assert response.status_code == 422


def test_step_on_unknown_network_is_404(client: TestClient) -> None:
    response = client.post("/api/networks/nope/step", json={})
    assert response.status_code == 404


def test_trace_matches_its_documented_schema(client: TestClient, make_network: MakeNetwork
                                             ) -> None:
    from app.schemas.training import TraceOut

    trace = step(client, make_network()["id"], phase="update")
    assert TraceOut.model_validate(trace).model_dump(mode="json") == trace


def test_overflowing_step_is_422_and_changes_nothing(
        client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(layers=[1, 1, 1], activations=["linear"] * 2, use_bias=False,
                         weights=[[[1e9]], [[1e9]]], inputs=[[1e9]], targets=[[0]],
                         learning_rate=1000)["id"]
    statuses = [client.post(f"/api/networks/{ident}/step", json={}).status_code
                for _ in range(6)]
    assert 422 in statuses
    good = statuses.index(422)
    response = client.post(f"/api/networks/{ident}/step", json={})
    assert response.status_code == 422
    assert "learning rate" in response.json()["message"]
    assert client.get(f"/api/networks/{ident}").json()["step"] == good


def test_divergence_during_a_step_speaks_of_steps(client: TestClient,
                                                  make_network: MakeNetwork) -> None:
    net = make_network(layers=[1, 1], activations=["linear"], loss="mse", learning_rate=1000,
                       weights=[[[1e9]]], inputs=[[1e9]], targets=[[0]])
    for _ in range(30):
        response = client.post(f"/api/networks/{net['id']}/step", json={"phase": "all"})
        if response.status_code != 200:
            break
    assert response.status_code == 422
    step = response.json()["step"]
    assert f"step {step} " in response.json()["message"]
    assert "epoch" not in response.json()["message"]
