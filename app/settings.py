"""One Settings object: every knob of the service, from CLI flags or BACKPROP_VIZ_* env vars."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.schemas.common import (
    MAX_EPOCHS,
    MAX_GRID_RESOLUTION,
    MAX_LAYERS,
    MAX_NEURONS,
    MAX_SAMPLES,
)
from app.trainpool import default_workers

SERVE_SETTINGS = "BACKPROP_VIZ_SERVE_SETTINGS"  # `--workers N`: the parsed settings, as JSON
LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]
StepCommit = Literal["fast", "durable"]


def default_db() -> str:
    """Per-user data file: $XDG_DATA_HOME/backprop-viz/sessions.sqlite3 (~/.local/share/...).

    BACKPROP_VIZ_DB_PATH, the variable's name before PostgreSQL URLs were accepted, still works.
    """
    if legacy := os.environ.get("BACKPROP_VIZ_DB_PATH"):
        return legacy
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "backprop-viz" / "sessions.sqlite3")


class Settings(BaseSettings):
    """Service settings; limits are part of the documented API contract (see README).

    Each field is a flag of `backprop-viz` (`max_epochs` → `--max-epochs`, see app/__main__.py)
    and an environment variable (`BACKPROP_VIZ_MAX_EPOCHS`); the description is the flag's help.
    The limits may be lowered here; their ceilings are the bounds of the request schemas.
    """

    model_config = SettingsConfigDict(
        env_prefix="BACKPROP_VIZ_", extra="ignore", cli_kebab_case=True,
        cli_prog_name="backprop-viz", cli_hide_none_type=True, cli_avoid_json=True)

    host: str = Field("127.0.0.1", description="interface to listen on")
    port: int = Field(8000, ge=1, le=65535, description="TCP port, 1-65535")
    db: str = Field(default_db(), min_length=1,
                    description="where sessions live: an SQLite file, or a "
                    "postgresql://user@host/db URL shared by several processes or machines")
    session_ttl_hours: float = Field(
        24 * 7, gt=0, allow_inf_nan=False, description="idle sessions older are removed")

    max_layers: int = Field(
        MAX_LAYERS, ge=2, le=MAX_LAYERS, description="layers including input and output")
    max_neurons: int = Field(
        MAX_NEURONS, ge=1, le=MAX_NEURONS, description="neurons in any one layer")
    max_samples: int = Field(MAX_SAMPLES, ge=1, le=MAX_SAMPLES)
    max_epochs: int = Field(
        MAX_EPOCHS, ge=1, le=MAX_EPOCHS, description="epochs in one train call")
    max_body_bytes: int = Field(1_000_000, ge=1024, description="request body; 413 beyond")
    max_import_bytes: int = Field(
        48_000_000, ge=1024, description="body of POST /api/networks/import (whole exports)")
    max_grid_resolution: int = Field(
        MAX_GRID_RESOLUTION, ge=2, le=MAX_GRID_RESOLUTION, description="predict grid per axis")
    max_train_seconds: float = Field(
        120.0, gt=0, description="a train call stops (and keeps its progress) after this long")
    lock_timeout_seconds: float = Field(
        30.0, gt=0, description="a call waiting this long for a busy network gets 409")
    log_level: LogLevel = Field("info", description="server log detail")
    workers: int = Field(
        1, ge=1, le=64, description="app processes serving the one port, sharing the store")
    train_workers: int | None = Field(
        None, ge=1, le=256, description="training processes per app process; unset: "
        "the cores shared out among the app processes, at least one")
    train_queue: int = Field(
        64, ge=0, le=10_000, description="trains waiting for a worker; one more gets 503")

    frame_ancestors: str = Field(
        "'self'", min_length=1, pattern=r"^[^;,\n]+$",
        description="CSP frame-ancestors: who may embed the pages (e.g. 'self' "
                    "https://lms.example.edu)")
    allowed_hosts: list[str] | None = Field(
        None, description="Host names the server answers to (default: --host and localhost)")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="origins (https://notebooks.example) whose pages may call the API")

    header_timeout_seconds: float = Field(
        10.0, gt=0, le=3600, description="a request head must arrive within this long of the "
        "connection (or of the previous answer); slower connections are closed")
    body_timeout_seconds: float = Field(
        60.0, gt=0, le=3600, description="a request body must arrive within this long of "
        "its head; slower connections are closed")
    max_connections: int = Field(
        1000, ge=0, description="open connections (and requests in progress) served at once; "
        "beyond, 503 (0: no limit)")
    import_concurrency: int = Field(
        1, ge=1, le=64, description="imports parsed at once (each may take a few hundred "
        "MB); others wait their turn")
    blas_threads: int = Field(
        1, ge=0, le=256, description="threads one NumPy matrix product may use in an app "
        "process (0: the BLAS library's default, every core); with 1, concurrent steps do not "
        "wait on each other's spinning threads")
    step_commit: StepCommit = Field(
        "fast", description="PostgreSQL: how a step of a small network commits. fast: "
        "without waiting for the database's disk (a crash of the database machine may lose "
        "its last ~0.6 s of steps, never corrupt; as SQLite's WAL may lose its last commits "
        "on a power cut); durable: each waits for PostgreSQL's fsync. Everything else always "
        "waits")
    cache_mb: int = Field(
        256, ge=0, le=1_000_000, description="MB of recently used networks (their arrays) "
        "each app process keeps in memory; beyond, the least recently used are read from "
        "the store again when next used (0: none kept)")
    max_sessions: int = Field(
        100_000, ge=0, description="networks stored; a create beyond gets 507 (0: no limit)")
    max_db_bytes: int = Field(
        2_000_000_000, ge=0, description="bytes of the session database; a create beyond "
        "gets 507 (0: no limit)")

    # Rate limits (app/ratelimit.py), in the `limits` notation: "300/minute", "10/second;
    # 300/minute" (every one must hold), or "none". Per address: generous, a class shares one.
    rate_create: str = Field("300/minute", description="creates (networks, datasets, rooms) "
                             "from one client address")
    rate_create_total: str = Field("3000/minute", description="creates from all clients")
    rate_import: str = Field("30/minute", description="imports from one client address")
    rate_import_total: str = Field("120/minute", description="imports from all clients")
    rate_train: str = Field("1200/minute", description="train calls from one client address")
    rate_train_network: str = Field("120/minute", description="train calls on one network")
    rate_train_total: str = Field("12000/minute", description="train calls from all clients")
    rate_circuit: str = Field("1200/minute", description="circuit traces from one address")
    rate_circuit_total: str = Field("6000/minute", description="circuit traces from all "
                                    "clients")

    @field_validator("rate_create", "rate_create_total", "rate_import", "rate_import_total",
                     "rate_train", "rate_train_network", "rate_train_total", "rate_circuit",
                     "rate_circuit_total")
    @classmethod
    def _rate(cls, value: str) -> str:
        """A rate the `limits` library reads ("300/minute"), or "none"."""
        if value.strip().lower() not in ("", "none"):
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a rate: write e.g. 300/minute, "
                                 "10/second;300/minute, or none") from exc
        return value

    @field_validator("db", mode="before")
    @classmethod
    def _path_as_text(cls, value: object) -> object:
        """Tests and scripts may pass a Path; the setting is text (a file or, later, a URL)."""
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    @property
    def training_processes(self) -> int:
        """Training workers of each app process: as set, or one per core shared out."""
        return self.train_workers or max(1, default_workers() // self.workers)

    @property
    def cache_bytes(self) -> int:
        """`cache_mb` in bytes (MiB: what the session cache's footprints count)."""
        return self.cache_mb * 1024 * 1024

    @property
    def db_path(self) -> Path:
        """The SQLite file named by `db`."""
        return Path(self.db)


def get_settings() -> Settings:
    """Settings from the environment (the app factory's default)."""
    return Settings()
