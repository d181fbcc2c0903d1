"""Circuits of scalar gates: every wire carries a value forward and a gradient backward.

A `Circuit` is a recipe (wires and gates in topological order, built by `CircuitBuilder`,
usually from an expression via `engine.expression.parse_expression`); `trace_circuit` runs
it forward and backward on given input values and records every number, with numerical
gradients beside the analytic ones and an optional nudge along the gradient (seed 004).

Ids: wires are "w0", "w1", … in creation order; gates are "g0", "g1", … in forward order.
The page uses the same ids for its SVG elements.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.circuits.gates import GATES
from engine.errors import EngineError

MAX_GATES = 300
NUMERICAL_H = 1e-4  # seed 004: h = 0.0001, for both the forward and the central difference
DIRECTIONS = ("up", "down")


class CircuitError(EngineError):
    """A bad expression or a value that cannot be computed; `where` names the culprit."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class Wire:
    """A wire of the recipe: an input (named), a constant, or a gate's output."""

    index: int
    label: str
    kind: str  # "input" | "constant" | "gate"
    name: str | None = None  # input wires: the variable name
    constant: float | None = None  # constant wires: their value

    @property
    def id(self) -> str:
        return f"w{self.index}"


@dataclass(frozen=True)
class Gate:
    """A gate of the recipe: its kind, input wires, output wire and constant parameter."""

    index: int
    op: str
    inputs: tuple[int, ...]
    output: int
    param: float | None = None  # pow: the constant exponent

    @property
    def id(self) -> str:
        return f"g{self.index}"


@dataclass(frozen=True)
class Circuit:
    """Wires and gates in forward order; `output` is the index of the final wire."""

    expression: str
    wires: tuple[Wire, ...]
    gates: tuple[Gate, ...]
    output: int
    decomposed: bool = False

    @property
    def input_names(self) -> tuple[str, ...]:
        """Variable names in order of first appearance."""
        return tuple(w.name for w in self.wires if w.kind == "input" and w.name is not None)


def too_many_gates(max_gates: int) -> str:
    """The refusal of a circuit beyond `max_gates`, counted before or while building it."""
    return f"the circuit has more than {max_gates} gates; use a shorter expression"


class CircuitBuilder:
    """Adds wires and gates one at a time; inputs with the same name share one wire."""

    def __init__(self, max_gates: int = MAX_GATES) -> None:
        self.wires: list[Wire] = []
        self.gates: list[Gate] = []
        self.max_gates = max_gates
        self._inputs: dict[str, int] = {}

    def input(self, name: str) -> int:
        """The wire of variable `name` (created the first time it is used)."""
        if name not in self._inputs:
            self._inputs[name] = self._wire(name, "input", name=name)
        return self._inputs[name]

    def constant(self, value: float, label: str | None = None) -> int:
        """A new constant wire (its gradient is computed but it is not an input)."""
        if not math.isfinite(value):
            raise CircuitError(f"the number {label or value} is not finite", where=label)
        return self._wire(label or f"{value:g}", "constant", constant=float(value))

    def gate(self, op: str, inputs: Sequence[int], label: str, param: float | None = None) -> int:
        """Add a gate of kind `op`; returns its output wire."""
        if len(self.gates) >= self.max_gates:
            raise CircuitError(too_many_gates(self.max_gates), where="gates")
        if len(inputs) != GATES[op].arity:
            raise CircuitError(f"{op} takes {GATES[op].arity} input(s)", where=label)
        out = self._wire(label, "gate")
        self.gates.append(Gate(len(self.gates), op, tuple(inputs), out, param))
        return out

    def build(self, expression: str, output: int, decomposed: bool = False) -> Circuit:
        return Circuit(expression, tuple(self.wires), tuple(self.gates), output, decomposed)

    def _wire(self, label: str, kind: str, **extra: object) -> int:
        self.wires.append(Wire(len(self.wires), label, kind, **extra))  # type: ignore[arg-type]
        return len(self.wires) - 1


@dataclass(frozen=True)
class Evaluation:
    """Values of every wire and the local derivatives of every gate, from one forward pass."""

    values: tuple[float, ...]
    local_grads: tuple[tuple[float, ...], ...]


def forward(circuit: Circuit, values: Mapping[str, float]) -> Evaluation:
    """Run every gate in order; raises CircuitError naming the gate that failed."""
    wire_values = [0.0] * len(circuit.wires)
    for wire in circuit.wires:
        if wire.kind == "input":
            wire_values[wire.index] = float(values[wire.name or ""])
        elif wire.kind == "constant":
            wire_values[wire.index] = float(wire.constant or 0.0)
    local_grads = []
    for gate in circuit.gates:
        out, local = _run_gate(circuit, gate, [wire_values[i] for i in gate.inputs])
        wire_values[gate.output] = out
        local_grads.append(local)
    return Evaluation(tuple(wire_values), tuple(local_grads))


def _run_gate(circuit: Circuit, gate: Gate, args: list[float]) -> tuple[float, tuple[float, ...]]:
    """One gate's forward; turns math errors and non-finite results into CircuitError."""
    params = () if gate.param is None else (gate.param,)
    where = f"gate {gate.id} ({gate.op}: {circuit.wires[gate.output].label})"
    shown = ", ".join(f"{a:.6g}" for a in args)
    try:
        out, local = GATES[gate.op].compute(*args, *params)
    except OverflowError:
        raise CircuitError(f"{where} overflowed at input {shown}", where=gate.id) from None
    except (ValueError, ZeroDivisionError) as exc:
        reason = "undefined" if "domain" in str(exc) else str(exc)
        raise CircuitError(f"{where} is {reason} at input {shown}"
                           if reason == "undefined" else f"{where}: {reason}",
                           where=gate.id) from None
    if not math.isfinite(out):
        raise CircuitError(f"{where} gave a value that is not finite at input {shown}",
                           where=gate.id)
    if not all(math.isfinite(g) for g in local):
        raise CircuitError(f"{where} has a derivative that is not finite at input {shown}",
                           where=gate.id)
    return out, local


def backward(circuit: Circuit, ev: Evaluation, output_grad: float = 1.0) -> tuple[float, ...]:
    """Chain rule, last gate first: input.grad += local_grad × output.grad (fan-out adds)."""
    grads = [0.0] * len(circuit.wires)
    grads[circuit.output] = output_grad
    for gate in reversed(circuit.gates):
        for i, local in zip(gate.inputs, ev.local_grads[gate.index], strict=True):
            grads[i] += local * grads[gate.output]
    for wire in circuit.wires:
        if not math.isfinite(grads[wire.index]):
            raise CircuitError(f"the gradient of wire {wire.id} ({wire.label}) is not finite",
                               where=wire.id)
    return tuple(grads)


def output_of(circuit: Circuit, values: Mapping[str, float]) -> float:
    """The circuit's output at `values` (no gradients)."""
    return forward(circuit, values).values[circuit.output]


def check_values(circuit: Circuit, values: Mapping[str, float]) -> dict[str, float]:
    """Every input has a finite value and no value names an unknown input."""
    names = circuit.input_names
    missing = [n for n in names if n not in values]
    if missing:
        raise CircuitError(f"no value given for {', '.join(missing)}", where=missing[0])
    known = set(names)
    unknown = [n for n in values if n not in known]
    if unknown:
        used = ", ".join(names) or "no variables"
        raise CircuitError(f"{', '.join(unknown)} is not in the expression (it uses {used})",
                           where=unknown[0])
    for name in names:
        if not math.isfinite(values[name]):
            raise CircuitError(f"the value of {name} is not finite", where=name)
    return {n: float(values[n]) for n in names}
