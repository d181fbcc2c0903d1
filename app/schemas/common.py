"""Shared building blocks: strict bases, finite numbers, limits as bounds, error bodies."""

from __future__ import annotations

import math
from functools import cache
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from engine.nn.spec import MAX_SEED

# Hard ceilings of the API (the documented limits). Settings may lower them, never raise them.
MAX_LAYERS = 10
MAX_NEURONS = 64
MAX_SAMPLES = 10_000
MAX_EPOCHS = 100_000
MAX_GRID_RESOLUTION = 200
MAX_ABS_VALUE = 1e9  # any weight, bias, input or target
MAX_LEARNING_RATE = 1000.0
MAX_REGULARIZATION_RATE = 100.0
MAX_NOISE = 10.0  # of a named dataset
MAX_QUERY_CHARS = 20_000  # one query parameter (predict?inputs=); longer input rows go by POST


class Strict(BaseModel):
    """Request base: unknown fields refused, floats finite, no type coercion (strict).

    Strict: `true` is not a number, `"7"` not an integer, `"yes"` not a bool; a JSON integer
    is still a valid float, and (JSON's own semantics, which the OpenAPI schema follows) `7.0`
    is a valid integer: a number with a zero fraction becomes an int in integer fields.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers_as_integers(cls, data: Any) -> Any:
        names = _integer_fields(cls)
        if not names or not isinstance(data, dict):
            return data
        return {key: _whole(value) if key in names else value for key, value in data.items()}


def _holds_int(annotation: Any) -> bool:
    """Whether a field's type takes integers (int, int | None, list[int], str | int …)."""
    if annotation is int:
        return True
    return any(_holds_int(arg) for arg in get_args(annotation))


@cache
def _integer_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items()
                     if _holds_int(field.annotation))


def _whole(value: Any) -> Any:
    """7.0 → 7 (also inside lists); any other value unchanged for the strict check."""
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is list:
        return [_whole(item) for item in value]
    return value


class Public(BaseModel):
    """Response base."""

    model_config = ConfigDict(allow_inf_nan=True)


def _check_finite(value: Any) -> Any:
    """Reject NaN/±inf anywhere inside a free-form JSON value."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite (no NaN, Infinity or 1e999)")
    if isinstance(value, dict):
        for item in value.values():
            _check_finite(item)
    elif isinstance(value, list):
        for item in value:
            _check_finite(item)
    return value


Value = Annotated[
    float, Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False,
                 description=f"a finite number, |x| ≤ {MAX_ABS_VALUE:g}")
]
Row = Annotated[list[Value], Field(min_length=1, max_length=MAX_NEURONS)]
Rows = Annotated[list[Row], Field(min_length=1, max_length=MAX_SAMPLES)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
FiniteJson = Annotated[dict[str, Any], AfterValidator(_check_finite)]


class ErrorBody(Public):
    """Every 4xx answer: `detail` (a string, or validation errors), `message` (one line)."""

    detail: Any = Field(description="what went wrong; a list of {loc, msg, type} for 422s")
    message: str = Field(description="one human-readable line saying what to change")
    field: str | None = Field(None, description="the spec field at fault (spec errors)")
    row: int | None = Field(None, description="0-based row of bad data (data errors)")
    column: int | str | None = Field(None, description="its column, index or name")
    epoch: int | None = Field(None, description="where training diverged (divergence)")
    step: int | None = Field(None, description="the update that overflowed (a /step)")
    where: str | None = Field(None, description="the culprit in an expression (circuits)")


ERROR_TEXT: dict[int, str] = {
    403: "The request needs a secret it did not carry (a room's teacher token).",
    404: "No such network, dataset or room (or it expired).",
    409: "The network is busy: another call (a training run?) held it longer than the lock "
         "timeout, or another server process changed it first. Try again.",
    413: "Request body above the size limit.",
    422: "Invalid input or a limit exceeded; `message` names the field or limit.",
    503: "The server cannot take it right now (every training worker busy and the queue "
         "full, or the session database unreachable); try again after `Retry-After` seconds.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error codes a route can answer with."""
    return {code: {"model": ErrorBody, "description": ERROR_TEXT[code]} for code in codes}




class HealthOut(Public):
    """The service is up; its version."""

    status: str = Field(description='always "ok"')
    version: str
