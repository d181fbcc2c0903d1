"""What runs inside a training worker process (see app/trainpool.py): one run at a time.

The parent sends a job (the network's document, its dataset, the train options); the worker
runs the engine's fast loop and answers over its pipe with messages:

- `("progress", {epoch, epochs, loss, …live})` when a streamed run is due an event;
- `("checkpoint", document)` at least every CHECKPOINT_SECONDS, which the parent commits,
  so a kill -9 of the app loses at most that much of a run;
- `("done", document, losses, reason)` or `("error", kind, message, epoch)` at the end.

The parent may send `"cancel"` at any time: the run stops at its next epoch (the pipe is
polled at most every CANCEL_POLL_SECONDS, so a cheap epoch does not pay a system call).
"""

from __future__ import annotations

import os
import time
from contextlib import suppress
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from app.errors import LimitError
from app.predict import grid_prediction, with_neuron_maps
from app.schemas.training import LiveOptions
from app.serialize import finite_or_none, held_out_loss
from engine.allocator import keep_freed_memory
from engine.data.datasets import Dataset
from engine.errors import DivergenceError, EngineError
from engine.nn.network import Network

PROGRESS_EVENTS = 200  # about this many progress events per run, spread by epochs …
PROGRESS_MIN_SECONDS = 0.05  # … but never closer together than this
PROGRESS_MAX_SECONDS = 0.5  # and never further apart (epochs permitting); ≤ 240 more in 120 s
LIVE_SECONDS = 0.5  # live snapshots (weights, grid): at most one this often …
LIVE_COST_FACTOR = 10  # … and never more often than 10× their own cost (≤ ~10% of a run)
CHECKPOINT_SECONDS = 2.0  # progress reaches the store at least this often
CANCEL_POLL_SECONDS = 0.01
# Training gives way to the app process serving requests on a busy machine (steps, health,
# pages stay quick while a class trains); on idle cores it runs at full speed all the same.
NICENESS = 5


def finite_parameters(net: Network) -> bool:
    """No NaN or inf in any weight or bias (a checkpoint of a diverging run is useless)."""
    return all(np.isfinite(p).all() for p in (*net.weights, *net.biases) if p is not None)


def live_snapshot(net: Network, data: Dataset, live: LiveOptions) -> dict[str, Any]:
    """The current weights/biases and/or grid; empty if any of it is not finite."""
    out: dict[str, Any] = {}
    if live.weights:
        if not finite_parameters(net):
            return {}
        out["weights"] = [w.tolist() for w in net.weights]
        out["biases"] = [b.tolist() if b is not None else None for b in net.biases]
    if live.grid_resolution is not None:
        try:
            grid = grid_prediction(net, data, live.grid_resolution, (None, None, None, None))
        except EngineError:
            return {}
        if live.neurons:  # maps too large for the grid, or overflowing: the grid alone
            with suppress(EngineError, LimitError):
                grid = with_neuron_maps(net, grid, data.features)
        out["grid"] = grid.model_dump(mode="json")
    return out


class LivePacer:
    """Decides which progress events carry a live snapshot, and builds it."""

    def __init__(self, net: Network, data: Dataset, live: LiveOptions | None,
                 every: float = LIVE_SECONDS) -> None:
        self.net, self.data, self.live, self.every = net, data, live, every
        self.next_at = 0.0

    def extras(self, now: float, last: bool) -> dict[str, Any]:
        """A snapshot for the first event, then one every LIVE_SECONDS (or less often), the last."""
        if self.live is None or (now < self.next_at and not last):
            return {}
        out = live_snapshot(self.net, self.data, self.live)
        cost = time.monotonic() - now
        self.next_at = now + max(self.every, LIVE_COST_FACTOR * cost)
        return out


class Run:
    """One job's callback: progress events, checkpoints, the time limit and cancellation."""

    def __init__(self, conn: Connection, net: Network, data: Dataset, job: dict[str, Any]
                 ) -> None:
        self.conn, self.net, self.data, self.epochs = conn, net, data, job["epochs"]
        self.streaming: bool = job["progress"]
        self.max_seconds: float = job["max_seconds"]
        live = LiveOptions.model_validate(job["live"]) if job["live"] else None
        self.pacer = LivePacer(net, data, live if self.streaming else None,
                               job.get("live_seconds", LIVE_SECONDS))
        self.every = max(1, self.epochs // PROGRESS_EVENTS)
        now = time.monotonic()
        self.deadline = now + self.max_seconds
        self.last_sent = 0.0
        self.next_checkpoint = now + CHECKPOINT_SECONDS
        self.next_poll = now + CANCEL_POLL_SECONDS
        self.reason: str | None = None

    def __call__(self, epoch: int, loss: float) -> bool:
        now = time.monotonic()
        if now >= self.next_poll:
            self.next_poll = now + CANCEL_POLL_SECONDS
            try:
                if self.conn.poll() and self.conn.recv() == "cancel":
                    self.reason = "cancelled: the client went away"
                    return False
            except (EOFError, OSError):  # the app process is gone: stop, nobody is listening
                self.reason = "the server went away"
                return False
        if now > self.deadline:
            self.reason = f"stopped after {self.max_seconds:g} s (max_train_seconds)"
            return False
        if now >= self.next_checkpoint and finite_parameters(self.net):
            self.conn.send(("checkpoint", self.net.to_dict()))
            self.next_checkpoint = now + CHECKPOINT_SECONDS
        last = epoch == self.epochs
        due = epoch % self.every == 0 or now - self.last_sent >= PROGRESS_MAX_SECONDS
        if self.streaming and (last or (due and now - self.last_sent >= PROGRESS_MIN_SECONDS)):
            self.last_sent = now
            held_out = {} if self.data.test_inputs is None else {"test_loss": held_out_loss(
                self.net, self.data)}
            self.conn.send(("progress", {
                "epoch": epoch, "epochs": self.epochs, "loss": finite_or_none(loss),
                **held_out, **self.pacer.extras(now, last)}))
        return True


def run_job(conn: Connection, job: dict[str, Any]) -> None:
    """Train one job and report its end (see the module docstring)."""
    net = Network.from_dict(job["network"], trusted=True)
    data: Dataset = job["dataset"]
    run = Run(conn, net, data, job)
    batch = job["batch_size"]
    try:
        losses = net.train(data.inputs, data.targets, job["epochs"],
                           batch_size=None if batch is None else min(batch, len(data.inputs)),
                           shuffle_seed=job["shuffle_seed"], callback=run, callback_every=1)
    except DivergenceError as exc:
        conn.send(("error", "divergence", str(exc), exc.epoch))
        return
    except EngineError as exc:
        conn.send(("error", "engine", str(exc), None))
        return
    conn.send(("done", net.to_dict(), losses, run.reason))


def give_way() -> None:
    """Lower this process's priority: `nice` NICENESS, and Linux's batch policy.

    The nice value sets the share: under load the app process gets about three times a
    worker's CPU, never all of it (a classroom box also draws the page). SCHED_BATCH keeps
    the share but tells the scheduler the process is not interactive: waking up, it does not
    preempt the app's event loop, whose step then waits less for a core (in
    benchmarks.classroom's burst the steppers' p99 ratio stayed ≤ 4.4 over nine runs, against
    up to 9.8 with nice alone)."""
    with suppress(OSError):
        os.nice(NICENESS)
    if hasattr(os, "SCHED_BATCH"):
        with suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


def serve(conn: Connection) -> None:
    """A worker's life: jobs one after another until the parent sends None or goes away."""
    keep_freed_memory()
    give_way()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if job == "cancel":  # a cancel that arrived after its run ended
            continue
        try:
            run_job(conn, job)
        except (EOFError, OSError):  # the app process is gone
            return
