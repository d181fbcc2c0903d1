"""The store interface (app/store/), each test run on both engines: SQLite and PostgreSQL.

Two stores on one database stand for two app processes (or machines) sharing it. A step's
pending pass lives with the cached session: reused only at the version that made it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from app.serialize import trace_json
from app.store import Busy, NotFound, Store, open_store
from engine.data.datasets import Dataset, make_dataset
from engine.nn.network import Network
from engine.nn.trace import StepTrace
from engine.presets import build_preset
from tests.support.clock import Clock
from tests.support.postgres import Cluster

OpenStore = Callable[..., Store]


@pytest.fixture(params=["sqlite", "postgres"])
def open_one(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """Opens stores on one fresh database of the engine under test; closes them after."""
    target: str | Path = tmp_path / "sessions.sqlite3"
    if request.param == "postgres":
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        target = cluster.new_database()
    opened: list[Store] = []

    def make(ttl_seconds: float = 3600.0, lock_timeout: float = 30.0) -> Store:
        store = open_store(target, ttl_seconds=ttl_seconds, lock_timeout=lock_timeout)
        opened.append(store)
        return store

    make.target = target  # type: ignore[attr-defined]
    yield make
    for store in opened:
        store.close()


def two_two_one(store: Store) -> str:
    return store.create(*build_preset("two-two-one"), preset="two-two-one").id


def test_a_session_reads_back_exactly(open_one: OpenStore) -> None:
    store = open_one()
    spec = {"layers": [1, 1], "activations": ["linear"], "learning_rate": 0.01,
            "optimizer": "adam"}
    net = Network.from_spec_dict(spec)
    data = Dataset("line", np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]]), ("x",), ("y",))
    net.train(data.inputs, data.targets, 1300)  # two full history chunks and a tail
    ident = store.create(net, data).id
    again = open_one()
    with again.view(ident) as session:
        assert session.network.to_dict() == net.to_dict()
        assert session.dataset.to_dict() == data.to_dict()
        assert len(session.network.loss_history) == 1300


def test_history_shrinks_after_a_reset(open_one: OpenStore) -> None:
    store = open_one()
    net, data = build_preset("two-two-one")
    net.train(data.inputs, data.targets, 600)
    ident = store.create(net, data).id
    with store.edit(ident) as session:
        session.network.reset()
        session.network.trace_step(data.inputs, data.targets, phase="all")
    with open_one().view(ident) as session:
        assert len(session.network.loss_history) == 1


def test_a_cache_never_serves_a_stale_version(open_one: OpenStore) -> None:
    first, second = open_one(), open_one()
    ident = two_two_one(first)
    with first.view(ident) as session:
        assert session.version == 1  # now cached in `first`
    with second.edit(ident) as session:
        session.network.set_learning_rate(0.25)
    with first.view(ident) as session:
        assert (session.version, session.network.spec.learning_rate) == (2, 0.25)
    with first.edit(ident) as session:  # builds on version 2, not its cached version 1
        session.network.set_learning_rate(0.5)
    with second.view(ident) as session:
        assert (session.version, session.network.spec.learning_rate) == (3, 0.5)


def test_a_lease_excludes_other_stores_until_released(open_one: OpenStore) -> None:
    first, second = open_one(), open_one(lock_timeout=0.3)
    ident = two_two_one(first)
    lease = first.lock(ident)
    assert second.try_lock(ident) is None
    started = time.monotonic()
    with pytest.raises(Busy, match="busy"), second.edit(ident):
        pass
    assert time.monotonic() - started >= 0.3
    first.unlock(lease)
    with second.edit(ident) as session:
        assert session.version == 1


def test_two_stores_stepping_one_network_lose_no_update(open_one: OpenStore) -> None:
    stores = [open_one(), open_one()]
    ident = two_two_one(stores[0])
    failures: list[BaseException] = []

    def stepper(store: Store) -> None:
        try:
            for _ in range(25):
                with store.edit(ident) as session:
                    data = session.dataset
                    session.network.trace_step(data.inputs, data.targets, phase="all")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=stepper, args=(s,)) for s in stores * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    replay, data = build_preset("two-two-one")
    for _ in range(100):
        replay.trace_step(data.inputs, data.targets, phase="all")
    with open_one().view(ident) as session:
        assert session.network.step == 100
        assert session.version == 101
        for ours, theirs in zip(session.network.weights, replay.weights, strict=True):
            np.testing.assert_array_equal(ours, theirs)


HOLD_AND_DIE = """
import sys, time
from app.store import open_store
store = open_store(sys.argv[1], ttl_seconds=3600)
store.lease_seconds = 1.0
store.lock(sys.argv[2])
print("held", flush=True)
time.sleep(60)
"""


def test_the_lease_of_a_killed_process_runs_out(open_one: OpenStore) -> None:
    store = open_one(lock_timeout=10.0)
    ident = two_two_one(store)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_DIE, str(open_one.target),  # type: ignore[attr-defined]
                               ident], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    assert store.try_lock(ident) is None  # still leased …
    # … until the lease runs out (1 s): had it not, edit would wait the whole lock timeout
    # (10 s) and raise Busy.
    with store.edit(ident) as session:
        assert session.version == 1


def test_expiry_sweeps_once_per_store(open_one: OpenStore) -> None:
    first, second = open_one(), open_one()  # the first claimed the start-up sweep
    ident = two_two_one(first)
    first._next_sweep = second._next_sweep = 0.0
    assert (first.maybe_sweep(), second.maybe_sweep()) == (False, False)
    with first._tx() as db:
        db.execute("UPDATE sweeps SET due = 0")
    first._next_sweep = second._next_sweep = 0.0
    assert (second.maybe_sweep(), first.maybe_sweep()) == (True, False)
    assert first.sweep(now=time.time() + first.ttl_seconds + 1) == 1
    with pytest.raises(NotFound), second.view(ident):
        pass


def test_idle_ids_are_gone_before_the_sweep(open_one: OpenStore) -> None:
    store = open_one(ttl_seconds=3600)
    store.clock = clock = Clock()  # type: ignore[method-assign]
    ident = two_two_one(store)
    dataset_id = store.put_dataset(build_preset("xor")[1])
    clock.advance(3601)
    with pytest.raises(NotFound, match="expired"), store.view(ident):
        pass
    with pytest.raises(NotFound, match="expired"):
        store.get_dataset(dataset_id)


def test_sizes_for_quotas(open_one: OpenStore) -> None:
    store = open_one()
    before = store.size_bytes()
    assert (store.count(), store.dataset_count()) == (0, 0)
    net, data = build_preset("xor")
    for _ in range(20):
        store.create(net, data)
    dataset_id = store.put_dataset(data)
    assert (store.count(), store.dataset_count()) == (20, 1)
    assert store.get_dataset(dataset_id).to_dict() == data.to_dict()
    assert store.size_bytes() >= before > 0


def test_delete_removes_the_session(open_one: OpenStore) -> None:
    store = open_one()
    ident = two_two_one(store)
    store.delete(ident)
    with pytest.raises(NotFound):
        store.delete(ident)
    assert store.count() == 0


# -- a small change on the event loop (the step route's path for small networks) -------------
def run_on_loop(store: Store, body: Callable[[], object]) -> object:
    """Run the coroutine `body()` on a fresh loop with the store's loop-side pool open."""
    import asyncio

    async def main() -> object:
        await store.open_async()
        try:
            assert store.loop_ready()  # both engines: SQLite inline, PostgreSQL its async pool
            return await body()  # type: ignore[misc]
        finally:
            await store.close_async()

    return asyncio.run(main())


def test_a_change_on_the_loop_commits_and_gives_the_lease_back(open_one: OpenStore) -> None:
    store, other = open_one(), open_one()
    ident = two_two_one(store)
    replay, data = build_preset("two-two-one")

    async def steps() -> None:
        for _ in range(3):
            async with store.locked(ident) as lease:
                await store.edit_inline(ident, lease, lambda s: s.network.trace_step(
                    s.dataset.inputs, s.dataset.targets, phase="all"))

    run_on_loop(store, steps)
    for _ in range(3):
        replay.trace_step(data.inputs, data.targets, phase="all")
    with other.view(ident) as session:  # another process reads the committed rows
        assert session.network.step == 3
        for mine, theirs in zip(session.network.weights, replay.weights, strict=True):
            np.testing.assert_array_equal(mine, theirs)
    other.unlock(other.lock(ident, wait=False))  # nobody holds the lease any more


def test_a_failed_change_on_the_loop_leaves_the_row_as_it_was(open_one: OpenStore) -> None:
    store = open_one()
    ident = two_two_one(store)
    with store.view(ident) as session:
        before = [w.copy() for w in session.network.weights]

    def half_then_fail(session: object) -> None:
        session.network.trace_step(session.dataset.inputs,  # type: ignore[attr-defined]
                                   session.dataset.targets, phase="all")  # type: ignore[attr-defined]
        raise ValueError("refused half-way")

    async def fail() -> None:
        async with store.locked(ident) as lease:
            await store.edit_inline(ident, lease, half_then_fail)

    with pytest.raises(ValueError):
        run_on_loop(store, fail)
    with open_one().view(ident) as session:
        assert session.network.step == 0
        for mine, theirs in zip(session.network.weights, before, strict=True):
            np.testing.assert_array_equal(mine, theirs)
    with store.view(ident) as session:  # the in-memory copy was dropped, not kept changed
        assert session.network.step == 0


def test_a_change_on_the_loop_never_starts_from_a_stale_copy(open_one: OpenStore) -> None:
    store, other = open_one(), open_one()
    ident = two_two_one(store)
    with store.view(ident):
        pass  # cached here at version 1
    with other.edit(ident) as session:  # another process steps it: version 2
        session.network.trace_step(session.dataset.inputs, session.dataset.targets, "all")

    async def step() -> None:
        async with store.locked(ident) as lease:
            # while the lease is ours, the other process cannot write …
            with pytest.raises(Busy), other.edit(ident, wait=False):
                pass
            await store.edit_inline(ident, lease, lambda s: s.network.trace_step(
                s.dataset.inputs, s.dataset.targets, phase="all"))

    run_on_loop(store, step)
    with other.edit(ident) as session:  # … and both steps are in the row, in order
        assert session.network.step == 2


def test_a_change_on_the_loop_of_a_deleted_network_is_not_found(open_one: OpenStore) -> None:
    store, other = open_one(), open_one()
    ident = two_two_one(store)
    with store.view(ident):
        pass
    other.delete(ident)

    async def step() -> None:
        async with store.locked(ident) as lease:
            await store.edit_inline(ident, lease, lambda s: None)

    with pytest.raises(NotFound):
        run_on_loop(store, step)


def momentum_network() -> tuple[Network, Dataset]:
    spec = {"layers": [2, 5, 4, 1], "activations": ["tanh", "relu", "sigmoid"], "loss": "bce",
            "optimizer": "momentum", "seed": 4}
    return Network.from_spec_dict(spec), make_dataset("circle", samples=40, seed=1)


def phase_in(store: Store, ident: str, phase: str) -> StepTrace:
    with store.edit(ident) as session:
        return session.network.trace_step(session.dataset.inputs, session.dataset.targets,
                                           phase=phase)


def replayed() -> list[bytes]:
    """forward, backward, update of the same network in one Network object: every number."""
    net, data = momentum_network()
    return [trace_json("x", net.trace_step(data.inputs, data.targets, phase=phase))
            for phase in ("forward", "backward", "update")]


def test_the_pending_pass_stays_in_memory_with_the_session(open_one: OpenStore) -> None:
    store = open_one()
    ident = store.create(*momentum_network()).id
    forward = phase_in(store, ident, "forward")
    backward = phase_in(store, ident, "backward")
    update = phase_in(store, ident, "update")
    assert (backward.phases_run, update.phases_run) == (("backward",), ("update",))
    assert backward.pending is forward.pending  # the forward's own arrays, not recomputed
    assert update.pending is forward.pending
    assert [trace_json("x", t) for t in (forward, backward, update)] == replayed()


def test_a_process_with_a_stale_copy_recomputes_the_pending_pass(open_one: OpenStore) -> None:
    first, second = open_one(), open_one()
    ident = first.create(*momentum_network()).id
    forward = phase_in(first, ident, "forward")  # `first` keeps it in memory, version 2
    backward = phase_in(second, ident, "backward")  # `second` has the row's marker only
    update = phase_in(first, ident, "update")  # `first`'s copy is stale: version 3 is newer
    assert (backward.phases_run, update.phases_run) == (("backward",), ("update",))
    assert backward.pending is not forward.pending
    assert update.pending is not forward.pending and update.pending is not backward.pending
    assert [trace_json("x", t) for t in (forward, backward, update)] == replayed()


def test_a_step_rewrites_the_expiry_column_only_once_a_minute(open_one: OpenStore) -> None:
    """`used` is indexed: saves leave it alone while it is fresh (heap-only updates), and a
    network stepped without pause still never expires."""
    store = open_one(ttl_seconds=3600)
    store.clock = clock = Clock()  # type: ignore[method-assign]
    ident = two_two_one(store)
    created = clock.now

    def used() -> float:
        with store._read() as db:
            return float(db.execute("SELECT used FROM sessions WHERE id = ?",
                                    (ident,)).fetchone()[0])

    def step() -> None:
        with store.edit(ident) as session:
            session.network.trace_step(session.dataset.inputs, session.dataset.targets, "all")

    clock.advance(30)
    step()
    assert used() == created  # half a minute: left alone
    clock.advance(31)
    step()
    assert used() == clock.now  # a minute on: written (by the read or the save)
    for _ in range(70):  # an hour and ten minutes of a step a minute: never expired
        clock.advance(61)
        step()
    assert used() == clock.now


def test_a_released_lease_is_a_free_row_the_sweep_clears(open_one: OpenStore) -> None:
    store, other = open_one(), open_one()
    ident = two_two_one(store)
    store.unlock(store.lock(ident))
    with store._read() as db:
        assert db.execute("SELECT expires FROM leases WHERE id = ?",
                          (ident,)).fetchone()[0] == 0  # kept, free
    other.unlock(other.lock(ident, wait=False))  # another process takes it at once
    store.sweep()
    with store._read() as db:
        assert db.execute("SELECT count(*) FROM leases WHERE id = ?",
                          (ident,)).fetchone()[0] == 0


def test_a_renewal_racing_a_give_back_does_not_hold_the_lease_again(
        open_one: OpenStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The renewer reads which leases it holds, then writes their expiry. A lease given back
    in between stays free: it used to be held again for LEASE_SECONDS by nobody, and the
    next call on the network waited 10 s (a class's burst, once in ~60 runs)."""
    store, other = open_one(), open_one()
    ident = two_two_one(store)
    lease = store.lock(ident)
    statement = store._single
    given_back = False

    def give_back_first() -> object:
        nonlocal given_back
        if not given_back:
            given_back = True
            store.unlock(lease)  # after the renewer's list, before its statement
        return statement()

    monkeypatch.setattr(store, "_single", give_back_first)
    store.renew()
    monkeypatch.undo()
    assert given_back
    assert other.try_lock(ident) is not None  # free at once, not in 10 s


def test_a_save_under_a_lease_given_back_is_refused(open_one: OpenStore) -> None:
    """A lease given back is not taken again by its old holder's save."""
    store = open_one()
    ident = two_two_one(store)
    lease = store.lock(ident)
    with pytest.raises(Busy), store.edit(ident, lease=lease) as session:
        store.unlock(lease)  # given back while the call still works on the network
        session.network.reset(seed=7)
    assert store.try_lock(ident) is not None  # free, not held again by the refused save
    with store._read() as db:
        assert db.execute("SELECT version FROM sessions WHERE id = ?",
                          (ident,)).fetchone()[0] == 1  # the row as it was
