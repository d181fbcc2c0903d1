"""Session imports in a separate process, a bounded number at a time.

An import may be a 48 MB document. Parsing it (json) and validating it (pydantic) are long
calls that hold Python's interpreter lock for seconds: in a worker thread they still stalled
every other request, on the event loop even more so. Here the raw bytes go to a process of
its own (`--import-concurrency` of them, default 1), which parses, validates and rebuilds
the network and its data, and sends back the checked network (as a document) and data.
The body is read only when a slot is free, so waiting imports hold no memory here: their
bytes wait in the network's buffers. A refusal comes back as plain values and is raised
here as the error the app's handlers answer (the same 422s).
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
from app.schemas.sessions import SessionImport
from app.settings import Settings
from app.store import Session, Store
from engine.data.datasets import Dataset
from engine.errors import DatasetError, EngineError, SpecError
from engine.nn.network import Network


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


def build(raw: bytes, settings: Settings) -> tuple[str, Any]:
    """In the import process: ("ok", (network doc, dataset, preset)) or a refusal."""
    try:
        body = SessionImport.model_validate(parse_json(raw))
        network, dataset = import_session(body, settings)
    except (ValidationError, EngineError, LimitError) as exc:
        return _refusal(exc)
    # the network as a document (it holds functions of its lookup tables, which pickle
    # cannot send); the data as it is (NumPy arrays: cheap to send and receive)
    return "ok", (network.to_dict(), dataset, body.preset)


def _pool(request: Request, settings: Settings) -> tuple[asyncio.Semaphore, ProcessPoolExecutor]:
    state = request.app.state
    if getattr(state, "import_pool", None) is None:
        state.import_slots = asyncio.Semaphore(settings.import_concurrency)
        state.import_pool = ProcessPoolExecutor(
            settings.import_concurrency, mp_context=multiprocessing.get_context("forkserver"))
    return state.import_slots, state.import_pool


async def import_document(request: Request, store: Store, settings: Settings) -> Session:
    """The new session of an import request (422s as any JSON body gets them)."""
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
    return await asyncio.to_thread(_create, store, *payload)


def _create(store: Store, network: dict[str, Any], dataset: Dataset,
            preset: str | None) -> Session:
    """Rebuild the checked network (trusted: the import process validated it) and store."""
    return store.create(Network.from_dict(network, trusted=True), dataset, preset)


def close(app_state: Any) -> None:
    """Stop the import processes (at shutdown)."""
    pool = getattr(app_state, "import_pool", None)
    if pool is not None:
        pool.shutdown(cancel_futures=True)
        app_state.import_pool = None
