"""Browser hardening: security headers, trusted Host names, cross-origin writes, CORS opt-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security import default_allowed_hosts
from app.settings import Settings

EVIL = "https://evil.example"
CSV = b"a,b\n1,2\n"


def test_every_answer_carries_the_headers(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("style-src-attr")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert client.get("/api/health").headers["x-content-type-options"] == "nosniff"


def test_docs_allow_their_own_inline_script_by_hash(client: TestClient) -> None:
    policy = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]


def test_frame_ancestors_setting(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.db",
                        frame_ancestors="'self' https://lms.example.edu")
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        policy = client.get("/").headers["content-security-policy"]
    assert "frame-ancestors 'self' https://lms.example.edu" in policy


@pytest.mark.parametrize("host", ["evil.example", "rebind.attacker.test:8000"])
def test_unknown_host_is_refused(settings: Settings, host: str) -> None:
    with TestClient(create_app(settings), base_url=f"http://{host}") as client:
        response = client.get("/api/health")
    assert response.status_code == 400
    assert "--allowed-hosts" in response.json()["message"]


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:8000"])
def test_loopback_names_are_served(settings: Settings, host: str) -> None:
    with TestClient(create_app(settings), base_url=f"http://{host}") as client:
        assert client.get("/api/health").status_code == 200


def test_wildcard_host_serves_any_ip_but_not_other_names(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.db", host="0.0.0.0")
    with TestClient(create_app(settings), base_url="http://192.0.2.7:8000") as client:
        assert client.get("/api/health").status_code == 200
    with TestClient(create_app(settings), base_url="http://evil.example") as client:
        assert client.get("/api/health").status_code == 400


def test_default_allowed_hosts() -> None:
    assert default_allowed_hosts("class.example") == [
        "class.example", "localhost", "127.0.0.1", "::1"]


def test_allowed_hosts_setting(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.db", allowed_hosts=["viz.school.example"])
    with TestClient(create_app(settings), base_url="http://viz.school.example") as client:
        assert client.get("/api/health").status_code == 200


def test_cross_origin_simple_post_is_refused(client: TestClient) -> None:
    response = client.post("/api/datasets", content=CSV,
                           headers={"origin": EVIL, "content-type": "text/plain"})
    assert response.status_code == 403
    assert "--cors-origins" in response.json()["message"]
    assert client.get("/api/datasets", headers={"origin": EVIL}).status_code == 200


def test_same_origin_and_originless_writes_pass(client: TestClient) -> None:
    for headers in ({"origin": "http://localhost"}, {}):
        response = client.post("/api/datasets", content=CSV,
                               headers={**headers, "content-type": "text/csv"})
        assert response.status_code == 201, response.text


def test_cors_origins_opt_in(tmp_path: Path) -> None:
    origin = "https://notebooks.example"
    settings = Settings(db=tmp_path / "s.db", cors_origins=[origin])
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        preflight = client.options("/api/networks", headers={
            "origin": origin, "access-control-request-method": "POST",
            "access-control-request-headers": "content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        created = client.post("/api/networks", json={"preset": "two-two-one"},
                              headers={"origin": origin})
        assert created.status_code == 201
        assert created.headers["access-control-allow-origin"] == origin
        refused = client.post("/api/networks", json={"preset": "two-two-one"},
                              headers={"origin": EVIL})
        assert refused.status_code == 403
