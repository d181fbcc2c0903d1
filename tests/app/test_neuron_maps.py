"""GET …/predict?neurons=true: every hidden and output neuron's own map over the grid (TF
Playground draws them inside the neurons), equal to a forward pass of each grid point."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork, neuron_grid

XOR = {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
       "dataset": {"name": "xor", "samples": 40, "seed": 3}}


def test_maps_equal_each_neurons_forward_value(client: TestClient,
                                               make_network: MakeNetwork) -> None:
    net = make_network(**XOR)
    body = neuron_grid(client, net["id"], 5)
    hidden, output = body["neurons"]
    assert len(hidden) == 3 and len(output) == 1 and len(hidden[0]) == 25
    assert output[0] == pytest.approx([row[0] for row in body["outputs"]], abs=1e-15)
    w1, b1 = np.array(net["weights"][0]), np.array(net["biases"][0])
    x = np.array([body["xs"][2], body["ys"][4]])  # grid point 4·5 + 2: x fastest
    assert [h[22] for h in hidden] == pytest.approx(np.tanh(w1 @ x + b1).tolist(), abs=1e-12)


def test_one_input_networks_get_a_line_per_neuron(client: TestClient,
                                                  make_network: MakeNetwork) -> None:
    net = make_network(preset="celsius")
    body = neuron_grid(client, net["id"], 4)
    assert len(body["neurons"]) == 1 and len(body["neurons"][0][0]) == 4


def test_without_a_grid_neurons_are_refused(client: TestClient,
                                            make_network: MakeNetwork) -> None:
    net = make_network(**XOR)
    response = client.get(f"/api/networks/{net['id']}/predict",
                          params={"inputs": "[[0,1]]", "neurons": "true"})
    assert response.status_code == 422
    assert "neuron maps are drawn over a grid" in response.json()["message"]
    big = make_network(layers=[2, 64, 64, 1], activations=["relu", "relu", "sigmoid"],
                       loss="bce", dataset={"name": "xor", "samples": 20, "seed": 1})
    response = client.get(f"/api/networks/{big['id']}/predict",
                          params={"resolution": 200, "neurons": "true"})
    assert response.status_code == 422
    assert "ask for a lower resolution" in response.json()["message"]
