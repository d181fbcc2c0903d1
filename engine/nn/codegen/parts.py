"""The script sections both flavours share: header, settings, parameters, data, update, result.

A `Dialect` names what differs between NumPy and PyTorch in these sections (the module's
short name and how a literal becomes an array); the forward and backward passes live in
each flavour's own module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.nn.codegen.literals import array, array_list, number
from engine.nn.network import Network
from engine.nn.optimizers import OPTIMIZER_RULES

# Optimizer state array name -> the script's variable stem and the trace's key.
STATE_VARIABLES = {"velocity": "velocity", "m": "adam_m", "v": "adam_v"}


@dataclass(frozen=True)
class Dialect:
    """What the shared sections write differently per array library."""

    name: str  # "numpy" or "torch"
    module: str  # "np" or "torch"
    imports: str
    array: str  # the call that turns a list literal into a float64 array


def header(net: Network, dialect: Dialect, samples: int) -> str:
    """The docstring: what the script is, how to run it, its conventions."""
    spec = net.spec
    layers = "-".join(map(str, spec.layers))
    reg = ("none" if spec.regularization == "none" or spec.regularization_rate == 0
           else f"{spec.regularization} (rate {spec.regularization_rate:g})")
    library = "NumPy" if dialect.name == "numpy" else "PyTorch (autograd backward)"
    title = f"A {layers} network from backprop-viz at step {net.step}: its next step in {library}"
    return f'''"""{title}.

Activations {" → ".join(spec.activations)}; loss {spec.loss} ({spec.reduction} over the batch of
{samples} sample{"s" if samples != 1 else ""}); optimizer {spec.optimizer}; regularization {reg}.

Run it (python3 this_file.py): it rebuilds the network with its current weights, biases,
optimizer state and data, runs one forward pass, one backward pass and one update on the
whole batch, and prints one JSON object keyed like the API's trace of the next
`POST /api/networks/{{id}}/step {{"phase": "all"}}`: loss, sample_losses, outputs (sample 0),
and `edges` (grad, new_weight) and `nodes` (grad_bias, new_bias) of every weight and bias.

Convention: samples in columns, as in the L-layer article: A[l] has shape (neurons, m) and
Z = W·A + b. The data below is written one row per sample (as the API sends it); X.T turns it.
W[l] enters layer l + 1 and is indexed [target][source]: shape (LAYERS[l + 1], LAYERS[l]).
"""

{dialect.imports}
'''


def settings(net: Network) -> str:
    """Sizes and hyper-parameters as named constants."""
    spec = net.spec
    lines = [
        "# ---- the network " + "-" * 70,
        f"LAYERS = {list(spec.layers)}  # neurons per layer, input first",
        "L = len(LAYERS) - 1  # weight layers",
        "K = LAYERS[-1]  # outputs",
        f"LEARNING_RATE = {number(spec.learning_rate)}  # η",
    ]
    if spec.optimizer == "momentum":
        lines.append(f"MOMENTUM = {number(spec.momentum)}  # μ")
    if spec.optimizer == "adam":
        lines.append(f"BETA1, BETA2, EPSILON = {number(spec.beta1)}, {number(spec.beta2)}, "
                     f"{number(spec.epsilon)}  # Adam's β₁, β₂, ε")
    name = penalty_name(net)
    if name is not None:
        rule = "Σ|W|" if spec.regularization == "l1" else "½ΣW²"
        lines.append(f"{name} = {number(spec.regularization_rate)}  # the loss adds "
                     f"{name}·{rule} (weights only, not biases)")
    if any(a in ("bce", "cross_entropy") for a in (spec.loss,)):
        lines.append("EPS = 1e-15  # outputs are clipped this far from 0 and 1 inside logarithms")
    lines.append(f"STEP = {net.step}  # updates applied so far; this script runs update STEP + 1")
    return "\n".join(lines)


def penalty_name(net: Network) -> str | None:
    """`L1_RATE` / `L2_RATE`, or None when the network has no weight penalty."""
    spec = net.spec
    if spec.regularization == "none" or spec.regularization_rate == 0:
        return None
    return f"{spec.regularization.upper()}_RATE"


def assign(name: str, text: str, width: int = 99) -> list[str]:
    """`name = text`; a trailing comment that would make the line too long goes above it."""
    line = f"{name} = {text}"
    if len(line) <= width or "  # " not in text:
        return [line]
    expression, comment = text.split("  # ", 1)
    return [f"# {comment}", f"{name} = {expression}"]


def forward_loop(net: Network) -> list[str]:
    """Z = W·A + b and A = g(Z) for each layer, the same text in both flavours."""
    lines = [
        "A = [X.T]  # A[0]: the inputs, one column per sample",
        "Z = [None]  # Z[0] is unused: the inputs have no pre-activation",
        "for l in range(L):",
    ]
    if all(net.spec.use_bias):
        lines.append("    Z.append(W[l] @ A[l] + b[l][:, None])  # b as a column, added to "
                     "every sample")
    else:
        lines.append("    Z.append(W[l] @ A[l] if b[l] is None else W[l] @ A[l] + b[l][:, None])")
    return [*lines, "    A.append(g[l](Z[l + 1]))", "T = Y.T  # targets, one column per sample",
            "", "# ---- loss " + "-" * 77]


def reduced_loss(net: Network, absolute: str) -> list[str]:
    """The batch's loss from the sample losses: mean or sum, plus the weight penalty.

    `absolute` is the library's |w| call ("np.abs(w)", "w.abs()").
    """
    spec = net.spec
    reduced = "sample_losses.sum() / m" if spec.reduction == "mean" else "sample_losses.sum()"
    rate = penalty_name(net)
    if rate == "L1_RATE":
        reduced += f" + L1_RATE * sum({absolute}.sum() for w in W)"
    elif rate == "L2_RATE":
        reduced += " + L2_RATE * sum(0.5 * (w * w).sum() for w in W)"
    what = "mean" if spec.reduction == "mean" else "sum"
    penalty = ", plus the weight penalty" if rate else ""
    return [f"# the loss the update minimises: the {what} of the sample losses{penalty}",
            f"loss = {reduced}"]


def parameters(net: Network, dialect: Dialect) -> str:
    """Current weights, biases and optimizer state as literals."""
    call = dialect.array
    parts = [
        array_list(call, net.weights, "W", "W[l]: weights entering layer l + 1, [target][source]"),
        array_list(call, net.biases, "b", "b[l]: biases of layer l + 1 (None: no bias)"),
    ]
    named = net.optimizer_state
    if named:
        parts.append("# The optimizer's state after the last update (zeros before the first).")
    for name, arrays in named.items():
        stem = STATE_VARIABLES[name]
        parts.append(array_list(call, arrays["weights"], f"{stem}_W", f"{name} of each weight"))
        parts.append(array_list(call, arrays["biases"], f"{stem}_b", f"{name} of each bias"))
    return "\n".join(parts)


def data(inputs: np.ndarray, targets: np.ndarray, dialect: Dialect) -> str:
    """The batch, one row per sample, and m."""
    return "\n".join([
        "# ---- the data: one row per sample, as the API sends it " + "-" * 32,
        f"X = {array(dialect.array, inputs)}",
        f"Y = {array(dialect.array, targets)}",
        "m = X.shape[0]  # samples in the batch",
    ])


def update(net: Network, dialect: Dialect) -> str:
    """The optimizer's rule applied to every weight and bias."""
    optimizer = net.spec.optimizer
    lines = ["# ---- update: each weight and bias moves against its gradient " + "-" * 25]
    if optimizer == "sgd":
        lines += [
            "# w ← w − η·∂L/∂w",
            "for l in range(L):",
            "    W[l] = W[l] - LEARNING_RATE * dW[l]",
            "    if b[l] is not None:",
            "        b[l] = b[l] - LEARNING_RATE * db[l]",
        ]
    elif optimizer == "momentum":
        lines += [
            "# v ← μ·v − η·∂L/∂w; w ← w + v (the velocity is exactly how far the weight moves)",
            "for l in range(L):",
            "    velocity_W[l] = MOMENTUM * velocity_W[l] - LEARNING_RATE * dW[l]",
            "    W[l] = W[l] + velocity_W[l]",
            "    if b[l] is not None:",
            "        velocity_b[l] = MOMENTUM * velocity_b[l] - LEARNING_RATE * db[l]",
            "        b[l] = b[l] + velocity_b[l]",
        ]
    else:
        lines += [
            "t = STEP + 1  # this update's number, counted from 1 (Adam's bias correction)",
            "",
            "",
            "def adam(p, grad, m1, m2):",
            '    """Adam: moving averages m (of ∂L/∂w) and v (of its square), then one step."""',
            "    m1 = BETA1 * m1 + (1.0 - BETA1) * grad  # m ← β₁·m + (1 − β₁)·g",
            "    m2 = BETA2 * m2 + (1.0 - BETA2) * (grad * grad)  # v ← β₂·v + (1 − β₂)·g²",
            "    m_hat = m1 / (1.0 - BETA1**t)  # m̂ = m / (1 − β₁ᵗ)",
            "    v_hat = m2 / (1.0 - BETA2**t)  # v̂ = v / (1 − β₂ᵗ)",
            f"    return p - LEARNING_RATE * m_hat / ({dialect.module}.sqrt(v_hat) + EPSILON), "
            "m1, m2  # w ← w − η·m̂/(√v̂ + ε)",
            "",
            "",
            "for l in range(L):",
            "    W[l], adam_m_W[l], adam_v_W[l] = adam(W[l], dW[l], adam_m_W[l], adam_v_W[l])",
            "    if b[l] is not None:",
            "        b[l], adam_m_b[l], adam_v_b[l] = adam(b[l], db[l], adam_m_b[l], adam_v_b[l])",
        ]
    return "\n".join(lines)


def _state_entry(names: tuple[str, ...], side: str, index: str) -> str:
    items = ", ".join(f'"{n}": float({STATE_VARIABLES[n]}_{side}[l][{index}])' for n in names)
    return "{" + items + "}"


def result(net: Network) -> str:
    """Print the numbers as one JSON object, keyed like the API's trace."""
    names = OPTIMIZER_RULES[net.spec.optimizer].state_names
    edge_state = f',\n         "optimizer": {_state_entry(names, "W", "i, j")}' if names else ""
    node_state = (f',\n         "bias_optimizer": {_state_entry(names, "b", "i")}'
                  if names else "")
    return f'''# ---- the numbers, keyed like the API's trace {"-" * 43}
result = {{
    "step": STEP + 1,
    "loss": float(loss),
    "sample_losses": sample_losses.tolist(),
    "outputs": A[L][:, 0].tolist(),  # sample 0's outputs (the trace's focus sample)
    "edges": [
        {{"layer": l + 1, "source": j, "target": i, "grad": float(dW[l][i, j]),
         "new_weight": float(W[l][i, j]){edge_state}}}
        for l in range(L) for i in range(LAYERS[l + 1]) for j in range(LAYERS[l])
    ],
    "nodes": [
        {{"layer": l + 1, "index": i, "grad_bias": float(db[l][i]),
         "new_bias": float(b[l][i]){node_state}}}
        for l in range(L) if b[l] is not None for i in range(LAYERS[l + 1])
    ],
}}
print(json.dumps(result))
'''
