"""Exception handlers: every user mistake becomes a 4xx with a message saying what to change.

FastAPI's default validation handler echoes the offending input back, and an input of
1e999 or NaN cannot be written as JSON, which would turn a 422 into a 500; ours never echoes.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.rooms import NotTeacher, RoomNotFound, TooManyRooms
from app.store import Busy, NotFound, Unavailable
from app.trainpool import RETRY_AFTER_SECONDS, QueueFull
from engine.errors import DatasetError, DivergenceError, EngineError, SpecError

ROW_FIELDS = {"inputs", "targets", "rows"}
BODY_PARSE_ERROR = "There was an error parsing the body"  # FastAPI's 400 text


class DuplicateKey(ValueError):
    """A JSON object that names one key twice (json would silently keep the last)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


class LimitError(ValueError):
    """A request beyond one of the configured limits (answered 422)."""


def where(loc: Sequence[Any]) -> str:
    """A readable location: `inputs: row 3, column 1`, `weight.value`, `query resolution`."""
    parts = list(loc)
    prefix = ""
    if parts and parts[0] in ("body", "query", "path"):
        prefix = "" if parts[0] == "body" else f"{parts[0]} "
        parts = parts[1:]
    for i, part in enumerate(parts[:-1]):
        rest = parts[i + 1:]
        if part in ROW_FIELDS and rest and isinstance(rest[0], int):
            text = ".".join(map(str, parts[:i + 1])) + f": row {rest[0]}"
            if len(rest) > 1 and isinstance(rest[1], int):
                text += f", column {rest[1]}"
            return prefix + text
    return prefix + (".".join(map(str, parts)) or "body")


def json_problem(exc: BaseException, what: str = "the body") -> str:
    """One line for a JSON parse failure: where it broke, or why it could not be read."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{what} is not valid JSON: {exc.msg} at character {exc.pos}"
    if isinstance(exc, RecursionError):
        return f"{what} is nested too deeply to read; send plain lists of rows"
    if isinstance(exc, UnicodeDecodeError):
        return f"{what} is not UTF-8 text; send JSON encoded as UTF-8"
    if isinstance(exc, DuplicateKey):
        return f"{what} names {exc.key[:64]!r} twice in one object; give each field once"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return (f"{what} has an integer of more than {sys.get_int_max_str_digits()} digits; "
                "numbers in this API are at most 1e9 (seeds below 2³²)")
    return f"{what} could not be read as JSON"


def error_body(message: str, detail: Any = None, **extra: Any) -> dict[str, Any]:
    """The one error shape of the API: `message` for people, `detail` (FastAPI's field: the
    message again, or the list of validation problems) for code, plus named extras."""
    return {"detail": message if detail is None else detail, "message": message, **extra}


def error_response(status: int, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A JSONResponse carrying error_body()."""
    return JSONResponse(error_body(message, detail, **extra), status_code=status,
                        headers=headers)


def _error(status: int, detail: Any, message: str, **extra: Any) -> JSONResponse:
    return error_response(status, message, detail, **extra)


def _is_json(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def _problem(request: Request, error: dict[str, Any]) -> str:
    """One readable line for one validation error (JSON syntax, wrong Content-Type, …)."""
    loc = error["loc"]
    if error["type"] == "json_invalid":
        at = loc[1] if len(loc) > 1 else "?"
        return (f"the body is not valid JSON: {error.get('ctx', {}).get('error', 'bad JSON')} "
                f"at character {at}")
    if list(loc) == ["body"] and error["type"] in ("dict_type", "model_attributes_type"):
        if not _is_json(request):
            kind = request.headers.get("content-type") or "none"
            return ("body: send a JSON object with the header Content-Type: application/json "
                    f"(this request's Content-Type: {kind})")
        return "body: send a JSON object ({...}), not a list, string or number"
    return f"{where(loc)}: {error['msg']}"


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 listing {loc, msg, type} for each problem, without echoing the input."""
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
               "msg": str(e.get("msg", "invalid")), "type": str(e.get("type", "value_error")),
               "ctx": {"error": str((e.get("ctx") or {}).get("error", ""))}}
              for e in exc.errors()]
    message = "; ".join(_problem(request, e) for e in errors[:5])
    for e in errors:
        del e["ctx"]
    return _error(422, errors, message or "invalid request")


async def engine_error(request: Request, exc: Exception) -> JSONResponse:
    """422 from the engine's own checks (spec, data, divergence)."""
    extra: dict[str, Any] = {}
    if isinstance(exc, SpecError):
        extra["field"] = exc.field
    elif isinstance(exc, DatasetError):
        extra.update(row=exc.row, column=exc.column)
    elif isinstance(exc, DivergenceError):
        extra["epoch"] = exc.epoch
        if getattr(exc, "step", None) is not None:
            extra["step"] = exc.step
    return _error(422, str(exc), str(exc), **extra)


async def limit_error(request: Request, exc: Exception) -> JSONResponse:
    """422 naming the limit that was exceeded."""
    return _error(422, str(exc), str(exc))


async def not_found(request: Request, exc: Exception) -> JSONResponse:
    """404 for an unknown or expired id."""
    return _error(404, str(exc), str(exc))


async def busy(request: Request, exc: Exception) -> JSONResponse:
    """409 when a network stays locked by another call for too long."""
    return error_response(409, str(exc), headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def unavailable(request: Request, exc: Exception) -> JSONResponse:
    """503 when the training queue is full or the session database is away for a moment."""
    return error_response(503, str(exc), headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's HTTP errors (404 route, 405, 413 …) in the same shape as ours.

    FastAPI answers 400 "There was an error parsing the body" for a body json cannot read
    (nested too deeply, not UTF-8); that is invalid input like any other, so 422.
    """
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
        message = json_problem(exc.__cause__ or exc)
        return _error(422, message, message)
    detail = exc.detail if isinstance(exc.detail, str) else "error"
    response = _error(exc.status_code, detail, detail)
    response.headers.update(exc.headers or {})
    if exc.status_code == 405 and (methods := allowed_methods(request)):
        response.headers["allow"] = ", ".join(methods)
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this path (Starlette's 405 names only the first
    route's, though `/api/networks/{id}` has GET, PATCH and DELETE in separate routes).
    A literal path (`/api/networks/import`) wins over a template that also matches it."""
    path = request.url.path
    paths = request.app.openapi()["paths"]
    for template, operations in sorted(paths.items(), key=lambda item: item[0].count("{")):
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), path):
            return sorted(method.upper() for method in operations)
    return []


async def room_not_found(request: Request, exc: Exception) -> JSONResponse:
    """404 for an unknown or closed room code."""
    return _error(404, str(exc), str(exc))


async def not_teacher(request: Request, exc: Exception) -> JSONResponse:
    """403 for closing a room without its teacher token."""
    return _error(403, str(exc), str(exc))


async def too_many_rooms(request: Request, exc: Exception) -> JSONResponse:
    """503 while the server holds its maximum of open rooms."""
    return error_response(503, str(exc), headers={"Retry-After": "60"})


def install(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(EngineError, engine_error)
    app.add_exception_handler(LimitError, limit_error)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(Unavailable, unavailable)
    app.add_exception_handler(QueueFull, unavailable)
    app.add_exception_handler(RoomNotFound, room_not_found)
    app.add_exception_handler(NotTeacher, not_teacher)
    app.add_exception_handler(TooManyRooms, too_many_rooms)
    app.add_exception_handler(StarletteHTTPException, http_error)
