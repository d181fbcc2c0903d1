"""POST …/step?form=layers: the per-edge trace's numbers as per-layer float64 arrays.

Two identical random networks run the same phases, one answering per edge, one per layer;
every number of the layer form, decoded, equals the per-edge form's to the last bit — also
when the caller leaves out the matrices it holds (`omit`) and puts them back itself.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.serialize import f64, weights_crc
from tests.app.conftest import MakeNetwork

HIDDEN = ("tanh", "relu", "sigmoid", "leaky_relu")
NODE_FIELDS = ("z", "a", "grad_z", "grad_a", "bias", "grad_bias", "new_bias")
EDGE_FIELDS = {"weight": "weights", "grad": "grad_weights", "new_weight": "new_weights"}


def random_body(seed: int) -> dict[str, Any]:
    """A random 2–4-layer net with its own data; optimizers and biases vary with the seed."""
    rng = np.random.default_rng(seed)
    layers = [int(n) for n in rng.integers(1, 6, size=2 + seed % 3)]
    m = int(rng.integers(1, 9))
    return {
        "layers": layers, "seed": seed, "init": "normal", "learning_rate": 0.1,
        "activations": [HIDDEN[(seed + k) % len(HIDDEN)] for k in range(len(layers) - 2)]
        + ["linear"],
        "optimizer": ("sgd", "momentum", "adam")[seed % 3],
        "use_bias": [bool((seed >> k) & 1) or k == 0 for k in range(len(layers) - 1)],
        "inputs": rng.normal(0, 1, (m, layers[0])).tolist(),
        "targets": rng.normal(0, 1, (m, layers[-1])).tolist(),
    }


def decode(text: str | None, shape: tuple[int, ...]) -> np.ndarray | None:
    if text is None:
        return None
    return np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(shape)


def step(client: TestClient, ident: str, phase: str, form: str | None = None
         ) -> dict[str, Any]:
    query = "" if form is None else f"?form={form}"
    response = client.post(f"/api/networks/{ident}/step{query}", json={"phase": phase})
    assert response.status_code == 200, response.text
    trace: dict[str, Any] = response.json()
    return trace


def same_numbers(edges: dict[str, Any], layers: dict[str, Any]) -> int:
    """Assert every node and edge number agrees; answer how many were compared."""
    assert layers["form"] == "layers"
    for key in ("phase", "phases_run", "step", "loss", "sample_losses", "focus", "sample",
                "outputs", "targets"):
        assert layers[key] == edges[key], key
    by_layer = {item["layer"]: item for item in layers["layers"]}
    compared = 0
    for node in edges["nodes"]:
        item = by_layer[node["layer"]]
        for name in NODE_FIELDS:
            values = decode(item.get(name), (item["size"],))
            got = None if values is None else float(values[node["index"]])
            assert got == node[name], (node["layer"], node["index"], name)
            compared += 1
        state = item.get("bias_optimizer")
        if node["bias_optimizer"]:
            assert {k: float(decode(v, (item["size"],))[node["index"]])  # type: ignore[index]
                    for k, v in state.items()} == node["bias_optimizer"]
    for edge in edges["edges"]:
        item = by_layer[edge["layer"]]
        shape = tuple(item["shape"])
        at = (edge["target"], edge["source"])
        for name, matrix in EDGE_FIELDS.items():
            values = decode(item[matrix], shape)
            assert (None if values is None else float(values[at])) == edge[name], name
            compared += 1
        below = decode(by_layer[edge["layer"] - 1]["a"], (by_layer[edge["layer"] - 1]["size"],))
        weights = decode(item["weights"], shape)
        assert below is not None and weights is not None
        assert float(weights[at] * below[edge["source"]]) == edge["signal"]
        if edge["optimizer"]:
            assert {k: float(decode(v, shape)[at])  # type: ignore[index]
                    for k, v in item["weight_optimizer"].items()} == edge["optimizer"]
    return compared


@pytest.mark.parametrize("seed", range(9))
def test_layer_form_equals_the_edge_form(client: TestClient, make_network: MakeNetwork,
                                         seed: int) -> None:
    body = random_body(seed)
    per_edge, per_layer = make_network(**body)["id"], make_network(**body)["id"]
    for phase in ("forward", "backward", "update", "all", "update"):
        edges = step(client, per_edge, phase)
        layers = step(client, per_layer, phase, "layers")
        assert same_numbers(edges, layers) > 0


def test_edges_stay_the_default(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    assert "edges" in step(client, ident, "forward")
    assert "edges" in step(client, ident, "backward", "edges")


def test_an_unknown_form_is_refused(client: TestClient, make_network: MakeNetwork) -> None:
    response = client.post(f"/api/networks/{make_network()['id']}/step?form=rows",
                           json={"phase": "forward"})
    assert response.status_code == 422
    assert "form" in response.text


def test_overflow_in_the_layer_form_is_a_422(client: TestClient, make_network: MakeNetwork
                                             ) -> None:
    ident = make_network(layers=[1, 1, 1], activations=["linear"] * 2, use_bias=False,
                         weights=[[[1e9]], [[1e9]]], inputs=[[1e9]], targets=[[0]],
                         learning_rate=1000)["id"]
    responses = [client.post(f"/api/networks/{ident}/step?form=layers", json={})
                 for _ in range(6)]
    refused = [r for r in responses if r.status_code != 200]
    assert refused and refused[0].status_code == 422
    assert "learning rate" in refused[0].json()["message"]


def test_the_layer_form_carries_every_samples_matrices_when_asked(
        client: TestClient, make_network: MakeNetwork) -> None:
    body = random_body(4)
    one, other = make_network(**body)["id"], make_network(**body)["id"]
    edges = client.post(f"/api/networks/{one}/step", json={"phase": "backward",
                                                             "matrices": True}).json()
    layers = client.post(f"/api/networks/{other}/step?form=layers",
                         json={"phase": "backward", "matrices": True}).json()
    assert layers["matrices"] == edges["matrices"]
    assert len(layers["matrices"]) == len(body["layers"])
    assert same_numbers(edges, layers) > 0


COMPACT = "layers&omit=weights&omit=grad_weights"  # what the page asks (static/js/api.js)


def put_back(answer: dict[str, Any], held: dict[tuple[int, str], str | None]) -> None:
    """Fill each omitted matrix from `held` (what earlier answers or the state brought), as
    the page does; then remember this answer's matrices (after an update: the new weights)."""
    for item in answer["layers"][1:]:  # layer 0, the inputs, has no matrices
        for name in ("weights", "grad_weights"):
            if name in answer["omitted"]:
                assert item[name] is None, (item["layer"], name)
                item[name] = held[item["layer"], name]
            held[item["layer"], name] = item[name]
        if item["new_weights"] is not None:
            held[item["layer"], "weights"] = item["new_weights"]
            held[item["layer"], "grad_weights"] = None


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_leaving_out_held_matrices_keeps_every_number(
        client: TestClient, make_network: MakeNetwork, optimizer: str) -> None:
    body = {**random_body(5), "optimizer": optimizer}
    per_edge, state = make_network(**body)["id"], make_network(**body)
    held: dict[tuple[int, str], str | None] = {
        (k + 1, "weights"): f64(np.array(w)) for k, w in enumerate(state["weights"])}
    omitted = []
    for phase in ("forward", "backward", "update", "all", "backward", "update"):
        edges = step(client, per_edge, phase)
        compact = step(client, state["id"], phase, COMPACT)
        omitted.append(compact["omitted"])
        put_back(compact, held)
        assert same_numbers(edges, compact) > 0
    assert omitted == [["weights"], ["weights"], ["weights", "grad_weights"], ["weights"],
                       ["weights"], ["weights", "grad_weights"]]


def test_an_update_leaves_out_what_the_caller_holds(client: TestClient,
                                                    make_network: MakeNetwork) -> None:
    body = {**random_body(5), "optimizer": "adam"}
    full, compact = make_network(**body)["id"], make_network(**body)["id"]
    for phase in ("forward", "backward"):
        step(client, full, phase, "layers")
        step(client, compact, phase, COMPACT)
    whole = step(client, full, "update", "layers")
    part = step(client, compact, "update", COMPACT)
    for big, small in zip(whole["layers"][1:], part["layers"][1:], strict=True):
        assert (small["weights"], small["grad_weights"]) == (None, None)
        assert big["weights"] is not None and big["grad_weights"] is not None
        same = ("new_weights", "new_bias", "weight_optimizer", "bias_optimizer", "z", "a")
        assert {k: small[k] for k in same} == {k: big[k] for k in same}


def test_a_gradient_computed_anew_is_sent_though_omitted(client: TestClient,
                                                         make_network: MakeNetwork) -> None:
    ident = make_network(**random_body(5))["id"]
    step(client, ident, "forward", COMPACT)
    step(client, ident, "backward", COMPACT)
    response = client.post(f"/api/networks/{ident}/step?form={COMPACT}",
                           json={"phase": "update", "sample": 0})  # other gradients: sample 0's
    answer = response.json()
    assert answer["phases_run"] == ["backward", "update"]
    assert answer["omitted"] == ["weights"]
    assert all(item["grad_weights"] for item in answer["layers"][1:])


def test_weights_the_caller_holds_wrongly_are_sent_after_all(client: TestClient,
                                                             make_network: MakeNetwork) -> None:
    state = make_network(**random_body(5))
    held = weights_crc([np.array(w) for w in state["weights"]])
    edited = client.patch(f"/api/networks/{state['id']}",  # another client edits a weight
                          json={"weight": {"layer": 1, "source": 0, "target": 0, "value": 0.5}})
    assert edited.status_code == 200, edited.text
    query = "layers&omit=weights&weights_crc="
    stale = step(client, state["id"], "forward", f"{query}{held}")
    assert stale["omitted"] == []
    weights = decode(stale["layers"][1]["weights"], tuple(stale["layers"][1]["shape"]))
    assert weights is not None and weights[0, 0] == 0.5
    now = weights_crc([np.array(w) for w in edited.json()["weights"]])
    assert now != held
    assert step(client, state["id"], "forward", f"{query}{now}")["omitted"] == ["weights"]


@pytest.mark.parametrize("query,word", [
    ("omit=weights", "form=layers"),  # the per-edge form is always whole
    ("form=edges&omit=grad_weights", "form=layers"),
    ("form=layers&omit=z", "omit"),  # node vectors are always sent
    ("form=layers&omit=new_weights", "omit"),
    ("form=layers&weights_crc=7", "omit=weights"),  # a check of weights it does not omit
    ("form=layers&omit=weights&weights_crc=-1", "weights_crc"),
    ("form=layers&omit=weights&weights_crc=4294967296", "weights_crc"),  # 2**32: not a CRC-32
    ("form=layers&omit=weights&weights_crc=7.5", "weights_crc"),
])
def test_a_bad_omit_is_a_422_that_says_why(client: TestClient, make_network: MakeNetwork,
                                          query: str, word: str) -> None:
    response = client.post(f"/api/networks/{make_network()['id']}/step?{query}",
                           json={"phase": "forward"})
    assert response.status_code == 422
    assert word in response.json()["message"]
