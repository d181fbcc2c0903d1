"""Fan-out of a network's changes to whoever follows it (the classroom's rooms).

A publisher (a route that stepped, patched, reset or trained a network) calls `publish` with the
network's id, an event name and its JSON text; every subscriber of that channel receives it on
its own bounded queue. Publishing costs one dict lookup when nobody listens, so the hot /step
path pays nothing for an unused feature.

Subscribers are asyncio queues on the server's event loop; `publish` may be called from a worker
thread (steps of big networks and trains run there) and hands over with call_soon_threadsafe.
A follower that cannot keep up (its queue full) is not allowed to slow the others: its queue is
emptied and told to `resync`, and it reads the network's current state afresh.

Across processes: on a store that several processes share (PostgreSQL), events of networks that
have a room also go to the store (a row and a NOTIFY, app/store/postgres.py), from a thread of
their own so no request waits for it; every process listens and hands the events of the others
to its own subscribers. On an embedded store (SQLite) the bus is this process's alone.
"""

from __future__ import annotations

import asyncio
import queue
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from app.store import Store

QUEUE_SIZE = 256
RESYNC = "resync"
ROOM_CHECK_SECONDS = 2.0  # how long "this network has (no) room" is believed

Event = tuple[str, str]  # (event name, JSON text)


class EventBus:
    """Channels by name (a network id, or `room:CODE`), each with its subscribers' queues."""

    def __init__(self, store: Store | None = None) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}
        self._guard = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._store = store if store is not None and store.shares_events else None
        self._origin = secrets.token_hex(8)
        self._has_room: dict[str, tuple[float, bool]] = {}
        self._outbox: queue.Queue[tuple[str, str, str] | None] = queue.Queue(maxsize=10_000)
        self._sender: threading.Thread | None = None

    # -- serving ---------------------------------------------------------------------------
    def start(self) -> None:
        """Listen to the other processes' events and send ours (a shared store only)."""
        if self._store is None:
            return
        self._store.listen_events(self._from_store)
        self._sender = threading.Thread(target=self._send, name="events-out", daemon=True)
        self._sender.start()

    def close(self) -> None:
        if self._sender is not None:
            self._outbox.put(None)
            self._sender.join(timeout=5)
            self._sender = None

    # -- publishing ------------------------------------------------------------------------
    def listening(self, channel: str) -> bool:
        """Whether anyone may follow the channel (publishers skip building payloads if not)."""
        if self._subscribers.get(channel):
            return True
        if self._store is None:
            return False
        known = self._has_room.get(channel)
        return known is None or known[1] or time.monotonic() - known[0] > ROOM_CHECK_SECONDS

    def followers(self, channel: str) -> int:
        """How many subscribers the channel has now, in this process."""
        return len(self._subscribers.get(channel, ()))

    def publish(self, channel: str, event: str, data: str) -> None:
        """Deliver (event, data) to each subscriber of the channel; never blocks."""
        self._local(channel, event, data)
        if self._store is not None:
            # Full only when the store has been unreachable for long: followers resync later.
            with suppress(queue.Full):
                self._outbox.put_nowait((channel, event, data))

    def _local(self, channel: str, event: str, data: str) -> None:
        queues = self._subscribers.get(channel)
        if not queues or self._loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._deliver(tuple(queues), (event, data))
        else:
            self._loop.call_soon_threadsafe(self._deliver, tuple(queues), (event, data))

    @staticmethod
    def _deliver(queues: Iterable[asyncio.Queue[Event]], item: Event) -> None:
        for q in queues:
            if q.full():  # a slow follower: drop its backlog, let it read the state anew
                while not q.empty():
                    q.get_nowait()
                q.put_nowait((RESYNC, ""))
            else:
                q.put_nowait(item)

    # -- other processes -------------------------------------------------------------------
    def _send(self) -> None:
        """Our events to the store, in order; only those of networks that have a room."""
        assert self._store is not None
        while (item := self._outbox.get()) is not None:
            channel, event, data = item
            try:
                if channel.startswith("room:") or self._followed(channel):
                    self._store.publish_event(self._origin, channel, event, data)
            except Exception:
                time.sleep(0.5)

    def _followed(self, network_id: str) -> bool:
        assert self._store is not None
        known = self._has_room.get(network_id)
        if known is None or time.monotonic() - known[0] > ROOM_CHECK_SECONDS:
            known = (time.monotonic(), bool(self._store.rooms_of(network_id)))
            self._has_room[network_id] = known
        return known[1]

    def _from_store(self, origin: str, channel: str, event: str, data: str) -> None:
        if origin != self._origin:
            self._local(channel, event, data)

    # -- subscribing -----------------------------------------------------------------------
    @contextmanager
    def subscribe(self, *channels: str) -> Iterator[asyncio.Queue[Event]]:
        """A queue receiving every event of the channels until the block ends.

        Must be entered on the event loop (an async route or generator)."""
        self._loop = asyncio.get_running_loop()
        subscriber: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        with self._guard:
            for channel in channels:
                self._subscribers.setdefault(channel, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            with self._guard:
                for channel in channels:
                    subscribers = self._subscribers.get(channel)
                    if subscribers is not None:
                        subscribers.discard(subscriber)
                        if not subscribers:
                            del self._subscribers[channel]
