"""Process set-up the app does when it is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.main import create_app
from app.settings import Settings
from engine.blas import blas_threads, limit_blas_threads


def test_creating_the_app_keeps_freed_memory_for_reuse(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []
    monkeypatch.setattr("app.main.keep_freed_memory", lambda: calls.append(1) or True)
    create_app(Settings(db=tmp_path / "db.sqlite3"))
    assert calls == [1]


def test_creating_the_app_lets_each_blas_call_use_one_thread(tmp_path: Path) -> None:
    limit_blas_threads(2)
    create_app(Settings(db=tmp_path / "db.sqlite3"))
    assert blas_threads() == 1
    create_app(Settings(db=tmp_path / "db.sqlite3", blas_threads=0))  # 0: left as it is
    assert blas_threads() == 1
