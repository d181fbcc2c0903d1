"""Scalar gates: each gate's forward value and local derivatives, computed side by side.

One pattern for every gate (as in micrograd and seed 004): a gate function takes its input
values and returns `(out, local_grads)`, where `local_grads[i]` is ∂out/∂input_i. The
backward pass multiplies each local derivative by the output's gradient and *adds* it into
the input wire's gradient, so a wire that fans out collects every contribution.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

GateResult = tuple[float, tuple[float, ...]]


def _add(x: float, y: float) -> GateResult:
    return x + y, (1.0, 1.0)


def _sub(x: float, y: float) -> GateResult:
    return x - y, (1.0, -1.0)


def _mul(x: float, y: float) -> GateResult:
    return x * y, (y, x)


def _div(x: float, y: float) -> GateResult:
    if y == 0.0:
        raise ZeroDivisionError("division by zero")
    return x / y, (1.0 / y, -x / (y * y))


def _neg(x: float) -> GateResult:
    return -x, (-1.0,)


def _max(x: float, y: float) -> GateResult:
    # The larger input takes the whole gradient (ties go to the first), as in seed 004.
    return (x, (1.0, 0.0)) if x >= y else (y, (0.0, 1.0))


def _min(x: float, y: float) -> GateResult:
    return (x, (1.0, 0.0)) if x <= y else (y, (0.0, 1.0))


def _exp(x: float) -> GateResult:
    out = math.exp(x)
    return out, (out,)


def _log(x: float) -> GateResult:
    if x <= 0.0:
        raise ValueError(f"log needs a positive input, got {x:g}")
    return math.log(x), (1.0 / x,)


def _pow(x: float, exponent: float) -> GateResult:
    out = math.pow(x, exponent)
    grad = exponent * math.pow(x, exponent - 1.0) if exponent != 0.0 else 0.0
    return out, (grad,)


def _sigmoid(x: float) -> GateResult:
    # Two branches so that neither exp(-x) nor exp(x) can overflow.
    out = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return out, (out * (1.0 - out),)


def _tanh(x: float) -> GateResult:
    out = math.tanh(x)
    return out, (1.0 - out * out,)


def _relu(x: float) -> GateResult:
    return (x, (1.0,)) if x > 0 else (0.0, (0.0,))


LEAKY_SLOPE = 0.01  # the same slope as engine.activations' leaky_relu


def _leaky_relu(x: float) -> GateResult:
    return (x, (1.0,)) if x > 0 else (LEAKY_SLOPE * x, (LEAKY_SLOPE,))


@dataclass(frozen=True)
class GateKind:
    """A gate type: how many inputs, how it computes, and how it is written."""

    op: str
    arity: int
    compute: Callable[..., GateResult]
    symbol: str  # drawn inside the gate on the page
    infix: str | None = None  # "+" for binary operators written between their inputs


GATES: dict[str, GateKind] = {
    kind.op: kind
    for kind in (
        GateKind("add", 2, _add, "+", "+"),
        GateKind("sub", 2, _sub, "−", "-"),
        GateKind("mul", 2, _mul, "×", "*"),
        GateKind("div", 2, _div, "÷", "/"),
        GateKind("neg", 1, _neg, "−x"),
        GateKind("max", 2, _max, "max"),
        GateKind("min", 2, _min, "min"),
        GateKind("exp", 1, _exp, "exp"),
        GateKind("log", 1, _log, "log"),
        GateKind("pow", 1, _pow, "xⁿ"),  # the exponent is a constant parameter of the gate
        GateKind("sigmoid", 1, _sigmoid, "σ"),
        GateKind("tanh", 1, _tanh, "tanh"),
        GateKind("relu", 1, _relu, "relu"),
        GateKind("leaky_relu", 1, _leaky_relu, "leaky"),
    )
}

# Functions an expression may call, with the number of arguments each takes.
FUNCTIONS: dict[str, int] = {
    "exp": 1, "log": 1, "sigmoid": 1, "tanh": 1, "relu": 1, "leaky_relu": 1,
    "max": 2, "min": 2, "pow": 2,
}
