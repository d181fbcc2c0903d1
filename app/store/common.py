"""What the store's modules share: its errors, the row codecs, the SQL both engines speak."""

from __future__ import annotations

import secrets
from array import array
from collections.abc import Sequence
from typing import Any, Protocol

import orjson

CHUNK = 512  # losses per history row


class NotFound(LookupError):
    """No such session or dataset (never created, deleted, or expired)."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r} (it may have expired)")
        self.kind = kind


class Busy(RuntimeError):
    """The network is held by another call (usually a training run) for too long."""


class WouldBlock(Busy):
    """`locked(..., wait=False)` found the network's lease taken."""


class Unavailable(RuntimeError):
    """The store's database cannot be reached right now (answered 503; retried later)."""


def new_id() -> str:
    """An unguessable id: 144 random bits, URL-safe."""
    return secrets.token_urlsafe(18)


def dumps(doc: Any) -> str:
    """JSON text of an engine document (floats written shortest-exact, as json does)."""
    return orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def loads(text: str | bytes) -> Any:
    """Inverse of `dumps`."""
    return orjson.loads(text)


def tail_of(history: list[float]) -> bytes:
    """The losses after the last full chunk, as raw float64."""
    return array("d", history[len(history) // CHUNK * CHUNK:]).tobytes()


def full_chunks(history: list[float]) -> int:
    """How many full chunks the history fills."""
    return len(history) // CHUNK


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Sql(Protocol):
    """What an engine hands the shared code: statements with `?` placeholders."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any: ...
