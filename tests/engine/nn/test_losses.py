"""Loss table: per-sample values as the issue defines them, and their gradients."""

from __future__ import annotations

import numpy as np
import pytest

from engine.nn.losses import FUSED, LOSSES, REGULARIZERS

OUT = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
T = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_per_sample_values() -> None:
    np.testing.assert_allclose(LOSSES["half_sse"].forward(OUT, T), 0.5 * ((T - OUT) ** 2).sum(1))
    np.testing.assert_allclose(LOSSES["mse"].forward(OUT, T), ((OUT - T) ** 2).mean(1))
    bce = -(T * np.log(OUT) + (1 - T) * np.log(1 - OUT)).mean(1)
    np.testing.assert_allclose(LOSSES["bce"].forward(OUT, T), bce)
    np.testing.assert_allclose(LOSSES["cross_entropy"].forward(OUT, T), [-np.log(0.7),
                                                                       -np.log(0.6)])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_derivative_matches_finite_differences(name: str) -> None:
    loss = LOSSES[name]
    numeric = np.zeros_like(OUT)
    for i in np.ndindex(OUT.shape):
        up, down = OUT.copy(), OUT.copy()
        up[i] += 1e-7
        down[i] -= 1e-7
        numeric[i] = (loss.forward(up, T) - loss.forward(down, T))[i[0]] / 2e-7
    np.testing.assert_allclose(loss.derivative(OUT, T), numeric, rtol=1e-6)


@pytest.mark.parametrize(("activation", "loss"), sorted(FUSED))
def test_fused_losses_equal_the_plain_ones(activation: str, loss: str) -> None:
    from engine.nn.activations import ACTIVATIONS

    z = np.array([[0.3, -1.2, 2.0], [-0.5, 0.8, 0.1]])
    a = ACTIVATIONS[activation].forward(z)
    fused = FUSED[(activation, loss)]
    np.testing.assert_allclose(fused.forward(z, T), LOSSES[loss].forward(a, T), rtol=1e-13)
    chained = ACTIVATIONS[activation].derivative(z, a, LOSSES[loss].derivative(a, T))
    np.testing.assert_allclose(fused.derivative(z, a, T), chained, rtol=1e-12, atol=1e-15)


def test_fused_bce_does_not_saturate_to_infinity() -> None:
    z = np.array([[800.0], [-800.0]])
    losses = FUSED[("sigmoid", "bce")].forward(z, np.array([[0.0], [1.0]]))
    assert losses.tolist() == [800.0, 800.0]


def test_regularizers() -> None:
    w = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert REGULARIZERS["l1"].penalty(w) == 3.5
    assert REGULARIZERS["l2"].penalty(w) == 0.5 * 5.25
    assert REGULARIZERS["l1"].derivative(w).tolist() == [[1.0, -1.0], [1.0, 0.0]]
    assert REGULARIZERS["l2"].derivative(w) is w
