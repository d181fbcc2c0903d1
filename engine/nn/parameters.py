"""A network's parameters as arrays: explicit weights and biases read strictly, optimizer state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.errors import SpecError
from engine.nn.optimizers import OPTIMIZER_RULES, State
from engine.nn.spec import NetworkSpec


def _is_number(x: Any) -> bool:
    """A real number, not a bool (JSON's true would otherwise read as 1.0) nor a string."""
    kind = type(x)
    if kind is float or kind is int:
        return True
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(
        x, bool | np.bool_)


def _row(field: str, value: Any, size: int, where: str, shape: str) -> None:
    """One list of exactly `size` numbers, else SpecError saying which entry is wrong."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise SpecError(field, f"{where}: expected a list of {size} numbers (shape {shape}), "
                        f"got {value!r:.40}")
    if len(value) != size:
        raise SpecError(field, f"{where} has {len(value)} numbers; expected {size} "
                        f"(shape {shape})")
    for j, x in enumerate(value):
        if not _is_number(x):
            raise SpecError(field, f"{where}, entry {j}: must be a number, got {x!r:.40}")


def _array(field: str, value: Any, shape: tuple[int, ...], where: str) -> np.ndarray:
    """A finite float64 copy of `value`, exactly `shape` (1-D or 2-D lists, or an array)."""
    text = "×".join(map(str, shape)) if len(shape) > 1 else f"{shape[0]}"
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        array = value.astype(np.float64)
        if array.shape != shape:
            raise SpecError(field, f"{where}: expected shape {text}, got "
                            f"{'×'.join(map(str, array.shape)) or 'a single number'}")
    elif len(shape) == 1:
        _row(field, value, shape[0], where, text)
        array = np.array(value, dtype=np.float64)
    else:
        rows, columns = shape
        if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != rows:
            got = len(value) if isinstance(value, Sequence) else repr(value)[:40]
            raise SpecError(field, f"{where}: expected {rows} rows (one per neuron it "
                            f"enters) of {columns} numbers (one per source), got {got}")
        for i, row in enumerate(value):
            _row(field, row, columns, f"{where}, row {i}", text)
        array = np.array(value, dtype=np.float64)
    if not np.isfinite(array).all():
        raise SpecError(field, f"{where}: must be finite numbers")
    return array


def _per_layer(field: str, values: Any, n: int) -> Sequence[Any]:
    if not isinstance(values, Sequence) or isinstance(values, str) or len(values) != n:
        raise SpecError(field, f"needs one entry per non-input layer ({n})")
    return values


def _at(field: str, k: int, indexed: bool) -> str:
    """The field a layer's error names: "weights", or a document path "….weights[0]"."""
    return f"{field}[{k}]" if indexed else field


def read_weights(
    spec: NetworkSpec, weights: Any, field: str = "weights", indexed: bool = False
) -> list[np.ndarray]:
    """Explicit weights, weights[k] shaped (layers[k+1], layers[k]), validated."""
    items = _per_layer(field, weights, spec.depth)
    return [
        _array(_at(field, k, indexed), w, (spec.layers[k + 1], spec.layers[k]),
               f"layer {k + 1}")
        for k, w in enumerate(items)
    ]


def read_biases(
    spec: NetworkSpec, biases: Any, field: str = "biases", indexed: bool = False
) -> list[np.ndarray | None]:
    """Explicit biases (None where a layer has no bias), or zeros when `biases` is None."""
    if biases is None:
        return [np.zeros(n) if use else None for n, use in zip(spec.layers[1:], spec.use_bias,
                                                                strict=True)]
    items = _per_layer(field, biases, spec.depth)
    out: list[np.ndarray | None] = []
    for k, b in enumerate(items):
        where, size = _at(field, k, indexed), spec.layers[k + 1]
        if not spec.use_bias[k]:
            if b is not None:
                raise SpecError(where, f"layer {k + 1} has no bias (use_bias false); use null")
            out.append(None)
        elif not isinstance(b, Sequence | np.ndarray) or isinstance(b, str):
            raise SpecError(where, f"layer {k + 1} has a bias (use_bias true): give a list "
                            f"of {size} number{'s' if size > 1 else ''}, or set use_bias "
                            f"false; got {b!r:.40}")
        else:
            out.append(_array(where, b, (size,), f"layer {k + 1}"))
    return out


def zero_state(spec: NetworkSpec, params: Sequence[np.ndarray | None]) -> list[State]:
    """The optimizer's arrays at step 0 (zeros shaped like each parameter)."""
    names = OPTIMIZER_RULES[spec.optimizer].state_names
    return [() if p is None else tuple(np.zeros_like(p) for _ in names) for p in params]


def named_state(
    spec: NetworkSpec, weight_state: list[State], bias_state: list[State]
) -> dict[str, dict[str, list[np.ndarray | None]]]:
    """{name: {"weights": [...], "biases": [...]}} for the spec's optimizer."""
    names = OPTIMIZER_RULES[spec.optimizer].state_names
    return {
        name: {
            "weights": [s[i] for s in weight_state],
            "biases": [s[i] if s else None for s in bias_state],
        }
        for i, name in enumerate(names)
    }
