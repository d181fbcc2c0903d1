"""Step, train, reset and predict: requests and the traces/results they answer with."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from app.schemas.common import (
    MAX_EPOCHS,
    MAX_GRID_RESOLUTION,
    MAX_SAMPLES,
    Public,
    Rows,
    Seed,
    Strict,
)
from app.schemas.networks import NetworkState
from app.schemas.rules import given, rules

Phase = Literal["forward", "backward", "update", "all"]
# Matrices of the layer form a caller may already hold (`?form=layers&omit=…`): the current
# weights (from the network's state or the last update) and the gradients of the backward
# pass it saw. Node vectors are the focus sample's and small: always sent.
Omittable = Literal["weights", "grad_weights"]


# `matrices` answers samples × neurons numbers four times over: bounded to keep a trace small.
MAX_MATRIX_NUMBERS = 65_536

class StepRequest(Strict):
    """Which phase to run; `sample` for a one-sample (SGD) gradient, `focus` to report a row."""

    model_config = Strict.model_config | {
        "json_schema_extra": {"examples": [{"phase": "all"}, {"phase": "forward"},
                                           {"phase": "backward", "sample": 0, "focus": 0}]}
    }

    phase: Phase = Field("all", description="forward, backward, update, or all three; "
                         "a phase runs any earlier one it needs")
    sample: int | None = Field(None, ge=0, lt=MAX_SAMPLES, description="absent: whole batch")
    focus: int | None = Field(None, ge=0, lt=MAX_SAMPLES, description="default: sample, else 0")
    matrices: bool = Field(False, description="also every sample's z, a, grad_z and grad_a, "
                           "layer by layer (`matrices`), for networks whose samples × neurons "
                           f"is at most {MAX_MATRIX_NUMBERS:,}")


class NodeOut(Public):
    """One neuron (layer 0 = inputs); null where the phase has not computed it yet."""

    layer: int
    index: int
    z: float | None = Field(description="pre-activation Σ w·a + b (null for inputs)")
    a: float | None = Field(description="activation f(z); the input value on layer 0")
    grad_z: float | None = Field(description="∂(focus sample's loss)/∂z, i.e. δ")
    grad_a: float | None = Field(description="∂(focus sample's loss)/∂a")
    bias: float | None = Field(description="null if the layer has no bias")
    grad_bias: float | None = Field(description="∂L/∂b of the loss the update uses")
    new_bias: float | None = Field(description="after the update")
    bias_optimizer: dict[str, float] | None = Field(
        None, description="the optimizer's numbers for this bias after the update")


class EdgeOut(Public):
    """One weight; `layer` is the layer it enters, `signal` = weight × source activation."""

    layer: int = Field(description="the layer the edge enters (1 = first hidden)")
    source: int = Field(description="neuron index in layer − 1")
    target: int = Field(description="neuron index in layer")
    weight: float = Field(description="the weight the forward pass used")
    signal: float | None = Field(description="weight × source activation (focus sample)")
    grad: float | None = Field(description="∂L/∂w of the loss the update uses (batch or "
                               "`sample`, reduced, plus the penalty's gradient)")
    new_weight: float | None = Field(description="after the update")
    optimizer: dict[str, float] | None = Field(
        None, description="the optimizer's numbers for this weight (velocity, m, v) after "
                          "the update")


def _example_trace() -> dict[str, Any]:
    """The `two-two-one` preset after `forward` then `backward` (seeds/003's numbers)."""
    nodes = [(0, 0, None, 2.0, None, -0.0270206), (0, 1, None, 3.0, None, -0.0334926),
             (1, 0, 0.85, 0.85, -0.11326, -0.11326), (1, 1, 0.48, 0.48, -0.12135, -0.12135),
             (2, 0, 0.191, 0.191, -0.809, -0.809)]
    edges = [(1, 0, 0, 0.11, 0.22, -0.22652), (1, 1, 0, 0.21, 0.63, -0.33978),
             (1, 0, 1, 0.12, 0.24, -0.2427), (1, 1, 1, 0.08, 0.24, -0.36405),
             (2, 0, 0, 0.14, 0.119, -0.68765), (2, 1, 0, 0.15, 0.072, -0.38832)]
    return {
        "network_id": "Hk3v9f0b2XyQeLmT8sRj4wNa", "phase": "backward",
        "phases_run": ["backward"], "step": 0, "loss": 0.3272405, "sample_losses": [0.3272405],
        "focus": 0, "sample": None, "outputs": [0.191], "targets": [1.0],
        "nodes": [{"layer": k, "index": i, "z": z, "a": a, "grad_z": gz, "grad_a": ga,
                   "bias": None, "grad_bias": None, "new_bias": None, "bias_optimizer": None}
                  for k, i, z, a, gz, ga in nodes],
        "edges": [{"layer": k, "source": s, "target": t, "weight": w, "signal": sig, "grad": g,
                   "new_weight": None, "optimizer": None} for k, s, t, w, sig, g in edges],
    }


class LayerMatrices(Public):
    """One layer's node values for every sample: rows are samples, columns neurons."""

    layer: int = Field(description="0 = inputs")
    z: list[list[float]] | None = Field(description="pre-activations, m × n (null for inputs)")
    a: list[list[float]] | None = Field(description="activations (the inputs on layer 0)")
    grad_z: list[list[float]] | None = Field(
        description="∂(each sample's own loss)/∂z, unscaled: dW = grad_zᵀ·a_prev / m (mean)")
    grad_a: list[list[float]] | None = Field(description="∂(each sample's own loss)/∂a")


class TraceOut(Public):
    """Everything one step computed, for the focus sample (gradients: of the batch loss)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_example_trace()]})

    network_id: str | None = Field(description="null in a follow room's events")
    phase: Phase = Field(description="the phase asked for")
    phases_run: list[str] = Field(description="what was computed, in order")
    step: int = Field(description="updates applied after this call")
    loss: float | None = Field(description="reduced loss of the whole batch (plus penalty) "
                               "at the weights the forward pass used, also with `sample`")
    sample_losses: list[float] | None = Field(description="each sample's own loss")
    focus: int = Field(description="the sample whose node values `nodes` and `outputs` show")
    sample: int | None = Field(description="the one sample the gradients are of; null: the "
                               "whole batch")
    outputs: list[float] | None = Field(description="the focus sample's outputs")
    targets: list[float] | None = Field(description="the focus sample's targets")
    nodes: list[NodeOut] = Field(description="every neuron, inputs (layer 0) first")
    edges: list[EdgeOut] = Field(description="every weight, by the layer it enters")
    matrices: list[LayerMatrices] | None = Field(
        None, description="with `matrices: true` only: every sample's node values per layer")


class LayerOut(Public):
    """One layer of the compact (`?form=layers`) trace: each array is base64 of
    little-endian float64 (row-major), null where the phase has not computed it."""

    layer: int = Field(description="0 = inputs; a weight matrix enters this layer")
    size: int = Field(description="neurons in the layer: the length of each node vector")
    shape: list[int] | None = Field(None, description="[targets, sources] of the matrices "
                                    "(null in layer 0)")
    z: str | None = Field(description="the focus sample's pre-activations")
    a: str | None = Field(description="the focus sample's activations (inputs in layer 0)")
    grad_z: str | None = Field(description="∂L/∂z of the focus sample")
    grad_a: str | None = Field(description="∂L/∂a of the focus sample")
    bias: str | None = Field(None, description="biases before the update")
    grad_bias: str | None = Field(None, description="∂L/∂b (as `grad_bias` of a node)")
    new_bias: str | None = Field(None, description="biases after the update")
    weights: str | None = Field(None, description="[target][source]; an edge's `weight`")
    grad_weights: str | None = Field(None, description="an edge's `grad`")
    new_weights: str | None = Field(None, description="an edge's `new_weight`")
    weight_optimizer: dict[str, str] | None = Field(
        None, description="optimizer state after the update, shaped like `weights`")
    bias_optimizer: dict[str, str] | None = Field(
        None, description="optimizer state after the update, shaped like `bias`")


class TraceLayersOut(Public):
    """The same numbers as TraceOut as per-layer arrays (`?form=layers`): what the page asks
    for. An edge's `signal` is not sent: it is `weights[t][s] · a[s]` of the layer below."""

    form: Literal["layers"] = Field(description="tells this form from TraceOut")
    network_id: str | None = Field(description="null in a follow room's events")
    phase: Phase = Field(description="the phase asked for")
    phases_run: list[str] = Field(description="what was computed, in order")
    step: int = Field(description="updates applied after this call")
    loss: float | None = Field(description="as in TraceOut")
    sample_losses: list[float] | None = Field(description="each sample's own loss")
    focus: int = Field(description="the sample whose node values the layers show")
    sample: int | None = Field(description="the one sample the gradients are of")
    outputs: list[float] | None = Field(description="the focus sample's outputs")
    targets: list[float] | None = Field(description="the focus sample's targets")
    layers: list[LayerOut] = Field(description="every layer, inputs (0) first")
    omitted: list[Omittable] = Field(
        default_factory=list,
        description="arrays left out (null in every layer) because the caller said it holds "
                    "them (`omit`) and this call did not compute them anew; any other null "
                    "array is one no phase has computed for the current parameters")
    matrices: list[LayerMatrices] | None = Field(
        None, description="with `matrices: true` only: as in TraceOut")


class LiveOptions(Strict):
    """Extras for streamed `progress` events: the first, then at most one every ~0.5 s, the last."""

    model_config = Strict.model_config | {"json_schema_extra": rules({"anyOf": [
        {"required": ["weights"], "properties": {"weights": {"const": True}}},
        given("grid_resolution")]})}

    weights: bool = Field(False, description="current `weights` and `biases`, indexed as in "
                                             "the network state")
    grid_resolution: int | None = Field(
        None, ge=2, le=MAX_GRID_RESOLUTION,
        description="a `grid` of predictions, as GET …/predict?resolution=N answers "
                    "(1- or 2-input networks only)")
    neurons: bool = Field(False, description="the grid also carries each neuron's map, as "
                                             "GET …/predict?neurons=true (needs grid_resolution)")

    @model_validator(mode="after")
    def _asks_for_something(self) -> LiveOptions:
        if not self.weights and self.grid_resolution is None:
            raise ValueError("ask for weights: true and/or a grid_resolution")
        if self.neurons and self.grid_resolution is None:
            raise ValueError("neurons: true needs a grid_resolution (the maps are grids)")
        return self


class TrainRequest(Strict):
    """Train for `epochs` passes over the data (full batch unless `batch_size`).

    `live` needs a stream: `stream: true` (the schema says so; `Accept: text/event-stream`
    also streams).
    """

    model_config = Strict.model_config | {
        "json_schema_extra": {"anyOf": [
            {"not": given("live")},
            {"required": ["stream"], "properties": {"stream": {"const": True}}},
        ], "examples": [{"epochs": 100}, {"epochs": 500, "stream": True},
                                           {"epochs": 50, "batch_size": 8, "shuffle_seed": 1},
                                           {"epochs": 2000, "stream": True,
                                            "live": {"weights": True, "grid_resolution": 40}}]}
    }

    epochs: int = Field(ge=1, le=MAX_EPOCHS, description="passes over the data")
    batch_size: int | None = Field(None, ge=1, le=MAX_SAMPLES, description="absent: full batch")
    shuffle_seed: Seed | None = Field(None, description="seed of the mini-batch order, "
                                      "reshuffled each epoch; absent: a random order")
    stream: bool = Field(False, description="answer with Server-Sent Events (progress, result)")
    live: LiveOptions | None = Field(
        None, description="streams only: progress events also carry weights and/or a grid")


class TrainResult(Public):
    """Where training ended: final loss, updates applied, the loss curve and the new state."""

    loss: float | None = Field(description="loss over the whole dataset after training")
    step: int
    epochs: int = Field(description="epochs run by this call")
    loss_history: list[float] = Field(description="loss of each epoch, ≤ 1,000 points")
    loss_history_epochs: list[int] = Field(description="epoch (1-based) of each point")
    stopped_early: bool = False
    reason: str | None = None
    seconds: float
    state: NetworkState


class ResetRequest(Strict):
    """Back to the initial weights; with `seed`, re-initialised from that seed."""

    seed: Seed | None = None


class PredictRequest(Strict):
    """Outputs for given input rows."""

    inputs: Rows


class PredictOut(Public):
    """Predictions: one output row per input row; for a grid, rows sweep x fastest."""

    inputs: list[list[float]] | None = Field(None, description="the rows (absent for grids)")
    outputs: list[list[float]]
    resolution: int | None = None
    bounds: list[list[float]] | None = Field(None, description="[[x_min, x_max], [y_min, y_max]]")
    xs: list[float] | None = None
    ys: list[float] | None = None
    neurons: list[list[list[float]]] | None = Field(
        None, description="with `neurons=true`: neurons[k][j] is neuron j of layer k+1 (the "
                          "first after the inputs) at every grid point, in the order of "
                          "`outputs` — each hidden and output neuron's own map")


class ProgressEvent(Public):
    """A streamed `progress` event; `weights`, `biases`, `grid` only when `live` asks for them."""

    epoch: int
    epochs: int
    loss: float | None
    test_loss: float | None = Field(None, description="over the held-out rows (a split only)")
    weights: list[list[list[float]]] | None = Field(None, description="as in the state")
    biases: list[list[float] | None] | None = None
    grid: PredictOut | None = Field(None, description="as GET …/predict?resolution=N")


class StartEvent(Public):
    """The first streamed event: the run is accepted."""

    network_id: str
    epochs: int = Field(description="epochs asked for")


class QueuedEvent(Public):
    """A streamed run waits for a training worker: its place in the queue (again when it
    moves up); none when a worker is free at once."""

    position: int = Field(ge=1, description="1: the next run to start")


class ErrorEvent(Public):
    """A streamed run that failed after it started: the status a plain call would answer."""

    status: int = Field(description="404, 409, 422 or 503, as the plain call would answer")
    detail: str
    message: str = Field(description="one line saying what to change")


SSE_EVENTS: dict[str, type[Public]] = {
    "start": StartEvent, "queued": QueuedEvent, "progress": ProgressEvent,
    "result": TrainResult, "error": ErrorEvent}
"""Every Server-Sent Event of a streamed train, in order: start, queued…, progress…, result
or error."""
