"""The page's steps ask only for what each phase changed (`?form=layers&omit=…&weights_crc=…`)
and still draw every number of the per-edge trace; weights changed behind its back come back."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.sync_api import Page, Response

from tests.support.page import idle, network_id, open_page

NET = "#preset=xor&layers=2,3,2,1&activations=tanh,relu,sigmoid&loss=bce&optimizer=adam"


def twin_of(server_url: str, ident: str) -> str:
    """An exact copy of the page's network (export, import), stepped per edge by the test."""
    export = httpx.get(f"{server_url}/api/networks/{ident}/export").json()
    created = httpx.post(f"{server_url}/api/networks/import", json=export)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def record_steps(page: Page) -> list[tuple[dict[str, list[str]], dict[str, Any]]]:
    """Each step the page asks from now on: its query and its answer."""
    steps: list[tuple[dict[str, list[str]], dict[str, Any]]] = []

    def on_response(response: Response) -> None:
        if "/step" in response.url:
            steps.append((parse_qs(urlsplit(response.url).query), response.json()))

    page.on("response", on_response)
    return steps


def test_a_step_sends_what_changed_and_the_drawing_has_every_number(
        page: Page, server_url: str) -> None:
    open_page(page, NET)
    ident = network_id(page)
    twin = twin_of(server_url, ident)
    steps = record_steps(page)
    page.get_by_test_id("step").click()  # forward, backward, update
    idle(page)
    assert [answer["phase"] for _, answer in steps] == ["forward", "backward", "update"]
    assert [query["omit"] for query, _ in steps] == [
        ["weights"], ["weights"], ["weights", "grad_weights"]]
    assert [answer["omitted"] for _, answer in steps] == [
        ["weights"], ["weights"], ["weights", "grad_weights"]]
    update = steps[-1][1]
    assert all(item["weights"] is None and item["grad_weights"] is None
               for item in update["layers"][1:])
    per_edge = [httpx.post(f"{server_url}/api/networks/{twin}/step", json={"phase": phase}
                           ).json() for phase in ("forward", "backward", "update")]
    for edge in per_edge[-1]["edges"]:  # the drawing: new weights, the gradients they used
        ident_ = f"e-{edge['layer']}-{edge['source']}-{edge['target']}"
        weight = page.get_attribute(f"[data-testid=weight-{ident_}]", "data-value")
        grad = page.get_attribute(f"[data-testid=grad-{ident_}]", "data-value")
        assert (float(weight or "nan"), float(grad or "nan")) == (
            edge["new_weight"], edge["grad"]), ident_
    page.get_by_test_id("forward").click()  # the page's weights are the network's: left out
    idle(page)
    assert steps[-1][1]["omitted"] == ["weights"]


def test_weights_edited_behind_the_pages_back_are_sent_and_drawn(
        page: Page, server_url: str) -> None:
    open_page(page, NET)
    ident = network_id(page)
    steps = record_steps(page)
    edited = httpx.patch(f"{server_url}/api/networks/{ident}",  # another tab, say
                         json={"weight": {"layer": 2, "source": 1, "target": 0, "value": 0.75}})
    assert edited.status_code == 200, edited.text
    page.get_by_test_id("forward").click()
    idle(page)
    query, answer = steps[-1]
    assert query["omit"] == ["weights"] and "weights_crc" in query
    assert answer["omitted"] == []  # the page's copy was not the network's: sent after all
    assert page.get_attribute("[data-testid=weight-e-2-1-0]", "data-value") == "0.75"
