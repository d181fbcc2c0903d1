"""A real app process for tests and benchmarks: `python -m app` under uvicorn on loopback.

Also the one place that says how Debian's Chromium is launched headless here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
CHROMIUM = os.environ.get("BACKPROP_VIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveApp:
    url: str
    port: int
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(db: Path, log: IO[str] | None = None, start_timeout: float = 30.0,
                env: dict[str, str] | None = None) -> Iterator[LiveApp]:
    """Start the app on a free port with database `db` (and extra environment variables such
    as BACKPROP_VIZ_MAX_LAYERS); stop it (terminate, then kill) after."""
    port = free_port()
    out = log if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--host", HOST, "--port", str(port), "--db", str(db),
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
        stderr=subprocess.STDOUT if log is not None else out,
    )
    url = f"http://{HOST}:{port}"
    try:
        _wait_until_healthy(url, proc, start_timeout)
        yield LiveApp(url, port, proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start at {url} (exit code {proc.poll()})")
        time.sleep(0.1)
