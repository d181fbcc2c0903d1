"""The network spec: a frozen, validated description of a network (not its weights).

`NetworkSpec.from_dict` is the one place user input becomes a spec; every problem raises
`SpecError(field, message)` naming the field to fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any

from engine.errors import SpecError
from engine.nn.activations import ACTIVATIONS
from engine.nn.initializers import INITIALIZERS
from engine.nn.losses import (
    LOSS_OUTPUTS,
    LOSSES,
    ONE_OUTPUT_REFUSED,
    REGULARIZERS,
    TARGET_RANGES,
)
from engine.nn.optimizers import OPTIMIZER_RULES

# The names a spec may use are the keys of the engine's lookup tables: a new activation is
# one table entry, and the API's schemas and the page's menus follow from it.
ACTIVATION_NAMES = tuple(ACTIVATIONS)
LOSS_NAMES = tuple(LOSSES)
REDUCTIONS = ("mean", "sum")
OPTIMIZERS = tuple(OPTIMIZER_RULES)
REGULARIZATIONS = ("none", *REGULARIZERS)
INITS = tuple(INITIALIZERS)
# Keys a spec dict may carry for the Network rather than the spec (explicit parameters).
PARAMETER_KEYS = ("weights", "biases")
# Seeds stay below 2³² so that every client (JavaScript's numbers included) writes them exactly.
MAX_SEED = 2**32 - 1

# name -> (lowest, highest, lowest allowed itself?, highest allowed itself?)
_BOUNDS: dict[str, tuple[float, float, bool, bool]] = {
    "learning_rate": (0.0, math.inf, False, False),
    "momentum": (0.0, 1.0, True, False),
    "beta1": (0.0, 1.0, True, False),
    "beta2": (0.0, 1.0, True, False),
    "epsilon": (0.0, math.inf, False, False),
    "regularization_rate": (0.0, math.inf, True, False),
    "init_scale": (0.0, math.inf, True, False),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "loss": LOSS_NAMES,
    "reduction": REDUCTIONS,
    "optimizer": OPTIMIZERS,
    "regularization": REGULARIZATIONS,
    "init": INITS,
}


@dataclass(frozen=True)
class NetworkSpec:
    """What a network is; everything else (weights, step, history) is its state."""

    layers: tuple[int, ...]  # sizes, input first
    activations: tuple[str, ...]  # one per non-input layer
    use_bias: tuple[bool, ...]  # one per non-input layer
    loss: str = "mse"
    reduction: str = "mean"
    learning_rate: float = 0.1
    optimizer: str = "sgd"
    momentum: float = 0.9  # for "momentum"
    beta1: float = 0.9  # for "adam"
    beta2: float = 0.999
    epsilon: float = 1e-8
    regularization: str = "none"
    regularization_rate: float = 0.0
    init: str = "xavier"
    init_scale: float = 1.0  # "normal": N(0,1)·scale, "uniform": U(-scale, scale), "constant"
    seed: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NetworkSpec:
        """Validate and build; `use_bias` may be one bool for all layers; raises SpecError.

        `activations` may also be one name for all layers (default "sigmoid"); keys
        "weights"/"biases" are ignored here (they are parameters, read by `Network`).
        """
        if not isinstance(data, Mapping):
            raise SpecError("spec", "must be an object of spec fields")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known and key not in PARAMETER_KEYS:
                known_list = ", ".join(sorted(known))
                raise SpecError(str(key), f"unknown field; known fields: {known_list}")
        layers = _layers(data.get("layers"))
        n = len(layers) - 1
        values: dict[str, Any] = {
            "layers": layers,
            "activations": _per_layer(data.get("activations", "sigmoid"), n, "activations", str),
            "use_bias": _per_layer(data.get("use_bias", True), n, "use_bias", bool),
        }
        for name, choices in _CHOICES.items():
            values[name] = _choice(data, name, choices)
        for name, bounds in _BOUNDS.items():
            values[name] = _number(data, name, bounds)
        values["seed"] = check_seed(data.get("seed", 0))
        spec = cls(**values)
        spec.check()
        return spec

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; `from_dict(to_dict())` gives an equal spec.

        Written out field by field: `dataclasses.asdict` deep-copies and costs tens of µs
        on every saved step.
        """
        return {
            "layers": list(self.layers), "activations": list(self.activations),
            "use_bias": list(self.use_bias), "loss": self.loss, "reduction": self.reduction,
            "learning_rate": self.learning_rate, "optimizer": self.optimizer,
            "momentum": self.momentum, "beta1": self.beta1, "beta2": self.beta2,
            "epsilon": self.epsilon, "regularization": self.regularization,
            "regularization_rate": self.regularization_rate, "init": self.init,
            "init_scale": self.init_scale, "seed": self.seed,
        }

    def check(self) -> None:
        """Rules that tie fields together (softmax placement, loss vs output activation)."""
        for k, name in enumerate(self.activations[:-1]):
            if name == "softmax":
                raise SpecError("activations", f"softmax is allowed on the output layer only, "
                                f"not on hidden layer {k + 1}")
        out = self.activations[-1]
        if self.layers[-1] < ACTIVATIONS[out].min_outputs:
            raise SpecError("activations", f"{out} needs at least "
                            f"{ACTIVATIONS[out].min_outputs} output neurons")
        allowed = LOSS_OUTPUTS[self.loss]
        if allowed is not None and out not in allowed:
            raise SpecError("loss", f"{self.loss} needs outputs in (0, 1): use a "
                            f"{' or '.join(allowed)} output layer, not {out}")
        if self.layers[-1] == 1 and out in ONE_OUTPUT_REFUSED.get(self.loss, ()):
            raise SpecError("loss", "cross_entropy on one sigmoid output gives samples with "
                            "target 0 no loss (−Σ t·log o); use bce, which adds "
                            "−(1 − t)·log(1 − o)")

    @property
    def depth(self) -> int:
        """Number of weight layers (non-input layers)."""
        return len(self.layers) - 1


def _layers(value: Any) -> tuple[int, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise SpecError("layers", "must be a list of layer sizes, input first, e.g. [2, 2, 1]")
    if len(value) < 2:
        raise SpecError("layers", "needs at least an input and an output layer")
    sizes = []
    for k, size in enumerate(value):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise SpecError("layers", f"layer {k} size must be a positive integer, got {size!r}")
        sizes.append(int(size))
    return tuple(sizes)


def _per_layer(value: Any, n: int, name: str, kind: type) -> tuple[Any, ...]:
    """One value per non-input layer; a single value applies to all of them."""
    items = [value] * n if isinstance(value, kind) else value
    if not isinstance(items, Sequence) or isinstance(items, str) or len(items) != n:
        raise SpecError(name, f"needs one {kind.__name__} per non-input layer ({n}), got {value!r}")
    for k, item in enumerate(items):
        if not isinstance(item, kind):
            raise SpecError(name, f"layer {k + 1}: expected {kind.__name__}, got {item!r}")
        if name == "activations" and item not in ACTIVATION_NAMES:
            raise SpecError(name, f"layer {k + 1}: unknown activation {item!r}; "
                            f"choose from {', '.join(ACTIVATION_NAMES)}")
    return tuple(items)


def _choice(data: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = data.get(name, getattr(NetworkSpec, name))
    if value not in choices:
        raise SpecError(name, f"unknown value {value!r}; choose from {', '.join(choices)}")
    return str(value)


def _number(data: Mapping[str, Any], name: str, bounds: tuple[float, float, bool, bool]) -> float:
    value = data.get(name, getattr(NetworkSpec, name))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(name, f"must be a number, got {value!r}")
    x = float(value)
    lo, hi, lo_ok, hi_ok = bounds
    inside = (x > lo or (lo_ok and x == lo)) and (x < hi or (hi_ok and x == hi))
    if not math.isfinite(x) or not inside:
        interval = f"{'[' if lo_ok else '('}{lo:g}, {hi:g}{']' if hi_ok else ')'}"
        raise SpecError(name, f"must be a finite number in {interval}, got {value!r}")
    return x


def check_seed(value: Any, field: str = "seed") -> int:
    """A seed for NumPy's generator: an integer from 0 to MAX_SEED."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise SpecError(field, f"must be an integer from 0 to {MAX_SEED}, got {value!r:.40}")
    return int(value)


def _bound(lowest: float, highest: float, low_in: bool, high_in: bool) -> dict[str, Any]:
    return {"min": lowest, "max": None if math.isinf(highest) else highest,
            "min_inclusive": low_in, "max_inclusive": high_in}


def vocabulary() -> dict[str, Any]:
    """The names a spec may use, the rules that tie them and the defaults, JSON-ready.

    Derived from the lookup tables, so clients (the page's menus, a notebook's checks) never
    keep a copy that can drift.
    """
    defaults = {f.name: f.default for f in fields(NetworkSpec) if f.default is not MISSING}
    return {
        "activations": [{"name": name, "output_only": act.output_only,
                         "min_outputs": act.min_outputs}
                        for name, act in ACTIVATIONS.items()],
        "losses": [{"name": name, "outputs": _list(LOSS_OUTPUTS[name]),
                    "targets": _list(TARGET_RANGES[name][:2]) if name in TARGET_RANGES else None,
                    "one_output_refused": list(ONE_OUTPUT_REFUSED.get(name, ()))}
                   for name in LOSS_NAMES],
        "reductions": list(REDUCTIONS),
        "optimizers": [{"name": name, "parameters": list(rule.parameters),
                        "state": list(rule.state_names)}
                       for name, rule in OPTIMIZER_RULES.items()],
        "regularizations": list(REGULARIZATIONS),
        "inits": list(INITS),
        "bounds": {name: _bound(*b) for name, b in _BOUNDS.items()},
        "max_seed": MAX_SEED,
        "defaults": defaults,
    }


def _list(values: Sequence[Any] | None) -> list[Any] | None:
    return None if values is None else list(values)
