"""Training calls: the network's lease, a place in the worker pool's queue, progress as SSE,
checkpoints into the store.

A train call first takes the network's lease (waiting on the event loop, up to the lock
timeout: 409 after), then queues for a worker process (503 + Retry-After when the queue is
full). The run itself happens in the worker (app/trainworker.py); this side relays its
messages: progress events to the stream, checkpoints (every ~2 s) and the end to the store.
The lease is given back when the run ends, whatever happened to the request.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from starlette.requests import Request

from app import trainworker
from app.errors import LimitError, error_body
from app.schemas.training import TrainRequest, TrainResult
from app.serialize import current_loss, history_points, state_public
from app.settings import Settings
from app.store import Busy, Lease, NotFound, Session, Store, Unavailable
from app.trainpool import Job, QueueFull, TrainPool
from engine.errors import DivergenceError, EngineError
from engine.nn.network import Network

KEEPALIVE_SECONDS = 1.0  # an SSE comment when nothing else was sent for this long
DISCONNECT_POLL_SECONDS = 0.25
RELAY_POLL_SECONDS = 0.05  # how soon a cancel reaches a worker that sends nothing

Emit = Callable[[str, dict[str, Any] | None], None]


def check_epochs(body: TrainRequest, settings: Settings) -> None:
    """Raise LimitError above the configured epochs a call."""
    if body.epochs > settings.max_epochs:
        raise LimitError(f"epochs: {body.epochs} exceed the limit of {settings.max_epochs} "
                         "a call")


def check_live(body: TrainRequest, settings: Settings, streaming: bool, inputs: int) -> None:
    """Raise LimitError for a `live` request that cannot be honoured."""
    live = body.live
    if live is None:
        return
    if not streaming:
        raise LimitError("live: progress events only come with stream: true (or Accept: "
                         "text/event-stream)")
    n = live.grid_resolution
    if n is not None and n > settings.max_grid_resolution:
        raise LimitError(f"live.grid_resolution: {n} exceeds the limit of "
                         f"{settings.max_grid_resolution}")
    if n is not None and inputs > 2:
        raise LimitError(f"live.grid_resolution: a {inputs}-input network has no grid; "
                         "leave it out")


def _relay(conn: Connection, cancelled: threading.Event) -> Any:
    """The worker's next message; tells it to stop once the call is cancelled."""
    told = False
    while not conn.poll(RELAY_POLL_SECONDS):
        if cancelled.is_set() and not told:
            conn.send("cancel")
            told = True
    return conn.recv()


def run_on_worker(
    store: Store, lease: Lease, network_id: str, body: TrainRequest, settings: Settings,
    emit: Emit | None, cancelled: threading.Event, conn: Connection,
) -> Generator[None, None, TrainResult]:
    """Send the network to a worker, commit its checkpoints and its end (a dispatcher thread).

    A job of the pool (app/trainpool.py): it pauses once the worker has the network, and
    again once the worker is done, so the pool can hand the worker its next job before this
    one commits and builds its answer."""
    with store.edit(network_id, lease=lease) as session:
        if cancelled.is_set():  # its client left while it waited: no epoch for nobody
            return _not_run(session, "cancelled: the client went away")
        original = session.network.to_dict()
        started = time.monotonic()
        conn.send({"network": original, "dataset": session.dataset, "epochs": body.epochs,
                   "batch_size": body.batch_size, "shuffle_seed": body.shuffle_seed,
                   "live": body.live.model_dump() if body.live else None,
                   "progress": emit is not None, "max_seconds": settings.max_train_seconds,
                   "live_seconds": trainworker.LIVE_SECONDS})
        yield  # the worker has its work
        committed = False
        while True:
            message = _relay(conn, cancelled)
            if message[0] == "progress" and emit is not None:
                emit("progress", message[1])
            elif message[0] == "checkpoint":
                session.network = Network.from_dict(message[1], trusted=True)
                store.save(session, lease)
                committed = True
            elif message[0] == "error":
                if committed:  # a diverged run leaves the network as it was before the call
                    session.network = Network.from_dict(original, trusted=True)
                    store.save(session, lease)
                kind, text, epoch = message[1:]
                raise DivergenceError(epoch, text) if kind == "divergence" else EngineError(text)
            elif message[0] == "done":
                break
        seconds = time.monotonic() - started
        yield  # the worker is free for the next job
        _, doc, losses, reason = message
        net = session.network = Network.from_dict(doc, trusted=True)
        history, index = history_points(losses)
        state = state_public(session)
    return TrainResult(
        loss=current_loss(net, session.dataset) if state.loss is None else state.loss,
        step=net.step, epochs=len(losses),
        loss_history=history,
        loss_history_epochs=[i + 1 for i in index], stopped_early=reason is not None,
        reason=reason, seconds=seconds,
        state=state.model_copy(update={"updated_at": session.updated_at}))


def _not_run(session: Session, reason: str) -> TrainResult:
    state = state_public(session)
    return TrainResult(
        loss=state.loss, step=session.network.step, epochs=0, loss_history=[],
        loss_history_epochs=[], stopped_early=True, reason=reason, seconds=0.0, state=state)


async def start_training(
    store: Store, pool: TrainPool, network_id: str, body: TrainRequest, settings: Settings,
    emit: Emit | None = None,
) -> tuple[Job, int]:
    """Take the network's lease (waiting asynchronously), queue the run; (job, its place).

    Busy (409) when the lease does not come within the lock timeout, QueueFull (503) when
    the queue is full. The lease goes back when the job ends, however it ends.
    """
    lease = await store.lock_async(network_id)
    cancelled = threading.Event()
    job = Job(run=partial(run_on_worker, store, lease, network_id, body, settings, emit,
                          cancelled),
              on_position=None if emit is None else
              (lambda place: emit("queued", {"position": place})),
              cancelled=cancelled)
    job.future.add_done_callback(lambda _: store.unlock(lease))
    try:
        place = pool.submit(job)
    except QueueFull:
        store.unlock(lease)
        raise
    return job, place


async def train_watching(
    request: Request, store: Store, pool: TrainPool, network_id: str, body: TrainRequest,
    settings: Settings,
) -> TrainResult:
    """A plain train: its result, or, if the client leaves, the run stops (keeping its
    progress) instead of holding the network until it ends."""
    job, _ = await start_training(store, pool, network_id, body, settings)
    future = asyncio.wrap_future(job.future)
    while True:
        done, _ = await asyncio.wait({future}, timeout=DISCONNECT_POLL_SECONDS)
        if done:
            return future.result()
        if not job.cancelled.is_set() and await request.is_disconnected():
            job.cancelled.set()


def _sse(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"


def _error_event(exc: BaseException) -> dict[str, Any]:
    status = {NotFound: 404, Busy: 409, Unavailable: 503}.get(type(exc), 422)
    if not isinstance(exc, EngineError | LimitError | NotFound | Busy | Unavailable):
        return {"status": 500, **error_body("internal error")}
    return {"status": status, **error_body(str(exc))}


async def train_events(
    store: Store, pool: TrainPool, network_id: str, body: TrainRequest, settings: Settings
) -> AsyncIterator[str]:
    """Server-Sent Events: `start`, `queued` ({position}) while it waits for a worker,
    `progress` (epoch, epochs, loss, live extras)…, then `result` or `error`.

    Started (lease taken, run queued) before the first event, so a busy network is a plain
    409 and a full queue a plain 503. If the client disconnects, the run stops at its next
    epoch and keeps what it did.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, dict[str, Any] | None]] = asyncio.Queue()

    def emit(event: str, data: dict[str, Any] | None) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, (event, data))

    job, place = await start_training(store, pool, network_id, body, settings, emit)
    job.future.add_done_callback(lambda _: emit("end", None))
    return _stream(network_id, body, job, place, queue)


async def _stream(network_id: str, body: TrainRequest, job: Job, place: int,
                  queue: asyncio.Queue[tuple[str, dict[str, Any] | None]]
                  ) -> AsyncIterator[str]:
    try:
        yield _sse("start", json.dumps({"network_id": network_id, "epochs": body.epochs}))
        if place:
            yield _sse("queued", json.dumps({"position": place}))
        while True:
            try:
                event, data = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": still training\n\n"  # an SSE comment: proxies and clients see life
                continue
            if event != "end":
                yield _sse(event, json.dumps(data))
                continue
            exc = job.future.exception()
            if exc is None:
                yield _sse("result", job.future.result().model_dump_json())
            else:
                yield _sse("error", json.dumps(_error_event(exc)))
            return
    finally:
        job.cancelled.set()
