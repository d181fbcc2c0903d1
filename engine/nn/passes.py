"""The array math of one step, shared by the traced phases and the fast training loop.

Rows are samples. Node gradients (`grad_a`, `grad_z`) are kept per sample and unscaled: row i
holds ∂(loss of sample i)/∂(that sample's node values). Parameter gradients take the rows the
update uses and apply the reduction (÷m for "mean"), plus the regularization gradient.
Both the traced and the fast paths call these same functions, so their numbers agree bit
for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import FUSED, LOSSES, REGULARIZERS, FusedLoss, Loss, Regularizer
from engine.nn.optimizers import OPTIMIZER_RULES, Optimizer, State
from engine.nn.spec import NetworkSpec

Arrays = list[np.ndarray]
_sum = np.add.reduce
Biases = list[np.ndarray | None]


@dataclass(frozen=True)
class Plan:
    """The spec's functions looked up once: per-layer forward/derivative, loss, penalty."""

    forward: tuple[Callable[..., np.ndarray], ...]
    derivative: tuple[Callable[..., np.ndarray], ...]
    loss: Loss
    fused: FusedLoss | None
    mean: bool
    regularizer: Regularizer | None
    regularization_rate: float
    optimizer: Optimizer

    @classmethod
    def of(cls, spec: NetworkSpec) -> Plan:
        """Look up every function the spec names."""
        acts = [ACTIVATIONS[name] for name in spec.activations]
        reg = REGULARIZERS.get(spec.regularization) if spec.regularization_rate > 0 else None
        return cls(
            forward=tuple(a.forward for a in acts),
            derivative=tuple(a.derivative for a in acts),
            loss=LOSSES[spec.loss],
            fused=FUSED.get((spec.activations[-1], spec.loss)),
            mean=spec.reduction == "mean",
            regularizer=reg,
            regularization_rate=spec.regularization_rate,
            optimizer=OPTIMIZER_RULES[spec.optimizer],
        )


def forward(plan: Plan, ws: Arrays, bs: Biases, X: np.ndarray) -> tuple[Arrays, Arrays]:
    """Pre-activations zs[k] and activations acts[k] of every layer (zs[0] is X too)."""
    zs = [X]
    acts = [X]
    a = X
    for W, b, f in zip(ws, bs, plan.forward, strict=True):
        z = a @ W.T
        if b is not None:
            z += b
        a = f(z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def sample_losses(plan: Plan, zs: Arrays, acts: Arrays, Y: np.ndarray) -> np.ndarray:
    """Each sample's own loss, shape (m,)."""
    if plan.fused is not None:
        return plan.fused.forward(zs[-1], Y)
    return plan.loss.forward(acts[-1], Y)


def penalty(plan: Plan, ws: Arrays) -> float:
    """The regularization term added to the reduced loss (weights only, not biases)."""
    reg = plan.regularizer
    if reg is None:
        return 0.0
    return plan.regularization_rate * sum(reg.penalty(W) for W in ws)


def reduce(plan: Plan, losses: np.ndarray, ws: Arrays) -> float:
    """The loss the update minimises: mean or sum of the sample losses, plus the penalty."""
    total = float(_sum(losses))
    if plan.mean:
        total /= losses.shape[0]
    if plan.regularizer is not None:
        total += penalty(plan, ws)
    return total


def output_grad_a(plan: Plan, acts: Arrays, Y: np.ndarray) -> np.ndarray:
    """∂(sample loss)/∂(output activation), per sample (shown on the output nodes)."""
    return plan.loss.derivative(acts[-1], Y)


def backward(
    plan: Plan, ws: Arrays, zs: Arrays, acts: Arrays, Y: np.ndarray, grad_out: np.ndarray | None
) -> tuple[list[Any], Arrays]:
    """Per-sample ∂loss/∂a and ∂loss/∂z of every non-input layer, from the output back.

    `grad_out` is the output ∂loss/∂a (needed unless the loss is fused with the output
    activation). Index k of the returned lists is layer k; index 0 is left empty (None).
    """
    n = len(ws)
    ga: list[Any] = [None] * (n + 1)
    gz: list[Any] = [None] * (n + 1)
    ga[n] = grad_out
    if plan.fused is not None:
        gz[n] = plan.fused.derivative(zs[n], acts[n], Y)
    else:
        assert grad_out is not None
        gz[n] = plan.derivative[n - 1](zs[n], acts[n], grad_out)
    for k in range(n, 1, -1):
        ga[k - 1] = gz[k] @ ws[k - 1]
        gz[k - 1] = plan.derivative[k - 2](zs[k - 1], acts[k - 1], ga[k - 1])
    return ga, gz


def param_grads(
    plan: Plan, ws: Arrays, bs: Biases, acts: Arrays, gz: Arrays, rows: slice
) -> tuple[Arrays, Biases]:
    """∂L/∂W and ∂L/∂b of the reduced loss over `rows`, exactly as the update uses them."""
    dws: Arrays = []
    dbs: Biases = []
    for k, W in enumerate(ws):
        g = gz[k + 1][rows]
        dW = g.T @ acts[k][rows]
        db = _sum(g, 0) if bs[k] is not None else None
        m = g.shape[0]
        if plan.mean and m > 1:  # x / 1 == x exactly: skip it
            dW /= m
            if db is not None:
                db /= m
        if plan.regularizer is not None:
            dW += plan.regularization_rate * plan.regularizer.derivative(W)
        dws.append(dW)
        dbs.append(db)
    return dws, dbs


def update(
    plan: Plan, hyper: NetworkSpec, params: Sequence[np.ndarray],
    grads: Sequence[np.ndarray], states: Sequence[State], t: int,
) -> tuple[list[np.ndarray], list[State]]:
    """New parameters and optimizer states; the old arrays are left as they were."""
    rule = plan.optimizer.update
    new_params: list[np.ndarray] = []
    new_states: list[State] = []
    for p, g, s in zip(params, grads, states, strict=True):
        new_p, new_s = rule(p, g, s, hyper, t)
        new_params.append(new_p)
        new_states.append(new_s)
    return new_params, new_states


def update_biases(
    plan: Plan, hyper: NetworkSpec, biases: Biases, grads: Biases, states: Sequence[State],
    t: int,
) -> tuple[Biases, list[State]]:
    """`update` for biases: layers without a bias (None) stay None."""
    rule = plan.optimizer.update
    new_biases: Biases = []
    new_states: list[State] = []
    for b, g, s in zip(biases, grads, states, strict=True):
        if b is None or g is None:
            new_biases.append(None)
            new_states.append(s)
            continue
        new_b, new_s = rule(b, g, s, hyper, t)
        new_biases.append(new_b)
        new_states.append(new_s)
    return new_biases, new_states


def all_finite(arrays: Sequence[np.ndarray | None]) -> bool:
    """True when no array holds NaN or ±inf (None entries are skipped).

    Checks each array's sum: NaN and ±inf propagate into it. (A sum can also overflow
    when entries are near 1e308; such parameters count as diverged too.)
    """
    isfinite = math.isfinite
    return all(a is None or isfinite(_sum(a, None)) for a in arrays)


def states_finite(states: Sequence[State]) -> bool:
    """True when every optimizer array (velocity, Adam's m and v) is finite.

    Adam's v = β₂·v + (1 − β₂)·g² overflows to inf once |g| passes ~1e154 while the weights
    stay finite (m̂/√v̂ → 0); such a state could not be saved as JSON, so it counts as
    diverged like a non-finite weight.
    """
    return all(all_finite(s) for s in states)
