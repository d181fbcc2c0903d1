"""Session imports in a separate process, a bounded number at a time.

An import may be a 48 MB document. Parsing it (json), validating it (pydantic) and writing
it to the store are long calls that hold Python's interpreter lock for seconds: in a worker
thread they still stalled every other request. Here the raw bytes go to a process of its
own (`--import-concurrency` of them, default 1), which parses, validates, rebuilds and
stores the network and its data, and sends back the new network's state. The body is read
only when a slot is free, so waiting imports hold no memory here: their bytes wait in the
network's buffers. A refusal comes back as plain values and is raised here as the error the
app's handlers answer (the same 422s).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.build import import_session
from app.errors import LimitError
from app.jsonbody import parse_json
from app.schemas.networks import NetworkState
from app.schemas.sessions import SessionImport
from app.serialize import state_public
from app.settings import Settings
from app.store import Store, open_store
from engine.errors import DatasetError, EngineError, SpecError


def _refusal(exc: Exception) -> tuple[str, Any]:
    """An error as plain values that cross a process boundary (see `_raise`)."""
    if isinstance(exc, ValidationError):
        return "validation", [{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"],
                               "ctx": {"error": str((e.get("ctx") or {}).get("error", ""))}}
                              for e in exc.errors()]
    if isinstance(exc, SpecError):
        return "spec", (exc.field, exc.message)
    if isinstance(exc, DatasetError):
        return "dataset", (exc.message, exc.row, exc.column, exc.field)
    return ("engine" if isinstance(exc, EngineError) else "limit"), str(exc)


def _raise(kind: str, payload: Any) -> None:
    if kind == "validation":
        raise RequestValidationError(payload)
    if kind == "spec":
        raise SpecError(*payload)
    if kind == "dataset":
        raise DatasetError(*payload)
    raise EngineError(payload) if kind == "engine" else LimitError(payload)


_STORE: Store | None = None  # the import process's own connection to the sessions


def build(raw: bytes, settings: Settings) -> tuple[str, Any]:
    """In the import process: ("ok", the new network's state) or a refusal. Storing it here
    too keeps the serialisation of a large dataset (seconds of CPU) off the server."""
    global _STORE
    try:
        body = SessionImport.model_validate(parse_json(raw))
        network, dataset = import_session(body, settings)
    except (ValidationError, EngineError, LimitError) as exc:
        return _refusal(exc)
    if _STORE is None:
        _STORE = open_store(settings.db, ttl_seconds=settings.session_ttl_hours * 3600,
                            lock_timeout=settings.lock_timeout_seconds)
    session = _STORE.create(network, dataset, preset=body.preset)
    return "ok", state_public(session).model_dump()


def _pool(request: Request, settings: Settings) -> tuple[asyncio.Semaphore, ProcessPoolExecutor]:
    state = request.app.state
    if getattr(state, "import_pool", None) is None:
        state.import_slots = asyncio.Semaphore(settings.import_concurrency)
        state.import_pool = ProcessPoolExecutor(
            settings.import_concurrency, mp_context=multiprocessing.get_context("forkserver"))
    return state.import_slots, state.import_pool


async def import_document(request: Request, settings: Settings) -> NetworkState:
    """The state of the network an import request created (422s as any JSON body gets)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise LimitError("body: send a JSON object with the header Content-Type: "
                         f"application/json (this request's Content-Type: {kind or 'none'})")
    slots, pool = _pool(request, settings)
    async with slots:
        raw = await request.body()
        outcome, payload = await asyncio.get_running_loop().run_in_executor(
            pool, build, raw, settings)
    if outcome != "ok":
        _raise(outcome, payload)
    return NetworkState.model_validate(payload)


def close(app_state: Any) -> None:
    """Stop the import processes (at shutdown)."""
    pool = getattr(app_state, "import_pool", None)
    if pool is not None:
        pool.shutdown(cancel_futures=True)
        app_state.import_pool = None
