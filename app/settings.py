"""One Settings object: every knob of the service, from CLI flags or BACKPROP_VIZ_* env vars."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

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
    def db_path(self) -> Path:
        """The SQLite file named by `db`."""
        return Path(self.db)


def get_settings() -> Settings:
    """Settings from the environment (the app factory's default)."""
    return Settings()
