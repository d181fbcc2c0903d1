"""GET /api/networks/{id}/code: the exported script, run in a subprocess, equals the next trace.

Nets of every output activation and loss they allow, each reduction, optimizer and
regularization, hidden layers of every other activation, some layers without bias, trained a
few steps first so the optimizer state is not zero. All scripts of a flavour run in one
subprocess (torch takes a second to import), each in its own namespace.
"""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from engine.nn.activations import ACTIVATIONS
from engine.nn.losses import LOSS_OUTPUTS
from tests.app.conftest import MakeNetwork

HIDDEN = [name for name, act in ACTIVATIONS.items() if not act.output_only]
OUTPUTS = list(ACTIVATIONS)
PAIRS = [(out, loss) for loss, allowed in LOSS_OUTPUTS.items() for out in OUTPUTS
         if allowed is None or out in allowed]
RUNNER = """
import contextlib, io, json, runpy, sys
out = []
for path in sys.argv[1:]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        runpy.run_path(path, run_name="__main__")
    out.append(json.loads(buffer.getvalue()))
print(json.dumps(out))
"""


def body_for(index: int, out: str, loss: str, optimizer: str, regularization: str,
             reduction: str) -> dict[str, Any]:
    """A small random net and data its loss accepts; depth, sizes and biases vary with index."""
    rng = np.random.default_rng(index)
    depth = 1 + index % 3  # weight layers
    layers = [int(rng.integers(1, 4))] + [int(rng.integers(1, 5)) for _ in range(depth - 1)]
    outputs = 2 + index % 2 if out == "softmax" else 1 + index % 3
    if loss == "cross_entropy" and out == "sigmoid":
        outputs = max(outputs, 2)  # one sigmoid output takes bce (cross_entropy is refused)
    layers.append(outputs)
    hidden = [HIDDEN[(index + k) % len(HIDDEN)] for k in range(depth - 1)]
    m = 1 + index % 5
    inputs = rng.normal(0, 1.5, (m, layers[0]))
    if loss in ("bce", "cross_entropy"):
        targets = rng.uniform(0, 1, (m, outputs)).round(2)
    else:
        targets = rng.normal(0, 1, (m, outputs))
    body: dict[str, Any] = {
        "layers": layers, "activations": [*hidden, out], "loss": loss, "reduction": reduction,
        "optimizer": optimizer, "learning_rate": 0.05, "seed": index, "init": "normal",
        "init_scale": 0.8, "use_bias": [bool((index >> k) & 1) or k == 0 for k in range(depth)],
        "inputs": inputs.tolist(), "targets": targets.tolist(),
    }
    if regularization != "none":
        body |= {"regularization": regularization, "regularization_rate": 0.01}
    return body


CASES = [
    (i, *combo) for i, combo in enumerate(itertools.product(
        PAIRS, ("sgd", "momentum", "adam"), ("none", "l1", "l2"), ("mean", "sum")))
]


def close(a: Any, b: Any, tol: float, where: str) -> None:
    """Every number of `a` within tol·max(1, |b|) of `b`, structure equal."""
    if isinstance(b, dict):
        assert set(a) == set(b), where
        for key in b:
            close(a[key], b[key], tol, f"{where}.{key}")
    elif isinstance(b, list):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, tol, f"{where}[{k}]")
    elif isinstance(b, float) and not isinstance(b, bool):
        assert abs(a - b) <= tol * max(1.0, abs(b)), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, where


def expected(trace: dict[str, Any], optimizer: str) -> dict[str, Any]:
    """The trace's numbers the script prints, in the script's layout."""
    stateful = optimizer != "sgd"
    edges = [{k: e[k] for k in ("layer", "source", "target", "grad", "new_weight")}
             | ({"optimizer": e["optimizer"]} if stateful else {}) for e in trace["edges"]]
    nodes = [{k: n[k] for k in ("layer", "index", "grad_bias", "new_bias")}
             | ({"bias_optimizer": n["bias_optimizer"]} if stateful else {})
             for n in trace["nodes"] if n["grad_bias"] is not None]
    return {"step": trace["step"], "loss": trace["loss"], "sample_losses": trace["sample_losses"],
            "outputs": trace["outputs"], "edges": edges, "nodes": nodes}


def run_scripts(paths: list[Path]) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-c", RUNNER, *map(str, paths)], capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_scripts_reproduce_the_next_trace(client: TestClient, tmp_path: Path) -> None:
    """Every combination: numpy to 1e-12, torch to 1e-9 of the next `phase: all` trace."""
    scripts: dict[str, list[Path]] = {"numpy": [], "torch": []}
    wanted: list[dict[str, Any]] = []
    for index, (out, loss), optimizer, regularization, reduction in CASES:
        body = body_for(index, out, loss, optimizer, regularization, reduction)
        created = client.post("/api/networks", json=body)
        assert created.status_code == 201, (body, created.text)
        ident = created.json()["id"]
        assert client.post(f"/api/networks/{ident}/train", json={"epochs": 2}).status_code == 200
        for flavour, paths in scripts.items():
            code = client.get(f"/api/networks/{ident}/code", params={"flavour": flavour})
            assert code.status_code == 200
            paths.append(tmp_path / f"net{index}_{flavour}.py")
            paths[-1].write_text(code.text)
        trace = client.post(f"/api/networks/{ident}/step", json={"phase": "all"}).json()
        wanted.append(expected(trace, optimizer))
    assert len(wanted) == len(PAIRS) * 18 == 288
    # Every script is clean Python by pycodestyle and pyflakes (l is the articles' layer index).
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select",
                           "E,F,W", "--ignore", "E741", "--line-length", "100", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert lint.returncode == 0, lint.stdout[-3000:]
    for flavour, tol in (("numpy", 1e-12), ("torch", 1e-9)):
        for case, got, want in zip(CASES, run_scripts(scripts[flavour]), wanted, strict=True):
            close(got, want, tol, f"{flavour} {case}")


def test_script_reads_like_the_articles(client: TestClient, make_network: MakeNetwork) -> None:
    """numpy by default, text/x-python, only json and numpy imported, a loop over layers."""
    state = make_network()
    ident = state["id"]
    response = client.get(f"/api/networks/{ident}/code")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-python")
    text = response.text
    imports = {alias.name for node in ast.walk(ast.parse(text))
               if isinstance(node, ast.Import | ast.ImportFrom)
               for alias in node.names}
    assert imports == {"json", "numpy"}
    assert "for l in range(L):" in text and "for l in reversed(range(L)):" in text
    assert "∂L/∂W = ∂L/∂Z · ∂Z/∂W" in text
    assert "W = [  # W[l]: weights entering layer l + 1" in text
    assert f"{state['weights'][0][0]}," in text  # the article's weights, exactly
    torch = client.get(f"/api/networks/{ident}/code", params={"flavour": "torch"}).text
    imports = {alias.name for node in ast.walk(ast.parse(torch))
               if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
    assert imports == {"json", "torch"}


def test_two_two_one_script_prints_the_articles_numbers(
    client: TestClient, make_network: MakeNetwork, tmp_path: Path
) -> None:
    """The 2-2-1 article's first step: w5's gradient −0.68765 and its new value."""
    ident = make_network()["id"]
    path = tmp_path / "two_two_one.py"
    path.write_text(client.get(f"/api/networks/{ident}/code").text)
    (got,) = run_scripts([path])
    w5 = next(e for e in got["edges"] if (e["layer"], e["source"], e["target"]) == (2, 0, 0))
    assert round(w5["grad"], 5) == -0.68765
    trace = client.post(f"/api/networks/{ident}/step", json={"phase": "all"}).json()
    assert got["loss"] == trace["loss"]


def test_unknown_flavour_is_a_422(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    response = client.get(f"/api/networks/{ident}/code", params={"flavour": "jax"})
    assert response.status_code == 422
    assert "flavour" in response.json()["message"]


def test_unknown_network_is_a_404(client: TestClient) -> None:
    response = client.get("/api/networks/nope/code")
    assert response.status_code == 404


def test_reading_the_code_changes_nothing(client: TestClient, make_network: MakeNetwork) -> None:
    ident = make_network()["id"]
    before = client.get(f"/api/networks/{ident}").json()
    client.get(f"/api/networks/{ident}/code", params={"flavour": "torch"})
    after = client.get(f"/api/networks/{ident}").json()
    assert after["step"] == before["step"] == 0 and after["weights"] == before["weights"]
