"""Fully connected networks: spec, parameters, forward/backward/update, traced or fast.

CONTRACT (the app codes against these names; implementations may add, never rename):
- `NetworkSpec` – frozen, validated description; `NetworkSpec.from_dict(d)` raises
  `SpecError(field, message)` for anything invalid; `to_dict()` is JSON-ready.
- `Network(spec, weights=None, biases=None)` – parameters initialised from `spec.init` and
  `spec.seed` unless given; `weights[k]` has shape (layers[k+1], layers[k]) ([target][source]),
  `biases[k]` shape (layers[k+1],) or None where layer k+1 has no bias.
- Data is passed in as arrays: X shape (m, layers[0]), Y shape (m, layers[-1]); one row a
  sample (the JSON "rows" convention).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from engine.errors import DivergenceError, SpecError
from engine.nn import document, passes
from engine.nn import parameters as state
from engine.nn.checks import check_data, check_row
from engine.nn.fastloop import run_epochs
from engine.nn.gradcheck import GradientCheck, check_gradients
from engine.nn.initializers import initial_weights
from engine.nn.passes import Plan
from engine.nn.phases import Pending, data_key
from engine.nn.spec import (
    ACTIVATION_NAMES,
    INITS,
    LOSS_NAMES,
    OPTIMIZERS,
    REDUCTIONS,
    REGULARIZATIONS,
    NetworkSpec,
)
from engine.nn.trace import PHASES, StepTrace, build_trace

__all__ = [
    "ACTIVATION_NAMES",
    "INITS",
    "LOSS_NAMES",
    "OPTIMIZERS",
    "REDUCTIONS",
    "REGULARIZATIONS",
    "GradientCheck",
    "Network",
    "NetworkSpec",
]

_ALL_ROWS = slice(None)


class Network:
    """A network's parameters and training state; traced phases and a fast loop."""

    spec: NetworkSpec
    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    step: int  # updates applied
    loss_history: list[float]  # loss before each update, in order

    def __init__(
        self,
        spec: NetworkSpec,
        weights: Sequence[Any] | None = None,
        biases: Sequence[Any] | None = None,
    ) -> None:
        if not isinstance(spec, NetworkSpec):
            raise SpecError("spec", "must be a NetworkSpec (use NetworkSpec.from_dict)")
        self.spec = spec
        self._plan = Plan.of(spec)
        if weights is None:
            ws = initial_weights(spec.layers, spec.init, spec.init_scale, spec.seed)
        else:
            ws = state.read_weights(spec, weights)
        self.weights = ws
        self.biases = state.read_biases(spec, biases)
        self.initial_weights = [W.copy() for W in self.weights]
        self.initial_biases = [None if b is None else b.copy() for b in self.biases]
        self.initial_seed = spec.seed
        self._restart()

    def _restart(self) -> None:
        """Step 0: empty history, zero optimizer state, nothing pending."""
        self.step = 0
        self.loss_history = []
        self.weight_state = state.zero_state(self.spec, self.weights)
        self.bias_state = state.zero_state(self.spec, self.biases)
        self._pending: Pending | None = None

    @property
    def plan(self) -> Plan:
        """The spec's table functions, looked up once (what the passes and the fast loop run)."""
        return self._plan

    @classmethod
    def from_spec_dict(cls, data: Mapping[str, Any]) -> Network:
        """A network from a spec dict that may also carry explicit "weights"/"biases"."""
        spec = NetworkSpec.from_dict(data)
        return cls(spec, data.get("weights"), data.get("biases"))

    @property
    def optimizer_state(self) -> dict[str, dict[str, list[np.ndarray | None]]]:
        """Optimizer arrays by name ("velocity", "m", "v"), each for weights and biases."""
        return state.named_state(self.spec, self.weight_state, self.bias_state)

    def reset(self, seed: int | None = None) -> None:
        """Back to step 0: to the creation state, or to a fresh start drawn from `seed`.

        `reset()` always restores the parameters (and spec seed) the network was created
        with — a preset's own weights survive any number of seeded resets;
        `reset(seed=k)` draws new weights from `spec.init` with seed k (biases zero) and
        sets `spec.seed` to k. Both keep the optimizer settings and the learning rate.
        """
        if seed is None:
            self.spec = self._with(seed=self.initial_seed)
            self.weights = [W.copy() for W in self.initial_weights]
            self.biases = [None if b is None else b.copy() for b in self.initial_biases]
        else:
            self.spec = self._with(seed=seed)
            spec = self.spec
            self.weights = initial_weights(spec.layers, spec.init, spec.init_scale, spec.seed)
            self.biases = state.read_biases(spec, None)
        self._restart()

    def _with(self, **fields: Any) -> NetworkSpec:
        """The spec with some fields changed (validated); the same object if none change."""
        if all(getattr(self.spec, k) == v for k, v in fields.items()):
            return self.spec
        return NetworkSpec.from_dict({**self.spec.to_dict(), **fields})

    def set_learning_rate(self, value: float) -> None:
        """Change the step size; the next update uses it (Adam/momentum state is kept)."""
        self.spec = NetworkSpec.from_dict({**self.spec.to_dict(), "learning_rate": value})

    def set_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """`layer` is the layer the edge enters (1..L); raises SpecError if out of range."""
        self._check_layer(layer)
        W = self.weights[layer - 1]
        check_row("source", source, W.shape[1])
        check_row("target", target, W.shape[0])
        W = W.copy()  # copy on write: traces keep the arrays they were given
        W[target, source] = _finite("value", value)
        self.weights[layer - 1] = W
        self._pending = None

    def set_bias(self, layer: int, index: int, value: float) -> None:
        """Set the bias of neuron `index` of `layer` (1..L); that layer must have a bias."""
        self._check_layer(layer)
        b = self.biases[layer - 1]
        if b is None:
            raise SpecError("layer", f"layer {layer} has no bias (use_bias is false)")
        check_row("index", index, len(b))
        b = b.copy()
        b[index] = _finite("value", value)
        self.biases[layer - 1] = b
        self._pending = None

    def _check_layer(self, layer: int) -> None:
        if isinstance(layer, bool) or not isinstance(layer, int | np.integer):
            raise SpecError("layer", f"must be an integer, got {layer!r}")
        if not 1 <= layer <= self.spec.depth:
            raise SpecError("layer", f"must be from 1 to {self.spec.depth}, got {layer}")

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs for each row of X, shape (m, layers[-1])."""
        X = check_data(self.spec, X, None)[0]
        with np.errstate(all="ignore"):
            return passes.forward(self._plan, self.weights, self.biases, X)[1][-1]

    def activations(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations for each row of X (input layer first), each (m, size):
        what each neuron outputs over a grid of inputs (TF Playground's neuron maps)."""
        X = check_data(self.spec, X, None)[0]
        with np.errstate(all="ignore"):
            return list(passes.forward(self._plan, self.weights, self.biases, X)[1])

    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Reduced loss (with regularization) at the current parameters."""
        X, Y = check_data(self.spec, X, Y)
        with np.errstate(all="ignore"):
            zs, acts = passes.forward(self._plan, self.weights, self.biases, X)
            return passes.reduce(self._plan, passes.sample_losses(self._plan, zs, acts, Y),
                                 self.weights)

    def trace_step(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        phase: str = "all",
        sample: int | None = None,
        focus: int | None = None,
    ) -> StepTrace:
        """Run `phase` (and any earlier phase it needs) and record every number.

        Only "update" and "all" change the parameters. `sample` restricts the gradient to one
        row (SGD style); an "update" without one applies the pending backward's gradients
        as shown (whatever sample they were for). `focus` (default: the sample, else 0) is
        the row whose values are reported. Raises DivergenceError (parameters untouched)
        if the update is not finite.
        `phases_run` lists what this call computed; the trace holds everything computed so
        far for the current parameters. Its `loss` (the one the history records) is the
        reduced loss of the whole batch, also when the gradient is one sample's.
        """
        if phase not in (*PHASES, "all"):
            raise SpecError("phase", f"unknown phase {phase!r}; choose from "
                            f"{', '.join((*PHASES, 'all'))}")
        X, Y = check_data(self.spec, X, Y)
        m = X.shape[0]
        key = None if phase == "all" else data_key(X, Y)
        p = self._pending
        if p is not None and p.grad_sample is not None and p.grad_sample >= m:
            self._pending = None  # a doctored saved marker: recompute from scratch
        if sample is not None:
            sample = check_row("sample", sample, m)
        elif phase == "update":
            sample = self._shown_sample(key)
        if focus is None:
            focus = 0 if sample is None else sample
        focus = check_row("focus", focus, m)
        with np.errstate(all="ignore"):
            pending, run = self._run_phases(X, Y, key, phase, sample)
        return build_trace(phase, tuple(run), self.step, pending, X, Y, focus, sample)

    def _shown_sample(self, key: str | None) -> int | None:
        """The sample of the gradients a pending backward showed on these data, if any.

        An update without a sample applies exactly the gradients the learner just saw,
        one sample's or the batch's; only an explicit other sample recomputes them.
        """
        p = self._pending
        if p is not None and p.key == key and p.backward_done:
            return p.grad_sample
        return None

    def _run_phases(
        self, X: np.ndarray, Y: np.ndarray, key: str | None, phase: str, sample: int | None
    ) -> tuple[Pending, list[str]]:
        """Reuse what is pending for these data, compute the missing phases, update."""
        p = self._pending
        run: list[str] = []
        if phase in ("backward", "update") and p is not None and p.key == key:
            if p.restored:  # restored from a dict: recompute what the learner already saw
                p = self._forward(X, Y, key, p)
        else:
            p = self._forward(X, Y, key, None)
            run.append("forward")
        if phase != "forward" and self._backward(p, Y, sample):
            run.append("backward")
        self._pending = p
        if phase in ("update", "all"):
            self._pending = None
            self._update(p)
            run.append("update")
        return p, run

    def _forward(self, X: np.ndarray, Y: np.ndarray, key: Any, marker: Pending | None) -> Pending:
        """Forward pass of the batch at the current parameters (and a restored marker's
        backward pass, if it had one)."""
        plan = self._plan
        ws, bs = list(self.weights), list(self.biases)
        zs, acts = passes.forward(plan, ws, bs, X)
        losses = passes.sample_losses(plan, zs, acts, Y)
        p = Pending(key, ws, bs, zs, acts, losses, passes.reduce(plan, losses, ws))
        if marker is not None and marker.backward_done:
            self._backward(p, Y, marker.grad_sample)
        return p

    def _backward(self, p: Pending, Y: np.ndarray, sample: int | None) -> bool:
        """Fill the pending record's gradients unless already there; True if computed."""
        if p.backward_done and p.grad_sample == sample:
            return False
        plan = self._plan
        grad_out = passes.output_grad_a(plan, p.acts, Y)
        p.ga, p.gz = passes.backward(plan, p.ws, p.zs, p.acts, Y, grad_out)
        rows = _ALL_ROWS if sample is None else slice(sample, sample + 1)
        p.dws, p.dbs = passes.param_grads(plan, p.ws, p.bs, p.acts, p.gz, rows)
        p.grad_sample = sample
        p.backward_done = True
        return True

    def _update(self, p: Pending) -> None:
        """Apply the optimizer; commit only if every new number is finite."""
        t = self.step + 1
        assert p.dws is not None and p.dbs is not None  # backward ran
        ws, wst = passes.update(self._plan, self.spec, p.ws, p.dws, self.weight_state, t)
        bs, bst = passes.update_biases(self._plan, self.spec, p.bs, p.dbs, self.bias_state, t)
        if not (math.isfinite(p.loss) and passes.all_finite(ws) and passes.all_finite(bs)
                and passes.states_finite(wst) and passes.states_finite(bst)):
            raise DivergenceError(0, f"the update at step {t} overflowed to NaN/inf; lower "
                                  "the learning rate", step=t)
        p.new_ws, p.new_bs, p.weight_state, p.bias_state = ws, bs, wst, bst
        p.state_names = self._plan.optimizer.state_names
        self.weights, self.biases = ws, bs
        self.weight_state, self.bias_state = wst, bst
        self.step = t
        self.loss_history.append(p.loss)

    def train(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        epochs: int,
        batch_size: int | None = None,
        shuffle_seed: int | None = None,
        callback: Callable[[int, float], bool | None] | None = None,
        callback_every: int = 1,
    ) -> list[float]:
        """Fast loop without traces; returns the loss of each epoch.

        Full batch when `batch_size` is None, else shuffled mini-batches. `callback(epoch,
        loss)` is called every `callback_every` epochs; returning False stops early. Raises
        DivergenceError and restores the parameters as they were before the call.
        """
        X, Y = check_data(self.spec, X, Y)
        saved = self._snapshot()
        self._pending = None
        try:
            with np.errstate(all="ignore"):
                return run_epochs(self, X, Y, epochs, batch_size, shuffle_seed, callback,
                                  callback_every)
        except DivergenceError:
            self._restore(saved)
            raise

    def _snapshot(self) -> tuple[Any, ...]:
        return (list(self.weights), list(self.biases), list(self.weight_state),
                list(self.bias_state), self.step, len(self.loss_history))

    def _restore(self, saved: tuple[Any, ...]) -> None:
        ws, bs, wst, bst, step, n_history = saved
        self.weights, self.biases, self.weight_state, self.bias_state = ws, bs, wst, bst
        self.step = step
        del self.loss_history[n_history:]

    def gradient_check(self, X: np.ndarray, Y: np.ndarray, h: float = 1e-5) -> GradientCheck:
        """Central differences (L(p+h) − L(p−h))/2h for every parameter vs backprop.

        h = 1e-5 balances truncation (∝ h²) against rounding (∝ 1/h) in float64.
        """
        X, Y = check_data(self.spec, X, Y)
        if isinstance(h, bool) or not isinstance(h, int | float) or not 0 < h < 1:
            raise SpecError("h", f"must be a number in (0, 1), got {h!r}")
        with np.errstate(all="ignore"):
            return check_gradients(self._plan, self.weights, self.biases, X, Y, h)

    def to_dict(self) -> dict[str, Any]:
        """Spec, weights, biases, initial parameters, optimizer state, step, loss history;
        JSON-ready (plain lists of Python floats, so they survive JSON bit for bit)."""
        return document.dump(document.Saved(
            self.spec, self.weights, self.biases, self.initial_weights, self.initial_biases,
            self.initial_seed, self.weight_state, self.bias_state, self.step,
            self.loss_history, self._pending))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], trusted: bool = False) -> Network:
        """Rebuild a network saved by `to_dict`, exactly (SpecError names a bad field).

        `trusted`: the document is one this program wrote (the app's own store), so its
        fields are not checked again (see `document.load_trusted`).
        """
        saved = document.load_trusted(data) if trusted else document.load(data)
        net = cls(saved.spec, saved.weights, saved.biases)
        if saved.initial_weights is not None and saved.initial_biases is not None:
            net.initial_weights, net.initial_biases = saved.initial_weights, saved.initial_biases
        if saved.initial_seed is not None:
            net.initial_seed = saved.initial_seed
        if saved.weight_state is not None and saved.bias_state is not None:
            net.weight_state, net.bias_state = saved.weight_state, saved.bias_state
        net.step = saved.step
        net.loss_history = saved.loss_history or []
        net._pending = saved.pending
        return net


def _finite(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise SpecError(field, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise SpecError(field, f"must be finite, got {value!r}")
    return float(value)
