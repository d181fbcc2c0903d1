"""Hardening floors against a real `python -m app` on 127.0.0.1, as ratios against an idle
baseline measured in the same run:

    python -m benchmarks.hardening [--seconds 10] [--classroom-seconds 60] [--only imports …]

- circuits: four clients looping on the 300-variable sum → health p99 ≤ 3× idle.
- imports: eight parallel imports of a ~33 MB export → peak RSS of the server and all its
  processes (import and training workers included) ≤ 600 MB, health p99 ≤ 3× idle.
- slow: 500 connections sending one byte every 6 s (reconnecting when cut off) → health
  p99 ≤ 3× idle, server log grows < 1 MB.
- flood: 10,000 creates from one address as fast as it can → past the limit, every answer
  is 429 with Retry-After.
- classroom: 64 clients from that same address: one create each, a step every 100 ms, a
  train now and then → no 429.

Health is probed every 20 ms on its own connection, from a process of its own (the load's
clients never delay it), throughout; p99 of those latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import keyword
import multiprocessing
import os
import random
import string
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection as PipeConnection
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.api import Connection
from tests.support.live import HOST, running_app

FLOORS = {"health_ratio": 3.0, "import_rss_mb": 600.0, "log_growth_bytes": 1_000_000}
PROBE_INTERVAL = 0.02


UPLOAD_CHUNK = 1 << 20


class Client(Connection):
    """A keep-alive connection that also reads the answer's headers. A large body goes out
    a megabyte at a time, as fast as the server takes it (never copied whole into the
    client's send buffer: that cost the client's own loop a second per 33 MB import)."""

    async def call(self, method: str, path: str, body: bytes = b""
                   ) -> tuple[int, dict[str, str], bytes]:
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode())
        view = memoryview(body)
        for start in range(0, len(body), UPLOAD_CHUNK):
            self.writer.write(view[start:start + UPLOAD_CHUNK])
            await self.writer.drain()
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
        answer = await self.reader.readexactly(int(fields.get("content-length", "0")))
        return int(head[0].split()[1]), fields, answer


async def probe(port: int, stop: asyncio.Event) -> list[float]:
    """Health latencies, one request every PROBE_INTERVAL until `stop`."""
    conn, latencies = await Connection.open(port), []
    while not stop.is_set():
        _, elapsed = await conn.request("GET", "/api/health")
        latencies.append(elapsed)
        await asyncio.sleep(PROBE_INTERVAL)
    conn.close()
    return latencies


def probe_process(port: int, pipe: PipeConnection) -> None:
    """`probe` in a process of its own, until the parent writes to `pipe`: the load's
    clients (thousands of requests a second, 33 MB uploads) then never delay the probe's
    own event loop, so its latencies are the server's."""

    async def run() -> list[float]:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_reader(pipe.fileno(), stop.set)
        pipe.send("ready")
        return await probe(port, stop)

    pipe.send(asyncio.run(run()))


def p99_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def under_load(port: int, seconds: float, load: Any) -> float:
    """Health p99 (ms), probed from another process, while `load(stop)` runs for
    `seconds` (or, for a load that sets nothing, until it ends)."""
    ours, theirs = multiprocessing.Pipe()
    prober = multiprocessing.get_context("spawn").Process(
        target=probe_process, args=(port, theirs), daemon=True)
    prober.start()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, ours.recv)  # "ready"
    stop = asyncio.Event()
    worker = asyncio.ensure_future(load(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await worker
    ours.send("stop")
    latencies: list[float] = await loop.run_in_executor(None, ours.recv)
    prober.join()
    return p99_ms(latencies)


async def nothing(stop: asyncio.Event) -> None:
    await stop.wait()


def sum_of_300() -> bytes:
    pairs = ("".join(p) for p in itertools.product(string.ascii_lowercase, repeat=2))
    names = [n for n in itertools.chain(string.ascii_lowercase, pairs)
             if not keyword.iskeyword(n)][:300]
    return json.dumps({"expression": "+".join(names),
                       "values": dict.fromkeys(names, 1.0)}).encode()


async def circuits(port: int, stop: asyncio.Event, statuses: Counter[int]) -> None:
    body = sum_of_300()

    async def loop() -> None:
        conn = await Client.open(port)
        while not stop.is_set():
            status, _, _ = await conn.call("POST", "/api/circuits/trace", body)
            statuses[status] += 1
        conn.close()

    await asyncio.gather(*(loop() for _ in range(4)))


def export_document() -> bytes:
    """The largest export an import takes: a 64-wide network on 10,000 64-column rows."""
    rng = np.random.default_rng(1)
    rows = (rng.normal(size=(10_000, 64)) * 1e-5).tolist()
    layers = [64, 64, 64]
    weights = [rng.normal(size=(64, 64)).tolist() for _ in layers[1:]]
    biases = [rng.normal(size=64).tolist() for _ in layers[1:]]
    network = {"spec": {"layers": layers, "activations": ["tanh", "linear"], "loss": "mse"},
               "weights": weights, "biases": biases, "initial_weights": weights,
               "initial_biases": biases, "step": 100_000,
               "loss_history": rng.uniform(size=100_000).tolist()}
    return json.dumps({"format": "backprop-viz/session", "version": 1, "network": network,
                       "dataset": {"inputs": rows, "targets": rows}}).encode()


def rss_mb(pid: int, tree: bool = True) -> float:
    """Resident memory of a process, with all its descendants (import and training
    workers) unless `tree` is False."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")),
               0.0)
    return own + (sum(rss_mb(int(child)) for child in children) if tree else 0.0)


async def imports(port: int, pid: int, document: bytes) -> dict[str, Any]:
    peak, statuses, stop = rss_mb(pid), Counter[int](), asyncio.Event()
    own_peak = rss_mb(pid, tree=False)

    async def one() -> None:
        conn = await Client.open(port)
        try:
            status, _, _ = await conn.call("POST", "/api/networks/import", document)
        except (OSError, asyncio.IncompleteReadError):
            status = 0  # cut off
        statuses[status] += 1
        conn.close()

    async def load(_: asyncio.Event) -> None:
        await asyncio.gather(*(one() for _ in range(8)))
        stop.set()

    async def watch() -> None:
        nonlocal peak, own_peak
        while not stop.is_set():
            peak = max(peak, rss_mb(pid))
            own_peak = max(own_peak, rss_mb(pid, tree=False))
            await asyncio.sleep(0.05)

    watcher = asyncio.ensure_future(watch())
    started = time.perf_counter()
    p99 = await under_load(port, 1.0, load)  # the load runs to its end
    await watcher
    return {"p99_ms": p99, "peak_rss_mb": peak, "server_process_peak_rss_mb": own_peak,
            "statuses": dict(statuses),
            "seconds": time.perf_counter() - started, "mb": len(document) / 1e6}


async def slow(port: int, stop: asyncio.Event, count: int = 500) -> None:
    """Connections that send one byte of a request head every 6 s."""
    head = f"GET /api/health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()

    async def loris() -> None:
        while not stop.is_set():
            try:
                _, writer = await asyncio.open_connection(HOST, port)
                for byte in head:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    try:
                        await asyncio.wait_for(stop.wait(), 6.0)
                    except TimeoutError:
                        continue
                    break
                writer.close()
            except OSError:
                await asyncio.sleep(1.0)

    await asyncio.gather(*(loris() for _ in range(count)))


async def flood(port: int, total: int = 10_000) -> dict[str, Any]:
    statuses: Counter[int] = Counter()
    missing_retry_after = 0
    counter = itertools.count()

    async def sender() -> None:
        nonlocal missing_retry_after
        conn = await Client.open(port)
        while next(counter) < total:
            status, fields, _ = await conn.call("POST", "/api/networks", b'{"preset": "xor"}')
            statuses[status] += 1
            missing_retry_after += status == 429 and "retry-after" not in fields
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(8)))
    return {"statuses": dict(statuses), "429_without_retry_after": missing_retry_after,
            "seconds": time.perf_counter() - started}


async def classroom(port: int, seconds: float, clients: int = 64) -> dict[str, Any]:
    statuses: Counter[int] = Counter()

    async def student(k: int) -> None:
        conn = await Client.open(port)
        status, _, answer = await conn.call("POST", "/api/networks", b'{"preset": "xor"}')
        statuses[status] += 1
        if status != 201:
            return
        ident = json.loads(answer)["id"]
        rng, stop = random.Random(k), time.perf_counter() + seconds
        while time.perf_counter() < stop:
            await asyncio.sleep(0.1)
            path, body = f"/api/networks/{ident}/step", b"{}"
            if rng.random() < 0.01:  # a train about every 10 s
                path, body = f"/api/networks/{ident}/train", b'{"epochs": 20}'
            status, _, _ = await conn.call("POST", path, body)
            statuses[status] += 1
        conn.close()

    await asyncio.gather(*(student(k) for k in range(clients)))
    return {"statuses": dict(statuses)}


SCENARIOS = ("circuits", "slow", "imports", "classroom", "flood")


async def scenarios(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The scenarios of `args.only` (all by default); the first three share one server and
    the idle baseline measured on it."""
    results: dict[str, Any] = {}
    only = set(args.only or SCENARIOS)
    log_path = workdir / "server.log"
    with log_path.open("w") as log, running_app(workdir / "a.sqlite3", log=log) as live:
        idle = await under_load(live.port, args.seconds, nothing)
        results["idle_p99_ms"] = idle
        if "circuits" in only:
            statuses: Counter[int] = Counter()
            results["circuits_p99_ms"] = await under_load(
                live.port, args.seconds, lambda stop: circuits(live.port, stop, statuses))
            results["circuits_statuses"] = dict(statuses)
        if "slow" in only:
            log.flush()
            before = log_path.stat().st_size
            results["slow_p99_ms"] = await under_load(
                live.port, max(args.seconds, 20), lambda stop: slow(live.port, stop))
            log.flush()
            results["slow_log_growth_bytes"] = log_path.stat().st_size - before
        if "imports" in only:
            results["imports"] = await imports(live.port, live.process.pid, export_document())
    if "classroom" in only:
        with running_app(workdir / "b.sqlite3") as live:
            results["classroom"] = await classroom(live.port, args.classroom_seconds)
    if "flood" in only:
        with running_app(workdir / "c.sqlite3") as live:
            results["flood"] = await flood(live.port)
    return results


def verdicts(r: dict[str, Any]) -> dict[str, bool]:
    """Each floor of the scenarios that ran: met or not."""
    idle, limit, checks = r["idle_p99_ms"], FLOORS["health_ratio"], {}
    if "circuits_p99_ms" in r:
        checks["circuits: health p99 ≤ 3× idle"] = r["circuits_p99_ms"] <= limit * idle
    if "imports" in r:
        checks["imports: peak RSS ≤ 600 MB"] = (
            r["imports"]["peak_rss_mb"] <= FLOORS["import_rss_mb"])
        checks["imports: health p99 ≤ 3× idle"] = r["imports"]["p99_ms"] <= limit * idle
    if "slow_p99_ms" in r:
        checks["slow: health p99 ≤ 3× idle"] = r["slow_p99_ms"] <= limit * idle
        checks["slow: log grows < 1 MB"] = (
            r["slow_log_growth_bytes"] < FLOORS["log_growth_bytes"])
    if "flood" in r:
        flood = r["flood"]
        checks["flood: 429 + Retry-After past the limit"] = (
            flood["statuses"].get(429, 0) > 0 and set(flood["statuses"]) <= {201, 429}
            and flood["429_without_retry_after"] == 0)
    if "classroom" in r:
        checks["classroom: no 429"] = 429 not in r["classroom"]["statuses"]
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--classroom-seconds", type=float, default=60.0)
    parser.add_argument("--only", nargs="+", choices=SCENARIOS,
                        help="run these scenarios only (default: all)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(scenarios(args, Path(tmp)))
    results["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    idle = results["idle_p99_ms"]
    print(json.dumps(results, indent=2))
    for name, key in (("circuits", "circuits_p99_ms"), ("slow", "slow_p99_ms")):
        if key in results:
            print(f"{name}: health p99 {results[key]:.1f} ms = "
                  f"{results[key] / idle:.2f}× idle")
    if "imports" in results:
        print(f"imports: health p99 {results['imports']['p99_ms'] / idle:.2f}× idle")
    checks = verdicts(results)
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'MISS'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
