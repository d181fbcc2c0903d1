"""SQLite's write-ahead log is folded by a background thread while serving, never inside a
request's commit (app/store/sqlite.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.store import sqlite
from app.store.sqlite import AUTO_CHECKPOINT_PAGES, Database


def _autocheckpoint(db: Database) -> int:
    return int(db.conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_every_connection_stops_checkpointing_in_its_commits_while_serving(
        tmp_path: Path) -> None:
    """The main thread's connection, opened to create the schema before serving starts, is
    the one the event loop's steps commit on: it too must leave checkpoints to the thread."""
    db = Database(tmp_path / "c.sqlite3")  # this thread's connection exists from here
    assert _autocheckpoint(db) == AUTO_CHECKPOINT_PAGES
    db.start_checkpointer(every=3600)
    try:
        assert _autocheckpoint(db) == 0
        seen: list[int] = []
        other = threading.Thread(target=lambda: seen.append(_autocheckpoint(db)))
        other.start()
        other.join()
        assert seen == [0]
    finally:
        db.stop_checkpointer()
    assert _autocheckpoint(db) == AUTO_CHECKPOINT_PAGES  # not serving: SQLite's own again
    db.close()


def test_commits_past_the_threshold_leave_the_log_to_the_checkpointer(tmp_path: Path) -> None:
    """1,500 pages committed on the schema's connection: with an automatic checkpoint inside
    a commit the log would have started over at ~1,000 pages; here it holds them all until
    the background thread (set not to run during the test) folds it."""
    db = Database(tmp_path / "c.sqlite3")
    db.start_checkpointer(every=3600)
    try:
        page = int(db.conn().execute("PRAGMA page_size").fetchone()[0])
        with db.transaction() as conn:
            conn.execute("CREATE TABLE scratch (b BLOB)")
        for _ in range(30):
            with db.transaction() as conn:
                conn.executemany("INSERT INTO scratch VALUES (?)", [(bytes(page),)] * 50)
        wal = Path(f"{db.path}-wal").stat().st_size
        assert wal > 1_400 * page
    finally:
        db.stop_checkpointer()
        db.close()


def test_the_log_starts_over_under_commits_that_never_pause(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """A class's steps commit during every checkpoint, so a PASSIVE checkpoint alone never
    lets the log start over (it grew by 8 MB a second under 64 clients at 10 Hz). Past
    RESTART_LOG_PAGES the checkpointer folds the rest with this process's writers held."""
    monkeypatch.setattr(sqlite, "RESTART_LOG_PAGES", 200)
    db = Database(tmp_path / "c.sqlite3")
    page = int(db.conn().execute("PRAGMA page_size").fetchone()[0])
    with db.transaction() as conn:
        conn.execute("CREATE TABLE scratch (k INTEGER PRIMARY KEY, b BLOB)")
    pause = threading.Event()  # never set: a short wait between commits, like steps
    db.start_checkpointer(every=0.02)
    try:
        for _ in range(3_000):  # one row of two pages rewritten, like a stepped network
            with db.transaction() as conn:
                conn.execute("INSERT OR REPLACE INTO scratch VALUES (1, ?)",
                             (bytes(2 * page),))
            pause.wait(0.0002)
    finally:
        db.stop_checkpointer()
    wal_pages = Path(f"{db.path}-wal").stat().st_size // page
    # Without the restarts the log holds every page written: over 6,000 (about 21,000 here);
    # with them, a few hundred.
    assert wal_pages < 3_000
    db.close()
