"""Update rules as a lookup table: plain gradient descent, momentum and Adam.

Each rule is a pure function: (parameter, gradient, state, hyper-parameters, t) → (new
parameter, new state). Nothing is changed in place, so a trace can keep old and new values
and a diverging step can be thrown away. `t` is the 1-based number of the update (Adam's
bias correction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

State = tuple[np.ndarray, ...]


class Hyper(Protocol):
    """The spec fields an update rule reads."""

    @property
    def learning_rate(self) -> float: ...
    @property
    def momentum(self) -> float: ...
    @property
    def beta1(self) -> float: ...
    @property
    def beta2(self) -> float: ...
    @property
    def epsilon(self) -> float: ...


@dataclass(frozen=True)
class Optimizer:
    """An update rule and the names of the per-parameter arrays it carries between steps."""

    name: str
    state_names: tuple[str, ...]
    update: Callable[[np.ndarray, np.ndarray, State, Hyper, int], tuple[np.ndarray, State]]
    parameters: tuple[str, ...] = ()  # the spec fields the rule reads


def _sgd(p: np.ndarray, g: np.ndarray, s: State, h: Hyper, t: int) -> tuple[np.ndarray, State]:
    """w ← w − η·g."""
    return p - h.learning_rate * g, s


def _momentum(
    p: np.ndarray, g: np.ndarray, s: State, h: Hyper, t: int
) -> tuple[np.ndarray, State]:
    """v ← μ·v − η·g; w ← w + v (the velocity is exactly how far the weight moved)."""
    v = h.momentum * s[0] - h.learning_rate * g
    return p + v, (v,)


def _adam(p: np.ndarray, g: np.ndarray, s: State, h: Hyper, t: int) -> tuple[np.ndarray, State]:
    """m, v ← moving averages of g and g²; w ← w − η·m̂/(√v̂ + ε) with bias correction."""
    m = h.beta1 * s[0] + (1.0 - h.beta1) * g
    v = h.beta2 * s[1] + (1.0 - h.beta2) * (g * g)
    m_hat = m / (1.0 - h.beta1**t)
    v_hat = v / (1.0 - h.beta2**t)
    return p - h.learning_rate * m_hat / (np.sqrt(v_hat) + h.epsilon), (m, v)


OPTIMIZER_RULES: dict[str, Optimizer] = {
    "sgd": Optimizer("sgd", (), _sgd, ("learning_rate",)),
    "momentum": Optimizer("momentum", ("velocity",), _momentum, ("learning_rate", "momentum")),
    "adam": Optimizer("adam", ("m", "v"), _adam, ("learning_rate", "beta1", "beta2", "epsilon")),
}
