"""Circuit routes: /api/circuits/... and a network neuron expanded into its gates."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.deps import NetworkSession
from app.errors import error_response
from app.schemas.circuits import (
    MAX_STEP_SIZE,
    CircuitPresetPublic,
    CircuitTracePublic,
    CircuitTraceRequest,
    NeuronCircuitPublic,
)
from app.schemas.common import ErrorBody, errors
from app.serialize import circuit_preset_public, circuit_trace_public, neuron_circuit_public
from engine.circuits.circuit import CircuitError
from engine.circuits.neuron import expand_neuron
from engine.circuits.trace import CIRCUIT_PRESETS, trace_expression

# No prefix: the neuron expansion lives under /api/networks/{id}/neurons/... too.
router = APIRouter(tags=["circuits"])

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorBody,
        "description": "The expression or a value cannot be used; `message` says why and "
                       "`where` names the culprit (a name, a gate id, a field).",
        "content": {"application/json": {"example": {
            "detail": "calling '__import__' is not allowed; the functions are exp, log, …",
            "message": "calling '__import__' is not allowed; the functions are exp, log, …",
            "where": "__import__",
        }}},
    },
}


def circuit_error(exc: CircuitError) -> JSONResponse:
    """422 in the app's error shape, plus `where`."""
    return error_response(422, exc.message, where=exc.where)


@router.get(
    "/api/circuits/presets", response_model=list[CircuitPresetPublic], responses=errors(422),
    summary="Circuits from the seed articles",
)
def list_presets() -> list[dict[str, Any]]:
    """(x + y)·z, the one-neuron circuit σ(a·x + b·y + c), and sigmoid as elementary gates."""
    return [circuit_preset_public(p) for p in CIRCUIT_PRESETS]


@router.post(
    "/api/circuits/trace", response_model=CircuitTracePublic,
    responses={**errors(413), **ERROR_RESPONSES},
    summary="Run an expression forward and backward, wire by wire",
)
def trace_circuit(body: CircuitTraceRequest) -> Any:
    """Every wire's value and gradient, every gate's local derivatives, numerical checks.

    With `step_size`, every input moves by ±step_size × its gradient and the new output is
    reported (seed 004: 0.8808 → 0.8825 for the one-neuron preset at 0.01).
    """
    try:
        trace = trace_expression(body.expression, body.values, body.decompose,
                                 body.step_size, body.direction)
    except CircuitError as exc:
        return circuit_error(exc)
    return circuit_trace_public(trace)


@router.get(
    "/api/networks/{network_id}/neurons/{layer}/{index}/circuit",
    response_model=NeuronCircuitPublic,
    responses={**errors(404), **ERROR_RESPONSES},
    summary="One neuron of a network as a circuit of gates",
)
def neuron_circuit(
    network_id: str,
    session: NetworkSession,
    layer: int,
    index: int,
    sample: Annotated[int, Query(ge=0, description="row whose activations flow in")] = 0,
    decompose: Annotated[bool, Query(description="elementary gates for the activation")] = False,
    step_size: Annotated[float | None, Query(ge=0, le=MAX_STEP_SIZE,
                                             description="nudge the inputs by this step")] = None,
    direction: Annotated[Literal["up", "down"], Query(description="nudge direction")] = "up",
) -> Any:
    """Weights, incoming activations (of row `sample`) and bias as inputs; the backward
    pass starts from the network's ∂L/∂a, so the gradients are the network's own."""
    dataset = session.dataset
    try:
        expanded = expand_neuron(session.network, dataset.inputs, dataset.targets, layer,
                                 index, sample, decompose, step_size, direction)
    except CircuitError as exc:
        return circuit_error(exc)
    return neuron_circuit_public(network_id, layer, index, expanded)
