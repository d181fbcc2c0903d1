"""GET /api/limits: the limits in force, for clients that check input before sending it."""

from fastapi import APIRouter

from app.deps import SettingsDep
from app.schemas.common import (
    MAX_ABS_VALUE,
    MAX_LEARNING_RATE,
    MAX_NOISE,
    MAX_REGULARIZATION_RATE,
    errors,
)
from app.schemas.limits import LimitsOut, Vocabulary
from engine.circuits.circuit import MAX_GATES
from engine.circuits.expression import MAX_EXPRESSION_CHARS
from engine.nn.spec import vocabulary

VOCABULARY = Vocabulary.model_validate(vocabulary())

router = APIRouter(prefix="/api", tags=["health"], responses=errors(422))


@router.get("/limits", summary="The limits in force on this server")
async def limits(settings: SettingsDep) -> LimitsOut:
    """The documented ceilings as lowered by this server's `BACKPROP_VIZ_MAX_*` settings,
    and the names and rules a spec may use (from the engine's tables).

    The page reads these to explain a mistake before sending it; a script may too.
    """
    return LimitsOut(
        layers=settings.max_layers, neurons=settings.max_neurons, samples=settings.max_samples,
        epochs=settings.max_epochs, grid_resolution=settings.max_grid_resolution,
        abs_value=MAX_ABS_VALUE, learning_rate=MAX_LEARNING_RATE,
        regularization_rate=MAX_REGULARIZATION_RATE, noise=MAX_NOISE,
        body_bytes=settings.max_body_bytes, import_bytes=settings.max_import_bytes,
        train_seconds=settings.max_train_seconds, expression_chars=MAX_EXPRESSION_CHARS,
        circuit_gates=MAX_GATES, vocabulary=VOCABULARY)
