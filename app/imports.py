"""Session imports in a separate process, a bounded number at a time.

An import may be a 48 MB document. Parsing it (json), validating it (pydantic) and writing
it to the store are long calls that hold Python's interpreter lock for seconds: in a worker
thread they still stalled every other request. Here the body is spooled to a temporary file
(TMPDIR) a megabyte at a time, the writes in a worker thread, so the server never holds a
whole document; a process of its own (`--import-concurrency` of them, default 1) reads the
file, parses, validates, rebuilds and stores the network and its data (keeping none of it
in memory afterwards), and sends back the new network's state as the JSON of the answer.
A body is read only when a slot is free, so waiting imports hold no memory and no disk
here: their bytes wait in the network's buffers. A refusal comes back as plain values and
is raised here as the error the app's handlers answer (the same 422s).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.build import import_session
from app.errors import LimitError
from app.jsonbody import parse_json
from app.schemas.sessions import SessionImport
from app.serialize import state_public
from app.settings import Settings
from app.store import Store, Unavailable, open_store
from engine.allocator import release_freed_memory
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
SPOOL_BYTES = 1 << 20  # the body goes to its file in writes of about this size


def _read(path: Path) -> Any:
    """The document at `path`, parsed strictly (as any JSON body), its text freed as soon
    as it is parsed: bytes, text and objects of a 48 MB document never coexist."""
    raw = path.read_bytes()
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")  # as json.loads does
    except UnicodeDecodeError:
        text = None
    if text is None:
        return parse_json(raw)  # the same 422 as any body that is not UTF-8
    del raw
    return parse_json(text)


def build(path: str, settings: Settings) -> tuple[str, Any]:
    """In the import process: ("ok", the new network's state as JSON) or a refusal.
    Storing it here too keeps the serialisation of a large dataset (seconds of CPU) off the
    server; this process's store keeps no session in memory (`cache_bytes=0`)."""
    try:
        return _build(Path(path), settings)
    finally:
        release_freed_memory()  # the document's objects: this process may idle a long time


def _build(path: Path, settings: Settings) -> tuple[str, Any]:
    global _STORE
    try:
        document = _read(path)
        body = SessionImport.model_validate(document)
        del document
        network, dataset = import_session(body, settings)
        preset = body.preset
        del body
    except (ValidationError, EngineError, LimitError) as exc:
        return _refusal(exc)
    if _STORE is None:
        _STORE = open_store(settings.db, ttl_seconds=settings.session_ttl_hours * 3600,
                            lock_timeout=settings.lock_timeout_seconds, cache_bytes=0)
    session = _STORE.create(network, dataset, preset=preset)
    return "ok", state_public(session).model_dump_json(by_alias=True).encode()


def _pool(request: Request, settings: Settings) -> tuple[asyncio.Semaphore, ProcessPoolExecutor]:
    state = request.app.state
    if getattr(state, "import_pool", None) is None:
        state.import_slots = asyncio.Semaphore(settings.import_concurrency)
        state.import_pool = ProcessPoolExecutor(
            settings.import_concurrency, mp_context=multiprocessing.get_context("forkserver"))
    return state.import_slots, state.import_pool


async def spool(request: Request) -> Path:
    """The request body in a new temporary file (the caller deletes it); 503 (Unavailable)
    if the temporary folder cannot take it (full, missing, not writable)."""
    try:
        return await _spool(request)
    except OSError as exc:
        raise Unavailable(f"the server cannot keep this import in its temporary folder "
                          f"({tempfile.gettempdir()}: {exc.strerror or exc}); try again "
                          "later") from exc


async def _spool(request: Request) -> Path:
    handle, name = tempfile.mkstemp(prefix="backprop-viz-import-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            pending: list[bytes] = []
            size = 0
            async for chunk in request.stream():
                pending.append(chunk)
                size += len(chunk)
                if size >= SPOOL_BYTES:
                    await run_in_threadpool(file.writelines, pending)
                    pending, size = [], 0
            await run_in_threadpool(file.writelines, pending)
    except BaseException:
        path.unlink(missing_ok=True)  # too large (413), or the client went away
        raise
    return path


async def import_document(request: Request, settings: Settings) -> Response:
    """The 201 answer of an import request: the new network's state (422s as any JSON body
    gets)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise LimitError("body: send a JSON object with the header Content-Type: "
                         f"application/json (this request's Content-Type: {kind or 'none'})")
    slots, pool = _pool(request, settings)
    async with slots:
        path = await spool(request)
        try:
            outcome, payload = await asyncio.get_running_loop().run_in_executor(
                pool, build, str(path), settings)
        finally:
            path.unlink(missing_ok=True)
    if outcome != "ok":
        _raise(outcome, payload)
    return Response(payload, status_code=201, media_type="application/json")


def close(app_state: Any) -> None:
    """Stop the import processes (at shutdown)."""
    pool = getattr(app_state, "import_pool", None)
    if pool is not None:
        pool.shutdown(cancel_futures=True)
        app_state.import_pool = None
