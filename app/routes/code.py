"""/api/networks/{id}/code: the network as a runnable NumPy or PyTorch script."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from app.deps import NetworkId, StoreDep
from app.schemas.common import errors
from engine.nn.codegen import FLAVOURS, export_script

router = APIRouter(prefix="/api/networks", tags=["code"], responses=errors(422))

Flavour = Literal["numpy", "torch"]
assert set(FLAVOURS) == {"numpy", "torch"}  # the engine's flavours, named once more for OpenAPI

SCRIPT_DOC: dict[int | str, dict[str, Any]] = {200: {
    "description": "A self-contained Python script (imports only json and numpy, or torch). "
                   "Run it: it prints one JSON object whose `loss`, `sample_losses`, `outputs`, "
                   "`edges` (`grad`, `new_weight`, `optimizer`) and `nodes` (`grad_bias`, "
                   "`new_bias`, `bias_optimizer`) equal the next `phase: all` trace (numpy to "
                   "1e-12, torch to 1e-9).",
    "content": {"text/x-python": {"schema": {"type": "string"}}},
}}


@router.get("/{network_id}/code", summary="Export the network's next step as a Python script",
            response_class=Response, responses={**SCRIPT_DOC, **errors(404)})
def network_code(
    network_id: NetworkId, store: StoreDep,
    flavour: Annotated[Flavour, Query(description="numpy (written-out backward pass) or torch "
                                                  "(autograd backward)")] = "numpy",
) -> Response:
    """Spec, current weights, biases, optimizer state, step and data as a script that runs
    the same forward, backward and update as the next full-batch `POST …/step {"phase":
    "all"}` and prints its numbers as JSON, keyed like the trace. Reading it changes nothing."""
    with store.view(network_id) as session:
        text = export_script(session.network, session.dataset.inputs, session.dataset.targets,
                             flavour)
    return Response(text, media_type="text/x-python; charset=utf-8")
