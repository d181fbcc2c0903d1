"""What a network's followers are told when it changes: the routes' side of follow mode.

Each function costs one dict lookup when no room follows the network. Payloads go out with the
network's id removed (null), so a follower can watch the teacher's network but never address it.
"""

from __future__ import annotations

import orjson

from app.events import EventBus
from app.rooms import Rooms
from app.schemas.networks import NetworkState


def trace(bus: EventBus, network_id: str, trace_json: bytes) -> None:
    """A phase the teacher ran, as the TraceOut JSON the step route answered."""
    if bus.listening(network_id):
        text = trace_json.replace(orjson.dumps({"network_id": network_id})[1:-1],
                                  b'"network_id":null', 1)
        bus.publish(network_id, "trace", text.decode())


def state(bus: EventBus, network_id: str, current: NetworkState) -> None:
    """The network after an edit, a reset or a training run."""
    if bus.listening(network_id):
        bus.publish(network_id, "state", current.model_copy(update={"id": None})
                    .model_dump_json())


def sse_event(bus: EventBus, network_id: str, chunk: str) -> None:
    """Relay one event of the teacher's training stream: progress as is, the result's state."""
    if not bus.listening(network_id) or not chunk.startswith("event: "):
        return
    head, _, rest = chunk.partition("\n")
    event = head[len("event: "):]
    data = rest.partition("data: ")[2].rstrip("\n")
    if event == "progress":
        bus.publish(network_id, "progress", data)
    elif event == "result":
        result = orjson.loads(data)
        result["state"]["id"] = None
        bus.publish(network_id, "state", orjson.dumps(result["state"]).decode())


def gone(bus: EventBus, rooms: Rooms, network_id: str) -> None:
    """The network was deleted: its rooms close."""
    for code in rooms.of_network(network_id):
        rooms.discard(code)
        bus.publish(room_channel(code), "closed",
                    '{"reason": "the teacher\'s network was deleted"}')


def room_channel(code: str) -> str:
    """The channel of events about the room itself (closed, followers)."""
    return f"room:{code}"
