"""/api/rooms: follow mode — a teacher's network on every student's device, live."""

from __future__ import annotations

import asyncio
import copy
import io
from collections.abc import AsyncIterator
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Header, Path, Request, Response, status
from fastapi.responses import StreamingResponse

from app import broadcast
from app.deps import EventsDep, RoomsDep, StoreDep
from app.events import RESYNC, EventBus
from app.rooms import Room, Rooms
from app.schemas.common import errors
from app.schemas.networks import NetworkState
from app.schemas.rooms import (
    ROOM_EVENTS_DOC,
    RoomCreate,
    RoomCreated,
    RoomPublic,
    RoomWithState,
)
from app.serialize import state_public
from app.store import NotFound, Store

router = APIRouter(prefix="/api/rooms", tags=["rooms"], responses=errors(422))
Code = Annotated[str, Path(max_length=16, description="the room's code (case-insensitive)")]
KEEPALIVE_SECONDS = 15.0


def _public(room: Room, request: Request, bus: EventBus) -> dict[str, Any]:
    return {"code": room.code, "join_url": f"{request.base_url}join/{room.code}",
            "qr_svg_url": f"/api/rooms/{room.code}/qr.svg",
            "followers": bus.followers(broadcast.room_channel(room.code)),
            "created_at": room.created_at}


def _state(store: Store, rooms: Rooms, room: Room) -> NetworkState:
    """The followed network's state without its id; a room whose network is gone closes."""
    try:
        with store.view(room.network_id) as session:
            return state_public(session).model_copy(update={"id": None})
    except NotFound:
        rooms.discard(room.code)
        raise


@router.post("", status_code=status.HTTP_201_CREATED, summary="Open a follow room",
             responses=errors(404, 503))
def open_room(body: RoomCreate, request: Request, store: StoreDep, rooms: RoomsDep,
              bus: EventsDep) -> RoomCreated:
    """A short code, a join link and a QR code for students; the teacher token closes it."""
    with store.view(body.network_id):
        pass  # an unknown or expired network is a 404 here
    room, token = rooms.open(body.network_id)
    return RoomCreated(**_public(room, request, bus), teacher_token=token)


@router.get("/{code}", summary="A room and its network's current state", responses=errors(404))
def read_room(code: Code, request: Request, store: StoreDep, rooms: RoomsDep,
              bus: EventsDep) -> RoomWithState:
    """What a student's page loads first (or a late joiner): the network as it is now."""
    room = rooms.get(code)
    return RoomWithState(**_public(room, request, bus), state=_state(store, rooms, room))


async def _events(request: Request, store: Store, rooms: Rooms, bus: EventBus, room: Room
                  ) -> AsyncIterator[str]:
    channels = (room.network_id, broadcast.room_channel(room.code))
    with bus.subscribe(*channels) as queue:
        yield f"event: state\ndata: {_state(store, rooms, room).model_dump_json()}\n\n"
        while True:
            try:
                event, data = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if event == RESYNC:
                try:
                    data, event = _state(store, rooms, room).model_dump_json(), "state"
                except NotFound:
                    data, event = '{"reason": "the network is gone"}', "closed"
            yield f"event: {event}\ndata: {data}\n\n"
            if event == "closed":
                return


@router.get("/{code}/events", summary="Follow a room live (Server-Sent Events)",
            responses={**errors(404), 200: {"description": ROOM_EVENTS_DOC, "content": {
                "text/event-stream": {"schema": {"type": "string"}}}}},
            response_class=StreamingResponse)
async def room_events(code: Code, request: Request, store: StoreDep, rooms: RoomsDep,
                      bus: EventsDep) -> StreamingResponse:
    """`state` at once, then `trace`, `progress`, `state` as the teacher works; `closed` last."""
    room = rooms.get(code)
    _state(store, rooms, room)  # a room whose network is gone: 404 before the stream starts
    return StreamingResponse(_events(request, store, rooms, bus, room),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/{code}/fork", status_code=status.HTTP_201_CREATED,
             summary="Explore on my own: a private copy of the room's network",
             responses=errors(404))
def fork_room(code: Code, store: StoreDep, rooms: RoomsDep) -> NetworkState:
    """A new network of the student's own, at the teacher's current state (weights, step,
    optimizer state, data, loss history); the teacher's network is not touched."""
    room = rooms.get(code)
    try:
        with store.view(room.network_id) as session:
            network, dataset = copy.deepcopy(session.network), copy.deepcopy(session.dataset)
            preset = session.preset
    except NotFound:
        rooms.discard(room.code)
        raise
    return state_public(store.create(network, dataset, preset=preset))


@router.delete("/{code}", status_code=status.HTTP_204_NO_CONTENT, summary="Close a room",
               responses=errors(403, 404))
def close_room(code: Code, rooms: RoomsDep, bus: EventsDep,
               x_teacher_token: Annotated[str | None, Header(
                   max_length=128, description="the token POST /api/rooms returned")] = None,
               ) -> Response:
    """Followers get `closed`; the network itself stays."""
    room = rooms.close(code, x_teacher_token)
    bus.publish(broadcast.room_channel(room.code), "closed",
                '{"reason": "the teacher closed the room"}')
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{code}/qr.svg", summary="The join link as a QR code (SVG)",
            responses={**errors(404), 200: {"content": {"image/svg+xml": {}},
                                            "description": "SVG, black on white"}},
            response_class=Response)
def room_qr(code: Code, request: Request, rooms: RoomsDep) -> Response:
    """Drawn by the server (no CDN): scan it to open the join page."""
    room = rooms.get(code)
    qr = segno.make(f"{request.base_url}join/{room.code}", error="m")
    out = io.BytesIO()
    # A standalone document (namespace, light background): an <img> needs it, not inline SVG.
    qr.save(out, kind="svg", scale=8, border=2, light="#fff", xmldecl=False,
            title=f"Join room {room.code}")
    return Response(out.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


__all__ = ["RoomPublic", "router"]
