"""Predict: grids for 1- and 2-input networks, rows otherwise; nothing silently ignored."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

ONE_INPUT = {"layers": [1, 3, 1], "inputs": [[0], [1], [2]], "targets": [[0], [1], [4]]}
THREE_INPUTS = {"layers": [3, 1], "inputs": [[0, 1, 2]], "targets": [[1]]}


def test_one_input_network_gets_a_1d_grid(client: TestClient, make_network: MakeNetwork
                                          ) -> None:
    net = make_network(**ONE_INPUT)
    response = client.get(f"/api/networks/{net['id']}/predict",
                          params={"resolution": 11, "x_min": -1, "x_max": 1})
    assert response.status_code == 200
    body = response.json()
    assert (len(body["xs"]), len(body["outputs"]), body["bounds"]) == (11, 11, [[-1, 1]])
    assert body["ys"] is None


def test_one_input_network_refuses_y_bounds(client: TestClient, make_network: MakeNetwork
                                            ) -> None:
    net = make_network(**ONE_INPUT)
    response = client.get(f"/api/networks/{net['id']}/predict",
                          params={"x_min": -1, "x_max": 1, "y_min": 0, "y_max": 1})
    assert response.status_code == 422
    assert "1-D grid" in response.json()["message"]


def test_three_input_network_refuses_resolution(client: TestClient, make_network: MakeNetwork
                                                ) -> None:
    net = make_network(**THREE_INPUTS)
    response = client.get(f"/api/networks/{net['id']}/predict", params={"resolution": 10})
    assert response.status_code == 422
    assert "no grid" in response.json()["message"]


def test_three_input_network_predicts_its_rows(client: TestClient, make_network: MakeNetwork
                                               ) -> None:
    net = make_network(**THREE_INPUTS)
    response = client.get(f"/api/networks/{net['id']}/predict")
    assert response.status_code == 200
    assert response.json()["inputs"] == [[0, 1, 2]]


def test_inputs_with_resolution_is_422(client: TestClient, make_network: MakeNetwork) -> None:
    net = make_network()
    response = client.get(f"/api/networks/{net['id']}/predict",
                          params={"inputs": "[[1,2]]", "resolution": 20})
    assert response.status_code == 422
    assert "leave them out with inputs" in response.json()["message"]


def test_inputs_error_names_row_and_column(client: TestClient, make_network: MakeNetwork
                                           ) -> None:
    net = make_network()
    response = client.get(f"/api/networks/{net['id']}/predict",
                          params={"inputs": '[[1,2],[1,"x"]]'})
    assert response.status_code == 422
    assert "inputs: row 1, column 1" in response.json()["message"]


def test_inputs_of_the_wrong_width_name_the_row(client: TestClient, make_network: MakeNetwork
                                                ) -> None:
    net = make_network()
    response = client.post(f"/api/networks/{net['id']}/predict",
                           json={"inputs": [[1, 2], [3]]})
    assert response.status_code == 422
    assert "row 1 has 1 columns" in response.json()["message"]


def test_invalid_inputs_json_says_where(client: TestClient, make_network: MakeNetwork) -> None:
    net = make_network()
    response = client.get(f"/api/networks/{net['id']}/predict", params={"inputs": "[[1,2"})
    assert response.status_code == 422
    assert "query inputs is not valid JSON" in response.json()["message"]
