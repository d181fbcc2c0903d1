"""The one bridge from engine objects (StepTrace, Network, Dataset) to response models."""

from __future__ import annotations

import base64
import dataclasses
import math
import weakref
import zlib
from collections.abc import Collection, Sequence
from typing import Any, get_args

import numpy as np
import orjson

from app.schemas.datasets import DataRows, DatasetInfo, DatasetPublic, NamedDatasetPublic
from app.schemas.networks import NetworkState, PresetPublic
from app.schemas.sessions import MAX_HISTORY, SessionExport
from app.schemas.training import Omittable
from app.store import Session
from engine.circuits.neuron import NeuronCircuit
from engine.circuits.trace import CircuitPreset, CircuitTrace
from engine.data.datasets import BuiltinDataset, Dataset
from engine.errors import DivergenceError
from engine.nn.network import Network
from engine.nn.spec import NetworkSpec
from engine.nn.trace import EdgeTrace, LayerTrace, NodeTrace, StepTrace, batch_matrices
from engine.presets import Preset

MAX_HISTORY_POINTS = 1000
MAX_INLINE_ROWS = 1000  # datasets up to this size carry their rows in the state


def finite_or_none(value: Any) -> float | None:
    """A JSON-safe float: None for missing or non-finite values."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def downsample(values: Sequence[float], limit: int = MAX_HISTORY_POINTS) -> tuple[
        list[float], list[int]]:
    """At most `limit` evenly spaced points, always keeping the first and the last."""
    index = _spread(len(values), limit)
    return [float(values[i]) for i in index], index


def history_points(values: Sequence[float], limit: int = MAX_HISTORY_POINTS) -> tuple[
        list[float], list[int]]:
    """`downsample`, with a non-finite loss (a diverged step) as 0.0: JSON has no NaN."""
    points, index = downsample(values, limit)
    picked = np.array(points, dtype=np.float64)
    return (np.where(np.isfinite(picked), picked, 0.0) + 0.0).tolist(), index


def _spread(n: int, limit: int) -> list[int]:
    """Indices of at most `limit` of n points: point k is round(k·(n−1)/(limit−1)), half to
    even as Python's round, computed in NumPy (every train's answer and state spread a
    history of thousands of losses; the Python loop took ten times as long). With n > limit
    the points are more than 1 apart, so no two round to the same index."""
    if n <= limit:
        return list(range(n))
    return np.rint(np.arange(limit) * (n - 1) / (limit - 1)).astype(np.intp).tolist()


def circuit_trace_public(trace: CircuitTrace) -> dict[str, Any]:
    """A circuit's trace as the JSON of CircuitTracePublic (inputs keyed by name)."""
    data = dataclasses.asdict(trace)
    data["inputs"] = {i.pop("name"): i for i in data["inputs"]}
    return data


def circuit_preset_public(preset: CircuitPreset) -> dict[str, Any]:
    """A built-in circuit as the JSON of CircuitPresetPublic."""
    return dataclasses.asdict(preset)


def neuron_circuit_public(network_id: str, layer: int, index: int,
                          expanded: NeuronCircuit) -> dict[str, Any]:
    """One neuron expanded into gates, as the JSON of NeuronCircuitPublic."""
    data = circuit_trace_public(expanded.trace)
    data.update(network_id=network_id, layer=layer, index=index, sample=expanded.sample,
                activation=expanded.activation, note=expanded.note,
                network=dataclasses.asdict(expanded.network))
    return data


def _node(n: NodeTrace) -> dict[str, Any]:
    return {"layer": n.layer, "index": n.index, "z": n.z, "a": n.a, "grad_z": n.grad_z,
            "grad_a": n.grad_a, "bias": n.bias, "grad_bias": n.grad_bias,
            "new_bias": n.new_bias,
            "bias_optimizer": dict(n.bias_optimizer) if n.bias_optimizer else None}


def _edge(e: EdgeTrace) -> dict[str, Any]:
    return {"layer": e.layer, "source": e.source, "target": e.target, "weight": e.weight,
            "signal": e.signal, "grad": e.grad, "new_weight": e.new_weight,
            "optimizer": dict(e.optimizer) if e.optimizer else None}


def _overflowed(trace: StepTrace) -> DivergenceError:
    return DivergenceError(0, f"the {trace.phase} step overflowed to NaN/inf; lower the "
                           "learning rate or the size of the weights and inputs")


def _head(network_id: str, trace: StepTrace) -> dict[str, Any]:
    """The fields both forms share: phase, step, loss, the focus sample's outputs."""
    def floats(values: Sequence[float] | None) -> list[float] | None:
        return None if values is None else [float(x) for x in values]

    return {
        "network_id": network_id, "phase": trace.phase, "phases_run": list(trace.phases_run),
        "step": trace.step, "loss": trace.loss, "sample_losses": floats(trace.sample_losses),
        "focus": trace.focus, "sample": trace.sample, "outputs": floats(trace.outputs),
        "targets": floats(trace.targets),
    }


def _matrices(trace: StepTrace) -> list[dict[str, Any]]:
    """Every sample's node values per layer (NumPy arrays, written by orjson)."""
    return [{"layer": k, **layer} for k, layer in enumerate(batch_matrices(trace))]


def trace_json(network_id: str, trace: StepTrace, matrices: bool = False) -> bytes:
    """A StepTrace as the JSON of `TraceOut`; DivergenceError if it holds NaN/inf.

    Written with plain dicts rather than models: this is the hot path of every step.
    `matrices` adds every sample's node values per layer (NumPy arrays, written by orjson).
    """
    nodes, edges = [_node(n) for n in trace.nodes], [_edge(e) for e in trace.edges]
    doc = {**_head(network_id, trace), "nodes": nodes, "edges": edges}
    numbers = [trace.loss, *(trace.outputs or ())]
    for n in nodes:
        numbers += (n["z"], n["a"], n["grad_z"], n["grad_a"], n["bias"], n["grad_bias"],
                    n["new_bias"])
    for e in edges:
        numbers += (e["weight"], e["signal"], e["grad"], e["new_weight"])
    if not all(x is None or math.isfinite(x) for x in numbers):
        raise _overflowed(trace)
    doc["matrices"] = _matrices(trace) if matrices else None
    return orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY)


LAYER_ARRAYS = ("z", "a", "grad_z", "grad_a", "bias", "grad_bias", "new_bias", "weights",
                "grad_weights", "new_weights")
OMITTABLE = get_args(Omittable)  # matrices a caller may hold already: `?omit=`


def f64(array: np.ndarray | None) -> str | None:
    """An array as base64 of its little-endian float64 values, row-major (None stays None).

    Exact to the last bit and ~10.7 bytes a number, where JSON text takes ~20: a big
    network's step stays under a megabyte and the page decodes it without parsing numbers.
    """
    if array is None:
        return None
    raw = np.ascontiguousarray(array, dtype="<f8").tobytes()
    return base64.b64encode(raw).decode("ascii")


def _layer(layer: LayerTrace, omitted: Collection[str] = ()) -> dict[str, Any]:
    doc: dict[str, Any] = {"layer": layer.layer, "size": 0 if layer.a is None else len(layer.a),
                           "shape": None if layer.weights is None else list(layer.weights.shape)}
    doc.update((name, None if name in omitted else f64(getattr(layer, name)))
               for name in LAYER_ARRAYS)
    doc["weight_optimizer"] = {k: f64(v) for k, v in layer.weight_optimizer.items()} or None
    doc["bias_optimizer"] = {k: f64(v) for k, v in layer.bias_optimizer.items()} or None
    return doc


def _finite(layer: LayerTrace) -> bool:
    arrays = [getattr(layer, name) for name in (*LAYER_ARRAYS, "signals")]
    return all(a is None or bool(np.isfinite(a).all()) for a in arrays)


def weights_crc(weights: Sequence[np.ndarray | None]) -> int:
    """CRC-32 (zlib's) of the weight matrices' little-endian float64 bytes, layer 1 first,
    each row-major: what a caller that holds the weights sends as `weights_crc`."""
    crc = 0
    for matrix in weights:
        if matrix is not None:
            crc = zlib.crc32(np.ascontiguousarray(matrix, dtype="<f8").tobytes(), crc)
    return crc


def left_out(trace: StepTrace, omit: Collection[str], crc: int | None = None) -> list[str]:
    """The matrices of `omit` that this call did not compute anew, so the caller (who says it
    holds them) keeps its own: the weights — unless `crc` (the caller's `weights_crc`) shows
    its copy is not the network's —, the gradients unless this call ran backward (and only
    where there are any)."""
    has = {name: any(getattr(layer, name) is not None for layer in trace.layers)
           for name in OMITTABLE}
    stale = crc is not None and crc != weights_crc([layer.weights for layer in trace.layers])
    fresh = {"weights": stale, "grad_weights": "backward" in trace.phases_run}
    return [name for name in OMITTABLE if name in omit and has[name] and not fresh[name]]


def trace_layers_json(network_id: str, trace: StepTrace, matrices: bool = False,
                      omit: Collection[str] = (), crc: int | None = None) -> bytes:
    """A StepTrace as the JSON of `TraceLayersOut` (`?form=layers`): the numbers of
    `trace_json` as per-layer float64 arrays; DivergenceError if any is NaN/inf.
    `matrices` adds the same `matrices` as `trace_json`'s (lists: the matrix view reads them);
    `omit` names matrices the caller holds, left out unless this call computed them or
    `crc` says the caller's weights are not these (`left_out`: the answer's `omitted`)."""
    numbers = [trace.loss, *(trace.outputs or ())]
    if not (all(x is None or math.isfinite(x) for x in numbers)
            and all(_finite(layer) for layer in trace.layers)):
        raise _overflowed(trace)
    omitted = left_out(trace, omit, crc)
    doc = {"form": "layers", **_head(network_id, trace),
           "layers": [_layer(layer, omitted) for layer in trace.layers], "omitted": omitted,
           "matrices": _matrices(trace) if matrices else None}
    return orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY)


def data_bounds(inputs: np.ndarray, pad: float = 0.1) -> list[list[float]] | None:
    """[[x_min, x_max], [y_min, y_max]] around 2-input data, padded; None otherwise."""
    if inputs.ndim != 2 or inputs.shape[1] != 2 or inputs.shape[0] == 0:
        return None
    bounds = []
    for column in inputs.T:
        low, high = float(column.min()), float(column.max())
        margin = (high - low) * pad or 1.0
        bounds.append([low - margin, high + margin])
    return bounds


# A network's dataset changes only by being replaced (Dataset is frozen; edits build a new
# one), so its description is built once per Dataset object and kept while the object
# lives: every state and train answer carries it (up to 1,000 rows), and rebuilding it was
# half the cost of a state.
_INFOS: dict[int, DatasetInfo] = {}


def dataset_info(dataset: Dataset) -> DatasetInfo:
    """Names, size, bounds; the rows themselves when the dataset is small (kept per object)."""
    key = id(dataset)
    info = _INFOS.get(key)
    if info is None:
        info = _INFOS[key] = _dataset_info(dataset)
        weakref.finalize(dataset, _INFOS.pop, key, None)
    return info


def _dataset_info(dataset: Dataset) -> DatasetInfo:
    small = len(dataset.inputs) <= MAX_INLINE_ROWS
    return DatasetInfo(
        name=dataset.name, samples=len(dataset.inputs),
        input_names=list(dataset.input_names), target_names=list(dataset.target_names),
        inputs=dataset.inputs.tolist() if small else None,
        targets=dataset.targets.tolist() if small else None,
        bounds=data_bounds(dataset.inputs[:, :2] if dataset.features else dataset.inputs),
        features=list(dataset.features), **held_out_info(dataset))


def held_out_info(dataset: Dataset) -> dict[str, Any]:
    """The held-out rows' count, and the rows themselves when few (a train/test split)."""
    if dataset.test_inputs is None or dataset.test_targets is None:
        return {}
    small = len(dataset.test_inputs) <= MAX_INLINE_ROWS
    return {"test_samples": len(dataset.test_inputs),
            "test_inputs": dataset.test_inputs.tolist() if small else None,
            "test_targets": dataset.test_targets.tolist() if small else None}


def held_out_loss(network: Network, dataset: Dataset) -> float | None:
    """Loss over the held-out rows at the current weights (None without a split)."""
    if dataset.test_inputs is None or dataset.test_targets is None:
        return None
    try:
        return finite_or_none(network.loss(dataset.test_inputs, dataset.test_targets))
    except (ArithmeticError, ValueError):
        return None


def data_rows(dataset: Dataset, offset: int, limit: int) -> DataRows:
    """Rows offset … offset+limit−1 (fewer at the end; none past it)."""
    total = len(dataset.inputs)
    end = min(total, offset + limit)
    start = min(offset, total)
    return DataRows(
        samples=total, offset=offset,
        input_names=list(dataset.input_names), target_names=list(dataset.target_names),
        inputs=dataset.inputs[start:end].tolist(), targets=dataset.targets[start:end].tolist(),
        next_offset=end if end < total else None)


def dataset_public(ident: str | None, dataset: Dataset) -> DatasetPublic:
    """An uploaded (or built-in, `ident` None) dataset as JSON."""
    info = dataset_info(dataset)
    return DatasetPublic(id=ident, **info.model_dump())


def builtin_public(entry: BuiltinDataset) -> NamedDatasetPublic:
    """A built-in dataset's menu entry as JSON."""
    return NamedDatasetPublic(
        name=entry.name, title=entry.title, description=entry.description, task=entry.task,
        default_samples=entry.default_samples, input_names=list(entry.input_names),
        target_names=list(entry.target_names), classes=entry.classes,
    )


def current_loss(network: Network, dataset: Dataset) -> float | None:
    """Loss over the whole dataset at the current weights (None if it overflows)."""
    try:
        return finite_or_none(network.loss(dataset.inputs, dataset.targets))
    except (ArithmeticError, ValueError):
        return None


def state_public(session: Session) -> NetworkState:
    """A session's state: spec, parameters, progress, data."""
    net = session.network
    doc = net.to_dict()
    history, steps = history_points(net.loss_history)
    first = max(0, net.step - len(net.loss_history))  # an import keeps the latest losses
    steps = [first + i for i in steps]
    return NetworkState(
        id=session.id, preset=session.preset, layers=list(net.spec.layers),
        activations=list(net.spec.activations),
        weights=[w.tolist() for w in net.weights],
        biases=[b.tolist() if b is not None else None for b in net.biases],
        learning_rate=net.spec.learning_rate, step=net.step,
        loss=current_loss(net, session.dataset), test_loss=held_out_loss(net, session.dataset),
        loss_history=history, loss_history_steps=steps,
        spec=net.spec.to_dict(), optimizer=doc.get("optimizer_state") or None,
        dataset=dataset_info(session.dataset),
        created_at=session.created_at, updated_at=session.updated_at)


def export_public(session: Session) -> SessionExport:
    """The whole session as one document, exact to the last bit (the latest MAX_HISTORY losses)."""
    network = session.network.to_dict()
    network["loss_history"] = network["loss_history"][-MAX_HISTORY:]  # what import accepts
    return SessionExport(preset=session.preset, network=network,
                         dataset=session.dataset.to_dict())


def preset_public(preset: Preset) -> PresetPublic:
    """A preset's card, with its spec's essentials as the engine reads them."""
    spec = NetworkSpec.from_dict(preset.spec)
    return PresetPublic(name=preset.name, title=preset.title, description=preset.description,
                        source=preset.source, layers=list(spec.layers),
                        activations=list(spec.activations), loss=spec.loss,
                        learning_rate=spec.learning_rate, dataset=str(preset.dataset["name"]))
