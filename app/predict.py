"""Predictions: for given rows, or over a grid (1-D for 1-input networks, 2-D for 2-input).

Networks with more inputs have no grid: without rows they answer for their dataset's rows.
`resolution` and bounds only describe a grid, so giving them where none is drawn is a 422.
"""

from __future__ import annotations

import numpy as np
from pydantic import ValidationError

from app.build import grid
from app.errors import LimitError, where
from app.jsonbody import parse_json
from app.schemas.training import PredictOut, PredictRequest
from app.store import Store
from engine.data.datasets import Dataset
from engine.data.features import expand
from engine.errors import DivergenceError
from engine.nn.network import Network

DEFAULT_RESOLUTION = 50
MAX_NEURON_VALUES = 250_000  # grid points × neurons in one answer with `neurons=true`
Bounds = tuple[float | None, float | None, float | None, float | None]  # x_min … y_max


def parse_rows(text: str) -> list[list[float]]:
    """`?inputs=[[2,3]]` as validated rows; a 422 names the bad row and column."""
    raw = parse_json(text, "query inputs")
    try:
        return PredictRequest.model_validate({"inputs": raw}).inputs
    except ValidationError as exc:
        first = exc.errors()[0]
        raise LimitError(f"query {where(first['loc'])}: {first['msg']} "
                         "(inputs is a JSON list of rows of finite numbers, e.g. [[2,3]])"
                         ) from exc


def _matrix(net: Network, rows: list[list[float]]) -> np.ndarray:
    width = net.spec.layers[0]
    for r, row in enumerate(rows):
        if len(row) != width:
            raise LimitError(f"inputs: row {r} has {len(row)} columns; the network takes "
                             f"{width} (one per input neuron)")
    return np.asarray(rows, dtype=float)


def _finite(out: PredictOut) -> PredictOut:
    if not np.isfinite(np.asarray(out.outputs, dtype=float)).all():
        raise DivergenceError(0, "the prediction overflowed to NaN/inf; lower the weights")
    return out


def predict_rows(store: Store, network_id: str, rows: list[list[float]]) -> PredictOut:
    """One output row per given input row."""
    with store.view(network_id) as session:
        net = session.network
        inputs = _matrix(net, rows)
        return _finite(PredictOut(inputs=inputs.tolist(), outputs=net.predict(inputs).tolist()))


def _axis(values: np.ndarray, low: float | None, high: float | None) -> list[float]:
    """The given range, else the data's, padded by a tenth (as `data_bounds` pads)."""
    if low is not None and high is not None:
        return [low, high]
    if not len(values):
        return [-1.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    margin = (hi - lo) * 0.1 or 1.0
    return [lo - margin, hi + margin]


def _check_bounds(given: Bounds, width: int) -> None:
    x_min, x_max, y_min, y_max = given
    if width == 1 and (y_min is not None or y_max is not None):
        raise LimitError("bounds: a 1-input network has a 1-D grid; give only x_min < x_max")
    pairs = [(x_min, x_max)] + ([(y_min, y_max)] if width == 2 else [])
    if any(b is not None for b in given) and not all(
            lo is not None and hi is not None and lo < hi for lo, hi in pairs):
        names = "x_min < x_max" + (" and y_min < y_max" if width == 2 else "")
        raise LimitError(f"bounds: give {names}, all of them")


def plane_width(net: Network, data: Dataset) -> int:
    """The inputs a grid spans: x1, x2 when the rest are derived features, else all."""
    return 2 if data.features else net.spec.layers[0]


def predict_grid(store: Store, network_id: str, resolution: int | None, given: Bounds,
                 neurons: bool = False) -> PredictOut:
    """A grid over the data's bounds (or the given ones); other networks: the data's rows."""
    with store.view(network_id) as session:
        out = grid_prediction(session.network, session.dataset, resolution, given)
        if not neurons:
            return out
        return with_neuron_maps(session.network, out, session.dataset.features)


def with_neuron_maps(net: Network, out: PredictOut, features: tuple[str, ...] = ()
                     ) -> PredictOut:
    """Add every hidden and output neuron's value at each grid point (a 1- or 2-input grid)."""
    if out.xs is None:
        raise LimitError("neurons: only a grid (a 1- or 2-input network) has neuron maps")
    points = len(out.outputs)
    if points * sum(net.spec.layers[1:]) > MAX_NEURON_VALUES:
        raise LimitError(f"neurons: {points} grid points × {sum(net.spec.layers[1:])} neurons "
                         f"exceed {MAX_NEURON_VALUES:,} values; ask for a lower resolution")
    if out.ys is None:
        inputs = np.asarray(out.xs)[:, None]
    else:
        inputs = expand(grid(out.bounds or [], len(out.xs))[0], features)
    layers = net.activations(inputs)[1:]
    if not all(np.isfinite(a).all() for a in layers):
        raise DivergenceError(0, "a neuron's map overflowed to NaN/inf; lower the weights")
    return out.model_copy(update={"neurons": [a.T.tolist() for a in layers]})


def grid_prediction(net: Network, data: Dataset, resolution: int | None, given: Bounds
                    ) -> PredictOut:
    """`predict_grid` on a network already in hand (a training run's live snapshots).

    With derived features the grid spans the plane of x1, x2 and each point gets the same
    extra columns the data has (`features.expand`)."""
    width = plane_width(net, data)
    if width > 2:
        if resolution is not None or any(b is not None for b in given):
            raise LimitError(f"resolution/bounds: a {width}-input network has no grid; "
                             "leave them out, or give inputs")
        return _finite(PredictOut(inputs=data.inputs.tolist(),
                                  outputs=net.predict(data.inputs).tolist()))
    _check_bounds(given, width)
    n = resolution or DEFAULT_RESOLUTION
    if width == 1:
        bounds = [_axis(data.inputs[:, 0], given[0], given[1])]
        line = np.linspace(bounds[0][0], bounds[0][1], n)
        return _finite(PredictOut(outputs=net.predict(line[:, None]).tolist(),
                                  resolution=n, bounds=bounds, xs=line.tolist()))
    bounds = [_axis(data.inputs[:, 0], given[0], given[1]),
              _axis(data.inputs[:, 1], given[2], given[3])]
    points, xs, ys = grid(bounds, n)
    points = expand(points, data.features)
    return _finite(PredictOut(outputs=net.predict(points).tolist(), resolution=n,
                              bounds=bounds, xs=xs, ys=ys))
