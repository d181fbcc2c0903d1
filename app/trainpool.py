"""A bounded pool of training worker processes with one fair FIFO queue.

- `workers` processes (default one per core) train; nothing else in the app ever runs a
  training loop, so request threads and the event loop stay free, and a class's burst of
  trains costs at most `workers` networks' memory at a time.
- Each worker process is driven by one dispatcher thread of the app process: it takes the
  oldest waiting job, hands it the worker's pipe (`Job.run`), and starts again. Jobs wait in
  arrival order; each waiting job is told its place (`on_position`, 1 = next) whenever it
  changes, so streamed trains can show it.
- A job runs in three parts (`Job.run` is a generator that pauses twice): it sends the
  worker its work, relays the worker's messages until the worker is done, then does what is
  left in the app (committing the network, building the answer). The next waiting job is
  sent between the second and third, so the worker trains it while the app finishes the
  last one: in a class's burst a worker is never idle for the app's share of a train.
- At most `queue_cap` jobs wait; one more is refused with QueueFull (503 + Retry-After).
- Processes start on first use, from a fork server that has imported the worker's modules
  once (a new worker is a fork of it: milliseconds, not an interpreter start); a worker that
  dies is replaced for the next job.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

RETRY_AFTER_SECONDS = 5


class QueueFull(RuntimeError):
    """Every worker is busy and the queue is at its cap."""


def default_workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


# `Job.run(pipe)`: sends the work and yields; relays the worker's messages until it is done
# and yields; then finishes in the app and returns the job's result.
JobRun = Callable[[Connection], Generator[None, None, Any]]


@dataclass(eq=False)
class Job:
    """A unit of work for one worker: `run(pipe)` runs in a dispatcher thread."""

    run: JobRun
    on_position: Callable[[int], None] | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    future: Future[Any] = field(default_factory=Future)


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self) -> None:
        from app import trainworker  # the app's error handlers import this module

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["app.trainworker"])
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=trainworker.serve, args=(child,), name="backprop-viz-train", daemon=True)
        self.process.start()
        child.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


class TrainPool:
    """`submit(job)` → its place in the queue; the job's future holds what `run` returned."""

    def __init__(self, workers: int, queue_cap: int) -> None:
        self.workers = workers
        self.queue_cap = queue_cap
        self._waiting: deque[Job] = deque()
        self._running: set[Job] = set()
        self._cv = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, job: Job) -> int:
        """Queue `job`; returns its place (0: a worker takes it now). Raises QueueFull."""
        with self._cv:
            if self._closed:
                raise QueueFull("the server is shutting down; try again")
            place = len(self._waiting) + 1 - (self.workers - len(self._running))
            if place > self.queue_cap:
                raise QueueFull(
                    f"all {self.workers} training workers are busy and {self.queue_cap} "
                    f"trains are waiting; try again in {RETRY_AFTER_SECONDS} s")
            self._waiting.append(job)
            self._start_threads()
            self._cv.notify()
        return max(0, place)

    @staticmethod
    def warm() -> None:
        """Start the fork server in the background now, so the first train does not wait for
        it to import the app (a second or two on a busy machine)."""
        def start() -> None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["app.trainworker"])
            forkserver.ensure_running()

        threading.Thread(target=start, name="train-forkserver", daemon=True).start()

    def waiting(self) -> int:
        """Jobs waiting for a worker right now."""
        with self._cv:
            return len(self._waiting)

    def _start_threads(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._dispatch, name="train-dispatch", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next(self, wait: bool = True) -> Job | None:
        """The oldest waiting job (now running); None when closed, or with `wait=False` when
        nothing waits."""
        with self._cv:
            while wait and not self._waiting and not self._closed:
                self._cv.wait()
            if self._closed or not self._waiting:
                return None
            job = self._waiting.popleft()
            self._running.add(job)
            places = [(j, i + 1) for i, j in enumerate(self._waiting)]
        for waiting, place in places:
            if waiting.on_position is not None:
                waiting.on_position(place)
        return job

    def _dispatch(self) -> None:
        """Drive one worker: start a job, let the previous one finish while the worker runs
        it, relay it to its end; again with the next."""
        worker: Worker | None = None
        finishing: _Started | None = None
        while True:
            job = self._next(wait=finishing is None)
            if job is None:
                if finishing is None:
                    break  # closed
                self._finish(finishing)
                finishing = None
                continue
            started, worker = self._start(job, worker)
            if finishing is not None:
                self._finish(finishing)
            finishing = None
            if started is not None and worker is not None:
                worker = self._relay(started, worker)
                finishing = started if not started.job.future.done() else None
        if worker is not None:
            worker.stop()

    def _start(self, job: Job, worker: Worker | None) -> tuple[_Started | None, Worker | None]:
        """Send the job to the worker (started or replaced as needed); None if it ended
        already (cancelled while waiting, or its start failed)."""
        if job.cancelled.is_set() or not job.future.set_running_or_notify_cancel():
            if not job.future.done():
                job.future.set_exception(QueueFull("cancelled while waiting"))
            self._ended(job)
            return None, worker
        if worker is None or not worker.alive():
            try:
                worker = Worker()
            except BaseException as exc:  # e.g. no processes left: this job's error
                job.future.set_exception(exc)
                self._ended(job)
                return None, None
        started = _Started(job, job.run(worker.conn))
        return (started, worker) if self._advance(started) else (None, worker)

    def _relay(self, started: _Started, worker: Worker) -> Worker | None:
        """Until the worker is done with the job; the worker after it (None if it died)."""
        if self._advance(started):
            self._ended(started.job)  # the worker is free: the queue's places count it so
        exc = started.job.future.exception() if started.job.future.done() else None
        if isinstance(exc, EOFError | OSError):  # the worker died: a new one next time
            worker.stop()
            return None
        return worker

    def _finish(self, started: _Started) -> None:
        self._advance(started)

    def _advance(self, started: _Started) -> bool:
        """Run the job to its next pause; False once it has ended (its future then holds
        its result or its error)."""
        try:
            next(started.steps)
            return True
        except StopIteration as stop:
            started.job.future.set_result(stop.value)
        except BaseException as exc:  # the job's own error, for its caller
            started.job.future.set_exception(exc)
        self._ended(started.job)
        return False

    def _ended(self, job: Job) -> None:
        with self._cv:
            self._running.discard(job)

    def close(self) -> None:
        """Fail the waiting jobs, stop the running ones and the workers (at shutdown). A later
        `submit` starts afresh (an app may be served again, as tests do)."""
        with self._cv:
            self._closed = True
            waiting, self._waiting = list(self._waiting), deque()
            for job in self._running:
                job.cancelled.set()
            self._cv.notify_all()
        for job in waiting:
            job.future.set_exception(QueueFull("the server is shutting down"))
        for thread in self._threads:
            thread.join(timeout=10)
        with self._cv:
            self._threads = []
            self._closed = False


@dataclass(eq=False)
class _Started:
    """A job whose `run` has begun: the generator that continues it."""

    job: Job
    steps: Generator[None, None, Any]
