"""/train (plain and streamed), /reset, /predict, and divergence."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

XOR = {"layers": [2, 4, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
       "learning_rate": 0.5, "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]],
       "targets": [[0], [1], [1], [0]], "seed": 1}


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_train_lowers_the_loss(client: TestClient, make_network: MakeNetwork) -> None:
    created = make_network(**XOR)
    response = client.post(f"/api/networks/{created['id']}/train", json={"epochs": 300})
    assert response.status_code == 200
    result = response.json()
    assert result["step"] == 300
    assert result["loss"] < created["loss"]
    assert result["state"]["step"] == 300
    assert len(result["loss_history"]) == 300


def test_train_history_is_downsampled(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    result = client.post(f"/api/networks/{ident}/train", json={"epochs": 5000}).json()
    assert len(result["loss_history"]) <= 1000
    assert result["loss_history_epochs"][-1] == 5000


def test_train_stream_sends_progress_then_result(client: TestClient,
                                                 make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    response = client.post(f"/api/networks/{ident}/train",
                           json={"epochs": 400, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    assert events[0][0] == "start"
    progress = [data for name, data in events if name == "progress"]
    assert progress and progress[-1]["epoch"] == 400
    assert events[-1][0] == "result"
    assert events[-1][1]["step"] == 400


def test_accept_header_streams_too(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    response = client.post(f"/api/networks/{ident}/train", json={"epochs": 5},
                           headers={"accept": "text/event-stream"})
    assert response.status_code == 200
    assert sse_events(response.text)[-1][0] == "result"


def test_divergence_is_422_and_leaves_the_network_unchanged(
        client: TestClient, make_network: MakeNetwork) -> None:
    created = make_network(preset="celsius", learning_rate=1.0)
    ident = created["id"]
    response = client.post(f"/api/networks/{ident}/train", json={"epochs": 2000})
    assert response.status_code == 422
    assert "diverged" in response.json()["message"]
    assert "learning rate" in response.json()["message"]
    after = client.get(f"/api/networks/{ident}").json()
    assert after["weights"] == created["weights"]
    assert after["step"] == 0


def test_divergence_while_streaming_is_an_error_event(
        client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(preset="celsius", learning_rate=1.0)["id"]
    response = client.post(f"/api/networks/{ident}/train", json={"epochs": 2000,
                                                                 "stream": True})
    name, data = sse_events(response.text)[-1]
    assert (name, data["status"]) == ("error", 422)


def test_reset_goes_back_to_step_zero(client: TestClient, make_network: MakeNetwork) -> None:
    created = make_network()
    ident = created["id"]
    client.post(f"/api/networks/{ident}/train", json={"epochs": 3})
    response = client.post(f"/api/networks/{ident}/reset")
    assert response.status_code == 200
    assert response.json()["step"] == 0
    assert response.json()["weights"] == created["weights"]


def test_reset_with_seed_reinitialises(client: TestClient, make_network: MakeNetwork) -> None:
    created = make_network(**XOR)
    response = client.post(f"/api/networks/{created['id']}/reset", json={"seed": 99})
    assert response.status_code == 200
    assert response.json()["weights"] != created["weights"]
    again = make_network(**{**XOR, "seed": 99})
    assert response.json()["weights"] == again["weights"]


def test_predict_grid(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    response = client.get(f"/api/networks/{ident}/predict", params={"resolution": 10})
    assert response.status_code == 200
    body = response.json()
    assert len(body["outputs"]) == 100
    assert len(body["xs"]) == len(body["ys"]) == 10


def test_predict_resolution_above_cap_is_422(client: TestClient, make_network: MakeNetwork
                                             ) -> None:
    ident = make_network(**XOR)["id"]
    response = client.get(f"/api/networks/{ident}/predict", params={"resolution": 201})
    assert response.status_code == 422
    assert "resolution" in response.json()["message"]


def test_predict_given_inputs(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.post(f"/api/networks/{ident}/predict", json={"inputs": [[2, 3]]})
    assert response.status_code == 200
    assert abs(response.json()["outputs"][0][0] - 0.191) < 1e-12


def test_predict_inputs_in_query(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.get(f"/api/networks/{ident}/predict", params={"inputs": "[[2, 3]]"})
    assert response.status_code == 200
    assert abs(response.json()["outputs"][0][0] - 0.191) < 1e-12


def test_predict_ragged_inputs_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.post(f"/api/networks/{ident}/predict", json={"inputs": [[2, 3], [1]]})
    assert response.status_code == 422


def test_stream_on_unknown_network_is_404(client: TestClient) -> None:
    response = client.post("/api/networks/missing/train", json={"epochs": 5, "stream": True})
    assert response.status_code == 404


def test_stream_above_the_epoch_limit_is_422(client: TestClient, make_network: MakeNetwork
                                             ) -> None:
    client.app.state.settings.max_epochs = 10  # type: ignore[attr-defined]
    ident = make_network()["id"]
    response = client.post(f"/api/networks/{ident}/train", json={"epochs": 11, "stream": True})
    assert response.status_code == 422
    assert "limit of 10" in response.json()["message"]
