"""The classroom walk-through's findings (issue 11, items 5–13), each measured in the page:
titles, numbers on big nets, the loss narration and chart, the error banner, uploads, the
boundary, Play and long runs, and text that stays inside its box."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.page import idle, open_page, set_field

DEEP = "#preset=xor&layers=2,8,8,8,8,8,1&dataset=spiral"
INSIDE = """([inner, outer]) => {
  const a = document.querySelector(inner).getBoundingClientRect();
  const b = document.querySelector(outer).getBoundingClientRect();
  return a.width > 0 && a.left >= b.left - 0.5 && a.right <= b.right + 0.5 &&
    a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5; }"""


def shown(page: Page, selector: str) -> bool:
    return page.evaluate("s => { const e = document.querySelector(s); return Boolean(e) &&"
                         " e.checkVisibility({opacityProperty: true}) &&"
                         " e.getBoundingClientRect().width > 0; }", selector)


def chart(page: Page) -> dict[str, str]:
    return page.evaluate("() => ({...document.querySelector('[data-testid=loss-chart]').dataset})")


def train(page: Page, epochs: int) -> None:
    page.get_by_test_id("epochs").fill(str(epochs))
    page.get_by_test_id("epochs").dispatch_event("change")
    page.get_by_test_id("train").click()
    page.wait_for_function("() => document.querySelector('[data-testid=train-progress]')"
                           ".dataset.done === 'true'", timeout=60_000)
    idle(page)


def test_a_changed_network_says_what_it_is_not_its_presets_title(page: Page) -> None:
    open_page(page, DEEP)
    text = page.locator("#preset-description").text_content() or ""
    # What it is now; the preset only as where it started (not as its title).
    assert text.startswith("Your network: 2-8-8-8-8-8-1 on Spiral (started from \u201cXOR"), text
    page.goto("about:blank")
    open_page(page, "#preset=xor")
    text = page.locator("#preset-description").text_content() or ""
    assert text.startswith("XOR") and "Your network" not in text, text


def test_a_deep_network_shows_its_outputs_value(page: Page) -> None:
    open_page(page, DEEP)
    page.keyboard.press("f")
    idle(page)
    value = "[data-testid=value-n-6-0]"
    assert shown(page, value)
    assert page.evaluate(INSIDE, [value, "#n-6-0 circle"])
    font = page.locator(value).evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
    assert font >= 11, font


def test_after_training_the_narration_calls_e_the_batch_loss(page: Page) -> None:
    open_page(page, "#preset=xor&speed=4")
    train(page, 20)
    page.keyboard.press("f")
    page.wait_for_function("() => document.querySelector('[data-testid=narration]')"
                           ".textContent.startsWith('Loss:')")
    said = page.get_by_test_id("narration").text_content() or ""
    idle(page)
    loss = (page.get_by_test_id("loss-value").text_content() or "").removeprefix("E = ")
    assert re.fullmatch(r"Loss: for sample 1 the output \(.+\) is compared with its target"
                        r" \(.+\); over all 4 samples the mean loss is"
                        rf" E = {re.escape(loss)}\.", said), said


def test_the_loss_chart_has_an_epoch_axis_and_no_zero_points_label(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=4")
    page.keyboard.press("f")
    idle(page)
    axis = chart(page)
    assert (axis["axisLeft"], axis["axisCaption"]) == ("", "this pass (no epoch yet)"), axis
    page.keyboard.press("s")
    idle(page)
    assert (chart(page)["axisLeft"], chart(page)["axisCaption"]) == ("1", "epoch")
    train(page, 20)
    axis = chart(page)
    assert (axis["axisLeft"], axis["axisRight"], axis["points"]) == ("1", "21", "21"), axis


def test_the_error_banner_leaves_the_layer_menus_free(page: Page) -> None:
    open_page(page, "#preset=xor")
    set_field(page, "learning-rate", "5000")
    message = page.get_by_test_id("message")
    expect(message).to_be_visible()
    box = message.bounding_box()
    for head in page.locator("[data-testid^=layer-head-]").all():
        h = head.bounding_box()
        assert box["y"] >= h["y"] + h["height"] or box["y"] + box["height"] <= h["y"], (box, h)


def test_a_failed_upload_does_not_keep_an_earlier_successs_narration(page: Page) -> None:
    open_page(page, "#preset=xor")
    csv = [{"name": "and.csv", "mimeType": "text/csv",
            "buffer": b"a,b,out\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n"}]
    page.set_input_files("[data-testid=csv]", files=csv)
    expect(page.get_by_test_id("narration")).to_contain_text("Uploaded 4 samples from and.csv")
    page.set_input_files("[data-testid=csv]", files=[{
        "name": "bad.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,x\n"}])
    expect(page.get_by_test_id("message")).to_contain_text("Upload of bad.csv failed")
    page.console_problems.clear()  # the refused upload's 422 is logged by the browser
    narration = page.get_by_test_id("narration")
    expect(narration).to_have_text("bad.csv was not used: the network is as it was.")


def test_a_long_explanation_leaves_the_boundary_in_view(page: Page) -> None:
    open_page(page, "#preset=xor")
    page.keyboard.press("b")
    idle(page)
    page.get_by_test_id("edge-hit-e-1-0-1").click()
    expect(page.get_by_test_id("explain-panel")).to_contain_text("batch (mean over m = 4")
    boundary = page.get_by_test_id("boundary").bounding_box()
    assert boundary and boundary["y"] + boundary["height"] <= 720, boundary


def test_play_keeps_its_key_cap_and_a_long_run_counts_its_epochs(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=4")
    page.get_by_test_id("play").click()
    colours = page.locator("[data-testid=play] kbd").evaluate(
        "k => [getComputedStyle(k).color, getComputedStyle(k).backgroundColor,"
        " getComputedStyle(k.parentElement).backgroundColor]")
    page.keyboard.press(" ")
    text, own, button = colours
    assert text != button and own in (button, "rgba(0, 0, 0, 0)"), colours  # readable on it
    idle(page)
    open_page(page, "#preset=xor&dataset=spiral&samples=2000&layers=2,16,16,1")
    page.get_by_test_id("epochs").fill("60000")
    page.get_by_test_id("epochs").dispatch_event("change")
    page.get_by_test_id("train").click()
    step = page.get_by_test_id("step-count")
    expect(step).to_have_text(re.compile(r"training: epoch [1-9]\d* of 60000"), timeout=30_000)
    page.keyboard.press("f")
    expect(page.get_by_test_id("narration")).to_have_text(
        "The forward pass will run when training ends.")
    # Closing the page (the fixture) ends the stream, and the server stops the run there.


def test_target_boxes_and_values_stay_inside(page: Page) -> None:
    for hash_ in ("#preset=two-two-one", "#preset=two-two-one&presenter=1"):
        open_page(page, hash_)
        page.get_by_test_id("cell-target-0-0").fill("-1.2e-16")
        page.get_by_test_id("cell-target-0-0").press("Tab")
        page.get_by_test_id("edge-hit-e-2-0-0").click()
        page.get_by_test_id("weight-input").fill(str(0.00066 / 0.85))
        page.get_by_test_id("weight-set").click()
        page.get_by_test_id("edge-hit-e-2-1-0").click()
        page.get_by_test_id("weight-input").fill("0")
        page.get_by_test_id("weight-set").click()
        idle(page)
        page.keyboard.press("f")
        idle(page)
        expect(page.get_by_test_id("target-0")).to_have_text(
            "y \u22121.2\u00d710\u207b\u00b9\u2076")
        expect(page.get_by_test_id("value-n-2-0")).to_have_text("6.6\u00d710\u207b\u2074")
        assert page.evaluate(INSIDE, ["#target-0 .target-box", "[data-testid=network]"])
        assert page.evaluate(INSIDE, ["[data-testid=value-n-2-0]", "#n-2-0 circle"])


def test_menus_names_and_update_labels_read_in_full(page: Page) -> None:
    open_page(page, DEEP)
    options = page.locator("[data-testid=activation-1] option").all_text_contents()
    assert "sigmoid" in options and "linear" in options and "sigm" not in options, options
    open_page(page, "#preset=two-two-one&speed=0.25")
    page.keyboard.press("s")
    page.wait_for_function("() => document.querySelector('[data-testid=network]')"
                           ".dataset.animating === 'update'")
    page.wait_for_function("() => document.querySelector('[data-testid=grad-e-2-0-0]')"
                           ".textContent.includes('\u2192')")
    fills = page.evaluate("""() => [document.querySelector('[data-testid=grad-e-2-0-0]'),
      document.querySelector('[data-testid=delta-n-2-0]')].map((t) => getComputedStyle(t).fill)""")
    assert fills[0] != fills[1], fills  # old → new is not in the gradient's pink
    idle(page)
    page.set_input_files("[data-testid=csv]", files=[{
        "name": "weather.csv", "mimeType": "text/csv",
        "buffer": b"temperature,humidity_percent,rain\n1,2,0\n3,4,1\n2,2,0\n"}])
    expect(page.get_by_test_id("narration")).to_contain_text("Uploaded 3 samples")
    names = page.locator(".node.layer-0 .name").all_text_contents()
    assert names == ["temperatu\u2026",
                     "humidity_\u2026"], names


def test_a_one_input_regression_plots_its_fitted_curve(page: Page) -> None:
    open_page(page, "#preset=celsius")
    panel = page.locator("#boundary-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("h2")).to_have_text("Fitted curve")
    page.wait_for_function("() => document.querySelector('[data-testid=boundary]').dataset.curve")
    plot = page.evaluate("() => ({...document.querySelector('[data-testid=boundary]').dataset})")
    samples = page.evaluate(
        "id => fetch(`/api/networks/${id}`).then((r) => r.json()).then((s) => s.dataset.samples)",
        page.get_attribute("[data-testid=network]", "data-network"))
    assert (plot["points"], plot["curve"]) == (str(samples), "48"), plot
    drawn = int(plot["drawn"])
    train(page, 50)
    page.wait_for_function(
        "n => Number(document.querySelector('[data-testid=boundary]').dataset.drawn) > n",
        arg=drawn)
    ink = page.evaluate("""() => { const c = document.querySelector('[data-testid=boundary]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) n++; return n; }""")
    assert ink > 1000, ink  # dots and the line
