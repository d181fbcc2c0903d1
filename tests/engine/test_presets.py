"""Presets: every worked example builds, is described, and learns what it should."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import SpecError
from engine.presets import PRESETS, build_preset

NAMES = ("two-two-one", "celsius", "deep-sigmoid", "high-school", "xor")


def test_all_presets_exist_and_are_described() -> None:
    assert set(NAMES) <= set(PRESETS)
    for name in NAMES:
        preset = PRESETS[name]
        assert preset.name == name and preset.title and len(preset.description) > 40
        assert preset.source


@pytest.mark.parametrize("name", NAMES)
def test_presets_build_matching_network_and_data(name: str) -> None:
    net, data = build_preset(name)
    assert data.inputs.shape[1] == net.spec.layers[0]
    assert data.targets.shape[1] == net.spec.layers[-1]
    assert net.step == 0 and np.isfinite(net.loss(data.inputs, data.targets))


def test_deep_sigmoid_follows_the_article() -> None:
    net, data = build_preset("deep-sigmoid")
    assert set(net.spec.activations) == {"sigmoid"} and net.spec.loss == "bce"
    rng = np.random.default_rng(net.spec.seed)
    expected = [rng.standard_normal((n, p)) * 0.01 for p, n in zip(
        net.spec.layers, net.spec.layers[1:], strict=False)]
    for w, e in zip(net.weights, expected, strict=True):
        np.testing.assert_array_equal(w, e)
    assert all(not b.any() for b in net.biases)
    history = net.train(data.inputs, data.targets, PRESETS["deep-sigmoid"].extra["epochs"])
    accuracy = ((net.predict(data.inputs) > 0.5) == (data.targets > 0.5)).mean()
    assert history[-1] < 0.1 and accuracy > 0.95


def test_xor_learns_the_truth_table() -> None:
    net, data = build_preset("xor")
    net.train(data.inputs, data.targets, PRESETS["xor"].extra["epochs"])
    assert (net.predict(data.inputs).round() == data.targets).all()


def test_overrides_change_the_spec_and_redraw_explicit_weights() -> None:
    net, _ = build_preset("two-two-one", {"learning_rate": 0.1})
    assert net.spec.learning_rate == 0.1 and net.weights[0][0, 0] == 0.11
    wider, _ = build_preset("two-two-one", {"layers": [2, 3, 1], "init": "uniform", "seed": 4})
    assert wider.weights[0].shape == (3, 2)
    with pytest.raises(SpecError) as err:
        build_preset("celsius", {"loss": "nope"})
    assert err.value.field == "loss"
    with pytest.raises(SpecError) as err:
        build_preset("moons")
    assert err.value.field == "preset"


@pytest.mark.parametrize("name", ["two-two-one", "celsius"])
def test_reshaping_a_preset_breaks_symmetry(name: str) -> None:
    """A preset's exact start (explicit weights, or celsius's w = b = 0) is dropped with its shape:
    the new hidden neurons must not start identical, or they would stay identical forever."""
    n_in = 2 if name == "two-two-one" else 1
    net, _ = build_preset(name, {"layers": [n_in, 3, 1], "activations": ["tanh", "linear"]})
    first = net.weights[0]
    assert first.shape == (3, n_in)
    assert len({tuple(row) for row in first.tolist()}) == 3
    assert net.spec.init == "xavier"


def test_celsius_keeps_its_zero_start_and_a_named_init_is_kept() -> None:
    net, _ = build_preset("celsius")
    assert net.weights[0].tolist() == [[0.0]] and net.biases[0].tolist() == [0.0]
    named, _ = build_preset("celsius", {"layers": [1, 2, 1], "init": "constant"})
    assert named.spec.init == "constant"


def test_two_two_one_reset_with_a_seed_draws_new_weights() -> None:
    net, _ = build_preset("two-two-one")
    net.reset(seed=3)
    assert net.weights[0].any() and net.weights[0][0, 0] != 0.11
    net.reset()
    assert net.weights[0].any() and net.step == 0
