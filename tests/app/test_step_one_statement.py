"""PostgreSQL: a step on a network this process holds in memory is one statement.

`PostgresStore.edit_cached` applies the change to the cached copy and commits it with one
statement that claims the lease and gives it back, checks the version and updates the row.
Every way it can miss must leave the database as it was and send the caller down the
usual path (lease, version check, save). Two stores on one database stand for two app
processes.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

import numpy as np
import psycopg
import pytest

from app.store import Session, Store, open_store
from app.store.postgres import PostgresStore
from engine.presets import build_preset
from tests.support.postgres import Cluster


@pytest.fixture
def stores(pg_cluster: Cluster) -> Iterator[tuple[PostgresStore, PostgresStore, str]]:
    """Two stores on one fresh database, and its URL."""
    url = pg_cluster.new_database()
    pair = [open_store(url, ttl_seconds=3600.0, lock_timeout=5.0) for _ in range(2)]
    assert all(isinstance(store, PostgresStore) for store in pair)
    yield pair[0], pair[1], url  # type: ignore[misc]
    for store in pair:
        store.close()


def step(session: Session) -> int:
    session.network.trace_step(session.dataset.inputs, session.dataset.targets, phase="all")
    return session.network.step


def on_loop(store: Store, body: Callable[[], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        await store.open_async()
        try:
            return await body()
        finally:
            await store.close_async()

    return asyncio.run(main())


def cached(store: Store) -> str:
    ident = store.create(*build_preset("two-two-one"), preset="two-two-one").id
    with store.view(ident):
        pass  # in this store's memory at version 1
    return ident


def row(url: str, ident: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT version, network FROM sessions WHERE id = %s",
                             (ident,)).fetchone()
    assert found is not None
    return found[0], found[1]


def test_a_step_on_a_current_copy_is_one_statement_and_exact(stores: Any) -> None:
    store, other, _ = stores
    ident = cached(store)
    statements: list[str] = []
    aexec = store._aexec

    async def counted(sql: str, *args: Any, **kwargs: Any) -> Any:
        statements.append(sql)
        return await aexec(sql, *args, **kwargs)

    store._aexec = counted

    async def three() -> list[Any]:
        return [await store.edit_cached(ident, step) for _ in range(3)]

    assert on_loop(store, three) == [(1,), (2,), (3,)]
    assert len(statements) == 3  # one each: no lease round trip, no version check
    replay, data = build_preset("two-two-one")
    for _ in range(3):
        replay.trace_step(data.inputs, data.targets, phase="all")
    with other.view(ident) as session:  # another process reads the committed row
        assert (session.version, session.network.step) == (4, 3)
        for mine, theirs in zip(session.network.weights, replay.weights, strict=True):
            np.testing.assert_array_equal(mine, theirs)
    other.unlock(other.lock(ident, wait=False))  # the lease is free again


def test_a_stale_copy_misses_and_changes_nothing(stores: Any) -> None:
    store, other, url = stores
    ident = cached(store)
    with other.edit(ident) as session:  # another process steps it: version 2
        step(session)
    before = row(url, ident)

    assert on_loop(store, lambda: store.edit_cached(ident, step)) is None
    assert row(url, ident) == before
    assert store.work(ident) is None  # the stale copy is dropped: the usual path reads

    async def usual() -> int:
        async with store.locked(ident) as lease:
            return await store.edit_inline(ident, lease, step)

    assert on_loop(store, usual) == 2  # both steps, in order
    assert row(url, ident)[0] == 3


def test_after_a_miss_the_network_takes_the_usual_path_for_a_while(stores: Any) -> None:
    """Stepped by two processes in turn (a proxy spreading one learner's calls), a copy is
    always stale: a wasted statement per step, unless misses pause the one-statement path."""
    store, other, url = stores
    store.miss_pause_seconds = 0.5
    ident = cached(store)
    with other.edit(ident) as session:
        step(session)
    statements: list[str] = []
    aexec = store._aexec

    async def counted(sql: str, *args: Any, **kwargs: Any) -> Any:
        statements.append(sql)
        return await aexec(sql, *args, **kwargs)

    store._aexec = counted

    async def miss_reload_and_again() -> list[Any]:
        first = await store.edit_cached(ident, step)  # stale: a miss
        async with store.locked(ident) as lease:  # the usual path reads the row again
            await store.edit_inline(ident, lease, step)
        second = await store.edit_cached(ident, step)  # current now, but within the pause
        wasted = len([sql for sql in statements if sql.startswith("WITH took")])
        await asyncio.sleep(0.6)
        third = await store.edit_cached(ident, step)  # the pause is over
        return [first, second, wasted, third]

    assert on_loop(store, miss_reload_and_again) == [None, None, 1, (3,)]
    assert row(url, ident)[0] == 4


def test_a_network_held_by_another_process_misses(stores: Any) -> None:
    store, other, url = stores
    ident = cached(store)
    lease = other.lock(ident)  # say, a train in the other process
    before = row(url, ident)
    assert on_loop(store, lambda: store.edit_cached(ident, step)) is None
    assert row(url, ident) == before
    assert store.try_lock(ident) is None  # still the other process's lease
    other.unlock(lease)
    with store.view(ident) as session:
        assert session.network.step == 0


def test_a_network_this_process_holds_misses_without_a_round_trip(stores: Any) -> None:
    store, _, url = stores
    ident = cached(store)
    before = row(url, ident)

    async def while_held() -> Any:
        async with store.locked(ident):
            return await store.edit_cached(ident, step)

    assert on_loop(store, while_held) is None
    assert row(url, ident) == before


def test_a_change_that_raises_misses_and_drops_the_copy(stores: Any) -> None:
    store, _, url = stores
    ident = cached(store)
    before = row(url, ident)

    def half_then_fail(session: Session) -> None:
        step(session)
        raise ValueError("refused half-way")

    assert on_loop(store, lambda: store.edit_cached(ident, half_then_fail)) is None
    assert row(url, ident) == before
    with store.view(ident) as session:  # read again, not the half-changed copy
        assert session.network.step == 0


def test_a_save_committed_while_the_statement_waits_is_not_overwritten(stores: Any) -> None:
    """Read committed's fine print: the statement's snapshot predates the other save, but
    the UPDATE re-checks the version on the row's newest version once the lock is free."""
    store, other, url = stores
    ident = cached(store)
    other.unlock(other.lock(ident))  # the lease row exists (free)
    with psycopg.connect(url) as blocker, psycopg.connect(url, autocommit=True) as watch:
        # Another process's save, under its lease: the lease row is locked until it commits.
        blocker.execute("SELECT 1 FROM leases WHERE id = %s FOR UPDATE", (ident,))
        result: list[Any] = []
        racer = threading.Thread(target=lambda: result.append(
            on_loop(store, lambda: store.edit_cached(ident, step))))
        racer.start()
        deadline = time.monotonic() + 10
        while not watch.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND wait_event_type = 'Lock'"
                                ).fetchone()[0]:  # type: ignore[index]
            assert time.monotonic() < deadline, "the step never waited for the lease row"
            time.sleep(0.01)
        blocker.execute("UPDATE sessions SET version = version + 1 WHERE id = %s", (ident,))
        blocker.commit()
        racer.join(timeout=10)
    assert result == [None]
    assert row(url, ident)[0] == 2  # the other save's version; this step wrote nothing
    assert store.work(ident) is None


@pytest.mark.parametrize("step_commit", ["fast", "durable"])
def test_a_step_commits_as_step_commit_says(pg_cluster: Cluster, step_commit: str) -> None:
    """fast (the default): a step's statement runs on a connection whose commits do not wait
    for PostgreSQL's fsync; durable: on one whose commits do. Both paths of a step."""
    from app.main import create_app
    from app.settings import Settings

    url = pg_cluster.new_database()
    settings = Settings(db=url, step_commit=step_commit)
    store = create_app(settings).state.store
    other = open_store(url, ttl_seconds=3600.0)
    try:
        assert isinstance(store, PostgresStore)
        assert store.durable_steps == (step_commit == "durable")
        ident = cached(store)
        seen: list[tuple[str, str]] = []

        async def setting(fast: bool) -> str:
            async with store._aconn(fast) as conn:
                found = await (await conn.execute("SHOW synchronous_commit")).fetchone()
                assert found is not None
                return str(found[0])

        aexec = store._aexec

        async def noted(sql: str, params: Sequence[Any] = (), fast: bool = False
                        ) -> tuple[int, Any]:
            if "UPDATE sessions" in sql:
                seen.append((sql[:9], await setting(fast)))
            return await aexec(sql, params, fast=fast)

        store._aexec = noted  # type: ignore[method-assign]

        async def both_paths() -> None:
            fast, durable = store._afast_pool, store._apool
            assert fast is not None and durable is not None
            steps_pool, other_pool = (fast, durable) if step_commit == "fast" else (durable, fast)
            assert (steps_pool.max_size, other_pool.max_size) == (8, 4)  # steps get more
            await store.edit_cached(ident, step)  # one statement
            async with store.locked(ident) as lease:  # the usual path
                await store.edit_inline(ident, lease, step)

        on_loop(store, both_paths)
        wanted = "off" if step_commit == "fast" else "on"
        assert seen == [("WITH took", wanted), ("WITH held", wanted)]
        with other.view(ident) as session:
            assert session.network.step == 2
    finally:
        store.close()
        other.close()
