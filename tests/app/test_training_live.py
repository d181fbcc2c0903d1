"""/train with `live`: progress events carry weights, biases and a predict grid when asked."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.trainworker
from tests.app.conftest import MakeNetwork
from tests.app.test_training import XOR, sse_events

CIRCLE = {"layers": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"], "loss": "bce",
          "learning_rate": 0.3, "dataset": {"name": "circle", "samples": 400, "seed": 1},
          "seed": 3}
LIVE = {"weights": True, "grid_resolution": 12}


def train_live(client: TestClient, ident: str, **body: Any) -> list[tuple[str, Any]]:
    """A streamed train call's events."""
    response = client.post(f"/api/networks/{ident}/train", json={"stream": True, **body})
    assert response.status_code == 200, response.text
    return sse_events(response.text)


def progress_of(events: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The data of the progress events."""
    return [data for name, data in events if name == "progress"]


def test_progress_is_small_without_live(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    progress = progress_of(train_live(client, ident, epochs=300))
    assert progress
    assert all(set(p) == {"epoch", "epochs", "loss"} for p in progress)


def test_weights_only_when_asked(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    progress = progress_of(train_live(client, ident, epochs=300, live={"weights": True}))
    assert "weights" in progress[0] and "biases" in progress[0]
    assert all("grid" not in p for p in progress)


def test_grid_only_when_asked(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    progress = progress_of(train_live(client, ident, epochs=300,
                                      live={"grid_resolution": 5}))
    assert progress[0]["grid"]["resolution"] == 5
    assert all("weights" not in p for p in progress)


def test_shapes_follow_the_state(client: TestClient, make_network: MakeNetwork) -> None:
    state = make_network(**XOR)
    first = progress_of(train_live(client, state["id"], epochs=50, live=LIVE))[0]
    assert [len(w) for w in first["weights"]] == [len(w) for w in state["weights"]]
    assert [len(w[0]) for w in first["weights"]] == [len(w[0]) for w in state["weights"]]
    assert [len(b) for b in first["biases"]] == [len(b) for b in state["biases"]]
    assert len(first["grid"]["outputs"]) == 12 * 12
    assert len(first["grid"]["xs"]) == len(first["grid"]["ys"]) == 12


def test_last_event_equals_state_and_predict(client: TestClient,
                                             make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    events = train_live(client, ident, epochs=400, live=LIVE)
    last = progress_of(events)[-1]
    assert last["epoch"] == 400
    state = events[-1][1]["state"]
    assert last["weights"] == state["weights"] and last["biases"] == state["biases"]
    grid = client.get(f"/api/networks/{ident}/predict", params={"resolution": 12})
    assert last["grid"] == grid.json()


def test_one_input_network_gets_a_curve(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(preset="celsius")["id"]
    first = progress_of(train_live(client, ident, epochs=20, live={"grid_resolution": 7}))[0]
    assert len(first["grid"]["xs"]) == 7 and first["grid"]["ys"] is None


def test_snapshots_at_most_twice_a_second(client: TestClient, make_network: MakeNetwork,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.trainworker, "LIVE_SECONDS", 0.1)  # the same rule, a shorter run
    ident = make_network(**CIRCLE)["id"]
    events = train_live(client, ident, epochs=4000, live=LIVE)
    progress, seconds = progress_of(events), events[-1][1]["seconds"]
    live = [p for p in progress if "weights" in p]
    assert len(live) >= 3  # the run lasts several intervals
    assert len(live) <= seconds / 0.1 + 2  # the first, one per interval, the last
    assert len(live) < len(progress)  # other progress events stay small
    assert all(("grid" in p) == ("weights" in p) for p in progress)


@pytest.mark.parametrize("live", [
    {}, {"weights": False}, {"weights": "yes"}, {"grid_resolution": 1},
    {"grid_resolution": 201}, {"grid_resolution": 12.5}, {"weights": True, "colour": 1},
    True,
])
def test_bad_live_is_422(client: TestClient, make_network: MakeNetwork, live: Any) -> None:
    ident = make_network(**XOR)["id"]
    response = client.post(f"/api/networks/{ident}/train",
                           json={"epochs": 5, "stream": True, "live": live})
    assert response.status_code == 422
    assert "live" in response.json()["message"]


def test_live_without_stream_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    response = client.post(f"/api/networks/{ident}/train",
                           json={"epochs": 5, "live": {"weights": True}})
    assert response.status_code == 422
    assert "stream" in response.json()["message"]


def test_accept_header_counts_as_stream(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    response = client.post(f"/api/networks/{ident}/train", headers={
        "Accept": "text/event-stream"}, json={"epochs": 5, "live": {"weights": True}})
    assert response.status_code == 200
    assert "weights" in progress_of(sse_events(response.text))[0]


def test_grid_for_a_wide_network_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(preset="high-school")["id"]
    response = client.post(f"/api/networks/{ident}/train", json={
        "epochs": 5, "stream": True, "live": {"grid_resolution": 10}})
    assert response.status_code == 422
    assert "no grid" in response.json()["message"]


def test_grid_above_the_configured_limit_is_422(
        client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network(**XOR)["id"]
    client.app.state.settings.max_grid_resolution = 20  # type: ignore[attr-defined]
    response = client.post(f"/api/networks/{ident}/train", json={
        "epochs": 5, "stream": True, "live": {"grid_resolution": 21}})
    assert response.status_code == 422
    assert "limit of 20" in response.json()["message"]


def test_divergence_still_restores(client: TestClient, make_network: MakeNetwork) -> None:
    state = make_network(preset="celsius", learning_rate=1.0)
    events = train_live(client, state["id"], epochs=2000, live=LIVE)
    assert events[-1][0] == "error" and events[-1][1]["status"] == 422
    after = client.get(f"/api/networks/{state['id']}").json()
    assert after["weights"] == state["weights"] and after["step"] == 0
