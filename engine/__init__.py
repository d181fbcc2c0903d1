"""The NumPy engine of backprop-viz, in three rooms that never reach into each other.

- `engine.nn` — the layered network: spec, lookup tables, batched passes, traced phases,
  the fast training loop, saved documents, gradient checks. ∂L/∂w: `engine/nn/passes.py`.
- `engine.circuits` — scalar circuits of gates; `circuits.neuron` opens one neuron of a
  network as its circuit (the only door from circuits to nn).
- `engine.data` — built-in datasets and user rows/CSV; knows nothing of networks.

`engine.presets` joins nn and data into the worked examples. Nothing here knows about
HTTP, JSON schemas or drawing; `app/` is the only bridge to the web (`app/serialize.py`).
"""

from engine.data.datasets import Dataset, make_dataset
from engine.errors import DatasetError, DivergenceError, EngineError, SpecError
from engine.nn.network import Network
from engine.nn.spec import NetworkSpec
from engine.nn.trace import StepTrace
from engine.presets import PRESETS, build_preset

__all__ = [
    "PRESETS",
    "Dataset",
    "DatasetError",
    "DivergenceError",
    "EngineError",
    "Network",
    "NetworkSpec",
    "SpecError",
    "StepTrace",
    "build_preset",
    "make_dataset",
]
