"""A train/test split (TF Playground's "ratio of training to test data"): held-out rows are never
trained or stepped on, and their loss is reported beside the training loss."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from engine.data.datasets import make_dataset
from engine.nn.network import Network
from engine.nn.spec import NetworkSpec
from tests.app.conftest import MakeNetwork

SPLIT = {"layers": [2, 4, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
         "learning_rate": 0.5,
         "dataset": {"name": "xor", "samples": 100, "noise": 0.1, "seed": 5, "test_ratio": 0.3}}


def test_the_split_holds_out_rows_and_reports_their_loss(client: TestClient,
                                                          make_network: MakeNetwork) -> None:
    state = make_network(**SPLIT)
    data = state["dataset"]
    assert (data["samples"], data["test_samples"]) == (70, 30)
    whole = make_dataset("xor", samples=100, noise=0.1, seed=5)
    rows = {tuple(r) for r in whole.inputs.tolist()}
    train, test = {tuple(r) for r in data["inputs"]}, {tuple(r) for r in data["test_inputs"]}
    assert train | test == rows and not train & test
    spec = {k: SPLIT[k] for k in ("layers", "activations", "loss", "learning_rate")}
    net = Network(NetworkSpec.from_dict(spec))
    net.weights = [np.array(w) for w in state["weights"]]
    net.biases = [np.array(b) for b in state["biases"]]
    expected = net.loss(np.array(data["test_inputs"]), np.array(data["test_targets"]))
    assert state["test_loss"] == pytest.approx(expected, abs=1e-12)
    assert state["loss"] == pytest.approx(
        net.loss(np.array(data["inputs"]), np.array(data["targets"])), abs=1e-12)


def test_training_streams_the_test_loss_and_never_uses_the_test_rows(
        client: TestClient, make_network: MakeNetwork) -> None:
    state = make_network(**SPLIT)
    ident = state["id"]
    events = []
    with client.stream("POST", f"/api/networks/{ident}/train",
                       json={"epochs": 50, "stream": True}) as stream:
        event = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "progress":
                events.append(json.loads(line[6:]))
    assert events and all(e["test_loss"] is not None for e in events)
    after = client.get(f"/api/networks/{ident}").json()
    assert after["test_loss"] == pytest.approx(events[-1]["test_loss"], abs=1e-12)
    # The same network trained on the training rows alone lands on the same weights.
    twin = make_network(layers=[2, 4, 1], activations=["tanh", "sigmoid"], loss="bce",
                        learning_rate=0.5, inputs=state["dataset"]["inputs"],
                        targets=state["dataset"]["targets"])
    client.post(f"/api/networks/{twin['id']}/train", json={"epochs": 50})
    assert client.get(f"/api/networks/{twin['id']}").json()["weights"] == after["weights"]


def test_a_split_survives_export_and_import(client: TestClient,
                                            make_network: MakeNetwork) -> None:
    state = make_network(**SPLIT)
    doc = client.get(f"/api/networks/{state['id']}/export").json()
    assert len(doc["dataset"]["test_inputs"]) == 30
    again = client.post("/api/networks/import", json=doc)
    assert again.status_code == 201
    assert again.json()["test_loss"] == state["test_loss"]


def test_a_ratio_out_of_range_is_a_422(make_network: MakeNetwork, client: TestClient) -> None:
    body = {**SPLIT, "dataset": {**SPLIT["dataset"], "test_ratio": 0.95}}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 422
    assert "test_ratio" in response.json()["message"]
