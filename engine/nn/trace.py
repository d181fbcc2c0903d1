"""Frozen records of what one step computed: the numbers a learner sees on screen.

A trace is stored per layer as NumPy arrays (cheap to build on every step); `nodes` and
`edges` expand it into one record per neuron and per weight when someone wants to read it.
Fields a phase has not computed yet are None.

Conventions (shared with the JSON API and the page):
- layer 0 is the input layer; an edge's `layer` is the layer it *enters*;
- `weights[k]` enters layer k+1 and is indexed [target][source];
- node values (z, a, signal) and node gradients (grad_z, grad_a) are those of the *focus*
  sample, as the derivative of that sample's own loss; edge/bias gradients (`grad`,
  `grad_bias`) are ∂L/∂w of the reduced batch loss, exactly what the update uses
  (or of one sample when the step was asked for one sample). With one sample they agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.nn.phases import Pending

PHASES: tuple[str, ...] = ("forward", "backward", "update")


@dataclass(frozen=True)
class NodeTrace:
    """One neuron: its forward values, its gradients and its bias before/after the update."""

    layer: int
    index: int
    z: float | None
    a: float | None
    grad_z: float | None
    grad_a: float | None
    bias: float | None
    grad_bias: float | None
    new_bias: float | None
    bias_optimizer: Mapping[str, float] | None = None


@dataclass(frozen=True)
class EdgeTrace:
    """One weight: its value, the signal it carried, its gradient and its new value."""

    layer: int
    source: int
    target: int
    weight: float
    signal: float | None
    grad: float | None
    new_weight: float | None
    # Optimizer state after the update ({"velocity": ...} for momentum, {"m", "v"} for Adam),
    # so a learner can see why a weight moved as it did.
    optimizer: Mapping[str, float] | None = None


@dataclass(frozen=True)
class LayerTrace:
    """Arrays for one layer k (0 = inputs); shapes: nodes (n_k,), weights (n_k, n_{k-1})."""

    layer: int
    a: np.ndarray | None
    z: np.ndarray | None = None
    grad_a: np.ndarray | None = None
    grad_z: np.ndarray | None = None
    weights: np.ndarray | None = None
    signals: np.ndarray | None = None
    grad_weights: np.ndarray | None = None
    new_weights: np.ndarray | None = None
    bias: np.ndarray | None = None
    grad_bias: np.ndarray | None = None
    new_bias: np.ndarray | None = None
    # name -> array shaped like weights / bias (e.g. "velocity", "m", "v")
    weight_optimizer: Mapping[str, np.ndarray] = field(default_factory=dict)
    bias_optimizer: Mapping[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class StepTrace:
    """Everything computed by one call of `Network.trace_step`."""

    phase: str  # the phase asked for: "forward" | "backward" | "update" | "all"
    phases_run: tuple[str, ...]  # what was computed, in order, e.g. ("forward", "backward")
    step: int  # updates applied to the network after this call
    loss: float | None  # reduced loss at the weights the forward pass used
    sample_losses: tuple[float, ...] | None
    focus: int
    sample: int | None  # the single sample the gradient was taken on, or None for the batch
    outputs: tuple[float, ...] | None  # focus sample's outputs
    targets: tuple[float, ...] | None  # focus sample's targets
    layers: tuple[LayerTrace, ...]
    # The batch's arrays behind the trace, for `batch_matrices` (not copied: read only).
    pending: Pending | None = field(default=None, repr=False, compare=False)

    @property
    def nodes(self) -> list[NodeTrace]:
        """One record per neuron, layer by layer, index by index."""
        return [node for layer in self.layers for node in _layer_nodes(layer)]

    @property
    def edges(self) -> list[EdgeTrace]:
        """One record per weight, ordered by (layer, target, source)."""
        return [edge for layer in self.layers for edge in _layer_edges(layer)]


def _at(array: np.ndarray | None, index: int | tuple[int, int]) -> float | None:
    """One element as a Python float, or None when the array was not computed."""
    return None if array is None else float(array[index])


def _state_at(
    state: Mapping[str, np.ndarray], index: int | tuple[int, int]
) -> dict[str, float] | None:
    return {name: float(values[index]) for name, values in state.items()} or None


def _layer_nodes(layer: LayerTrace) -> list[NodeTrace]:
    """Expand one layer's arrays into one NodeTrace per neuron."""
    size = 0 if layer.a is None else len(layer.a)
    return [
        NodeTrace(
            layer=layer.layer,
            index=i,
            z=_at(layer.z, i),
            a=_at(layer.a, i),
            grad_z=_at(layer.grad_z, i),
            grad_a=_at(layer.grad_a, i),
            bias=_at(layer.bias, i),
            grad_bias=_at(layer.grad_bias, i),
            new_bias=_at(layer.new_bias, i),
            bias_optimizer=_state_at(layer.bias_optimizer, i),
        )
        for i in range(size)
    ]


def _layer_edges(layer: LayerTrace) -> list[EdgeTrace]:
    """Expand one layer's weight matrix into one EdgeTrace per weight, [target][source]."""
    if layer.weights is None:
        return []
    targets, sources = layer.weights.shape
    return [
        EdgeTrace(
            layer=layer.layer,
            source=j,
            target=i,
            weight=float(layer.weights[i, j]),
            signal=_at(layer.signals, (i, j)),
            grad=_at(layer.grad_weights, (i, j)),
            new_weight=_at(layer.new_weights, (i, j)),
            optimizer=_state_at(layer.weight_optimizer, (i, j)),
        )
        for i in range(targets)
        for j in range(sources)
    ]


def _of_layer(arrays: Sequence[Any] | None, k: int) -> Any:
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
        grad_weights=_of_layer(p.dws, k - 1),
        new_weights=_of_layer(p.new_ws, k - 1),
        bias=p.bs[k - 1],
        grad_bias=_of_layer(p.dbs, k - 1),
        new_bias=_of_layer(p.new_bs, k - 1),
        weight_optimizer=wstate,
        bias_optimizer=bstate,
    )


def batch_matrices(trace: StepTrace) -> list[dict[str, np.ndarray | None]]:
    """Every sample's node values, layer by layer: z, a, grad_z, grad_a, shape (m, n_k).

    Rows are samples (the API's convention). grad_z and grad_a are per sample and unscaled,
    ∂(that sample's loss)/∂z, as `passes.backward` keeps them: the articles' dZ, whose
    dW = dZᵀ·A/m (mean) is the trace's edge `grad`. None where a phase has not run.
    """
    p = trace.pending
    if p is None:
        return []
    out: list[dict[str, np.ndarray | None]] = []
    for k, a in enumerate(p.acts):
        ga = _of_layer(p.ga, k) if k else (p.gz[1] @ p.ws[0] if p.gz is not None else None)
        out.append({"z": p.zs[k] if k else None, "a": a, "grad_z": _of_layer(p.gz, k),
                    "grad_a": ga})
    return out


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
        pending=p,
    )
