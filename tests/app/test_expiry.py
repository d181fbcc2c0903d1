"""An id idle longer than the TTL is gone for every reader, before the sweep removes it.

The store's clock is the test's (tests/support/clock.py): time passes when the test says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.support.clock import Clock

TTL_SECONDS = 3600.0


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def short_lived(tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    """An app whose sessions expire after an hour of idleness, on the test's clock."""
    settings = Settings(db=tmp_path / "s.sqlite3", session_ttl_hours=TTL_SECONDS / 3600)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        client.app.state.store.clock = clock  # type: ignore[attr-defined]
        yield client


def test_idle_network_is_404_before_the_sweep(short_lived: TestClient, clock: Clock) -> None:
    ident = short_lived.post("/api/networks", json={"preset": "two-two-one"}).json()["id"]
    assert short_lived.post(f"/api/networks/{ident}/step", json={}).status_code == 200
    clock.advance(TTL_SECONDS + 1)
    for method, path in (("get", ""), ("post", "/step"), ("get", "/export"),
                         ("delete", "")):
        body = {"json": {}} if method == "post" else {}
        response = getattr(short_lived, method)(f"/api/networks/{ident}{path}", **body)
        assert response.status_code == 404, path
        assert "expired" in response.json()["message"]


def test_idle_dataset_is_404_before_the_sweep(short_lived: TestClient, clock: Clock) -> None:
    created = short_lived.post("/api/datasets", json={"inputs": [[1]], "targets": [[2]]})
    ident = created.json()["id"]
    clock.advance(TTL_SECONDS + 1)
    response = short_lived.get(f"/api/datasets/{ident}")
    assert response.status_code == 404
    assert ident in response.json()["message"]


def test_a_network_in_use_does_not_expire(short_lived: TestClient, clock: Clock) -> None:
    ident = short_lived.post("/api/networks", json={"preset": "two-two-one"}).json()["id"]
    for _ in range(4):
        clock.advance(TTL_SECONDS / 3)
        assert short_lived.post(f"/api/networks/{ident}/step", json={}).status_code == 200
    assert short_lived.get(f"/api/networks/{ident}").status_code == 200
