"""The network page's URL, history and error handling in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page, wait_new_network


def test_a_reload_reopens_the_session_but_a_shared_link_builds_a_fresh_one(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    page.get_by_test_id("step").click()
    idle(page)
    expect(page.get_by_test_id("step-count")).to_contain_text("step 1")
    first = network_id(page)
    assert "net=" not in page.url
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert network_id(page) == first
    expect(page.get_by_test_id("step-count")).to_contain_text("step 1")
    other = page.context.new_page()  # a second tab: another person opening the link
    other.goto(page.url)
    other.wait_for_selector("body[data-ready=true]")
    assert other.get_attribute("[data-testid=network]", "data-network") != first
    expect(other.get_by_test_id("step-count")).to_contain_text("step 0")
    other.close()


def test_editing_the_address_bar_and_back_forward_change_the_setup(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    old = network_id(page)
    page.evaluate("location.hash = '#preset=xor&layers=2,3,1'")
    wait_new_network(page, old)
    expect(page.locator("[data-testid^=node-n-1-]")).to_have_count(3)
    expect(page.get_by_test_id("preset")).to_have_value("xor")
    old = network_id(page)
    page.select_option("[data-testid=preset]", "celsius")
    wait_new_network(page, old)
    page.go_back()
    expect(page.get_by_test_id("preset")).to_have_value("xor")
    expect(page.locator("[data-testid^=node-n-1-]")).to_have_count(3)
    page.go_forward()
    expect(page.get_by_test_id("preset")).to_have_value("celsius")


def test_bad_links_fall_back_to_the_two_two_one_example(page: Page) -> None:
    for hash_, words in (("#preset=nope", "nope"), ("#layers=abc&learningRate=-5", "learning rate"),
                         ("#preset=xor&layers=2,4,4,4,4,4,4,4,4,4,4,1", "10 layers")):
        page.goto("about:blank")
        open_page(page, hash_)
        expect(page.get_by_test_id("message")).to_contain_text(words)
        expect(page.locator("[data-testid^=node-n-]").first).to_be_visible()
        expect(page.get_by_test_id("learning-rate")).not_to_have_value("")
    expect(page.get_by_test_id("preset")).to_have_value("xor")


def test_a_refused_change_puts_the_menu_back(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    # The menus offer what the engine allows (GET /api/limits): softmax on the output only.
    hidden = page.get_by_test_id("activation-1").locator("option")
    output = page.get_by_test_id("activation-2").locator("option")
    expect(output).to_contain_text(["linear", "sigmoid", "tanh", "relu", "leaky_relu",
                                    "softmax"])
    assert "softmax" not in hidden.all_inner_texts()
    page.select_option("[data-testid=loss]", "bce")  # needs a sigmoid/softmax output
    expect(page.get_by_test_id("message")).to_contain_text("cross-entropy")
    expect(page.get_by_test_id("loss")).to_have_value("half_sse")


def test_back_to_the_presets_own_data_refits_the_layers(page: Page) -> None:
    open_page(page, "#preset=two-two-one")
    old = network_id(page)
    page.select_option("[data-testid=dataset]", "high-school")
    wait_new_network(page, old)
    expect(page.locator("[data-testid^=node-n-0-]")).to_have_count(10)
    old = network_id(page)
    page.select_option("[data-testid=dataset]", "")
    wait_new_network(page, old)
    expect(page.locator("[data-testid^=node-n-0-]")).to_have_count(2)
    expect(page.get_by_test_id("message")).to_be_hidden()


def test_a_regression_dataset_switches_a_classifier_to_mse(page: Page) -> None:
    """xor's sigmoid + cross-entropy cannot fit the random 10 → 2 targets: the page switches to
    mean squared error and a linear output instead of showing the server's refusal."""
    open_page(page, "#preset=xor")
    old = network_id(page)
    page.select_option("[data-testid=dataset]", "high-school")
    wait_new_network(page, old)
    expect(page.get_by_test_id("loss")).to_have_value("mse")
    expect(page.locator("[data-testid^=node-n-0-]")).to_have_count(10)
    expect(page.get_by_test_id("message")).to_be_hidden()


def test_divergence_reports_the_epoch_and_keeps_the_weights(page: Page) -> None:
    open_page(page, "#preset=celsius&learningRate=1")
    before = page.get_attribute("[data-testid=weight-e-1-0-0]", "data-value")
    page.get_by_test_id("epochs").fill("200")
    page.get_by_test_id("train").click()
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("diverged at epoch")
    expect(message).to_contain_text("as it was before Train (step 0)")
    expect(page.get_by_test_id("step-count")).to_contain_text("step 0")
    assert page.get_attribute("[data-testid=weight-e-1-0-0]", "data-value") == before
    page.console_problems.clear()  # nothing is logged for a stream's error event; keep it strict


def test_a_boundary_queued_for_the_previous_network_is_not_drawn_for_a_one_input_one(
        page: Page) -> None:
    """Regression: the boundary is drawn 30 ms after a rebuild. Switching to a 1-input network
    inside that window used to fire the draw against the new network (a 1-D predict grid) and
    throw. Timers are frozen here so the window is as wide as the test needs."""
    page.clock.install()
    open_page(page, "#preset=xor")
    page.wait_for_function("() => Number(document.querySelector('[data-testid=boundary]')"
                           ".dataset.drawn || 0) >= 1")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    old = network_id(page)
    page.evaluate("location.hash = '#preset=xor&layers=2,3,1'")  # queues a draw, frozen
    wait_new_network(page, old)
    old = network_id(page)
    page.select_option("[data-testid=preset]", "celsius")
    wait_new_network(page, old)
    page.clock.run_for(500)  # the queued draw's moment passes
    page.clock.resume()
    page.wait_for_timeout(300)  # room for a stray predict request to come back and throw
    # A 1-input network shows its fitted curve, not the 2-D map the stray draw would paint.
    expect(page.locator("#boundary-panel h2")).to_have_text("Fitted curve")
    expect(page.locator("[data-testid^=node-n-0-]")).to_have_count(1)
