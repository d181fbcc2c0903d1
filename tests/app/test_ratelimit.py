"""Rate limits: per client address, per network and in total; 429 with Retry-After beyond,
and a class of 64 behind one address never meets them at classroom pace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

PRESET = {"preset": "xor"}


@contextmanager
def clients(tmp_path: Path, *addresses: str, **limits: Any) -> Iterator[list[TestClient]]:
    """One app, a TestClient per client address."""
    app = create_app(Settings(db=tmp_path / "s.sqlite3", **limits))
    opened = [TestClient(app, base_url="http://localhost", client=(a, 50000))
              for a in addresses]
    with opened[0]:
        yield opened


def test_creates_beyond_the_address_limit_get_429(tmp_path: Path) -> None:
    with clients(tmp_path, "10.0.0.1", "10.0.0.2", rate_create="3/minute") as (one, other):
        assert [one.post("/api/networks", json=PRESET).status_code for _ in range(3)] == [
            201] * 3
        refused = one.post("/api/networks", json=PRESET)
        assert other.post("/api/networks", json=PRESET).status_code == 201
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["message"].startswith(
        "too many creates from one address: the limit is 3 per 1 minute")


def test_trains_beyond_the_network_limit_get_429(tmp_path: Path) -> None:
    with clients(tmp_path, "10.0.0.1", rate_train_network="2/minute") as (client,):
        first, second = (client.post("/api/networks", json=PRESET).json()["id"]
                         for _ in range(2))
        codes = [client.post(f"/api/networks/{first}/train", json={"epochs": 1}).status_code
                 for _ in range(3)]
        other = client.post(f"/api/networks/{second}/train", json={"epochs": 1})
    assert codes == [200, 200, 429]
    assert other.status_code == 200


def test_the_total_caps_every_address_together(tmp_path: Path) -> None:
    with clients(tmp_path, "10.0.0.1", "10.0.0.2", rate_create_total="4/minute") as pair:
        codes = [c.post("/api/datasets", content=b"a,b\n1,2\n",
                        headers={"content-type": "text/csv"}).status_code
                 for _ in range(3) for c in pair]
    assert codes == [201, 201, 201, 201, 429, 429]


def test_circuit_traces_are_limited(tmp_path: Path) -> None:
    with clients(tmp_path, "10.0.0.1", rate_circuit="2/minute") as (client,):
        codes = [client.post("/api/circuits/trace", json={"expression": "x*2",
                                                          "values": {"x": 1}}).status_code
                 for _ in range(3)]
    assert codes == [200, 200, 429]


def test_none_turns_a_limit_off(tmp_path: Path) -> None:
    with clients(tmp_path, "10.0.0.1", rate_create="none", rate_create_total="none") as (c,):
        assert {c.post("/api/networks", json=PRESET).status_code for _ in range(40)} == {201}


@pytest.mark.slow
def test_a_class_behind_one_address_is_never_limited(tmp_path: Path) -> None:
    """64 students from one school address, on the defaults: a create each, steps, a train
    each now and then (the benchmark plays a whole minute of it at pace)."""
    with clients(tmp_path, "203.0.113.9") as (school,):
        ids = [school.post("/api/networks", json=PRESET) for _ in range(64)]
        assert {r.status_code for r in ids} == {201}
        codes = set()
        for round_ in range(3):
            for response in ids:
                ident = response.json()["id"]
                codes.add(school.post(f"/api/networks/{ident}/step").status_code)
                if round_ == 1:
                    codes.add(school.post(f"/api/networks/{ident}/train",
                                          json={"epochs": 5}).status_code)
    assert codes == {200}
