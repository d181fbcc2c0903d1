"""Process set-up the app does when it is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.main import create_app
from app.settings import Settings


def test_creating_the_app_keeps_freed_memory_for_reuse(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []
    monkeypatch.setattr("app.main.keep_freed_memory", lambda: calls.append(1) or True)
    create_app(Settings(db=tmp_path / "db.sqlite3"))
    assert calls == [1]
