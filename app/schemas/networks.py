"""Network requests (create, patch, import) and the state a network answers with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import Field, model_validator

from app.schemas.common import (
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_NEURONS,
    MAX_NOISE,
    MAX_REGULARIZATION_RATE,
    MAX_SAMPLES,
    Public,
    Rows,
    Seed,
    Strict,
    Value,
)
from app.schemas.datasets import DatasetInfo
from app.schemas.rules import any_given, at_most_one, rules, together
from engine.data.datasets import DATASET_NAMES, MAX_CLASSES, MAX_TEST_RATIO, MIN_CLASSES
from engine.data.features import FEATURE_NAMES
from engine.nn import spec
from engine.presets import PRESETS

# The engine's tables name everything; these enumerations are made from them (a type checker
# sees plain strings: it cannot read a Literal built at run time).
if TYPE_CHECKING:
    Activation: TypeAlias = str
    Loss: TypeAlias = str
    Reduction: TypeAlias = str
    Optimizer: TypeAlias = str
    Regularization: TypeAlias = str
    Init: TypeAlias = str
    DatasetName: TypeAlias = str
    PresetName: TypeAlias = str
else:
    Activation = Literal[spec.ACTIVATION_NAMES]
    Loss = Literal[spec.LOSS_NAMES]
    Reduction = Literal[spec.REDUCTIONS]
    Optimizer = Literal[spec.OPTIMIZERS]
    Regularization = Literal[spec.REGULARIZATIONS]
    Init = Literal[spec.INITS]
    DatasetName = Literal[DATASET_NAMES]
    PresetName = Literal[tuple(PRESETS)]

LayerSize = Annotated[int, Field(ge=1, le=MAX_NEURONS)]
Rate = Annotated[float, Field(gt=0, le=MAX_LEARNING_RATE, allow_inf_nan=False)]
Matrix = Annotated[list[Annotated[list[Value], Field(max_length=MAX_NEURONS)]],
                   Field(max_length=MAX_NEURONS)]
BiasRow = Annotated[list[Value], Field(max_length=MAX_NEURONS)]


class NamedDataset(Strict):
    """One of the built-in datasets, generated on the server."""

    name: DatasetName
    samples: int | None = Field(None, ge=1, le=MAX_SAMPLES, description="default: its own")
    noise: float = Field(0.0, ge=0, le=MAX_NOISE, allow_inf_nan=False)
    seed: Seed = 0
    features: list[Literal[FEATURE_NAMES]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(FEATURE_NAMES),
        description="derived inputs after x1, x2 (2-input datasets): x1_squared, x2_squared, "
                    "x1_x2, sin_x1, sin_x2; the input layer then has 2 + len(features) neurons")
    test_ratio: float = Field(0.0, ge=0, le=MAX_TEST_RATIO, allow_inf_nan=False,
                              description="share of the rows held out for testing (never "
                                          "trained on; the state reports their test_loss)")
    classes: int | None = Field(None, ge=MIN_CLASSES, le=MAX_CLASSES, description=(
        "multi-class sets (blobs, spirals) only: the number of classes, one one-hot target "
        "column each (default 3)"))


class SpecFields(Strict):
    """The fields of a network spec with their bounds, written once: a create's overrides
    and an export's `network.spec` both take them."""

    layers: list[LayerSize] | None = Field(
        None, min_length=2, max_length=MAX_LAYERS, description="sizes, input layer first")
    activations: list[Activation] | None = Field(
        None, max_length=MAX_LAYERS, description="one per non-input layer")
    use_bias: bool | Annotated[list[bool], Field(max_length=MAX_LAYERS)] | None = Field(
        None, description="one bool for all, or one per non-input layer")
    loss: Loss | None = Field(None, description=(
        "per sample: half_sse ½Σ(t−o)², mse mean of (o−t)² over outputs, bce (sigmoid or "
        "softmax output), cross_entropy −Σ t·log o (softmax output, or 2+ sigmoid outputs; "
        "one sigmoid output: use bce); default mse"))
    reduction: Reduction | None = Field(None, description="per-sample losses (and their "
                                        "gradients) averaged or summed; default mean")
    learning_rate: Rate | None = Field(None, description="step size η; default 0.1")
    optimizer: Optimizer | None = Field(None, description="update rule; default sgd")
    momentum: float | None = Field(None, ge=0, lt=1, allow_inf_nan=False,
                                   description="μ of optimizer momentum; default 0.9")
    beta1: float | None = Field(None, ge=0, lt=1, allow_inf_nan=False,
                                description="Adam's decay of m; default 0.9")
    beta2: float | None = Field(None, ge=0, lt=1, allow_inf_nan=False,
                                description="Adam's decay of v; default 0.999")
    epsilon: float | None = Field(None, gt=0, le=1, allow_inf_nan=False,
                                  description="Adam's ε; default 1e-8")
    regularization: Regularization | None = Field(
        None, description="weight penalty (not biases) added to the reduced loss; default none")
    regularization_rate: float | None = Field(
        None, ge=0, le=MAX_REGULARIZATION_RATE, allow_inf_nan=False,
        description="strength λ: λ·Σ|w| (l1) or λ·½Σw² (l2); above 0 needs l1 or l2")
    init: Init | None = Field(None, description="initial weights (biases start at 0); "
                              "default xavier")
    init_scale: float | None = Field(None, ge=0, le=1000, allow_inf_nan=False,
                                     description="uniform U(−s, s), normal N(0,1)·s, "
                                                 "constant s, xavier/he times s; default 1")
    seed: Seed | None = Field(None, description="seed of the initial weights; default 0")


class NetworkCreate(SpecFields):
    """A preset (with any spec field overridden) or a full spec, plus the data to learn.

    A preset or layers; data from the preset or exactly one of dataset, dataset_id,
    inputs + targets.
    """

    model_config = Strict.model_config | {
        "json_schema_extra": rules(
            any_given("preset", "layers"), together("inputs", "targets"),
            any_given("preset", "dataset", "dataset_id", "inputs"),
            at_most_one("dataset", "dataset_id", ("inputs", "targets")),
            examples=[
                {"preset": "two-two-one"},
                {"preset": "two-two-one", "learning_rate": 0.1},
                {"layers": [2, 4, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
                 "dataset": {"name": "xor", "samples": 200, "seed": 1}, "seed": 7},
            ])
    }

    preset: PresetName | None = Field(None, description="see GET /api/presets")
    weights: list[Matrix] | None = Field(
        None, max_length=MAX_LAYERS,
        description="weights[k] enters layer k+1, indexed [target][source]")
    biases: list[BiasRow | None] | None = Field(
        None, max_length=MAX_LAYERS, description="biases[k] for layer k+1, null if none")
    dataset: NamedDataset | None = Field(None, description="a built-in dataset "
                                         "(GET /api/datasets)")
    dataset_id: str | None = Field(None, max_length=64, description="from POST /api/datasets")
    inputs: Rows | None = Field(None, description="one row per sample")
    targets: Rows | None = Field(None, description="one row per sample")

    @model_validator(mode="after")
    def _one_source_of_data(self) -> NetworkCreate:
        given = [self.dataset is not None, self.dataset_id is not None,
                 self.inputs is not None or self.targets is not None]
        if sum(given) > 1:
            raise ValueError("give only one of dataset, dataset_id, or inputs/targets")
        if (self.inputs is None) != (self.targets is None):
            raise ValueError("inputs and targets go together")
        if self.preset is None and self.layers is None:
            raise ValueError("give a preset or layers")
        return self

    def spec_fields(self) -> dict[str, Any]:
        """The NetworkSpec fields that were given (overrides of a preset)."""
        data = self.model_dump(exclude_none=True, exclude={
            "preset", "weights", "biases", "dataset", "dataset_id", "inputs", "targets"})
        if self.weights is not None:
            data["weights"] = self.weights
        if self.biases is not None:
            data["biases"] = self.biases
        return data


class WeightEdit(Strict):
    """Set one weight: the edge entering `layer` from `source` to `target`."""

    layer: int = Field(ge=1, le=MAX_LAYERS - 1)
    source: int = Field(ge=0, lt=MAX_NEURONS)
    target: int = Field(ge=0, lt=MAX_NEURONS)
    value: Value


class BiasEdit(Strict):
    """Set the bias of neuron `index` of `layer` (1 = first hidden layer)."""

    layer: int = Field(ge=1, le=MAX_LAYERS - 1)
    index: int = Field(ge=0, lt=MAX_NEURONS)
    value: Value


class NetworkUpdate(Strict):
    """Any of: a new learning rate, one weight, one bias, new data rows (inputs + targets)."""

    model_config = Strict.model_config | {
        "json_schema_extra": rules(
            any_given("learning_rate", "weight", "bias", "inputs"),
            together("inputs", "targets"),
            examples=[
                {"learning_rate": 0.1},
                {"weight": {"layer": 2, "source": 0, "target": 0, "value": 0.5}},
                {"inputs": [[1, 1]], "targets": [[0]]},
            ])
    }

    learning_rate: Rate | None = None
    weight: WeightEdit | None = None
    bias: BiasEdit | None = None
    inputs: Rows | None = None
    targets: Rows | None = None

    @model_validator(mode="after")
    def _rows_together(self) -> NetworkUpdate:
        if (self.inputs is None) != (self.targets is None):
            raise ValueError("inputs and targets go together")
        if all(getattr(self, name) is None for name in type(self).model_fields):
            # `{"learning_rate": null}` changes nothing either: refuse it as `{}` is
            raise ValueError("nothing to change: give learning_rate, weight, bias, or inputs "
                             "and targets")
        return self


class NetworkState(Public):
    """A network's spec, parameters and training progress."""

    id: str | None = Field(description="the network's id; null in a follow room's events")
    preset: str | None
    layers: list[int]
    activations: list[str]
    weights: list[list[list[float]]] = Field(description="weights[k] enters layer k+1, [t][s]")
    biases: list[list[float] | None]
    learning_rate: float
    step: int = Field(description="updates applied")
    loss: float | None = Field(description="loss over the whole dataset at these weights")
    test_loss: float | None = Field(None, description="loss over the held-out rows, if any")
    loss_history: list[float] = Field(description="loss before each update, ≤ 1,000 points")
    loss_history_steps: list[int] = Field(description="step of each loss_history point")
    spec: dict[str, Any]
    optimizer: dict[str, Any] | None = Field(None, description="optimizer state, if any")
    dataset: DatasetInfo
    created_at: float
    updated_at: float


class PresetPublic(Public):
    """A worked example to start from, with its spec's essentials (a page need not guess)."""

    name: str
    title: str
    description: str
    source: str
    layers: list[int] = Field(description="sizes, input first")
    activations: list[str] = Field(description="one per non-input layer")
    loss: str
    learning_rate: float
    dataset: str = Field(description="the built-in dataset it trains on (GET /api/datasets)")
