"""`backprop-viz` / `python -m app`: start uvicorn serving the app on its embedded defaults.

Every mistake in a flag or a BACKPROP_VIZ_* variable is a one-line usage error (exit 2)
saying what to change, never a traceback; `--help` works even when a variable is wrong.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import uvicorn
from pydantic import ValidationError

from app.settings import LogLevel, Settings
from app.store.sqlite import Database


def _port(text: str) -> int:
    """A TCP port, 1–65535."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 1 to 65535")
    return int(text)


def _hours(text: str) -> float:
    """A positive number of hours."""
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 < hours < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of hours")
    return hours


def _env_settings() -> tuple[Settings, str | None]:
    """Settings from the environment, or the built-in defaults and what is wrong."""
    try:
        return Settings(), None
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "BACKPROP_VIZ_" + str(first["loc"][0]).upper() if first["loc"] else "a variable"
        return Settings.model_construct(), f"environment variable {name}: {first['msg']}"


def build_parser(defaults: Settings) -> argparse.ArgumentParser:
    """The command line; defaults come from the environment when it is valid."""
    parser = argparse.ArgumentParser(
        prog="backprop-viz", description="Serve the backpropagation visualizer and its API. "
        "Every flag may also be set by its BACKPROP_VIZ_* environment variable (see README).")
    parser.add_argument("--host", default=defaults.host, help="interface (default %(default)s)")
    parser.add_argument("--port", type=_port, default=defaults.port,
                        help="TCP port, 1-65535 (default %(default)s)")
    parser.add_argument("--db", dest="db_path", type=Path, default=defaults.db_path,
                        help="SQLite file where sessions live (default %(default)s)")
    parser.add_argument("--session-ttl-hours", type=_hours, default=defaults.session_ttl_hours,
                        help="idle sessions older than this are deleted (default %(default)s)")
    parser.add_argument("--log-level", choices=get_args(LogLevel), default=defaults.log_level,
                        help="server log detail (default %(default)s)")
    return parser


def _check_db(parser: argparse.ArgumentParser, path: Path) -> None:
    """Open the database once now, so a bad --db is a usage error, not a traceback."""
    try:
        Database(path).close()
    except (OSError, sqlite3.Error) as exc:
        parser.error(f"--db {path}: cannot open it as an SQLite file ({exc}); give a file "
                     "path in a writable directory")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Flags over environment over defaults; exits 2 with one line on any mistake."""
    defaults, env_problem = _env_settings()
    parser = build_parser(defaults)
    args = parser.parse_args(argv)
    if env_problem:
        parser.error(env_problem)
    _check_db(parser, args.db_path)
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Start the server."""
    args = parse_args(argv)
    # The app factory reads Settings from the environment, so flags become env vars.
    os.environ["BACKPROP_VIZ_HOST"] = args.host
    os.environ["BACKPROP_VIZ_PORT"] = str(args.port)
    os.environ["BACKPROP_VIZ_DB_PATH"] = str(args.db_path)
    os.environ["BACKPROP_VIZ_SESSION_TTL_HOURS"] = str(args.session_ttl_hours)
    os.environ["BACKPROP_VIZ_LOG_LEVEL"] = args.log_level
    uvicorn.run(
        "app.main:create_app", factory=True, host=args.host, port=args.port,
        log_level=args.log_level,
    )


if __name__ == "__main__":
    main()
