"""The Train panel speaks of the network on screen, not of one trained before it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.page import network_id, open_page, wait_new_network


def test_a_new_network_starts_with_an_empty_train_panel(page: Page) -> None:
    open_page(page, "#preset=xor&epochs=50")
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("train-progress")).to_have_attribute("data-done", "true")
    expect(page.get_by_test_id("train-status")).to_have_text("done: 50 epochs \u00b7 step 50")
    old = network_id(page)
    page.select_option("[data-testid=preset]", "deep-sigmoid")
    wait_new_network(page, old)
    expect(page.get_by_test_id("step-count")).to_contain_text("step 0")
    expect(page.get_by_test_id("train-status")).to_have_text("")
    expect(page.get_by_test_id("train-progress")).not_to_have_attribute("data-done", "true")
    assert page.get_by_test_id("train-progress").evaluate("el => el.value") == 0


def test_reset_clears_the_last_training_run(page: Page) -> None:
    open_page(page, "#preset=xor&epochs=50")
    page.keyboard.press("t")
    expect(page.get_by_test_id("train-status")).to_have_text("done: 50 epochs \u00b7 step 50")
    page.keyboard.press("r")
    expect(page.get_by_test_id("step-count")).to_contain_text("step 0")
    expect(page.get_by_test_id("train-status")).to_have_text("")
    expect(page.get_by_test_id("train-progress")).not_to_have_attribute("data-done", "true")
