"""The setup form's routine mistakes: caught on the page, not refused requests or stuck fields."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.page import network_id, open_page, set_field, wait_new_network


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
    # Writes only: the boundary's accuracy line reads predictions with a POST …/predict.
    page.on("request", lambda req: requests.append(req.url)
            if req.method in ("POST", "PATCH") and not req.url.endswith("/predict") else None)
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


def test_a_refused_change_keeps_the_learning_rate_the_server_trains_with(page: Page) -> None:
    """The PATCH answer replaces the page's state: a later refused change puts the form back
    to the rate the server has (0.5), not the one the network was created with (0.05)."""
    open_page(page, "#preset=two-two-one")
    set_field(page, "learning-rate", "0.5")
    page.wait_for_function("() => location.hash.includes('learningRate=0.5')")
    set_field(page, "regularization-rate", "0.3")  # refused: regularization is "none"
    expect(page.get_by_test_id("message")).to_contain_text("Choose L1 or L2")
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.5")
    served = page.evaluate(
        "id => fetch(`/api/networks/${id}`).then((r) => r.json()).then((s) => s.learning_rate)",
        network_id(page))
    assert served == 0.5
    set_field(page, "learning-rate", "5000")  # refused by the page: over the limit
    expect(page.get_by_test_id("message")).to_contain_text("learning rate")
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.5")
