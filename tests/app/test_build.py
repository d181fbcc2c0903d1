"""app/build.py: requests become engine objects, and each refusal names what to change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.build import build_network, check_limits, check_sample, grid, named
from app.errors import LimitError
from app.schemas.networks import NetworkCreate
from app.settings import Settings
from app.store import Store, open_store
from engine.errors import DatasetError, SpecError
from engine.presets import build_preset


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "s.sqlite3", ttl_seconds=3600)


def test_grid_sweeps_x_fastest_over_the_bounds() -> None:
    points, xs, ys = grid([[0.0, 1.0], [10.0, 20.0]], 3)
    assert xs == [0.0, 0.5, 1.0] and ys == [10.0, 15.0, 20.0]
    assert points[:4].tolist() == [[0.0, 10.0], [0.5, 10.0], [1.0, 10.0], [0.0, 15.0]]
    assert points.shape == (9, 2)


def test_check_sample_names_the_range() -> None:
    _, data = build_preset("two-two-one")
    check_sample(data, 0, None)
    with pytest.raises(LimitError, match=r"sample 1 is out of range: the data has 1 samples"):
        check_sample(data, 1)


def test_check_limits_names_the_limit(tmp_path: Path) -> None:
    network, data = build_preset("two-two-one")
    check_limits(network, data, Settings(db=tmp_path / "a", max_neurons=2))
    with pytest.raises(LimitError, match="2 neurons in a layer exceed the limit of 1"):
        check_limits(network, data, Settings(db=tmp_path / "a", max_neurons=1))
    with pytest.raises(LimitError, match="3 layers exceed the limit of 2"):
        check_limits(network, data, Settings(db=tmp_path / "a", max_layers=2))


def test_named_prefixes_the_engine_field() -> None:
    with pytest.raises(SpecError) as caught, named("weight"):
        raise SpecError("layer", "layer 7 does not exist")
    assert caught.value.field == "weight.layer"


def test_build_from_a_preset_keeps_its_worked_weights(store: Store, tmp_path: Path) -> None:
    network, data = build_network(NetworkCreate(preset="two-two-one"), store,
                                  Settings(db=tmp_path / "a"))
    assert network.weights[1].tolist() == [[0.14, 0.15]]
    assert data.inputs.tolist() == [[2.0, 3.0]]


def test_build_from_a_spec_needs_data(store: Store, tmp_path: Path) -> None:
    body = NetworkCreate(layers=[2, 1], activations=["sigmoid"], loss="bce")
    with pytest.raises(DatasetError, match="no data: give a named dataset"):
        build_network(body, store, Settings(db=tmp_path / "a"))


def test_build_refuses_a_rate_for_no_penalty(store: Store, tmp_path: Path) -> None:
    body = NetworkCreate(preset="two-two-one", regularization_rate=0.1)
    with pytest.raises(SpecError, match=r'0\.1 has no effect with regularization "none"'):
        build_network(body, store, Settings(db=tmp_path / "a"))


def test_build_from_rows_fits_the_network(store: Store, tmp_path: Path) -> None:
    body = NetworkCreate(layers=[1, 1], activations=["linear"], loss="mse",
                         inputs=[[0.0], [100.0]], targets=[[32.0], [212.0]])
    network, data = build_network(body, store, Settings(db=tmp_path / "a"))
    assert np.array_equal(data.targets, [[32.0], [212.0]])
    assert list(network.spec.layers) == [1, 1]
