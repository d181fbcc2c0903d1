"""A dataset over 1,000 samples is not in the network state, yet before the first pass the
input neurons show the focus sample's inputs and the target box its target, as for a small
dataset (the page reads that row from GET …/data)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import network_id, open_page


def first_row(server_url: str, net: str) -> tuple[list[float], list[float]]:
    answer = httpx.get(f"{server_url}/api/networks/{net}/data", params={"limit": 1})
    assert answer.status_code == 200, answer.text
    rows = answer.json()
    return rows["inputs"][0], rows["targets"][0]


def expect_sample_shown(page: Page, inputs: list[float], targets: list[float]) -> None:
    for i, value in enumerate(inputs):
        shown = page.get_by_test_id(f"value-n-0-{i}")
        expect(shown).to_have_attribute("data-value", repr(value).removesuffix(".0"))
        expect(shown).to_have_text(f"{value:.3f}".rstrip("0").rstrip(".").replace("-", "\u2212"))
    assert targets in ([0.0], [1.0]), targets
    expect(page.get_by_test_id("target-0")).to_have_text(f"y {int(targets[0])}")


def test_a_large_datasets_focus_sample_shows_before_any_pass(
        page: Page, server_url: str) -> None:
    open_page(page, "#preset=xor&dataset=circle&noise=0.1&samples=2500")
    net = network_id(page)
    assert page.get_by_test_id("loss-value").text_content() == ""  # no pass has run
    inputs, targets = first_row(server_url, net)
    expect_sample_shown(page, inputs, targets)
    page.get_by_test_id("reset").click()  # new parameters clear the numbers: the row stays
    expect(page.get_by_test_id("narration")).to_contain_text("Reset")
    expect_sample_shown(page, inputs, targets)
