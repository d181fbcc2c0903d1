"""Export a network as a runnable script: its next training step in NumPy or PyTorch.

`export_script(network, inputs, targets, flavour)` writes a self-contained Python file with
the network's spec, current weights, biases and optimizer state, step count and data, that
runs the same forward, backward and update as the engine's next full-batch step and prints
the numbers as JSON keyed like the API's trace. It imports only json and numpy (or torch).
"""

from __future__ import annotations

import numpy as np

from engine.errors import SpecError
from engine.nn.codegen import numpy_flavour, parts, torch_flavour
from engine.nn.network import Network

FLAVOURS = ("numpy", "torch")


def export_script(
    network: Network, inputs: np.ndarray, targets: np.ndarray, flavour: str = "numpy"
) -> str:
    """The script's text; raises SpecError for an unknown flavour."""
    if flavour not in FLAVOURS:
        raise SpecError("flavour", f"unknown flavour {flavour!r}; choose from "
                        f"{', '.join(FLAVOURS)}")
    module = numpy_flavour if flavour == "numpy" else torch_flavour
    dialect = module.DIALECT
    sections = [
        parts.header(network, dialect, len(inputs)),
        torch_flavour.prelude() if flavour == "torch" else "",
        parts.settings(network),
        parts.parameters(network, dialect),
        parts.data(inputs, targets, dialect),
        module.activations(network),
        module.forward(network),
        module.backward(network),
        parts.update(network, dialect),
        parts.result(network),
    ]
    return "\n\n\n".join(s.strip("\n") for s in sections if s) + "\n"
