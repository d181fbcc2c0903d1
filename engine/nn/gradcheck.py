"""Numerical gradients by central differences, to show (and test) that backprop is right."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.nn import passes
from engine.nn.passes import Arrays, Biases, Plan

# Below this size a gradient is compared absolutely: differences of ~1e-10 are rounding noise.
RELATIVE_FLOOR = 1e-4


@dataclass(frozen=True)
class GradientCheck:
    """Analytic vs central-difference gradients for every parameter."""

    analytic: tuple[np.ndarray, ...]  # flattened per parameter array, weights then biases
    numerical: tuple[np.ndarray, ...]
    max_relative_error: float


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> np.ndarray:
    """|a − n| / max(|a|, |n|, RELATIVE_FLOOR), elementwise."""
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numerical)), RELATIVE_FLOOR)
    return np.abs(analytic - numerical) / scale


def _loss(plan: Plan, ws: Arrays, bs: Biases, X: np.ndarray, Y: np.ndarray) -> float:
    zs, acts = passes.forward(plan, ws, bs, X)
    return passes.reduce(plan, passes.sample_losses(plan, zs, acts, Y), ws)


def _numerical(
    plan: Plan, ws: Arrays, bs: Biases, X: np.ndarray, Y: np.ndarray, p: np.ndarray, h: float
) -> np.ndarray:
    """(L(p_i + h) − L(p_i − h)) / 2h for every element of `p` (which is one of ws/bs)."""
    flat = p.reshape(-1)
    out = np.empty(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = _loss(plan, ws, bs, X, Y)
        flat[i] = old - h
        down = _loss(plan, ws, bs, X, Y)
        flat[i] = old
        out[i] = (up - down) / (2.0 * h)
    return out


def check_gradients(
    plan: Plan, ws: Arrays, bs: Biases, X: np.ndarray, Y: np.ndarray, h: float
) -> GradientCheck:
    """Backprop's gradients of the reduced batch loss next to numerical ones."""
    ws = [W.copy() for W in ws]
    bs = [None if b is None else b.copy() for b in bs]
    zs, acts = passes.forward(plan, ws, bs, X)
    _, gz = passes.backward(plan, ws, zs, acts, Y, passes.output_grad_a(plan, acts, Y))
    dws, dbs = passes.param_grads(plan, ws, bs, acts, gz, slice(None))
    params = [*ws, *(b for b in bs if b is not None)]
    grads = [*dws, *(db for db in dbs if db is not None)]
    analytic = tuple(g.reshape(-1).copy() for g in grads)
    numerical = tuple(_numerical(plan, ws, bs, X, Y, p, h) for p in params)
    errors = [relative_error(a, n).max(initial=0.0) for a, n in zip(analytic, numerical,
                                                                     strict=True)]
    return GradientCheck(analytic, numerical, float(max(errors, default=0.0)))
