"""GET /api/networks/{id}/data: a large dataset's rows, a page at a time, exactly as stored."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

ROWS = 2345
INPUTS = [[i / 100, -i / 7] for i in range(ROWS)]
TARGETS = [[i % 2] for i in range(ROWS)]


def big_network(make_network: MakeNetwork) -> dict:
    return make_network(layers=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce",
                        inputs=INPUTS, targets=TARGETS)


def test_the_state_leaves_large_data_out_and_the_pages_give_it_all_back(
        client: TestClient, make_network: MakeNetwork) -> None:
    net = big_network(make_network)
    assert net["dataset"]["samples"] == ROWS and net["dataset"]["inputs"] is None
    inputs: list = []
    targets: list = []
    offset: int | None = 0
    pages = 0
    while offset is not None:
        response = client.get(f"/api/networks/{net['id']}/data", params={"offset": offset})
        assert response.status_code == 200, response.text
        page = response.json()
        assert (page["offset"], page["samples"]) == (offset, ROWS)
        assert len(page["inputs"]) == len(page["targets"]) <= 1000
        inputs += page["inputs"]
        targets += page["targets"]
        offset = page["next_offset"]
        pages += 1
    assert pages == 3
    assert inputs == INPUTS and targets == TARGETS
    assert page["input_names"] == ["x1", "x2"] and len(page["target_names"]) == 1


def test_a_small_page_and_a_page_past_the_end(client: TestClient, make_network: MakeNetwork
                                              ) -> None:
    net = big_network(make_network)
    url = f"/api/networks/{net['id']}/data"
    page = client.get(url, params={"offset": 2340, "limit": 3}).json()
    assert page["inputs"] == INPUTS[2340:2343] and page["next_offset"] == 2343
    page = client.get(url, params={"offset": 2343, "limit": 10}).json()
    assert page["inputs"] == INPUTS[2343:] and page["next_offset"] is None
    page = client.get(url, params={"offset": 5000}).json()
    assert (page["inputs"], page["targets"], page["next_offset"]) == ([], [], None)


def test_small_data_is_readable_here_too(client: TestClient, make_network: MakeNetwork) -> None:
    net = make_network(preset="two-two-one")
    page = client.get(f"/api/networks/{net['id']}/data").json()
    assert (page["inputs"], page["targets"], page["next_offset"]) == ([[2.0, 3.0]], [[1.0]], None)


def test_bad_paging_is_a_422_naming_the_parameter(client: TestClient,
                                                  make_network: MakeNetwork) -> None:
    net = make_network(preset="two-two-one")
    url = f"/api/networks/{net['id']}/data"
    for params, word in (({"limit": 0}, "limit"), ({"limit": 1001}, "limit"),
                         ({"offset": -1}, "offset"), ({"offset": "x"}, "offset"),
                         ({"page": 2}, "page")):
        response = client.get(url, params=params)
        assert response.status_code == 422, params
        assert word in response.json()["message"]
    assert client.get("/api/networks/nope/data").status_code == 404
