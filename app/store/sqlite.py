"""The embedded engine: one SQLite file (stdlib sqlite3, WAL), the default `--db`.

- One connection per thread, WAL journal, `synchronous=NORMAL`: a commit survives a crash
  of the process (kill -9); the file is never left corrupt. Several processes on one box
  may share the file (`backprop-viz --workers N`): transactions are `BEGIN IMMEDIATE`.
- Writers of this process queue on one Python lock (a commit takes ~0.1 ms), so SQLite's
  busy handler, which sleeps for milliseconds, only ever sees other processes.
- While serving, a background thread folds the WAL into the database (`checkpointer`)
  instead of SQLite doing it inside whichever commit crosses its threshold.
- Loss histories (one float per update, unbounded) are raw float64, exact: full chunks of
  CHUNK losses in `history`, the rest in the session row's `tail`, so a step writes one row
  and a few bytes however long the history has grown.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from app.store.base import CACHE_BYTES, Sql, Store

CHECKPOINT_EVERY_SECONDS = 1.0
AUTO_CHECKPOINT_PAGES = 1000  # SQLite's own default, for a store that is not serving
RESTART_LOG_PAGES = 16384  # a log this long (64 MB of 4 KB pages) is started over
RESTART_WAIT_MS = 20  # how long a restart waits for other processes' readers and writers

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, preset TEXT, network TEXT NOT NULL, dataset TEXT NOT NULL,
    tail BLOB NOT NULL, version INTEGER NOT NULL, created REAL NOT NULL,
    updated REAL NOT NULL, used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, created REAL NOT NULL, used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    id TEXT NOT NULL, chunk INTEGER NOT NULL, losses BLOB NOT NULL, PRIMARY KEY (id, chunk)
);
CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sweeps (name TEXT PRIMARY KEY, due REAL NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, network_id TEXT NOT NULL, token_hash BLOB NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rooms_network ON rooms (network_id);
CREATE INDEX IF NOT EXISTS sessions_used ON sessions (used);
CREATE INDEX IF NOT EXISTS datasets_used ON datasets (used);
"""


class Database:
    """One SQLite file, shared by every thread of the process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self._checkpointer: threading.Thread | None = None
        self._stop = threading.Event()
        self._incremental_vacuum()
        self.conn().executescript(SCHEMA)

    def _incremental_vacuum(self) -> None:
        """Let the file give back the pages a sweep frees (PRAGMA incremental_vacuum).

        Once WAL is on, the mode only changes with a VACUUM: instant on a new file, one
        rebuild for a file made before.
        """
        conn = self.conn()
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:  # already INCREMENTAL
            return
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        with self.write_lock:
            conn.execute("VACUUM")

    def reclaim(self) -> None:
        """Give the free pages back to the file system."""
        with self.write_lock:
            # execute() would free one page (one step); a script runs it to the end
            self.conn().executescript("PRAGMA incremental_vacuum;")

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use), checkpointing in its commits only
        while no background checkpointer runs.

        The setting is per connection, and a connection may be older than the checkpointer:
        the main thread's, opened to create the schema, is the one the event loop's steps
        commit on. So each connection is brought in line when next used, not only when opened.
        """
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=10.0)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            self._local.autocheckpoint = AUTO_CHECKPOINT_PAGES
        wanted = 0 if self._checkpointer is not None else AUTO_CHECKPOINT_PAGES
        if self._local.autocheckpoint != wanted:
            conn.execute(f"PRAGMA wal_autocheckpoint={wanted}")
            self._local.autocheckpoint = wanted
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Statements inside commit together or not at all."""
        db = self.conn()
        with self.write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def start_checkpointer(self, every: float = CHECKPOINT_EVERY_SECONDS) -> None:
        """Fold the WAL into the database every `every` s from a background thread.

        SQLite's automatic checkpoint fsyncs inside the commit that crosses its threshold,
        stalling that request (and, for steps run on the event loop, the whole server) for
        tens of milliseconds; a PASSIVE checkpoint here never blocks writers. Every
        connection stops checkpointing on its own from its next use (see `conn`).

        But a log only starts over from its beginning once a checkpoint has folded all of it
        with no commit in between, and a class's steps commit hundreds of times a second,
        during every PASSIVE checkpoint too: the log grew by 8 MB a second (29 GB an hour)
        under 64 clients stepping at 10 Hz. So once the log passes RESTART_LOG_PAGES, the
        thread holds this process's writers (their Python lock) and folds the few pages
        committed since the PASSIVE pass in RESTART mode, which also keeps other processes'
        writers out meanwhile and waits (up to RESTART_WAIT_MS) for their readers; the next
        commit then writes the log from its beginning. The file keeps its size (~64 MB):
        shrinking it would cost a truncation inside some commit. Under that load writers
        wait a few milliseconds for this every ~8 s (p99 of steps unchanged, measured).
        """
        if self._checkpointer is not None:
            return

        def run() -> None:
            with suppress(sqlite3.Error):
                self.conn().execute(f"PRAGMA busy_timeout = {RESTART_WAIT_MS}")
            while not self._stop.wait(every):
                with suppress(sqlite3.Error):
                    self.checkpoint()
            self.close()

        self._checkpointer = threading.Thread(target=run, name="wal-checkpoint", daemon=True)
        self._checkpointer.start()

    def checkpoint(self) -> int:
        """One pass of the checkpointer: fold the log; start it over once it is long. The
        log's length in pages afterwards."""
        conn = self.conn()
        _, pages, folded = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if pages < RESTART_LOG_PAGES or folded < pages:  # (a reader held some back: later)
            return int(pages)
        with self.write_lock:
            busy, pages, _ = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        return int(pages) if busy else 0

    def stop_checkpointer(self) -> None:
        """Stop the background checkpoint (at shutdown) and checkpoint once more."""
        if self._checkpointer is not None:
            self._stop.set()
            self._checkpointer.join(timeout=10)
            self._checkpointer = None
            self._stop.clear()
        with suppress(sqlite3.Error):
            self.conn().execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        conn: Any = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class SQLiteStore(Store):
    """Sessions in one SQLite file: the embedded default."""

    def __init__(self, path: Path, ttl_seconds: float, lock_timeout: float = 30.0,
                 cache_size: int = 256, cache_bytes: int = CACHE_BYTES) -> None:
        super().__init__(ttl_seconds, lock_timeout, cache_size, cache_bytes)
        self.db = Database(path)
        with self._tx() as db:
            self._init_rows(db)
        self.maybe_sweep()

    @contextmanager
    def _tx(self) -> Iterator[Sql]:
        with self.db.transaction() as db:
            yield db  # type: ignore[misc]

    @contextmanager
    def _read(self) -> Iterator[Sql]:
        yield self.db.conn()  # type: ignore[misc]

    def reclaim(self) -> None:
        self.db.reclaim()

    def size_bytes(self) -> int:
        """Pages in use times page size (the WAL not counted)."""
        conn = self.db.conn()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        return int(pages * conn.execute("PRAGMA page_size").fetchone()[0])

    def start(self) -> None:
        super().start()
        self.db.start_checkpointer()

    def close(self) -> None:
        super().close()
        self.db.stop_checkpointer()
        self.db.close()
