"""The circuit page's status line counts gates and wires in plain English."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def trace(page: Page, expression: str) -> None:
    page.fill("#circuit-expression", expression)
    page.click("#circuit-trace")
    expect(page.locator("#circuit-expression")).to_have_value(expression)


def test_one_gate_and_one_wire_are_singular(page: Page) -> None:
    page.goto("/circuits")
    # The page opens on its default circuit; typing before that first trace is drawn would be
    # overwritten by it.
    page.wait_for_selector("#circuit-svg .gate")
    trace(page, "3")
    expect(page.locator("#circuit-status")).to_have_text("0 gates, 1 wire")
    trace(page, "max(x, x)")
    expect(page.locator("#circuit-status")).to_have_text("1 gate, 2 wires")
    trace(page, "x * y")
    expect(page.locator("#circuit-status")).to_have_text("1 gate, 3 wires")
