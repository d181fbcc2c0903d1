"""Accessible to every student: axe-core finds no WCAG 2.1 A/AA violation on either page, at
each classroom size, after a forward and backward pass (the most numbers on screen) and in
presenter mode; every control is reachable by keyboard; the drawing has a text alternative."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import violations
from tests.support.page import idle, open_page

SIZES = {"projector": (1920, 1080), "laptop": (1280, 720), "tablet": (768, 1024),
         "phone": (390, 844)}


def _passes(page: Page) -> None:
    for phase in ("forward", "backward"):
        page.keyboard.press(phase[0])
        idle(page)


@pytest.mark.parametrize("size", SIZES)
def test_network_page_has_no_wcag_violation(new_page, size: str) -> None:
    width, height = SIZES[size]
    page = new_page(size, {"width": width, "height": height})
    open_page(page)
    _passes(page)
    assert violations(page) == []
    page.keyboard.press("p")  # presenter mode: bigger, the setup in a drawer
    assert violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_circuits_page_has_no_wcag_violation(new_page, size: str) -> None:
    width, height = SIZES[size]
    page = new_page(size, {"width": width, "height": height})
    page.goto("/circuits")
    page.wait_for_selector("#circuit-svg .gate")
    assert violations(page) == []


def test_every_control_is_reachable_by_keyboard(page: Page) -> None:
    open_page(page)
    controls = page.evaluate(
        "() => [...document.querySelectorAll('button, input, select, a[href], [tabindex]')]"
        ".filter(e => e.offsetParent !== null && !e.disabled && e.tabIndex >= 0)"
        ".map(e => e.id || e.dataset.testid || e.textContent.trim().slice(0, 20))")
    reached: set[str] = set()
    for _ in range(len(controls) + 40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.id || e.dataset.testid || e.textContent.trim().slice(0, 20); }"))
    assert set(controls) <= reached, sorted(set(controls) - reached)


def test_the_drawing_has_a_text_alternative(page: Page) -> None:
    open_page(page)
    _passes(page)
    summary = page.locator("[data-testid=network-text]")
    expect(summary).to_be_attached()
    text = summary.inner_text()
    # The 2-2-1 article's numbers: out 0.191 after forward; ∂E/∂w5 −0.68765 after backward.
    assert "0.191" in text and "0.688" in text and "w5" in text
