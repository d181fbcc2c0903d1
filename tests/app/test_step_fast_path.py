"""The step's fast path (app/stepfast.py) answers exactly what the route answers.

Two apps on databases of their own, one with the fast path and one without, get the same
calls in the same order on the same preset network; every answer (status, the headers a
client reads, the body byte for byte, the network's id aside) must be equal. Each call also
says which way it must go: served by the fast path, or passed on to the route (whose
validation writes the 422s), so a fast path that quietly passed everything on would fail.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from app.main import create_app
from app.settings import Settings
from app.stepfast import StepFastPath, read_query

JSON = {"content-type": "application/json"}


@dataclass(frozen=True)
class Call:
    name: str
    way: str  # "served" or "passed"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    query: str = ""
    path: str = "/api/networks/{id}/step"


def js(value: object) -> bytes:
    return json.dumps(value).encode()


PLAIN = (("content-type", "text/plain"),)
CALLS = [
    Call("no body at all", "served", headers=()),
    Call("empty object", "served", js({})),
    Call("forward", "served", js({"phase": "forward"})),
    Call("backward of one sample", "served", js({"phase": "backward", "sample": 1, "focus": 0})),
    Call("update", "served", js({"phase": "update"})),
    Call("all, sample as 1.0", "served", js({"phase": "all", "sample": 1.0})),
    Call("matrices", "served", js({"phase": "forward", "matrices": True})),
    Call("charset in the type", "served", js({"phase": "all"}),
         (("content-type", "application/json; charset=utf-8"),)),
    Call("layers", "served", js({"phase": "all"}), query="form=layers"),
    Call("edges named", "served", js({"phase": "all"}), query="form=edges"),
    Call("layers, omit both", "served", js({"phase": "all"}),
         query="form=layers&omit=weights&omit=grad_weights"),
    Call("layers, a stale crc", "served", js({"phase": "all"}),
         query="form=layers&omit=weights&weights_crc=123"),
    Call("omit without layers", "served", js({}), query="omit=weights"),
    Call("crc without omit", "served", js({}), query="form=layers&weights_crc=7"),
    Call("sample beyond the data", "served", js({"phase": "backward", "sample": 9})),
    Call("unknown network", "served", js({}), path="/api/networks/nope/step"),
    Call("bad phase", "passed", js({"phase": "sideways"})),
    Call("unknown field", "passed", js({"phase": "all", "speed": 2})),
    Call("negative sample", "passed", js({"sample": -1})),
    Call("sample as text", "passed", js({"sample": "0"})),
    Call("matrices as 1", "passed", js({"matrices": 1})),
    Call("null body", "passed", b"null"),
    Call("array body", "passed", js([])),
    Call("text/plain body", "passed", js({"phase": "all"}), PLAIN),
    Call("a body without a type", "passed", js({"phase": "all"}), ()),
    Call("broken JSON", "passed", b'{"phase":'),
    Call("NaN", "passed", b'{"sample": NaN}'),
    Call("huge integer", "passed", b'{"sample": 123456789012345678901234567890}'),
    Call("form unknown", "passed", js({}), query="form=matrix"),
    Call("form twice", "passed", js({}), query="form=layers&form=edges"),
    Call("form blank", "passed", js({}), query="form="),
    Call("omit unknown", "passed", js({}), query="form=layers&omit=biases"),
    Call("crc not a number", "passed", js({}), query="form=layers&omit=weights&weights_crc=x"),
    Call("crc negative", "passed", js({}), query="form=layers&omit=weights&weights_crc=-1"),
    Call("crc too big", "passed", js({}),
         query="form=layers&omit=weights&weights_crc=4294967296"),
    Call("unknown parameter", "passed", js({}), query="speed=2"),
    Call("id too long", "passed", js({}), path="/api/networks/" + "x" * 65 + "/step"),
]


def _fast_path(client: TestClient) -> StepFastPath:
    node = client.app.middleware_stack  # type: ignore[attr-defined]
    while node is not None and not isinstance(node, StepFastPath):
        node = getattr(node, "app", None)
    assert node is not None, "the fast path is not installed"
    return node


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    fast = create_app(Settings(db=tmp_path / "fast.sqlite3"))
    route = create_app(Settings(db=tmp_path / "route.sqlite3"), step_fast_path=False)
    with TestClient(fast, base_url="http://localhost") as a, \
            TestClient(route, base_url="http://localhost") as b:
        yield a, b


def _send(client: TestClient, ident: str, call: Call) -> tuple[int, dict[str, str], bytes]:
    url = call.path.format(id=ident) + (f"?{call.query}" if call.query else "")
    response = client.post(url, content=call.body, headers=dict(call.headers),
                           follow_redirects=False)
    kept = {name: response.headers[name] for name in ("content-type", "content-length",
                                                      "retry-after")
            if name in response.headers}
    return response.status_code, kept, response.content.replace(ident.encode(), b"<id>")


def test_every_call_answers_as_the_route_does(pair: tuple[TestClient, TestClient]) -> None:
    fast, route = pair
    ids = [client.post("/api/networks", json={"preset": "two-two-one"}).json()["id"]
           for client in (fast, route)]
    counters = _fast_path(fast)
    statuses = {}
    for call in CALLS:
        served, passed = counters.served, counters.passed
        got = _send(fast, ids[0], call)
        want = _send(route, ids[1], call)
        assert got == want, call.name
        statuses[call.name] = got[0]
        way = "served" if counters.served == served + 1 else (
            "passed" if counters.passed == passed + 1 else "neither")
        assert way == call.way, call.name
    # The calls exercise what they say: successes, the route's own 422s, the handlers' errors.
    assert statuses["forward"] == statuses["layers, omit both"] == 200
    assert statuses["bad phase"] == statuses["crc too big"] == statuses["id too long"] == 422
    assert statuses["omit without layers"] == statuses["sample beyond the data"] == 422
    assert statuses["unknown network"] == 404
    # A route that claimed the step's path before the step route would answer otherwise:
    # the route-only app's answers above are the step route's.
    # Both networks went through the same steps: their states are equal.
    states = [client.get(f"/api/networks/{ident}").json()
              for client, ident in zip((fast, route), ids, strict=True)]
    for state in states:
        for varying in ("id", "created_at", "updated_at"):
            state.pop(varying)
    assert states[0] == states[1]
    assert states[0]["step"] > 0


def test_a_busy_network_answers_409_with_retry_after_on_the_fast_path(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.sqlite3", lock_timeout_seconds=0.2)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        ident = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
        store = client.app.state.store  # type: ignore[attr-defined]
        counters = _fast_path(client)
        with store.edit(ident):  # another call holds the network
            response = client.post(f"/api/networks/{ident}/step", json={})
        assert counters.served == 1
        assert response.status_code == 409
        assert response.headers["retry-after"] == "5"
        assert "busy" in response.json()["message"]
        after = client.post(f"/api/networks/{ident}/step", json={})  # free again: it steps
        assert after.status_code == 200 and counters.served == 2


def test_a_client_gone_before_its_body_reaches_the_route_as_a_disconnect(
        tmp_path: Path) -> None:
    """The fast path read a body that never ended: the route gets the part, then the leave."""
    app = create_app(Settings(db=tmp_path / "s.sqlite3"))
    seen: list[Message] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(await receive())
        seen.append(await receive())

    path = StepFastPath(route, app)
    messages: Iterator[Message] = iter([
        {"type": "http.request", "body": b'{"ph', "more_body": True},
        {"type": "http.disconnect"}])

    async def receive() -> Message:
        return next(messages)

    async def send(message: Message) -> None:
        raise AssertionError("nothing may be sent to a client that left")

    scope: Scope = {"type": "http", "method": "POST", "path": "/api/networks/abc/step",
                    "query_string": b"", "headers": [(b"content-type", b"application/json")],
                    "root_path": ""}
    asyncio.run(path(scope, receive, send))
    assert seen == [{"type": "http.request", "body": b'{"ph', "more_body": True},
                    {"type": "http.disconnect"}]
    assert path.passed == 1 and path.served == 0


@pytest.mark.parametrize(("raw", "form", "omit", "crc"), [
    (b"", "edges", None, None),
    (b"form=layers", "layers", None, None),
    (b"form=layers&omit=weights&weights_crc=4294967295", "layers", ["weights"], 4294967295),
    (b"omit=grad_weights&form=layers&omit=weights", "layers", ["grad_weights", "weights"],
     None),
    (b"form=%6Cayers", "layers", None, None),  # percent-encoded, as the route decodes it
])
def test_queries_the_fast_path_reads(raw: bytes, form: str, omit: list[str] | None,
                                     crc: int | None) -> None:
    query = read_query(raw)
    assert query is not None
    assert (query.form, query.omit, query.weights_crc) == (form, omit, crc)


@pytest.mark.parametrize("raw", [b"form=layers&form=layers", b"weights_crc=1&weights_crc=1",
                                 b"omit=", b"form", b"weights_crc=+1", b"weights_crc=1.0",
                                 b"weights_crc=%201", b"x=1"])
def test_queries_left_to_the_route(raw: bytes) -> None:
    assert read_query(raw) is None
