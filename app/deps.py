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
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.dependencies.models import Dependant

from app.errors import LimitError
from app.events import EventBus
from app.rooms import Rooms
from app.settings import Settings
from app.store import Session, Store
from app.trainpool import TrainPool


def _from_app_state(attribute: str, what: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency giving `app.state.<attribute>` (what create_app built, or a test's own).

    It is `async` only so that FastAPI calls it on the event loop instead of sending it
    through the thread pool (a measurable cost on the /step hot path)."""
    async def get(request: Request) -> Any:
        return getattr(request.app.state, attribute)

    get.__doc__ = f"The app's {what}."
    return get


get_settings = _from_app_state("settings", "Settings (tests pass their own to create_app)")
get_train_pool = _from_app_state("train_pool", "pool of training worker processes")
get_store = _from_app_state("store", "session store")
get_events = _from_app_state("events", "event bus (follow mode)")
get_rooms = _from_app_state("rooms", "open follow rooms")


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
