"""Follow-mode rooms: what a teacher opens, what a student reads, and the room's events."""

from __future__ import annotations

from pydantic import Field

from app.schemas.common import Public, Strict
from app.schemas.networks import NetworkState

ROOM_EVENTS_DOC = """Server-Sent Events, in the JSON of the network endpoints, with the network's
id left out (`id` / `network_id` are null: followers watch, they cannot drive):

- `state` (NetworkState): first, at once (a late joiner sees the current network), then after
  every edit, reset or finished training run of the teacher's network.
- `trace` (TraceOut): each phase the teacher runs (forward, backward, update, all), to animate.
- `progress` (ProgressEvent): a streamed training run's progress, `live` extras included.
- `followers` ({"followers": n}): how many follow the room now, when it changes.
- `closed` ({"reason": "..."}): the teacher closed the room or the network is gone; the stream
  ends.

A comment line (`: keep-alive`) every 15 s keeps proxies from closing an idle stream."""


class RoomCreate(Strict):
    """Open a room that follows one of your networks."""

    network_id: str = Field(max_length=64, description="the network students will follow")


class RoomPublic(Public):
    """A room as a student sees it: no teacher token, no network id."""

    code: str = Field(description="6 characters, no look-alikes (no 0/O, 1/I/L)")
    join_url: str = Field(description="the student's page for this room")
    qr_svg_url: str = Field(description="a QR code of join_url, as SVG")
    followers: int = Field(description="devices following the room now (this server)")
    created_at: float


class RoomCreated(RoomPublic):
    """The new room, with the secret that closes it (shown only here; keep it)."""

    teacher_token: str = Field(description="256-bit secret: send it as X-Teacher-Token to "
                                           "DELETE /api/rooms/{code}")


class RoomWithState(RoomPublic):
    """A room and the network's current state."""

    state: NetworkState = Field(description="the followed network, `id` null")
