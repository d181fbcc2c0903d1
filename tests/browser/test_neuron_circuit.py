"""A network's neuron as a circuit (issue 11, item 14): a 10-input neuron fits its panel with σ
and the output in view, and decomposing it keeps it the network's neuron (same gradients, the
banner stays) instead of silently turning into a free circuit."""

from __future__ import annotations

import numpy as np
from playwright.sync_api import Page, expect

from tests.browser.test_circuit_fits import assert_fits

ROWS = np.random.default_rng(4).normal(size=(6, 10)).round(3).tolist()


def _ten_input_neuron(page: Page) -> tuple[str, float]:
    created = page.request.post("/api/networks", data={
        "layers": [10, 1], "activations": ["sigmoid"], "loss": "bce",
        "inputs": ROWS, "targets": [[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]]}).json()
    circuit = page.request.get(
        f"/api/networks/{created['id']}/neurons/1/0/circuit?sample=0").json()
    return created["id"], circuit["inputs"]["w1"]["grad"]


def test_a_ten_input_neuron_fits_with_its_output_in_view(page: Page) -> None:
    ident, _ = _ten_input_neuron(page)
    page.goto(f"/circuits?network={ident}&layer=1&index=0")
    page.wait_for_selector("#circuit-svg .gate")
    assert_fits(page)
    output = page.locator("#circuit-svg .gate").last.bounding_box()
    canvas = page.locator(".circuit-canvas").bounding_box()
    assert output and canvas
    right = output["x"] + output["width"]
    assert canvas["x"] <= output["x"] and right <= canvas["x"] + canvas["width"]


def test_decomposing_keeps_the_networks_neuron(page: Page) -> None:
    ident, w1_grad = _ten_input_neuron(page)
    page.goto(f"/circuits?network={ident}&layer=1&index=0")
    page.wait_for_selector("#circuit-svg .gate")
    banner = page.locator("#circuit-neuron")
    expect(banner).to_be_visible()
    row = page.locator("#circuit-check tr").nth(1)
    before = row.locator("td").all_inner_texts()
    page.check("#circuit-decompose")
    page.click("#circuit-trace")
    page.wait_for_function("() => document.querySelectorAll('#circuit-svg .gate').length > 12")
    expect(banner).to_be_visible()  # still the network's neuron, not a free circuit
    assert row.locator("td").all_inner_texts() == before  # the network's gradients, unchanged
    decomposed = page.request.get(
        f"/api/networks/{ident}/neurons/1/0/circuit?sample=0&decompose=true").json()
    assert abs(decomposed["inputs"]["w1"]["grad"] - w1_grad) < 1e-12
