"""Process set-up the app does when it is created."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.main import create_app
from app.settings import Settings
from engine.blas import blas_threads, limit_blas_threads

ROOT = Path(__file__).resolve().parents[2]


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


# Run in a process of its own: frozen objects are never freed, so the test process must not.
SERVED_HEAP = """
import asyncio, gc, sys
from app import serve
from app.main import create_app
from app.settings import Settings

app = create_app(Settings(db=sys.argv[1]))
if sys.argv[2] == "served":
    serve.uvicorn.run = lambda *args, **kwargs: None  # serve.run, without the server
    serve.run(app, app.state.settings)

async def start_and_stop():
    async with app.router.lifespan_context(app):
        print(gc.get_freeze_count())

asyncio.run(start_and_stop())
"""


@pytest.mark.parametrize("how", ["served", "built"])
def test_a_served_process_sets_its_start_up_objects_aside_from_the_collector(
        tmp_path: Path, how: str) -> None:
    """A full collection walks only what the process made after start-up (app/heap.py)."""
    done = subprocess.run([sys.executable, "-c", SERVED_HEAP, str(tmp_path / "db.sqlite3"),
                           how], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frozen = int(done.stdout.split()[-1])
    if how == "served":
        assert frozen > 50_000  # modules, routes, models: ~90,000 containers
    else:
        assert frozen == 0  # an app a test builds is collected as usual


def test_settle_freezes_what_is_alive_and_collects_what_is_not() -> None:
    done = subprocess.run([sys.executable, "-c", """
import gc
from app import heap
class Cycle:
    pass
kept = [Cycle() for _ in range(1000)]
for c in kept: c.me = c
lost = Cycle(); lost.me = lost; del lost
frozen = heap.settle()
print(frozen, sum(isinstance(o, Cycle) for o in gc.get_objects()), gc.get_count()[2])
"""], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    frozen, tracked_cycles, _ = map(int, done.stdout.split())
    assert frozen >= 1000
    assert tracked_cycles == 0  # all 1,000 live ones are frozen, not walked; the lost one freed
