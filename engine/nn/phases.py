"""What the traced phases keep between calls.

A forward or backward phase leaves a `Pending` record on the network; the next phase on the
same data picks it up instead of recomputing ("phases run their missing earlier phases").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.nn.optimizers import State


@dataclass(eq=False, slots=True)
class Pending:
    """Arrays of the whole batch computed so far for the current parameters.

    Lists a phase has not filled yet are None.
    """

    key: str | None  # fingerprint of the data (None: an "all" step, never reused)
    ws: list[np.ndarray]  # the parameters the forward pass used
    bs: list[np.ndarray | None]
    zs: list[np.ndarray]
    acts: list[np.ndarray]
    losses: np.ndarray
    loss: float
    ga: list[Any] | None = None
    gz: list[Any] | None = None
    dws: list[np.ndarray] | None = None
    dbs: list[np.ndarray | None] | None = None
    grad_sample: int | None = None
    backward_done: bool = False
    restored: bool = False  # only the marker survived a to_dict/from_dict round trip
    new_ws: list[np.ndarray] | None = None
    new_bs: list[np.ndarray | None] | None = None
    weight_state: list[State] | None = None
    bias_state: list[State] | None = None
    state_names: tuple[str, ...] = ()

    def marker(self) -> dict[str, Any]:
        """JSON-ready: which phase is done for which data, so a reload can go on."""
        return {"key": self.key, "backward_done": self.backward_done,
                "grad_sample": self.grad_sample}

    @classmethod
    def from_marker(cls, data: dict[str, Any]) -> Pending:
        """A record with no arrays: the next phase recomputes them quietly."""
        empty = np.zeros(0)
        return cls(str(data["key"]), [], [], [], [], empty, 0.0,
                   grad_sample=data.get("grad_sample"),
                   backward_done=bool(data.get("backward_done")), restored=True)


def data_key(X: np.ndarray, Y: np.ndarray) -> str:
    """A fingerprint of the batch, so a later phase knows it runs on the same data."""
    h = hashlib.blake2b(digest_size=16)
    h.update(np.asarray(X.shape + Y.shape, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(X).tobytes())
    h.update(np.ascontiguousarray(Y).tobytes())
    return h.hexdigest()
