"""Adam's v = g² can overflow while the weights stay finite: that is divergence too.

Otherwise the network trains on with an inf in its state, which no JSON export can carry
(the export holds null and its own import is refused).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.errors import DivergenceError
from engine.nn.network import Network, NetworkSpec

X = np.array([[1.0, -1.0], [-0.5, 1.0]])  # row 0: z = bias, so tanh does not saturate
Y = np.array([[1.0], [0.0]])


def huge_adam_net() -> Network:
    """Weights ±1e300: the hidden biases' gradients near 1e299, so g² overflows."""
    spec = NetworkSpec.from_dict({"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"],
                                  "loss": "bce", "optimizer": "adam", "seed": 1})
    return Network(spec, weights=[[[1e300, 1e300]] * 3, [[-1e300] * 3]])


def test_train_refuses_an_optimizer_state_that_overflows() -> None:
    net = huge_adam_net()
    before = json.dumps(net.to_dict())
    with pytest.raises(DivergenceError) as err:
        net.train(X, Y, epochs=3)
    assert str(err.value) == "training diverged at epoch 3; lower the learning rate"
    assert json.dumps(net.to_dict()) == before


def test_traced_update_refuses_an_optimizer_state_that_overflows() -> None:
    net = huge_adam_net()
    before = json.dumps(net.to_dict())
    with pytest.raises(DivergenceError) as err:
        net.trace_step(X, Y, "all")
    assert err.value.step == 1
    assert json.dumps(net.to_dict()) == before


def test_a_finite_adam_state_still_round_trips() -> None:
    net = huge_adam_net()
    net.set_weight(1, 0, 0, 0.5)
    for k, W in enumerate(net.weights):  # ordinary weights: ordinary gradients
        net.weights[k] = np.full_like(W, 0.3)
    net.train(X, Y, epochs=3)
    again = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    assert json.dumps(again.to_dict()) == json.dumps(net.to_dict())
