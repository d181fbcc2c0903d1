"""Request and response models of the circuit API (/api/circuits/..., neuron circuits)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.circuits.expression import MAX_EXPRESSION_CHARS, NAME_PATTERN

MAX_INPUTS = 300
MAX_ABS_INPUT = 1e9
MAX_STEP_SIZE = 100.0

InputValue = Annotated[float, Field(ge=-MAX_ABS_INPUT, le=MAX_ABS_INPUT, allow_inf_nan=False)]
InputName = Annotated[str, Field(pattern=f"^{NAME_PATTERN.pattern}$")]


class CircuitTraceRequest(BaseModel):
    """An expression, a value for each of its variables, and what to compute."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, strict=True,
        json_schema_extra={"examples": [{
            "expression": "sigmoid(a*x + b*y + c)",
            "values": {"a": 1, "b": 2, "c": -3, "x": -1, "y": 3},
            "decompose": False, "step_size": 0.01, "direction": "up",
        }]},
    )

    expression: str = Field(
        min_length=1, max_length=MAX_EXPRESSION_CHARS,
        description="numbers, names, + - * / **, and calls to exp, log, sigmoid, tanh, relu, "
                    "leaky_relu, max, min, pow (constant exponent)",
    )
    values: dict[InputName, InputValue] = Field(
        default_factory=dict, max_length=MAX_INPUTS,
        description="one finite number for every variable of the expression, and no others",
        json_schema_extra={"additionalProperties": False},  # names match the pattern
    )
    decompose: bool = Field(False, description="build sigmoid, tanh, relu from elementary gates")
    step_size: float | None = Field(
        None, ge=0, le=MAX_STEP_SIZE,
        description="if given: move every input by step_size × its gradient and report the "
                    "new output",
    )
    direction: Literal["up", "down"] = Field(
        "up", description="'up' moves along the gradient (raises the output), 'down' against",
    )


class InputPublic(BaseModel):
    """One variable: its value, its gradient and two numerical estimates of it."""

    wire: str = Field(description="id of the variable's wire")
    value: float
    grad: float = Field(description="analytic ∂output/∂input from the backward pass")
    numerical_grad: float | None = Field(
        description="central difference (f(v+h) − f(v−h)) / 2h; null where undefined")
    forward_difference_grad: float | None = Field(
        description="forward difference (f(v+h) − f(v)) / h, as in seed 004; null where "
                    "undefined")


class WirePublic(BaseModel):
    """One wire: its value (forward) and gradient (backward)."""

    id: str
    label: str = Field(description="the sub-expression the wire carries")
    kind: Literal["input", "constant", "gate"]
    value: float
    grad: float


class GatePublic(BaseModel):
    """One gate: its operation, wires, and local derivatives ∂output/∂input."""

    id: str
    op: str
    symbol: str = Field(description="what the page draws inside the gate")
    inputs: list[str] = Field(description="input wire ids, in order")
    output: str = Field(description="output wire id")
    local_grads: list[float] = Field(description="∂output/∂input for each input, in order")
    param: float | None = Field(None, description="pow: the constant exponent")


class CircuitTracePublic(BaseModel):
    """Every number one forward + backward pass (and optional nudge) computed."""

    expression: str
    decomposed: bool
    output: float
    output_wire: str
    output_grad: float = Field(description="gradient the backward pass starts from")
    h: float = Field(description="step of the numerical gradients")
    inputs: dict[str, InputPublic]
    wires: list[WirePublic] = Field(description="in creation order: w0, w1, …")
    gates: list[GatePublic] = Field(description="in forward order: g0, g1, …")
    step_size: float | None = None
    direction: Literal["up", "down"] = "up"
    nudged_values: dict[str, float] | None = None
    nudged_output: float | None = None


class CircuitPresetPublic(BaseModel):
    """A circuit from the seed articles; POST its fields to /api/circuits/trace."""

    id: str
    title: str
    expression: str
    values: dict[str, float]
    decompose: bool
    step_size: float | None
    source: str = Field(description="where the numbers come from and what they should be")


class NeuronNumbersPublic(BaseModel):
    """The network trace's own numbers for the neuron, to compare with the circuit's."""

    z: float
    a: float
    grad_z: float
    grad_a: float | None
    grad_weights: list[float]
    grad_bias: float | None


class NeuronCircuitPublic(CircuitTracePublic):
    """A network neuron as a circuit: its weights, incoming activations and bias as inputs."""

    network_id: str
    layer: int
    index: int
    sample: int = Field(description="the row whose activations flow in")
    activation: str
    note: str
    network: NeuronNumbersPublic
