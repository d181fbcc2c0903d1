"""/api/networks: create, read, patch, delete, export and import sessions."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.build import apply_update, build_network, import_session
from app.deps import NetworkId, SettingsDep, StoreDep
from app.schemas.common import errors
from app.schemas.networks import (
    NetworkCreate,
    NetworkState,
    NetworkUpdate,
)
from app.schemas.sessions import SessionExport, SessionImport
from app.serialize import export_public, state_public

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


@router.patch("/{network_id}", summary="Change learning rate, one weight, one bias or the data",
              responses=errors(404, 409, 413))
def patch_network(
    network_id: NetworkId, body: NetworkUpdate, store: StoreDep, settings: SettingsDep
) -> NetworkState:
    """Apply every given change at once; if any is invalid, none is applied (422)."""
    with store.edit(network_id) as session:
        apply_update(session, body, settings)
        return state_public(session)


@router.delete("/{network_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a network", responses=errors(404, 409))
def delete_network(network_id: NetworkId, store: StoreDep) -> Response:
    """Remove the session for good."""
    store.delete(network_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{network_id}/export", summary="Export a session as one JSON document",
            responses=errors(404))
def export_network(network_id: NetworkId, store: StoreDep) -> SessionExport:
    """Everything needed to rebuild the session bit for bit with `POST /api/networks/import`."""
    with store.view(network_id) as session:
        return export_public(session)


@router.post("/import", status_code=status.HTTP_201_CREATED, summary="Import a session",
             responses=errors(413))
def import_network(body: SessionImport, store: StoreDep, settings: SettingsDep) -> NetworkState:
    """Create a new session (new id) from an exported document; exporting it gives it back."""
    network, dataset = import_session(body, settings)
    session = store.create(network, dataset, preset=body.preset)
    return state_public(session)
