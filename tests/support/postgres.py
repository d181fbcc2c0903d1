"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's real server, no mocks.

`initdb` and `pg_ctl` from /usr/lib/postgresql/15/bin (BACKPROP_VIZ_PG_BIN to change it),
a fresh directory under the system temp dir, a free port on 127.0.0.1, trust authentication
on loopback only. PostgreSQL refuses to run as root, so under root the cluster belongs to
`nobody` and every command runs through `runuser -u nobody`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.live import HOST, free_port

PG_BIN = Path(os.environ.get("BACKPROP_VIZ_PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_AS = "nobody"


def available() -> bool:
    """Whether the server binaries are installed (README's test command installs them)."""
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *args] if os.geteuid() == 0 else args


@dataclass
class Cluster:
    """One running server; `url(name)` for a database, `new_database()` for a fresh one."""

    root: Path
    port: int
    fsync: bool
    _count: int = 0
    running: bool = False

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def new_database(self) -> str:
        """CREATE DATABASE under a new name; its URL."""
        import psycopg

        self._count += 1
        name = f"test_{self._count}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)

    def start(self) -> None:
        """Start (or restart) the server on its port; returns once it accepts connections."""
        options = (f"-c listen_addresses={HOST} -p {self.port} -c unix_socket_directories="
                   f"{self.root} -c max_connections=200 -c fsync={'on' if self.fsync else 'off'}")
        self._ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        self.running = True

    def stop(self) -> None:
        """Stop at once (connections are cut, as when the server goes away)."""
        if self.running:
            self._ctl("-m", "immediate", "-w", "stop")
            self.running = False


@contextmanager
def running_cluster(fsync: bool = False) -> Iterator[Cluster]:
    """initdb in a temp dir, start on a free loopback port; stop and delete after."""
    if not available():
        raise RuntimeError(f"PostgreSQL server binaries not found in {PG_BIN}: install "
                           "Debian's postgresql (see README's test command)")
    root = Path(tempfile.mkdtemp(prefix="backprop-viz-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, RUN_AS)
    cluster = Cluster(root, free_port(), fsync)
    try:
        subprocess.run(_as_owner([str(PG_BIN / "initdb"), "-D", str(cluster.data), "-U",
                                  "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
