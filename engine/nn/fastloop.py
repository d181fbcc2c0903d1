"""The fast training loop: many updates without traces, returning the loss history.

Each update runs the traced step's math operation for operation (the same table functions,
in the same order), but into arrays allocated once per batch size, with the layer loop
written out here instead of going through `engine.nn.passes`; the tests check that both give
the same bits. Parameters are copied once when training starts and then updated in place,
so arrays handed out earlier (in traces) never change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np

from engine.errors import DivergenceError, SpecError
from engine.nn import passes
from engine.nn.optimizers import State
from engine.nn.passes import Plan
from engine.nn.spec import NetworkSpec


class Parameters(Protocol):
    """The record the loop updates in place (a `Network` is one): parameters, optimizer
    state, step count and loss history, with the spec and the plan that compute an update."""

    spec: NetworkSpec
    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    weight_state: list[State]
    bias_state: list[State]
    step: int
    loss_history: list[float]

    @property
    def plan(self) -> Plan: ...

Step = Callable[[np.ndarray, np.ndarray], float]


def _count(name: str, value: object, lowest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lowest:
        raise SpecError(name, f"must be an integer ≥ {lowest}, got {value!r}")
    return int(value)


def _batches(
    X: np.ndarray, Y: np.ndarray, size: int | None, rng: np.random.Generator
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch's batches: the whole set, or shuffled slices of `size` rows."""
    m = X.shape[0]
    if size is None or size >= m:
        yield X, Y
        return
    order = rng.permutation(m)
    for start in range(0, m, size):
        rows = order[start:start + size]
        yield X[rows], Y[rows]


def _update_layer(net: Parameters, k: int, dW: np.ndarray, db: np.ndarray | None, t: int) -> None:
    """Momentum/Adam: the optimizer's pure rule (new arrays), as in the traced step."""
    rule, spec = net.plan.optimizer.update, net.spec
    net.weights[k], net.weight_state[k] = rule(net.weights[k], dW, net.weight_state[k], spec, t)
    b = net.biases[k]
    if b is not None and db is not None:
        net.biases[k], net.bias_state[k] = rule(b, db, net.bias_state[k], spec, t)


def make_stepper(net: Parameters, m: int) -> Step:
    """One update on a batch of `m` rows, returning the loss before it."""
    plan, spec = net.plan, net.spec
    sizes = spec.layers[1:]
    Z, A, GA, GZ = ([np.empty((m, n)) for n in sizes] for _ in range(4))
    DW = [np.empty_like(W) for W in net.weights]
    DB = [None if b is None else np.empty_like(b) for b in net.biases]
    fwd, der, fused = plan.forward, plan.derivative, plan.fused
    loss_fwd, loss_der = plan.loss.forward, plan.loss.derivative
    reg, rate = plan.regularizer, plan.regularization_rate
    divide = plan.mean and m > 1  # x / 1 == x exactly: skip it
    sgd = spec.optimizer == "sgd"
    forward_order = list(range(spec.depth))
    backward_order = forward_order[::-1]
    acts: list[np.ndarray] = [np.empty(0)] * (spec.depth + 1)
    matmul, multiply, subtract, add_reduce = np.matmul, np.multiply, np.subtract, np.add.reduce

    def step(X: np.ndarray, Y: np.ndarray) -> float:
        """Forward, loss, backward and update; one piece on purpose: it is the hot loop."""
        ws, bs = net.weights, net.biases  # re-read: a callback may have reset the network
        a = acts[0] = X
        for k in forward_order:
            z = matmul(a, ws[k].T, out=Z[k])
            b = bs[k]
            if b is not None:
                z += b
            a = acts[k + 1] = fwd[k](z, A[k])
        loss = passes.reduce(plan, fused.forward(z, Y) if fused else loss_fwd(a, Y), ws)
        if fused:
            g = fused.derivative(z, a, Y, GZ[-1])
        else:
            g = der[-1](z, a, loss_der(a, Y, GA[-1]), GZ[-1])
        t = net.step = net.step + 1
        for k in backward_order:
            W = ws[k]
            dW = matmul(g.T, acts[k], out=DW[k])
            db = None if DB[k] is None else add_reduce(g, 0, out=DB[k])
            if divide:
                dW /= m
                if db is not None:
                    db /= m
            if reg is not None:
                dW += rate * reg.derivative(W)
            if k:
                g = der[k - 1](Z[k - 1], acts[k], matmul(g, W, out=GA[k - 1]), GZ[k - 1])
            if sgd:  # w − η·g, in place
                lr = net.spec.learning_rate
                subtract(W, multiply(dW, lr, out=dW), out=W)
                b = bs[k]
                if b is not None and db is not None:
                    subtract(b, multiply(db, lr, out=db), out=b)
            else:
                _update_layer(net, k, dW, db, t)
        return loss

    return step


def run_epochs(
    net: Parameters,
    X: np.ndarray,
    Y: np.ndarray,
    epochs: int,
    batch_size: int | None,
    shuffle_seed: int | None,
    callback: Callable[[int, float], bool | None] | None,
    callback_every: int,
) -> list[float]:
    """Train for `epochs`; each epoch's loss is the (mean over its batches) loss before
    its updates. Raises DivergenceError on the first non-finite loss or parameter."""
    epochs = _count("epochs", epochs, 0)
    callback_every = _count("callback_every", callback_every, 1)
    if batch_size is not None:
        batch_size = _count("batch_size", batch_size, 1)
    net.weights = [W.copy() for W in net.weights]
    net.biases = [None if b is None else b.copy() for b in net.biases]
    if batch_size is None or batch_size >= X.shape[0]:
        return _full_batch(net, X, Y, epochs, callback, callback_every)
    rng = np.random.default_rng(shuffle_seed)
    steppers: dict[int, Step] = {}
    out: list[float] = []
    for epoch in range(1, epochs + 1):
        losses = []
        for xb, yb in _batches(X, Y, batch_size, rng):
            step = steppers.get(xb.shape[0]) or steppers.setdefault(
                xb.shape[0], make_stepper(net, xb.shape[0]))
            losses.append(_checked(net, step(xb, yb), epoch))
        out.append(math.fsum(losses) / len(losses))
        if callback and epoch % callback_every == 0 and callback(epoch, out[-1]) is False:
            break
    _check_parameters(net, epochs)
    return out


def _checked(net: Parameters, loss: float, epoch: int) -> float:
    """Record a finite loss in the history, or raise."""
    if not math.isfinite(loss):
        raise DivergenceError(epoch)
    net.loss_history.append(loss)
    return loss


def _check_parameters(net: Parameters, epoch: int) -> None:
    """Parameters and optimizer state, once per call (an inf in either persists)."""
    if not (passes.all_finite(net.weights) and passes.all_finite(net.biases)
            and passes.states_finite(net.weight_state)
            and passes.states_finite(net.bias_state)):
        raise DivergenceError(epoch)


def _full_batch(
    net: Parameters, X: np.ndarray, Y: np.ndarray, epochs: int,
    callback: Callable[[int, float], bool | None] | None, callback_every: int,
) -> list[float]:
    """The common case, kept lean: one update per epoch on the whole set."""
    step = make_stepper(net, X.shape[0])
    history = net.loss_history
    isfinite = math.isfinite
    out: list[float] = []
    for epoch in range(1, epochs + 1):
        loss = step(X, Y)
        if not isfinite(loss):
            raise DivergenceError(epoch)
        history.append(loss)
        out.append(loss)
        if callback and epoch % callback_every == 0 and callback(epoch, loss) is False:
            break
    _check_parameters(net, epochs)
    return out
