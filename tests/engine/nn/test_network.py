"""Network behaviour: traced phases, focus and sample, optimizers, edits, divergence."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from engine.errors import DatasetError, DivergenceError, SpecError
from engine.nn.network import Network, NetworkSpec
from engine.nn.trace import LayerTrace, StepTrace
from tests.engine.nets import make_data, make_net, same, same_state


def _same_layers(x: LayerTrace, y: LayerTrace, names: list[str]) -> None:
    for name in names:
        assert same(getattr(x, name), getattr(y, name)), name


FORWARD = ["a", "z", "weights", "signals", "bias"]
BACKWARD = ["grad_a", "grad_z", "grad_weights", "grad_bias"]
UPDATE = ["new_weights", "new_bias", "weight_optimizer", "bias_optimizer"]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("sample", [None, 2])
def test_phases_in_turn_equal_one_full_step_bitwise(optimizer: str, sample) -> None:
    X, Y = make_data()
    stepwise, whole = make_net(optimizer, regularization="l2", regularization_rate=0.01), make_net(
        optimizer, regularization="l2", regularization_rate=0.01)
    for _ in range(3):
        f = stepwise.trace_step(X, Y, "forward", sample=sample)
        b = stepwise.trace_step(X, Y, "backward", sample=sample)
        u = stepwise.trace_step(X, Y, "update", sample=sample)
        full = whole.trace_step(X, Y, "all", sample=sample)
        assert (f.phases_run, b.phases_run, u.phases_run) == (("forward",), ("backward",),
                                                              ("update",))
        assert full.phases_run == ("forward", "backward", "update")
        for k in range(3):
            _same_layers(f.layers[k], full.layers[k], FORWARD)
            _same_layers(b.layers[k], full.layers[k], FORWARD + BACKWARD)
            _same_layers(u.layers[k], full.layers[k], FORWARD + BACKWARD + UPDATE)
        assert (u.loss, u.sample_losses, u.outputs) == (full.loss, full.sample_losses,
                                                        full.outputs)
        same_state(stepwise, whole)


def test_a_phase_runs_its_missing_earlier_phases() -> None:
    X, Y = make_data()
    net = make_net()
    assert net.trace_step(X, Y, "backward").phases_run == ("forward", "backward")
    fresh = make_net()
    trace = fresh.trace_step(X, Y, "update")
    assert trace.phases_run == ("forward", "backward", "update")
    assert trace.layers[1].z is not None and trace.layers[1].grad_z is not None
    assert fresh.step == 1


def test_new_data_or_an_edited_weight_reruns_forward() -> None:
    X, Y = make_data()
    net = make_net()
    net.trace_step(X, Y, "forward")
    assert net.trace_step(X + 1.0, Y, "backward").phases_run == ("forward", "backward")
    net.set_weight(1, 0, 0, 0.5)
    assert net.trace_step(X + 1.0, Y, "update").phases_run == ("forward", "backward", "update")


def test_fields_not_computed_yet_are_none() -> None:
    X, Y = make_data()
    trace = make_net().trace_step(X, Y, "forward")
    for layer in trace.layers[1:]:
        assert layer.grad_z is None and layer.grad_weights is None
        assert layer.new_weights is None and layer.weight_optimizer == {}
    edge, node = trace.edges[0], trace.nodes[-1]
    assert (edge.grad, edge.new_weight, node.grad_a, node.new_bias) == (None,) * 4
    assert trace.step == 0


def test_only_updates_change_parameters_step_and_history() -> None:
    X, Y = make_data()
    net = make_net()
    before = [w.copy() for w in net.weights]
    net.trace_step(X, Y, "forward")
    net.trace_step(X, Y, "backward")
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights, strict=True))
    assert (net.step, net.loss_history) == (0, [])
    loss = net.trace_step(X, Y, "update").loss
    assert (net.step, net.loss_history) == (1, [loss])


def test_focus_picks_node_values_while_gradients_stay_the_batch() -> None:
    X, Y = make_data()
    net = make_net()
    t0 = net.trace_step(X, Y, "backward")
    t3 = net.trace_step(X, Y, "backward", focus=3)
    assert (t0.focus, t3.focus) == (0, 3)
    assert np.array_equal(t3.layers[0].a, X[3]) and t3.targets == tuple(Y[3])
    assert not np.array_equal(t0.layers[1].a, t3.layers[1].a)
    assert np.array_equal(t0.layers[1].grad_weights, t3.layers[1].grad_weights)
    assert t3.sample is None and len(t3.sample_losses) == 6
    assert t3.loss == pytest.approx(np.mean(t3.sample_losses))


def test_focus_node_gradients_are_that_samples_own() -> None:
    X, Y = make_data()
    trace = make_net().trace_step(X, Y, "backward", focus=4)
    alone = make_net().trace_step(X[4:5], Y[4:5], "backward")
    for k in (1, 2):
        np.testing.assert_allclose(trace.layers[k].grad_z, alone.layers[k].grad_z, rtol=1e-14)


def test_sample_restricts_the_gradient_to_one_row() -> None:
    X, Y = make_data()
    trace = make_net().trace_step(X, Y, "all", sample=4)
    alone = make_net().trace_step(X[4:5], Y[4:5], "all")
    assert trace.sample == 4 and trace.focus == 4
    for k in (1, 2):
        np.testing.assert_allclose(trace.layers[k].grad_weights, alone.layers[k].grad_weights,
                                   rtol=1e-15, atol=0)
        np.testing.assert_allclose(trace.layers[k].new_weights, alone.layers[k].new_weights,
                                   rtol=1e-15, atol=0)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_update_applies_the_one_sample_gradients_backward_showed(optimizer: str) -> None:
    X, Y = make_data()
    stepwise, whole, batch = make_net(optimizer), make_net(optimizer), make_net(optimizer)
    shown = stepwise.trace_step(X, Y, "backward", sample=4)
    update = stepwise.trace_step(X, Y, "update")
    full = whole.trace_step(X, Y, "all", sample=4)
    assert update.phases_run == ("update",)
    assert update.sample == 4 and update.focus == 4
    for k in (1, 2):
        assert same(update.layers[k].grad_weights, shown.layers[k].grad_weights)
        _same_layers(update.layers[k], full.layers[k], FORWARD + BACKWARD + UPDATE)
    same_state(stepwise, whole)
    batch.trace_step(X, Y, "all")
    assert not same(stepwise.weights[0], batch.weights[0])


def test_update_with_another_sample_recomputes_the_gradients() -> None:
    X, Y = make_data()
    net, twin = make_net(), make_net()
    net.trace_step(X, Y, "backward", sample=4)
    update = net.trace_step(X, Y, "update", sample=1)
    assert update.phases_run == ("backward", "update") and update.sample == 1
    twin.trace_step(X, Y, "all", sample=1)
    same_state(net, twin)
    net.trace_step(X, Y, "backward", sample=2)
    assert net.trace_step(X + 1.0, Y, "update").sample is None  # other data: the batch


def test_bad_phase_focus_and_sample_raise() -> None:
    X, Y = make_data()
    net = make_net()
    with pytest.raises(SpecError) as err:
        net.trace_step(X, Y, "sideways")
    assert err.value.field == "phase"
    for kwargs, field in (({"focus": 6}, "focus"), ({"sample": -1}, "sample"),
                          ({"focus": 1.5}, "focus")):
        with pytest.raises(SpecError) as err:
            net.trace_step(X, Y, "forward", **kwargs)
        assert err.value.field == field and str(err.value).startswith(f"{field}: ")
    with pytest.raises(SpecError, match=r"^focus: must be from 0 to 5, got 6$"):
        net.trace_step(X, Y, "backward", sample=2, focus=6)


@pytest.mark.parametrize(("X", "Y"), [
    (np.zeros((2, 2)), np.zeros((2, 2))),          # wrong input width
    (np.zeros((2, 3)), np.zeros((3, 2))),          # row counts differ
    (np.zeros((0, 3)), np.zeros((0, 2))),          # empty
    (np.array([[0.0, np.nan, 1.0]]), np.zeros((1, 2))),
    ([["a", "b", "c"]], [[0.0, 0.0]]),
])
def test_bad_data_raise_dataset_error(X, Y) -> None:
    with pytest.raises(DatasetError):
        make_net().trace_step(X, Y)


def test_momentum_velocity_is_how_far_the_weight_moved() -> None:
    X, Y = make_data()
    net = make_net("momentum", momentum=0.8)
    net.trace_step(X, Y)
    layer = net.trace_step(X, Y).layers[1]
    velocity = layer.weight_optimizer["velocity"]
    np.testing.assert_allclose(layer.new_weights - layer.weights, velocity, atol=1e-15)
    edge = net.trace_step(X, Y).edges[0]
    assert set(edge.optimizer) == {"velocity"}


def test_adam_first_step_moves_each_weight_by_the_learning_rate() -> None:
    X, Y = make_data()
    net = make_net("adam", learning_rate=0.01)
    layer = net.trace_step(X, Y).layers[1]
    moved = layer.new_weights - layer.weights
    g = layer.grad_weights  # m̂ = g, v̂ = g²: the step is η·g/(|g| + ε)
    np.testing.assert_allclose(moved, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-9)
    np.testing.assert_allclose(np.abs(moved), 0.01, rtol=1e-4)
    assert set(layer.weight_optimizer) == {"m", "v"}
    np.testing.assert_allclose(layer.weight_optimizer["m"], 0.1 * layer.grad_weights)
    np.testing.assert_allclose(layer.weight_optimizer["v"], 0.001 * layer.grad_weights ** 2)
    assert set(net.optimizer_state) == {"m", "v"}


def test_traced_update_diverges_and_leaves_the_network_as_it_was() -> None:
    net = make_net("sgd", use_bias=False, activations="linear", learning_rate=1.0)
    X, Y = make_data()
    net.trace_step(X, Y, "all")
    net.trace_step(X, Y, "all")
    net.set_weight(1, 0, 0, 1e300)
    before = net.to_dict()
    with pytest.raises(DivergenceError) as err:
        net.trace_step(X, Y, "all")
    assert net.to_dict() == before
    assert str(err.value) == ("the update at step 3 overflowed to NaN/inf; lower the "
                              "learning rate")
    assert (err.value.step, err.value.epoch) == (3, 0)


def test_set_weight_bias_and_learning_rate() -> None:
    net = make_net()
    old = net.weights[1]
    net.set_weight(2, source=3, target=1, value=0.25)
    assert net.weights[1][1, 3] == 0.25 and old[1, 3] != 0.25  # copy on write
    net.set_bias(1, 2, -0.5)
    assert net.biases[0][2] == -0.5
    net.set_learning_rate(0.01)
    assert net.spec.learning_rate == 0.01
    for call, field in ((lambda: net.set_weight(3, 0, 0, 1.0), "layer"),
                        (lambda: net.set_weight(1, 3, 0, 1.0), "source"),
                        (lambda: net.set_weight(1, 0, 4, 1.0), "target"),
                        (lambda: net.set_weight(1, 0, 0, float("inf")), "value"),
                        (lambda: net.set_learning_rate(-1.0), "learning_rate")):
        with pytest.raises(SpecError) as err:
            call()
        assert err.value.field == field
    no_bias = make_net(use_bias=False)
    with pytest.raises(SpecError):
        no_bias.set_bias(1, 0, 1.0)


def test_reset_returns_to_the_start_and_reseeds() -> None:
    X, Y = make_data()
    net = make_net("adam")
    start = [w.copy() for w in net.weights]
    net.train(X, Y, epochs=3)
    net.reset()
    assert all(np.array_equal(a, b) for a, b in zip(start, net.weights, strict=True))
    assert (net.step, net.loss_history) == (0, [])
    assert not net.optimizer_state["m"]["weights"][0].any()
    net.reset(seed=99)
    assert net.spec.seed == 99 and not np.array_equal(start[0], net.weights[0])
    assert np.array_equal(net.weights[0], make_net(seed=99).weights[0])


def test_reset_returns_to_the_creation_state_even_after_a_seeded_reset() -> None:
    import json

    from engine.presets import build_preset

    net, data = build_preset("two-two-one")
    article = [w.copy() for w in net.weights]
    created = json.dumps(net.to_dict())
    net.trace_step(data.inputs, data.targets)
    net.reset(seed=5)
    assert net.spec.seed == 5 and not np.array_equal(net.weights[0], article[0])
    seeded = [w.copy() for w in net.weights]
    back = Network.from_dict(json.loads(json.dumps(net.to_dict())))  # survives a save
    net.reset(seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(seeded, net.weights, strict=True))
    for n in (net, back):
        n.reset()
        assert all(np.array_equal(a, b) for a, b in zip(article, n.weights, strict=True))
        assert json.dumps(n.to_dict()) == created


@pytest.mark.parametrize(("weights", "biases", "field", "words"), [
    ([[[1.0, 2.0], [3.0]]], None, "weights", "layer 1, row 1 has 1 numbers; expected 2"),
    ([[[1.0, 2.0]]], None, "weights", "expected 2 rows"),
    ([[[1.0, True], [3.0, 4.0]]], None, "weights", "row 0, entry 1: must be a number"),
    (None, [None], "biases", "layer 1 has a bias (use_bias true): give a list of 2 numbers, "
     "or set use_bias false"),
    (None, [[1.0, "2"]], "biases", "layer 1, entry 1: must be a number"),
])
def test_explicit_parameter_errors_say_what_shape_is_expected(weights, biases, field,
                                                              words) -> None:
    spec = NetworkSpec.from_dict({"layers": [2, 2], "use_bias": True})
    with pytest.raises(SpecError) as err:
        Network(spec, weights, biases)
    assert err.value.field == field
    assert words in str(err.value)


def test_explicit_parameters_are_validated() -> None:
    spec = NetworkSpec.from_dict({"layers": [2, 1], "use_bias": True})
    with pytest.raises(SpecError) as err:
        Network(spec, weights=[[[1.0, 2.0, 3.0]]])
    assert err.value.field == "weights" and "layer 1" in str(err.value)
    with pytest.raises(SpecError) as err:
        Network(spec, biases=[[float("nan")]])
    assert err.value.field == "biases"


def test_predict_and_loss() -> None:
    X, Y = make_data()
    net = make_net()
    out = net.predict(X)
    assert out.shape == (6, 2) and ((out > 0) & (out < 1)).all()
    assert net.loss(X, Y) == pytest.approx(np.mean((out - Y) ** 2))
    assert net.trace_step(X, Y, "forward").loss == net.loss(X, Y)


def test_regularization_is_part_of_the_loss() -> None:
    X, Y = make_data()
    plain, l2, l1 = make_net(), make_net(regularization="l2", regularization_rate=0.1), make_net(
        regularization="l1", regularization_rate=0.1)
    sq = sum(float((w ** 2).sum()) for w in plain.weights)
    ab = sum(float(np.abs(w).sum()) for w in plain.weights)
    assert l2.loss(X, Y) == pytest.approx(plain.loss(X, Y) + 0.05 * sq)
    assert l1.loss(X, Y) == pytest.approx(plain.loss(X, Y) + 0.1 * ab)


def test_trace_records_cover_every_field() -> None:
    X, Y = make_data()
    trace = make_net().trace_step(X, Y)
    assert isinstance(trace, StepTrace) and trace.step == 1
    assert len(trace.nodes) == 3 + 4 + 2 and len(trace.edges) == 12 + 8
    assert [(e.layer, e.target, e.source) for e in trace.edges] == sorted(
        (e.layer, e.target, e.source) for e in trace.edges)
    edge = trace.edges[5]  # layer 1, target 1, source 2
    assert (edge.layer, edge.target, edge.source) == (1, 1, 2)
    assert edge.signal == pytest.approx(edge.weight * X[0, 2])
    assert edge.new_weight == pytest.approx(edge.weight - 0.3 * edge.grad)
    node = trace.nodes[3 + 4 + 1]
    assert node.a == trace.outputs[1] and node.new_bias is not None
    assert {f.name for f in fields(LayerTrace)} >= set(FORWARD + BACKWARD + UPDATE)


@pytest.mark.parametrize("loss, activation, outputs", [
    ("bce", "sigmoid", 1), ("cross_entropy", "softmax", 2)])
def test_probability_losses_refuse_targets_outside_0_1(loss: str, activation: str,
                                                       outputs: int) -> None:
    spec = NetworkSpec.from_dict({"layers": [1, outputs], "activations": [activation],
                                  "use_bias": True, "loss": loss})
    net = Network(spec)
    X = np.array([[0.5], [1.0]])
    good = np.full((2, outputs), 1.0 / outputs)
    net.trace_step(X, good, "forward")
    bad = good.copy()
    bad[1, 0] = 1.5
    with pytest.raises(DatasetError) as err:
        net.trace_step(X, bad, "forward")
    assert (err.value.row, err.value.column) == (1, 0)
    with pytest.raises(DatasetError):
        net.train(X, -bad, epochs=1)
