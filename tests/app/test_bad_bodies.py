"""Bodies nothing can read (deep nesting, broken JSON, wrong Content-Type, bad multipart)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import MakeNetwork

DEEP = "[" * 1000 + "]" * 1000
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("method,path", [
    ("POST", "/api/networks"), ("POST", "/api/networks/import"), ("POST", "/api/datasets"),
    ("POST", "/api/circuits/trace"), ("PATCH", "/api/networks/{id}"),
    ("POST", "/api/networks/{id}/step"), ("POST", "/api/networks/{id}/train"),
    ("POST", "/api/networks/{id}/predict"), ("POST", "/api/networks/{id}/reset"),
])
def test_deep_nesting_is_422(client: TestClient, make_network: MakeNetwork, method: str,
                             path: str) -> None:
    url = path.format(id=make_network()["id"])
    response = client.request(method, url, content='{"a": ' + DEEP + "}", headers=JSON)
    assert response.status_code == 422
    assert "nested too deeply" in response.json()["message"]


def test_predict_inputs_nested_deeply_is_422(client: TestClient, make_network: MakeNetwork
                                             ) -> None:
    net = make_network()
    response = client.get(f"/api/networks/{net['id']}/predict", params={"inputs": DEEP})
    assert response.status_code == 422
    assert "inputs" in response.json()["message"]


def test_truncated_json_says_where(client: TestClient) -> None:
    response = client.post("/api/networks", content='{"preset": "two-two-one", ',
                           headers=JSON)
    assert response.status_code == 422
    assert response.json()["message"].startswith("the body is not valid JSON: ")
    assert "at character 26" in response.json()["message"]


def test_json_sent_as_text_plain_names_the_content_type(client: TestClient) -> None:
    response = client.post("/api/networks", content='{"preset": "two-two-one"}',
                           headers={"content-type": "text/plain"})
    assert response.status_code == 422
    assert "Content-Type: application/json" in response.json()["message"]


def test_truncated_dataset_json_says_where(client: TestClient) -> None:
    response = client.post("/api/datasets", content='{"rows": [[1, 2]', headers=JSON)
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["message"]


def test_multipart_without_boundary_is_422(client: TestClient) -> None:
    response = client.post("/api/datasets", content=b"x,y\n1,2\n",
                           headers={"content-type": "multipart/form-data"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("multipart: ")


def test_multipart_with_two_files_is_422(client: TestClient) -> None:
    files = [("file", ("a.csv", b"x,y\n1,2\n")), ("other", ("b.csv", b"x,y\n1,2\n"))]
    response = client.post("/api/datasets", files=files)
    assert response.status_code == 422
    assert "file" in response.json()["message"]


def test_multipart_with_unknown_field_is_422(client: TestClient) -> None:
    response = client.post("/api/datasets", files={"file": ("a.csv", b"x,y\n1,2\n")},
                           data={"bogus": "1"})
    assert response.status_code == 422
    assert "bogus" in response.json()["message"]
