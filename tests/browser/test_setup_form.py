"""The setup form's routine mistakes: caught on the page, not refused requests or stuck fields."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_network_page import network_id, open_page, wait_new_network


def set_field(page: Page, test_id: str, value: str) -> None:
    """Type into a field and commit it (the page reacts to `change`, as after Enter or Tab)."""
    field = page.locator(f"#{test_id}")
    field.fill(value)
    field.dispatch_event("change")


def test_regularization_can_be_turned_off_after_a_rate_was_set(page: Page) -> None:
    open_page(page, "#preset=xor&regularization=l2&regularizationRate=0.1")
    old = network_id(page)
    page.select_option("#regularization", "none")
    wait_new_network(page, old)
    expect(page.locator("#regularization")).to_have_value("none")
    expect(page.locator("#regularization-rate")).to_have_value("0")
    expect(page.get_by_test_id("message")).to_be_hidden()
    assert "regularizationRate" not in page.evaluate("location.hash")


def test_a_rate_without_l1_or_l2_is_explained_before_any_request(page: Page) -> None:
    open_page(page, "#preset=xor")
    old = network_id(page)
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url) if req.method == "POST" else None)
    set_field(page, "regularization-rate", "0.5")
    expect(page.get_by_test_id("message")).to_contain_text("Choose L1 or L2")
    expect(page.locator("#regularization-rate")).to_have_value("0")
    assert network_id(page) == old
    assert not requests


def test_a_refused_batch_size_or_epoch_count_leaves_field_and_link_alone(page: Page) -> None:
    open_page(page, "#preset=xor&batchSize=2&epochs=300")
    set_field(page, "batch-size", "2.5")
    expect(page.get_by_test_id("message")).to_contain_text("The batch size must be a whole number")
    expect(page.locator("#batch-size")).to_have_value("2")
    set_field(page, "epochs", "-3")
    expect(page.get_by_test_id("message")).to_contain_text("Epochs must be a whole number")
    expect(page.get_by_test_id("epochs")).to_have_value("300")
    assert page.evaluate("location.hash") == "#preset=xor&batchSize=2&epochs=300"
    set_field(page, "epochs", "50")
    expect(page.get_by_test_id("message")).to_be_hidden()
    assert page.evaluate("location.hash") == "#preset=xor&batchSize=2&epochs=50"
