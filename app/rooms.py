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
import threading
import time
from dataclasses import dataclass

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_ROOMS = 10_000  # a bound on memory (~200 bytes each); far above any school's need


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
    """The open rooms of this server, by code."""

    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {}
        self._guard = threading.Lock()

    def open(self, network_id: str) -> tuple[Room, str]:
        """A new room following the network, and its teacher token (returned only here)."""
        token = secrets.token_urlsafe(32)
        with self._guard:
            if len(self._rooms) >= MAX_ROOMS:
                raise TooManyRooms(f"{MAX_ROOMS} rooms are open; close one (DELETE "
                                   "/api/rooms/{code}) or try again later")
            code = self._new_code()
            room = Room(code, network_id, _hash(token), time.time())
            self._rooms[code] = room
        return room, token

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._rooms:
                return code

    def get(self, code: str) -> Room:
        """The open room with this code; RoomNotFound otherwise."""
        room = self._rooms.get(normalize(code))
        if room is None:
            raise RoomNotFound(code)
        return room

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
        with self._guard:
            self._rooms.pop(code, None)

    def of_network(self, network_id: str) -> list[Room]:
        """The rooms following a network."""
        return [room for room in list(self._rooms.values()) if room.network_id == network_id]
