"""/api/networks/{id}/step, /train, /reset and /predict: running a network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from app import broadcast
from app.build import check_sample
from app.deps import EventsDep, NetworkId, SettingsDep, StoreDep, TrainPoolDep
from app.errors import LimitError
from app.events import EventBus
from app.openapi import sse_schema
from app.predict import parse_rows, plane_width, predict_grid, predict_rows
from app.schemas.common import MAX_ABS_VALUE, MAX_GRID_RESOLUTION, MAX_QUERY_CHARS, errors
from app.schemas.networks import NetworkState
from app.schemas.training import (
    MAX_MATRIX_NUMBERS,
    Omittable,
    PredictOut,
    PredictRequest,
    ResetRequest,
    StepRequest,
    TraceLayersOut,
    TraceOut,
    TrainRequest,
    TrainResult,
)
from app.serialize import state_public, trace_json, trace_layers_json
from app.store import Lease, Session, Store
from app.training import check_epochs, check_live, train_events, train_watching
from engine.nn.trace import StepTrace

router = APIRouter(prefix="/api/networks", tags=["training"])
CHANGES = errors(404, 409, 413, 422)  # routes that edit a network (and so may wait for it)

SSE_DOC: dict[int | str, dict[str, Any]] = {200: {
    "description": "The result; or, when streaming, Server-Sent Events: `start` "
                   "(StartEvent), `queued` (QueuedEvent) while every training worker is "
                   "busy, `progress` (ProgressEvent: {epoch, epochs, loss}, plus "
                   "`weights`, `biases` and/or `grid` when `live` asks) …, then `result` "
                   "(TrainResult) or `error` (ErrorEvent); each event's `data` is one JSON "
                   "document of that schema.",
    "content": {"text/event-stream": {"schema": sse_schema()}},
}}
Bound = Annotated[float | None, Query(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)]


# Steps on networks this small (multiply-adds per pass) run on the event loop: ~0.2 ms,
# cheaper than a hop to a worker thread and its GIL hand-offs (SQLite's statements run
# there too; PostgreSQL's are awaited on the loop's own pool). Bigger ones go to the
# thread pool. Waiting for a busy
# network never holds a thread: the lease is awaited on the event loop.
INLINE_WORK = 4096


Form = Literal["edges", "layers"]


@dataclass(frozen=True)
class Answer:
    """How the step is written: per edge or per layer, and the matrices the caller holds."""

    form: Form
    omit: tuple[Omittable, ...] = ()
    weights_crc: int | None = None

    def write(self, network_id: str, trace: StepTrace, matrices: bool) -> bytes:
        if self.form == "edges":
            return trace_json(network_id, trace, matrices=matrices)
        return trace_layers_json(network_id, trace, matrices=matrices, omit=self.omit,
                                 crc=self.weights_crc)


def _run_step(session: Session, network_id: str, body: StepRequest, answer: Answer) -> bytes:
    check_sample(session.dataset, body.sample, body.focus)
    if body.matrices:
        check_matrices(session.network.spec.layers, len(session.dataset.inputs))
    trace = session.network.trace_step(
        session.dataset.inputs, session.dataset.targets, phase=body.phase,
        sample=body.sample, focus=body.focus)
    return answer.write(network_id, trace, body.matrices)


def _step(store: Store, network_id: str, body: StepRequest, lease: Lease, answer: Answer
          ) -> bytes:
    with store.edit(network_id, lease=lease, release=True) as session:
        return _run_step(session, network_id, body, answer)


def check_matrices(layers: tuple[int, ...], samples: int) -> None:
    """A 422 before the step when every sample's node values would make too large an answer."""
    numbers = samples * sum(layers)
    if numbers > MAX_MATRIX_NUMBERS:
        raise LimitError(f"matrices: {samples} samples × {sum(layers)} neurons = {numbers:,} "
                         f"numbers per array exceed the limit of {MAX_MATRIX_NUMBERS:,}; leave "
                         "matrices out (the trace's nodes carry the focus sample's values)")


@router.post("/{network_id}/step", summary="Run forward, backward, update or all",
             response_model=TraceOut | TraceLayersOut, responses=CHANGES)
async def step(network_id: NetworkId, store: StoreDep, bus: EventsDep,
               body: StepRequest | None = None,
               form: Annotated[Form, Query(description=(
                   "edges (default): one JSON object per neuron and per weight (TraceOut); "
                   "layers: the same numbers as per-layer float64 arrays (TraceLayersOut), "
                   "about a fifth of the size, what the page asks for"))] = "edges",
               omit: Annotated[list[Omittable] | None, Query(description=(
                   "layers form only, repeatable: matrices you already hold for the current "
                   "parameters (`weights`: from the state or your last update; "
                   "`grad_weights`: from the backward answer you saw). They are left out "
                   "(listed in `omitted`) unless this call computed them anew"))] = None,
               weights_crc: Annotated[int | None, Query(ge=0, le=2**32 - 1, description=(
                   "with omit=weights: CRC-32 (zlib's) of the weights you hold, as "
                   "little-endian float64, layer 1 first, row-major; if the network's differ "
                   "(another client stepped or edited it) they are sent after all"))] = None,
               ) -> Response:
    """Run one phase (and any earlier phase it needs) and return every number it computed.

    Forward, backward and update in turn give exactly what one `all` gives. Values of
    nodes are those of the `focus` sample; edge and bias gradients are of the batch loss
    (or of `sample` alone). Fields a phase has not computed are null. With `form=layers`,
    `omit` leaves out the matrices the caller holds (only what the phase changed is sent:
    an update answers its new weights and optimizer state), `weights_crc` checks its copy.
    A follow room's `trace` event carries the answer in the form its caller asked for.
    """
    answer = choose_answer(form, omit, weights_crc)
    content = await stepped(store, bus, network_id, body or StepRequest(), answer)
    return Response(content, media_type="application/json")


def choose_answer(form: Form, omit: list[Omittable] | None, weights_crc: int | None
                  ) -> Answer:
    """The step's answer as the query asks, or a 422 for a combination that means nothing."""
    if omit and form != "layers":
        raise LimitError("omit: the per-edge form is always complete; ask ?form=layers to "
                         "leave out matrices you hold")
    if weights_crc is not None and "weights" not in (omit or ()):
        raise LimitError("weights_crc: checks the weights you leave out; add omit=weights")
    return Answer(form, tuple(dict.fromkeys(omit or ())), weights_crc)


async def stepped(store: Store, bus: EventBus, network_id: str, body: StepRequest,
                  answer: Answer) -> bytes:
    """Step the network and answer the trace's JSON (also sent to its follow room).

    The route above and app/stepfast.py (the same call without FastAPI's per-request
    work) both step through here.
    """
    run = partial(_run_step, network_id=network_id, body=body, answer=answer)
    hit = await store.edit_cached(network_id, run) if _small(store, network_id) else None
    if hit is not None:
        (content,) = hit
    else:
        async with store.locked(network_id) as lease:
            if _small(store, network_id):
                content = await store.edit_inline(network_id, lease, run)
            else:
                content = await run_in_threadpool(_step, store, network_id, body, lease,
                                                  answer)
    broadcast.trace(bus, network_id, content)
    return content


def _small(store: Store, network_id: str) -> bool:
    """Is the network in memory and small enough to step on the event loop?"""
    work = store.work(network_id)
    return work is not None and work <= INLINE_WORK and store.loop_ready()


def _inputs(store: Store, network_id: str) -> int:
    with store.view(network_id) as session:
        return plane_width(session.network, session.dataset)


@router.post("/{network_id}/train", summary="Train for some epochs",
             responses={**CHANGES, **errors(503), **SSE_DOC}, response_model=TrainResult)
async def train(
    network_id: NetworkId, body: TrainRequest, request: Request, store: StoreDep,
    settings: SettingsDep, pool: TrainPoolDep, bus: EventsDep,
) -> Response | TrainResult:
    """Train with the fast loop; `stream: true` or `Accept: text/event-stream` streams progress.

    Runs in a pool of worker processes, in arrival order: a streamed train waiting for one
    gets `queued` events with its place; with the queue full, 503 and `Retry-After`. Progress
    is committed at least every ~2 s.

    Overflow to NaN/inf answers 422 and leaves the network as it was before the call.
    A run longer than `max_train_seconds`, or whose client disconnects, stops early and
    keeps its progress. Streams send a `progress` event at least every ~0.5 s (epochs
    permitting) and an SSE comment every second an epoch takes longer. With `live`, the
    first progress event, then at most one every ~0.5 s, and the last carry the current
    `weights`/`biases` and/or the `grid` of GET …/predict?resolution=N.
    """
    streaming = body.stream or "text/event-stream" in request.headers.get("accept", "")
    check_epochs(body, settings)
    if streaming or body.live is not None:
        inputs = await run_in_threadpool(_inputs, store, network_id)  # unknown id: a 404
        check_live(body, settings, streaming, inputs)
    if streaming:
        events = await train_events(store, pool, network_id, body, settings)
        return StreamingResponse(_relayed(events, bus, network_id),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})
    result = await train_watching(request, store, pool, network_id, body, settings)
    broadcast.state(bus, network_id, result.state)
    return result


async def _relayed(events: AsyncIterator[str], bus: EventBus, network_id: str
                   ) -> AsyncIterator[str]:
    """The training stream, each event also told to the network's follow rooms."""
    async for chunk in events:
        yield chunk
        broadcast.sse_event(bus, network_id, chunk)


@router.post("/{network_id}/reset", summary="Back to the initial weights, or a new seed",
             responses=CHANGES)
async def reset(network_id: NetworkId, store: StoreDep, bus: EventsDep,
                body: ResetRequest | None = None) -> NetworkState:
    """Step 0 and the starting parameters; with `seed`, parameters re-initialised from it."""
    def run(lease: Lease) -> NetworkState:
        with store.edit(network_id, lease=lease, release=True) as session:
            session.network.reset(seed=body.seed if body else None)
            return state_public(session)

    async with store.locked(network_id) as lease:
        state = await run_in_threadpool(run, lease)
    broadcast.state(bus, network_id, state)
    return state


@router.get("/{network_id}/predict", summary="Predict over a grid or for given inputs",
            responses=errors(404, 422))
def predict(
    network_id: NetworkId, store: StoreDep, settings: SettingsDep,
    resolution: Annotated[int | None, Query(
        ge=2, le=MAX_GRID_RESOLUTION, description="grid points per axis (default 50)")] = None,
    x_min: Bound = None, x_max: Bound = None, y_min: Bound = None, y_max: Bound = None,
    inputs: Annotated[str | None, Query(
        max_length=MAX_QUERY_CHARS,
        description="JSON rows, e.g. [[2,3]]; more rows: POST …/predict")] = None,
    neurons: Annotated[bool, Query(description="also each hidden and output neuron's map "
                                               "over the grid")] = False,
) -> PredictOut:
    """2-input networks: a resolution² grid (x fastest, `xs`, `ys`) over the data's bounds
    (padded) or x_min…y_max, for the decision boundary. 1-input networks: `resolution`
    points from x_min to x_max (`xs`), for a regression curve. More inputs: the dataset's
    rows. With `inputs`: one output row per input row (then no resolution or bounds).
    """
    given = (x_min, x_max, y_min, y_max)
    if inputs is not None:
        if neurons:
            raise LimitError("neurons: neuron maps are drawn over a grid; leave out inputs")
        if resolution is not None or any(b is not None for b in given):
            raise LimitError("resolution/bounds describe a grid; leave them out with inputs")
        return predict_rows(store, network_id, parse_rows(inputs))
    if resolution is not None and resolution > settings.max_grid_resolution:
        raise LimitError(f"resolution: {resolution} exceeds the limit of "
                         f"{settings.max_grid_resolution}")
    return predict_grid(store, network_id, resolution, given, neurons)


@router.post("/{network_id}/predict", summary="Predict for given input rows",
             responses=errors(404, 413, 422))
def predict_for_rows(network_id: NetworkId, body: PredictRequest, store: StoreDep
                     ) -> PredictOut:
    """One output row per input row."""
    return predict_rows(store, network_id, body.inputs)
