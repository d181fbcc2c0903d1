"""Activation table: forward values and derivatives against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from engine.nn.activations import ACTIVATIONS, LEAKY_SLOPE

Z = np.array([[-3.0, -0.7, 0.4, 2.5], [1.0, -1.5, 0.2, -0.1]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_finite_differences(name: str) -> None:
    act = ACTIVATIONS[name]
    g = np.array([[0.3, -1.2, 0.5, 2.0], [1.0, 0.1, -0.4, 0.7]])
    a = act.forward(Z)
    analytic = act.derivative(Z, a, g)
    numeric = np.zeros_like(Z)
    h = 1e-6
    for i in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = ((act.forward(up) - act.forward(down)) * g).sum() / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)


def test_forward_values() -> None:
    z = np.array([[-2.0, 0.0, 3.0]])
    assert ACTIVATIONS["relu"].forward(z).tolist() == [[0.0, 0.0, 3.0]]
    assert ACTIVATIONS["leaky_relu"].forward(z).tolist() == [[-2 * LEAKY_SLOPE, 0.0, 3.0]]
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].forward(z), 1 / (1 + np.exp(-z)),
                               rtol=1e-15)
    soft = ACTIVATIONS["softmax"].forward(np.array([[1000.0, 1000.0, -1000.0]]))
    np.testing.assert_allclose(soft, [[0.5, 0.5, 0.0]])
    with np.errstate(over="ignore"):  # the engine calls the table under errstate
        assert ACTIVATIONS["sigmoid"].forward(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]
    assert ACTIVATIONS["softmax"].output_only and not ACTIVATIONS["tanh"].output_only
