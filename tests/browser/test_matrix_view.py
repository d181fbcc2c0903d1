"""The matrix view: its dW entries are the trace's edge gradients; hover links both ways."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page


def test_dw_entries_equal_the_traces_edge_gradients(page: Page, server_url: str) -> None:
    open_page(page, "#preset=xor&layers=2,3,2,1&activations=tanh,relu,sigmoid&loss=bce&matrix=1")
    view = page.get_by_test_id("matrix-view")
    expect(view).to_be_visible()
    expect(view).to_contain_text("Samples in columns")
    page.get_by_test_id("backward").click()
    idle(page)
    expect(view.locator(".phase-backward").first).to_be_visible()
    trace = httpx.post(f"{server_url}/api/networks/{network_id(page)}/step",
                       json={"phase": "backward"}).json()
    cells = view.locator("[data-testid^=dw-]")
    assert cells.count() == len(trace["edges"]) == 2 * 3 + 3 * 2 + 2 * 1
    for edge in trace["edges"]:
        cell = view.get_by_test_id(f"dw-{edge['layer']}-{edge['target']}-{edge['source']}")
        assert float(cell.get_attribute("data-value") or "nan") == edge["grad"]
    # W is 3×2 in layer 1 (neurons × inputs), its caption says so
    assert "3×2" in view.locator("[data-layer='1'] .mat figcaption").first.inner_text()
    # A⁰ holds all 4 samples in columns: the XOR inputs, column by column
    inputs = view.locator("[data-layer='1'] .phase-forward .mat").nth(1)
    expect(inputs.locator("figcaption")).to_contain_text("2×4")
    column_major = [float(v or "nan") for v in
                    (td.get_attribute("data-value") for td in inputs.locator("td").all())]
    assert column_major == [0, 0, 1, 1, 0, 1, 0, 1]


def test_hover_lights_the_edge_and_back_and_the_convention_flips(page: Page) -> None:
    open_page(page, "#preset=xor&matrix=1")
    view = page.get_by_test_id("matrix-view")
    page.get_by_test_id("forward").click()
    idle(page)
    cell = view.locator("td[data-ref='e-2-1-0']").first
    cell.hover()
    expect(page.locator("line#e-2-1-0")).to_have_class("edge linked")
    page.get_by_test_id("node-n-1-0").hover()  # hidden neuron 1: its row of W1, column of W2
    lit = {el.get_attribute("data-ref") for el in view.locator("td.linked").all()}
    assert {"e-1-0-0", "e-1-1-0", "e-2-0-0"} <= lit and "e-1-0-1" not in lit
    page.get_by_test_id("matrix-flip").click()
    expect(view).to_contain_text("Samples in rows")
    assert "rows=1" in page.evaluate("location.hash")
    expect(view.locator("[data-layer='1'] figcaption").nth(1)).to_contain_text("2×2")
    page.get_by_test_id("matrix-toggle").click()
    expect(view).to_be_hidden()
    assert "matrix" not in page.evaluate("location.hash")


def test_a_large_layer_starts_collapsed_and_many_samples_are_cut(page: Page) -> None:
    open_page(page, "#preset=xor&dataset=circle&layers=2,40,40,1"
                    "&activations=tanh,tanh,sigmoid&matrix=1")
    page.get_by_test_id("forward").click()
    idle(page)
    view = page.get_by_test_id("matrix-view")
    big = view.locator("details[data-layer='2']")
    expect(big).not_to_have_attribute("open", "")
    assert big.locator("td").count() == 0
    big.locator("summary").click()
    expect(big.locator("figcaption").first).to_contain_text("40×40")
    inputs = view.locator("details[data-layer='1'] .phase-forward .mat").nth(1)
    expect(inputs.locator("figcaption")).to_contain_text("2×200 (24 shown)")
    assert inputs.locator("td").count() == 2 * 24
