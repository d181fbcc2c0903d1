"""Save, open and share a trained network from the page."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page, set_field, wait_new_network


def state_of(server_url: str, ident: str) -> dict:
    return httpx.get(f"{server_url}/api/networks/{ident}").json()


def copied_link(page: Page, says: str) -> str:
    """Click Copy link, wait for the status to say `says`, return the clipboard's link."""
    page.get_by_test_id("copy-link").click()
    expect(page.get_by_test_id("share-status")).to_contain_text(says)
    return str(page.evaluate("navigator.clipboard.readText()"))


def reopened(page: Page, server_url: str, link: str) -> dict:
    """The state of the network a second tab builds from `link`."""
    other = page.context.new_page()
    other.goto(link)
    other.wait_for_selector("body[data-ready=true]")
    state = state_of(server_url, network_id(other))
    other.close()
    return state


def train(page: Page, epochs: str) -> None:
    set_field(page, "epochs", epochs)
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("train-status")).to_contain_text(f"done: {epochs} epochs")
    idle(page)


def test_an_opened_file_reproduces_the_saved_networks_next_trace(
        page: Page, server_url: str, tmp_path: Path) -> None:
    open_page(page, "#preset=xor&optimizer=adam&learningRate=0.05")
    train(page, "30")
    original = network_id(page)
    with page.expect_download() as info:
        page.get_by_test_id("save-network").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert json.loads(path.read_text())["network"]["step"] == 30
    page.get_by_test_id("open-network").set_input_files(str(path))
    wait_new_network(page, original)
    idle(page)
    expect(page.get_by_test_id("share-status")).to_contain_text("step 30")
    opened = network_id(page)
    theirs = httpx.post(f"{server_url}/api/networks/{original}/step", json={"phase": "all"}).json()
    ours = httpx.post(f"{server_url}/api/networks/{opened}/step", json={"phase": "all"}).json()
    assert ours["edges"] == theirs["edges"] and ours["nodes"] == theirs["nodes"]
    assert ours["loss"] == theirs["loss"] and ours["step"] == 31


def test_copy_link_reopens_the_trained_weights(page: Page, server_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, "#preset=xor")
    train(page, "50")
    trained = state_of(server_url, network_id(page))
    link = copied_link(page, "weights are in the link")
    assert "wb=" in link
    opened = reopened(page, server_url, link)
    assert opened["id"] != trained["id"]
    assert opened["weights"] == trained["weights"] and opened["biases"] == trained["biases"]


def test_a_large_networks_link_names_a_snapshot_copied_on_open(page: Page,
                                                               server_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, "#preset=xor&layers=2,16,16,1&activations=tanh,tanh,sigmoid")
    train(page, "20")
    trained = state_of(server_url, network_id(page))
    link = copied_link(page, "snapshot")
    assert "from=" in link and "wb=" not in link
    opened = reopened(page, server_url, link)
    assert opened["weights"] == trained["weights"] and opened["step"] == 20
    snapshot = link.split("from=")[1].split("&")[0]
    assert opened["id"] not in (snapshot, trained["id"])
