"""CSV uploads get the bounds JSON rows get: values, columns, names; errors name row/column."""

from __future__ import annotations

from fastapi.testclient import TestClient

CSV = {"content-type": "text/csv"}


def upload(client: TestClient, text: str, **params: str) -> dict:
    response = client.post("/api/datasets", content=text.encode(), headers=CSV, params=params)
    return {"status": response.status_code, **response.json()}


def test_cell_larger_than_the_csv_field_limit_is_422(client: TestClient) -> None:
    answer = upload(client, "x,y\n1," + "9" * 140_000 + "\n")
    assert answer["status"] == 422
    assert (answer["row"], answer["column"]) == (1, 1)


def test_header_larger_than_the_csv_field_limit_is_422(client: TestClient) -> None:
    answer = upload(client, "x," + "y" * 140_000 + "\n1,2\n")
    assert answer["status"] == 422
    assert answer["row"] == 0


def test_value_beyond_1e9_is_422(client: TestClient) -> None:
    answer = upload(client, "x,y\n1,2\n3,4e9\n")
    assert answer["status"] == 422
    assert (answer["row"], answer["column"]) == (2, 1)


def test_too_many_columns_is_422(client: TestClient) -> None:
    answer = upload(client, ",".join(["1"] * 5000) + "\n")
    assert answer["status"] == 422
    assert "5000 columns exceed the limit of 128" in answer["message"]


def test_more_inputs_than_neurons_is_422(client: TestClient) -> None:
    answer = upload(client, ",".join(["1"] * 100) + "\n")
    assert answer["status"] == 422
    assert "input_columns: 99 columns exceed the limit of 64" in answer["message"]


def test_duplicate_header_names_are_422(client: TestClient) -> None:
    answer = upload(client, "x,x,y\n1,2,3\n")
    assert answer["status"] == 422
    assert (answer["row"], answer["column"]) == (0, 1)


def test_empty_header_name_is_422(client: TestClient) -> None:
    answer = upload(client, "x,,y\n1,2,3\n")
    assert answer["status"] == 422
    assert (answer["row"], answer["column"]) == (0, 1)


def test_long_header_name_is_422(client: TestClient) -> None:
    answer = upload(client, "x," + "y" * 65 + "\n1,2\n")
    assert answer["status"] == 422
    assert answer["column"] == 1


def test_csv_query_parameters_still_choose_columns(client: TestClient) -> None:
    answer = upload(client, "a,b,c\n1,2,3\n", input_columns="a", target_columns="c")
    assert answer["status"] == 201
    assert (answer["input_names"], answer["target_names"]) == (["a"], ["c"])


def test_json_rows_refuse_a_column_both_input_and_target(client: TestClient) -> None:
    body = {"columns": ["a", "b"], "rows": [[1, 2]], "input_columns": ["a", "b"],
            "target_columns": ["b"]}
    response = client.post("/api/datasets", json=body)
    assert response.status_code == 422
    assert response.json()["column"] == 1


def test_json_rows_refuse_duplicate_column_names(client: TestClient) -> None:
    body = {"columns": ["a", "a"], "rows": [[1, 2]]}
    response = client.post("/api/datasets", json=body)
    assert response.status_code == 422
    assert "'a' names two columns" in response.json()["message"]
