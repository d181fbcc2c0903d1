"""create_app(): the FastAPI application with its routers, static files and templates."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app import __version__, errors, heap, imports, openapi, serve
from app.bodylimit import BodySizeLimit
from app.cpulimit import OneAtATime
from app.deps import known_query
from app.events import EventBus
from app.jsonbody import StrictJsonBodies
from app.paths import STATIC_DIR
from app.quotas import Quotas
from app.ratelimit import RateLimits
from app.rooms import Rooms
from app.routes import (
    circuits,
    code,
    datasets,
    docs,
    health,
    limits,
    networks,
    pages,
    presets,
    rooms,
    training,
)
from app.security import (
    WILDCARD_HOSTS,
    CrossOriginWrites,
    HostCheck,
    SecurityHeaders,
    default_allowed_hosts,
)
from app.settings import SERVE_SETTINGS, Settings
from app.stepfast import StepFastPath
from app.store import Store, open_store
from app.trainpool import TrainPool
from engine.allocator import keep_freed_memory
from engine.blas import limit_blas_threads

DESCRIPTION = """
Run small neural networks forward and backward and read every number.

Create a network (`POST /api/networks` with `{"preset": "two-two-one"}`), then walk it
through `forward`, `backward` and `update` with `POST /api/networks/{id}/step`: each answer
is a **trace** with every node's `z`, `a`, `grad_z`, `grad_a` and every edge's `weight`,
`signal`, `grad` and `new_weight`. Train with `/train` (optionally streamed as
Server-Sent Events), go back with `/reset`, draw decision boundaries with `/predict`.

Errors: 404 unknown id, 409 network busy, 413 body too large, 422 invalid input or a
limit exceeded (with a `message` saying what to change). Limits and settings: see README.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While serving, the store renews its leases (and folds SQLite's log) in the background."""
    store: Store = app.state.store
    store.start()
    await store.open_async()
    app.state.events.start()  # follow mode's events from and to other processes
    app.state.train_pool.warm()
    if getattr(app.state, "settle_heap", False):  # set by serve.run: see app/heap.py
        heap.settle()
    try:
        yield
    finally:
        await store.close_async()
        app.state.train_pool.close()
        imports.close(app.state)
        app.state.events.close()
        store.close()


def install_browser_guards(app: FastAPI, settings: Settings) -> None:
    """Security headers, trusted Host names, CORS (opt-in) and the cross-origin write guard.

    Middleware added last runs first: the Host check, then CORS (it answers preflights),
    then the write guard, then the headers on whatever answers.
    """
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    app.add_middleware(CrossOriginWrites, cors_origins=settings.cors_origins)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["*"], allow_headers=["*"], max_age=600)
    hosts = settings.allowed_hosts or default_allowed_hosts(settings.host)
    app.add_middleware(HostCheck, allowed_hosts=hosts,
                       any_ip=settings.allowed_hosts is None and settings.host in WILDCARD_HOSTS)


def create_served_app() -> FastAPI:
    """The app of one of `backprop-viz --workers N`'s processes: the settings the command
    parsed (flags included), handed over as JSON in the environment."""
    app = create_app(Settings.model_validate_json(os.environ[SERVE_SETTINGS]))
    app.state.settle_heap = True
    return app


def create_app(settings: Settings | None = None, *, step_fast_path: bool = True) -> FastAPI:
    """Build the app; tests pass their own Settings (temp database, small limits), and turn
    off the step's fast path (app/stepfast.py) to compare it with the route."""
    settings = settings or Settings()
    serve.configure(settings)  # this process's connection deadlines and log filter
    keep_freed_memory()  # traced steps reuse freed buffers instead of page-faulting them in
    limit_blas_threads(settings.blas_threads)  # see engine/blas.py
    app = FastAPI(title="backprop-viz", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # see routes/docs.py
    app.state.settings = settings
    app.state.store = open_store(
        settings.db, ttl_seconds=settings.session_ttl_hours * 3600,
        lock_timeout=settings.lock_timeout_seconds, cache_bytes=settings.cache_bytes,
        durable_steps=settings.step_commit == "durable")
    app.state.train_pool = TrainPool(settings.training_processes, settings.train_queue)
    app.state.events = EventBus(app.state.store)
    app.state.rooms = Rooms(app.state.store)
    errors.install(app)
    if step_fast_path:
        app.add_middleware(StepFastPath, api=app)  # innermost: every check below applies
    app.add_middleware(StrictJsonBodies)  # inside the size limit: reads bounded bodies only
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, overrides={
        ("POST", "/api/networks/import"): settings.max_import_bytes})
    app.add_middleware(OneAtATime)  # circuit traces: one thread at a time
    app.add_middleware(Quotas, store=app.state.store, settings=settings)
    app.add_middleware(RateLimits, settings=settings)  # before any body is read
    install_browser_guards(app, settings)
    # The page's scripts and styles, compressed for browsers that ask (all do): a school
    # network carries about a third of the bytes. Only here: the API's answers stay plain
    # (a step's trace would pay for compression on every call of the hot path).
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1024,
                                        compresslevel=6), name="static")
    for module in (health, limits, presets, networks, training, code, datasets, circuits,
                   rooms):
        app.include_router(module.router, dependencies=[Depends(known_query)])
    docs.install(app)
    openapi.install(app, settings)
    app.include_router(pages.router)  # the page reads its own query (?network=…) in JS
    return app
