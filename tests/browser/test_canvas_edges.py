"""Edges drawn on the canvas (past 2,000 weights) are hovered and clicked like SVG ones: a hit
test finds the edge under the pointer and its card shows that edge's numbers, the API's."""

from __future__ import annotations

import math
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page

LAYERS = [2, 44, 44, 44, 1]  # 4,004 weights: on the canvas
HASH = ("#preset=xor&dataset=circle&samples=200&layers=" + ",".join(map(str, LAYERS))
        + "&activations=tanh,tanh,tanh,sigmoid&optimizer=momentum")
LAYER = 2  # the weights between the first and second hidden layers

# Each neuron's centre on screen, by id.
CENTRES = """() => Object.fromEntries([...document.querySelectorAll('#network g.node')]
  .map((g) => { const r = g.querySelector('circle.body').getBoundingClientRect();
                return [g.id, [r.x + r.width / 2, r.y + r.height / 2]]; }))"""


def distance(p: tuple[float, float], a: list[float], b: list[float]) -> float:
    """From point p to segment ab."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1])


def clear_point(page: Page) -> tuple[tuple[int, int], tuple[float, float]]:
    """A point on one edge of LAYER well clear of every other edge (and of every neuron):
    returns ((source, target), (x, y)). Chosen here, from the neurons' places, not by the page."""
    centres = page.evaluate(CENTRES)
    segments = {(s, t): (centres[f"n-{LAYER - 1}-{s}"], centres[f"n-{LAYER}-{t}"])
                for s in range(LAYERS[LAYER - 1]) for t in range(LAYERS[LAYER])}
    best: tuple[float, tuple[int, int], tuple[float, float]] | None = None
    for key in list(segments)[::37]:
        a, b = segments[key]
        for f in (0.3, 0.5, 0.7):
            p = (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
            gap = min(distance(p, *seg) for k, seg in segments.items() if k != key)
            if best is None or gap > best[0]:
                best = (gap, key, p)
    assert best is not None and best[0] >= 3, best  # at least 3 px from any other edge
    return best[1], best[2]


def card(page: Page) -> dict[str, float]:
    """The hover card's numbers by field (their exact values, from each cell's title)."""
    tip = page.get_by_test_id("tooltip")
    expect(tip).to_be_visible()
    cells = tip.locator("td[data-field], td[data-state]")
    out: dict[str, float] = {}
    for i in range(cells.count()):
        cell = cells.nth(i)
        key = cell.get_attribute("data-field") or cell.get_attribute("data-state") or ""
        out[key] = float(cell.get_attribute("title") or "nan")
    return out


def edge_of(trace: dict[str, Any], source: int, target: int) -> dict[str, Any]:
    return next(e for e in trace["edges"]
                if (e["layer"], e["source"], e["target"]) == (LAYER, source, target))


def test_hovering_a_canvas_edge_shows_its_numbers(page: Page) -> None:
    open_page(page, HASH)
    expect(page.get_by_test_id("network")).to_have_class("edges-on-canvas")
    page.keyboard.press("f")
    idle(page)
    page.keyboard.press("b")
    idle(page)
    (source, target), (x, y) = clear_point(page)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).id", [x, y]) == "network"
    page.mouse.move(x, y)
    shown = card(page)
    # The per-edge trace of the same backward pass (asking again recomputes the same numbers).
    trace = page.request.post(f"/api/networks/{network_id(page)}/step",
                              data={"phase": "backward"}).json()
    edge = edge_of(trace, source, target)
    assert shown["weight"] == edge["weight"]
    assert shown["signal"] == edge["signal"]
    assert shown["grad"] == edge["grad"]
    expect(page.get_by_test_id("edge-outline")).to_have_attribute(
        "data-id", f"e-{LAYER}-{source}-{target}")

    # Away from every edge the card goes; back on the edge after an update it tells the move
    # and the optimizer's state, as the server now holds them.
    page.mouse.move(5, 5)
    expect(page.get_by_test_id("tooltip")).to_be_hidden()
    page.keyboard.press("u")
    idle(page)
    page.mouse.move(x, y)
    shown = card(page)
    state = page.request.get(f"/api/networks/{network_id(page)}").json()
    assert state["step"] == 1
    assert shown["old_weight"] == edge["weight"]
    assert shown["new_weight"] == state["weights"][LAYER - 1][target][source]
    velocity = state["optimizer"]["velocity"]["weights"][LAYER - 1][target][source]
    assert shown["velocity"] == velocity != 0

    # A click (or a tap) on it explains it, as for an SVG edge.
    page.mouse.click(x, y)
    panel = page.get_by_test_id("explain-panel")
    expect(panel.get_by_test_id("weight-input")).to_have_value(repr(shown["new_weight"]))
