"""A server started with lower limits: the page reads them from GET /api/limits and holds
the user to them before sending anything (no refused request, no console error)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.live import running_app


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("small-limits") / "sessions.sqlite3"
    env = {"BACKPROP_VIZ_MAX_LAYERS": "4", "BACKPROP_VIZ_MAX_EPOCHS": "300"}
    with running_app(db, env=env) as live:
        yield live.url


@pytest.fixture
def small_page(browser, small_server: str) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1280, "height": 720},
                                  base_url=small_server)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page, problems
    context.close()


def test_the_page_holds_to_the_servers_own_limits(small_page: tuple[Page, list[str]],
                                                  tmp_path: Path) -> None:
    page, problems = small_page
    page.goto("/#preset=xor&layers=2,4,4,4,1")  # 5 layers: one more than this server takes
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_test_id("message")).to_contain_text("4 layers")
    expect(page.locator("[data-testid^=node-n-]").first).to_be_visible()
    page.goto("/#preset=xor&layers=2,4,4,1")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("[data-testid^=node-n-3-]")).to_have_count(1)
    expect(page.get_by_test_id("add-layer")).to_be_disabled()
    expect(page.get_by_test_id("add-layer")).to_have_attribute("title", "At most 4 layers, "
                                                                "input and output included "
                                                                "(the server's limit)")
    page.get_by_test_id("epochs").fill("301")
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("message")).to_contain_text("1 to 300")
    assert problems == []  # every mistake was caught before a request
