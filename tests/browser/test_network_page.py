"""The network page in a real browser: the 2-2-1 article's numbers, edits, training, URL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.page import MINUS, idle, network_id, open_page, wait_new_network


def test_two_two_one_forward_backward_update_forward(page: Page) -> None:
    open_page(page)
    page.select_option("[data-testid=preset]", "two-two-one")
    page.get_by_test_id("forward").click()
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0.191")
    expect(page.get_by_test_id("value-n-1-0")).to_have_text("0.85")
    expect(page.get_by_test_id("loss-value")).to_have_text("E = 0.327")
    idle(page)
    expect(page.get_by_test_id("value-n-2-0")).to_be_visible()
    page.get_by_test_id("backward").click()
    expect(page.get_by_test_id("grad-e-2-0-0")).to_have_text(f"\u2202 {MINUS}0.688")
    idle(page)
    page.get_by_test_id("update").click()
    idle(page)
    expect(page.get_by_test_id("weight-e-2-0-0")).to_have_text("0.174")
    expect(page.get_by_test_id("step-count")).to_contain_text("step 1")
    page.get_by_test_id("forward").click()
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0.256")
    idle(page)


def test_chain_rule_panel_shows_the_real_numbers(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.keyboard.press("b")  # backward runs the forward pass first
    expect(page.get_by_test_id("grad-e-2-0-0")).to_have_text(f"\u2202 {MINUS}0.688")
    idle(page)
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    panel = page.get_by_test_id("explain-panel")
    expect(panel).to_contain_text("Weight w5")
    expect(panel).to_contain_text(f"= ({MINUS}0.809) \u00b7 0.85 = {MINUS}0.68765")
    page.get_by_test_id("node-n-1-0").click()
    expect(panel).to_contain_text("= 2 \u00b7 0.11 + 3 \u00b7 0.21")
    expect(panel).to_contain_text("= 0.85")
    link = page.get_by_test_id("expand-gates")
    href = link.get_attribute("href")
    assert re.search(r"/circuits\?network=[\w-]+&layer=1&index=0&sample=0$", href)


def test_clicking_an_edge_edits_its_weight(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    page.get_by_test_id("weight-input").fill("0.5")
    page.get_by_test_id("weight-set").click()
    expect(page.get_by_test_id("weight-e-2-0-0")).to_have_text("0.5")
    page.get_by_test_id("forward").click()
    # out = h1·w5 + h2·w6 = 0.85 · 0.5 + 0.48 · 0.15
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0.497")
    idle(page)


def test_editing_the_inputs_and_target(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.get_by_test_id("cell-input-0-0").fill("1")
    page.get_by_test_id("cell-input-0-0").press("Enter")
    page.get_by_test_id("cell-target-0-0").fill("0")
    page.get_by_test_id("cell-target-0-0").press("Tab")
    page.get_by_test_id("forward").click()
    # h1 = 1·0.11 + 3·0.21 = 0.74, h2 = 1·0.12 + 3·0.08 = 0.36, out = 0.74·0.14 + 0.36·0.15
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0.158")
    expect(page.get_by_test_id("target-0")).to_have_text("y 0")
    idle(page)


def canvas_ink(page: Page, testid: str) -> int:
    """How many pixels of a canvas are neither transparent nor white."""
    return page.evaluate(
        """id => { const c = document.querySelector(`[data-testid=${id}]`);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 0 && !(d[i] > 250 && d[i + 1] > 250 && d[i + 2] > 250)) n++;
        }
        return n; }""", testid)


def test_change_architecture_then_train_with_progress_and_boundary(page: Page) -> None:
    open_page(page, "#preset=xor")
    old = network_id(page)
    page.get_by_role("button", name="more neurons in layer 1").click()
    wait_new_network(page, old)
    expect(page.get_by_test_id("layer-size-1")).to_have_text("3")
    expect(page.locator("[data-testid^=node-n-1-]")).to_have_count(3)
    old = network_id(page)
    page.get_by_test_id("add-layer").click()
    wait_new_network(page, old)
    expect(page.get_by_test_id("layer-head-3")).to_contain_text("Output")
    page.get_by_test_id("epochs").fill("200")
    page.get_by_test_id("train").click()
    page.wait_for_function(
        "() => { const p = document.querySelector('[data-testid=train-progress]');"
        " return p.dataset.done === 'true' && p.value === p.max && p.max === 200; }")
    expect(page.get_by_test_id("step-count")).to_contain_text("step 200")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) > 10")
    expect(page.get_by_test_id("boundary")).to_be_visible()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=boundary]').dataset.drawn) > 0")
    assert canvas_ink(page, "boundary") > 1000


def test_two_d_dataset_draws_a_decision_boundary(page: Page) -> None:
    open_page(page, "#preset=xor&dataset=circle&noise=0.1")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=boundary]').dataset.drawn) > 0")
    assert canvas_ink(page, "boundary") > 1000
    expect(page.locator("#data-panel")).to_be_hidden()  # 100 samples: too many for a table


def test_a_large_dataset_plots_every_point_over_the_boundary(page: Page) -> None:
    """2,500 samples: more than the state inlines, so the page reads them from …/data."""
    open_page(page, "#preset=xor&dataset=circle&noise=0.1&samples=2500")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=boundary]').dataset.points === '2500'")
    counts = page.evaluate("""() => {
      const c = document.querySelector('[data-testid=boundary]');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let orange = 0, blue = 0;  // the dots' full-strength colours (the map is paler)
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] > 200 && d[i + 2] < 60) orange += 1;
        if (d[i] < 40 && d[i + 2] > 140) blue += 1;
      }
      return [orange, blue];
    }""")
    assert min(counts) > 500, counts


def test_reload_from_the_url_restores_the_setup(page: Page) -> None:
    open_page(page, "#preset=xor")
    old = network_id(page)
    page.get_by_role("button", name="more neurons in layer 1").click()
    wait_new_network(page, old)
    old = network_id(page)
    page.select_option("[data-testid=activation-1]", "relu")
    wait_new_network(page, old)
    page.get_by_test_id("learning-rate").fill("0.25")
    page.get_by_test_id("learning-rate").press("Enter")
    page.wait_for_function("() => location.hash.includes('learningRate=0.25')")
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_test_id("preset")).to_have_value("xor")
    expect(page.get_by_test_id("layer-size-1")).to_have_text("3")
    expect(page.get_by_test_id("activation-1")).to_have_value("relu")
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.25")


def test_a_link_without_a_session_rebuilds_the_network(page: Page) -> None:
    open_page(page, "#preset=two-two-one&layers=2,3,1&init=xavier&learningRate=0.1")
    expect(page.locator("[data-testid^=node-n-1-]")).to_have_count(3)
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.1")
    assert "net=" not in page.url  # the live session is never in a shareable link


def test_routine_mistakes_are_caught_before_the_server(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.get_by_test_id("learning-rate").fill("5000")
    page.get_by_test_id("learning-rate").press("Enter")
    message = page.get_by_test_id("message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("learning rate")
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.05")
    # A later success clears the old message.
    page.get_by_test_id("forward").click()
    expect(message).to_be_hidden()


def test_shortcuts_help_and_presenter_mode(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.keyboard.press("?")
    expect(page.get_by_test_id("help")).to_be_visible()
    expect(page.get_by_test_id("help")).to_contain_text("Backward pass")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("help")).to_be_hidden()
    page.keyboard.press("p")
    expect(page.locator("body")).to_have_class(re.compile("presenter"))
    page.keyboard.press("s")  # a full step: forward, backward and update
    expect(page.get_by_test_id("step-count")).to_contain_text("step 1")
    idle(page)
    expect(page.get_by_test_id("weight-e-2-0-0")).to_have_text("0.174")


@pytest.mark.parametrize("size", [(1280, 720), (900, 600)])
def test_the_drawing_fits_the_window(page: Page, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, "#preset=two-two-one")
    page.keyboard.press("f")
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0.191")
    idle(page)
    box = page.get_by_test_id("network").bounding_box()
    target = page.get_by_test_id("target-0").bounding_box()
    assert box and target
    assert target["x"] + target["width"] <= box["x"] + box["width"] + 1


def test_uploading_a_csv_builds_a_network_on_it(page: Page) -> None:
    open_page(page, "#preset=xor")
    old = network_id(page)
    page.set_input_files("[data-testid=csv]", files=[{
        "name": "and.csv", "mimeType": "text/csv",
        "buffer": b"a,b,out\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n"}])
    wait_new_network(page, old)
    expect(page.get_by_test_id("data-table")).to_contain_text("out")
    expect(page.get_by_test_id("cell-target-3-0")).to_have_value("1")
    assert "datasetId=" in page.url


def test_play_runs_steps_until_paused(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=4")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("step-count")).to_contain_text("step 2", timeout=15_000)
    page.keyboard.press(" ")
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")


def test_shortcuts_work_right_after_choosing_a_preset(page: Page) -> None:
    open_page(page, "#preset=xor")
    old = network_id(page)
    page.select_option("[data-testid=preset]", "two-two-one")
    wait_new_network(page, old)
    page.keyboard.press("f")
    expect(page.get_by_test_id("value-n-2-0")).to_have_text("0.191")
