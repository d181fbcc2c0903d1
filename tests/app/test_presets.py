"""/api/presets: each preset's card carries its spec's essentials."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork


def test_presets_list_spec_essentials(client: TestClient) -> None:
    response = client.get("/api/presets")
    assert response.status_code == 200
    xor = {p["name"]: p for p in response.json()}["xor"]
    assert xor["layers"] == [2, 2, 1]
    assert xor["activations"] == ["tanh", "sigmoid"]
    assert (xor["loss"], xor["learning_rate"], xor["dataset"]) == ("bce", 0.5, "xor")


def test_one_activation_name_is_listed_per_layer(client: TestClient) -> None:
    presets = {p["name"]: p for p in client.get("/api/presets").json()}
    assert presets["two-two-one"]["activations"] == ["linear", "linear"]


def test_every_preset_matches_the_network_it_builds(
        client: TestClient, make_network: MakeNetwork) -> None:
    for preset in client.get("/api/presets").json():
        state = make_network(preset=preset["name"])
        assert state["layers"] == preset["layers"]
        assert state["activations"] == preset["activations"]
        assert state["spec"]["loss"] == preset["loss"]
        assert state["learning_rate"] == preset["learning_rate"]
        assert state["dataset"]["name"] == preset["dataset"]
