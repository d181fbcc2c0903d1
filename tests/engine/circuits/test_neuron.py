"""A network neuron expanded into gates has the network trace's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

from engine.circuits.circuit import CircuitError
from engine.circuits.gates import LEAKY_SLOPE as GATE_LEAKY_SLOPE
from engine.circuits.neuron import expand_neuron, neuron_expression
from engine.nn.activations import LEAKY_SLOPE
from engine.nn.network import Network, NetworkSpec
from engine.presets import build_preset


def make(activations: list[str], loss: str = "mse", use_bias: bool | list[bool] = True,
         layers: tuple[int, ...] = (3, 4, 2)) -> tuple[Network, np.ndarray, np.ndarray]:
    spec = NetworkSpec.from_dict({"layers": list(layers), "activations": activations,
                                  "loss": loss, "use_bias": use_bias, "seed": 3,
                                  "init": "normal"})
    rng = np.random.default_rng(7)
    X = rng.normal(size=(5, layers[0]))
    Y = rng.uniform(0.1, 0.9, size=(5, layers[-1]))
    if loss == "cross_entropy":
        Y = np.eye(layers[-1])[rng.integers(0, layers[-1], size=5)]
    return Network(spec), X, Y


def assert_matches_network(network: Network, X, Y, layer: int, index: int, sample: int,
                           decompose: bool = False) -> None:
    expanded = expand_neuron(network, X, Y, layer, index, sample, decompose)
    step = network.trace_step(X, Y, phase="backward", sample=sample, focus=sample)
    trace_layer = step.layers[layer]
    grads = {i.name: i.grad for i in expanded.trace.inputs}
    n_in = network.spec.layers[layer - 1]
    for source in range(n_in):
        assert grads[f"w{source}"] == pytest.approx(
            trace_layer.grad_weights[index, source], abs=1e-9)
    if trace_layer.grad_bias is not None:
        assert grads["b"] == pytest.approx(trace_layer.grad_bias[index], abs=1e-9)
    assert expanded.network.z == pytest.approx(trace_layer.z[index], abs=1e-12)
    for item in expanded.trace.inputs:
        assert item.numerical_grad == pytest.approx(item.grad, abs=1e-6)
    if expanded.activation == "softmax":
        assert expanded.trace.output == pytest.approx(trace_layer.z[index], abs=1e-12)
    else:
        assert expanded.trace.output == pytest.approx(trace_layer.a[index], abs=1e-12)


@pytest.mark.parametrize("activations", [
    ["sigmoid", "sigmoid"], ["tanh", "linear"], ["relu", "sigmoid"],
    ["leaky_relu", "tanh"],
])
@pytest.mark.parametrize("decompose", [False, True])
def test_every_neuron_equals_the_network_trace(activations: list[str], decompose: bool) -> None:
    network, X, Y = make(activations)
    for layer in (1, 2):
        for index in range(network.spec.layers[layer]):
            assert_matches_network(network, X, Y, layer, index, sample=2, decompose=decompose)


def test_softmax_neuron_stops_at_z_and_still_matches() -> None:
    network, X, Y = make(["tanh", "softmax"], loss="cross_entropy", layers=(2, 3, 3))
    for index in range(3):
        assert_matches_network(network, X, Y, 2, index, sample=1)
    expanded = expand_neuron(network, X, Y, 2, 0)
    assert "softmax" not in expanded.trace.expression
    assert "∂L/∂z" in expanded.note


def test_neuron_without_bias_has_no_b_input() -> None:
    network, X, Y = make(["sigmoid", "sigmoid"], use_bias=[False, True])
    expanded = expand_neuron(network, X, Y, 1, 0)
    assert "b" not in {i.name for i in expanded.trace.inputs}
    assert_matches_network(network, X, Y, 1, 0, sample=0)


def test_two_two_one_preset_output_neuron() -> None:
    network, dataset = build_preset("two-two-one")
    X, Y = dataset.inputs, dataset.targets
    for layer, count in ((1, 2), (2, 1)):
        for index in range(count):
            assert_matches_network(network, X, Y, layer, index, sample=0)


def test_expansion_does_not_change_the_network() -> None:
    network, X, Y = make(["sigmoid", "sigmoid"])
    before = [w.copy() for w in network.weights]
    expand_neuron(network, X, Y, 2, 1, step_size=0.5)
    assert all(np.array_equal(a, b) for a, b in zip(before, network.weights, strict=True))
    assert network.step == 0


@pytest.mark.parametrize(("layer", "index", "sample", "where"), [
    (0, 0, 0, "layer"), (3, 0, 0, "layer"), (1, 4, 0, "index"), (1, 0, 5, "sample"),
])
def test_out_of_range_neuron_is_a_circuit_error(layer, index, sample, where) -> None:
    network, X, Y = make(["sigmoid", "sigmoid"])
    with pytest.raises(CircuitError) as info:
        expand_neuron(network, X, Y, layer, index, sample)
    assert info.value.where == where


def test_neuron_expression_reads_like_the_formula() -> None:
    assert neuron_expression(2, "sigmoid", True, layer=1) == "sigmoid(w0*x0 + w1*x1 + b)"
    assert neuron_expression(1, "linear", False) == "w0*a0"


def test_leaky_slope_matches_the_network_activation() -> None:
    assert GATE_LEAKY_SLOPE == LEAKY_SLOPE


def test_a_64_input_neuron_fits_the_limits_and_matches() -> None:
    network, X, Y = make(["leaky_relu", "sigmoid"], layers=(64, 2, 1))
    assert_matches_network(network, X, Y, 1, 1, sample=4)
    expanded = expand_neuron(network, X, Y, 1, 1, decompose=True)
    assert len(expanded.trace.gates) < 140
