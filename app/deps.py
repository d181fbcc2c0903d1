"""Dependencies as `Annotated` aliases: settings, the session store, a network by path id.

For route authors (e.g. app/routes/circuits.py):

    from app.deps import NetworkSession

    @router.get("/api/networks/{network_id}/neurons/{layer}/{index}/circuit")
    def circuit(session: NetworkSession, layer: int, index: int) -> ...:
        session.network, session.dataset   # engine Network and Dataset; 404 if unknown id

`NetworkSession` is a private copy: read or change it freely, nothing is saved. To change a
network for good use `store.edit(network_id)` (see app/store.py).
"""

from __future__ import annotations

import copy
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.dependencies.models import Dependant

from app.errors import LimitError
from app.events import EventBus
from app.rooms import Rooms
from app.settings import Settings
from app.store import Session, Store
from app.trainpool import TrainPool


# The two getters are `async` only so that FastAPI calls them on the event loop instead of
# sending each through the thread pool (a measurable cost on the /step hot path).
async def get_settings(request: Request) -> Settings:
    """The app's Settings (tests pass their own to create_app)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_train_pool(request: Request) -> TrainPool:
    """The app's pool of training worker processes."""
    pool: TrainPool = request.app.state.train_pool
    return pool


async def get_store(request: Request) -> Store:
    """The app's session store."""
    store: Store = request.app.state.store
    return store


async def get_events(request: Request) -> EventBus:
    """The app's event bus (follow mode)."""
    bus: EventBus = request.app.state.events
    return bus


async def get_rooms(request: Request) -> Rooms:
    """The app's open follow rooms."""
    rooms: Rooms = request.app.state.rooms
    return rooms


_QUERY_NAMES: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> frozenset[str]:
    """Query parameters a route takes, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


async def known_query(request: Request) -> None:
    """Refuse query parameters the route does not take, as unknown body fields are (422)."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    names = _QUERY_NAMES.get(id(route))
    if names is None:
        dependant = getattr(route, "dependant", None)
        names = _query_names(dependant) if dependant else frozenset()
        _QUERY_NAMES[id(route)] = names
    unknown = sorted(set(request.query_params) - names)
    if unknown:
        takes = f"it takes {', '.join(sorted(names))}" if names else "it takes none"
        raise LimitError(f"query {unknown[0][:64]}: unknown query parameter; {takes}")


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
TrainPoolDep = Annotated[TrainPool, Depends(get_train_pool)]
EventsDep = Annotated[EventBus, Depends(get_events)]
RoomsDep = Annotated[Rooms, Depends(get_rooms)]
NetworkId = Annotated[str, Path(max_length=64, description="id returned by POST /api/networks")]


def load_session(store: Store, network_id: str) -> Session:
    """A private copy of a session (engine Network + Dataset); raises NotFound (→ 404)."""
    with store.view(network_id) as session:
        return copy.deepcopy(session)


def _session_from_path(store: StoreDep, network_id: NetworkId) -> Session:
    return load_session(store, network_id)


NetworkSession = Annotated[Session, Depends(_session_from_path)]
