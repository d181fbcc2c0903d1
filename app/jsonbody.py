"""JSON the app parses itself (uploads, `predict?inputs=`) and the checks every JSON body
gets before a route reads it, with 422s that say what to change.

Python's json keeps the last of two equal keys (`{"learning_rate": 1e999,
"learning_rate": 0.5}` would pass as 0.5), so bodies are read with duplicates refused.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import DuplicateKey, LimitError, error_response, json_problem

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
PARSED_BY_ROUTE = frozenset({"/api/networks/import"})  # strictly, in a thread (app/imports.py)
THREAD_BYTES = 256 * 1024  # larger bodies are checked in a worker thread, off the event loop


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return result


def loads(raw: str | bytes) -> Any:
    """json.loads refusing an object that names a key twice (DuplicateKey)."""
    return json.loads(raw, object_pairs_hook=_no_duplicates)


def parse_json(raw: str | bytes, what: str = "the body") -> Any:
    """Strict JSON that answers 422 (LimitError) for bad, deep, duplicate-key or non-UTF-8
    text, never 500."""
    try:
        return loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError ⊂ Value
        raise LimitError(json_problem(exc, what)) from exc


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


class StrictJsonBodies:
    """Reads each JSON request body once with duplicate keys refused (422), then hands the
    same bytes to the route. Malformed JSON is left to the route's own parser, whose
    message names the character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in BODY_METHODS
                or scope["path"] in PARSED_BY_ROUTE or not _is_json(scope)):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # client gone: let the route see it
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if len(body) > THREAD_BYTES:
            problem = await run_in_threadpool(_problem, body)
        else:
            problem = _problem(body)
        if problem is not None:
            await error_response(422, problem)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _problem(body: bytes) -> str | None:
    """What is wrong with a JSON body beyond syntax: a duplicate key or a huge integer."""
    try:
        loads(body)
    except DuplicateKey as exc:
        return json_problem(exc)
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            return json_problem(exc)
    except RecursionError:
        return None
    return None
