"""The PyTorch script's own sections: the forward pass and loss written out, autograd backward.

The forward pass is the NumPy script's loop in torch (float64); `loss.backward()` then applies
the same chain rule, and the comments say which factor it multiplies at each layer.
"""

from __future__ import annotations

from engine.nn.codegen.parts import Dialect, assign, forward_loop, reduced_loss
from engine.nn.network import Network

DIALECT = Dialect("torch", "torch", "import json\n\nimport torch", "tensor")

ACTIVATIONS: dict[str, str] = {
    "linear": "Z",
    "sigmoid": "torch.sigmoid(Z)",
    "tanh": "torch.tanh(Z)",
    "relu": "torch.relu(Z)",
    "leaky_relu": "torch.nn.functional.leaky_relu(Z, 0.01)  # z for z > 0, else 0.01·z",
    "softmax": "torch.softmax(Z, dim=0)  # over each column's outputs",
}

LOSSES: dict[str, str] = {
    "mse": "((A[L] - T) ** 2).sum(dim=0) / K  # (1/K)·Σ(a − t)²",
    "half_sse": "0.5 * ((A[L] - T) ** 2).sum(dim=0)  # ½·Σ(t − a)²",
    "bce": "-(T * torch.log(C) + (1.0 - T) * torch.log(1.0 - C)).mean(dim=0)  # −mean(t·log a "
           "+ (1 − t)·log(1 − a))",
    "cross_entropy": "-(T * torch.log(C)).sum(dim=0)  # −Σ t·log a",
}

# Output activation and loss computed together from Z (exact where σ(z) rounds to 1).
FUSED_LOSSES: dict[tuple[str, str], str] = {
    ("sigmoid", "bce"): "bce_with_logits(Z[L], T, reduction=\"none\").mean(dim=0)"
                        "  # bce of σ(z), no log of 0",
    ("softmax", "cross_entropy"): "-(T * torch.log_softmax(Z[L], dim=0)).sum(dim=0)  "
                                  "# −Σ t·log softmax(z)",
}


def prelude() -> str:
    """float64 tensors from list literals (the engine computes in float64)."""
    return "\n".join([
        "bce_with_logits = torch.nn.functional.binary_cross_entropy_with_logits",
        "",
        "",
        "def tensor(rows):",
        '    """A float64 tensor: the same precision as the NumPy engine."""',
        "    return torch.tensor(rows, dtype=torch.float64)",
    ])


def activations(net: Network) -> str:
    """The activations the network uses, one function each, and the per-layer list."""
    lines = ["# ---- activations g " + "-" * 68]
    for name in dict.fromkeys(net.spec.activations):
        lines += ["", "", f"def {name}(Z):", f"    return {ACTIVATIONS[name]}"]
    lines += ["", "", f"g = [{', '.join(net.spec.activations)}]  # g[l]: the activation of "
              "layer l + 1"]
    return "\n".join(lines)


def forward(net: Network) -> str:
    """Parameters marked for autograd, the forward loop and the loss."""
    spec = net.spec
    lines = [
        "# ---- forward: Z = W·A + b, then A = g(Z), layer by layer " + "-" * 30,
        "for p in W + [x for x in b if x is not None]:",
        "    p.requires_grad_(True)  # autograd records every operation on them",
        *forward_loop(net),
    ]
    fused = FUSED_LOSSES.get((spec.activations[-1], spec.loss))
    if fused is None and spec.loss in ("bce", "cross_entropy"):
        lines.append("C = A[L].clamp(EPS, 1.0 - EPS)  # outputs kept inside (0, 1) for log")
    lines += assign("sample_losses", fused or LOSSES[spec.loss])
    lines += reduced_loss(net, "w.abs()")
    return "\n".join(lines)


def backward(net: Network) -> str:
    """`loss.backward()`, with the chain rule it applies spelled out."""
    per_m = " / m" if net.spec.reduction == "mean" else ""
    return "\n".join([
        "# ---- backward: autograd applies the chain rule from the loss back to W[0] " + "-" * 13,
        "# For l = L − 1, …, 0 it multiplies the same factors as the NumPy script:",
        "#   ∂L/∂Z[l+1] = ∂L/∂A[l+1] ⊙ g'(Z[l+1])   (at the output: the loss's derivative)",
        f"#   ∂L/∂W[l]   = ∂L/∂Z[l+1] · A[l]ᵀ{per_m}      (∂Z/∂W = A[l]ᵀ)",
        f"#   ∂L/∂b[l]   = Σ over samples ∂L/∂Z[l+1]{per_m}   (∂Z/∂b = 1)",
        "#   ∂L/∂A[l]   = W[l]ᵀ · ∂L/∂Z[l+1]     (∂Z/∂A = W)",
        "loss.backward()",
        "dW = [w.grad for w in W]",
        "db = [None if x is None else x.grad for x in b]",
        "W = [w.detach() for w in W]  # the update below is plain arithmetic, not recorded",
        "b = [None if x is None else x.detach() for x in b]",
        "A = [a.detach() for a in A]",
        "loss, sample_losses = loss.detach(), sample_losses.detach()",
    ])
