"""Phones and tablets, both orientations, measured: the network fills the width, no page
scrolls sideways, the phase buttons sit in a bar at the bottom, the setup is a drawer, the
panels come below, and tapping an edge opens its explanation as a sheet. Also the circuits
page. The four-size screenshots of the 2-2-1 after a backward pass go to docs/screens/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.live import ROOT
from tests.support.page import DRAWING_MEASURES, backward_done, collisions, open_page

SIZES = [(390, 844), (844, 390), (768, 1024), (1024, 768)]
SCREENS = ROOT / "docs" / "screens"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_network_fills_a_small_screen_without_sideways_scrolling(
        page: Page, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, "#preset=two-two-one")
    backward_done(page)
    measures = page.evaluate(DRAWING_MEASURES)
    assert measures["area"]["w"] >= 0.95 * size[0], measures["area"]  # the drawing: full width
    assert measures["span"] >= 0.7, measures["span"]
    assert collisions(measures) == []
    assert measures["scrollWidth"] <= size[0]
    for name in ("forward", "backward", "update", "step"):  # in reach: on screen, at the bottom
        box = page.get_by_test_id(name).bounding_box()
        assert box and box["y"] + box["height"] <= size[1] and box["y"] >= size[1] - 80, (name, box)
        assert box["height"] >= 40  # a thumb's target
    page.get_by_test_id("setup-button").click()
    expect(page.get_by_test_id("preset")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("preset")).to_be_hidden()


def test_tapping_an_edge_explains_it_in_a_sheet(browser, server_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server_url,
                                  has_touch=True, is_mobile=True, bypass_csp=True)
    page = context.new_page()
    try:
        open_page(page, "#preset=two-two-one")
        backward_done(page)
        page.get_by_test_id("edge-hit-e-2-0-0").tap()
        panel = page.get_by_test_id("explain-panel")
        expect(panel).to_contain_text("Weight w5")
        expect(panel).to_contain_text("= (\u22120.809) \u00b7 0.85 = \u22120.68765")
        box = panel.bounding_box()
        assert box and box["y"] + box["height"] <= 844 and box["y"] > 844 / 3, box  # a sheet
        assert page.get_by_test_id("forward").bounding_box()["y"] >= box["y"] + box["height"] - 1
        page.get_by_role("button", name="Close the explanation").tap()
        expect(panel).to_contain_text("Click a neuron or an edge")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


@pytest.mark.parametrize("size", [(390, 844), (768, 1024)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_circuits_page_fits_a_small_screen(page: Page, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/circuits?preset=one-neuron")
    page.wait_for_selector("#circuit-svg .gate")
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    drawing = page.locator("#circuit-svg").bounding_box()
    assert drawing and drawing["width"] >= 0.85 * size[0], drawing


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (768, 1024), (390, 844)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_screenshots_of_the_two_two_one_after_a_backward_pass(
        page: Page, size: tuple[int, int]) -> None:
    """The pictures under docs/screens/ for review: refreshed by running this test."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, "#preset=two-two-one")
    backward_done(page)
    page.mouse.move(0, 0)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"two-two-one-backward-{size[0]}x{size[1]}.png"))
    assert collisions(page.evaluate(DRAWING_MEASURES)) == []
