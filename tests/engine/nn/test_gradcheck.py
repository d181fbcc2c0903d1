"""Backprop against central differences on randomly built networks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.nn.gradcheck import relative_error
from engine.nn.losses import LOSS_OUTPUTS
from engine.nn.network import ACTIVATION_NAMES, LOSS_NAMES, Network, NetworkSpec
from engine.presets import build_preset

HIDDEN = [a for a in ACTIVATION_NAMES if a != "softmax"]


def _output_for(activation: str, loss: str) -> str:
    """The activation itself on the output when the loss accepts it, else one it accepts."""
    allowed = LOSS_OUTPUTS[loss]
    if allowed is None or activation in allowed:
        return activation
    return allowed[0]


def _targets(loss: str, rng: np.random.Generator, m: int, k: int) -> np.ndarray:
    if loss == "bce":
        return rng.uniform(0.05, 0.95, (m, k))
    if loss == "cross_entropy":
        return rng.dirichlet(np.ones(k), m)
    return rng.normal(0.0, 1.0, (m, k))


def _network(hidden: str, output: str, loss: str, reduction: str, bias: bool, reg: str,
             seed: int, layers: tuple[int, ...] = (3, 4, 3)) -> Network:
    spec = NetworkSpec.from_dict({
        "layers": list(layers), "activations": [hidden] * (len(layers) - 2) + [output],
        "use_bias": bias, "loss": loss, "reduction": reduction, "regularization": reg,
        "regularization_rate": 0.0 if reg == "none" else 0.03, "init": "normal",
        "init_scale": 0.8, "seed": seed,
    })
    net = Network(spec)
    rng = np.random.default_rng(seed + 1)
    for k, b in enumerate(net.biases):
        if b is not None:
            net.biases[k] = rng.normal(0.0, 0.5, b.shape)
    return net


CASES = list(itertools.product(ACTIVATION_NAMES, LOSS_NAMES, ("mean", "sum"), (True, False),
                               ("none", "l1", "l2")))


@pytest.mark.parametrize(("activation", "loss", "reduction", "bias", "reg"), CASES)
def test_gradient_check_every_combination(activation, loss, reduction, bias, reg) -> None:
    hidden = "tanh" if activation == "softmax" else activation
    output = _output_for(activation, loss)
    seed = CASES.index((activation, loss, reduction, bias, reg))
    net = _network(hidden, output, loss, reduction, bias, reg, seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (5, 3))
    check = net.gradient_check(X, _targets(loss, rng, 5, 3))
    assert check.max_relative_error <= 1e-6
    assert sum(a.size for a in check.analytic) == 12 + 12 + (7 if bias else 0)
    assert max(np.abs(a).max() for a in check.analytic) > 1e-3  # not trivially zero


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    layers=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    hidden=st.sampled_from(HIDDEN),
    loss=st.sampled_from(LOSS_NAMES),
    reduction=st.sampled_from(["mean", "sum"]),
    bias=st.booleans(),
    reg=st.sampled_from(["none", "l1", "l2"]),
    m=st.integers(1, 6),
    seed=st.integers(0, 10_000),
)
def test_gradient_check_random_architectures(layers, hidden, loss, reduction, bias, reg, m,
                                             seed) -> None:
    output = _output_for("sigmoid" if loss != "mse" else hidden, loss)
    if (output == "softmax" or loss == "cross_entropy") and layers[-1] < 2:
        layers = [*layers[:-1], 2]
    net = _network(hidden, output, loss, reduction, bias, reg, seed, tuple(layers))
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (m, layers[0]))
    check = net.gradient_check(X, _targets(loss, rng, m, layers[-1]))
    assert check.max_relative_error <= 1e-6


def test_gradient_check_detects_a_wrong_gradient() -> None:
    analytic = np.array([0.5, -0.25])
    assert relative_error(analytic, analytic * 1.001).max() == pytest.approx(1e-3, rel=1e-2)
    assert relative_error(analytic, analytic).max() == 0.0


def test_gradient_check_leaves_the_network_unchanged() -> None:
    net = _network("tanh", "sigmoid", "bce", "mean", True, "l2", 3)
    before = [w.copy() for w in net.weights]
    rng = np.random.default_rng(0)
    net.gradient_check(rng.normal(size=(4, 3)), rng.uniform(0, 1, (4, 3)))
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights, strict=True))


def _article_gradients(net: Network, X: np.ndarray, Y: np.ndarray):
    """Seed 001's formulas, columns as samples: an independent reference."""
    A, cache = X.T, []
    for W, b in zip(net.weights, net.biases, strict=True):
        Z = W @ A + b.reshape(-1, 1)
        cache.append((A, Z))
        A = 1.0 / (1.0 + np.exp(-Z))
    m, T = X.shape[0], Y.T
    dA = -(T / A - (1 - T) / (1 - A))
    grads = []
    for (A_prev, Z), W in zip(reversed(cache), reversed(net.weights), strict=True):
        s = 1.0 / (1.0 + np.exp(-Z))
        dZ = dA * s * (1 - s)
        grads.append(((1 / m) * dZ @ A_prev.T, (1 / m) * dZ.sum(axis=1)))
        dA = W.T @ dZ
    return grads[::-1]


@pytest.mark.parametrize("layers", [[2, 4, 1], [2, 5, 4, 3, 1]])
def test_deep_sigmoid_against_article_formulas_and_numerical_gradients(layers) -> None:
    net, data = build_preset("deep-sigmoid", {"layers": layers, "init_scale": 0.5})
    X, Y = data.inputs[:40], data.targets[:40]
    trace = net.trace_step(X, Y, phase="backward")
    for layer, (dW, db) in zip(trace.layers[1:], _article_gradients(net, X, Y), strict=True):
        np.testing.assert_allclose(layer.grad_weights, dW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.grad_bias, db, rtol=1e-9, atol=1e-12)
    assert net.gradient_check(X, Y).max_relative_error <= 1e-6
