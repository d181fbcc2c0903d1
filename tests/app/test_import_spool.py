"""Imports go to a temporary file, a megabyte at a time, and the import process reads it:
the answer is the new network's state, and the file is gone whatever the outcome."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.app.conftest import MakeNetwork

JSON = {"content-type": "application/json"}


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR of the server (this process: TestClient runs the app here)."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def exported(client: TestClient, make_network: MakeNetwork) -> dict[str, Any]:
    ident = make_network(preset="xor")["id"]
    assert client.post(f"/api/networks/{ident}/train", json={"epochs": 5}).status_code == 200
    doc: dict[str, Any] = client.get(f"/api/networks/{ident}/export").json()
    return doc


def test_an_import_answers_the_new_state_and_leaves_no_file(
        client: TestClient, exported: dict[str, Any], spool_dir: Path) -> None:
    response = client.post("/api/networks/import", content=json.dumps(exported), headers=JSON)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    state = response.json()
    assert state["weights"] == exported["network"]["weights"]
    assert state["step"] == exported["network"]["step"] == 5  # one step per epoch
    assert client.get(f"/api/networks/{state['id']}").json() == state
    assert list(spool_dir.iterdir()) == []


def test_a_refused_import_leaves_no_file(client: TestClient, exported: dict[str, Any],
                                         spool_dir: Path) -> None:
    exported["network"]["spec"]["layers"] = [2, 65, 1]
    response = client.post("/api/networks/import", content=json.dumps(exported), headers=JSON)
    assert response.status_code == 422
    assert response.json()["message"] == (
        "network.spec.layers.1: Input should be less than or equal to 64")
    assert list(spool_dir.iterdir()) == []


def test_a_streamed_body_past_the_limit_is_413_and_leaves_no_file(
        tmp_path: Path, spool_dir: Path) -> None:
    settings = Settings(db=tmp_path / "s.sqlite3", max_import_bytes=4096)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while spooled
        yield b'{"format": "backprop-viz/session", "pad": "'
        for _ in range(20):
            yield b"x" * 500
        yield b'"}'

    with TestClient(create_app(settings), base_url="http://localhost") as client:
        response = client.post("/api/networks/import", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert response.json()["message"] == "request body larger than the limit of 4096 bytes"
    assert list(spool_dir.iterdir()) == []


def test_a_utf16_document_imports_and_bad_bytes_are_a_422(
        client: TestClient, exported: dict[str, Any], spool_dir: Path) -> None:
    text = json.dumps(exported)
    response = client.post("/api/networks/import", content=text.encode("utf-16"), headers=JSON)
    assert response.status_code == 201  # JSON's own rule: UTF-8, -16 or -32
    assert response.json()["weights"] == exported["network"]["weights"]
    response = client.post("/api/networks/import", content=b'{"a": "\xff\xfe\xfa"}',
                           headers=JSON)
    assert response.status_code == 422
    assert response.json()["message"] == "the body is not UTF-8 text; send JSON encoded as UTF-8"
    assert list(spool_dir.iterdir()) == []


def test_a_temporary_folder_that_cannot_take_the_body_is_a_503(
        client: TestClient, exported: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    response = client.post("/api/networks/import", content=json.dumps(exported), headers=JSON)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["message"] == (
        f"the server cannot keep this import in its temporary folder ({missing}: No such "
        "file or directory); try again later")
