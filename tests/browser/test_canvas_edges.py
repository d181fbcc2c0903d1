"""Edges drawn on the canvas (past 2,000 weights) are hovered and clicked like SVG ones: a hit
test finds the edge under the pointer and its card shows that edge's numbers, the API's."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
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


def clear_point(page: Page) -> tuple[tuple[int, int], tuple[float, float]]:
    """A whole-pixel point that lies on one edge of LAYER (within 0.5 px) and is well clear of
    every other edge: returns ((source, target), (x, y)). Chosen here, from the neurons' places
    on screen, not by the page."""
    centres = page.evaluate(CENTRES)
    keys = [(s, t) for s in range(LAYERS[LAYER - 1]) for t in range(LAYERS[LAYER])]
    a = np.array([centres[f"n-{LAYER - 1}-{s}"] for s, _ in keys])
    b = np.array([centres[f"n-{LAYER}-{t}"] for _, t in keys])
    f = np.arange(0.15, 0.9, 0.05)
    points = np.round(a[:, None, :] + f[None, :, None] * (b - a)[:, None, :]).reshape(-1, 2)
    owner = np.repeat(np.arange(len(keys)), len(f))
    d = np.empty((len(points), len(keys)))
    for i in range(0, len(points), 2000):  # point-to-segment distances, in slices
        p = points[i:i + 2000, None, :]
        ab = (b - a)[None, :, :]
        t = np.clip(((p - a[None]) * ab).sum(-1) / (ab * ab).sum(-1), 0, 1)
        d[i:i + 2000] = np.hypot(*(a[None] + t[..., None] * ab - p).transpose(2, 0, 1))
    own = d[np.arange(len(points)), owner]
    d[np.arange(len(points)), owner] = np.inf
    margin = np.where(own <= 0.5, d.min(axis=1) - own, -np.inf)
    best = int(np.argmax(margin))
    assert margin[best] >= 2, margin[best]  # the next edge at least 2 px farther
    return keys[owner[best]], (float(points[best][0]), float(points[best][1]))


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
    # It stays outlined while it is explained, the pointer elsewhere.
    page.mouse.move(5, 5)
    outline = page.get_by_test_id("edge-outline")
    expect(outline).to_have_class(re.compile(r"\bselected\b"))
    expect(outline).to_have_attribute("data-id", f"e-{LAYER}-{source}-{target}")
    page.keyboard.press("Escape")
    expect(outline).to_have_count(0)


def test_hovering_a_canvas_edge_lights_its_entries_in_the_matrix_view(new_page) -> None:
    page = new_page("", {"width": 1280, "height": 1400})  # room for the drawing and the view
    open_page(page, HASH + "&matrix=1")
    page.keyboard.press("f")
    idle(page)
    page.keyboard.press("b")
    idle(page)
    # Layer 2 has 1,936 weights: it starts collapsed; open it.
    page.locator(f"details.layer-block[data-layer='{LAYER}'] > summary").click()
    (source, target), (x, y) = clear_point(page)
    page.mouse.move(x, y)
    ref = f"e-{LAYER}-{source}-{target}"
    lit = page.locator("#matrix-view td.linked")
    expect(lit.first).to_be_visible()
    assert set(lit.evaluate_all("(tds) => tds.map((td) => td.dataset.ref)")) == {ref}
    # W and dW both hold it; dW's entry is the trace's gradient of that edge.
    assert lit.count() == 2
    grad = page.get_by_test_id(f"dw-{LAYER}-{target}-{source}").get_attribute("data-value")
    trace = page.request.post(f"/api/networks/{network_id(page)}/step",
                              data={"phase": "backward"}).json()
    assert float(grad or "nan") == edge_of(trace, source, target)["grad"]


def test_tapping_a_canvas_edge_explains_it(browser, server_url: str) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, base_url=server_url,
                                  has_touch=True, is_mobile=True, bypass_csp=True)
    page = context.new_page()
    try:
        open_page(page, HASH)
        page.keyboard.press("f")
        idle(page)
        (source, target), (x, y) = clear_point(page)
        page.touchscreen.tap(x, y)
        panel = page.get_by_test_id("explain-panel")
        state = page.request.get(f"/api/networks/{network_id(page)}").json()
        weight = state["weights"][LAYER - 1][target][source]
        expect(panel.get_by_test_id("weight-input")).to_have_value(repr(weight))
        box = panel.bounding_box()
        assert box and box["y"] > 1366 / 3, box  # the sheet of a small screen
    finally:
        context.close()
