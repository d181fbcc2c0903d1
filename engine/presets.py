"""The worked examples as named presets: spec, starting parameters and data.

CONTRACT: `PRESETS` maps name -> `Preset`; `build_preset(name, overrides)` returns the
network and its dataset, with any spec field overridden (raises SpecError on bad ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.data.datasets import Dataset, make_dataset
from engine.errors import SpecError
from engine.nn.network import Network

# Overriding any of these makes a preset's explicit starting weights meaningless.
_SHAPE_FIELDS = ("layers", "use_bias", "init", "init_scale", "seed", "weights", "biases")
_SYMMETRIC_INITS = ("zeros", "constant")


@dataclass(frozen=True)
class Preset:
    """A worked example: what to build, on which data, and where it comes from."""

    name: str
    title: str
    description: str
    source: str  # the seed article it reproduces, e.g. "seeds/003 (netflow.js article)"
    spec: Mapping[str, Any]  # NetworkSpec.from_dict input, may include weights/biases
    dataset: Mapping[str, Any]  # {"name", "samples", "noise", "seed"} for make_dataset
    extra: Mapping[str, Any] = field(default_factory=dict)


def _preset(p: Preset) -> tuple[str, Preset]:
    return p.name, p


PRESETS: dict[str, Preset] = dict([
    _preset(Preset(
        name="two-two-one",
        title="Backpropagation step by step (2-2-1)",
        description=(
            "Inputs 2 and 3, target 1; two linear hidden neurons and a linear output, no "
            "biases, weights 0.11, 0.21, 0.12, 0.08, 0.14, 0.15. Error ½(target − out)², "
            "learning rate 0.05. One step gives out 0.191, then 0.2557 after the update."
        ),
        source="seeds/003 (Backpropagation étape par étape, drawn with netflow.js)",
        spec={
            "layers": [2, 2, 1], "activations": "linear", "use_bias": False,
            "loss": "half_sse", "reduction": "mean", "learning_rate": 0.05,
            # Only used when the article's weights are dropped (reshape, reset with a seed).
            "init": "xavier",
            "weights": [[[0.11, 0.21], [0.12, 0.08]], [[0.14, 0.15]]],
        },
        dataset={"name": "two-two-one"},
        extra={"epochs": 1},
    )),
    _preset(Preset(
        name="celsius",
        title="One neuron learns Fahrenheit from Celsius",
        description=(
            "A single linear neuron out = w·C + b fits F = 1.8·C + 32 on Celsius −50 … 49. "
            "Mean squared error, full batch, learning rate 0.001, w = b = 0 at the start: "
            "after 10,000 steps w = 1.8 and b = 32."
        ),
        source="seeds/000 (Réseau de neurones à un seul neurone sur Python)",
        spec={
            "layers": [1, 1], "activations": "linear", "use_bias": True, "loss": "mse",
            "reduction": "mean", "learning_rate": 0.001, "init": "zeros",
        },
        dataset={"name": "celsius"},
        extra={"epochs": 10_000},
    )),
    _preset(Preset(
        name="deep-sigmoid",
        title="An L-layer sigmoid classifier",
        description=(
            "Sigmoid in every layer, weights N(0, 1)·0.01 from a fixed seed, biases zero, "
            "binary cross-entropy averaged over the batch, on the circle set. Backward per "
            "layer: dZ = dA·σ'(Z), dW = (1/m)·dZ·A_prevᵀ, db = (1/m)·Σ dZ. Add layers to see "
            "how a 0.01 start makes a deep sigmoid stack stall."
        ),
        source="seeds/001 (rețea neuronală cu L straturi, numpy)",
        spec={
            "layers": [2, 4, 1], "activations": "sigmoid", "use_bias": True,
            "loss": "bce", "reduction": "mean", "learning_rate": 1.0, "init": "normal",
            "init_scale": 0.01, "seed": 1,
        },
        dataset={"name": "circle", "samples": 200, "noise": 0.0, "seed": 1},
        extra={"epochs": 3000},
    )),
    _preset(Preset(
        name="high-school",
        title="Layers as objects: a 10-5-2 sigmoid network (high-school maths)",
        description=(
            "Linear layers without bias, sigmoid after each, mean squared error; a random "
            "input of 10 numbers and a random target of 2, weights N(0, 1), learning rate "
            "0.1. The loss falls step after step."
        ),
        source="seeds/002 (Neuronales Netzwerk … in der Mathematik der High School)",
        spec={
            "layers": [10, 5, 2], "activations": "sigmoid", "use_bias": False, "loss": "mse",
            "reduction": "mean", "learning_rate": 0.1, "init": "normal", "init_scale": 1.0,
            "seed": 0,
        },
        dataset={"name": "high-school", "samples": 1, "seed": 0},
        extra={"epochs": 100},
    )),
    _preset(Preset(
        name="xor",
        title="XOR with two hidden neurons",
        description=(
            "The four rows of the XOR truth table; a 2-2-1 network with tanh hidden "
            "neurons and a sigmoid output, binary cross-entropy, learning rate 0.5. No "
            "single line separates the classes, so the hidden layer has to bend the space."
        ),
        source="classic XOR example (TF Playground style)",
        spec={
            "layers": [2, 2, 1], "activations": ["tanh", "sigmoid"], "use_bias": True,
            "loss": "bce", "reduction": "mean", "learning_rate": 0.5, "init": "xavier",
            "seed": 3,
        },
        dataset={"name": "xor"},
        extra={"epochs": 2000},
    )),
])


def build_preset(
    name: str, overrides: Mapping[str, Any] | None = None
) -> tuple[Network, Dataset]:
    """A fresh network at the preset's starting point, and its dataset.

    Overriding a field that shapes the starting weights (layers, init, seed, …) drops the
    preset's explicit weights, so they are drawn from the spec instead. A preset's all-equal
    init (celsius starts at w = b = 0) is dropped too unless named: in a reshaped network
    with hidden layers it would keep every neuron of a layer identical forever.
    """
    if name not in PRESETS:
        raise SpecError("preset", f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    preset = PRESETS[name]
    overrides = dict(overrides or {})
    spec = dict(preset.spec)
    if any(key in overrides for key in _SHAPE_FIELDS):
        spec.pop("weights", None)
        spec.pop("biases", None)
        if spec.get("init") in _SYMMETRIC_INITS:
            spec.pop("init")
    spec.update(overrides)
    network = Network.from_spec_dict(spec)
    data = preset.dataset
    dataset = make_dataset(data["name"], data.get("samples"), data.get("noise", 0.0),
                           data.get("seed", 0))
    return network, dataset
