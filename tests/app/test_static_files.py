"""The page's files: compressed for clients that ask, plain for those that do not; the API's
answers are never compressed."""

from __future__ import annotations

import gzip

import httpx
from fastapi.testclient import TestClient

from app.paths import STATIC_DIR


def raw_get(client: TestClient, path: str, encoding: str | None) -> httpx.Response:
    """The answer as sent (TestClient would decompress it on the fly)."""
    headers = {"accept-encoding": encoding} if encoding else {"accept-encoding": "identity"}
    with client.stream("GET", path, headers=headers) as response:
        response.read()
        return response


def test_a_script_is_sent_compressed_to_a_browser_and_is_the_same_file(
        client: TestClient) -> None:
    original = (STATIC_DIR / "js" / "render.js").read_bytes()
    response = raw_get(client, "/static/js/render.js", "gzip, deflate, br")
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert response.headers["content-type"].startswith("text/javascript")
    sent = int(response.headers["content-length"])
    assert sent < len(original) / 2  # a school network carries less than half
    assert response.content == original  # httpx decodes: byte for byte the file


def test_without_accept_encoding_the_file_is_sent_as_is(client: TestClient) -> None:
    original = (STATIC_DIR / "css" / "app.css").read_bytes()
    response = raw_get(client, "/static/css/app.css", None)
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.content == original
    assert int(response.headers["content-length"]) == len(original)


def test_the_compressed_bytes_are_gzip_of_the_file(client: TestClient) -> None:
    with client.stream("GET", "/static/js/view.js",
                       headers={"accept-encoding": "gzip"}) as response:
        wire = b"".join(response.iter_raw())
    assert gzip.decompress(wire) == (STATIC_DIR / "js" / "view.js").read_bytes()


def test_api_answers_are_not_compressed(client: TestClient) -> None:
    ident = client.post("/api/networks", json={"preset": "two-two-one"}).json()["id"]
    step = raw_get(client, f"/api/networks/{ident}", "gzip")
    assert step.status_code == 200 and "content-encoding" not in step.headers


def test_a_missing_file_is_still_a_404(client: TestClient) -> None:
    assert raw_get(client, "/static/js/nothing-here.js", "gzip").status_code == 404
