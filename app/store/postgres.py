"""The shared engine: PostgreSQL through psycopg 3 and a psycopg_pool connection pool.

Chosen when `--db` / BACKPROP_VIZ_DB is a `postgresql://…` URL, so several app processes
and machines serve one set of sessions. The SQL is the shared code's (app/store/base.py);
this module adds the schema, the pool, and turns a lost database into `Unavailable` (503,
"try again") while the pool reconnects on its own once PostgreSQL is back.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from app.store.base import Sql, Store, Unavailable

EVENTS_CHANNEL = "backprop_viz_events"
EVENT_KEEP_SECONDS = 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, preset TEXT, network TEXT NOT NULL, dataset TEXT NOT NULL,
    tail BYTEA NOT NULL, version BIGINT NOT NULL, created DOUBLE PRECISION NOT NULL,
    updated DOUBLE PRECISION NOT NULL, used DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, created DOUBLE PRECISION NOT NULL,
    used DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    id TEXT NOT NULL, chunk INTEGER NOT NULL, losses BYTEA NOT NULL, PRIMARY KEY (id, chunk)
);
CREATE TABLE IF NOT EXISTS leases (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS sweeps (name TEXT PRIMARY KEY, due DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, network_id TEXT NOT NULL, token_hash BYTEA NOT NULL,
    created DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS rooms_network ON rooms (network_id);
CREATE TABLE IF NOT EXISTS events (
    id BIGSERIAL PRIMARY KEY, origin TEXT NOT NULL, channel TEXT NOT NULL,
    event TEXT NOT NULL, data TEXT NOT NULL, created DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_used ON sessions (used);
CREATE INDEX IF NOT EXISTS datasets_used ON datasets (used);
"""
POOL_SIZE = 8  # connections per app process (each serves one statement at a time)
CONNECT_SECONDS = 5.0
SCHEMA_LOCK = 724_501  # advisory lock id: processes starting together create tables once


def is_postgres_url(target: object) -> bool:
    """Whether `--db` names a PostgreSQL server rather than an SQLite file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


class _Conn:
    """psycopg under the shared code's `?` placeholders (none of our SQL has a literal ?)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        with self.conn.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)


class PostgresStore(Store):
    """Sessions in a PostgreSQL database shared by every app process."""

    inline_ok = False  # every statement is a round trip: never on the event loop

    def __init__(self, url: str, ttl_seconds: float, lock_timeout: float = 30.0,
                 cache_size: int = 256, pool_size: int = POOL_SIZE) -> None:
        super().__init__(ttl_seconds, lock_timeout, cache_size)
        self.url = url
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False,
                                   kwargs={"autocommit": True}, timeout=CONNECT_SECONDS,
                                   check=ConnectionPool.check_connection)
        try:
            self.pool.open(wait=True, timeout=CONNECT_SECONDS)
        except PoolTimeout as exc:
            self.pool.close()
            raise Unavailable(f"cannot reach PostgreSQL at {redacted(url)}") from exc
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
            self._init_rows(db)
        self.maybe_sweep()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self.pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise Unavailable(f"the session database ({redacted(self.url)}) cannot be "
                              "reached; try again in a few seconds") from exc

    @contextmanager
    def _tx(self) -> Iterator[Sql]:
        with self._connection() as conn, conn.transaction():
            yield _Conn(conn)

    @contextmanager
    def _read(self) -> Iterator[Sql]:
        with self._connection() as conn:
            yield _Conn(conn)

    def size_bytes(self) -> int:
        """The whole database's size (pg_database_size)."""
        with self._read() as db:
            return int(db.execute("SELECT pg_database_size(current_database())").fetchone()[0])

    # -- events for other processes: a row each, announced by NOTIFY --------------------------
    # NOTIFY payloads stop at 8,000 bytes and a trace may be larger, so the event is a row of
    # `events` and the notification carries its id; listeners read the row. Rows older than
    # EVENT_KEEP_SECONDS are deleted by whichever listener gets there first.
    shares_events = True

    def publish_event(self, origin: str, channel: str, event: str, data: str) -> None:
        with self._tx() as db:
            row = db.execute(
                "INSERT INTO events (origin, channel, event, data, created) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (origin, channel, event, data, time.time())).fetchone()
            db.execute("SELECT pg_notify(?, ?)", (EVENTS_CHANNEL, str(row[0])))

    def listen_events(self, deliver: Callable[[str, str, str, str], None]) -> None:
        self._listener = threading.Thread(target=self._listen, args=(deliver,),
                                          name="store-events", daemon=True)
        self._listener.start()

    def _listen(self, deliver: Callable[[str, str, str, str], None]) -> None:
        """LISTEN on a connection of its own; reconnect while the database is away."""
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True,
                                     connect_timeout=int(CONNECT_SECONDS)) as conn:
                    conn.execute(f"LISTEN {EVENTS_CHANNEL}")
                    pruned = 0.0
                    while not self._stop.is_set():
                        # The generator holds the connection: read the rows after it returns
                        # (at the first notification, or after a second of quiet).
                        ids = [int(n.payload) for n in conn.notifies(timeout=1.0, stop_after=1)]
                        if ids:
                            for row in conn.execute(
                                    "SELECT origin, channel, event, data FROM events "
                                    "WHERE id = ANY(%s) ORDER BY id", (ids,)).fetchall():
                                deliver(*row)
                        if time.time() - pruned > EVENT_KEEP_SECONDS / 2:
                            pruned = time.time()
                            conn.execute("DELETE FROM events WHERE created < %s",
                                         (pruned - EVENT_KEEP_SECONDS,))
            except psycopg.Error:
                self._stop.wait(1.0)

    def close(self) -> None:
        super().close()
        listener = getattr(self, "_listener", None)
        if listener is not None:
            self._stop.set()
            listener.join(timeout=5)
            self._stop.clear()
        self.pool.close()
