"""What the traced phases keep between calls, and how it becomes a `StepTrace`.

A forward or backward phase leaves a `Pending` record on the network; the next phase on the
same data picks it up instead of recomputing ("phases run their missing earlier phases").
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import DatasetError, SpecError
from engine.optimizers import State
from engine.spec import NetworkSpec
from engine.trace import LayerTrace, StepTrace


@dataclass(eq=False, slots=True)
class Pending:
    """Arrays of the whole batch computed so far for the current parameters.

    Lists a phase has not filled yet are None.
    """

    key: str | None  # fingerprint of the data (None: an "all" step, never reused)
    ws: list[np.ndarray]  # the parameters the forward pass used
    bs: list[np.ndarray | None]
    zs: list[np.ndarray]
    acts: list[np.ndarray]
    losses: np.ndarray
    loss: float
    ga: list[Any] | None = None
    gz: list[Any] | None = None
    dws: list[np.ndarray] | None = None
    dbs: list[np.ndarray | None] | None = None
    grad_sample: int | None = None
    backward_done: bool = False
    restored: bool = False  # only the marker survived a to_dict/from_dict round trip
    new_ws: list[np.ndarray] | None = None
    new_bs: list[np.ndarray | None] | None = None
    weight_state: list[State] | None = None
    bias_state: list[State] | None = None
    state_names: tuple[str, ...] = ()

    def marker(self) -> dict[str, Any]:
        """JSON-ready: which phase is done for which data, so a reload can go on."""
        return {"key": self.key, "backward_done": self.backward_done,
                "grad_sample": self.grad_sample}

    @classmethod
    def from_marker(cls, data: dict[str, Any]) -> Pending:
        """A record with no arrays: the next phase recomputes them quietly."""
        empty = np.zeros(0)
        return cls(str(data["key"]), [], [], [], [], empty, 0.0,
                   grad_sample=data.get("grad_sample"),
                   backward_done=bool(data.get("backward_done")), restored=True)


def data_key(X: np.ndarray, Y: np.ndarray) -> str:
    """A fingerprint of the batch, so a later phase knows it runs on the same data."""
    h = hashlib.blake2b(digest_size=16)
    h.update(np.asarray(X.shape + Y.shape, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(X).tobytes())
    h.update(np.ascontiguousarray(Y).tobytes())
    return h.hexdigest()


def check_row(name: str, index: Any, size: int) -> int:
    """An index in range(size), else SpecError naming `name`."""
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise SpecError(name, f"must be an integer, got {index!r}")
    if not 0 <= index < size:
        raise SpecError(name, f"must be from 0 to {size - 1}, got {index}")
    return int(index)


def _matrix(name: str, value: Any, columns: int) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"{name} must be a table of numbers ({exc})") from None
    if array.ndim != 2 or array.shape[0] < 1:
        raise DatasetError(f"{name} must be a non-empty 2-D array, one row a sample; "
                           f"got shape {array.shape}")
    if array.shape[1] != columns:
        raise DatasetError(f"{name} has {array.shape[1]} columns, the network expects {columns} "
                           f"(one per {'input' if name == 'inputs' else 'output'} neuron)")
    if not math.isfinite(np.add.reduce(array, None)):  # quick; then find the culprit
        bad = np.argwhere(~np.isfinite(array))
        if len(bad):
            raise DatasetError(f"{name} holds a non-finite value", int(bad[0][0]),
                               int(bad[0][1]))
    return array


def check_data(spec: NetworkSpec, X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """X (m, inputs) and Y (m, outputs) as finite float64 arrays, else DatasetError."""
    X = _matrix("inputs", X, spec.layers[0])
    if Y is None:
        return X, X
    Y = _matrix("targets", Y, spec.layers[-1])
    if Y.shape[0] != X.shape[0]:
        raise DatasetError(f"{X.shape[0]} input rows but {Y.shape[0]} target rows")
    if spec.loss in TARGET_RANGES:
        _check_target_range(spec.loss, Y)
    return X, Y


# Losses that read targets as probabilities: outside these ranges their value and gradient
# are not the loss of anything (−t·log o with t < 0 rewards being wrong).
TARGET_RANGES: dict[str, tuple[float, float, str]] = {
    "bce": (0.0, 1.0, "binary cross-entropy needs targets from 0 to 1 (labels or "
                      "probabilities); for other targets use mse or half_sse"),
    "cross_entropy": (0.0, 1.0, "cross-entropy needs targets from 0 to 1 (one-hot labels or "
                                "probabilities); for other targets use mse or half_sse"),
}


def _check_target_range(loss: str, targets: np.ndarray) -> None:
    low, high, message = TARGET_RANGES[loss]
    if targets.min() < low or targets.max() > high:
        row, column = np.argwhere((targets < low) | (targets > high))[0]
        raise DatasetError(f"target {targets[row, column]:g}: {message}", int(row), int(column))


def _at(arrays: Sequence[Any] | None, k: int) -> Any:
    """arrays[k], or None when that phase has not filled the list."""
    return None if arrays is None else arrays[k]


def _row(arrays: Sequence[Any] | None, k: int, focus: int) -> np.ndarray | None:
    a = None if arrays is None else arrays[k]
    return None if a is None else a[focus]


def _layer(p: Pending, k: int, focus: int) -> LayerTrace:
    """Layer k (≥ 1): the focus row's node values, the layer's weights and gradients."""
    W = p.ws[k - 1]
    names = p.state_names
    wstate = bstate = {}
    if names and p.weight_state is not None and p.bias_state is not None:
        wstate = dict(zip(names, p.weight_state[k - 1], strict=True))
        bstate = dict(zip(names, p.bias_state[k - 1], strict=False))
    return LayerTrace(
        layer=k,
        a=p.acts[k][focus],
        z=p.zs[k][focus],
        grad_a=_row(p.ga, k, focus),
        grad_z=_row(p.gz, k, focus),
        weights=W,
        signals=W * p.acts[k - 1][focus],
        grad_weights=_at(p.dws, k - 1),
        new_weights=_at(p.new_ws, k - 1),
        bias=p.bs[k - 1],
        grad_bias=_at(p.dbs, k - 1),
        new_bias=_at(p.new_bs, k - 1),
        weight_optimizer=wstate,
        bias_optimizer=bstate,
    )


def build_trace(
    phase: str, run: tuple[str, ...], step: int, p: Pending, X: np.ndarray, Y: np.ndarray,
    focus: int, sample: int | None,
) -> StepTrace:
    """Everything computed so far for these parameters, seen from the focus row."""
    grad_x = p.gz[1][focus] @ p.ws[0] if p.gz is not None else None
    layers = [LayerTrace(layer=0, a=X[focus], grad_a=grad_x)]
    layers += [_layer(p, k, focus) for k in range(1, len(p.acts))]
    return StepTrace(
        phase=phase,
        phases_run=run,
        step=step,
        loss=p.loss,
        sample_losses=tuple(p.losses.tolist()),
        focus=focus,
        sample=p.grad_sample if p.backward_done else sample,
        outputs=tuple(p.acts[-1][focus].tolist()),
        targets=tuple(Y[focus].tolist()),
        layers=tuple(layers),
    )
