"""App test fixtures: a TestClient on a throw-away database, and a network factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.support.postgres import Cluster, running_cluster

MakeNetwork = Callable[..., dict[str, Any]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default limits, a database in a temporary directory."""
    return Settings(db=tmp_path / "sessions.sqlite3")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A TestClient over a fresh app (raises server errors instead of hiding them)."""
    with TestClient(create_app(settings), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture
def make_network(client: TestClient) -> MakeNetwork:
    """POST /api/networks with the given body (default: the two-two-one preset)."""

    def make(**body: Any) -> dict[str, Any]:
        response = client.post("/api/networks", json=body or {"preset": "two-two-one"})
        assert response.status_code == 201, response.text
        state: dict[str, Any] = response.json()
        return state

    return make


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server for the whole run (tests take fresh databases)."""
    with running_cluster() as cluster:
        yield cluster


def neuron_grid(client: TestClient, ident: str, resolution: int) -> dict[str, Any]:
    """GET …/predict?neurons=true: a 200 and its body."""
    response = client.get(f"/api/networks/{ident}/predict",
                          params={"resolution": resolution, "neurons": "true"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
