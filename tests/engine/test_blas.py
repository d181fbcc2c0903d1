"""engine/blas.py: BLAS calls use the threads the process allows, with the same numbers."""

from __future__ import annotations

import numpy as np

from engine.blas import blas_threads, limit_blas_threads


def test_a_limit_is_kept_and_zero_leaves_it_as_it_is() -> None:
    assert limit_blas_threads(2) == 2
    assert limit_blas_threads(0) == 2
    assert limit_blas_threads(1) == blas_threads() == 1


def test_one_thread_gives_the_product_to_rounding() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(1000, 64)), rng.normal(size=(64, 64))
    limit_blas_threads(2)
    two = a @ b
    limit_blas_threads(1)
    np.testing.assert_allclose(a @ b, two, rtol=1e-13, atol=1e-13)
