"""Reading a saved network document (`Network.to_dict`) back, strictly.

Documents come back from users (session import), so every field is checked for its type,
shape and range, and errors name the JSON path to fix, e.g. "network.optimizer_state.v
.weights[1]". Size limits (how large a number or a history may be) are the app's business.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from engine import state
from engine.errors import SpecError
from engine.optimizers import OPTIMIZER_RULES
from engine.spec import PARAMETER_KEYS, NetworkSpec, check_seed
from engine.stepping import Pending

if TYPE_CHECKING:
    from engine.network import Network

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


def _optimizer_state(net: Network, saved: Any) -> None:
    """Optimizer arrays from {name: {"weights", "biases"}}; missing or {}: zeros."""
    if saved is None or (isinstance(saved, Mapping) and not saved):
        return
    path = f"{ROOT}.optimizer_state"
    names = OPTIMIZER_RULES[net.spec.optimizer].state_names
    if not names and isinstance(saved, Mapping):  # not "known fields: " and then nothing
        raise SpecError(f"{path}.{str(next(iter(saved), ''))[:40]}",
                        f"unknown field: {net.spec.optimizer} keeps no optimizer state; "
                        "give {} (or leave optimizer_state out)")
    saved = _known(path, saved, names)
    ws, bs = [], []
    for name in names:
        if name not in saved:
            raise SpecError(f"{path}.{name}", f"missing ({net.spec.optimizer} keeps "
                            f"{', '.join(names)})")
        field = f"{path}.{name}"
        arrays = _known(field, saved[name], ("weights", "biases"))
        if "weights" not in arrays or "biases" not in arrays:
            raise SpecError(field, "needs both \"weights\" and \"biases\"")
        w = state.read_weights(net.spec, arrays["weights"], f"{field}.weights", True)
        b = state.read_biases(net.spec, arrays["biases"], f"{field}.biases", True)
        if name == "v":
            _non_negative(f"{field}.weights", w)
            _non_negative(f"{field}.biases", b)
        ws.append(w)
        bs.append(b)
    net.weight_state = [tuple(w[k] for w in ws) for k in range(net.spec.depth)]
    net.bias_state = [
        () if b is None else tuple(x[k] for x in bs if x[k] is not None)  # type: ignore[misc]
        for k, b in enumerate(net.biases)
    ]


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


def network_from_dict(cls: type[Network], data: Mapping[str, Any]) -> Network:
    """Inverse of `state.network_dict`; raises SpecError naming the path of a bad field."""
    data = _known(ROOT, data, KEYS)
    spec = _spec(_require(data, "spec"))
    net = cls(spec, state.read_weights(spec, _require(data, "weights"), f"{ROOT}.weights", True),
              state.read_biases(spec, _require(data, "biases"), f"{ROOT}.biases", True))
    if "initial_weights" in data:
        net.initial_weights = state.read_weights(spec, data["initial_weights"],
                                                 f"{ROOT}.initial_weights", True)
        net.initial_biases = state.read_biases(spec, data.get("initial_biases"),
                                               f"{ROOT}.initial_biases", True)
    if data.get("initial_seed") is not None:
        net.initial_seed = check_seed(data["initial_seed"], f"{ROOT}.initial_seed")
    _optimizer_state(net, data.get("optimizer_state"))
    net.step = _step(data.get("step", 0))
    net.loss_history = _history(data.get("loss_history", []))
    net._pending = _pending(data.get("pending"))
    return net
