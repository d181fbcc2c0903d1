"""State round trip: JSON-ready dicts that come back bit for bit."""

from __future__ import annotations

import json

import pytest

from engine.errors import SpecError
from engine.nn.network import Network
from tests.engine.nets import make_data, make_net, same_state


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_state_round_trip_is_exact_through_json(optimizer: str) -> None:
    X, Y = make_data()
    net = make_net(optimizer, use_bias=[False, True])
    net.train(X, Y, epochs=7)
    text = json.dumps(net.to_dict())
    back = Network.from_dict(json.loads(text))
    assert json.dumps(back.to_dict()) == text
    for a, b in zip(net.weights + net.initial_weights, back.weights + back.initial_weights,
                    strict=True):
        assert a.tobytes() == b.tobytes()
    assert back.biases[0] is None and back.step == 7 and back.loss_history == net.loss_history
    # the optimizer state came back too: both continue identically
    net.train(X, Y, epochs=3)
    back.train(X, Y, epochs=3)
    same_state(net, back)


def test_a_pending_phase_survives_the_round_trip() -> None:
    X, Y = make_data()
    net = make_net()
    net.trace_step(X, Y, "forward")
    back = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    trace = back.trace_step(X, Y, "backward")
    assert trace.phases_run == ("backward",)
    assert trace.layers[1].z is not None
    assert back.trace_step(X, Y, "update").phases_run == ("update",)


def test_from_dict_rejects_bad_states() -> None:
    good = make_net().to_dict()
    for key, value, field in (("weights", [[[1.0]]], "network.weights"),
                              ("step", -1, "network.step"),
                              ("loss_history", [float("nan")], "network.loss_history[0]")):
        with pytest.raises(SpecError) as err:
            Network.from_dict({**good, key: value})
        assert err.value.field == field
    with pytest.raises(SpecError):
        Network.from_dict({"weights": []})


def _adam_doc() -> dict:
    X, Y = make_data()
    net = make_net("adam")
    net.train(X, Y, epochs=2)
    return json.loads(json.dumps(net.to_dict()))


def _with(doc: dict, path: list, value) -> dict:
    """A deep copy of `doc` with the entry at `path` replaced."""
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(("path", "value", "field", "words"), [
    (["weights", 0, 1, 2], True, "network.weights[0]", "row 1, entry 2: must be a number"),
    (["weights", 0, 1, 2], "0.5", "network.weights[0]", "must be a number"),
    (["biases", 1, 0], False, "network.biases[1]", "must be a number"),
    (["weights", 1, 0], [1.0, 2.0], "network.weights[1]", "row 0 has 2 numbers; expected 4"),
    (["optimizer_state", "v", "weights", 1, 0, 0], -1e-3, "network.optimizer_state.v.weights[1]",
     "must be ≥ 0"),
    (["optimizer_state", "v", "biases", 0, 0], -2.0, "network.optimizer_state.v.biases[0]",
     "must be ≥ 0"),
    (["optimizer_state", "m", "weights"], [[[0.0]]], "network.optimizer_state.m.weights",
     "one entry per non-input layer"),
    (["optimizer_state", "m", "extra"], [], "network.optimizer_state.m.extra", "unknown field"),
    (["optimizer_state", "velocity"], {}, "network.optimizer_state.velocity", "unknown field"),
    (["step"], 1.5, "network.step", "non-negative integer"),
    (["step"], True, "network.step", "non-negative integer"),
    (["loss_history", 1], "0.3", "network.loss_history[1]", "finite number"),
    (["loss_history", 0], True, "network.loss_history[0]", "finite number"),
    (["preset"], "xor", "network.preset", "unknown field"),
    (["spec", "preset"], "xor", "network.spec.preset", "unknown field"),
    (["spec", "weights"], [], "network.spec.weights", "beside the spec"),
    (["spec", "layers"], [3, 0, 2], "network.spec.layers", "positive integer"),
    (["initial_seed"], -4, "network.initial_seed", "integer from 0"),
    (["pending"], {"key": 5}, "network.pending.key", "fingerprint"),
    (["pending"], {"key": "ab", "nonsense": 1}, "network.pending.nonsense", "unknown field"),
])
def test_from_dict_names_the_path_of_a_bad_field(path, value, field, words) -> None:
    with pytest.raises(SpecError) as err:
        Network.from_dict(_with(_adam_doc(), path, value))
    assert err.value.field == field
    assert words in str(err.value)


def test_from_dict_refuses_a_non_object_and_a_missing_optimizer_half() -> None:
    doc = _adam_doc()
    del doc["optimizer_state"]["m"]["biases"]
    with pytest.raises(SpecError) as err:
        Network.from_dict(doc)
    assert err.value.field == "network.optimizer_state.m"
    with pytest.raises(SpecError) as err:
        Network.from_dict([1, 2])  # type: ignore[arg-type]
    assert err.value.field == "network"


def test_documents_without_new_fields_still_load() -> None:
    doc = _adam_doc()
    for key in ("initial_seed", "initial_weights", "initial_biases", "pending",
                "optimizer_state"):
        doc.pop(key)
    back = Network.from_dict(doc)
    assert back.initial_seed == back.spec.seed and back.step == 2
