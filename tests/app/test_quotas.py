"""Quotas: a full store refuses creates with 507 and a message; the file gives space back."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.__main__ import parse_args
from app.main import create_app
from app.quotas import REFRESH_SECONDS
from app.settings import Settings
from app.store import open_store
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


def _big_dataset() -> Dataset:
    rows = np.random.default_rng(0).normal(size=(5000, 2))  # 80 KB of inputs
    return Dataset(name="big", inputs=rows, targets=(rows[:, :1] > 0).astype(float),
                   input_names=("x", "y"), target_names=("t",))


def test_the_session_cache_is_bounded_in_bytes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3", ttl_seconds=3600, cache_bytes=1_000_000)
    network, _ = build_preset("xor")
    big = _big_dataset()
    ids = [store.create(network, big).id for _ in range(30)]
    cached = [i for i in ids if i in store._cache]
    assert 5 <= len(cached) < 30 and cached == ids[-len(cached):]  # the most recent stay
    assert sum(store._footprints.values()) <= 1_000_000
    store.close()


def test_a_cache_of_0_bytes_keeps_no_session_in_memory(tmp_path: Path) -> None:
    """What the import process uses: it stores each import and keeps none of it."""
    store = open_store(tmp_path / "s.sqlite3", ttl_seconds=3600, cache_bytes=0)
    network, _ = build_preset("xor")
    ident = store.create(network, _big_dataset()).id
    assert store.work(ident) is None  # not in memory
    with store.view(ident) as session:  # read back from its row
        assert session.dataset.inputs.shape == (5000, 2)
    assert store.work(ident) is None
    store.close()


def test_the_cache_budget_is_the_cache_mb_setting(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(db=tmp_path / "s.sqlite3").cache_bytes == 256 * 1024 * 1024
    monkeypatch.setenv("BACKPROP_VIZ_CACHE_MB", "0")
    assert parse_args(["--db", str(tmp_path / "s.sqlite3")]).cache_mb == 0
    assert parse_args(["--db", str(tmp_path / "s.sqlite3"), "--cache-mb", "64"]
                      ).cache_bytes == 64 * 1024 * 1024  # the flag wins over the variable
    for cache_mb, kept in ((0, False), (1, True)):
        settings = Settings(db=tmp_path / f"{cache_mb}.sqlite3", cache_mb=cache_mb)
        with TestClient(create_app(settings), base_url="http://localhost") as client:
            ident = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
            for step in (1, 2):  # every call reads its row when nothing is kept
                response = client.post(f"/api/networks/{ident}/step", json={"phase": "all"})
                assert response.status_code == 200 and response.json()["step"] == step
            store = client.app.state.store  # type: ignore[attr-defined]
            assert (store.work(ident) is not None) is kept
