"""Follow-mode rooms: a short code that puts a teacher's network on every student's device.

A room names one network. Its code is what students type (6 characters from an alphabet with
no look-alikes: no 0/O, 1/I/L); its teacher token, a 256-bit secret shown once, is what closes
it. Only a hash of the token is kept. Students never learn the network's id, so they can watch
the network but never drive it; they may fork a copy of their own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from app.store import Store

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_ROOMS = 10_000  # a bound on the table; far above any school's need


class RoomNotFound(LookupError):
    """An unknown or closed room code (answered 404)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"room {code[:16]!r} does not exist or has closed; check the code "
                         "on the teacher's screen")


class NotTeacher(PermissionError):
    """A close request without the room's teacher token (answered 403)."""


class TooManyRooms(RuntimeError):
    """MAX_ROOMS open at once (answered 503)."""


@dataclass(frozen=True)
class Room:
    code: str
    network_id: str
    token_hash: bytes
    created_at: float


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def normalize(code: str) -> str:
    """What a student typed, as the code: case and spaces or dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch not in " -")


class Rooms:
    """The open rooms, kept in the session store: every app process (and machine) on the
    store sees the same rooms."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, network_id: str) -> tuple[Room, str]:
        """A new room following the network, and its teacher token (returned only here)."""
        if self.store.room_count() >= MAX_ROOMS:
            raise TooManyRooms(f"{MAX_ROOMS} rooms are open; close one (DELETE "
                               "/api/rooms/{code}) or try again later")
        token = secrets.token_urlsafe(32)
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            room = Room(code, network_id, _hash(token), time.time())
            if self.store.put_room(code, network_id, room.token_hash, room.created_at):
                return room, token

    def get(self, code: str) -> Room:
        """The open room with this code; RoomNotFound otherwise."""
        clean = normalize(code)
        row = self.store.get_room(clean) if len(clean) <= 16 else None
        if row is None:
            raise RoomNotFound(code)
        return Room(clean, *row)

    def close(self, code: str, token: str | None) -> Room:
        """Close the room if the token is its teacher's; NotTeacher otherwise."""
        room = self.get(code)
        if token is None or not hmac.compare_digest(_hash(token), room.token_hash):
            raise NotTeacher("closing a room takes its teacher token (header X-Teacher-Token, "
                             "as returned by POST /api/rooms)")
        self.discard(room.code)
        return room

    def discard(self, code: str) -> None:
        """Forget a room (its network is gone, or its teacher closed it)."""
        self.store.delete_room(code)

    def of_network(self, network_id: str) -> list[str]:
        """Codes of the rooms following a network."""
        return self.store.rooms_of(network_id)
