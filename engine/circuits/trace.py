"""What one run of a circuit computed: every wire, every gate, numerical checks, a nudge.

`trace_expression("sigmoid(a*x + b*y + c)", {...}, step_size=0.01)` is the whole of seed 004's
"one neuron" example: output 0.8807971, analytic gradients beside forward- and
central-difference ones, and the output after one step along the gradient (0.8825502).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine.circuits.circuit import (
    DIRECTIONS,
    NUMERICAL_H,
    Circuit,
    CircuitError,
    backward,
    check_values,
    forward,
    output_of,
)
from engine.circuits.expression import parse_expression
from engine.circuits.gates import GATES
from engine.circuits.size import Size

# The numerical checks run the circuit twice per input: their cost is inputs × gates gate
# evaluations. 20,000 keeps every neuron of the widest network (64 inputs: 129 × 132) and
# answers in well under 0.3 s; a sum of 300 variables (300 × 299) is refused up front.
MAX_CHECK_EVALUATIONS = 20_000


@dataclass(frozen=True)
class WireTrace:
    """One wire: its value on the forward pass and its gradient on the backward pass."""

    id: str
    label: str
    kind: str  # "input" | "constant" | "gate"
    value: float
    grad: float


@dataclass(frozen=True)
class GateTrace:
    """One gate: its op, input and output wire ids, and ∂output/∂input for each input."""

    id: str
    op: str
    symbol: str
    inputs: tuple[str, ...]
    output: str
    local_grads: tuple[float, ...]
    param: float | None  # pow: the exponent


@dataclass(frozen=True)
class InputTrace:
    """One named input: analytic gradient beside two numerical estimates (None if undefined)."""

    name: str
    wire: str
    value: float
    grad: float
    numerical_grad: float | None  # central difference (f(v+h) − f(v−h)) / 2h
    forward_difference_grad: float | None  # (f(v+h) − f(v)) / h, as in seed 004


@dataclass(frozen=True)
class CircuitTrace:
    """Everything one forward + backward (+ optional nudge) of a circuit computed."""

    expression: str
    decomposed: bool
    output: float
    output_wire: str
    output_grad: float  # the gradient the backward pass starts from (1 unless seeded)
    h: float
    inputs: tuple[InputTrace, ...]
    wires: tuple[WireTrace, ...]
    gates: tuple[GateTrace, ...]
    step_size: float | None = None
    direction: str = "up"
    nudged_values: Mapping[str, float] | None = None
    nudged_output: float | None = None


def trace_expression(
    expression: str,
    values: Mapping[str, float],
    decompose: bool = False,
    step_size: float | None = None,
    direction: str = "up",
    output_grad: float = 1.0,
) -> CircuitTrace:
    """Parse `expression` and trace it; raises CircuitError for anything invalid."""
    _within_check_budget_at_all(len(values))
    circuit = parse_expression(expression, decompose=decompose, admit=_within_check_budget)
    return trace_circuit(circuit, values, step_size, direction, output_grad)


def _within_check_budget_at_all(variables: int) -> None:
    """Refuse too many values before the expression is even parsed: a value names each
    variable, and a circuit joining n variables has at least n − 1 gates (none has more
    than two inputs), so n × (n − 1) evaluations is the least its checks could cost."""
    least = variables * (variables - 1)
    if least > MAX_CHECK_EVALUATIONS:
        most = int((1 + math.sqrt(1 + 4 * MAX_CHECK_EVALUATIONS)) / 2)
        raise CircuitError(
            f"{variables} values: a circuit of {variables} variables has at least "
            f"{variables - 1} gates, and its numerical checks would evaluate at least "
            f"{variables} × {variables - 1} = {least:,} gates, above the limit of "
            f"{MAX_CHECK_EVALUATIONS:,}; use at most {most} variables", "values")


def _within_check_budget(size: Size) -> None:
    """Refuse an expression whose numerical checks are over budget, before it is built."""
    _check_cost(size.inputs, size.gates)


def _check_cost(inputs: int, gates: int) -> None:
    cost = inputs * gates
    if cost > MAX_CHECK_EVALUATIONS:
        raise CircuitError(
            f"the numerical checks would evaluate {inputs} inputs × {gates} gates = "
            f"{cost:,} gates, above the limit of {MAX_CHECK_EVALUATIONS:,}; use fewer "
            "variables or a smaller expression", "expression")


def trace_circuit(
    circuit: Circuit,
    values: Mapping[str, float],
    step_size: float | None = None,
    direction: str = "up",
    output_grad: float = 1.0,
) -> CircuitTrace:
    """Forward, backward from `output_grad`, numerical checks and an optional nudge."""
    if direction not in DIRECTIONS:
        raise CircuitError(f"direction must be 'up' or 'down', not {direction!r}", "direction")
    inputs = check_values(circuit, values)
    _check_cost(len(inputs), len(circuit.gates))  # decomposed gates count too
    ev = forward(circuit, inputs)
    grads = backward(circuit, ev, output_grad)
    wires = tuple(WireTrace(w.id, w.label, w.kind, ev.values[w.index], grads[w.index])
                  for w in circuit.wires)
    gates = tuple(GateTrace(g.id, g.op, GATES[g.op].symbol,
                            tuple(circuit.wires[i].id for i in g.inputs),
                            circuit.wires[g.output].id, ev.local_grads[g.index], g.param)
                  for g in circuit.gates)
    nudged_values, nudged_output = None, None
    if step_size is not None:
        nudged_values, nudged_output = _nudge(circuit, inputs, grads, step_size, direction)
    return CircuitTrace(
        circuit.expression, circuit.decomposed, ev.values[circuit.output],
        circuit.wires[circuit.output].id, output_grad, NUMERICAL_H,
        _input_traces(circuit, inputs, grads, output_grad), wires, gates,
        step_size, direction, nudged_values, nudged_output,
    )


def _input_traces(
    circuit: Circuit, inputs: dict[str, float], grads: tuple[float, ...], output_grad: float
) -> tuple[InputTrace, ...]:
    """Per input: the analytic gradient and both numerical ones (scaled by `output_grad`)."""
    f0 = output_of(circuit, inputs)
    traces = []
    for wire in circuit.wires:
        if wire.kind != "input" or wire.name is None:
            continue
        up = _output_or_none(circuit, {**inputs, wire.name: inputs[wire.name] + NUMERICAL_H})
        down = _output_or_none(circuit, {**inputs, wire.name: inputs[wire.name] - NUMERICAL_H})
        central = None if up is None or down is None else (up - down) / (2 * NUMERICAL_H)
        forward_diff = None if up is None else (up - f0) / NUMERICAL_H
        traces.append(InputTrace(
            wire.name, wire.id, inputs[wire.name], grads[wire.index],
            _scaled(central, output_grad), _scaled(forward_diff, output_grad),
        ))
    return tuple(traces)


def _scaled(estimate: float | None, factor: float) -> float | None:
    """estimate × factor, or None if either is missing or the product is not finite."""
    if estimate is None:
        return None
    product = estimate * factor
    return product if math.isfinite(product) else None


def _output_or_none(circuit: Circuit, values: Mapping[str, float]) -> float | None:
    """The output, or None where a nudged input leaves the function's domain."""
    try:
        return output_of(circuit, values)
    except CircuitError:
        return None


def _nudge(
    circuit: Circuit, inputs: dict[str, float], grads: tuple[float, ...], step: float,
    direction: str,
) -> tuple[dict[str, float], float]:
    """Move every input by ±step × its gradient (seed 004's "one step"); the new output."""
    if not math.isfinite(step) or step < 0:
        raise CircuitError("step_size must be a finite number ≥ 0", where="step_size")
    sign = 1.0 if direction == "up" else -1.0
    new_values = dict(inputs)
    for wire in circuit.wires:
        if wire.kind == "input" and wire.name is not None:
            new_values[wire.name] = inputs[wire.name] + sign * step * grads[wire.index]
            if not math.isfinite(new_values[wire.name]):
                raise CircuitError(f"the nudged value of {wire.name} is not finite",
                                   where=wire.name)
    try:
        new_output = output_of(circuit, new_values)
    except CircuitError as exc:
        raise CircuitError(f"after the nudge, {exc.message}", where=exc.where) from None
    return new_values, new_output


@dataclass(frozen=True)
class CircuitPreset:
    """A circuit from the seed articles, with the input values they use."""

    id: str
    title: str
    expression: str
    values: Mapping[str, float]
    decompose: bool = False
    step_size: float | None = None
    source: str = ""


CIRCUIT_PRESETS: tuple[CircuitPreset, ...] = (
    CircuitPreset("add-multiply", "(x + y) · z", "(x + y) * z",
                  {"x": -2.0, "y": 5.0, "z": -4.0}, step_size=0.01,
                  source="Seed 004: output −12; gradients x −4, y −4, z 3."),
    CircuitPreset("one-neuron", "One neuron: σ(a·x + b·y + c)", "sigmoid(a*x + b*y + c)",
                  {"a": 1.0, "b": 2.0, "c": -3.0, "x": -1.0, "y": 3.0}, step_size=0.01,
                  source="Seed 004: output 0.8808; one step of 0.01 up gives 0.8825."),
    CircuitPreset("sigmoid-decomposed", "Sigmoid as elementary gates", "sigmoid(x)",
                  {"x": 1.0}, decompose=True, step_size=0.01,
                  source="Seed 002: −x, exp, 1 +, 1 / at x = 1 give 0.7310586; "
                         "∂/∂x = 0.1966119."),
)
