"""GET /api/limits: the limits in force and the engine's vocabulary, for clients that check
input before sending it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.schemas.common import Public


class ActivationRule(Public):
    """An activation and where it may go."""

    name: str
    output_only: bool = Field(description="allowed on the output layer only (softmax)")
    min_outputs: int = Field(description="output neurons it needs (softmax: 2)")


class LossRule(Public):
    """A loss, the output activations it needs and the targets it reads."""

    name: str
    outputs: list[str] | None = Field(description="output activations it accepts; null: any")
    targets: list[float] | None = Field(description="[lowest, highest] target; null: any")
    one_output_refused: list[str] = Field(
        description="output activations refused on a single output neuron (cross_entropy: "
                    "sigmoid, which would give target-0 samples no loss; use bce)")


class OptimizerRule(Public):
    """An update rule, the spec fields it reads and the state it keeps per parameter."""

    name: str
    parameters: list[str]
    state: list[str] = Field(description="names of its per-weight state (velocity, m, v)")


class Bound(Public):
    """The engine's range of a spec number (the API's ceilings in `limits` may be lower)."""

    min: float
    max: float | None = Field(description="null: no upper bound")
    min_inclusive: bool
    max_inclusive: bool


class Vocabulary(Public):
    """Every name a spec may use and the rules that tie them, made from the engine's tables:
    a client builds its menus from this instead of keeping a copy."""

    activations: list[ActivationRule]
    losses: list[LossRule]
    reductions: list[str]
    optimizers: list[OptimizerRule]
    regularizations: list[str]
    inits: list[str]
    bounds: dict[str, Bound]
    max_seed: int
    defaults: dict[str, Any] = Field(description="the spec's default for each field")


class LimitsOut(Public):
    """The limits in force on this server (the `BACKPROP_VIZ_MAX_*` settings may lower the
    documented ceilings). Beyond any of them a request is refused with 422 (413 for bodies)."""

    layers: int = Field(description="layers in a network, input and output included")
    neurons: int = Field(description="neurons in any one layer")
    samples: int = Field(description="rows in a dataset; also the largest batch size")
    epochs: int = Field(description="epochs in one train call")
    grid_resolution: int = Field(description="predict grid points per axis")
    abs_value: float = Field(description="|x| of any weight, bias, input or target")
    learning_rate: float = Field(description="largest learning rate (above 0)")
    regularization_rate: float = Field(description="largest L1/L2 strength")
    noise: float = Field(description="largest noise of a named dataset")
    body_bytes: int = Field(description="request body (413 beyond)")
    import_bytes: int = Field(description="body of POST /api/networks/import (413 beyond)")
    train_seconds: float = Field(description="a train call stops here, keeping its progress")
    expression_chars: int = Field(description="characters in a circuit expression")
    circuit_gates: int = Field(description="gates in a circuit")
    vocabulary: Vocabulary = Field(description="the names and rules of a spec")
