"""StepTrace: per-layer arrays expanded into one record per neuron and per weight."""

from __future__ import annotations

import numpy as np
import pytest

from engine.nn.network import Network, NetworkSpec


def _net(optimizer: str) -> Network:
    spec = NetworkSpec.from_dict({"layers": [2, 3, 2], "activations": ["relu", "softmax"],
                                  "loss": "cross_entropy", "optimizer": optimizer,
                                  "learning_rate": 0.1, "seed": 2})
    return Network(spec)


X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]])
Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])


def test_nodes_are_ordered_and_carry_layer_values() -> None:
    trace = _net("sgd").trace_step(X, Y, focus=1)
    nodes = trace.nodes
    assert [(n.layer, n.index) for n in nodes] == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2),
                                                   (2, 0), (2, 1)]
    assert [n.a for n in nodes[:2]] == [1.5, 0.25] and nodes[0].z is None
    assert nodes[0].bias is None and nodes[2].bias == 0.0
    hidden = trace.layers[1]
    assert [n.z for n in nodes[2:5]] == hidden.z.tolist()
    assert sum(n.a for n in nodes[5:]) == pytest.approx(1.0)
    assert [n.new_bias for n in nodes[5:]] == trace.layers[2].new_bias.tolist()


def test_output_node_gradients_of_softmax_cross_entropy() -> None:
    trace = _net("sgd").trace_step(X, Y, phase="backward", focus=2)
    out = trace.layers[2]
    np.testing.assert_allclose(out.grad_z, out.a - Y[2], atol=1e-15)
    np.testing.assert_allclose(out.grad_a, -Y[2] / out.a)


def test_input_gradient_matches_a_numerical_one() -> None:
    net = _net("sgd")
    trace = net.trace_step(X[:1], Y[:1], phase="backward")
    numeric = []
    for j in range(2):
        up, down = X[:1].copy(), X[:1].copy()
        up[0, j] += 1e-6
        down[0, j] -= 1e-6
        numeric.append((net.loss(up, Y[:1]) - net.loss(down, Y[:1])) / 2e-6)
    np.testing.assert_allclose(trace.layers[0].grad_a, numeric, rtol=1e-6)


@pytest.mark.parametrize(("optimizer", "names"), [("sgd", None), ("momentum", {"velocity"}),
                                                  ("adam", {"m", "v"})])
def test_optimizer_state_on_edges_and_biases(optimizer: str, names) -> None:
    trace = _net(optimizer).trace_step(X, Y)
    edge, node = trace.edges[4], trace.nodes[3]
    if names is None:
        assert edge.optimizer is None and node.bias_optimizer is None
        return
    assert set(edge.optimizer) == names and set(node.bias_optimizer) == names
    layer = trace.layers[1]
    name = sorted(names)[0]
    assert edge.optimizer[name] == layer.weight_optimizer[name][edge.target, edge.source]
    assert node.bias_optimizer[name] == layer.bias_optimizer[name][node.index]


def test_edges_report_old_and_new_weights_and_gradient() -> None:
    trace = _net("sgd").trace_step(X, Y)
    for edge in trace.edges:
        layer = trace.layers[edge.layer]
        assert edge.weight == layer.weights[edge.target, edge.source]
        assert edge.grad == layer.grad_weights[edge.target, edge.source]
        assert edge.new_weight == pytest.approx(edge.weight - 0.1 * edge.grad, abs=1e-15)
