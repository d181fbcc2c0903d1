"""Follow mode over the API: rooms, their live events, forks, closing, and what students
never see (the teacher token, the network's id)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.rooms import ALPHABET
from tests.app.conftest import MakeNetwork


def _events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event, data) pairs from an SSE stream's lines."""
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: ") and event is not None:
            yield event, json.loads(line[len("data: "):])
            event = None


@pytest.fixture
def room(client: TestClient, make_network: MakeNetwork) -> dict[str, Any]:
    net = make_network()
    response = client.post("/api/rooms", json={"network_id": net["id"]})
    assert response.status_code == 201
    return {**response.json(), "network_id": net["id"]}


def test_a_room_has_a_short_code_a_link_a_qr_and_a_secret(room: dict[str, Any]) -> None:
    assert re.fullmatch(f"[{ALPHABET}]{{6}}", room["code"])
    assert not set("0O1IL") & set(ALPHABET)
    assert room["join_url"].endswith(f"/join/{room['code']}")
    assert room["qr_svg_url"] == f"/api/rooms/{room['code']}/qr.svg"
    assert len(room["teacher_token"]) >= 43  # 32 random bytes, base64url: 256 bits
    assert room["followers"] == 0


def test_students_read_the_state_without_id_or_token(client: TestClient,
                                                     room: dict[str, Any]) -> None:
    response = client.get(f"/api/rooms/{room['code'].lower()}")  # typed in lower case
    assert response.status_code == 200
    body = response.json()
    assert body["state"]["id"] is None
    assert body["state"]["weights"][1] == [[0.14, 0.15]]
    text = response.text
    assert room["network_id"] not in text and room["teacher_token"] not in text


def test_qr_code_is_an_svg_of_the_join_link(client: TestClient, room: dict[str, Any]) -> None:
    response = client.get(room["qr_svg_url"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg") and "<path" in response.text


def test_unknown_code_and_unknown_network_are_404(client: TestClient) -> None:
    response = client.get("/api/rooms/ZZZZZZ")
    assert response.status_code == 404
    assert "does not exist or has closed" in response.json()["message"]
    response = client.post("/api/rooms", json={"network_id": "nope"})
    assert response.status_code == 404


def test_events_carry_state_then_the_teachers_trace_and_edits(
        client: TestClient, room: dict[str, Any]) -> None:
    ident = room["network_id"]
    with client.stream("GET", f"/api/rooms/{room['code']}/events") as stream:
        events = _events(stream.iter_lines())
        event, state = next(events)
        assert event == "state" and state["id"] is None and state["step"] == 0
        assert client.get(f"/api/rooms/{room['code']}").json()["followers"] == 1

        assert client.post(f"/api/networks/{ident}/step", json={"phase": "all"}).status_code == 200
        event, trace = next(events)
        assert event == "trace" and trace["network_id"] is None
        w5 = next(e for e in trace["edges"] if (e["layer"], e["source"]) == (2, 0))
        assert w5["grad"] == pytest.approx(-0.68765, abs=1e-12)

        patched = client.patch(f"/api/networks/{ident}", json={"learning_rate": 0.25})
        assert patched.status_code == 200
        event, state = next(events)
        assert event == "state" and state["learning_rate"] == 0.25 and state["step"] == 1

        assert client.post(f"/api/networks/{ident}/reset", json={}).status_code == 200
        event, state = next(events)
        assert event == "state" and state["step"] == 0

        client.post(f"/api/networks/{ident}/train", json={"epochs": 5, "stream": True})
        seen = []
        for event, data in events:
            seen.append(event)
            if event == "state":
                assert data["step"] == 5
                break
        assert "progress" in seen

        closed = client.delete(f"/api/rooms/{room['code']}",
                               headers={"X-Teacher-Token": room["teacher_token"]})
        assert closed.status_code == 204
        event, data = next(events)
        assert event == "closed" and "closed the room" in data["reason"]
    assert client.get(f"/api/rooms/{room['code']}").status_code == 404


def test_closing_takes_the_teacher_token(client: TestClient, room: dict[str, Any]) -> None:
    for headers in ({}, {"X-Teacher-Token": "guess"}):
        response = client.delete(f"/api/rooms/{room['code']}", headers=headers)
        assert response.status_code == 403
        assert "teacher token" in response.json()["message"]
    assert client.get(f"/api/rooms/{room['code']}").status_code == 200


def test_fork_is_a_private_copy_at_the_current_state(client: TestClient,
                                                     room: dict[str, Any]) -> None:
    ident = room["network_id"]
    client.post(f"/api/networks/{ident}/step", json={"phase": "all"})
    fork = client.post(f"/api/rooms/{room['code']}/fork")
    assert fork.status_code == 201
    mine = fork.json()
    assert mine["id"] != ident and mine["step"] == 1
    assert mine["weights"][1][0][0] == pytest.approx(0.1743825, abs=1e-12)
    client.post(f"/api/networks/{mine['id']}/step", json={"phase": "all"})
    teacher = client.get(f"/api/networks/{ident}").json()
    assert teacher["step"] == 1  # the student's steps never touch the teacher's network


def test_deleting_the_network_closes_its_rooms(client: TestClient, room: dict[str, Any]) -> None:
    with client.stream("GET", f"/api/rooms/{room['code']}/events") as stream:
        events = _events(stream.iter_lines())
        assert next(events)[0] == "state"
        assert client.delete(f"/api/networks/{room['network_id']}").status_code == 204
        event, data = next(events)
        assert event == "closed" and "deleted" in data["reason"]
    assert client.get(f"/api/rooms/{room['code']}").status_code == 404


def test_join_pages_are_served(client: TestClient, room: dict[str, Any]) -> None:
    page = client.get(f"/join/{room['code']}")
    assert page.status_code == 200 and f'data-follow="{room["code"]}"' in page.text
    assert client.get("/join").status_code == 200
