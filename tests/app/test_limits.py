"""GET /api/limits: the limits in force, as lowered by settings, and that they are enforced."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


def test_the_defaults_are_the_documented_ceilings(client: TestClient) -> None:
    response = client.get("/api/limits")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("layers", "neurons", "samples", "epochs", "grid_resolution")} \
        == {"layers": 10, "neurons": 64, "samples": 10_000, "epochs": 100_000,
            "grid_resolution": 200}
    assert (body["abs_value"], body["learning_rate"], body["regularization_rate"],
            body["noise"]) == (1e9, 1000, 100, 10)
    assert (body["body_bytes"], body["expression_chars"], body["circuit_gates"]) \
        == (1_000_000, 1000, 300)


def test_lowered_settings_are_reported_and_enforced(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "db.sqlite3", max_layers=4, max_neurons=5,
                        max_epochs=50)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        limits = client.get("/api/limits").json()
        assert (limits["layers"], limits["neurons"], limits["epochs"]) == (4, 5, 50)
        base = {"inputs": [[0, 1]], "targets": [[1]]}
        assert client.post("/api/networks", json={"layers": [2, 5, 5, 1], **base}
                           ).status_code == 201
        for layers in ([2, 5, 5, 5, 1], [2, 6, 1]):
            refused = client.post("/api/networks", json={"layers": layers, **base})
            assert refused.status_code == 422, layers
        net = client.post("/api/networks", json={"preset": "two-two-one"}).json()
        assert client.post(f"/api/networks/{net['id']}/train", json={"epochs": 50}
                           ).status_code == 200
        assert client.post(f"/api/networks/{net['id']}/train", json={"epochs": 51}
                           ).status_code == 422


def test_the_request_schemas_use_the_same_ceilings(client: TestClient) -> None:
    """The reported learning-rate, regularization and noise ceilings are the schema's."""
    limits = client.get("/api/limits").json()
    schema = client.get("/openapi.json").json()["components"]["schemas"]["NetworkCreate"]
    props = schema["properties"]

    def maximum(prop: dict) -> float:
        return next(s["maximum"] for s in prop.get("anyOf", [prop]) if "maximum" in s)

    assert maximum(props["learning_rate"]) == limits["learning_rate"]
    assert maximum(props["regularization_rate"]) == limits["regularization_rate"]
    dataset = client.get("/openapi.json").json()["components"]["schemas"]
    noise = next(v for k, v in dataset.items() if k.startswith("Named") or k == "DatasetChoice"
                 if "noise" in v.get("properties", {}))
    assert noise["properties"]["noise"]["maximum"] == limits["noise"]


def test_the_vocabulary_is_the_engines_tables(client: TestClient) -> None:
    from engine.nn.activations import ACTIVATIONS
    from engine.nn.initializers import INITIALIZERS
    from engine.nn.losses import LOSSES
    from engine.nn.optimizers import OPTIMIZER_RULES

    response = client.get("/api/limits")
    assert response.status_code == 200
    vocabulary = response.json()["vocabulary"]
    assert [a["name"] for a in vocabulary["activations"]] == list(ACTIVATIONS)
    assert [a["name"] for a in vocabulary["activations"] if a["output_only"]] == ["softmax"]
    assert {a["name"]: a["min_outputs"] for a in vocabulary["activations"]}["softmax"] == 2
    refused = {loss["name"]: loss["one_output_refused"] for loss in vocabulary["losses"]}
    assert refused == {"half_sse": [], "mse": [], "bce": [], "cross_entropy": ["sigmoid"]}
    assert [loss["name"] for loss in vocabulary["losses"]] == list(LOSSES)
    bce = next(loss for loss in vocabulary["losses"] if loss["name"] == "bce")
    assert set(bce["outputs"]) == {"sigmoid", "softmax"} and bce["targets"] == [0.0, 1.0]
    adam = next(o for o in vocabulary["optimizers"] if o["name"] == "adam")
    assert adam == {"name": "adam", "parameters": ["learning_rate", "beta1", "beta2", "epsilon"],
                    "state": ["m", "v"]}
    assert [o["name"] for o in vocabulary["optimizers"]] == list(OPTIMIZER_RULES)
    assert vocabulary["inits"] == list(INITIALIZERS)
    assert vocabulary["regularizations"] == ["none", "l1", "l2"]
    assert vocabulary["bounds"]["momentum"] == {"min": 0.0, "max": 1.0, "min_inclusive": True,
                                                "max_inclusive": False}
    assert vocabulary["defaults"]["learning_rate"] == 0.1
    assert vocabulary["max_seed"] == 2**32 - 1


def test_a_seed_past_the_engines_bound_is_refused_by_the_api(client: TestClient) -> None:
    response = client.post("/api/networks", json={"layers": [1, 1], "seed": 2**32})
    assert response.status_code == 422
    assert "seed" in response.json()["message"]
