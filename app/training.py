"""Training runs: the engine's fast loop under the network's lock, with progress and SSE."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.errors import LimitError, error_body
from app.predict import grid_prediction
from app.schemas.training import LiveOptions, TrainRequest, TrainResult
from app.serialize import current_loss, downsample, finite_or_none, state_public
from app.settings import Settings
from app.store import Busy, NotFound, Store
from engine.data.datasets import Dataset
from engine.errors import EngineError
from engine.nn.network import Network

PROGRESS_EVENTS = 200  # about this many progress events per run, spread by epochs …
PROGRESS_MIN_SECONDS = 0.05  # … but never closer together than this
PROGRESS_MAX_SECONDS = 0.5  # and never further apart (epochs permitting); ≤ 240 more in 120 s
KEEPALIVE_SECONDS = 1.0  # an SSE comment when an epoch alone takes longer than this
DISCONNECT_POLL_SECONDS = 0.25
LIVE_SECONDS = 0.5  # live snapshots (weights, grid): at most one this often …
LIVE_COST_FACTOR = 10  # … and never more often than 10× their own cost (≤ ~10% of a run)

Progress = Callable[[dict[str, Any]], None]


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


def live_snapshot(net: Network, data: Dataset, live: LiveOptions) -> dict[str, Any]:
    """The current weights/biases and/or grid; empty if any of it is not finite."""
    out: dict[str, Any] = {}
    if live.weights:
        params = [p for p in (*net.weights, *net.biases) if p is not None]
        if not all(np.isfinite(p).all() for p in params):
            return {}
        out["weights"] = [w.tolist() for w in net.weights]
        out["biases"] = [b.tolist() if b is not None else None for b in net.biases]
    if live.grid_resolution is not None:
        try:
            grid = grid_prediction(net, data, live.grid_resolution, (None, None, None, None))
        except EngineError:
            return {}
        out["grid"] = grid.model_dump(mode="json")
    return out


class LivePacer:
    """Decides which progress events carry a live snapshot, and builds it."""

    def __init__(self, net: Network, data: Dataset, live: LiveOptions | None) -> None:
        self.net, self.data, self.live = net, data, live
        self.next_at = 0.0

    def extras(self, now: float, last: bool) -> dict[str, Any]:
        """A snapshot for the first event, then one every LIVE_SECONDS (or less often), the last."""
        if self.live is None or (now < self.next_at and not last):
            return {}
        out = live_snapshot(self.net, self.data, self.live)
        cost = time.monotonic() - now
        self.next_at = now + max(LIVE_SECONDS, LIVE_COST_FACTOR * cost)
        return out


def train_session(
    store: Store, network_id: str, body: TrainRequest, settings: Settings,
    progress: Progress | None = None, cancel: threading.Event | None = None,
) -> TrainResult:
    """Train and commit; stops early (keeping its progress) on timeout or cancel."""
    check_epochs(body, settings)
    with store.edit(network_id) as session:
        net, data = session.network, session.dataset
        started = time.monotonic()
        deadline = started + settings.max_train_seconds
        every = max(1, body.epochs // PROGRESS_EVENTS)
        last_sent = 0.0
        reason: list[str] = []
        pacer = LivePacer(net, data, body.live if progress is not None else None)

        def callback(epoch: int, loss: float) -> bool:
            nonlocal last_sent
            now = time.monotonic()
            if cancel is not None and cancel.is_set():
                reason.append("cancelled: the client went away")
                return False
            if now > deadline:
                reason.append(f"stopped after {settings.max_train_seconds:g} s "
                              "(max_train_seconds)")
                return False
            due = epoch % every == 0 or now - last_sent >= PROGRESS_MAX_SECONDS
            if progress is not None and (epoch == body.epochs or (
                    due and now - last_sent >= PROGRESS_MIN_SECONDS)):
                last_sent = now
                progress({"epoch": epoch, "epochs": body.epochs, "loss": finite_or_none(loss),
                          **pacer.extras(now, epoch == body.epochs)})
            return True

        batch = body.batch_size if body.batch_size is None else min(body.batch_size,
                                                                       len(data.inputs))
        if cancel is not None and cancel.is_set():  # its client left while it waited
            reason.append("cancelled: the client went away")
            losses: list[float] = []
        else:
            losses = net.train(data.inputs, data.targets, body.epochs, batch_size=batch,
                               shuffle_seed=body.shuffle_seed, callback=callback,
                               callback_every=1)
        history, index = downsample(losses)
        state = state_public(session)
        seconds = time.monotonic() - started
    return TrainResult(
        loss=current_loss(net, data) if state.loss is None else state.loss,
        step=net.step, epochs=len(losses),
        loss_history=[finite_or_none(x) or 0.0 for x in history],
        loss_history_epochs=[i + 1 for i in index], stopped_early=bool(reason),
        reason=reason[0] if reason else None, seconds=seconds,
        state=state.model_copy(update={"updated_at": session.updated_at}))


def _error_event(exc: Exception) -> dict[str, Any]:
    status = {NotFound: 404, Busy: 409}.get(type(exc), 422)
    return {"status": status, **error_body(str(exc))}


def _sse(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"


async def train_events(
    store: Store, network_id: str, body: TrainRequest, settings: Settings
) -> AsyncIterator[str]:
    """Server-Sent Events: `start`, `progress` (epoch, epochs, loss, live extras)…, then
    `result` or `error`.

    If the client disconnects, training stops at the next epoch and keeps what it did.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
    cancel = threading.Event()

    def emit(event: str, data: str) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, (event, data))

    def job() -> None:
        try:
            result = train_session(store, network_id, body, settings,
                                   progress=lambda d: emit("progress", json.dumps(d)),
                                   cancel=cancel)
            emit("result", result.model_dump_json())
        except (EngineError, LimitError, NotFound, Busy) as exc:
            emit("error", json.dumps(_error_event(exc)))
        except Exception:
            emit("error", json.dumps({"status": 500, **error_body("internal error")}))
            raise
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, None)

    yield _sse("start", json.dumps({"network_id": network_id, "epochs": body.epochs}))
    future = loop.run_in_executor(None, job)
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": still training\n\n"  # an SSE comment: proxies and clients see life
                continue
            if item is None:
                break
            yield _sse(*item)
    finally:
        cancel.set()
        if future.done() and not future.cancelled():
            future.exception()  # retrieved, so asyncio does not warn about it


async def train_watching(
    request: Request, store: Store, network_id: str, body: TrainRequest, settings: Settings
) -> TrainResult:
    """`train_session` in a worker thread, stopped (keeping its progress) if the client leaves.

    Otherwise a client that gave up would hold the network's lock until the run ends.
    """
    cancel = threading.Event()
    task = asyncio.ensure_future(run_in_threadpool(
        train_session, store, network_id, body, settings, None, cancel))
    while True:
        done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_SECONDS)
        if done:
            return task.result()
        if not cancel.is_set() and await request.is_disconnected():
            cancel.set()
