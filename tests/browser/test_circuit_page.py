"""The circuit page in a real browser: seed 004's numbers, the nudge, errors, a network neuron."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser


def open_preset(page, preset: str = "one-neuron") -> None:
    page.goto(f"/circuits?preset={preset}")
    page.wait_for_selector("#circuit-svg .gate")


def test_one_neuron_numbers_appear(page) -> None:
    open_preset(page)
    assert page.locator("#circuit-output").inner_text() == "0.8808"
    grads = page.locator("#circuit-svg text.grad").all_text_contents()
    for grad in ("\u22120.1050", "0.3150", "0.1050", "0.2100", "1.0000"):
        assert grad in grads
    assert "0.8808" in page.locator("#circuit-svg text.value").all_text_contents()
    table = page.locator("#circuit-check tbody").inner_text()
    for text in ("\u22120.104994", "0.314981", "0.209987", "✓ agree"):
        assert text in table
    assert "differ" not in table
    assert page.locator("#circuit-check tbody tr").count() == 5


def test_values_and_gradients_are_drawn_in_two_colours(page) -> None:
    open_preset(page)
    value = page.locator("#circuit-svg text.value").first.evaluate("e => getComputedStyle(e).fill")
    grad = page.locator("#circuit-svg text.grad").first.evaluate("e => getComputedStyle(e).fill")
    assert value != grad


def test_nudge_shows_the_new_output(page) -> None:
    open_preset(page)
    page.click("#circuit-nudge")
    page.wait_for_selector("#circuit-nudged-output")
    assert page.locator("#circuit-nudged-output").inner_text() == "0.882550"
    assert "0.880797 → 0.882550" in page.locator("#circuit-nudge-result").inner_text()
    page.click("#circuit-apply-nudge")
    page.wait_for_function(
        "document.getElementById('circuit-output').textContent === '0.8826'")


def test_editing_an_input_retraces(page) -> None:
    open_preset(page, "add-multiply")
    assert page.locator("#circuit-output").inner_text() == "\u221212.0000"
    page.fill("#circuit-input-z", "2")
    page.dispatch_event("#circuit-input-z", "change")
    page.wait_for_function(
        "document.getElementById('circuit-output').textContent === '6.0000'")


def test_unsafe_expression_shows_the_error(page) -> None:
    open_preset(page)
    page.fill("#circuit-expression", "__import__('os')")
    page.click("#circuit-trace")
    error = page.locator("#circuit-error")
    error.wait_for(state="visible")
    assert "__import__" in error.inner_text()
    assert "not allowed" in error.inner_text()
    # The page reports the 422 in the console as a failed resource; that one is expected.
    page.console_problems[:] = [p for p in page.console_problems if "422" not in p]


def test_decompose_toggle_draws_elementary_gates(page) -> None:
    open_preset(page, "sigmoid-decomposed")
    assert page.locator("#circuit-svg .gate").count() == 4
    assert page.locator("#circuit-output").inner_text() == "0.7311"
    assert "0.1966" in page.locator("#circuit-svg text.grad").all_text_contents()
    page.uncheck("#circuit-decompose")
    page.wait_for_function("document.querySelectorAll('#circuit-svg .gate').length === 1")


def test_forward_and_backward_animation_run_to_the_end(page) -> None:
    open_preset(page, "add-multiply")
    page.select_option("#circuit-speed", "300")
    page.click("#circuit-play-both")
    page.wait_for_selector("#circuit-svg .gate.active")
    page.wait_for_function(
        "document.getElementById('circuit-status').textContent.startsWith('done')", timeout=30_000)
    assert page.locator("#circuit-svg text.hidden").count() == 0


def test_network_neuron_opens_from_the_query_string(page, server_url: str) -> None:
    created = httpx.post(f"{server_url}/api/networks", json={"preset": "two-two-one"})
    assert created.status_code == 201, created.text
    network_id = created.json()["id"]
    api = httpx.get(f"{server_url}/api/networks/{network_id}/neurons/2/0/circuit").json()
    page.goto(f"/circuits?network={network_id}&layer=2&index=0")
    page.wait_for_selector("#circuit-neuron:not([hidden])")
    assert "Neuron out (" in page.locator("#circuit-neuron").inner_text()
    assert "sample 1" in page.locator("#circuit-neuron").inner_text()
    assert page.locator("#circuit-check th.network-col").count() == 1
    table = page.locator("#circuit-check tbody").inner_text()
    assert shown(api["inputs"]["w0"]["grad"], 6) in table
    assert page.locator("#circuit-output").inner_text() == shown(api["output"], 4)


def shown(value: float, digits: int) -> str:
    """The page's fixed-decimal form, with the typographic minus."""
    return f"{value:.{digits}f}".replace("-", "\u2212")


def test_expand_into_gates_uses_the_network_pages_names(page, server_url: str) -> None:
    """h1 of 2-2-1: its circuit reads w1·i1 + w2·i2 with w2 = 0.21 (the network's w2), in ∂E."""
    created = httpx.post(f"{server_url}/api/networks", json={"preset": "two-two-one"})
    network_id = created.json()["id"]
    page.goto(f"/circuits?network={network_id}&layer=1&index=0&sample=0")
    page.wait_for_selector("#circuit-neuron:not([hidden])")
    info = page.locator("#circuit-neuron").inner_text()
    assert "Neuron h1" in info and "sample 1" in info and "\u2202L" not in info
    assert page.locator("#circuit-expression").input_value() == "w1*i1 + w2*i2"
    rows = page.locator("#circuit-check tbody tr")
    assert [rows.nth(i).get_attribute("data-input") for i in range(4)] == ["w1", "i1", "w2", "i2"]
    assert page.locator("#circuit-input-w2").input_value() == "0.21"
    assert "\u2202L" not in page.locator("#circuit-check thead").inner_text()
    labels = page.locator("#circuit-svg .source text.name").all_text_contents()
    assert set(labels) == {"w1", "i1", "w2", "i2"}


def test_bad_values_and_long_names_get_readable_messages(page) -> None:
    open_preset(page, "add-multiply")
    page.fill("#circuit-input-z", "1e400")
    page.dispatch_event("#circuit-input-z", "change")
    error = page.locator("#circuit-error")
    error.wait_for(state="visible")
    assert "finite" in error.inner_text()
    page.fill("#circuit-expression", "a" * 1000 + " + 1")
    page.click("#circuit-trace")
    page.wait_for_function(
        "document.getElementById('circuit-error').textContent"
        ".includes('longer than 32 characters')")
    box = error.bounding_box()
    assert box and box["x"] + box["width"] <= 1280
    assert len(error.inner_text()) < 200


def test_the_circuit_lives_in_the_url(page) -> None:
    open_preset(page, "add-multiply")
    page.fill("#circuit-input-z", "2")
    page.dispatch_event("#circuit-input-z", "change")
    page.wait_for_function("location.search.includes('v.z=2')")
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_function("document.getElementById('circuit-output').textContent === '6.0000'")
    assert page.locator("#circuit-preset").input_value() == "add-multiply"
