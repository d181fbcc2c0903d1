"""app/bodylimit.py: bodies over the limit are refused with 413 in the API's error shape, by
Content-Length or while they stream in, and the import route has a limit of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


@pytest.fixture
def small(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(db=tmp_path / "s.sqlite3", max_body_bytes=2048, max_import_bytes=4096)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        yield client


def test_declared_length_over_the_limit_is_413(small: TestClient) -> None:
    response = small.post("/api/networks", content=b"{" + b" " * 3000 + b"}",
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": "request body larger than the limit of 2048 bytes",
                               "message": "request body larger than the limit of 2048 bytes"}


def test_streamed_body_without_length_is_counted(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"preset": "two-two-one", "name": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    response = small.post("/api/networks", content=chunks(),
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "2048 bytes" in response.json()["message"]


def test_a_body_under_the_limit_passes(small: TestClient) -> None:
    assert small.post("/api/networks", json={"preset": "two-two-one"}).status_code == 201


def test_import_has_its_own_larger_limit(small: TestClient) -> None:
    body = b'{"network": ' + b" " * 3000 + b"}"
    response = small.post("/api/networks/import", content=body,
                          headers={"content-type": "application/json"})
    assert response.status_code == 422  # read in full (over 2048), then refused as invalid
    response = small.post("/api/networks/import", content=b"{" + b" " * 5000 + b"}",
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "4096 bytes" in response.json()["message"]

