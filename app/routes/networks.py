"""/api/networks: create, read, patch, delete, export and import sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from app import broadcast
from app.build import apply_update, build_network
from app.deps import EventsDep, NetworkId, RoomsDep, SettingsDep, StoreDep
from app.imports import import_document
from app.schemas.common import MAX_SAMPLES, errors
from app.schemas.datasets import DataRows
from app.schemas.networks import (
    NetworkCreate,
    NetworkState,
    NetworkUpdate,
)
from app.schemas.sessions import SessionExport
from app.serialize import MAX_INLINE_ROWS, data_rows, export_public, state_public
from app.store import Lease

IMPORT_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/SessionImport"}}}}}

router = APIRouter(prefix="/api/networks", tags=["networks"], responses=errors(422))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a network",
             responses=errors(404, 413))
def create_network(body: NetworkCreate, store: StoreDep, settings: SettingsDep) -> NetworkState:
    """Create a network from a preset (any spec field overridden) or a full spec, with data.

    Data comes from exactly one of: a named `dataset`, a `dataset_id` from
    `POST /api/datasets`, or `inputs`/`targets` rows. A preset brings its own data.
    """
    network, dataset = build_network(body, store, settings)
    session = store.create(network, dataset, preset=body.preset)
    return state_public(session)


@router.get("/{network_id}", summary="Read a network's state", responses=errors(404))
def get_network(network_id: NetworkId, store: StoreDep) -> NetworkState:
    """Spec, weights and biases (indexed as in the spec), learning rate, step, loss history."""
    with store.view(network_id) as session:
        return state_public(session)


@router.get("/{network_id}/data", summary="Read a network's data rows, a page at a time",
            responses=errors(404))
def get_network_data(
    network_id: NetworkId, store: StoreDep,
    offset: Annotated[int, Query(ge=0, le=MAX_SAMPLES, description="first row")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_INLINE_ROWS,
                                description=f"rows per page (≤ {MAX_INLINE_ROWS})")
                     ] = MAX_INLINE_ROWS,
) -> DataRows:
    """The inputs and targets the network trains on. The state carries them inline only for
    datasets of up to 1,000 rows; larger ones are read here, following `next_offset`."""
    with store.view(network_id) as session:
        return data_rows(session.dataset, offset, limit)


@router.patch("/{network_id}", summary="Change learning rate, one weight, one bias or the data",
              responses=errors(404, 409, 413))
async def patch_network(
    network_id: NetworkId, body: NetworkUpdate, store: StoreDep, settings: SettingsDep,
    bus: EventsDep,
) -> NetworkState:
    """Apply every given change at once; if any is invalid, none is applied (422)."""
    def run(lease: Lease) -> NetworkState:
        with store.edit(network_id, lease=lease, release=True) as session:
            apply_update(session, body, settings)
            return state_public(session)

    async with store.locked(network_id) as lease:  # waits on the event loop, not a thread
        state = await run_in_threadpool(run, lease)
    broadcast.state(bus, network_id, state)
    return state


@router.delete("/{network_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a network", responses=errors(404, 409))
async def delete_network(network_id: NetworkId, store: StoreDep, bus: EventsDep,
                         rooms: RoomsDep) -> Response:
    """Remove the session for good; the rooms following it close."""
    async with store.locked(network_id) as lease:
        await run_in_threadpool(store.delete, network_id, lease)
    broadcast.gone(bus, rooms, network_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{network_id}/export", summary="Export a session as one JSON document",
            responses=errors(404))
def export_network(network_id: NetworkId, store: StoreDep) -> SessionExport:
    """Everything needed to rebuild the session bit for bit with `POST /api/networks/import`."""
    with store.view(network_id) as session:
        return export_public(session)


@router.post("/import", status_code=status.HTTP_201_CREATED, summary="Import a session",
             response_model=NetworkState,
             responses=errors(413), openapi_extra=IMPORT_DOC)
async def import_network(request: Request, settings: SettingsDep) -> Response:
    """Create a new session (new id) from an exported document; exporting it gives it back.

    Spooled to a file, parsed and stored off the event loop, one import at a time
    (app/imports.py).
    """
    return await import_document(request, settings)
