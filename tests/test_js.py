"""The page's pure ES modules (format, layout, lossmath, store, limits) under Node's own test
runner: `node --test tests/js/`, run from pytest so the one test command runs them too.

The lossmath cases check the chain rule the page writes against traces of the real engine,
made here through the API (every loss, mean and sum) and handed to Node in a JSON file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.serialize import weights_crc
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node") or "/usr/bin/node"


def engine_traces(tmp_path: Path) -> dict[str, dict[str, object]]:
    """A backward pass of the XOR net for every loss and reduction, with its state."""
    cases: dict[str, dict[str, object]] = {}
    with TestClient(create_app(Settings(db=tmp_path / "sessions.sqlite3")),
                    base_url="http://localhost") as client:
        # cross_entropy pairs with softmax outputs only (a single sigmoid output is refused:
        # it would give target-0 samples no loss); tests/browser/test_multiclass_page.py
        # checks its chain rule.
        for loss in ("half_sse", "mse", "bce"):
            for reduction in ("mean", "sum"):
                body: dict[str, object] = {"preset": "xor", "activations": ["tanh", "sigmoid"],
                                           "loss": loss, "reduction": reduction}
                if loss == "mse":
                    body |= {"regularization": "l2", "regularization_rate": 0.1}
                created = client.post("/api/networks", json=body)
                assert created.status_code == 201, created.text
                state = created.json()
                trace = client.post(f"/api/networks/{state['id']}/step",
                                    json={"phase": "backward"})
                assert trace.status_code == 200, trace.text
                cases[f"{loss}, {reduction}"] = {"state": state, "trace": trace.json()}
    return cases


# How each twin asks: per edge, per layer, and per layer leaving out what the page holds
# (the server still sends what a call computes anew: the gradients of a backward it runs),
# with the CRC of the weights it holds.
TWIN_FORMS = {"edges": "?form=edges", "layers": "?form=layers",
              "compact": "?form=layers&omit=weights&omit=grad_weights&weights_crc="}


def held_crc(client: TestClient, ident: str) -> int:
    """The CRC of the network's weights, as a page holding them sends it (`weights_crc`)."""
    return weights_crc([np.array(w) for w in client.get(f"/api/networks/{ident}").json()[
        "weights"]])


def twin_traces(tmp_path: Path) -> dict[str, dict[str, object]]:
    """Three identical networks stepped alike, answering per edge, `?form=layers`, and
    `?form=layers` with `omit`: the page's decoder must make the same model of all three
    (tests/js/traceforms.test.mjs)."""
    cases: dict[str, dict[str, object]] = {}
    with TestClient(create_app(Settings(db=tmp_path / "twins.sqlite3")),
                    base_url="http://localhost") as client:
        for optimizer, bias in (("sgd", True), ("momentum", False), ("adam", True)):
            body = {"layers": [3, 4, 5, 2], "activations": ["tanh", "relu", "sigmoid"],
                    "optimizer": optimizer, "use_bias": [bias, True, bias], "seed": 7,
                    "inputs": [[0.5, -1, 2], [1, 0.25, -0.5], [-2, 1, 0]],
                    "targets": [[1, 0], [0, 1], [1, 1]]}
            states = []
            for _ in TWIN_FORMS:
                created = client.post("/api/networks", json=body)
                assert created.status_code == 201, created.text
                states.append(created.json())
            ids = [state["id"] for state in states]
            steps = []
            for phase in ("forward", "backward", "update", "all", "backward", "update"):
                answers = {}
                for ident, (form, query) in zip(ids, TWIN_FORMS.items(), strict=True):
                    crc = held_crc(client, ident) if form == "compact" else ""
                    answer = client.post(f"/api/networks/{ident}/step{query}{crc}",
                                         json={"phase": phase})
                    assert answer.status_code == 200, answer.text
                    answers[form] = answer.json()
                steps.append(answers)
            cases[optimizer] = {"state": states[0], "steps": steps,
                                "crc": held_crc(client, ids[0])}  # after the steps
    return cases


def test_the_pure_page_modules_pass_their_node_tests(tmp_path: Path) -> None:
    if not Path(NODE).exists():
        pytest.fail("Node.js not found: apt-get install -y nodejs")
    traces = tmp_path / "traces.json"
    traces.write_text(json.dumps(engine_traces(tmp_path)))
    twins = tmp_path / "twins.json"
    twins.write_text(json.dumps(twin_traces(tmp_path)))
    run = subprocess.run([NODE, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "BACKPROP_VIZ_JS_TRACES": str(traces),
                              "BACKPROP_VIZ_JS_TWINS": str(twins)}, timeout=120)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
    engine_cases = [line for line in run.stdout.splitlines()
                    if line.startswith("ok ") and "match the trace" in line]
    assert len(engine_cases) == 6, run.stdout[-2000:]  # every loss × reduction ran
    twin_cases = [line for line in run.stdout.splitlines()
                  if line.startswith("ok ") and "same model" in line]
    assert len(twin_cases) == 3, run.stdout[-2000:]  # every optimizer's twins ran
