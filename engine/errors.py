"""Errors the engine raises for bad input; each names what to change.

The app turns them into HTTP 422 responses, so their messages are written for users.
"""

from __future__ import annotations


class EngineError(ValueError):
    """Base class: a user-facing problem with the input, never a bug."""


class SpecError(EngineError):
    """An invalid network spec; `field` names the offending spec field (e.g. "activations")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DatasetError(EngineError):
    """Invalid data; `row` and `column` (0-based, when known) locate the bad value.

    `field` (when given) is the path of the bad field in a document, e.g.
    "dataset.input_names[1]"; it leads the message.
    """

    def __init__(self, message: str, row: int | None = None, column: int | str | None = None,
                 field: str | None = None):
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        prefix = (f"{field}: " if field else "") + (f"{', '.join(where)}: " if where else "")
        super().__init__(prefix + message)
        self.row = row
        self.column = column
        self.field = field
        self.message = message


class DivergenceError(EngineError):
    """Training or a traced update produced NaN/inf; the network was left as it was.

    `epoch` is the training epoch that failed (0 outside training); `step` is the update
    (1-based count of updates) that overflowed, when one traced update did.
    """

    def __init__(self, epoch: int, message: str | None = None, step: int | None = None) -> None:
        super().__init__(
            message or f"training diverged at epoch {epoch}; lower the learning rate"
        )
        self.epoch = epoch
        self.step = step
