"""Session imports off the event loop, a bounded number at a time.

An import may be a 48 MB document: parsing and validating it takes about a second of CPU
and a few hundred MB. On the event loop that stalled every other client; eight at once
held over a GB. Here the body is read only when an import slot is free (the others wait
with their bytes still in the network's buffers), then parsed and validated in a worker
thread; `--import-concurrency` slots (default 1) bound the memory.
"""

from __future__ import annotations

import asyncio

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.build import import_session
from app.errors import LimitError
from app.jsonbody import parse_json
from app.schemas.sessions import SessionImport
from app.settings import Settings
from app.store import Session, Store


def _slots(request: Request, settings: Settings) -> asyncio.Semaphore:
    state = request.app.state
    if getattr(state, "import_slots", None) is None:
        state.import_slots = asyncio.Semaphore(settings.import_concurrency)
    slots: asyncio.Semaphore = state.import_slots
    return slots


def _build(raw: bytes, store: Store, settings: Settings) -> Session:
    """Parse, validate, rebuild and store one exported document (in a worker thread)."""
    try:
        body = SessionImport.model_validate(parse_json(raw))
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    network, dataset = import_session(body, settings)
    return store.create(network, dataset, preset=body.preset)


async def import_document(request: Request, store: Store, settings: Settings) -> Session:
    """The new session of an import request (422s as any JSON body gets them)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise LimitError("body: send a JSON object with the header Content-Type: "
                         f"application/json (this request's Content-Type: {kind or 'none'})")
    async with _slots(request, settings):
        raw = await request.body()
        return await run_in_threadpool(_build, raw, store, settings)
