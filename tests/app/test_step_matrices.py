"""POST …/step with `matrices: true`: every sample's node values, as the articles' matrices."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork


def test_matrices_are_the_batch_behind_the_trace(client: TestClient,
                                                 make_network: MakeNetwork) -> None:
    state = make_network(preset="xor", activations=["tanh", "sigmoid"], loss="bce")
    ident = state["id"]
    trace = client.post(f"/api/networks/{ident}/step",
                        json={"phase": "all", "matrices": True, "focus": 2}).json()
    layers = trace["matrices"]
    assert [m["layer"] for m in layers] == [0, 1, 2]
    X = np.array(state["dataset"]["inputs"])
    W1, W2 = (np.array(w) for w in state["weights"])
    b1, b2 = (np.array(b) for b in state["biases"])
    A0 = np.array(layers[0]["a"])
    Z1, A1 = np.array(layers[1]["z"]), np.array(layers[1]["a"])
    assert np.array_equal(A0, X) and layers[0]["z"] is None
    assert np.allclose(Z1, X @ W1.T + b1, rtol=0, atol=1e-15)
    assert np.allclose(A1, np.tanh(Z1), rtol=0, atol=1e-15)
    assert np.allclose(np.array(layers[2]["z"]), A1 @ W2.T + b2, rtol=0, atol=1e-15)
    # the focus row is what `nodes` shows
    hidden = [n for n in trace["nodes"] if n["layer"] == 1]
    assert [n["grad_z"] for n in hidden] == layers[1]["grad_z"][2]
    # dW = dZᵀ·A / m, the trace's edge gradients (the articles' identity, mean reduction)
    dZ2 = np.array(layers[2]["grad_z"])
    dW2 = dZ2.T @ A1 / 4
    grads = [e["grad"] for e in trace["edges"] if e["layer"] == 2]
    assert np.allclose(dW2.ravel(), grads, rtol=0, atol=1e-15)
    # dA = dZ·W for every sample (layer 0 too)
    assert np.allclose(np.array(layers[0]["grad_a"]), np.array(layers[1]["grad_z"]) @ W1,
                       rtol=0, atol=1e-15)


def test_matrices_before_backward_have_no_gradients(client: TestClient,
                                                    make_network: MakeNetwork) -> None:
    ident = make_network(preset="xor")["id"]
    trace = client.post(f"/api/networks/{ident}/step",
                        json={"phase": "forward", "matrices": True}).json()
    assert all(m["grad_z"] is None and m["grad_a"] is None for m in trace["matrices"])
    plain = client.post(f"/api/networks/{ident}/step", json={"phase": "backward"}).json()
    assert plain["matrices"] is None


def test_too_many_numbers_is_a_422_and_nothing_runs(client: TestClient,
                                                    make_network: MakeNetwork) -> None:
    state = make_network(layers=[2, 64, 64, 1], dataset={"name": "circle", "samples": 1000})
    response = client.post(f"/api/networks/{state['id']}/step",
                           json={"phase": "all", "matrices": True})
    assert response.status_code == 422
    assert "1000 samples × 131 neurons" in response.json()["message"]
    assert client.get(f"/api/networks/{state['id']}").json()["step"] == 0
