"""Sessions: the store interface (base.py) and its engines, chosen by `--db`.

A path is an SQLite file (sqlite.py, the embedded default); a `postgresql://…` URL is a
PostgreSQL database shared by many processes and machines (postgres.py).
"""

from __future__ import annotations

from pathlib import Path

from app.store.base import (
    CACHE_BYTES,
    Busy,
    Lease,
    NotFound,
    Session,
    Store,
    Unavailable,
    WouldBlock,
    new_id,
)

__all__ = ["Busy", "Lease", "NotFound", "Session", "Store", "Unavailable", "WouldBlock",
           "new_id", "open_store"]


def open_store(target: str | Path, ttl_seconds: float, lock_timeout: float = 30.0,
               cache_bytes: int = CACHE_BYTES, durable_steps: bool = False) -> Store:
    """The engine `target` names, keeping up to `cache_bytes` of sessions in memory; raises
    Unavailable if a PostgreSQL server cannot be reached. `durable_steps`: PostgreSQL's
    steps wait for its fsync (see `--step-commit`)."""
    if str(target).startswith(("postgresql://", "postgres://")):
        from app.store.postgres import PostgresStore  # psycopg only when it is asked for

        return PostgresStore(str(target), ttl_seconds, lock_timeout, cache_bytes=cache_bytes,
                             durable_steps=durable_steps)
    from app.store.sqlite import SQLiteStore

    return SQLiteStore(Path(target), ttl_seconds, lock_timeout, cache_bytes=cache_bytes)
