"""Weight initialisations as a lookup table: name → (rng, n_out, n_in, scale) → array.

Weights are drawn layer by layer from one `numpy.random.default_rng(seed)`, so a seed
fixes every starting weight. Biases start at zero.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np

Initializer = Callable[[np.random.Generator, int, int, float], np.ndarray]


def _zeros(rng: np.random.Generator, n_out: int, n_in: int, scale: float) -> np.ndarray:
    return np.zeros((n_out, n_in))


def _constant(rng: np.random.Generator, n_out: int, n_in: int, scale: float) -> np.ndarray:
    return np.full((n_out, n_in), float(scale))


def _uniform(rng: np.random.Generator, n_out: int, n_in: int, scale: float) -> np.ndarray:
    """U(−scale, scale)."""
    return rng.uniform(-scale, scale, (n_out, n_in))


def _normal(rng: np.random.Generator, n_out: int, n_in: int, scale: float) -> np.ndarray:
    """N(0, 1)·scale (seed 001 uses scale 0.01)."""
    return rng.standard_normal((n_out, n_in)) * scale


def _xavier(rng: np.random.Generator, n_out: int, n_in: int, scale: float) -> np.ndarray:
    """Glorot uniform: U(−l, l), l = √(6/(n_in + n_out)), times scale."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, (n_out, n_in)) * scale


def _he(rng: np.random.Generator, n_out: int, n_in: int, scale: float) -> np.ndarray:
    """He normal: N(0, 2/n_in), times scale (for relu layers)."""
    return rng.standard_normal((n_out, n_in)) * (np.sqrt(2.0 / n_in) * scale)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": _zeros,
    "constant": _constant,
    "uniform": _uniform,
    "normal": _normal,
    "xavier": _xavier,
    "he": _he,
}


def initial_weights(
    layers: tuple[int, ...], init: str, scale: float, seed: int
) -> list[np.ndarray]:
    """Starting weights for every layer; weights[k] has shape (layers[k+1], layers[k])."""
    rng = np.random.default_rng(seed)
    make = INITIALIZERS[init]
    return [make(rng, n_out, n_in, scale) for n_in, n_out in pairwise(layers)]
