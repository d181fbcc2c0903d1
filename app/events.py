"""Fan-out of a network's changes to whoever follows it (the classroom's rooms).

A publisher (a route that stepped, patched, reset or trained a network) calls `publish` with the
network's id, an event name and its JSON text; every subscriber of that channel receives it on
its own bounded queue. Publishing costs one dict lookup when nobody listens, so the hot /step
path pays nothing for an unused feature.

Subscribers are asyncio queues on the server's event loop; `publish` may be called from a worker
thread (steps of big networks and trains run there) and hands over with call_soon_threadsafe.
A follower that cannot keep up (its queue full) is not allowed to slow the others: its queue is
emptied and told to `resync`, and it reads the network's current state afresh.

This bus lives in one process. With several app processes, the rooms' subscribers and the
publishers may sit in different processes; see README "Follow mode" for how that is served.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

QUEUE_SIZE = 256
RESYNC = "resync"

Event = tuple[str, str]  # (event name, JSON text)


class EventBus:
    """Channels by name (a network id, or `room:CODE`), each with its subscribers' queues."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}
        self._guard = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def listening(self, channel: str) -> bool:
        """Whether anyone follows the channel (publishers skip building payloads if not)."""
        return bool(self._subscribers.get(channel))

    def followers(self, channel: str) -> int:
        """How many subscribers the channel has now."""
        return len(self._subscribers.get(channel, ()))

    def publish(self, channel: str, event: str, data: str) -> None:
        """Deliver (event, data) to each subscriber of the channel; never blocks."""
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
        for queue in queues:
            if queue.full():  # a slow follower: drop its backlog, let it read the state anew
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait((RESYNC, ""))
            else:
                queue.put_nowait(item)

    @contextmanager
    def subscribe(self, *channels: str) -> Iterator[asyncio.Queue[Event]]:
        """A queue receiving every event of the channels until the block ends.

        Must be entered on the event loop (an async route or generator)."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        with self._guard:
            for channel in channels:
                self._subscribers.setdefault(channel, set()).add(queue)
        try:
            yield queue
        finally:
            with self._guard:
                for channel in channels:
                    subscribers = self._subscribers.get(channel)
                    if subscribers is not None:
                        subscribers.discard(queue)
                        if not subscribers:
                            del self._subscribers[channel]
