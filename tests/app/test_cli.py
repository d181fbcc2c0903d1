"""The command line: every mistake is a one-line usage error (exit 2), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS` with a clean BACKPROP_VIZ_* environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BACKPROP_VIZ_")}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, text=True,
                          capture_output=True, env={**clean, **(env or {})}, timeout=60)


@pytest.mark.parametrize("args,says", [
    (["--session-ttl-hours", "-1"], "--session-ttl-hours: '-1' is not valid: Input should be "
                                    "greater than 0"),
    (["--port", "70000"], "--port: '70000' is not valid: Input should be less than or equal "
                          "to 65535"),
    (["--log-level", "bogus"], "--log-level: 'bogus' is not valid: Input should be 'critical'"),
    (["--max-epochs=0"], "--max-epochs: '0' is not valid: Input should be greater than or "
                         "equal to 1"),
    (["--cache-mb", "-1"], "--cache-mb: '-1' is not valid: Input should be greater than or "
                           "equal to 0"),
    (["--step-commit", "maybe"], "--step-commit: 'maybe' is not valid: Input should be "
                                 "'fast' or 'durable'"),
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["--db", "/tmp"], "--db /tmp: cannot open it as an SQLite file"),
])
def test_bad_flag_is_a_usage_error(args: list[str], says: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert says in result.stderr.strip().splitlines()[-1]


def test_bad_environment_variable_is_a_usage_error() -> None:
    result = run(env={"BACKPROP_VIZ_MAX_EPOCHS": "abc"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "BACKPROP_VIZ_MAX_EPOCHS" in result.stderr.strip().splitlines()[-1]


def test_help_works_with_a_bad_environment_variable() -> None:
    result = run("--help", env={"BACKPROP_VIZ_MAX_EPOCHS": "abc"})
    assert result.returncode == 0
    assert "--log-level {critical,error,warning,info,debug,trace}" in result.stdout
