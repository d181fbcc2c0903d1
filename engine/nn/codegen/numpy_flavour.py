"""The NumPy script's own sections: activations, forward pass, loss and the backward pass.

Everything is written out by hand as in the articles: a loop over layers, Z = W·A + b and
A = g(Z) forward; dZ, dW = dZ·Aᵀ/m, db and dA = Wᵀ·dZ backward, each line naming its
chain-rule factor.
"""

from __future__ import annotations

from engine.nn.codegen.parts import Dialect, assign, forward_loop, penalty_name, reduced_loss
from engine.nn.losses import FUSED
from engine.nn.network import Network

DIALECT = Dialect("numpy", "np", "import json\n\nimport numpy as np", "np.array")

# name -> (forward body, derivative body as a function of Z and A (None: softmax, whose
# Jacobian couples a column's outputs), the derivative's docstring)
ACTIVATIONS: dict[str, tuple[str, str | None, str]] = {
    "linear": ("Z", "np.ones_like(Z)", "g'(z) = 1"),
    "sigmoid": ("1.0 / (1.0 + np.exp(-Z))", "A * (1.0 - A)", "σ'(z) = σ(z)·(1 − σ(z))"),
    "tanh": ("np.tanh(Z)", "1.0 - A * A", "tanh'(z) = 1 − tanh²(z)"),
    "relu": ("np.maximum(Z, 0.0)", "(Z > 0.0) * 1.0", "1 where z > 0, else 0"),
    "leaky_relu": ("np.where(Z > 0.0, Z, 0.01 * Z)", "np.where(Z > 0.0, 1.0, 0.01)",
                   "1 where z > 0, else 0.01"),
    "softmax": ("E = np.exp(Z - Z.max(axis=0))  # shifted by each column's maximum: no overflow"
                "\n    return E / E.sum(axis=0)", None, ""),
}

# loss -> (each sample's loss from A[L] and T, ∂loss/∂A[L])
LOSSES: dict[str, tuple[str, str]] = {
    "mse": ("((A[L] - T) ** 2).sum(axis=0) / K  # (1/K)·Σ(a − t)²",
            "2.0 * (A[L] - T) / K  # ∂/∂a of (1/K)·Σ(a − t)²"),
    "half_sse": ("0.5 * ((A[L] - T) ** 2).sum(axis=0)  # ½·Σ(t − a)²",
                 "A[L] - T  # ∂/∂a of ½·Σ(t − a)²"),
    "bce": ("-(T * np.log(C) + (1.0 - T) * np.log(1.0 - C)).mean(axis=0)  # −mean(t·log a + "
            "(1 − t)·log(1 − a))",
            "(C - T) / (C * (1.0 - C) * K)  # ∂/∂a: (a − t) / (a(1 − a)K)"),
    "cross_entropy": ("-(T * np.log(C)).sum(axis=0)  # −Σ t·log a", "-T / C  # ∂/∂a: −t/a"),
}

# (output activation, loss) -> (each sample's loss from Z[L], ∂loss/∂Z[L] with its reason)
FUSED_LOSSES: dict[tuple[str, str], tuple[str, str]] = {
    ("sigmoid", "bce"): (
        "(np.maximum(Z[L], 0.0) - Z[L] * T + np.log1p(np.exp(-np.abs(Z[L])))).mean(axis=0)"
        "  # bce of σ(z), no log of 0",
        "(A[L] - T) / K  # bce and sigmoid together: ∂loss/∂Z = (a − t)/K, σ' cancels"),
    ("softmax", "cross_entropy"): (
        "-(T * log_A).sum(axis=0)  # −Σ t·log softmax(z)",
        "A[L] * T.sum(axis=0) - T  # cross-entropy and softmax together: ∂loss/∂Z = a·Σt − t"),
}


def activations(net: Network) -> str:
    """The activations the network uses, each with its derivative, and the per-layer lists."""
    lines = ["# ---- activations g and their derivatives g'(Z) " + "-" * 40]
    for name in dict.fromkeys(net.spec.activations):
        forward, derivative, doc = ACTIVATIONS[name]
        body = forward if "return" in forward else f"return {forward}"
        lines += ["", "", f"def {name}(Z):", f"    {body}"]
        if derivative is not None:
            lines += ["", "", f"def {name}_prime(Z, A):", f'    """∂A/∂Z elementwise: {doc}."""',
                      f"    return {derivative}"]
    acts = net.spec.activations
    primes = [f"{a}_prime" if ACTIVATIONS[a][1] is not None else "None" for a in acts]
    lines += ["", "", f"g = [{', '.join(acts)}]  # g[l]: the activation of layer l + 1",
              f"g_prime = [{', '.join(primes)}]"]
    return "\n".join(lines)


def forward(net: Network) -> str:
    """The forward pass, layer by layer, and the loss."""
    spec = net.spec
    lines = ["# ---- forward: Z = W·A + b, then A = g(Z), layer by layer " + "-" * 30,
             *forward_loop(net)]
    fused = FUSED_LOSSES.get((spec.activations[-1], spec.loss))
    if fused is None and spec.loss in ("bce", "cross_entropy"):
        lines.append("C = np.clip(A[L], EPS, 1.0 - EPS)  # outputs kept inside (0, 1) for log")
    if (spec.activations[-1], spec.loss) == ("softmax", "cross_entropy"):
        lines += ["S = Z[L] - Z[L].max(axis=0)  # shifted by each column's maximum",
                  "log_A = S - np.log(np.exp(S).sum(axis=0))  # log softmax(z), never log 0"]
    sample = fused[0] if fused else LOSSES[spec.loss][0]
    lines += assign("sample_losses", sample)
    lines += reduced_loss(net, "np.abs(w)")
    return "\n".join(lines)


def backward(net: Network) -> str:
    """The chain rule from the loss back to the first layer, one line per factor."""
    spec = net.spec
    out = spec.activations[-1]
    fused = FUSED_LOSSES.get((out, spec.loss))
    per_m = " / m" if spec.reduction == "mean" else ""
    lines = ["# ---- backward: the chain rule from the loss back to the first layer " + "-" * 19]
    if fused is not None:
        lines.append(f"dZ = {fused[1]}")
        assert (out, spec.loss) in FUSED
    else:
        lines.append(f"dA = {LOSSES[spec.loss][1]}")
        if out == "softmax":
            lines.append("dZ = A[L] * (dA - (dA * A[L]).sum(axis=0))  # ∂L/∂Z = softmax's "
                         "Jacobian · ∂L/∂A")
        else:
            lines.append("dZ = dA * g_prime[L - 1](Z[L], A[L])  # ∂L/∂Z = ∂L/∂A ⊙ g'(Z)")
    lines += [
        "dW = [None] * L",
        "db = [None] * L",
        "for l in reversed(range(L)):  # l = L − 1, …, 0: the weights entering layer l + 1",
        f"    dW[l] = dZ @ A[l].T{per_m}  # ∂L/∂W = ∂L/∂Z · ∂Z/∂W, and ∂Z/∂W = A[l]ᵀ",
        f"    db[l] = dZ.sum(axis=1){per_m} if b[l] is not None else None  # ∂Z/∂b = 1",
    ]
    rate = penalty_name(net)
    if rate == "L1_RATE":
        lines.append("    dW[l] += L1_RATE * np.sign(W[l])  # ∂(L1_RATE·Σ|W|)/∂W")
    elif rate == "L2_RATE":
        lines.append("    dW[l] += L2_RATE * W[l]  # ∂(L2_RATE·½ΣW²)/∂W")
    lines += [
        "    if l > 0:",
        "        dA = W[l].T @ dZ  # ∂L/∂A[l] = Wᵀ · ∂L/∂Z, since ∂Z/∂A[l] = W",
        "        dZ = dA * g_prime[l - 1](Z[l], A[l])  # ∂L/∂Z[l] = ∂L/∂A[l] ⊙ g'(Z[l])",
    ]
    return "\n".join(lines)
