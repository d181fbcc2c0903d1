"""Activation functions as a lookup table of {forward, derivative}, TF-Playground style.

`derivative(z, a, grad_a)` is the chain rule through the activation: given ∂L/∂a of a batch
(rows are samples) it returns ∂L/∂z. For elementwise activations that is grad_a · a'(z);
softmax couples the outputs of a row, so it applies its Jacobian instead.
Both take an optional `out` array to write into (the fast loop preallocates them); the
result is the same to the last bit either way. The engine calls them under
`np.errstate(all="ignore")`: sigmoid's exp(−z) may overflow to inf, which gives exactly 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01
Out = np.ndarray | None


@dataclass(frozen=True)
class Activation:
    """One activation: forward a = f(z) and the backward step ∂L/∂z from ∂L/∂a."""

    name: str
    forward: Callable[..., np.ndarray]  # (z, out=None) -> a
    derivative: Callable[..., np.ndarray]  # (z, a, grad_a, out=None) -> grad_z
    output_only: bool = False
    min_outputs: int = 1  # neurons its layer needs (softmax over one output is always 1)


def _identity(z: np.ndarray, out: Out = None) -> np.ndarray:
    return z


def _linear_der(z: np.ndarray, a: np.ndarray, g: np.ndarray, out: Out = None) -> np.ndarray:
    return g


def _sigmoid(z: np.ndarray, out: Out = None) -> np.ndarray:
    """σ(z) = 1/(1 + e^−z)."""
    a = np.negative(z, out=out)
    np.exp(a, out=a)
    a += 1.0
    return np.reciprocal(a, out=a)


def _sigmoid_der(z: np.ndarray, a: np.ndarray, g: np.ndarray, out: Out = None) -> np.ndarray:
    """g · σ'(z), with σ'(z) = a(1 − a)."""
    d = np.subtract(1.0, a, out=out)
    d *= a
    d *= g
    return d


def _tanh(z: np.ndarray, out: Out = None) -> np.ndarray:
    return np.tanh(z, out=out)


def _tanh_der(z: np.ndarray, a: np.ndarray, g: np.ndarray, out: Out = None) -> np.ndarray:
    """g · (1 − a²)."""
    d = np.multiply(a, a, out=out)
    np.subtract(1.0, d, out=d)
    d *= g
    return d


def _relu(z: np.ndarray, out: Out = None) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def _relu_der(z: np.ndarray, a: np.ndarray, g: np.ndarray, out: Out = None) -> np.ndarray:
    """g where z > 0, else 0 (the kink at 0 counts as 0)."""
    return np.multiply(g, z > 0.0, out=out)


def _leaky_slope(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def _leaky_relu(z: np.ndarray, out: Out = None) -> np.ndarray:
    """z for z > 0, else 0.01·z."""
    return np.multiply(z, _leaky_slope(z), out=out)


def _leaky_relu_der(z: np.ndarray, a: np.ndarray, g: np.ndarray, out: Out = None) -> np.ndarray:
    return np.multiply(g, _leaky_slope(z), out=out)


def _softmax(z: np.ndarray, out: Out = None) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so exp never overflows."""
    e = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _softmax_der(z: np.ndarray, a: np.ndarray, g: np.ndarray, out: Out = None) -> np.ndarray:
    """Jacobian-vector product: ∂L/∂z_j = a_j·(∂L/∂a_j − Σ_k ∂L/∂a_k·a_k)."""
    d = np.subtract(g, (g * a).sum(axis=-1, keepdims=True), out=out)
    d *= a
    return d


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation("linear", _identity, _linear_der),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_der),
    "tanh": Activation("tanh", _tanh, _tanh_der),
    "relu": Activation("relu", _relu, _relu_der),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _leaky_relu_der),
    "softmax": Activation("softmax", _softmax, _softmax_der, output_only=True, min_outputs=2),
}
