"""Every number of worked examples 1, 2 and 4 (../shared/WORKED_EXAMPLES.md), to 1e-6."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine.nn.activations import ACTIVATIONS
from engine.nn.network import Network, NetworkSpec
from engine.presets import build_preset

TOL = 1e-6


@pytest.fixture
def two_two_one() -> tuple[Network, np.ndarray, np.ndarray]:
    net, data = build_preset("two-two-one")
    return net, data.inputs, data.targets


def _edge_values(trace, attr: str) -> list[float]:
    """w1..w6 in the article's order: w1 w2 (h1), w3 w4 (h2), w5 w6 (out)."""
    return [getattr(e, attr) for e in trace.edges]


def test_two_two_one_forward(two_two_one) -> None:
    net, X, Y = two_two_one
    trace = net.trace_step(X, Y, phase="forward")
    hidden = trace.layers[1]
    assert hidden.a == pytest.approx([0.85, 0.48], abs=TOL)
    assert trace.outputs == pytest.approx((0.191,), abs=TOL)
    assert trace.loss == pytest.approx(0.3272405, abs=TOL)
    assert trace.layers[2].grad_a is None  # backward has not run
    assert net.step == 0


def test_two_two_one_delta_and_gradients(two_two_one) -> None:
    net, X, Y = two_two_one
    trace = net.trace_step(X, Y, phase="backward")
    assert trace.layers[2].grad_z[0] == pytest.approx(-0.809, abs=TOL)  # Δ = out − target
    expected = [-0.22652, -0.33978, -0.24270, -0.36405, -0.68765, -0.38832]
    assert _edge_values(trace, "grad") == pytest.approx(expected, abs=TOL)
    assert _edge_values(trace, "new_weight") == [None] * 6


def test_two_two_one_update_and_next_forward(two_two_one) -> None:
    net, X, Y = two_two_one
    trace = net.trace_step(X, Y)
    expected = [0.121326, 0.226989, 0.132135, 0.0982025, 0.1743825, 0.169416]
    assert _edge_values(trace, "weight") == pytest.approx(
        [0.11, 0.21, 0.12, 0.08, 0.14, 0.15], abs=1e-15)
    assert _edge_values(trace, "new_weight") == pytest.approx(expected, abs=TOL)
    assert np.concatenate([w.ravel() for w in net.weights]) == pytest.approx(expected, abs=TOL)
    after = net.trace_step(X, Y, phase="forward")
    assert after.outputs[0] == pytest.approx(0.2557458, abs=TOL)
    assert after.loss == pytest.approx(0.2769572, abs=TOL)
    assert net.step == 1
    assert net.loss_history == pytest.approx([0.3272405], abs=TOL)


def test_two_two_one_signals_are_weight_times_source(two_two_one) -> None:
    net, X, Y = two_two_one
    trace = net.trace_step(X, Y, phase="forward")
    assert _edge_values(trace, "signal") == pytest.approx(
        [0.22, 0.63, 0.24, 0.24, 0.14 * 0.85, 0.15 * 0.48], abs=1e-12)


def test_celsius_learns_fahrenheit_in_10000_steps() -> None:
    net, data = build_preset("celsius")
    assert data.inputs.ravel().tolist() == list(range(-50, 50))
    assert net.weights[0][0, 0] == 0.0 and net.biases[0][0] == 0.0
    history = net.train(data.inputs, data.targets, epochs=10_000)
    assert len(history) == 10_000 and net.step == 10_000
    assert net.weights[0][0, 0] == pytest.approx(1.8, abs=TOL)
    assert net.biases[0][0] == pytest.approx(32.0, abs=TOL)
    assert net.loss(data.inputs, data.targets) < 1e-12
    assert history[0] == pytest.approx(np.mean((1.8 * np.arange(-50, 50) + 32) ** 2))


def test_celsius_sum_reduction_is_mean_times_m_at_scaled_rate() -> None:
    """The article sums the per-sample gradients; lr/m with sum equals lr with mean."""
    _, data = build_preset("celsius")
    by_mean, _ = build_preset("celsius")
    by_sum, _ = build_preset("celsius", {"reduction": "sum", "learning_rate": 0.001 / 100})
    by_mean.train(data.inputs, data.targets, 50)
    by_sum.train(data.inputs, data.targets, 50)
    assert by_sum.weights[0] == pytest.approx(by_mean.weights[0], rel=1e-9)
    assert by_sum.loss_history[0] == pytest.approx(100 * by_mean.loss_history[0])


def _one_neuron(use_bias: bool, activation: str = "linear") -> Network:
    spec = NetworkSpec.from_dict({"layers": [1, 1], "activations": activation,
                                  "use_bias": use_bias, "loss": "half_sse"})
    return Network(spec, weights=[[[0.5]]])


def test_seed_002_f_equals_w_times_x_gradients() -> None:
    """f(x) = w·x at x = 3: ∂f/∂w = 3, and with a bias ∂f/∂b = 1 (∂L/∂f = 1 here)."""
    X = np.array([[3.0]])
    for use_bias in (False, True):
        net = _one_neuron(use_bias)
        Y = np.array([[1.5 - 1.0]])  # half_sse: ∂L/∂f = f − t = 1
        trace = net.trace_step(X, Y, phase="backward")
        assert trace.layers[1].grad_z[0] == pytest.approx(1.0, abs=1e-12)
        assert trace.edges[0].grad == pytest.approx(3.0, abs=1e-12)
        if use_bias:
            assert trace.nodes[1].grad_bias == pytest.approx(1.0, abs=1e-12)
        else:
            assert trace.nodes[1].grad_bias is None


def test_seed_002_sigmoid_value_and_local_gradient_at_one() -> None:
    """σ(1) = D = 0.7310586 and ∂D/∂x = σ(1)(1 − σ(1)) = 0.1966119."""
    sigmoid = ACTIVATIONS["sigmoid"]
    z = np.array([[1.0]])
    a = sigmoid.forward(z)
    assert a[0, 0] == pytest.approx(0.7310586, abs=TOL)
    assert 1.0 / (1.0 + np.exp(-1.0)) == pytest.approx(a[0, 0], abs=1e-15)
    assert sigmoid.derivative(z, a, np.ones_like(z))[0, 0] == pytest.approx(0.1966119, abs=TOL)
    net = Network(NetworkSpec.from_dict({"layers": [1, 1], "activations": "sigmoid",
                                         "use_bias": False, "loss": "half_sse"}), [[[1.0]]])
    trace = net.trace_step(np.array([[1.0]]), a - 1.0, phase="backward")
    assert trace.layers[1].grad_a[0] == pytest.approx(1.0, abs=1e-12)
    assert trace.layers[1].grad_z[0] == pytest.approx(0.1966119, abs=TOL)


def test_high_school_10_5_2_loss_falls_step_after_step() -> None:
    net, data = build_preset("high-school")
    assert net.spec.layers == (10, 5, 2) and net.spec.use_bias == (False, False)
    assert data.inputs.shape == (1, 10) and data.targets.shape == (1, 2)
    history = net.train(data.inputs, data.targets, epochs=100)
    assert all(b < a for a, b in itertools.pairwise(history))
    assert history[-1] < 0.6 * history[0]


def test_high_school_traced_steps_fall_too() -> None:
    net, data = build_preset("high-school")
    losses = [net.trace_step(data.inputs, data.targets).loss for _ in range(10)]
    assert all(b < a for a, b in itertools.pairwise(losses))
