"""Real-browser fixtures: the app under uvicorn on 127.0.0.1 and Debian's headless Chromium.

Every test gets a `page` that fails the test on any console error, uncaught page error or
request to a host other than the app's, and saves a screenshot to test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.live import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# A full step animates forward and backward (about 4 s for the 2-2-1 network) before the
# update's numbers exist; on a loaded CI machine the animation frames slip past Playwright's
# 5 s default. Assertions still fail on wrong values, only later.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `python -m app` on a free port with a throw-away database; yield its base URL."""
    db = tmp_path_factory.mktemp("browser-db") / "sessions.sqlite3"
    log_path = tmp_path_factory.mktemp("browser-log") / "uvicorn.log"
    with log_path.open("w") as log, running_app(db, log=log) as live:
        yield live.url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no downloaded browser builds here)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, server_url: str, request: pytest.FixtureRequest) -> Iterator[object]:
    """A factory of fresh pages, each in its own browser context (its own cookies and storage:
    another person's device), at `viewport` (1280×720 by default). Each page fails the test on
    a console error, an uncaught page error or a request to a host other than the app's, and
    leaves a screenshot in test-artifacts/ (the test's name, then the page's `name`)."""
    app_netloc = urlsplit(server_url).netloc
    opened: list[tuple[object, object, str, list[str]]] = []
    csp = request.node.get_closest_marker("csp") is not None

    def make(name: str = "", viewport: dict[str, int] | None = None) -> object:
        # Playwright evaluates string predicates with eval, which the app's CSP forbids; tests
        # marked `csp` (tests/browser/test_security_policy.py) run under the real policy.
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 720},
                                      base_url=server_url, bypass_csp=not csp)
        page = context.new_page()
        problems: list[str] = []

        def on_console(msg) -> None:
            if msg.type == "error":
                problems.append(f"console error{f' ({name})' if name else ''}: {msg.text}")

        def on_request(req) -> None:
            parts = urlsplit(req.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != app_netloc:
                problems.append(f"request left the app: {req.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}\n{exc.stack or ''}"))
        page.on("request", on_request)
        page.console_problems = problems  # tests that expect an error may inspect and clear it
        opened.append((context, page, name, problems))
        return page

    yield make
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    problems: list[str] = []
    for context, page, name, own in opened:
        try:
            suffix = f"-{name}" if name else ""
            page.screenshot(path=str(SCREENSHOTS / f"{test}{suffix}.png"), full_page=True)
        finally:
            context.close()
        problems += own
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page) -> object:
    """A fresh 1280×720 page; asserts no console errors and no off-machine requests."""
    return new_page()
