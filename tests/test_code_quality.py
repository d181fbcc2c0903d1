"""The linters the project is kept clean with (config in pyproject.toml) run with the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=240)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_engine_and_app() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_never_imports_the_web_stack() -> None:
    """engine/ knows nothing of HTTP: no fastapi, pydantic, starlette or app imports."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "engine").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.lstrip().startswith(("import ", "from "))
        and line.split()[1].split(".")[0] in {"fastapi", "pydantic", "starlette", "httpx", "app"}
    ]
    assert offenders == []
