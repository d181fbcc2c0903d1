"""A whole class at once (issue 9): bursts of trains, lock waiters, big trains, two processes.

    python -m benchmarks.classroom [--skip-postgres]

Real servers (`python -m app`, as README starts it) on 127.0.0.1; every figure is printed
with its floor and the machine's load average while it ran; each ratio's baseline is
measured in the same run:

1. burst      32 students press Train within one second (XOR, 2-4-1, tanh/sigmoid, bce,
              lr 0.5, 200 samples, 2,000 epochs) while 32 others step their own 2-2-1 every
              100 ms. Floors: the burst's wall time ≤ 0.7× the same 32 trains one after
              another (the mean of one run just before the burst and one just after);
              steppers' p99 during the burst (their steps until it ends) ≤ 5× their p99
              with no burst. Run BURST_RUNS times (`--burst-runs`), each against its own
              baselines; the floors apply to the medians, the lowest and highest are
              printed too (a shared VM's speed drifts within a minute).
2. waiters    45 PATCHes wait for a network that is training: /api/health p99 ≤ 3× idle.
3. big        30 parallel trains of 2-64×8-1 on 10,000 samples: peak RSS of the server and
              its workers ≤ 1.5 GB; each call runs, is queued with its place, or gets 503
              with Retry-After.
4. shared     Two app processes on one PostgreSQL (a throwaway cluster): 20 clients × 50
              `phase: all` steps on one network → exactly 1,000 steps, weights equal to a
              sequential replay.
5. pg-load    64 clients stepping at 10 Hz through two processes on PostgreSQL: p99 ≤ 3× the
              same load on one process with SQLite (each after 2 s of the same load, not
              counted: first reads of rows, statements prepared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks.api import Connection
from engine.presets import build_preset
from tests.support.live import LiveApp, running_app
from tests.support.postgres import running_cluster

XOR = {"layers": [2, 4, 1], "activations": ["tanh", "sigmoid"], "loss": "bce",
       "learning_rate": 0.5, "dataset": {"name": "xor", "samples": 200, "seed": 1}}
BIG = {"layers": [2, *[64] * 8, 1], "activations": ["tanh"] * 8 + ["sigmoid"], "loss": "bce",
       "dataset": {"name": "spiral", "samples": 10_000, "seed": 1}}
STEP = json.dumps({"phase": "all"}).encode()
BURST_RUNS = 3
FLOORS = {"burst_ratio": 0.7, "stepper_p99_ratio": 5.0, "health_p99_ratio": 3.0,
          "peak_rss_gb": 1.5, "pg_p99_ratio": 3.0}

Row = tuple[str, float, str, bool, float]  # name, value, floor text, met, load average


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def load() -> float:
    return os.getloadavg()[0]


@contextmanager
def app(db: str | Path, **env: str) -> Iterator[LiveApp]:
    with running_app(db, env={f"BACKPROP_VIZ_{k.upper()}": v  # type: ignore[arg-type]
                              for k, v in env.items()}) as live:
        yield live


def create(base: str, body: dict[str, Any], count: int) -> list[str]:
    with httpx.Client(base_url=base, timeout=60) as http:
        return [http.post("/api/networks", json=body).json()["id"] for _ in range(count)]


async def steppers(ports: list[int], ids: list[str], seconds: float, interval: float = 0.1,
                   stop: asyncio.Event | None = None) -> tuple[list[float], int]:
    """Each client steps its own network every `interval` s, for `seconds` or until `stop`
    is set; (latencies in s, errors)."""
    latencies: list[float] = []
    errors = 0

    async def client(k: int, ident: str) -> None:
        nonlocal errors
        conn = await Connection.open(ports[k % len(ports)])
        start = time.perf_counter() + interval * k / len(ids)
        for j in range(int(seconds / interval)):
            delay = start + j * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if stop is not None and stop.is_set():
                break
            status, elapsed = await conn.request("POST", f"/api/networks/{ident}/step", STEP)
            latencies.append(elapsed)
            errors += status != 200
        conn.close()

    await asyncio.gather(*(client(k, ident) for k, ident in enumerate(ids)))
    return latencies, errors


async def train(http: httpx.AsyncClient, ident: str, epochs: int) -> int:
    response = await http.post(f"/api/networks/{ident}/train", json={"epochs": epochs})
    return response.status_code


async def burst(base: str, port: int, pid: int) -> dict[str, float]:
    """Scenario 1 in one server: the idle steppers, the 32 trains one after another, the
    burst with the steppers stepping until it ends, the 32 trains one after another again.

    The baseline is the mean of the two serial runs around the burst, so a machine whose
    speed drifts during the run (a shared VM's does, by 10–20 % within a minute) biases the
    ratio in neither direction. Also where the cores went during the burst (CPU seconds ÷
    its wall time): the training processes, the app process (the steppers' steps, the
    trains' requests), this load generator; the ratio cannot beat serial ÷ (cores left to
    the trainers)."""
    trains, walkers = create(base, XOR, 32), create(base, {"preset": "two-two-one"}, 32)
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        await train(http, trains[0], 50)  # the worker processes are up
        idle, _ = await steppers([port], walkers, 5.0)

        async def one_after_another() -> float:
            started = time.perf_counter()
            for ident in trains:
                await train(http, ident, 2000)
            return time.perf_counter() - started

        before = await one_after_another()

        async def all_at_once() -> float:
            begun = time.perf_counter()

            async def one(k: int) -> int:
                await asyncio.sleep(k / 32)  # within one second
                return await train(http, trains[k], 2000)

            codes = await asyncio.gather(*(one(k) for k in range(32)))
            assert set(codes) == {200}, codes
            return time.perf_counter() - begun

        ended = asyncio.Event()
        during_task = asyncio.create_task(steppers([port], walkers, 60.0, stop=ended))
        cpu_before, own_before = tree_cpu(pid), time.process_time()
        wall = await all_at_once()
        cpu_after, own_after = tree_cpu(pid), time.process_time()
        ended.set()  # the steppers' latencies are the burst's only
        during, errors = await during_task
        after = await one_after_another()
    serial = (before + after) / 2
    return {"serial_s": serial, "serial_before_s": before, "serial_after_s": after,
            "burst_s": wall, "burst_ratio": wall / serial,
            "idle_p99_ms": 1000 * p99(idle), "burst_p99_ms": 1000 * p99(during),
            "stepper_p99_ratio": p99(during) / p99(idle), "stepper_errors": errors,
            "trainer_cores": (cpu_after[1] - cpu_before[1]) / wall,
            "server_cores": (cpu_after[0] - cpu_before[0]) / wall,
            "load_generator_cores": (own_after - own_before) / wall}


def bursts(live: LiveApp, runs: int) -> dict[str, float]:
    """Scenario 1 `runs` times (new networks each time): medians, lowest and highest."""
    results = [asyncio.run(burst(live.url, live.port, live.process.pid)) for _ in range(runs)]
    out: dict[str, float] = {"runs": float(runs)}
    for key in ("burst_ratio", "stepper_p99_ratio", "serial_s", "serial_before_s",
                "serial_after_s", "burst_s", "idle_p99_ms", "burst_p99_ms", "trainer_cores",
                "server_cores", "load_generator_cores"):
        values = [r[key] for r in results]
        out[key] = statistics.median(values)
        out[f"{key}_min"], out[f"{key}_max"] = min(values), max(values)
    out["stepper_errors"] = sum(r["stepper_errors"] for r in results)
    return out


async def health_p99(base: str, seconds: float) -> float:
    """/api/health, 4 clients back to back for `seconds`: p99 in s."""
    times: list[float] = []
    stop = time.perf_counter() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base) as http:
            while time.perf_counter() < stop:
                begun = time.perf_counter()
                await http.get("/api/health")
                times.append(time.perf_counter() - begun)

    await asyncio.gather(*(client() for _ in range(4)))
    return p99(times)


async def waiters(base: str) -> dict[str, float]:
    """Scenario 2: idle health p99, then with 45 PATCHes waiting on a training network."""
    (ident,) = create(base, {**BIG, "layers": [2, 64, 64, 1],
                             "activations": ["tanh", "tanh", "sigmoid"]}, 1)
    idle = await health_p99(base, 3.0)
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        running = asyncio.create_task(http.post(f"/api/networks/{ident}/train",
                                                json={"epochs": 100_000}))
        await asyncio.sleep(1.0)
        patches = [asyncio.create_task(http.patch(f"/api/networks/{ident}",
                                                  json={"learning_rate": 0.1}))
                   for _ in range(45)]
        await asyncio.sleep(0.5)
        busy = await health_p99(base, 3.0)
        running.cancel()
        codes = [r.status_code for r in await asyncio.gather(*patches)]
    return {"idle_health_p99_ms": 1000 * idle, "busy_health_p99_ms": 1000 * busy,
            "health_p99_ratio": busy / idle, "patches_ok": float(codes.count(200))}


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines()
                              if line.startswith("VmRSS:"))) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of a process, and of all its living descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    own, descendants, todo = 0.0, 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        if current == pid:
            own = seconds
        else:
            descendants += seconds
    return own, descendants


async def big(live: LiveApp) -> dict[str, float]:
    """Scenario 3: 30 streamed big trains at once; how each began; peak RSS meanwhile."""
    ids = create(live.url, BIG, 30)
    outcomes: dict[str, int] = {"runs": 0, "queued": 0, "refused": 0, "other": 0}
    peak = 0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(live.process.pid))
            await asyncio.sleep(0.2)

    async def one(http: httpx.AsyncClient, ident: str) -> None:
        async with http.stream("POST", f"/api/networks/{ident}/train",
                               json={"epochs": 100_000, "stream": True}) as stream:
            if stream.status_code == 503 and "retry-after" in stream.headers:
                outcomes["refused"] += 1
                return
            async for line in stream.aiter_lines():
                if line in ("event: progress", "event: queued"):
                    outcomes["runs" if line.endswith("progress") else "queued"] += 1
                    break
            else:
                outcomes["other"] += 1
            await done.wait()  # keep the stream (and its place) until the sampling ends

    sampler = asyncio.create_task(sample())
    async with httpx.AsyncClient(base_url=live.url, timeout=120) as http:
        tasks = [asyncio.create_task(one(http, ident)) for ident in ids]
        await asyncio.sleep(8.0)
        done.set()
        await asyncio.gather(*tasks, sampler)
    return {"peak_rss_gb": peak / 1e9, **{k: float(v) for k, v in outcomes.items()}}


def shared(lives: list[LiveApp]) -> dict[str, float]:
    """Scenario 4: 20 clients × 50 steps on one network over two processes."""
    (ident,) = create(lives[0].url, {"preset": "two-two-one"}, 1)

    async def run() -> list[int]:
        async def client(k: int) -> list[int]:
            conn = await Connection.open(lives[k % 2].port)
            codes = [(await conn.request("POST", f"/api/networks/{ident}/step", STEP))[0]
                     for _ in range(50)]
            conn.close()
            return codes

        return [c for codes in await asyncio.gather(*(client(k) for k in range(20)))
                for c in codes]

    codes = asyncio.run(run())
    state = httpx.get(f"{lives[1].url}/api/networks/{ident}").json()
    replay, data = build_preset("two-two-one")
    for _ in range(1000):
        replay.trace_step(data.inputs, data.targets, phase="all")
    equal = all(np.array_equal(np.array(w), r) for w, r in zip(state["weights"], replay.weights,
                                                               strict=True))
    return {"steps": float(state["step"]), "ok_calls": float(codes.count(200)),
            "weights_equal": float(equal)}


def pg_load(ports_sqlite: list[int], base_sqlite: str, lives: list[LiveApp]
            ) -> dict[str, float]:
    """Scenario 5: 64 clients at 10 Hz, one SQLite process vs two PostgreSQL processes."""
    ids_sqlite = create(base_sqlite, {"preset": "two-two-one"}, 64)
    ids_pg = create(lives[0].url, {"preset": "two-two-one"}, 64)
    pg_ports = [live.port for live in lives]
    # Two seconds of the same load first, not counted, on both sides: each process's first
    # step of a network reads its whole row (the other process created it), and PostgreSQL
    # prepares each statement on each connection the first times it runs.
    asyncio.run(steppers(ports_sqlite, ids_sqlite, 2.0))
    sqlite, _ = asyncio.run(steppers(ports_sqlite, ids_sqlite, 8.0))
    asyncio.run(steppers(pg_ports, ids_pg, 2.0))
    pg, errors = asyncio.run(steppers(pg_ports, ids_pg, 8.0))
    return {"sqlite_p99_ms": 1000 * p99(sqlite), "pg_p99_ms": 1000 * p99(pg),
            "pg_p50_ms": 1000 * statistics.median(pg), "pg_p99_ratio": p99(pg) / p99(sqlite),
            "pg_errors": float(errors)}


def timed(name: str, rows: list[Row], figures: dict[str, Any],
          scenario: Callable[[], dict[str, float]] | Callable[[], Awaitable[dict[str, float]]],
          checks: list[tuple[str, str, Callable[[float], bool]]]) -> None:
    """Run one scenario and note its figures with their floors and the load meanwhile."""
    before = load()
    result = scenario()
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    assert isinstance(result, dict)
    figures[name] = result
    average = (before + load()) / 2
    for key, floor, met in checks:
        rows.append((f"{name}.{key}", result[key], floor, met(result[key]), average))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skip-postgres", action="store_true",
                        help="scenarios 1-3 only (no PostgreSQL server binaries here)")
    parser.add_argument("--burst-runs", type=int, default=BURST_RUNS,
                        help=f"bursts to take the medians of (default {BURST_RUNS})")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        live = stack.enter_context(app(Path(tmp) / "a.sqlite3"))
        timed("burst", rows, figures, lambda: bursts(live, args.burst_runs), [
            ("burst_ratio", "≤ 0.7", lambda v: v <= FLOORS["burst_ratio"]),
            ("stepper_p99_ratio", "≤ 5", lambda v: v <= FLOORS["stepper_p99_ratio"])])
        timed("waiters", rows, figures, lambda: waiters(live.url), [
            ("health_p99_ratio", "≤ 3", lambda v: v <= FLOORS["health_p99_ratio"])])
        big_app = stack.enter_context(app(Path(tmp) / "b.sqlite3", max_train_seconds="30"))
        timed("big", rows, figures, lambda: big(big_app), [
            ("peak_rss_gb", "≤ 1.5", lambda v: v <= FLOORS["peak_rss_gb"]),
            ("other", "= 0 (each runs, queues or gets 503)", lambda v: v == 0)])
        if not args.skip_postgres:
            cluster = stack.enter_context(running_cluster(fsync=True))
            url = cluster.new_database()
            lives = [stack.enter_context(app(url)) for _ in range(2)]
            timed("shared", rows, figures, lambda: shared(lives), [
                ("steps", "= 1000", lambda v: v == 1000),
                ("weights_equal", "= 1 (a sequential replay)", lambda v: v == 1)])
            timed("pg_load", rows, figures, lambda: pg_load([live.port], live.url, lives), [
                ("pg_p99_ratio", "≤ 3", lambda v: v <= FLOORS["pg_p99_ratio"])])
    print(f"cpus {os.cpu_count()}; load average = the 1-minute figure around each scenario "
          "(other processes compete for the same cores)")
    print(f"{'figure':34} {'value':>10}  {'floor':36} {'met':4} load")
    for name, value, floor, met, average in rows:
        print(f"{name:34} {value:10.3f}  {floor:36} {'yes' if met else 'NO':4} {average:.2f}")
    for name, result in figures.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.3g}" for k, v in result.items()))
    print("\nfor README:\n\n| figure | value | floor | met | load average |\n|---|---|---|---|---|")
    for name, value, floor, met, average in rows:
        print(f"| {name} | {value:.3g} | {floor} | {'yes' if met else 'no'} | {average:.1f} |")
    print(json.dumps(figures))
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
