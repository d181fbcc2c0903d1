"""The fast loop: same bits as traced steps, mini-batches, callbacks, divergence."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import DivergenceError, SpecError
from engine.presets import build_preset
from tests.engine.nets import make_data, make_net, same_state


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_fast_loop_equals_traced_steps_bitwise(optimizer: str) -> None:
    X, Y = make_data()
    fast, traced = make_net(optimizer), make_net(optimizer)
    history = fast.train(X, Y, epochs=5)
    losses = [traced.trace_step(X, Y).loss for _ in range(5)]
    assert history == losses == fast.loss_history
    same_state(fast, traced)


def test_train_diverges_and_leaves_the_network_as_it_was() -> None:
    net, data = build_preset("celsius", {"learning_rate": 0.1})
    net.train(data.inputs, data.targets, epochs=0)
    before = net.to_dict()
    with pytest.raises(DivergenceError) as err:
        net.train(data.inputs, data.targets, epochs=2000)
    assert err.value.epoch > 1
    assert net.to_dict() == before


def test_train_mini_batches_are_shuffled_from_a_seed() -> None:
    X, Y = make_data(m=10)
    a, b, c = make_net(), make_net(), make_net()
    ha = a.train(X, Y, epochs=4, batch_size=3, shuffle_seed=5)
    hb = b.train(X, Y, epochs=4, batch_size=3, shuffle_seed=5)
    c.train(X, Y, epochs=4, batch_size=3, shuffle_seed=6)
    assert ha == hb and len(ha) == 4 and a.step == 16 and len(a.loss_history) == 16
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_train_callback_can_stop_early() -> None:
    X, Y = make_data()
    seen = []
    net = make_net()
    history = net.train(X, Y, epochs=50, callback=lambda e, loss: seen.append(e) or e < 20,
                        callback_every=10)
    assert seen == [10, 20] and len(history) == 20 and net.step == 20


def test_train_rejects_bad_counts() -> None:
    X, Y = make_data()
    for kwargs, field in (({"epochs": -1}, "epochs"), ({"epochs": 1, "batch_size": 0},
                                                       "batch_size")):
        with pytest.raises(SpecError) as err:
            make_net().train(X, Y, **kwargs)
        assert err.value.field == field


COMBOS = [("relu", "linear", "half_sse"), ("leaky_relu", "tanh", "mse"),
          ("sigmoid", "sigmoid", "bce"), ("tanh", "softmax", "cross_entropy"),
          ("linear", "softmax", "bce"), ("tanh", "sigmoid", "cross_entropy"),
          ("relu", "softmax", "mse")]


@pytest.mark.parametrize(("hidden", "output", "loss"), COMBOS)
@pytest.mark.parametrize(("reg", "reduction", "optimizer"), [
    ("none", "mean", "sgd"), ("l1", "sum", "momentum"), ("l2", "mean", "adam")])
def test_fast_loop_equals_traced_steps_for_every_kind_of_layer(
    hidden, output, loss, reg, reduction, optimizer
) -> None:
    spec = {"activations": [hidden, output], "loss": loss, "reduction": reduction,
            "regularization": reg, "regularization_rate": 0.01, "use_bias": [True, False],
            "learning_rate": 0.05}
    X, Y = make_data()
    Y = Y / Y.sum(axis=1, keepdims=True) if loss == "cross_entropy" else Y
    fast, traced = make_net(optimizer, **spec), make_net(optimizer, **spec)
    assert fast.train(X, Y, epochs=4) == [traced.trace_step(X, Y).loss for _ in range(4)]
    same_state(fast, traced)


def test_mini_batches_equal_traced_steps_on_the_same_batches() -> None:
    X, Y = make_data(m=7)
    fast, traced = make_net("adam"), make_net("adam")
    fast.train(X, Y, epochs=2, batch_size=3, shuffle_seed=11)
    rng = np.random.default_rng(11)
    for _ in range(2):
        order = rng.permutation(7)
        for start in range(0, 7, 3):
            rows = order[start:start + 3]
            traced.trace_step(X[rows], Y[rows])
    same_state(fast, traced)


def test_training_never_changes_arrays_a_trace_holds() -> None:
    X, Y = make_data()
    net = make_net()
    trace = net.trace_step(X, Y, "forward")
    kept = [layer.weights.copy() for layer in trace.layers[1:]]
    net.train(X, Y, epochs=3)
    net.trace_step(X, Y)
    for layer, weights in zip(trace.layers[1:], kept, strict=True):
        assert np.array_equal(layer.weights, weights)


def test_mini_batch_divergence_restores_everything() -> None:
    net, data = build_preset("celsius", {"learning_rate": 0.5})
    before = net.to_dict()
    with pytest.raises(DivergenceError):
        net.train(data.inputs, data.targets, epochs=50, batch_size=10, shuffle_seed=0)
    assert net.to_dict() == before


def test_callback_may_change_the_learning_rate_mid_training() -> None:
    X, Y = make_data()
    net, twin = make_net(), make_net()
    net.train(X, Y, epochs=4, callback=lambda e, loss: net.set_learning_rate(0.01)
              if e == 2 else None)
    twin.train(X, Y, epochs=2)
    twin.set_learning_rate(0.01)
    twin.train(X, Y, epochs=2)
    same_state(net, twin)

