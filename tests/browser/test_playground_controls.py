"""TF Playground's "regenerate" (a new data seed, in the URL) and "discretize output"."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page, wait_new_network

# The boundary map's two tints at full decision (plots.js mix(t, 0.55) at t = 1 and t = 0).
SHARE_OF_TWO_TINTS = """() => {
  const canvas = document.querySelector('[data-testid=boundary]');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let two = 0;
  for (let i = 0; i < data.length; i += 4) {
    const rgb = `${data[i]},${data[i + 1]},${data[i + 2]}`;
    if (rgb === '115,177,213' || rgb === '232,166,115') two++;
  }
  return two / (data.length / 4);
}"""


def test_regenerate_draws_the_data_again_from_a_new_seed(page: Page, server_url: str) -> None:
    open_page(page, "#preset=xor&dataset=circle&activations=tanh,sigmoid")
    first = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    old = network_id(page)
    page.get_by_test_id("regenerate").click()
    wait_new_network(page, old)
    idle(page)
    second = httpx.get(f"{server_url}/api/networks/{network_id(page)}").json()
    assert "dataSeed=1" in page.evaluate("location.hash")
    assert second["dataset"]["inputs"] != first["dataset"]["inputs"]
    assert len(second["dataset"]["inputs"]) == len(first["dataset"]["inputs"]) == 200
    assert second["weights"] == first["weights"]  # the same network, new data


def test_discretize_output_shows_only_the_decision(page: Page) -> None:
    open_page(page, "#preset=xor&dataset=circle&activations=tanh,sigmoid")
    boundary = page.get_by_test_id("boundary")
    expect(boundary).to_have_attribute("data-drawn", "1")
    before = page.evaluate(SHARE_OF_TWO_TINTS)
    page.get_by_test_id("discretize").check()
    assert "discretize=1" in page.evaluate("location.hash")
    after = page.evaluate(SHARE_OF_TWO_TINTS)
    assert before < 0.2 < 0.6 < after, (before, after)
