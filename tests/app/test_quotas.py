"""Quotas: a full store refuses creates with 507 and a message; the file gives space back."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from app.main import create_app
from app.quotas import REFRESH_SECONDS
from app.settings import Settings
from app.store.sqlite import SQLiteStore
from engine.data.datasets import Dataset
from engine.presets import build_preset


def test_creates_beyond_max_sessions_get_507(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.sqlite3", max_sessions=2)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        first = client.post("/api/networks", json={"preset": "xor"})
        client.post("/api/networks", json={"preset": "xor"})
        time.sleep(REFRESH_SECONDS)
        refused = client.post("/api/networks", json={"preset": "xor"})
        stepped = client.post(f"/api/networks/{first.json()['id']}/step")
        client.delete(f"/api/networks/{first.json()['id']}")
        time.sleep(REFRESH_SECONDS)
        again = client.post("/api/networks", json={"preset": "xor"})
    assert refused.status_code == 507
    assert "maximum of 2 networks" in refused.json()["message"]
    assert refused.headers["retry-after"] == "600"
    assert stepped.status_code == 200  # what is stored keeps working
    assert again.status_code == 201


def test_a_full_disk_quota_refuses_uploads_too(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.sqlite3", max_db_bytes=100_000)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        rows = "a,b\n" + "".join(f"{i},{i * 0.5}\n" for i in range(5000))
        client.post("/api/datasets", content=rows, headers={"content-type": "text/csv"})
        time.sleep(REFRESH_SECONDS)
        refused = client.post("/api/datasets", content=b"a,b\n1,2\n",
                              headers={"content-type": "text/csv"})
    assert refused.status_code == 507
    assert "storage is full" in refused.json()["message"]
    assert "--max-db-bytes" in refused.json()["message"]


def test_the_file_shrinks_after_a_sweep(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3", ttl_seconds=3600)
    network, data = build_preset("xor")
    for _ in range(200):
        store.create(network, data)
    full = store.size_bytes()
    assert store.sweep(now=time.time() + 7200) >= 200
    assert store.size_bytes() < full / 4
    store.close()


def test_the_session_cache_is_bounded_in_bytes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3", ttl_seconds=3600)
    store._cache_bytes = 1_000_000  # a small budget for the test
    network, _ = build_preset("xor")
    rows = np.random.default_rng(0).normal(size=(5000, 2))  # 80 KB of inputs each
    big = Dataset(name="big", inputs=rows, targets=(rows[:, :1] > 0).astype(float),
                  input_names=("x", "y"), target_names=("t",))
    ids = [store.create(network, big).id for _ in range(30)]
    cached = [i for i in ids if i in store._cache]
    assert 5 <= len(cached) < 30 and cached == ids[-len(cached):]  # the most recent stay
    assert sum(store._footprints.values()) <= 1_000_000
    store.close()
