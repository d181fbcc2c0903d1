"""Checks of what a network is fed: data tables shaped for its layers, indices in range."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.errors import DatasetError, SpecError
from engine.nn.losses import check_target_range
from engine.nn.spec import NetworkSpec


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
    check_target_range(spec.loss, Y)
    return X, Y
