"""/api/datasets: CSV upload and JSON rows, with 422s naming row and column."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

CSV = "c,f\n0,32\n100,212\n-40,-40\n"


def test_builtin_names_are_listed(client: TestClient) -> None:
    response = client.get("/api/datasets")
    assert response.status_code == 200
    assert "xor" in [entry["name"] for entry in response.json()]


def test_builtin_entries_say_their_columns_size_and_task(client: TestClient) -> None:
    response = client.get("/api/datasets")
    assert response.status_code == 200
    entries = {entry["name"]: entry for entry in response.json()}
    assert entries["celsius"]["input_names"] == ["celsius"]
    assert entries["celsius"]["target_names"] == ["fahrenheit"]
    assert entries["celsius"]["default_samples"] == 100
    assert entries["spiral"]["task"] == "classification"
    assert len(entries["high-school"]["input_names"]) == 10
    assert len(entries["high-school"]["target_names"]) == 2
    assert all(entry["title"] and entry["description"] for entry in entries.values())


def test_csv_upload_is_201_with_an_id(client: TestClient) -> None:
    response = client.post("/api/datasets", files={"file": ("temps.csv", CSV, "text/csv")})
    assert response.status_code == 201
    body = response.json()
    assert body["samples"] == 3
    assert body["input_names"] == ["c"]
    assert body["target_names"] == ["f"]


def test_csv_as_text_body(client: TestClient) -> None:
    response = client.post("/api/datasets", content=CSV, headers={"content-type": "text/csv"})
    assert response.status_code == 201
    assert response.json()["targets"] == [[32], [212], [-40]]


def test_csv_with_a_bad_value_names_row_and_column(client: TestClient) -> None:
    bad = "c,f\n0,32\n100,abc\n"
    response = client.post("/api/datasets", files={"file": ("t.csv", bad, "text/csv")})
    assert response.status_code == 422
    message = response.json()["message"]
    assert "row" in message and "column" in message


def test_csv_with_infinity_is_422(client: TestClient) -> None:
    response = client.post("/api/datasets", files={"file": ("t.csv", "a,b\n1,inf\n",
                                                            "text/csv")})
    assert response.status_code == 422


def test_json_rows(client: TestClient) -> None:
    response = client.post("/api/datasets", json={
        "name": "and", "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]],
        "targets": [[0], [0], [0], [1]]})
    assert response.status_code == 201
    assert response.json()["samples"] == 4


def test_json_columns_pick_inputs_and_targets(client: TestClient) -> None:
    response = client.post("/api/datasets", json={
        "columns": ["f", "c"], "rows": [[32, 0], [212, 100]], "input_columns": ["c"],
        "target_columns": ["f"]})
    assert response.status_code == 201
    assert response.json()["inputs"] == [[0], [100]]
    assert response.json()["input_names"] == ["c"]


def test_json_row_with_a_string_names_row_and_column(client: TestClient) -> None:
    response = client.post("/api/datasets", json={"inputs": [[0], ["x"]], "targets": [[0], [1]]})
    assert response.status_code == 422
    assert "inputs: row 1, column 0" in response.json()["message"]


def test_ragged_json_rows_name_the_row(client: TestClient) -> None:
    response = client.post("/api/datasets", json={"rows": [[1, 2], [1, 2, 3]]})
    assert response.status_code == 422
    assert "row 1" in response.json()["message"]


def test_dataset_id_builds_a_network(client: TestClient, make_network: MakeNetwork) -> None:
    ident = client.post("/api/datasets", content=CSV,
                        headers={"content-type": "text/csv"}).json()["id"]
    state = make_network(layers=[1, 1], activations=["linear"], dataset_id=ident)
    assert state["dataset"]["samples"] == 3


def test_unknown_dataset_id_is_404(client: TestClient) -> None:
    response = client.post("/api/networks", json={"layers": [1, 1], "activations": ["linear"],
                                                  "dataset_id": "missing"})
    assert response.status_code == 404


def test_get_uploaded_dataset(client: TestClient) -> None:
    ident = client.post("/api/datasets", content=CSV,
                        headers={"content-type": "text/csv"}).json()["id"]
    response = client.get(f"/api/datasets/{ident}")
    assert response.status_code == 200
    assert response.json()["samples"] == 3
