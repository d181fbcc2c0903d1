"""Small networks and comparisons shared by the engine tests."""

from __future__ import annotations

import json

import numpy as np

from engine.nn.network import Network, NetworkSpec


def make_net(optimizer: str = "sgd", **extra) -> Network:
    """A 3-4-2 tanh/sigmoid MSE network from seed 7; `extra` overrides spec fields."""
    spec = {"layers": [3, 4, 2], "activations": ["tanh", "sigmoid"], "loss": "mse",
            "learning_rate": 0.3, "optimizer": optimizer, "seed": 7, **extra}
    return Network(NetworkSpec.from_dict(spec))


def make_data(m: int = 6, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """m rows of normal inputs (3) and uniform targets (2)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, 3)), rng.uniform(size=(m, 2))


def same(a, b) -> bool:
    """Bitwise equality of arrays, dicts of arrays, or anything else."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is not None and b is not None and np.array_equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def same_state(a: Network, b: Network) -> None:
    """Both networks hold the same state, bit for bit (JSON floats are exact reprs)."""
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
