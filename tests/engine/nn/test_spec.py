"""NetworkSpec: defaults, round trip, and errors that name the field to fix."""

from __future__ import annotations

import json

import pytest

from engine.errors import SpecError
from engine.nn.network import NetworkSpec

BASE = {"layers": [2, 3, 1]}


def test_defaults_and_broadcast_of_single_values() -> None:
    spec = NetworkSpec.from_dict({**BASE, "activations": "tanh", "use_bias": False})
    assert spec.layers == (2, 3, 1)
    assert spec.activations == ("tanh", "tanh") and spec.use_bias == (False, False)
    assert (spec.loss, spec.reduction, spec.optimizer, spec.init) == ("mse", "mean", "sgd",
                                                                      "xavier")
    assert NetworkSpec.from_dict(BASE).activations == ("sigmoid", "sigmoid")


def test_round_trip_through_json() -> None:
    spec = NetworkSpec.from_dict({
        "layers": [4, 5, 3], "activations": ["leaky_relu", "softmax"], "use_bias": [True, False],
        "loss": "cross_entropy", "reduction": "sum", "learning_rate": 0.1 + 0.2,
        "optimizer": "adam", "beta1": 0.8, "regularization": "l1", "regularization_rate": 1e-3,
        "init": "he", "init_scale": 2, "seed": 12,
    })
    again = NetworkSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec and again.learning_rate == 0.1 + 0.2


def test_to_dict_lists_every_field_as_asdict_would() -> None:
    from dataclasses import asdict, fields

    spec = NetworkSpec.from_dict({**BASE, "optimizer": "momentum", "seed": 3, "init": "he"})
    d = spec.to_dict()
    assert list(d) == [f.name for f in fields(NetworkSpec)]
    expected = asdict(spec)
    expected.update({k: list(expected[k]) for k in ("layers", "activations", "use_bias")})
    assert d == expected and type(d["layers"]) is list
    assert NetworkSpec.from_dict(d) == spec


def test_weights_and_biases_keys_are_left_for_the_network() -> None:
    spec = NetworkSpec.from_dict({**BASE, "weights": "anything", "biases": None})
    assert "weights" not in spec.to_dict()


@pytest.mark.parametrize(("change", "field"), [
    ({"layers": [2]}, "layers"),
    ({"layers": "2,1"}, "layers"),
    ({"layers": [2, 0, 1]}, "layers"),
    ({"layers": [2, True]}, "layers"),
    ({"activations": ["relu"]}, "activations"),
    ({"activations": ["relu", "swish"]}, "activations"),
    ({"activations": ["softmax", "sigmoid"]}, "activations"),
    ({"activations": ["relu", "softmax"]}, "activations"),  # softmax on 1 output
    ({"use_bias": [True]}, "use_bias"),
    ({"use_bias": "yes"}, "use_bias"),
    ({"loss": "hinge"}, "loss"),
    ({"loss": "bce", "activations": ["relu", "linear"]}, "loss"),
    ({"loss": "cross_entropy", "activations": ["relu", "tanh"]}, "loss"),
    ({"reduction": "max"}, "reduction"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"learning_rate": float("nan")}, "learning_rate"),
    ({"learning_rate": "0.1"}, "learning_rate"),
    ({"optimizer": "rmsprop"}, "optimizer"),
    ({"momentum": 1.0}, "momentum"),
    ({"beta2": -0.1}, "beta2"),
    ({"epsilon": 0.0}, "epsilon"),
    ({"regularization": "l3"}, "regularization"),
    ({"regularization_rate": -1}, "regularization_rate"),
    ({"init": "orthogonal"}, "init"),
    ({"init_scale": float("inf")}, "init_scale"),
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
    ({"learnig_rate": 0.1}, "learnig_rate"),
])
def test_bad_specs_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(SpecError) as err:
        NetworkSpec.from_dict({**BASE, **change})
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")


def test_not_a_mapping() -> None:
    with pytest.raises(SpecError) as err:
        NetworkSpec.from_dict([2, 1])  # type: ignore[arg-type]
    assert err.value.field == "spec"
