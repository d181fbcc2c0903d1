"""Derived input features (TF Playground): x1², x2², x1·x2, sin x1, sin x2 as extra inputs after
x1, x2; the decision boundary and the neuron maps still span the x1, x2 plane."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork, neuron_grid

FEATURED = {"layers": [4, 1], "activations": ["sigmoid"], "loss": "bce",
            "dataset": {"name": "circle", "samples": 40, "seed": 2,
                        "features": ["x1_squared", "x2_squared"]}}


def test_features_are_extra_input_columns(make_network: MakeNetwork) -> None:
    state = make_network(**FEATURED)
    data = state["dataset"]
    assert data["input_names"] == ["x1", "x2", "x1²", "x2²"]
    assert data["features"] == ["x1_squared", "x2_squared"]
    for x1, x2, s1, s2 in data["inputs"]:
        assert (s1, s2) == (x1 * x1, x2 * x2)
    assert data["bounds"] is not None and len(data["bounds"]) == 2  # the x1, x2 plane


def test_the_grid_spans_the_plane_and_expands_each_point(client: TestClient,
                                                          make_network: MakeNetwork) -> None:
    state = make_network(**FEATURED)
    body = neuron_grid(client, state["id"], 4)
    w, b = np.array(state["weights"][0][0]), state["biases"][0][0]
    x1, x2 = body["xs"][1], body["ys"][2]
    z = w @ np.array([x1, x2, x1 * x1, x2 * x2]) + b
    assert body["outputs"][2 * 4 + 1][0] == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
    assert body["neurons"][0][0][9] == body["outputs"][9][0]


def test_a_linear_model_separates_the_circle_with_squares(client: TestClient,
                                                          make_network: MakeNetwork) -> None:
    """x1² + x2² makes the circle linearly separable: one neuron, no hidden layer."""
    state = make_network(**{**FEATURED, "learning_rate": 1.0})
    client.post(f"/api/networks/{state['id']}/train", json={"epochs": 3000})
    rows = state["dataset"]
    out = client.post(f"/api/networks/{state['id']}/predict",
                      json={"inputs": rows["inputs"]}).json()["outputs"]
    right = sum((o[0] > 0.5) == (t[0] > 0.5) for o, t in zip(out, rows["targets"], strict=True))
    assert right / len(out) >= 0.95


def test_features_need_two_inputs_and_known_names(client: TestClient) -> None:
    body = {**FEATURED, "dataset": {**FEATURED["dataset"], "features": ["cos_x1"]}}
    assert client.post("/api/networks", json=body).status_code == 422
    wrong = {**FEATURED, "layers": [2, 1]}
    response = client.post("/api/networks", json=wrong)
    assert response.status_code == 422
    assert "4" in response.json()["message"]  # the data has 4 input columns
