"""The shared engine: PostgreSQL through psycopg 3 and a psycopg_pool connection pool.

Chosen when `--db` / BACKPROP_VIZ_DB is a `postgresql://…` URL, so several app processes
and machines serve one set of sessions. The SQL is the shared code's (app/store/base.py);
this module adds the schema, the pool, and turns a lost database into `Unavailable` (503,
"try again") while the pool reconnects on its own once PostgreSQL is back.
"""

from __future__ import annotations

import asyncio
import re
import select
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout

from app.store.base import (
    CACHE_BYTES,
    TOUCH_EVERY_SECONDS,
    SavePlan,
    Session,
    Sql,
    Store,
    T,
    Unavailable,
)
from app.store.common import NotFound
from app.store.leases import GIVE, TAKE, Lease

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
ALTER TABLE sessions SET (fillfactor = 50);
ALTER TABLE leases SET (fillfactor = 50);
CREATE INDEX IF NOT EXISTS datasets_used ON datasets (used);
"""
POOL_SIZE = 8  # connections per app process (each serves one statement at a time)
# The event loop's two pools: the one steps' saves use gets the larger size.
STEP_POOL_SIZE, OTHER_POOL_SIZE = 8, 4
CONNECT_SECONDS = 5.0
# A lease claimed and given back in one statement (see edit_cached): only when it is free.
TAKE_AND_GIVE = ("INSERT INTO leases VALUES (?, ?, 0) ON CONFLICT (id) DO UPDATE SET "
                 "owner = excluded.owner, expires = 0 WHERE leases.expires < ?")
MISSES_KEPT = 1024  # edit_cached's recent misses: beyond this, the lapsed ones go
SCHEMA_LOCK = 724_501  # advisory lock id: processes starting together create tables once


def is_postgres_url(target: object) -> bool:
    """Whether `--db` names a PostgreSQL server rather than an SQLite file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _check_if_signalled(conn: psycopg.Connection[Any]) -> None:
    """The pool's check on lending a connection, without a round trip when all is quiet.

    An idle connection has nothing to read; if its socket is readable the server has closed
    it (a restart) or said something, so only then ask it (psycopg_pool's own check, an
    empty query, which raises on a dead connection and the pool opens a new one). Checking
    every loan with a query doubled a step's round trips.
    """
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        ConnectionPool.check_connection(conn)


async def _acheck_if_signalled(conn: psycopg.AsyncConnection[Any]) -> None:
    """_check_if_signalled for the event loop's pool."""
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        await AsyncConnectionPool.check_connection(conn)


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
    miss_pause_seconds = 5.0  # after edit_cached misses on a network (see there)

    def __init__(self, url: str, ttl_seconds: float, lock_timeout: float = 30.0,
                 cache_size: int = 256, pool_size: int = POOL_SIZE,
                 cache_bytes: int = CACHE_BYTES, durable_steps: bool = False) -> None:
        super().__init__(ttl_seconds, lock_timeout, cache_size, cache_bytes)
        self.url, self.pool_size, self.durable_steps = url, pool_size, durable_steps
        self._apool: AsyncConnectionPool[Any] | None = None
        self._afast_pool: AsyncConnectionPool[Any] | None = None
        self._aloop: asyncio.AbstractEventLoop | None = None
        self._missed: dict[str, float] = {}  # network → until when edit_cached passes
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False,
                                   kwargs={"autocommit": True}, timeout=CONNECT_SECONDS,
                                   check=_check_if_signalled)
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

    # A single statement in autocommit mode is its own transaction: one round trip instead
    # of BEGIN, statement, COMMIT. A step's lease and its save are one statement each.
    _single = _read

    def _save_row(self, ident: str, plan: SavePlan) -> None:
        """The lease check and the row's update as one statement (a data-modifying WITH)."""
        with self._read() as db:
            if db.execute(*self._one_statement(plan)).rowcount != 1:
                self._refused(db, ident)

    @staticmethod
    def _one_statement(plan: SavePlan) -> tuple[str, tuple[object, ...]]:
        return (f"WITH held AS ({plan.lease_sql} RETURNING 1) {plan.update} "
                "AND EXISTS (SELECT 1 FROM held)", (*plan.lease_params, *plan.params))

    # -- the event loop's own connections ----------------------------------------------------
    # A small step's three statements (lease, version, save) take well under a millisecond of
    # the database's time; run from worker threads, the hops and GIL hand-offs around them
    # cost the app process several times that. With an async pool on the server's loop,
    # small steps await their statements there instead (the route decides which are small).
    async def open_async(self) -> None:
        """Open async pools bound to the running loop (without them, threads do the work)."""
        # All connections at once: growing a pool under a burst stalls the first requests.
        # The fast pool's commits do not wait for the disk (synchronous_commit off). Lease
        # statements always go there: a lease is not data. If a crash lost one, its holder's
        # save, which checks the lease in the same statement, is refused; a lost release
        # runs out in 10 s. Steps' saves go there too unless `durable_steps` (--step-commit):
        # on a shared virtual disk a WAL fsync now and then takes 10-60 ms, and every commit
        # of the cluster waits for it. PostgreSQL recovers a prefix of its log, so a crash
        # loses the last steps (~0.6 s, three wal_writer_delay), never some in the middle.
        durable_size, fast_size = ((STEP_POOL_SIZE, OTHER_POOL_SIZE) if self.durable_steps
                                   else (OTHER_POOL_SIZE, STEP_POOL_SIZE))
        pools = [AsyncConnectionPool(
            self.url, min_size=size, max_size=size, open=False, timeout=CONNECT_SECONDS,
            kwargs={"autocommit": True, **({"options": "-c synchronous_commit=off"}
                                           if fast else {})}, check=_acheck_if_signalled)
            for size, fast in ((durable_size, False), (fast_size, True))]
        try:
            for pool in pools:
                await pool.open(wait=True, timeout=CONNECT_SECONDS)
        except PoolTimeout:
            for pool in pools:
                await pool.close()
            return
        self._apool, self._afast_pool = pools
        self._aloop = asyncio.get_running_loop()

    async def close_async(self) -> None:
        pools, self._apool, self._afast_pool = (self._apool, self._afast_pool), None, None
        for pool in pools:
            if pool is not None:
                await pool.close()

    def loop_ready(self) -> bool:
        try:
            return self._apool is not None and asyncio.get_running_loop() is self._aloop
        except RuntimeError:  # not on a loop
            return False

    @asynccontextmanager
    async def _aconn(self, fast: bool = False) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        pool = self._afast_pool if fast else self._apool
        assert pool is not None
        try:
            async with pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise Unavailable(f"the session database ({redacted(self.url)}) cannot be "
                              "reached; try again in a few seconds") from exc

    async def _aexec(self, sql: str, params: Sequence[Any] = (), fast: bool = False
                     ) -> tuple[int, Any]:
        """One statement on the loop's pool (or its lease pool): (rows affected, first row
        or None)."""
        async with self._aconn(fast) as conn:
            cur = await conn.execute(sql.replace("?", "%s"), params)
            row = await cur.fetchone() if cur.description is not None else None
            return cur.rowcount, row

    async def _attempt_async(self, ident: str) -> Lease | None:
        if not self.loop_ready():
            return await super()._attempt_async(ident)
        if self._locally_held(ident):
            return None
        lease, params = self._take(ident)
        count, _ = await self._aexec(TAKE, params, fast=True)
        return self._taken(lease, count)

    async def _unlock_async(self, lease: Lease) -> None:
        if not self.loop_ready():
            await super()._unlock_async(lease)
            return
        if not self._given_back(lease):
            return
        try:
            await self._aexec(GIVE, (lease.ident, lease.owner), fast=True)
        finally:
            self._wake(lease.ident)

    async def _load_async(self, ident: str) -> Session:
        """_load on the loop: the cached copy when its version is the row's (the usual step);
        otherwise the whole row, read in a thread."""
        now = self.clock()
        _, row = await self._aexec("SELECT version, used FROM sessions WHERE id = ?", (ident,))
        if row is None or self._expired(row[1], now):
            self._forget(ident)
            raise NotFound("network", ident)
        cached = self._cache.get(ident)
        if cached is None or cached.version != row[0]:
            return await asyncio.to_thread(self._load, ident, True)
        if now - row[1] > TOUCH_EVERY_SECONDS:
            await self._aexec("UPDATE sessions SET used = ? WHERE id = ?", (now, ident))
        cached.used_at = now
        self._remember(cached)
        return cached

    async def edit_cached(self, ident: str, change: Callable[[Session], T]) -> tuple[T] | None:
        """A step's usual case in one statement instead of three (TAKE, the version check and
        the save, each a round trip and a pool checkout).

        The change runs on the cached copy first; the statement then claims the network's
        lease and gives it back at once (free or run out: it sets `expires = 0`, and holds the
        lease row locked until it commits, so a concurrent TAKE waits and then finds it free)
        and updates the row only if that claim succeeded, the row's version is the copy's and
        it has not expired. Any miss changes nothing in the database and drops the copy; the
        caller then takes the slow path, which reads the row again. Under PostgreSQL's read
        committed rules, the UPDATE re-checks the version on the row's newest committed
        version, so a save committed elsewhere meanwhile is never overwritten.

        A miss costs a round trip (and a commit), so after one the network takes the usual
        path for `miss_pause_seconds`: behind a proxy that sends a learner's steps to each
        machine in turn, every copy is stale and the usual path is the cheaper one."""
        if (not self.loop_ready() or self._locally_held(ident)
                or time.monotonic() < self._missed.get(ident, 0.0)):
            return None
        session = self._cache.get(ident)
        guard = self._guard(ident)
        if session is None or not guard.acquire(blocking=False):
            return None
        lease, _ = self._take(ident)
        with self._mutex:  # this process's other calls on the network wait for this one
            self._held[lease.owner] = lease
        try:
            try:
                result = change(session)
            except Exception:  # perhaps only on a stale copy: the fresh row will tell
                self._forget(ident)
                return None
            plan = self._save_plan(session, lease, release=True)
            if not plan.one_row:  # a history chunk to write too: the transaction's path
                self._forget(ident)
                return None
            count, _ = await self._aexec(
                f"WITH took AS ({TAKE_AND_GIVE} RETURNING 1) {plan.update} AND used >= ? "
                "AND EXISTS (SELECT 1 FROM took)",
                (ident, lease.owner, time.time(), *plan.params, plan.now - self.ttl_seconds),
                fast=not self.durable_steps)
            if count != 1:  # stepped elsewhere, held elsewhere, or gone
                self._forget(ident)
                self._missed[ident] = time.monotonic() + self.miss_pause_seconds
                if len(self._missed) > MISSES_KEPT:
                    now = time.monotonic()
                    self._missed = {k: t for k, t in self._missed.items() if t > now}
                return None
            self._saved(session, lease, plan)
            self._remember(session)
            return (result,)
        except BaseException:
            self._forget(ident)
            raise
        finally:
            if self._given_back(lease):  # not yet, if the save did not happen
                self._wake(ident)
            guard.release()

    def _refused_now(self, ident: str) -> None:
        with self._read() as db:
            self._refused(db, ident)

    async def edit_inline(self, ident: str, lease: Lease, change: Callable[[Session], T]) -> T:
        guard = self._guard(ident)
        if not self.loop_ready() or not guard.acquire(blocking=False):
            return await asyncio.to_thread(self._apply, ident, lease, change)
        try:
            session = await self._load_async(ident)
            try:
                result = change(session)
                plan = self._save_plan(session, lease, release=True)
                if not plan.one_row:  # a history chunk to write too: a transaction
                    await asyncio.to_thread(self._commit, ident, plan)
                elif (await self._aexec(*self._one_statement(plan),
                                        fast=not self.durable_steps))[0] != 1:
                    await asyncio.to_thread(self._refused_now, ident)
                self._saved(session, lease, plan)
            except BaseException:
                self._forget(ident)
                raise
        finally:
            guard.release()
        return result

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
