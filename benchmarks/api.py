"""HTTP load against a real uvicorn process on 127.0.0.1: a classroom, then saturation.

    python -m benchmarks.api [--clients 64] [--seconds 20] [--interval 0.1] [--saturation 5]

Classroom: each client owns a `two-two-one` network and sends one `step` every `interval`
seconds (64 × 10/s ≈ 640 requests/s offered) → p50, p99, errors; floors p50 ≤ 5 ms,
p99 ≤ 20 ms, 0 errors. Saturation: the same clients as fast as they can, on `/step` and on
`/api/health` (the framework's own floor) in the same run → requests/s and the ratio
step/health (floor 0.5). The client is a minimal keep-alive HTTP/1.1 client on asyncio
streams, so that it costs the shared CPU as little as possible; all traffic is loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support.live import HOST, running_app

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"p50_ms": 5.0, "p99_ms": 20.0, "errors": 0, "ratio": 0.5}


@contextmanager
def server(workdir: Path) -> Iterator[int]:
    """`python -m app` on a free loopback port with a throw-away database; yields the port."""
    with running_app(workdir / "bench.sqlite3") as live:
        yield live.port


class Connection:
    """One keep-alive HTTP/1.1 connection; `request` returns (status, seconds)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, float]:
        head = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        started = time.perf_counter()
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        elapsed = time.perf_counter() - started
        return int(status_line.split()[1]), elapsed

    def close(self) -> None:
        self.writer.close()


STEP_BODY = json.dumps({"phase": "all"}).encode()


async def classroom(port: int, ids: list[str], seconds: float, interval: float
                    ) -> dict[str, Any]:
    """Each client steps its own network every `interval` s, on a fixed schedule."""
    latencies: list[float] = []
    errors = 0

    async def client(ident: str, offset: float) -> None:
        nonlocal errors
        conn = await Connection.open(port)
        start = time.perf_counter() + offset
        for k in range(int(seconds / interval)):
            delay = start + k * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                status, elapsed = await conn.request(
                    "POST", f"/api/networks/{ident}/step", STEP_BODY)
            except (OSError, ValueError, asyncio.IncompleteReadError):
                errors += 1
                conn = await Connection.open(port)
                continue
            latencies.append(elapsed)
            errors += status != 200
        conn.close()

    await asyncio.gather(*(client(ident, interval * i / len(ids))
                           for i, ident in enumerate(ids)))
    latencies.sort()
    return {
        "requests": len(latencies), "errors": errors,
        "offered_per_s": len(ids) / interval,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "max_ms": 1000 * latencies[-1],
    }


async def saturate(port: int, ids: list[str], seconds: float, path_of: Any, body: bytes,
                   method: str) -> float:
    """Requests/s with every client sending back to back for `seconds`."""
    done = 0
    stop = time.perf_counter() + seconds

    async def client(ident: str) -> None:
        nonlocal done
        conn = await Connection.open(port)
        while time.perf_counter() < stop:
            status, _ = await conn.request(method, path_of(ident), body)
            done += status == 200
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(ident) for ident in ids))
    return done / (time.perf_counter() - started)


def create_networks(port: int, count: int) -> list[str]:
    """One two-two-one network per client."""
    with httpx.Client(base_url=f"http://{HOST}:{port}") as http:
        return [http.post("/api/networks", json={"preset": "two-two-one"}).json()["id"]
                for _ in range(count)]


def run(clients: int, seconds: float, interval: float, saturation: float) -> dict[str, Any]:
    """Start a server, run both scenarios, return the figures."""
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as port:
        ids = create_networks(port, clients)
        room = asyncio.run(classroom(port, ids, seconds, interval))
        step_rps = asyncio.run(saturate(
            port, ids, saturation, lambda i: f"/api/networks/{i}/step", STEP_BODY, "POST"))
        health_rps = asyncio.run(saturate(
            port, ids, saturation, lambda i: "/api/health", b"", "GET"))
    return {"classroom": room, "saturation": {
        "step_per_s": step_rps, "health_per_s": health_rps, "ratio": step_rps / health_rps}}


def verdict(figures: dict[str, Any]) -> list[str]:
    """The floors this run missed (empty if none)."""
    room, sat = figures["classroom"], figures["saturation"]
    missed = [f"{k} {room[k]:.3g} > {FLOORS[k]}" for k in ("p50_ms", "p99_ms", "errors")
              if room[k] > FLOORS[k]]
    if sat["ratio"] < FLOORS["ratio"]:
        missed.append(f"ratio {sat['ratio']:.2f} < {FLOORS['ratio']}")
    return missed


def main(argv: list[str] | None = None) -> int:
    """Print the figures as a table and as JSON; exit 1 if a floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20.0, help="classroom duration")
    parser.add_argument("--interval", type=float, default=0.1, help="s between a client's steps")
    parser.add_argument("--saturation", type=float, default=5.0, help="s per saturation run")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    figures = run(args.clients, args.seconds, args.interval, args.saturation)
    figures.update(load_before=load_before, load_after=os.getloadavg()[0])
    room, sat = figures["classroom"], figures["saturation"]
    print(f"cpus {os.cpu_count()}  clients {args.clients}  offered "
          f"{room['offered_per_s']:.0f} req/s for {args.seconds:g} s  load average before "
          f"{figures['load_before']:.2f}, after {figures['load_after']:.2f} (other processes "
          "compete for the same cores)")
    print(f"classroom  : {room['requests']} steps, p50 {room['p50_ms']:.2f} ms, "
          f"p99 {room['p99_ms']:.2f} ms, max {room['max_ms']:.1f} ms, errors {room['errors']}")
    print(f"saturation : step {sat['step_per_s']:.0f} req/s, health "
          f"{sat['health_per_s']:.0f} req/s, ratio step/health {sat['ratio']:.2f}")
    missed = verdict(figures)
    print("floors     : " + ("all met" if not missed else "MISSED " + "; ".join(missed)))
    print(json.dumps(figures))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
