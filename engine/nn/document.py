"""A network as a JSON-ready document (`Network.to_dict`), and reading one back, strictly.

Documents come back from users (session import), so every field is checked for its type,
shape and range, and errors name the JSON path to fix, e.g. "network.optimizer_state.v
.weights[1]". Size limits (how large a number or a history may be) are the app's business.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import SpecError
from engine.nn import parameters as state
from engine.nn.optimizers import OPTIMIZER_RULES, State
from engine.nn.phases import Pending
from engine.nn.spec import PARAMETER_KEYS, NetworkSpec, check_seed


@dataclass(eq=False)
class Saved:
    """Everything that rebuilds a network exactly; optional parts None when not saved."""

    spec: NetworkSpec
    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    initial_weights: list[np.ndarray] | None = None
    initial_biases: list[np.ndarray | None] | None = None
    initial_seed: int | None = None
    weight_state: list[State] | None = None  # None: zeros
    bias_state: list[State] | None = None
    step: int = 0
    loss_history: list[float] | None = None
    pending: Pending | None = None

ROOT = "network"
KEYS = ("spec", "weights", "biases", "initial_weights", "initial_biases", "initial_seed",
        "optimizer_state", "step", "loss_history", "pending")
PENDING_KEYS = ("key", "backward_done", "grad_sample")


def _known(path: str, data: Any, keys: Sequence[str]) -> Mapping[str, Any]:
    """`data` as a mapping holding no key outside `keys`."""
    if not isinstance(data, Mapping):
        raise SpecError(path, f"must be an object, got {data!r:.40}")
    for key in data:
        if key not in keys:
            raise SpecError(f"{path}.{str(key)[:40]}", f"unknown field; known fields: "
                            f"{', '.join(keys)}")
    return data


def _require(data: Mapping[str, Any], key: str) -> Any:
    if key not in data:
        raise SpecError(f"{ROOT}.{key}", "missing from the saved network")
    return data[key]


def _spec(value: Any) -> NetworkSpec:
    """The saved spec; its errors are named under "network.spec"."""
    if isinstance(value, Mapping):
        for key in PARAMETER_KEYS:
            if key in value:
                raise SpecError(f"{ROOT}.spec.{key}", "belongs beside the spec, not in it")
    try:
        return NetworkSpec.from_dict(value)
    except SpecError as exc:
        field = "" if exc.field == "spec" else f".{exc.field}"
        raise SpecError(f"{ROOT}.spec{field}", exc.message) from None


def _optimizer_state(
    spec: NetworkSpec, biases: list[np.ndarray | None], saved: Any
) -> tuple[list[State], list[State]] | None:
    """Optimizer arrays from {name: {"weights", "biases"}}; missing or {}: None (zeros)."""
    if saved is None or (isinstance(saved, Mapping) and not saved):
        return None
    path = f"{ROOT}.optimizer_state"
    names = OPTIMIZER_RULES[spec.optimizer].state_names
    if not names and isinstance(saved, Mapping):  # not "known fields: " and then nothing
        raise SpecError(f"{path}.{str(next(iter(saved), ''))[:40]}",
                        f"unknown field: {spec.optimizer} keeps no optimizer state; "
                        "give {} (or leave optimizer_state out)")
    saved = _known(path, saved, names)
    ws, bs = [], []
    for name in names:
        if name not in saved:
            raise SpecError(f"{path}.{name}", f"missing ({spec.optimizer} keeps "
                            f"{', '.join(names)})")
        field = f"{path}.{name}"
        arrays = _known(field, saved[name], ("weights", "biases"))
        if "weights" not in arrays or "biases" not in arrays:
            raise SpecError(field, "needs both \"weights\" and \"biases\"")
        w = state.read_weights(spec, arrays["weights"], f"{field}.weights", True)
        b = state.read_biases(spec, arrays["biases"], f"{field}.biases", True)
        if name == "v":
            _non_negative(f"{field}.weights", w)
            _non_negative(f"{field}.biases", b)
        ws.append(w)
        bs.append(b)
    weight_state = [tuple(w[k] for w in ws) for k in range(spec.depth)]
    bias_state: list[State] = [
        () if b is None else tuple(x[k] for x in bs if x[k] is not None)  # type: ignore[misc]
        for k, b in enumerate(biases)
    ]
    return weight_state, bias_state


def _non_negative(field: str, arrays: Sequence[np.ndarray | None]) -> None:
    """Adam's second moments are averages of squares: never negative."""
    for k, a in enumerate(arrays):
        if a is not None and (a < 0).any():
            raise SpecError(f"{field}[{k}]", f"layer {k + 1}: Adam's second moments (v) "
                            "are averages of squared gradients and must be ≥ 0")


def _step(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SpecError(f"{ROOT}.step", f"must be a non-negative integer, got {value!r:.40}")
    return value


def _history(values: Any) -> list[float]:
    path = f"{ROOT}.loss_history"
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise SpecError(path, "must be a list of numbers")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise SpecError(f"{path}[{i}]", f"must be a finite number, got {v!r:.40}")
        out.append(float(v))
    return out


def _pending(value: Any) -> Pending | None:
    """The marker of a phase in progress (None: nothing pending)."""
    if value is None:
        return None
    path = f"{ROOT}.pending"
    marker = _known(path, value, PENDING_KEYS)
    key, done, sample = marker.get("key"), marker.get("backward_done", False), marker.get(
        "grad_sample")
    if not isinstance(key, str) or len(key) > 64:
        raise SpecError(f"{path}.key", f"must be the data fingerprint string, got {key!r:.40}")
    if not isinstance(done, bool):
        raise SpecError(f"{path}.backward_done", f"must be true or false, got {done!r:.40}")
    if sample is not None and (isinstance(sample, bool) or not isinstance(sample, int)
                               or sample < 0):
        raise SpecError(f"{path}.grad_sample", f"must be null or a non-negative integer, "
                        f"got {sample!r:.40}")
    return Pending.from_marker({"key": key, "backward_done": done, "grad_sample": sample})


def load(data: Mapping[str, Any]) -> Saved:
    """Inverse of `dump`; raises SpecError naming the path of a bad field."""
    data = _known(ROOT, data, KEYS)
    spec = _spec(_require(data, "spec"))
    saved = Saved(
        spec,
        state.read_weights(spec, _require(data, "weights"), f"{ROOT}.weights", True),
        state.read_biases(spec, _require(data, "biases"), f"{ROOT}.biases", True),
    )
    if "initial_weights" in data:
        saved.initial_weights = state.read_weights(spec, data["initial_weights"],
                                                   f"{ROOT}.initial_weights", True)
        saved.initial_biases = state.read_biases(spec, data.get("initial_biases"),
                                                 f"{ROOT}.initial_biases", True)
    if data.get("initial_seed") is not None:
        saved.initial_seed = check_seed(data["initial_seed"], f"{ROOT}.initial_seed")
    states = _optimizer_state(spec, saved.biases, data.get("optimizer_state"))
    if states is not None:
        saved.weight_state, saved.bias_state = states
    saved.step = _step(data.get("step", 0))
    saved.loss_history = _history(data.get("loss_history", []))
    saved.pending = _pending(data.get("pending"))
    return saved


def load_trusted(data: Mapping[str, Any]) -> Saved:
    """A document this program wrote itself (`dump`, stored by the app): no field checks.

    Only imports come from users and go through `load`; rows read back from the app's own
    store are rebuilt as they are, which for a long loss history is most of the cost.
    """
    spec = NetworkSpec.from_dict(data["spec"])

    def arrays(items: Sequence[Any]) -> list[Any]:
        return [None if a is None else np.asarray(a, dtype=np.float64) for a in items]

    weights, biases = arrays(data["weights"]), arrays(data["biases"])
    names = OPTIMIZER_RULES[spec.optimizer].state_names
    saved_state = data.get("optimizer_state") or {}
    per_name = [(arrays(saved_state[n]["weights"]), arrays(saved_state[n]["biases"]))
                for n in names] if all(n in saved_state for n in names) else None
    pending = data.get("pending")
    return Saved(
        spec, weights, biases, arrays(data["initial_weights"]), arrays(data["initial_biases"]),
        data.get("initial_seed"),
        None if per_name is None else [tuple(w[k] for w, _ in per_name)
                                       for k in range(spec.depth)],
        None if per_name is None else [() if b is None else tuple(p[1][k] for p in per_name)
                                       for k, b in enumerate(biases)],
        int(data.get("step", 0)), list(data.get("loss_history", [])),
        None if pending is None else Pending.from_marker(pending))


def _lists(arrays: Sequence[np.ndarray | None]) -> list[Any]:
    return [None if a is None else a.tolist() for a in arrays]


def dump(saved: Saved) -> dict[str, Any]:
    """A JSON-ready document (plain lists of Python floats, so it survives JSON bit for bit)."""
    spec, pending = saved.spec, saved.pending
    named = state.named_state(spec, saved.weight_state or state.zero_state(spec, saved.weights),
                              saved.bias_state or state.zero_state(spec, saved.biases))
    return {
        "spec": spec.to_dict(),
        "weights": _lists(saved.weights),
        "biases": _lists(saved.biases),
        "initial_weights": _lists(saved.initial_weights or saved.weights),
        "initial_biases": _lists(saved.initial_biases or saved.biases),
        "initial_seed": spec.seed if saved.initial_seed is None else saved.initial_seed,
        "optimizer_state": {
            name: {"weights": _lists(arrays["weights"]), "biases": _lists(arrays["biases"])}
            for name, arrays in named.items()
        },
        "step": saved.step,
        "loss_history": list(saved.loss_history or []),
        "pending": None if pending is None or pending.key is None else pending.marker(),
    }
