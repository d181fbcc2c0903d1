"""Helpers for the browser tests of the network page (a helper module, not a test module):
open it, wait for it to be idle, read its network id, measure what it draws."""

from __future__ import annotations

from playwright.sync_api import Page

MINUS = "\u2212"


def open_page(page: Page, hash_: str = "") -> None:
    """Open the network page at `hash_` and wait until its first network is drawn."""
    page.goto(f"/{hash_}")
    page.wait_for_selector("body[data-ready=true]")


def idle(page: Page) -> None:
    """Wait until every queued action has run and its pass has finished animating (the
    numbers are all visible). `busy` covers the moment a click's request is still out."""
    page.wait_for_function(
        "() => { const d = document.querySelector('[data-testid=network]').dataset;"
        " return !d.animating && !d.busy; }")


def network_id(page: Page) -> str:
    """The id of the network the page shows now."""
    return page.get_attribute("[data-testid=network]", "data-network") or ""


def wait_new_network(page: Page, old: str) -> None:
    """Wait until the page shows a network other than `old`."""
    page.wait_for_function(
        "old => { const id = document.querySelector('[data-testid=network]').dataset.network;"
        " return id && id !== old; }", arg=old)


def set_field(page: Page, element_id: str, value: str) -> None:
    """Type into a field and commit it (the page reacts to `change`, as after Enter or Tab)."""
    field = page.locator(f"#{element_id}")
    field.fill(value)
    field.dispatch_event("change")
