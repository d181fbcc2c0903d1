"""Acting while the page animates or plays: the action happens now, not after the animation."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.page import open_page

# Well below a slow-motion pass at speed 0.25 (about 40 s for the 2-2-1 network) and below
# a play loop (endless): the edit's one request must land within this.
PROMPT_MS = 5_000


def animating(page: Page, phase: str) -> None:
    page.wait_for_selector(f"[data-testid=network][data-animating={phase}]")


def set_w5(page: Page, value: str) -> None:
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    page.get_by_test_id("weight-input").fill(value)
    page.get_by_test_id("weight-set").click()


def test_editing_a_weight_during_slow_motion_applies_at_once(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=0.25&slow=1")
    page.keyboard.press("f")
    animating(page, "forward")
    set_w5(page, "0.5")
    expect(page.get_by_test_id("weight-e-2-0-0")).to_have_text("0.5", timeout=PROMPT_MS)
    expect(page.get_by_test_id("narration")).to_contain_text("w5 is now 0.5", timeout=PROMPT_MS)


def test_editing_a_weight_while_playing_pauses_and_applies(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=0.25")
    page.get_by_test_id("play").click()
    animating(page, "forward")
    set_w5(page, "0.5")
    expect(page.get_by_test_id("weight-e-2-0-0")).to_have_text("0.5", timeout=PROMPT_MS)
    expect(page.get_by_test_id("play")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("play")).to_contain_text("Play")


def test_a_phase_key_while_playing_pauses_and_runs_that_phase(page: Page) -> None:
    open_page(page, "#preset=two-two-one&speed=0.25")
    page.keyboard.press(" ")
    animating(page, "forward")
    page.keyboard.press("b")
    play = page.get_by_test_id("play")
    expect(play).to_have_attribute("aria-pressed", "false", timeout=PROMPT_MS)
    animating(page, "backward")
    # The gradient of w5 (article: −0.68765) is written as the backward pulse reaches it.
    expect(page.get_by_test_id("grad-e-2-0-0")).to_have_text("\u2202 \u22120.688")
