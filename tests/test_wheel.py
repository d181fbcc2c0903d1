"""The package as a teacher installs it: build the wheel and the sdist, install the wheel into a
fresh virtual environment, start `backprop-viz` from another folder, and fetch both pages, the
API docs and every file the pages load (stylesheets, scripts and each ES module they import).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/", "/circuits", "/docs", "/redoc", "/api/health", "/openapi.json")
ASSET = re.compile(r"""(?:src|href)=["'](/[^"']+\.(?:js|css|png|svg|ico))["']""")
IMPORT = re.compile(r"""(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}/[^"']+)["']""")

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel and an sdist built from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", out, ROOT)
    return out


def test_wheel_and_sdist_carry_the_page(dist: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("app/site/templates/index.html", "app/site/templates/circuits.html",
                 "app/site/static/js/main.js", "app/site/static/css/app.css",
                 "engine/nn/passes.py"):
        assert path in names, path
    assert not any(n.startswith(("tests/", "static/", "templates/")) for n in names)
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as archive:
        members = {m.split("/", 1)[1] for m in archive.getnames() if "/" in m}
    for path in ("static/js/main.js", "templates/index.html", "app/paths.py", "README.md"):
        assert path in members, path


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`backprop-viz` from a fresh venv holding only the wheel, serving from an empty folder."""
    home = tmp_path_factory.mktemp("teacher")
    venv = home / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "pip", "install", "-q", next(dist.glob("*.whl")))
    port = free_port()
    elsewhere = home / "elsewhere"
    elsewhere.mkdir()
    server = subprocess.Popen(
        [venv / "bin" / "backprop-viz", "--port", str(port), "--db", home / "db.sqlite3"],
        cwd=elsewhere, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _assets(base: str, client: httpx.Client) -> dict[str, int]:
    """Every script, stylesheet and image the pages and API docs reference, ES module imports
    followed."""
    seen: dict[str, int] = {}
    todo = [m for page in ("/", "/circuits", "/docs", "/redoc")
            for m in ASSET.findall(client.get(base + page).text)]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        response = client.get(base + path)
        seen[path] = response.status_code
        if path.endswith(".js") and response.status_code == 200:
            todo += [urljoin(path, rel) for rel in IMPORT.findall(response.text)]
    return seen


def test_installed_app_serves_pages_docs_and_every_asset(installed: str) -> None:
    with httpx.Client(timeout=10) as client:
        for page in PAGES:
            assert client.get(installed + page).status_code == 200, page
        assets = _assets(installed, client)
    assert {p: s for p, s in assets.items() if s != 200} == {}
    assert "/static/js/main.js" in assets and "/static/js/circuit/main.js" in assets
    assert len([p for p in assets if p.endswith(".js")]) >= 20  # the imports were followed
