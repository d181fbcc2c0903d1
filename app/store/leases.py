"""Leases: one writer per network across every process and machine on the store.

A lease is a row of `leases` (network id, owner token, expiry). Taking it is one upsert that
only succeeds when the row is absent or expired; a process renews the leases it holds every
RENEW_EVERY_SECONDS, so the lease of a killed process runs out after LEASE_SECONDS. Waiting
never holds a thread in the app: a waiter sleeps on the event loop until this process gives
the lease back (or, held by another process, asks the database again every few
milliseconds), up to `lock_timeout` seconds, then Busy (409).
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass

from app.store.common import Busy, Sql, WouldBlock

LEASE_SECONDS = 10.0  # a lease not renewed for this long is free (its holder died)
RENEW_EVERY_SECONDS = 2.0
POLL_FIRST_SECONDS, POLL_MAX_SECONDS = 0.002, 0.025  # lease waits: backoff between tries
LOCAL_RECHECK_SECONDS = 0.25  # a waiter woken by a release in this process rechecks anyway

# Claim a lease: only when the row is absent or its holder's lease ran out.
TAKE = ("INSERT INTO leases VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "owner = excluded.owner, expires = excluded.expires WHERE leases.expires < ?")
# Give it back: the row stays, free (expires 0), for the next TAKE to update in place. In
# PostgreSQL an update that changes no indexed column is heap-only, where DELETE and INSERT
# would add index entries at every step for vacuum to clear. The expiry sweep deletes rows
# of networks nobody uses any more.
#
# Renewing, checking or giving back a lease only touches one still held (`expires > 0`): a
# lease given back stays free. A renewal reads the leases it holds, then writes; a give-back
# between the two would otherwise be undone, holding the network for LEASE_SECONDS on behalf
# of nobody.
HELD = "owner = ? AND expires > 0"
GIVE = f"UPDATE leases SET expires = 0 WHERE id = ? AND {HELD}"


@dataclass(frozen=True)
class Lease:
    """This call's hold on one network (see the module docstring)."""

    ident: str
    owner: str


class LeaseHolder(ABC):
    """The lease half of a store: take, wait for, renew and give back network leases."""

    inline_ok = True  # an in-process database: a statement may run on the event loop
    lease_seconds = LEASE_SECONDS

    def __init__(self, lock_timeout: float) -> None:
        self.lock_timeout = lock_timeout
        self._mutex = threading.Lock()
        self._held: dict[str, Lease] = {}  # leases this process holds, by owner
        self._wakers: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._renewer: threading.Thread | None = None
        self._stop = threading.Event()

    @abstractmethod
    def _tx(self) -> AbstractContextManager[Sql]:
        """A transaction: its statements commit together or not at all."""

    def _single(self) -> AbstractContextManager[Sql]:
        """Where one statement runs (atomic on its own): a transaction unless an engine
        can spare the BEGIN and COMMIT (PostgreSQL: three round trips become one)."""
        return self._tx()

    def _stop_renewer(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=10)
            self._renewer = None
        self._stop.clear()

    def _take(self, ident: str) -> tuple[Lease, tuple[object, ...]]:
        """A new lease on `ident` and the parameters of TAKE that claim it."""
        lease, now = Lease(ident, secrets.token_hex(8)), time.time()
        return lease, (ident, lease.owner, now + self.lease_seconds, now)

    def _taken(self, lease: Lease, rowcount: int) -> Lease | None:
        if rowcount != 1:
            return None
        with self._mutex:
            self._held[lease.owner] = lease
        return lease

    def try_lock(self, ident: str) -> Lease | None:
        """Take the network's lease if it is free (or its holder's lease ran out)."""
        lease, params = self._take(ident)
        with self._single() as db:
            return self._taken(lease, db.execute(TAKE, params).rowcount)

    def _holds(self, lease: Lease) -> bool:
        with self._mutex:
            return lease.owner in self._held

    def _locally_held(self, ident: str) -> bool:
        with self._mutex:
            return any(lease.ident == ident for lease in self._held.values())

    def _attempt(self, ident: str) -> Lease | None:
        """One try; a network this process holds is not asked of the database at all."""
        return None if self._locally_held(ident) else self.try_lock(ident)

    def _busy(self, ident: str) -> Busy:
        return Busy(f"network {ident!r} is busy (a training run?); try again later")

    def lock(self, ident: str, wait: bool = True) -> Lease:
        """The network's lease, waiting (this thread sleeps) up to `lock_timeout`."""
        deadline, pause = time.monotonic() + self.lock_timeout, POLL_FIRST_SECONDS
        while (lease := self._attempt(ident)) is None:
            if not wait:
                raise WouldBlock(ident)
            if time.monotonic() > deadline:
                raise self._busy(ident)
            time.sleep(pause)
            pause = min(pause * 2, POLL_MAX_SECONDS)
        return lease

    async def _attempt_async(self, ident: str) -> Lease | None:
        if self.inline_ok:  # an in-process database: a try costs microseconds
            return self._attempt(ident)
        return await asyncio.to_thread(self._attempt, ident)  # a round trip: off the loop

    async def lock_async(self, ident: str, wait: bool = True) -> Lease:
        """The network's lease, waiting on the event loop (no thread held) up to the timeout."""
        deadline, pause = time.monotonic() + self.lock_timeout, POLL_FIRST_SECONDS
        while (lease := await self._attempt_async(ident)) is None:
            if not wait:
                raise WouldBlock(ident)
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._busy(ident)
            if self._locally_held(ident):  # sleep until this process lets it go
                await self._released(ident, min(left, LOCAL_RECHECK_SECONDS))
            else:  # held elsewhere: ask the database again soon
                await asyncio.sleep(pause)
                pause = min(pause * 2, POLL_MAX_SECONDS)
        return lease

    async def _released(self, ident: str, timeout: float) -> None:
        """Wait (on the event loop) until a lease on `ident` in this process is given back."""
        loop, event = asyncio.get_running_loop(), asyncio.Event()
        with self._mutex:
            self._wakers.setdefault(ident, []).append((loop, event))
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._mutex:
                wakers = self._wakers.get(ident, [])
                if (loop, event) in wakers:
                    wakers.remove((loop, event))

    def _wake(self, ident: str) -> None:
        """Tell this process's waiters for `ident` that its lease is free (from any thread)."""
        with self._mutex:
            wakers = self._wakers.pop(ident, [])
        for loop, event in wakers:
            loop.call_soon_threadsafe(event.set)

    def _given_back(self, lease: Lease) -> bool:
        """Forget the lease here; False if it was not (or no longer) this process's."""
        with self._mutex:
            return self._held.pop(lease.owner, None) is not None

    def unlock(self, lease: Lease) -> None:
        """Give the lease back (if it is still ours)."""
        if not self._given_back(lease):
            return
        try:
            with self._single() as db:
                db.execute(GIVE, (lease.ident, lease.owner))
        finally:
            self._wake(lease.ident)

    async def _unlock_async(self, lease: Lease) -> None:
        if self.inline_ok or not self._holds(lease):  # nothing to give back: no hop
            self.unlock(lease)
        else:
            await asyncio.to_thread(self.unlock, lease)

    @asynccontextmanager
    async def locked(self, ident: str, wait: bool = True) -> AsyncIterator[Lease]:
        """`async with store.locked(id) as lease:` the network is this call's meanwhile."""
        lease = await self.lock_async(ident, wait)
        try:
            yield lease
        finally:
            await self._unlock_async(lease)

    def renew(self) -> None:
        """Push back the expiry of every lease this process holds."""
        with self._mutex:
            owners = [lease.owner for lease in self._held.values()]
        if owners:
            marks = ", ".join("?" * len(owners))
            with self._single() as db:
                db.execute(f"UPDATE leases SET expires = ? WHERE owner IN ({marks}) "
                           "AND expires > 0", (time.time() + self.lease_seconds, *owners))

    def _start_renewer(self) -> None:
        if self._renewer is not None:
            return

        def run() -> None:
            while not self._stop.wait(RENEW_EVERY_SECONDS):
                try:
                    self.renew()
                except Exception:
                    continue

        self._renewer = threading.Thread(target=run, name="lease-renewal", daemon=True)
        self._renewer.start()
