"""Saturated outputs (σ(z) or softmax rounding to exactly 0 or 1): every traced number finite."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.nn.losses import LOSSES
from engine.nn.network import Network, NetworkSpec
from engine.nn.trace import StepTrace
from tests.engine.nets import same_state


def _net(layers: list[int], activation: str, loss: str, weights: list, biases=None) -> Network:
    spec = {"layers": layers, "activations": activation, "loss": loss,
            "use_bias": biases is not None, "learning_rate": 0.5}
    return Network(NetworkSpec.from_dict(spec), weights, biases)


def _finite(trace: StepTrace) -> bool:
    numbers = [trace.loss, *(trace.outputs or ()), *(trace.sample_losses or ())]
    for n in trace.nodes:
        numbers += (n.z, n.a, n.grad_z, n.grad_a, n.bias, n.grad_bias, n.new_bias)
    for e in trace.edges:
        numbers += (e.weight, e.signal, e.grad, e.new_weight)
    return all(x is None or math.isfinite(x) for x in numbers)


def test_saturated_correct_sigmoid_bce_traces_backward() -> None:
    net = _net([1, 1], "sigmoid", "bce", [[[40.0]]], [[0.0]])
    X, Y = np.array([[1.0]]), np.array([[1.0]])
    trace = net.trace_step(X, Y, "backward")
    assert trace.outputs == (1.0,)
    assert _finite(trace)
    out = trace.layers[1]
    assert out.grad_z is not None and out.grad_z.tolist() == [0.0]  # (o − t)/K
    assert out.grad_a is not None and out.grad_a[0] == pytest.approx(-1.0)  # lim −1/o
    assert 0 < trace.loss < 1e-17


def test_saturated_wrong_sigmoid_bce_loss_is_exact_and_gradient_finite() -> None:
    net = _net([1, 1], "sigmoid", "bce", [[[40.0]]], [[0.0]])
    trace = net.trace_step(np.array([[1.0]]), np.array([[0.0]]), "backward")
    assert trace.loss == 40.0  # from z, not from a clipped log
    assert _finite(trace)
    assert trace.layers[1].grad_z.tolist() == [1.0]
    assert 1e14 < trace.layers[1].grad_a[0] < 1e16  # the clipped o, not +inf


def test_saturated_softmax_cross_entropy_all_step_is_finite_and_equals_fast() -> None:
    weights = [[[400.0], [-400.0]]]
    traced = _net([1, 2], "softmax", "cross_entropy", weights)
    fast = _net([1, 2], "softmax", "cross_entropy", weights)
    X, Y = np.array([[1.0]]), np.array([[1.0, 0.0]])
    trace = traced.trace_step(X, Y, "all")
    assert trace.outputs == (1.0, 0.0) and trace.loss == 0.0
    assert _finite(trace)
    assert trace.layers[1].grad_a.tolist() == [-1.0 / (1.0 - 1e-15), -0.0]
    fast.train(X, Y, epochs=1)
    same_state(traced, fast)


def test_saturated_wrong_softmax_loss_is_finite() -> None:
    net = _net([1, 2], "softmax", "cross_entropy", [[[400.0], [-400.0]]])
    trace = net.trace_step(np.array([[1.0]]), np.array([[0.0, 1.0]]), "all")
    assert trace.loss == 800.0
    assert _finite(trace)


@pytest.mark.parametrize(("activation", "loss", "layers", "weights"), [
    ("sigmoid", "cross_entropy", [1, 2], [[[40.0], [40.0]]]),
    ("softmax", "bce", [1, 2], [[[400.0], [-400.0]]]),
])
def test_unfused_saturated_pairs_stay_finite(activation, loss, layers, weights) -> None:
    net = _net(layers, activation, loss, weights)
    Y = np.array([[1.0] * layers[-1]])
    assert _finite(net.trace_step(np.array([[1.0]]), Y, "all"))


@pytest.mark.parametrize("loss", ["bce", "cross_entropy"])
def test_loss_derivative_is_finite_at_exactly_zero_and_one(loss: str) -> None:
    o = np.array([[0.0, 1.0, 0.0, 1.0]])
    t = np.array([[0.0, 0.0, 1.0, 1.0]])
    assert np.isfinite(LOSSES[loss].derivative(o, t)).all()
    assert np.isfinite(LOSSES[loss].forward(o, t)).all()
