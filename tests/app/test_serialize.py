"""app/serialize.py: the engine's objects become JSON with their numbers intact."""

from __future__ import annotations

import dataclasses
import gc
import math

import numpy as np
import orjson
import pytest

from app import serialize
from app.serialize import (
    circuit_trace_public,
    data_bounds,
    dataset_info,
    downsample,
    finite_or_none,
    history_points,
    trace_json,
)
from engine.circuits.trace import trace_expression
from engine.errors import DivergenceError
from engine.nn.trace import StepTrace
from engine.presets import build_preset


def test_finite_or_none_keeps_numbers_and_drops_non_finite() -> None:
    assert finite_or_none(np.float64(0.25)) == 0.25
    assert finite_or_none(None) is None
    assert finite_or_none(float("nan")) is None
    assert finite_or_none(-math.inf) is None


def test_downsample_keeps_first_and_last_evenly() -> None:
    values, index = downsample([float(i) for i in range(10_001)], limit=5)
    assert index == [0, 2500, 5000, 7500, 10000]
    assert values == [0.0, 2500.0, 5000.0, 7500.0, 10000.0]
    assert downsample([3.0, 1.0]) == ([3.0, 1.0], [0, 1])


def test_data_bounds_pad_by_a_tenth_and_only_for_two_inputs() -> None:
    inputs = np.array([[0.0, -1.0], [10.0, 1.0]])
    assert data_bounds(inputs) == [[-1.0, 11.0], [-1.2, 1.2]]
    assert data_bounds(np.array([[1.0], [2.0]])) is None
    assert data_bounds(np.array([[5.0, 5.0]])) == [[4.0, 6.0], [4.0, 6.0]]  # no spread: ±1


def _two_two_one_trace(weight_scale: float = 1.0) -> StepTrace:
    network, dataset = build_preset("two-two-one")
    if weight_scale != 1.0:
        network.set_weight(1, 0, 0, weight_scale)
    return network.trace_step(dataset.inputs, dataset.targets, "all")


def test_trace_json_carries_the_worked_example() -> None:
    doc = orjson.loads(trace_json("abc", _two_two_one_trace()))
    assert doc["network_id"] == "abc" and doc["phase"] == "all"
    assert doc["loss"] == pytest.approx(0.3272405, abs=1e-12)  # E of the 2-2-1 article
    w5 = next(e for e in doc["edges"] if (e["layer"], e["source"], e["target"]) == (2, 0, 0))
    assert w5["grad"] == pytest.approx(-0.68765, abs=1e-12)
    assert w5["new_weight"] == pytest.approx(0.1743825, abs=1e-12)
    assert set(w5) == {"layer", "source", "target", "weight", "signal", "grad", "new_weight",
                       "optimizer"}


def test_trace_json_refuses_non_finite_numbers() -> None:
    with pytest.raises(DivergenceError, match="overflowed to NaN/inf"):
        trace_json("abc", _two_two_one_trace(weight_scale=1e308))


def test_circuit_trace_keys_inputs_by_name() -> None:
    doc = circuit_trace_public(trace_expression("(x + y) * z", {"x": -2, "y": 5, "z": -4}))
    assert doc["output"] == pytest.approx(-12)
    assert {name: i["grad"] for name, i in doc["inputs"].items()} == {"x": -4, "y": -4, "z": 3}


def test_history_points_are_downsampled_with_non_finite_losses_as_zero() -> None:
    points, index = history_points([0.5, math.nan, -0.0, math.inf, 0.25])
    assert (points, index) == ([0.5, 0.0, 0.0, 0.0, 0.25], [0, 1, 2, 3, 4])
    assert math.copysign(1.0, points[2]) == 1.0  # -0.0 reads 0 in JSON, not -0
    losses = [float(i) for i in range(2_005)]
    losses[2] = math.nan
    points, index = history_points(losses, limit=1000)
    assert index == downsample(losses, limit=1000)[1]
    assert index == sorted({round(k * 2_004 / 999) for k in range(1000)})  # Python's round
    assert index[:3] == [0, 2, 4] and points[:3] == [0.0, 0.0, 4.0]  # index 2 was NaN: 0
    assert points[-1] == 2_004.0


def test_a_dataset_is_described_once_while_it_lives() -> None:
    _, dataset = build_preset("xor")
    first = dataset_info(dataset)
    assert dataset_info(dataset) is first
    assert first.inputs == dataset.inputs.tolist() and first.samples == len(dataset.inputs)
    other = dataclasses.replace(dataset, name="renamed")  # an edit makes a new object
    assert dataset_info(other).name == "renamed" and dataset_info(dataset).name == dataset.name
    key = id(other)
    del other
    gc.collect()
    assert key not in serialize._INFOS
