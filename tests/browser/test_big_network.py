"""A 2-64×8-1 network (28,864 weights) in the page: edges on a canvas, nodes in SVG, and
every phase's numbers on screen equal to the API's own per-edge trace."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page

LAYERS = [2, *[64] * 8, 1]
OUT = len(LAYERS) - 1
HASH = ("#preset=xor&dataset=circle&samples=200&layers=" + ",".join(map(str, LAYERS))
        + "&activations=" + ",".join(["tanh"] * (OUT - 1) + ["sigmoid"]))


def shown(page: Page, testid: str) -> float:
    """The exact number an element carries in its data-value (what the page computed with)."""
    value = page.get_by_test_id(testid).get_attribute("data-value")
    assert value not in (None, ""), testid
    return float(value)  # type: ignore[arg-type]


def api_trace(page: Page, phase: str) -> dict[str, Any]:
    """The same phase asked of the API in the default per-edge form (reruns nothing new)."""
    response = page.request.post(f"/api/networks/{network_id(page)}/step",
                                 data={"phase": phase})
    assert response.ok, response.text()
    trace: dict[str, Any] = response.json()
    return trace


def node(trace: dict[str, Any], layer: int, index: int) -> dict[str, Any]:
    return next(n for n in trace["nodes"] if (n["layer"], n["index"]) == (layer, index))


def test_a_big_network_draws_its_edges_on_a_canvas_and_steps(page: Page) -> None:
    open_page(page, HASH)
    svg = page.get_by_test_id("network")
    expect(svg).to_have_class("edges-on-canvas")
    assert page.locator("#network line.edge").count() == 0
    assert page.locator("#network g.node").count() == sum(LAYERS)
    canvas = page.get_by_test_id("edges")
    expect(canvas).to_have_attribute("data-drawn", "1")
    # The canvas really has edges on it: some of its pixels are not blank.
    inked = page.evaluate("""() => {
      const c = document.querySelector('[data-testid=edges]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
      return n; }""")
    assert inked > 10_000

    page.keyboard.press("f")
    idle(page)
    trace = api_trace(page, "forward")
    assert shown(page, f"value-n-{OUT}-0") == node(trace, OUT, 0)["a"] == trace["outputs"][0]
    assert shown(page, "value-n-4-17") == node(trace, 4, 17)["a"]
    assert shown(page, "loss-value") == trace["loss"]

    page.keyboard.press("b")
    idle(page)
    trace = api_trace(page, "backward")
    assert shown(page, f"delta-n-{OUT}-0") == node(trace, OUT, 0)["grad_z"]
    assert shown(page, "delta-n-3-40") == node(trace, 3, 40)["grad_z"]
    # The weights' gradients reached the page's model: the panel of a neuron lists them.
    page.get_by_test_id(f"node-n-{OUT}-0").click()
    expect(page.get_by_test_id("explain-panel")).to_be_visible()

    before = int(canvas.get_attribute("data-drawn") or 0)
    page.keyboard.press("u")
    idle(page)
    expect(page.get_by_test_id("step-count")).to_contain_text("step 1")
    state = page.request.get(f"/api/networks/{network_id(page)}").json()
    biases = page.evaluate("() => [...document.querySelectorAll('[data-testid^=bias-n-9-]')]"
                           ".map((el) => el.textContent)")
    assert biases and state["step"] == 1
    page.keyboard.press("f")
    idle(page)
    trace = api_trace(page, "forward")
    assert trace["step"] == 1
    assert shown(page, f"value-n-{OUT}-0") == node(trace, OUT, 0)["a"]
    # The update's new weights swept onto the edge canvas: the sweep's own canvas is empty
    # again and the edges were not redrawn from scratch after it.
    blank = page.evaluate("""() => {
      const c = document.querySelector('[data-testid=edges-next]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      return d.every((v) => v === 0); }""")
    assert blank
    assert int(canvas.get_attribute("data-drawn") or 0) == before


def test_slow_motion_goes_neuron_by_neuron_in_a_big_layer(page: Page) -> None:
    open_page(page, HASH)
    page.keyboard.press("m")  # slow motion
    page.keyboard.press("f")
    page.wait_for_function("() => document.querySelector('#network').dataset.animating")
    # A neuron's summary follows its inputs' pulses within a couple of seconds, not after
    # each of its 64 (or 4,096 in the layer) edges had one of its own.
    narration = page.get_by_test_id("narration")
    expect(narration).to_contain_text("h1.1", timeout=10_000)
    page.keyboard.press("m")
    page.keyboard.press("r")  # a reset cuts the slow pass short
    idle(page)
    page.keyboard.press("f")
    idle(page)
    trace = api_trace(page, "forward")
    assert shown(page, f"value-n-{OUT}-0") == node(trace, OUT, 0)["a"]
