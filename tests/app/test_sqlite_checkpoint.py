"""SQLite's write-ahead log is folded by a background thread while serving, never inside a
request's commit (app/store/sqlite.py)."""

from __future__ import annotations

import threading
from pathlib import Path

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
