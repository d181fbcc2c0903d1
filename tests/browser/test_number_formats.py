"""Huge and tiny numbers read the same on every part of the network page (7.2×10¹¹, never
JavaScript's 7.2e+11), a non-zero weight never reads as 0, and the loss chart's axis labels
stay left of its frame, in linear and log scale."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page

SCI = r"\u2212?\d(\.\d+)?\u00d710\u207b?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+"


def set_weights(page: Page, server_url: str, weights: dict[tuple[int, int, int], float]) -> None:
    """PATCH the weights of the page's network, then reload (the tab reopens the same one)."""
    net = network_id(page)
    for (layer, source, target), value in weights.items():
        answer = httpx.patch(f"{server_url}/api/networks/{net}", json={
            "weight": {"layer": layer, "source": source, "target": target, "value": value}})
        assert answer.status_code == 200, answer.text
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert network_id(page) == net


def chart(page: Page) -> dict[str, str]:
    return page.evaluate("() => ({...document.querySelector('[data-testid=loss-chart]').dataset})")


def assert_axis_fits(page: Page) -> dict[str, str]:
    axis = chart(page)
    assert float(axis["labelRight"]) < float(axis["frameLeft"]), axis
    return axis


def no_js_exponent(text: str) -> None:
    assert not re.search(r"\de[+-]?\d", text), text


def test_huge_numbers_read_alike_on_labels_panel_status_and_chart(
        page: Page, server_url: str) -> None:
    open_page(page, "#preset=two-two-one")
    # h1 = 2·1e9 + 3·0.21, out ≈ 2e18, E = ½(out − 1)² ≈ 2e36; w6 = 1e-8 is tiny, not zero.
    set_weights(page, server_url, {(1, 0, 0): 1e9, (2, 0, 0): 1e9, (2, 1, 0): 1e-8})
    expect(page.get_by_test_id("weight-e-2-1-0")).to_have_text("1\u00d710\u207b\u2078")
    expect(page.get_by_test_id("weight-e-1-0-0")).to_have_text("1\u00d710\u2079")
    page.get_by_test_id("forward").click()
    idle(page)
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("2\u00d710\u00b9\u2078")
    expect(page.get_by_test_id("loss-value")).to_have_text("E = 2\u00d710\u00b3\u2076")
    step = page.get_by_test_id("step-count")
    expect(step).to_have_text("step 0 \u00b7 E = 2\u00d710\u00b3\u2076")
    page.get_by_test_id("node-n-2-0").click()
    panel = page.get_by_test_id("explain-panel")
    expect(panel).to_contain_text(
        "= 2\u00d710\u2079 \u00b7 1\u00d710\u2079 + 0.48 \u00b7 1\u00d710\u207b\u2078")
    no_js_exponent(panel.inner_text())
    page.get_by_test_id("node-n-2-0").hover()
    tooltip = page.locator("#tooltip")
    expect(tooltip).to_contain_text("2\u00d710\u00b9\u2078")
    no_js_exponent(tooltip.inner_text())
    no_js_exponent(page.locator("#narration").inner_text())
    axis = assert_axis_fits(page)
    assert (axis["axisTop"], axis["axisBottom"]) == ("2\u00d710\u00b3\u2076", "0")
    page.get_by_test_id("loss-log").check()
    axis = assert_axis_fits(page)
    top, bottom = "1\u00d710\u00b3\u2077", "1\u00d710\u00b3\u2076"
    assert (axis["axisTop"], axis["axisBottom"]) == (top, bottom)


def test_a_tiny_loss_fills_the_chart_and_reads_alike(page: Page, server_url: str) -> None:
    open_page(page, "#preset=two-two-one")
    # out = h1·w5 = 1 + 1e-6 (h1 = 0.85), target 1: E = ½·1e-12 = 5e-13.
    set_weights(page, server_url, {(2, 0, 0): (1 + 1e-6) / 0.85, (2, 1, 0): 0.0})
    page.get_by_test_id("forward").click()
    idle(page)
    loss = page.get_by_test_id("loss-value").text_content() or ""
    assert loss == "E = 5\u00d710\u207b\u00b9\u00b3", loss
    expect(page.get_by_test_id("step-count")).to_have_text(f"step 0 \u00b7 {loss}")
    axis = assert_axis_fits(page)
    # The top of a linear chart is the loss itself, not a floor of 1e-9 (the curve was flat).
    assert (axis["axisTop"], axis["axisBottom"]) == (loss.removeprefix("E = "), "0")
    page.get_by_test_id("loss-log").check()
    axis = assert_axis_fits(page)
    assert re.fullmatch(SCI, axis["axisTop"]) and re.fullmatch(SCI, axis["axisBottom"]), axis
    assert (axis["axisTop"], axis["axisBottom"]) == ("1\u00d710\u207b\u00b9\u00b2",
                                                     "1\u00d710\u207b\u00b9\u00b3")


def test_the_circuit_page_writes_extreme_numbers_the_same_way(page: Page) -> None:
    page.goto("/circuits?preset=add-multiply")  # (x + y) * z
    page.wait_for_selector("#circuit-svg .gate")
    steps = (("x", "1e-8", "\u221220.0000"), ("y", "0", "\u22124\u00d710\u207b\u2078"),
             ("z", "7.2e8", "7.2000"))  # out = 1e-8 · 7.2e8
    for name, value, output in steps:
        page.fill(f"#circuit-input-{name}", value)
        page.press(f"#circuit-input-{name}", "Tab")  # one change event (blur)
        expect(page.locator("#circuit-output")).to_have_text(output)
    values = page.locator("#circuit-svg text.value").all_text_contents()
    assert "1\u00d710\u207b\u2078" in values and "7.2\u00d710\u2078" in values, values
    assert page.locator("#circuit-input-x").input_value() == "1e-8"  # not 0
    no_js_exponent(page.locator("#circuit-check tbody").inner_text())
    no_js_exponent(" ".join(page.locator("#circuit-svg text").all_text_contents()))


def test_a_weight_beyond_the_limit_is_explained_in_the_same_number_form(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    page.get_by_test_id("weight-input").fill("2e9")
    page.get_by_test_id("weight-set").click()
    expect(page.get_by_test_id("message")).to_contain_text(
        "Values are limited to |x| \u2264 1\u00d710\u2079.")
    expect(page.get_by_test_id("weight-e-2-0-0")).to_have_text("0.14")  # w5 unchanged
