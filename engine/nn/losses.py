"""Per-sample losses and weight penalties as lookup tables of {forward, derivative}.

A loss sees a batch: outputs `o` and targets `t` of shape (m, K), one row a sample.
`forward` gives each sample's loss, shape (m,); `derivative` gives ∂(that sample's loss)/∂o,
shape (m, K). The network reduces the per-sample losses by mean or sum.
Some output activation + loss pairs have a simpler, exact and overflow-free gradient with
respect to z (sigmoid + bce, softmax + cross_entropy); `FUSED` holds those shortcuts: their
per-sample loss comes from z (so it stays finite and exact even when σ(z) rounds to 1.0,
e.g. 40.0 for z = 40, t = 0) and ∂loss/∂z is (o − t)/K (sigmoid + bce) or o·Σt − t (softmax
+ cross_entropy), never divided by o(1 − o).

Saturated outputs: bce and cross_entropy clip o into [LOG_EPSILON, 1 − LOG_EPSILON] inside
their logarithms (a wrong output of exactly 0 or 1 costs at most −log(1e-15) ≈ 34.5 per
output) and in ∂loss/∂o, so the ∂L/∂a shown on an output node is always finite: where o is
inside the clip it is the exact derivative; at o exactly 0 or 1 it is the derivative at the
clipped o (for a right answer its limit, e.g. −1 for o = t = 1; for a wrong one about ±1e15
instead of ±inf).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.errors import DatasetError

# Outputs are clipped this far from 0 and 1 inside logarithms (only reached when saturated).
LOG_EPSILON = 1e-15


Out = np.ndarray | None
_sum = np.add.reduce


@dataclass(frozen=True)
class Loss:
    """A per-sample loss over the K outputs of each row, and its gradient.

    `derivative` takes an optional `out` array to write into (the fast loop's buffers).
    """

    name: str
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[..., np.ndarray]  # (o, t, out=None) -> ∂loss/∂o


def _half_sse(o: np.ndarray, t: np.ndarray) -> np.ndarray:
    """½·Σₖ(tₖ − oₖ)²."""
    d = o - t
    d *= d
    return _sum(d, 1) * 0.5


def _half_sse_der(o: np.ndarray, t: np.ndarray, out: Out = None) -> np.ndarray:
    return np.subtract(o, t, out=out)


def _mse(o: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(1/K)·Σₖ(oₖ − tₖ)² (the same bits as a mean over the row)."""
    d = o - t
    d *= d
    return _sum(d, 1) / o.shape[1]


def _mse_der(o: np.ndarray, t: np.ndarray, out: Out = None) -> np.ndarray:
    d = np.subtract(o, t, out=out)
    d *= 2.0 / o.shape[1]
    return d


def _clip(o: np.ndarray) -> np.ndarray:
    return np.clip(o, LOG_EPSILON, 1.0 - LOG_EPSILON)


def _bce(o: np.ndarray, t: np.ndarray) -> np.ndarray:
    c = _clip(o)
    return -(t * np.log(c) + (1.0 - t) * np.log(1.0 - c)).mean(axis=1)


def _bce_der(o: np.ndarray, t: np.ndarray, out: Out = None) -> np.ndarray:
    """(o − t) / (o(1 − o)K) at the clipped o: finite also when o is exactly 0 or 1."""
    c = _clip(o)
    return (c - t) / (c * (1.0 - c) * o.shape[1])


def _cross_entropy(o: np.ndarray, t: np.ndarray) -> np.ndarray:
    return -(t * np.log(_clip(o))).sum(axis=1)


def _cross_entropy_der(o: np.ndarray, t: np.ndarray, out: Out = None) -> np.ndarray:
    """−t / o at the clipped o: finite also when o is exactly 0."""
    return -t / _clip(o)


LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", _half_sse, _half_sse_der),
    "mse": Loss("mse", _mse, _mse_der),
    "bce": Loss("bce", _bce, _bce_der),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, _cross_entropy_der),
}


@dataclass(frozen=True)
class FusedLoss:
    """Loss computed from the output pre-activation z: per-sample value and ∂loss/∂z."""

    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (z, t) -> (m,)
    derivative: Callable[..., np.ndarray]  # (z, a, t, out=None) -> ∂loss/∂z


def _sigmoid_bce(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """bce of σ(z) without logs of 0: max(z,0) − z·t + log(1 + e^−|z|)."""
    return (np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z)))).mean(axis=1)


def _sigmoid_bce_der(z: np.ndarray, a: np.ndarray, t: np.ndarray, out: Out = None) -> np.ndarray:
    d = np.subtract(a, t, out=out)
    d *= 1.0 / a.shape[1]
    return d


def _softmax_ce(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """−Σ t·log softmax(z), with log softmax = z − max − log Σ e^(z − max)."""
    s = z - z.max(axis=1, keepdims=True)
    log_a = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -(t * log_a).sum(axis=1)


def _softmax_ce_der(z: np.ndarray, a: np.ndarray, t: np.ndarray, out: Out = None) -> np.ndarray:
    d = np.multiply(a, t.sum(axis=1, keepdims=True), out=out)
    d -= t
    return d


FUSED: dict[tuple[str, str], FusedLoss] = {
    ("sigmoid", "bce"): FusedLoss(_sigmoid_bce, _sigmoid_bce_der),
    ("softmax", "cross_entropy"): FusedLoss(_softmax_ce, _softmax_ce_der),
}

# Which output activations each loss accepts (the logs need outputs in (0, 1)).
LOSS_OUTPUTS: dict[str, tuple[str, ...] | None] = {
    "half_sse": None,
    "mse": None,
    "bce": ("sigmoid", "softmax"),
    "cross_entropy": ("softmax", "sigmoid"),
}

# Output activations a loss refuses on a single output neuron: −Σ t·log o over one sigmoid
# gives target-0 samples no loss at all (bce, which adds −(1 − t)·log(1 − o), is the one).
ONE_OUTPUT_REFUSED: dict[str, tuple[str, ...]] = {"cross_entropy": ("sigmoid",)}


@dataclass(frozen=True)
class Regularizer:
    """A weight penalty (times the regularization rate) and its gradient."""

    name: str
    penalty: Callable[[np.ndarray], float]
    derivative: Callable[[np.ndarray], np.ndarray]


REGULARIZERS: dict[str, Regularizer] = {
    "l1": Regularizer("l1", lambda w: float(np.abs(w).sum()), np.sign),
    "l2": Regularizer("l2", lambda w: 0.5 * float((w * w).sum()), lambda w: w),
}


# Losses that read targets as probabilities: outside these ranges their value and gradient
# are not the loss of anything (−t·log o with t < 0 rewards being wrong).
TARGET_RANGES: dict[str, tuple[float, float, str]] = {
    "bce": (0.0, 1.0, "binary cross-entropy needs targets from 0 to 1 (labels or "
                      "probabilities); for other targets use mse or half_sse"),
    "cross_entropy": (0.0, 1.0, "cross-entropy needs targets from 0 to 1 (one-hot labels or "
                                "probabilities); for other targets use mse or half_sse"),
}


def check_target_range(loss: str, targets: np.ndarray) -> None:
    """DatasetError naming the first target outside the loss's range, if it has one."""
    if loss not in TARGET_RANGES:
        return
    low, high, message = TARGET_RANGES[loss]
    if targets.min() < low or targets.max() > high:
        row, column = np.argwhere((targets < low) | (targets > high))[0]
        raise DatasetError(f"target {targets[row, column]:g}: {message}", int(row), int(column))
