"""Requests → engine objects: networks from presets or specs, data from names/ids/rows, limits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from app.errors import LimitError
from app.schemas.networks import NetworkCreate, NetworkUpdate
from app.schemas.sessions import SessionImport
from app.settings import Settings
from app.store import Session, Store
from engine.data.datasets import Dataset, dataset_from_rows, make_dataset
from engine.errors import DatasetError, EngineError, SpecError
from engine.nn.checks import check_data
from engine.nn.network import Network, NetworkSpec
from engine.presets import PRESETS, build_preset

PARAMETER_FIELDS = ("weights", "biases")


@contextmanager
def named(prefix: str) -> Iterator[None]:
    """Engine errors about `layer`, `value` … inside a request part say `weight.layer` …."""
    try:
        yield
    except SpecError as exc:
        raise SpecError(f"{prefix}.{exc.field}", exc.message) from exc


def apply_update(session: Session, body: NetworkUpdate, settings: Settings) -> None:
    """Every change of a PATCH, in order; the caller's store.edit drops all if one fails."""
    net = session.network
    if body.learning_rate is not None:
        net.set_learning_rate(body.learning_rate)
    if body.weight is not None:
        w = body.weight
        with named("weight"):
            net.set_weight(w.layer, w.source, w.target, w.value)
    if body.bias is not None:
        with named("bias"):
            net.set_bias(body.bias.layer, body.bias.index, body.bias.value)
    if body.inputs is not None and body.targets is not None:
        dataset = rows_dataset(body.inputs, body.targets)
        check_limits(net, dataset, settings)
        check_fits(net, dataset)
        session.dataset, session.dataset_changed = dataset, True


def check_regularization(network: Network, rate: float | None,
                         field: str = "regularization_rate") -> None:
    """A rate given for a penalty that is off would silently do nothing: refuse it."""
    if rate and network.spec.regularization == "none":
        raise SpecError(field, f"{rate:g} has no effect with regularization \"none\"; "
                        'choose "l1" or "l2", or leave it out')


def check_limits(network: Network, dataset: Dataset, settings: Settings) -> None:
    """Raise LimitError if the network or its data exceeds a configured limit."""
    layers = network.spec.layers
    if len(layers) > settings.max_layers:
        raise LimitError(f"layers: {len(layers)} layers exceed the limit of "
                         f"{settings.max_layers}")
    if max(layers) > settings.max_neurons:
        raise LimitError(f"layers: {max(layers)} neurons in a layer exceed the limit of "
                         f"{settings.max_neurons}")
    if len(dataset.inputs) > settings.max_samples:
        raise LimitError(f"{len(dataset.inputs)} samples exceed the limit of "
                         f"{settings.max_samples}")


def check_fits(network: Network, dataset: Dataset) -> None:
    """Raise DatasetError unless the engine can run this network on these data (one column per
    input and output neuron, targets in the loss's range)."""
    check_data(network.spec, dataset.inputs, dataset.targets)


def rows_dataset(inputs: list[list[float]], targets: list[list[float]],
                 name: str = "custom") -> Dataset:
    """A dataset from JSON rows (the engine names the bad row/column)."""
    return dataset_from_rows(inputs, targets, name=name)


def _data_of(body: NetworkCreate, store: Store) -> Dataset | None:
    if body.dataset is not None:
        d = body.dataset
        named = make_dataset(d.name, samples=d.samples, noise=d.noise, seed=d.seed,
                            classes=d.classes).split(d.test_ratio, d.seed)
        return named.with_features(d.features)
    if body.dataset_id is not None:
        return store.get_dataset(body.dataset_id)
    if body.inputs is not None and body.targets is not None:
        return rows_dataset(body.inputs, body.targets)
    return None


def build_network(body: NetworkCreate, store: Store, settings: Settings) -> tuple[
        Network, Dataset]:
    """The network and data a create request describes; raises 4xx-mapped errors."""
    fields = body.spec_fields()
    data = _data_of(body, store)
    if body.preset is not None:
        if body.preset not in PRESETS:
            raise SpecError("preset", f"unknown preset {body.preset!r}; choose one of "
                            f"{', '.join(sorted(PRESETS))} (GET /api/presets)")
        network, preset_data = build_preset(body.preset, fields)
        dataset = data if data is not None else preset_data
    else:
        params = {k: fields.pop(k) for k in PARAMETER_FIELDS if k in fields}
        network = Network(NetworkSpec.from_dict(fields), **params)
        if data is None:
            raise DatasetError("no data: give a named dataset, a dataset_id, or inputs and "
                               "targets (one row per sample)")
        dataset = data
    check_regularization(network, body.regularization_rate)
    check_limits(network, dataset, settings)
    check_fits(network, dataset)
    return network, dataset


def import_session(body: SessionImport, settings: Settings) -> tuple[Network, Dataset]:
    """Rebuild an exported session within create's limits; anything malformed is a 422."""
    if body.preset is not None and body.preset not in PRESETS:
        raise SpecError("preset", f"unknown preset {body.preset!r}; choose one of "
                        f"{', '.join(sorted(PRESETS))}, or null")
    try:
        network = Network.from_dict(body.network.engine_dict())
        dataset = Dataset.from_dict(body.dataset.model_dump(exclude_none=True))
    except EngineError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise SpecError("network", f"not a backprop-viz export ({type(exc).__name__}: "
                        f"{str(exc)[:200]}); send the document GET .../export gave") from exc
    check_regularization(network, body.network.spec.regularization_rate,
                         "network.spec.regularization_rate")  # as a create would
    check_limits(network, dataset, settings)
    check_fits(network, dataset)
    return network, dataset


def check_sample(dataset: Dataset, *indices: int | None) -> None:
    """Raise LimitError for a sample/focus index outside the data."""
    m = len(dataset.inputs)
    for index in indices:
        if index is not None and index >= m:
            raise LimitError(f"sample {index} is out of range: the data has {m} samples "
                             f"(0..{m - 1})")


def grid(bounds: list[list[float]], resolution: int) -> tuple[np.ndarray, list[float],
                                                              list[float]]:
    """Points of a resolution × resolution grid over the bounds, x sweeping fastest."""
    xs = np.linspace(bounds[0][0], bounds[0][1], resolution)
    ys = np.linspace(bounds[1][0], bounds[1][1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()]), xs.tolist(), ys.tolist()

