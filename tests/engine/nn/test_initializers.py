"""Weight initialisations: shapes, seeds and the statistics each one promises."""

from __future__ import annotations

import numpy as np
import pytest

from engine.nn.initializers import INITIALIZERS, initial_weights
from engine.nn.network import INITS, Network, NetworkSpec


def test_every_named_init_exists() -> None:
    assert set(INITS) == set(INITIALIZERS)


@pytest.mark.parametrize("init", INITS)
def test_shapes_and_seeds(init: str) -> None:
    a = initial_weights((3, 5, 2), init, 0.5, seed=4)
    b = initial_weights((3, 5, 2), init, 0.5, seed=4)
    assert [w.shape for w in a] == [(5, 3), (2, 5)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_statistics() -> None:
    big = (400, 300)
    assert not initial_weights(big, "zeros", 1.0, 0)[0].any()
    assert (initial_weights(big, "constant", 0.25, 0)[0] == 0.25).all()
    uniform = initial_weights(big, "uniform", 0.3, 0)[0]
    assert uniform.min() >= -0.3 and uniform.max() <= 0.3 and uniform.max() > 0.29
    normal = initial_weights(big, "normal", 0.01, 0)[0]
    assert normal.std() == pytest.approx(0.01, rel=0.02)
    xavier = initial_weights(big, "xavier", 1.0, 0)[0]
    limit = np.sqrt(6 / 700)
    assert np.abs(xavier).max() <= limit and np.abs(xavier).max() > 0.99 * limit
    he = initial_weights(big, "he", 1.0, 0)[0]
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)


def test_network_draws_from_its_seed_and_starts_biases_at_zero() -> None:
    spec = NetworkSpec.from_dict({"layers": [2, 3, 1], "init": "normal", "seed": 9})
    net = Network(spec)
    expected = np.random.default_rng(9).standard_normal((3, 2))
    assert np.array_equal(net.weights[0], expected)
    assert all(not b.any() for b in net.biases if b is not None)
    other = Network(NetworkSpec.from_dict({"layers": [2, 3, 1], "init": "normal", "seed": 10}))
    assert not np.array_equal(net.weights[0], other.weights[0])
