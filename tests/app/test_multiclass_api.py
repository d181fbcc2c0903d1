"""Multi-class data over the API: built-in sets with `classes`, a CSV or JSON class column."""

from __future__ import annotations

from fastapi.testclient import TestClient

SOFTMAX = {"activations": ["tanh", "softmax"], "loss": "cross_entropy"}


def test_menu_lists_the_multiclass_sets(client: TestClient) -> None:
    entries = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert entries["blobs"]["task"] == entries["spirals"]["task"] == "multiclass"
    assert entries["spirals"]["classes"] == 3
    assert entries["spirals"]["target_names"] == ["class 1", "class 2", "class 3"]
    assert entries["xor"]["classes"] is None


def test_four_blobs_train_a_softmax_network(client: TestClient) -> None:
    body = {"layers": [2, 6, 4], **SOFTMAX, "optimizer": "adam", "learning_rate": 0.05,
            "dataset": {"name": "blobs", "samples": 200, "classes": 4}}
    created = client.post("/api/networks", json=body)
    assert created.status_code == 201, created.text
    state = created.json()
    assert state["dataset"]["target_names"] == ["class 1", "class 2", "class 3", "class 4"]
    ident = state["id"]
    trained = client.post(f"/api/networks/{ident}/train", json={"epochs": 300})
    assert trained.status_code == 200
    rows = client.get(f"/api/networks/{ident}/predict",
                      params={"inputs": str(state["dataset"]["inputs"])}).json()
    outputs = rows["outputs"] if isinstance(rows, dict) else rows
    targets = state["dataset"]["targets"]
    right = sum(max(range(4), key=o.__getitem__) == t.index(1.0)
                for o, t in zip(outputs, targets, strict=True))
    assert right / len(targets) >= 0.95


def test_classes_on_a_two_class_set_is_a_422(client: TestClient) -> None:
    response = client.post("/api/networks", json={"layers": [2, 2, 1], "dataset": {
        "name": "xor", "classes": 3}})
    assert response.status_code == 422
    assert "xor has no classes" in response.json()["message"]
    response = client.post("/api/networks", json={"layers": [2, 2, 9], "dataset": {
        "name": "blobs", "classes": 9}})
    assert response.status_code == 422
    assert "classes" in response.json()["message"]


def test_csv_class_column_becomes_one_hot_targets(client: TestClient) -> None:
    text = "x,y,kind\n0,0,cat\n1,0,dog\n0,1,cat\n1,1,bird\n"
    response = client.post("/api/datasets", content=text, params={"class_column": "kind"},
                           headers={"content-type": "text/csv"})
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["input_names"] == ["x", "y"]
    assert data["target_names"] == ["kind=bird", "kind=cat", "kind=dog"]
    assert data["targets"][3] == [1.0, 0.0, 0.0]
    created = client.post("/api/networks", json={"layers": [2, 3, 3], **SOFTMAX,
                                                  "dataset_id": data["id"]})
    assert created.status_code == 201, created.text


def test_multipart_class_column(client: TestClient) -> None:
    files = {"file": ("pets.csv", b"a,b,k\n1,2,x\n3,4,y\n5,6,z\n", "text/csv")}
    response = client.post("/api/datasets", files=files, data={"class_column": "2"})
    assert response.status_code == 201, response.text
    assert response.json()["target_names"] == ["k=x", "k=y", "k=z"]


def test_json_rows_class_column(client: TestClient) -> None:
    body = {"columns": ["a", "label"], "rows": [[0.5, 2], [1.5, 10], [2.5, 2]],
            "class_column": "label"}
    response = client.post("/api/datasets", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["target_names"] == ["label=2", "label=10"]
    assert response.json()["targets"] == [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]


def test_class_column_with_target_columns_is_a_422(client: TestClient) -> None:
    response = client.post("/api/datasets", content="a,k\n1,x\n2,y\n",
                           params={"class_column": "k", "target_columns": "a"},
                           headers={"content-type": "text/csv"})
    assert response.status_code == 422
    assert "not both" in response.json()["message"]
    response = client.post("/api/datasets", content="a,k\n1,x\n2,x\n",
                           params={"class_column": "k"}, headers={"content-type": "text/csv"})
    assert response.status_code == 422
    assert "single class" in response.json()["message"]
