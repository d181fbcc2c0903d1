"""Smaller input handling: each odd input gets a 4xx in the API's shape saying what to do."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.schemas.common import MAX_QUERY_CHARS
from app.schemas.training import TrainRequest
from app.settings import Settings
from app.training import run_on_worker
from tests.app.conftest import MakeNetwork
from tests.support.live import HOST, running_app


def test_cr_only_csv_is_read(client: TestClient) -> None:
    response = client.post("/api/datasets", content=b"a,b\r1,2\r3,4\r",
                           headers={"content-type": "text/csv"})
    assert response.status_code == 201, response.text
    assert response.json()["samples"] == 2
    assert response.json()["inputs"] == [[1.0], [3.0]]


@pytest.mark.parametrize("body", [
    b'{"learning_rate": 1e999, "learning_rate": 0.5}',
    b'{"learning_rate": 0.5, "learning_rate": 1e999}',
    b'{"weight": {"layer": 1, "layer": 2, "source": 0, "target": 0, "value": 1}}',
])
def test_duplicate_keys_are_refused(client: TestClient, make_network: MakeNetwork,
                                    body: bytes) -> None:
    net = make_network()
    response = client.patch(f"/api/networks/{net['id']}", content=body,
                            headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "twice" in response.json()["message"]
    assert client.get(f"/api/networks/{net['id']}").json()["learning_rate"] == net[
        "learning_rate"]


def test_duplicate_keys_in_a_dataset_upload(client: TestClient) -> None:
    response = client.post("/api/datasets", content=b'{"rows": [[1, 2]], "rows": [[3, 4]]}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "'rows' twice" in response.json()["message"]


def test_dataset_json_needs_its_content_type(client: TestClient) -> None:
    response = client.post("/api/datasets", content=b'{"rows": [[1, 2], [3, 4]]}')
    assert response.status_code == 422
    assert "Content-Type: application/json" in response.json()["message"]


@pytest.mark.parametrize("upload", ["text/csv", "multipart"])
def test_a_long_csv_name_is_refused_like_a_json_one(client: TestClient, upload: str) -> None:
    name = "n" * 65
    if upload == "text/csv":
        response = client.post(f"/api/datasets?name={name}", content=b"a,b\n1,2\n",
                               headers={"content-type": "text/csv"})
    else:
        response = client.post("/api/datasets", files={"file": ("d.csv", b"a,b\n1,2\n")},
                               data={"name": name})
    assert response.status_code == 422
    assert "64" in response.json()["message"] and "name" in response.json()["message"]


def test_a_huge_integer_says_what_is_wrong(client: TestClient) -> None:
    response = client.post("/api/networks", content=b'{"preset": "xor", "seed": ' +
                           b"9" * 5000 + b"}", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "more than 4300 digits" in response.json()["message"]


def test_a_query_over_the_limit_is_a_json_422(client: TestClient,
                                              make_network: MakeNetwork) -> None:
    net = make_network()
    rows = "[" + ",".join(["[1,1]"] * (MAX_QUERY_CHARS // 6 + 1)) + "]"
    response = client.get(f"/api/networks/{net['id']}/predict", params={"inputs": rows})
    assert response.status_code == 422
    assert "inputs" in response.json()["message"]


@pytest.mark.slow
def test_a_60000_character_query_reaches_the_app_when_served(tmp_path: Path) -> None:
    with running_app(tmp_path / "s.sqlite3") as live:
        ident = httpx.post(f"{live.url}/api/networks", json={"preset": "xor"}).json()["id"]
        rows = quote("[" + ",".join(["[1.5,-2.25]"] * 5500) + "]")  # ~66,000 characters
        # httpx refuses URLs this long; the standard library sends what it is given
        connection = http.client.HTTPConnection(HOST, live.port, timeout=10)
        connection.request("GET", f"/api/networks/{ident}/predict?inputs={rows}")
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()
    assert response.status == 422
    assert response.getheader("content-type") == "application/json"
    assert "inputs" in body["message"]


def test_busy_answers_409_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "s.sqlite3", lock_timeout_seconds=0.2)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        ident = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
        store = client.app.state.store  # type: ignore[attr-defined]
        with store.edit(ident):  # another call holds the network
            response = client.post(f"/api/networks/{ident}/reset")
    assert response.status_code == 409
    assert response.headers["retry-after"] == "5"
    assert "busy" in response.json()["message"]


def test_a_train_whose_client_left_while_queued_runs_no_epoch(
        client: TestClient, make_network: MakeNetwork, settings: Settings) -> None:
    net = make_network()
    store = client.app.state.store  # type: ignore[attr-defined]
    left = threading.Event()
    left.set()
    lease = asyncio.run(store.lock_async(net["id"]))
    try:  # no worker pipe: a run that starts would fail on it
        steps = run_on_worker(store, lease, net["id"], TrainRequest(epochs=5), settings,
                              None, left, None)  # type: ignore[arg-type]
        with pytest.raises(StopIteration) as ended:  # over before its first pause: nothing
            next(steps)                             # was sent to a worker
    finally:
        store.unlock(lease)
    result = ended.value.value
    assert result.epochs == 0 and result.stopped_early
    assert result.reason == "cancelled: the client went away"
    assert client.get(f"/api/networks/{net['id']}").json()["step"] == 0


def test_multipart_takes_column_choices_from_the_query(client: TestClient) -> None:
    csv = b"a,b,c\n1,2,3\n4,5,6\n"
    response = client.post("/api/datasets?target_columns=a",
                           files={"file": ("d.csv", csv)})
    assert response.status_code == 201, response.text
    assert response.json()["target_names"] == ["a"]
    assert response.json()["input_names"] == ["b", "c"]
    both = client.post("/api/datasets?target_columns=a", files={"file": ("d.csv", csv)},
                       data={"target_columns": "b"})
    assert both.status_code == 422
    assert "give it once" in both.json()["message"]


def test_cross_entropy_on_one_sigmoid_output_points_to_bce(client: TestClient) -> None:
    response = client.post("/api/networks", json={
        "layers": [2, 1], "activations": ["sigmoid"], "loss": "cross_entropy",
        "inputs": [[0, 1]], "targets": [[0]]})
    assert response.status_code == 422
    assert response.json()["field"] == "loss"
    assert "use bce" in response.json()["message"]
