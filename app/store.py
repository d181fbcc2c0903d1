"""Sessions in SQLite (stdlib sqlite3, WAL): durable, atomic per call, one lock per network.

Policy (also in README, "## API"):
- Every network is one row of `sessions` (network JSON, dataset JSON, version, timestamps);
  every API call that changes a network commits once (one UPDATE, or one transaction),
  so a crash (even kill -9) loses at most the call in flight, never half of a session.
- Calls that change one network hold that network's lock for the whole read-modify-write,
  so concurrent calls on it are serialised with no lost update; different networks have
  different locks and never wait for each other. A call waiting longer than
  `lock_timeout` seconds (a long training run holds the lock) gets 409.
- Reads never wait: while a network is busy they answer from its last committed row.
- Sessions and uploaded datasets unused (neither read nor written) for `ttl_seconds`
  are deleted; the sweep runs at start-up and then at most every 10 minutes, and a read
  of an id idle longer than the TTL is a NotFound (404) whether or not it was swept yet.
- Each row carries a version; an UPDATE only applies to the version it read, so even two
  server processes on one file cannot overwrite each other's work silently (409 instead).
- Storage details (WAL, checkpoints, loss-history chunks) are in app/db.py.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from app.db import CHUNK, Database, dumps, full_chunks, loads, tail_of
from engine.data.datasets import Dataset
from engine.nn.network import Network

SWEEP_EVERY_SECONDS = 600.0
TOUCH_EVERY_SECONDS = 60.0


class NotFound(LookupError):
    """No such session or dataset (never created, deleted, or expired)."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r} (it may have expired)")
        self.kind = kind


class Busy(RuntimeError):
    """The network is held by another call (usually a training run) for too long."""


class WouldBlock(Busy):
    """`edit(..., wait=False)` found the network's lock taken."""


def new_id() -> str:
    """An unguessable id: 144 random bits, URL-safe."""
    return secrets.token_urlsafe(18)


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


class Store:
    """All sessions and uploaded datasets of one SQLite file."""

    def __init__(
        self, path: Path, ttl_seconds: float, lock_timeout: float = 30.0, cache_size: int = 256
    ) -> None:
        self.db = Database(path)
        self.ttl_seconds = ttl_seconds
        self.lock_timeout = lock_timeout
        self._cache: OrderedDict[str, Session] = OrderedDict()
        self._cache_size = cache_size
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._next_sweep = 0.0
        self.sweep()

    # -- plumbing -------------------------------------------------------------------------
    def _lock(self, ident: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(ident, threading.Lock())

    def _remember(self, session: Session) -> None:
        with self._guard:
            self._cache[session.id] = session
            self._cache.move_to_end(session.id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _forget(self, ident: str) -> None:
        with self._guard:
            self._cache.pop(ident, None)

    def _load(self, ident: str, use_cache: bool, trust_cache: bool = False) -> Session:
        """The session: from the cache when it is current, else from the database.

        `trust_cache` skips the version check (edits: their UPDATE checks the version anyway).
        """
        cached = self._cache.get(ident) if use_cache else None
        now = time.time()
        if cached is not None and trust_cache and not self._expired(cached.used_at, now):
            cached.used_at = now
            return cached
        row = self.db.conn().execute(
            "SELECT version, used FROM sessions WHERE id = ?", (ident,)).fetchone()
        if row is None or self._expired(row[1], now):
            self._forget(ident)
            raise NotFound("network", ident)
        version, used = row
        if now - used > TOUCH_EVERY_SECONDS:
            with self.db.transaction(plain=True) as db:
                db.execute("UPDATE sessions SET used = ? WHERE id = ?", (now, ident))
        if cached is not None and cached.version == version:
            cached.used_at = now
            return cached
        full = self.db.conn().execute(
            "SELECT preset, network, dataset, tail, version, created, updated FROM sessions "
            "WHERE id = ?", (ident,)).fetchone()
        if full is None:
            raise NotFound("network", ident)
        doc = loads(full[1])
        doc["loss_history"] = self.db.read_history(ident, full[3])
        session = Session(
            id=ident, preset=full[0], network=Network.from_dict(doc),
            dataset=Dataset.from_dict(loads(full[2])), version=full[4],
            created_at=full[5], updated_at=full[6], history_saved=len(doc["loss_history"]),
            used_at=now)
        if use_cache:
            self._remember(session)
        return session

    def _expired(self, used: float, now: float) -> bool:
        """Idle longer than the TTL: gone for readers even before the sweep deletes it."""
        return now - used > self.ttl_seconds

    # -- sessions -------------------------------------------------------------------------
    def create(self, network: Network, dataset: Dataset, preset: str | None = None) -> Session:
        """Store a new session under a fresh id."""
        now = time.time()
        session = Session(new_id(), network, dataset, preset, now, now, used_at=now)
        doc = network.to_dict()
        history = doc.pop("loss_history", [])
        with self.db.transaction() as db:
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
                       (session.id, preset, dumps(doc), dumps(dataset.to_dict()),
                        tail_of(history), now, now, now))
            self.db.write_chunks(db, session.id, history, 0)
        session.history_saved = len(history)
        self._remember(session)
        self.maybe_sweep()
        return session

    @contextmanager
    def view(self, ident: str) -> Iterator[Session]:
        """A session to read (not change); never waits for a busy network."""
        lock = self._lock(ident)
        if lock.acquire(blocking=False):
            try:
                yield self._load(ident, use_cache=True)
            finally:
                lock.release()
        else:
            yield self._load(ident, use_cache=False)

    def work(self, ident: str) -> int | None:
        """Multiply-adds of one pass over the data, if the session is in memory (else None)."""
        session = self._cache.get(ident)
        if session is None:
            return None
        layers = session.network.spec.layers
        return len(session.dataset.inputs) * sum(a * b for a, b in pairwise(layers))

    @contextmanager
    def edit(self, ident: str, wait: bool = True) -> Iterator[Session]:
        """Hold the network's lock, yield it, commit it if the block ends without error.

        On any exception the in-memory copy is dropped, so the next call reloads the last
        committed state: a failed call leaves the network exactly as it was. With
        `wait=False`, raise WouldBlock at once instead of waiting for the lock.
        """
        lock = self._lock(ident)
        if not wait and not lock.acquire(blocking=False):
            raise WouldBlock(ident)
        if wait and not lock.acquire(timeout=self.lock_timeout):
            raise Busy(f"network {ident!r} is busy (a training run?); try again later")
        try:
            session = self._load(ident, use_cache=True, trust_cache=True)
            try:
                yield session
                self._save(session)
            except BaseException:
                self._forget(ident)
                raise
        finally:
            lock.release()

    def _save(self, session: Session) -> None:
        """One UPDATE of the row (and, when a history chunk fills or after a reset, chunks)."""
        now = time.time()
        doc = session.network.to_dict()
        history = doc.pop("loss_history", [])
        shrunk = len(history) < session.history_saved
        first = 0 if shrunk else session.history_saved // CHUNK
        sets = "network = ?, tail = ?"
        params: list[object] = [dumps(doc), tail_of(history)]
        if session.dataset_changed:
            sets += ", dataset = ?"
            params.append(dumps(session.dataset.to_dict()))
        sql = (f"UPDATE sessions SET {sets}, version = version + 1, updated = ?, used = ? "
               "WHERE id = ? AND version = ?")
        params += [now, now, session.id, session.version]
        with self.db.transaction(plain=first == full_chunks(history) and not shrunk) as db:
            if db.execute(sql, params).rowcount != 1:
                self._forget(session.id)
                if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session.id,)).fetchone():
                    raise Busy(f"network {session.id!r} was changed elsewhere; try again")
                raise NotFound("network", session.id)
            if shrunk:
                db.execute("DELETE FROM history WHERE id = ?", (session.id,))
            self.db.write_chunks(db, session.id, history, first)
        session.history_saved = len(history)
        session.version += 1
        session.updated_at = session.used_at = now
        session.dataset_changed = False

    def delete(self, ident: str) -> None:
        """Remove a session for good."""
        lock = self._lock(ident)
        if not lock.acquire(timeout=self.lock_timeout):
            raise Busy(f"network {ident!r} is busy; try again later")
        try:
            with self.db.transaction() as db:
                row = db.execute("SELECT used FROM sessions WHERE id = ?", (ident,)).fetchone()
                db.execute("DELETE FROM sessions WHERE id = ?", (ident,))
                db.execute("DELETE FROM history WHERE id = ?", (ident,))
            self._forget(ident)
            if row is None or self._expired(row[0], time.time()):
                raise NotFound("network", ident)
        finally:
            lock.release()
        with self._guard:
            self._locks.pop(ident, None)

    def count(self) -> int:
        """How many sessions are stored."""
        return int(self.db.conn().execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    # -- datasets -------------------------------------------------------------------------
    def put_dataset(self, dataset: Dataset) -> str:
        """Store an uploaded dataset; returns its id."""
        ident, now = new_id(), time.time()
        with self.db.transaction(plain=True) as db:
            db.execute("INSERT INTO datasets VALUES (?, ?, ?, ?)",
                       (ident, dumps(dataset.to_dict()), now, now))
        self.maybe_sweep()
        return ident

    def get_dataset(self, ident: str) -> Dataset:
        """An uploaded dataset by id (marks it used)."""
        row = self.db.conn().execute(
            "SELECT dataset, used FROM datasets WHERE id = ?", (ident,)).fetchone()
        if row is None or self._expired(row[1], time.time()):
            raise NotFound("dataset", ident)
        with self.db.transaction(plain=True) as db:
            db.execute("UPDATE datasets SET used = ? WHERE id = ?", (time.time(), ident))
        return Dataset.from_dict(loads(row[0]))

    # -- expiry ---------------------------------------------------------------------------
    def sweep(self, now: float | None = None) -> int:
        """Delete sessions and datasets idle for longer than the TTL; returns how many."""
        now = time.time() if now is None else now
        cutoff = now - self.ttl_seconds
        with self.db.transaction() as db:
            gone = [r[0] for r in db.execute("SELECT id FROM sessions WHERE used < ?", (cutoff,))]
            removed = db.execute("DELETE FROM sessions WHERE used < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM sessions)")
            removed += db.execute("DELETE FROM datasets WHERE used < ?", (cutoff,)).rowcount
        for ident in gone:
            self._forget(ident)
            with self._guard:
                self._locks.pop(ident, None)
        self._next_sweep = now + SWEEP_EVERY_SECONDS
        return int(removed)

    def maybe_sweep(self) -> None:
        """Sweep if the last sweep is old enough (called on writes)."""
        if time.time() >= self._next_sweep:
            self.sweep()

    def close(self) -> None:
        """Close this thread's database connection."""
        self.db.close()
