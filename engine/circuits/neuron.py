"""One neuron of a layered network expanded into its circuit of gates.

Neuron j of layer l computes a = act(w0·a0 + w1·a1 + … + b): its weights, the incoming
activations of the focus sample and its bias are the circuit's inputs. The backward pass
starts from the network's own ∂L/∂a for that neuron, so the circuit's gradients are the
network's: ∂L/∂w, ∂L/∂b, and this neuron's share of ∂L/∂a for each incoming activation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.circuits.circuit import CircuitError
from engine.circuits.trace import CircuitTrace, trace_expression
from engine.nn.network import Network
from engine.nn.trace import LayerTrace, StepTrace

# Activations with a gate of the same name; "linear" needs no gate; softmax depends on the
# whole layer, so its circuit stops at z and starts the backward pass from ∂L/∂z.
GATED_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


@dataclass(frozen=True)
class NeuronNumbers:
    """What the network's own trace says about the neuron (for comparison on screen)."""

    z: float
    a: float
    grad_z: float
    grad_a: float | None
    grad_weights: tuple[float, ...]
    grad_bias: float | None


@dataclass(frozen=True)
class NeuronCircuit:
    """The neuron's circuit trace and where it came from."""

    layer: int
    index: int
    sample: int
    activation: str
    note: str
    trace: CircuitTrace
    network: NeuronNumbers


def neuron_expression(n_inputs: int, activation: str, use_bias: bool, layer: int = 2) -> str:
    """E.g. `sigmoid(w0*x0 + w1*x1 + b)`; incoming values are x… from layer 0, else a…."""
    source = "x" if layer == 1 else "a"
    terms = [f"w{i}*{source}{i}" for i in range(n_inputs)] + (["b"] if use_bias else [])
    z = _sum(terms) if terms else "0"
    return f"{activation}({z})" if activation in GATED_ACTIVATIONS else z


def _sum(terms: list[str]) -> str:
    """a + b + c for a few terms; pairs of halves for many, so the circuit stays shallow."""
    if len(terms) <= 4:
        return " + ".join(terms)
    half = (len(terms) + 1) // 2
    left, right = _sum(terms[:half]), _sum(terms[half:])
    return f"({left}) + ({right})"


def expand_neuron(
    network: Network, X: np.ndarray, Y: np.ndarray, layer: int, index: int, sample: int = 0,
    decompose: bool = False, step_size: float | None = None, direction: str = "up",
) -> NeuronCircuit:
    """Trace neuron `index` of `layer` (1..L) on row `sample` of X; raises CircuitError."""
    layers = network.spec.layers
    if not 1 <= layer < len(layers):
        raise CircuitError(f"layer must be between 1 and {len(layers) - 1}, not {layer}",
                           where="layer")
    if not 0 <= index < layers[layer]:
        raise CircuitError(f"layer {layer} has neurons 0..{layers[layer] - 1}, not {index}",
                           where="index")
    if not 0 <= sample < len(X):
        raise CircuitError(f"sample must be between 0 and {len(X) - 1}, not {sample}",
                           where="sample")
    step = network.trace_step(X, Y, phase="backward", sample=sample, focus=sample)
    numbers = _neuron_numbers(step.layers[layer], index)
    activation = network.spec.activations[layer - 1]
    expression, values = _expression_and_values(network, step, layer, index)
    stops_at_z = activation not in GATED_ACTIVATIONS and activation != "linear"
    stops_at_z = stops_at_z or numbers.grad_a is None
    seed = numbers.grad_z if stops_at_z else numbers.grad_a
    assert seed is not None
    if stops_at_z:
        expression = neuron_expression(len(values) // 2, "linear", "b" in values, layer)
    trace = trace_expression(expression, values, decompose, step_size, direction, float(seed))
    return NeuronCircuit(layer, index, sample, activation, _note(activation, stops_at_z),
                         trace, numbers)


def _expression_and_values(
    network: Network, step: StepTrace, layer: int, index: int
) -> tuple[str, dict[str, float]]:
    """The neuron's expression and its inputs' values (weights, incoming a, bias)."""
    weights = np.asarray(network.weights[layer - 1])[index]
    incoming = np.asarray(step.layers[layer - 1].a)
    bias = network.biases[layer - 1]
    source = "x" if layer == 1 else "a"
    values: dict[str, float] = {}
    for i, (w, a) in enumerate(zip(weights, incoming, strict=True)):
        values[f"w{i}"] = float(w)
        values[f"{source}{i}"] = float(a)
    if bias is not None:
        values["b"] = float(np.asarray(bias)[index])
    activation = network.spec.activations[layer - 1]
    return neuron_expression(len(weights), activation, bias is not None, layer), values


def _neuron_numbers(trace_layer: LayerTrace, index: int) -> NeuronNumbers:
    """Pick neuron `index` out of a LayerTrace's arrays."""

    def at(array: np.ndarray | None) -> float | None:
        return None if array is None else float(np.asarray(array)[index])

    grad_w = trace_layer.grad_weights
    return NeuronNumbers(
        z=at(trace_layer.z) or 0.0, a=at(trace_layer.a) or 0.0,
        grad_z=at(trace_layer.grad_z) or 0.0, grad_a=at(trace_layer.grad_a),
        grad_weights=() if grad_w is None else tuple(float(g) for g in grad_w[index]),
        grad_bias=at(trace_layer.grad_bias),
    )


def _note(activation: str, stops_at_z: bool) -> str:
    """One sentence on how to read the circuit."""
    if stops_at_z:
        return (f"The {activation} output depends on the whole layer, so this circuit ends at "
                "z and the backward pass starts from the network's ∂L/∂z.")
    return ("The backward pass starts from the network's ∂L/∂a for this neuron, so each "
            "weight's gradient is the network's ∂L/∂w.")
