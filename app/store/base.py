"""The session store's interface and everything its two engines share.

Policy (also in README, "## API" and "Serving a school"):
- Every network is one row of `sessions` (network JSON, dataset JSON, version, timestamps);
  every API call that changes a network commits once, so a crash (even kill -9) loses at
  most the call in flight (a training run: its last ~2 s, see app/training.py).
- A call that changes a network first takes the network's **lease** (app/store/leases.py):
  it excludes every other call on that network in every process and machine on the store,
  and the lease of a killed process runs out after a few seconds.
- Each row carries a version, bumped by every write. A process caches recent sessions and
  serves one from the cache only while its version is still the row's (one small read),
  so no process ever answers from, or builds on, a stale copy.
- Reads never wait: while a network is busy they answer from its last committed row.
- Sessions and uploaded datasets unused for `ttl_seconds` are deleted; the sweep runs at
  most every 10 minutes per store (the `sweeps` row says when the next is due, so N
  processes on one store sweep once, not N times), and a read of an id idle longer than the
  TTL is a NotFound (404) whether or not it was swept yet.
- Rows are the store's own writing, so they are loaded without the import validators
  (`Network.from_dict(…, trusted=True)`); only imports are validated.

An engine (sqlite.py, postgres.py) provides transactions and reads (`_tx`, `_read`), and
its own size figure; the SQL here is written once, with `?` placeholders.
"""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeVar

from app.store.common import (
    CHUNK,
    Busy,
    NotFound,
    Sql,
    Unavailable,
    WouldBlock,
    dumps,
    full_chunks,
    loads,
    new_id,
    tail_of,
)
from app.store.leases import GIVE, HELD, Lease, LeaseHolder
from engine.data.datasets import Dataset
from engine.nn.network import Network

__all__ = ["Busy", "Lease", "NotFound", "Session", "Sql", "Store", "Unavailable", "WouldBlock",
           "new_id"]

SWEEP_EVERY_SECONDS = 600.0
TOUCH_EVERY_SECONDS = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class SavePlan:
    """How one save writes: the lease check, the row's UPDATE, and any history chunks."""

    now: float
    history: list[float]
    shrunk: bool  # the history got shorter (a reset): its chunks are rewritten
    first: int  # the first chunk to (re)write
    release: bool  # the lease is given back in the same commit
    lease_sql: str
    lease_params: Sequence[object]
    update: str
    params: Sequence[object]

    @property
    def one_row(self) -> bool:
        """The usual step: only the session's row changes (no chunk filled, no reset)."""
        return not self.shrunk and full_chunks(self.history) <= self.first


@dataclass
class Session:
    """A network, its data and bookkeeping; `dataset_changed` marks the dataset for saving."""

    id: str
    network: Network
    dataset: Dataset
    preset: str | None
    created_at: float
    updated_at: float
    version: int = 1
    dataset_changed: bool = field(default=False, repr=False)
    history_saved: int = field(default=0, repr=False)  # losses already in the database
    used_at: float = field(default=0.0, repr=False)  # last read or write (for expiry)


CACHE_BYTES = 256 * 1024 * 1024  # sessions kept in memory, by their arrays' size (--cache-mb)


def _footprint(session: Session) -> int:
    """Bytes a session's arrays hold: data rows, and the network's parameters about four
    times over (current, initial, optimizer state), plus its loss history."""
    data = session.dataset
    arrays = [data.inputs, data.targets, data.test_inputs, data.test_targets]
    params = [p for p in (*session.network.weights, *session.network.biases) if p is not None]
    return (sum(a.nbytes for a in arrays if a is not None)
            + 4 * sum(p.nbytes for p in params) + 8 * len(session.network.loss_history))


class Store(LeaseHolder):
    """All sessions and uploaded datasets of one database; see the module docstring."""

    # When sessions and datasets were used, and so when they expire. Tests set their own
    # clock instead of sleeping; leases always run on the real time every process shares.
    clock: Callable[[], float] = staticmethod(time.time)

    def __init__(self, ttl_seconds: float, lock_timeout: float = 30.0,
                 cache_size: int = 256, cache_bytes: int = CACHE_BYTES) -> None:
        super().__init__(lock_timeout)
        self.ttl_seconds = ttl_seconds
        self._cache: OrderedDict[str, Session] = OrderedDict()
        self._cache_size = cache_size
        self._cache_bytes = cache_bytes
        self._footprints: dict[str, int] = {}  # bytes each cached session holds (estimated)
        self._guards: dict[str, threading.Lock] = {}  # in-memory copies being changed
        self._next_sweep = 0.0

    # -- what an engine provides -----------------------------------------------------------
    @abstractmethod
    def _tx(self) -> AbstractContextManager[Sql]:
        """A transaction: its statements commit together or not at all."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Sql]:
        """Reads outside a transaction (each statement sees the latest commit)."""

    @abstractmethod
    def size_bytes(self) -> int:
        """The database's size on disk, in bytes (for quotas)."""

    def start(self) -> None:
        """Background work while serving (lease renewal; engines may add more)."""
        self._start_renewer()

    def close(self) -> None:
        """Stop background work."""
        self._stop_renewer()

    # -- the schema both engines share -----------------------------------------------------
    def _init_rows(self, db: Sql) -> None:
        db.execute("INSERT INTO sweeps VALUES ('expiry', 0) ON CONFLICT (name) DO NOTHING")

    # -- the in-memory copies ---------------------------------------------------------------
    def _guard(self, ident: str) -> threading.Lock:
        with self._mutex:
            return self._guards.setdefault(ident, threading.Lock())

    def _remember(self, session: Session) -> None:
        """Keep the session in memory; the least recently used go beyond the count or bytes
        (an imported 10,000-row session holds ~12 MB: 256 of them would be 3 GB). With a
        budget of 0 bytes nothing is kept: every call reads its row."""
        if self._cache_bytes <= 0:
            return
        footprint = _footprint(session)
        with self._mutex:
            self._cache[session.id] = session
            self._cache.move_to_end(session.id)
            self._footprints[session.id] = footprint
            while len(self._cache) > 1 and (len(self._cache) > self._cache_size or sum(
                    self._footprints.values()) > self._cache_bytes):
                gone, _ = self._cache.popitem(last=False)
                self._footprints.pop(gone, None)

    def _forget(self, ident: str) -> None:
        with self._mutex:
            self._cache.pop(ident, None)
            self._footprints.pop(ident, None)

    def _expired(self, used: float, now: float) -> bool:
        """Idle longer than the TTL: gone for readers even before the sweep deletes it."""
        return now - used > self.ttl_seconds

    def _load(self, ident: str, use_cache: bool) -> Session:
        """The session: the cached copy while its version is the row's, else the row."""
        now = self.clock()
        with self._read() as db:
            row = db.execute("SELECT version, used FROM sessions WHERE id = ?",
                             (ident,)).fetchone()
            if row is None or self._expired(row[1], now):
                self._forget(ident)
                raise NotFound("network", ident)
            cached = self._cache.get(ident) if use_cache else None
            if cached is not None and cached.version == row[0]:
                session = cached
            else:
                full = db.execute(
                    "SELECT preset, network, dataset, tail, version, created, updated "
                    "FROM sessions WHERE id = ?", (ident,)).fetchone()
                if full is None:
                    raise NotFound("network", ident)
                session = self._session(db, ident, full)
        if now - row[1] > TOUCH_EVERY_SECONDS:
            with self._tx() as db:
                db.execute("UPDATE sessions SET used = ? WHERE id = ?", (now, ident))
        session.used_at = now
        if use_cache:
            self._remember(session)
        return session

    def _session(self, db: Sql, ident: str, full: Sequence[Any]) -> Session:
        doc = loads(full[1])
        doc["loss_history"] = self._history(db, ident, bytes(full[3]))
        return Session(
            id=ident, preset=full[0], network=Network.from_dict(doc, trusted=True),
            dataset=Dataset.from_trusted_dict(loads(full[2])), version=full[4],
            created_at=full[5], updated_at=full[6], history_saved=len(doc["loss_history"]))

    @staticmethod
    def _history(db: Sql, ident: str, tail: bytes) -> list[float]:
        """A session's whole loss history: its chunks, then its tail."""
        losses = array("d")
        for (blob,) in db.execute("SELECT losses FROM history WHERE id = ? ORDER BY chunk",
                                  (ident,)).fetchall():
            losses.frombytes(bytes(blob))
        losses.frombytes(tail)
        return losses.tolist()

    @staticmethod
    def _write_chunks(db: Sql, ident: str, history: list[float], first: int) -> None:
        """Store the full chunks from `first` on (the partial last one is the row's tail)."""
        rows = [(ident, k, array("d", history[k * CHUNK:(k + 1) * CHUNK]).tobytes())
                for k in range(first, full_chunks(history))]
        if rows:
            db.executemany("INSERT INTO history VALUES (?, ?, ?) ON CONFLICT (id, chunk) "
                           "DO UPDATE SET losses = excluded.losses", rows)

    # -- sessions ---------------------------------------------------------------------------
    def create(self, network: Network, dataset: Dataset, preset: str | None = None) -> Session:
        """Store a new session under a fresh id."""
        now = self.clock()
        session = Session(new_id(), network, dataset, preset, now, now, used_at=now)
        doc = network.to_dict()
        history = doc.pop("loss_history", [])
        with self._tx() as db:
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
                       (session.id, preset, dumps(doc), dumps(dataset.to_dict()),
                        tail_of(history), now, now, now))
            self._write_chunks(db, session.id, history, 0)
        session.history_saved = len(history)
        self._remember(session)
        self.maybe_sweep()
        return session

    @contextmanager
    def view(self, ident: str) -> Iterator[Session]:
        """A session to read (not change); never waits for a busy network."""
        guard = self._guard(ident)
        if guard.acquire(blocking=False):
            try:
                yield self._load(ident, use_cache=True)
            finally:
                guard.release()
        else:  # being changed in this process right now: the last committed row
            yield self._load(ident, use_cache=False)

    def work(self, ident: str) -> int | None:
        """Multiply-adds of one pass over the data, if the session is in memory (else None)."""
        session = self._cache.get(ident)
        if session is None:
            return None
        layers = session.network.spec.layers
        return len(session.dataset.inputs) * sum(a * b for a, b in pairwise(layers))

    @contextmanager
    def edit(self, ident: str, wait: bool = True, lease: Lease | None = None,
             release: bool = False) -> Iterator[Session]:
        """Hold the network (its lease, unless the caller holds it), yield it, commit it if the
        block ends without error.

        On any exception the in-memory copy is dropped, so the next call reloads the last
        committed state: a failed call leaves the network exactly as it was. With
        `wait=False`, raise WouldBlock at once instead of waiting for the lease. `release`: the
        caller's lease goes back in the same commit (its later `unlock` does nothing).
        """
        own = lease is None
        held = self.lock(ident, wait) if lease is None else lease
        try:
            with self._guard(ident):
                session = self._load(ident, use_cache=True)
                try:
                    yield session
                    self.save(session, held, release=own or release)
                except BaseException:
                    self._forget(ident)
                    raise
        finally:
            if own:
                self.unlock(held)

    def save(self, session: Session, lease: Lease, release: bool = False) -> None:
        """One UPDATE of the row (and, when a history chunk fills or after a reset, chunks);
        refused (Busy) if the lease is no longer this call's or the row moved on. With
        `release`, the lease is given back in the same commit."""
        plan = self._save_plan(session, lease, release)
        self._commit(session.id, plan)
        self._saved(session, lease, plan)

    def _commit(self, ident: str, plan: SavePlan) -> None:
        if plan.one_row:
            self._save_row(ident, plan)
            return
        with self._tx() as db:
            if db.execute(plan.lease_sql, plan.lease_params).rowcount != 1 or db.execute(
                    plan.update, plan.params).rowcount != 1:
                self._refused(db, ident)
            if plan.shrunk:
                db.execute("DELETE FROM history WHERE id = ?", (ident,))
            self._write_chunks(db, ident, plan.history, plan.first)

    def _save_plan(self, session: Session, lease: Lease, release: bool) -> SavePlan:
        """The statements that save `session` under `lease` (shared by sync and async)."""
        now = self.clock()
        doc = session.network.to_dict()
        history = doc.pop("loss_history", [])
        shrunk = len(history) < session.history_saved
        first = 0 if shrunk else session.history_saved // CHUNK
        sets = "network = ?, tail = ?"
        params: list[object] = [dumps(doc), tail_of(history)]
        if session.dataset_changed:
            sets += ", dataset = ?"
            params.append(dumps(session.dataset.to_dict()))
        # `used` (indexed, for the expiry sweep) only when it is a minute old, as reads do:
        # an UPDATE that changes no indexed column is a heap-only one in PostgreSQL (no new
        # index entries), which keeps a table stepped 600 times a second from bloating.
        sets += ", updated = ?"
        params.append(now)
        if now - session.used_at > TOUCH_EVERY_SECONDS:
            sets += ", used = ?"
            params.append(now)
            session.used_at = now  # (if the commit fails, the copy is dropped anyway)
        params += [session.id, session.version]
        lease_sql, lease_params = (
            (GIVE, (lease.ident, lease.owner))
            if release else (f"UPDATE leases SET expires = ? WHERE id = ? AND {HELD}",
                             (now + self.lease_seconds, lease.ident, lease.owner)))
        return SavePlan(
            now, history, shrunk, first, release, lease_sql, lease_params,
            f"UPDATE sessions SET {sets}, version = version + 1 WHERE id = ? AND version = ?",
            params)

    def _saved(self, session: Session, lease: Lease, plan: SavePlan) -> None:
        """After the commit: the lease given back (if so), the in-memory copy's new version."""
        if plan.release:
            with self._mutex:
                self._held.pop(lease.owner, None)
            self._wake(lease.ident)
        session.history_saved = len(plan.history)
        session.version += 1
        session.updated_at = plan.now
        session.dataset_changed = False

    def _save_row(self, ident: str, plan: SavePlan) -> None:
        """Check the lease and update the row in one commit (Busy if either moved on)."""
        with self._tx() as db:
            if db.execute(plan.lease_sql, plan.lease_params).rowcount != 1 or db.execute(
                    plan.update, plan.params).rowcount != 1:
                self._refused(db, ident)

    # -- a small change on the event loop ---------------------------------------------------
    async def open_async(self) -> None:
        """Open what the event loop's own database calls need (an engine's async pool)."""

    async def close_async(self) -> None:
        """Close what open_async opened."""

    def loop_ready(self) -> bool:
        """May `edit_inline` run here without blocking the event loop on a round trip?"""
        return self.inline_ok

    def _apply(self, ident: str, lease: Lease, change: Callable[[Session], T]) -> T:
        with self.edit(ident, lease=lease, release=True) as session:
            return change(session)

    async def edit_inline(self, ident: str, lease: Lease, change: Callable[[Session], T]) -> T:
        """`change` applied to the session under `lease` and committed, the lease given back
        in the same commit. `change` runs on the event loop: small networks only (an
        in-process database's statements take microseconds; engines a round trip away await
        theirs)."""
        return self._apply(ident, lease, change)

    async def edit_cached(self, ident: str, change: Callable[[Session], T]) -> tuple[T] | None:
        """`change` applied to this process's copy of the session and committed in one round
        trip, if that copy is still the row's and no call holds the network; else None
        (nothing changed anywhere: take the lease and `edit_inline`). Only engines a round
        trip away gain by it; an in-process database takes a lease in microseconds."""
        return None

    def _refused(self, db: Sql, ident: str) -> None:
        self._forget(ident)
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", (ident,)).fetchone():
            raise Busy(f"network {ident!r} was changed elsewhere; try again")
        raise NotFound("network", ident)

    def delete(self, ident: str, lease: Lease | None = None) -> None:
        """Remove a session for good."""
        held = self.lock(ident) if lease is None else lease
        try:
            with self._tx() as db:
                row = db.execute("SELECT used FROM sessions WHERE id = ?", (ident,)).fetchone()
                db.execute("DELETE FROM sessions WHERE id = ?", (ident,))
                db.execute("DELETE FROM history WHERE id = ?", (ident,))
            self._forget(ident)
            if row is None or self._expired(row[0], self.clock()):
                raise NotFound("network", ident)
        finally:
            if lease is None:
                self.unlock(held)
        with self._mutex:
            self._guards.pop(ident, None)

    def count(self) -> int:
        """How many sessions are stored."""
        with self._read() as db:
            return int(db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    def dataset_count(self) -> int:
        """How many uploaded datasets are stored."""
        with self._read() as db:
            return int(db.execute("SELECT COUNT(*) FROM datasets").fetchone()[0])

    # -- datasets ---------------------------------------------------------------------------
    def put_dataset(self, dataset: Dataset) -> str:
        """Store an uploaded dataset; returns its id."""
        ident, now = new_id(), self.clock()
        with self._tx() as db:
            db.execute("INSERT INTO datasets VALUES (?, ?, ?, ?)",
                       (ident, dumps(dataset.to_dict()), now, now))
        self.maybe_sweep()
        return ident

    def get_dataset(self, ident: str) -> Dataset:
        """An uploaded dataset by id (marks it used)."""
        with self._read() as db:
            row = db.execute("SELECT dataset, used FROM datasets WHERE id = ?",
                             (ident,)).fetchone()
        if row is None or self._expired(row[1], self.clock()):
            raise NotFound("dataset", ident)
        with self._tx() as db:
            db.execute("UPDATE datasets SET used = ? WHERE id = ?", (self.clock(), ident))
        return Dataset.from_trusted_dict(loads(row[0]))

    # -- follow rooms (app/rooms.py): shared by every process on the store -------------------
    def put_room(self, code: str, network_id: str, token_hash: bytes, created: float) -> bool:
        """Store a new room; False if the code is taken."""
        with self._tx() as db:
            return db.execute(
                "INSERT INTO rooms VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                (code, network_id, token_hash, created)).rowcount == 1

    def get_room(self, code: str) -> tuple[str, bytes, float] | None:
        """(network_id, token_hash, created) of an open room, or None."""
        with self._read() as db:
            row = db.execute("SELECT network_id, token_hash, created FROM rooms WHERE code = ?",
                             (code,)).fetchone()
        return None if row is None else (row[0], bytes(row[1]), float(row[2]))

    def delete_room(self, code: str) -> None:
        """Forget a room."""
        with self._tx() as db:
            db.execute("DELETE FROM rooms WHERE code = ?", (code,))

    def rooms_of(self, network_id: str) -> list[str]:
        """Codes of the rooms following a network."""
        with self._read() as db:
            rows = db.execute("SELECT code FROM rooms WHERE network_id = ?",
                              (network_id,)).fetchall()
        return [r[0] for r in rows]

    def room_count(self) -> int:
        """How many rooms are open."""
        with self._read() as db:
            return int(db.execute("SELECT COUNT(*) FROM rooms").fetchone()[0])

    # -- events for other processes (follow mode); an engine shared by processes overrides --
    shares_events = False

    def publish_event(self, origin: str, channel: str, event: str, data: str) -> None:
        """Hand an event to the other processes on this store (none for an embedded one)."""
        return

    def listen_events(self, deliver: Callable[[str, str, str, str], None]) -> None:
        """Call deliver(origin, channel, event, data) for every event published on the store
        (from a background thread) until close(); nothing for an embedded store."""
        return

    # -- expiry -----------------------------------------------------------------------------
    def sweep(self, now: float | None = None) -> int:
        """Delete sessions and datasets idle for longer than the TTL; returns how many."""
        now = self.clock() if now is None else now
        cutoff = now - self.ttl_seconds
        with self._tx() as db:
            gone = [r[0] for r in db.execute("SELECT id FROM sessions WHERE used < ?",
                                             (cutoff,)).fetchall()]
            removed = db.execute("DELETE FROM sessions WHERE used < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM sessions)")
            removed += db.execute("DELETE FROM datasets WHERE used < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM leases WHERE expires < ?", (time.time(),))
            db.execute("DELETE FROM rooms WHERE network_id NOT IN (SELECT id FROM sessions)")
        for ident in gone:
            self._forget(ident)
        if removed:
            self.reclaim()
        return int(removed)

    def reclaim(self) -> None:  # an optional hook: PostgreSQL's autovacuum does it
        """Give space freed by deletions back to the file system (engines that can)."""

    def maybe_sweep(self) -> bool:
        """Sweep if this store's next sweep is due and no other process claimed it first."""
        now = self.clock()
        if now < self._next_sweep:
            return False
        self._next_sweep = now + SWEEP_EVERY_SECONDS
        with self._tx() as db:
            claimed = db.execute(
                "UPDATE sweeps SET due = ? WHERE name = 'expiry' AND due <= ?",
                (now + SWEEP_EVERY_SECONDS, now)).rowcount == 1
        if claimed:
            self.sweep(now)
        return claimed
