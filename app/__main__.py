"""`backprop-viz` / `python -m app`: start uvicorn serving the app on its embedded defaults.

The flags are the fields of `app.settings.Settings`, read by pydantic-settings' own command-line
source (`--max-epochs` is `max_epochs`, also `BACKPROP_VIZ_MAX_EPOCHS`): declared once, never
copied here. Every mistake in a flag or a variable is a one-line usage error (exit 2) saying
what to change, never a traceback; `--help` works even when a variable is wrong, because the
command line is parsed (and help printed) before the settings are validated.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from collections.abc import Sequence
from typing import NoReturn

from pydantic import ValidationError
from pydantic_settings import CliSettingsSource

from app.settings import SERVE_SETTINGS, Settings
from app.store import Unavailable, open_store

DESCRIPTION = ("Serve the backpropagation visualizer and its API. Every flag may also be set "
               "by its BACKPROP_VIZ_* environment variable (--max-epochs: "
               "BACKPROP_VIZ_MAX_EPOCHS); flags win. See README's settings table.")


def _flag(field: str) -> str:
    return "--" + field.replace("_", "-")


def _explain(exc: ValidationError, argv: Sequence[str]) -> str:
    """One line naming the flag (when given) or the variable that holds the wrong value."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    given = first.get("input")
    flag = _flag(field)
    if any(arg == flag or arg.startswith(flag + "=") for arg in argv):
        return f"{flag}: {given!r} is not valid: {first['msg']}"
    return f"environment variable BACKPROP_VIZ_{field.upper()}: {first['msg']}"


def _usage_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.error(message)  # prints usage and the one line to stderr, exits 2


def _check_db(parser: argparse.ArgumentParser, settings: Settings) -> None:
    """Open the database once now, so a bad --db is a usage error, not a traceback."""
    try:
        open_store(settings.db, settings.session_ttl_hours * 3600).close()
    except Unavailable as exc:
        _usage_error(parser, f"--db: {exc}; start PostgreSQL or give another URL or an "
                             "SQLite file path")
    except (OSError, sqlite3.Error) as exc:
        _usage_error(parser, f"--db {settings.db}: cannot open it as an SQLite file ({exc}); "
                             "give a file path in a writable directory")


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    """Flags over environment over defaults; exits 2 with one line on any mistake."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="backprop-viz", description=DESCRIPTION)
    source: CliSettingsSource[argparse.ArgumentParser] = CliSettingsSource(
        Settings, root_parser=parser)
    try:
        settings = Settings(_cli_settings_source=source(args=args))
    except ValidationError as exc:
        _usage_error(parser, _explain(exc, args))
    _check_db(parser, settings)
    return settings


def main(argv: Sequence[str] | None = None) -> None:
    """Start the server with the settings the command line and environment give."""
    settings = parse_args(argv)
    from app import serve
    if settings.workers > 1:  # uvicorn starts each process from an import string
        os.environ[SERVE_SETTINGS] = settings.model_dump_json()
        serve.run("app.main:create_served_app", settings, factory=True,
                  workers=settings.workers)
        return
    from app.main import create_app

    serve.run(create_app(settings), settings)


if __name__ == "__main__":
    main()
