"""Optimizer and init in the page: the form and the URL, state on hover, the rule in Explain."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page, set_field, wait_new_network


def test_adam_from_the_link_shows_its_state_and_its_rule(page: Page, server_url: str) -> None:
    open_page(page, "#preset=xor&optimizer=adam&learningRate=0.05&beta1=0.8")
    expect(page.get_by_test_id("optimizer")).to_have_value("adam")
    expect(page.get_by_test_id("beta1")).to_have_value("0.8")
    expect(page.get_by_test_id("beta2")).to_be_visible()
    expect(page.get_by_test_id("momentum")).to_be_hidden()
    page.get_by_test_id("step").click()
    idle(page)
    state = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    assert state["spec"]["optimizer"] == "adam" and state["spec"]["beta1"] == 0.8
    m = state["optimizer"]["m"]["weights"][1][0][0]  # the weight e-2-0-0 after the update
    page.get_by_test_id("edge-hit-e-2-0-0").hover()
    tip = page.get_by_test_id("tooltip")
    expect(tip).to_contain_text("Adam m")
    shown = tip.locator("[data-state=m]").get_attribute("title")
    assert float(shown or "nan") == m
    page.get_by_test_id("edge-hit-e-2-0-0").click()
    text = page.get_by_test_id("explain-panel").inner_text()
    assert "m \u2190 \u03b2\u2081\u00b7m" in text and "\u221av\u0302" in text
    new = state["weights"][1][0][0]
    assert f"{new:.6f}"[:7].replace("-", "\u2212") in text


def test_optimizer_init_and_seed_chosen_in_the_form_go_to_the_network_and_url(
        page: Page, server_url: str) -> None:
    open_page(page, "#preset=xor")
    expect(page.get_by_test_id("momentum")).to_be_hidden()
    old = network_id(page)
    page.select_option("[data-testid=optimizer]", "momentum")
    wait_new_network(page, old)
    expect(page.get_by_test_id("momentum")).to_be_visible()
    old = network_id(page)
    page.select_option("[data-testid=init]", "he")
    wait_new_network(page, old)
    old = network_id(page)
    set_field(page, "seed", "7")
    wait_new_network(page, old)
    idle(page)
    spec = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()["spec"]
    assert (spec["optimizer"], spec["init"], spec["seed"]) == ("momentum", "he", 7)
    hash_ = page.evaluate("location.hash")
    assert "optimizer=momentum" in hash_ and "init=he" in hash_ and "seed=7" in hash_


def test_momentum_bias_update_is_written_with_its_numbers(page: Page, server_url: str) -> None:
    open_page(page, "#preset=xor&optimizer=momentum&momentum=0.5")
    page.get_by_test_id("step").click()
    idle(page)
    state = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    velocity = state["optimizer"]["velocity"]["biases"][0][0]
    page.get_by_test_id("node-n-1-0").click()
    lines = page.get_by_test_id("explain-panel").locator(".eq").all_inner_texts()
    rule = next(t for t in lines if t.startswith("v \u2190 \u03bc\u00b7v"))
    assert rule.rsplit(" = ", 1)[1].replace("\u2212", "-")[:6] == f"{velocity:.6f}"[:6]
    moved = next(t for t in lines if t.startswith("bh1 \u2190 bh1 + v"))
    bias = state["biases"][0][0]
    assert moved.rsplit(" = ", 1)[1].replace("\u2212", "-")[:6] == f"{bias:.6f}"[:6]
