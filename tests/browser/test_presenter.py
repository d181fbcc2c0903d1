"""Presenter mode for a projector, measured: the drawing fills its space, numbers are large,
no text crosses an edge or another text, the narration is never cut, the setup is a drawer,
E waits for the forward pass; P works on the circuits page too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.page import DRAWING_MEASURES, backward_done, collisions, idle, open_page

NUMBERS = ("weight", "grad", "value", "below", "bias", "target-text", "target-delta", "loss-total")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
@pytest.mark.parametrize("presenter", [True, False])
def test_the_two_two_one_fills_the_drawing_and_no_text_collides(
        page: Page, size: tuple[int, int], presenter: bool) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, "#preset=two-two-one" + ("&presenter=1" if presenter else ""))
    backward_done(page)
    measures = page.evaluate(DRAWING_MEASURES)
    assert measures["span"] >= 0.7, measures["span"]
    assert collisions(measures) == []
    assert page.locator("[data-testid=network] .unplaced").count() == 0  # every text found room
    assert measures["scrollWidth"] <= measures["width"]
    if presenter and size == (1920, 1080):
        fonts = {t["text"]: t["font"] for t in measures["texts"] if t["cls"] in NUMBERS}
        assert len(fonts) >= 20, fonts  # 6 weights, 6 ∂, 5 values, 3 δ, y, Δ, E
        assert min(fonts.values()) >= 28, fonts


def test_e_waits_until_the_forward_pass_reaches_the_output(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=0.25")
    step = page.get_by_test_id("step-count")
    expect(step).to_have_text("step 0")  # no E before any forward pass
    page.keyboard.press("f")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=network]').dataset.animating === 'forward'")
    assert "E =" not in (step.text_content() or "")
    idle(page)
    expect(step).to_have_text("step 0 \u00b7 E = 0.327")


def test_the_setup_is_a_drawer_in_presenter_mode(page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, "#preset=two-two-one&presenter=1")
    preset = page.get_by_test_id("preset")
    expect(preset).to_be_hidden()
    page.get_by_test_id("setup-button").click()
    expect(preset).to_be_visible()
    expect(preset).to_be_focused()
    page.select_option("[data-testid=preset]", "xor")
    page.wait_for_function("() => location.hash.includes('preset=xor')")
    expect(page.locator("body")).to_have_class(re.compile(r"\bsetup-open\b"))
    page.keyboard.press("Escape")
    expect(preset).to_be_hidden()
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresenter\b"))


@pytest.mark.parametrize("presenter", [True, False])
def test_the_narration_is_never_cut(page: Page, presenter: bool) -> None:
    # XOR: four samples, so each backward line also carries the batch mean (long ones).
    open_page(page, "#preset=xor&slow=1&speed=4" + ("&presenter=1" if presenter else ""))
    narration = page.get_by_test_id("narration")
    seen = []
    for key in ("f", "b", "u"):
        page.keyboard.press(key)
        for _ in range(12):  # slow motion: one long equation after another
            seen.append(narration.evaluate("n => [n.scrollHeight, n.clientHeight, n.textContent]"))
            page.wait_for_timeout(150)
        idle(page)
        seen.append(narration.evaluate("n => [n.scrollHeight, n.clientHeight, n.textContent]"))
    cut = [s for s in seen if s[0] > s[1] + 1]
    assert not cut, cut
    assert max(len(s[2]) for s in seen) > 150, sorted({s[2] for s in seen}, key=len)[-3:]


def test_p_toggles_presenter_mode_on_the_circuits_page(page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/circuits?preset=one-neuron")
    page.wait_for_selector("#circuit-svg .gate")
    shown = ("ts => ts.filter((t) => t.textContent.trim()).map((t) =>"
             " parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)")
    small = min(page.locator("#circuit-svg .wire-label text").evaluate_all(shown))
    page.keyboard.press("p")
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresenter\b"))
    page.wait_for_timeout(300)
    fonts = page.locator("#circuit-svg .wire-label text").evaluate_all(shown)
    assert min(fonts) >= 24 and min(fonts) > small, (small, fonts)  # as drawn on the screen
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.keyboard.press("p")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bpresenter\b"))


@pytest.mark.parametrize("hash_", ["#preset=deep-sigmoid", "#preset=high-school",
                                   "#preset=xor&layers=2,4,4,1&dataset=spiral",
                                   "#preset=xor&layers=2,8,8,8,8,8,1&dataset=spiral"])
@pytest.mark.parametrize("presenter", [True, False])
def test_larger_networks_have_no_text_on_edges_or_on_each_other(
        page: Page, hash_: str, presenter: bool) -> None:
    """A text with no free spot is left out (hover and Explain tell it), never drawn over."""
    if presenter:
        page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, hash_ + ("&presenter=1" if presenter else ""))
    backward_done(page)
    measures = page.evaluate(DRAWING_MEASURES)
    assert collisions(measures) == []
    shown = {t["cls"] for t in measures["texts"]}
    assert {"value", "below"} <= shown or {"value long", "below"} <= shown, shown
