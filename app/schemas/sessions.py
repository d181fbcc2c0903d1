"""The session document of export/import: the same bounds as creating a network, typed.

An import is a request like any other: every spec value within the bounds `POST /networks`
applies, every data value and initial weight |x| ≤ 1e9 (current weights and biases may be
any finite number, as training left them), names ≤ 64 characters, no unknown keys; the
engine then checks shapes and consistency (its SpecError/DatasetError → 422).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from app.schemas.common import (
    MAX_LAYERS,
    MAX_NEURONS,
    MAX_SAMPLES,
    Public,
    Rows,
    Seed,
    Strict,
)
from app.schemas.networks import (
    BiasRow,
    LayerSize,
    Matrix,
    PresetName,
    SpecFields,
)

MAX_HISTORY = 100_000  # losses an export carries (the latest) and an import accepts
MAX_STEP = 2**53  # exact in JavaScript, and far below SQLite's int64
FORMAT: Literal["backprop-viz/session"] = "backprop-viz/session"

Finite = Annotated[float, Field(allow_inf_nan=False)]
# Parameters are the network's own numbers, not typed by a user: training may have carried
# them past the 1e9 a create allows, and an export of that network must import back.
FiniteMatrix = Annotated[list[Annotated[list[Finite], Field(max_length=MAX_NEURONS)]],
                         Field(max_length=MAX_NEURONS)]
FiniteBiasRow = Annotated[list[Finite], Field(max_length=MAX_NEURONS)]
Name = Annotated[str, Field(max_length=64)]
Unit = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)]


class SpecDoc(SpecFields):
    """`network.spec`: the fields and bounds of POST /api/networks, `layers` required."""

    layers: list[LayerSize] = Field(min_length=2, max_length=MAX_LAYERS,
                                    description="sizes, input layer first")


class OptimizerArrays(Strict):
    """One optimizer quantity (velocity, Adam's m or v) per weight and bias."""

    weights: list[list[list[Finite]]] = Field(max_length=MAX_LAYERS)
    biases: list[list[Finite] | None] = Field(max_length=MAX_LAYERS)


class PendingDoc(Strict):
    """Which phases of the current step are done (the arrays are recomputed)."""

    key: str = Field(max_length=64)
    backward_done: bool = False
    grad_sample: int | None = Field(None, ge=0, lt=MAX_SAMPLES)


class NetworkDoc(Strict):
    """`network`: spec, parameters, optimizer state, progress."""

    spec: SpecDoc
    weights: list[FiniteMatrix] = Field(max_length=MAX_LAYERS, description="any finite values")
    biases: list[FiniteBiasRow | None] = Field(max_length=MAX_LAYERS)
    initial_weights: list[Matrix] | None = Field(None, max_length=MAX_LAYERS)
    initial_biases: list[BiasRow | None] | None = Field(None, max_length=MAX_LAYERS)
    initial_seed: Seed | None = Field(None, description="the seed reset() returns to")
    optimizer_state: dict[Annotated[str, Field(max_length=16)], OptimizerArrays] = Field(
        default_factory=dict, max_length=4)
    step: int = Field(0, ge=0, le=MAX_STEP, description="updates applied")
    loss_history: list[Finite] = Field(
        default_factory=list, max_length=MAX_HISTORY,
        description=f"loss before each update (an export carries the last {MAX_HISTORY:,})")
    pending: PendingDoc | None = None

    def engine_dict(self) -> dict[str, Any]:
        """The dict `Network.from_dict` reads (absent spec fields take its defaults)."""
        doc = self.model_dump(exclude={"spec", "pending"})
        doc["spec"] = self.spec.model_dump(exclude_none=True)
        if self.initial_weights is None:
            del doc["initial_weights"], doc["initial_biases"]
        if self.initial_seed is None:
            del doc["initial_seed"]
        if self.pending is not None:
            doc["pending"] = self.pending.model_dump()
        return doc


class DatasetDoc(Strict):
    """`dataset`: rows and column names."""

    name: Name = "custom"
    inputs: Rows
    targets: Rows
    input_names: list[Name] | None = Field(None, max_length=MAX_NEURONS)
    target_names: list[Name] | None = Field(None, max_length=MAX_NEURONS)
    test_inputs: Rows | None = Field(None, description="held-out rows (a train/test split)")
    test_targets: Rows | None = None
    features: list[Name] | None = Field(None, max_length=5,
                                        description="derived input columns after x1, x2")


class SessionImport(Strict):
    """A document from GET /api/networks/{id}/export."""

    format: Literal["backprop-viz/session"] = FORMAT
    version: int = Field(1, ge=1, le=1)
    preset: PresetName | None = None
    network: NetworkDoc
    dataset: DatasetDoc


class SessionExport(Public):
    """The whole session as one JSON document (POST it to /api/networks/import)."""

    format: Literal["backprop-viz/session"] = FORMAT
    version: int = 1
    preset: str | None
    network: dict[str, Any]
    dataset: dict[str, Any]
