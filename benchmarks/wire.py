"""A big network's step on the wire: the per-edge trace against the compact per-layer forms.

    python -m benchmarks.wire [--runs 3] [--blas-baseline]

2-64×8-1 networks (28,864 weights) on the `circle` dataset with 1,000 samples, in a real
uvicorn process on 127.0.0.1, one network per optimizer (sgd, momentum, adam) and per form:
`page` (`?form=layers&omit=weights&omit=grad_weights&weights_crc=…`, what the page asks:
only what the phase changed), `layers` (the whole layer form) and `edges` (one JSON object
per weight, the default for API users). Each run steps every network through forward,
backward and update and records each answer's bytes and time (request to last byte).
Floors, per optimizer and phase, for the page's form: ≤ 1 MB (2**20 bytes) and median
≤ 100 ms; the whole layer form gets the same verdict for comparison. The load average is
printed before and after: on a shared machine the times move with it, so compare forms
within one run. `--blas-baseline` also steps the page's form on a second server whose BLAS
calls use the library's default threads (`--blas-threads 0`), after the first.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from app.serialize import trace_json, trace_layers_json, weights_crc
from engine.data.datasets import make_dataset
from engine.nn.network import Network
from tests.support.live import HOST, running_app

LAYERS = [2, *[64] * 8, 1]
PHASES = ("forward", "backward", "update")
OPTIMIZERS = ("sgd", "momentum", "adam")
HELD = ("weights", "grad_weights")  # what the page holds (static/js/model.js heldMatrices)
FORMS = {"page": "form=layers" + "".join(f"&omit={name}" for name in HELD),
         "layers": "form=layers", "edges": "form=edges"}
FLOORS = {"bytes": 2**20, "ms": 100.0}

SPEC = {"layers": LAYERS, "activations": ["tanh"] * (len(LAYERS) - 2) + ["sigmoid"],
        "loss": "bce", "seed": 3, "init": "xavier", "learning_rate": 0.1}
DATA: dict[str, Any] = {"name": "circle", "samples": 1000, "seed": 1}

Figures = dict[str, dict[str, dict[str, dict[str, float]]]]  # optimizer, form, phase


def create(client: httpx.Client, optimizer: str) -> str:
    response = client.post("/api/networks", json={**SPEC, "optimizer": optimizer,
                                                  "dataset": DATA})
    response.raise_for_status()
    return str(response.json()["id"])


def held_crc(client: httpx.Client, ident: str) -> str:
    """`&weights_crc=…` of the network's weights, as the page sends for the weights it holds."""
    weights = client.get(f"/api/networks/{ident}").json()["weights"]
    return f"&weights_crc={weights_crc([np.array(w) for w in weights])}"


def timed_step(client: httpx.Client, ident: str, phase: str, query: str) -> tuple[int, float]:
    if "omit=weights" in query:
        query += held_crc(client, ident)  # not timed: the page knows its weights
    started = time.perf_counter()
    response = client.post(f"/api/networks/{ident}/step?{query}", json={"phase": phase})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return len(response.content), elapsed * 1000


def measure(runs: int, forms: dict[str, str], env: dict[str, str] | None = None) -> Figures:
    """Each optimizer's networks, one per form, stepped alike: bytes (max) and ms (median)."""
    rows: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, \
            running_app(Path(tmp) / "bench.sqlite3", env=env) as live, \
            httpx.Client(base_url=f"http://{HOST}:{live.port}", timeout=60) as client:
        ids = {(o, f): create(client, o) for o in OPTIMIZERS for f in forms}
        for _ in range(runs):
            for (optimizer, form), phase in itertools.product(ids, PHASES):
                rows.setdefault((optimizer, form, phase), []).append(
                    timed_step(client, ids[optimizer, form], phase, forms[form]))
    figures: Figures = {}
    for (optimizer, form, phase), samples in rows.items():
        figures.setdefault(optimizer, {}).setdefault(form, {})[phase] = {
            "bytes": max(b for b, _ in samples), "ms": statistics.median(ms for _, ms in samples)}
    return figures


def writing(runs: int) -> dict[str, dict[str, float]]:
    """In this process, without HTTP or store (Adam): ms to write each phase's answer."""
    net = Network.from_spec_dict({**SPEC, "optimizer": "adam"})
    data = make_dataset(DATA["name"], samples=DATA["samples"], seed=DATA["seed"])
    writers = {"page": lambda t: trace_layers_json("x", t, omit=HELD),
               "layers": lambda t: trace_layers_json("x", t), "edges": lambda t: trace_json("x", t)}
    times: dict[str, dict[str, list[float]]] = {form: {p: [] for p in PHASES} for form in writers}
    for _ in range(runs):
        for phase in PHASES:
            trace = net.trace_step(data.inputs, data.targets, phase=phase)
            for form, write in writers.items():
                started = time.perf_counter()
                write(trace)
                times[form][phase].append((time.perf_counter() - started) * 1000)
    return {form: {phase: statistics.median(ms) for phase, ms in phases.items()}
            for form, phases in times.items()}


def met(figure: dict[str, float]) -> bool:
    return figure["bytes"] <= FLOORS["bytes"] and figure["ms"] <= FLOORS["ms"]


def cell(figure: dict[str, float], verdict: bool = True) -> str:
    text = f"{figure['bytes'] / 1024:6.0f} KB {figure['ms']:6.1f} ms"
    return text + (f" {'met' if met(figure) else 'MISSED':>6}" if verdict else "")


def report(result: Figures, baseline: Figures | None, written: dict[str, dict[str, float]]
           ) -> bool:
    """Print one line per optimizer and phase; True if the page's form met every floor."""
    print(f"{'':18} {'page: layers&omit':>29} | {'whole layers':>29} | {'per edge':>22}"
          + (" | BLAS default threads" if baseline else ""))
    ok = True
    for optimizer, phase in itertools.product(OPTIMIZERS, PHASES):
        forms = result[optimizer]
        ok = ok and met(forms["page"][phase])
        line = (f"{optimizer:>8} {phase:>9} {cell(forms['page'][phase])} | "
                f"{cell(forms['layers'][phase])} | {cell(forms['edges'][phase], False)}")
        if baseline:
            line += f" | {baseline[optimizer]['page'][phase]['ms']:6.1f} ms"
        print(line)
    for phase in PHASES:
        print(f"writing an Adam {phase} answer alone: page {written['page'][phase]:5.1f} ms, "
              f"layers {written['layers'][phase]:5.1f} ms, edges {written['edges'][phase]:6.1f} ms")
    print(f"[floors, page's form: <= {FLOORS['bytes'] // 1024} KB and <= {FLOORS['ms']:.0f} ms "
          "per phase; the whole layer form's verdict for comparison]")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--blas-baseline", action="store_true",
                        help="also the page's form on a server with --blas-threads 0")
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = measure(args.runs, FORMS)
    baseline = (measure(args.runs, {"page": FORMS["page"]},
                        {"BACKPROP_VIZ_BLAS_THREADS": "0"})
                if args.blas_baseline else None)
    written = writing(args.runs)
    load_after = os.getloadavg()
    edges = sum(a * b for a, b in itertools.pairwise(LAYERS))
    print(f"network {'-'.join(map(str, LAYERS))}: {edges} weights, 1000 samples, {args.runs} "
          f"runs; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    ok = report(result, baseline, written)
    summary: dict[str, Any] = {"answer": result, "writing_ms": written,
                               "load": [load_before[0], load_after[0]]}
    if baseline:
        summary["blas_default_threads"] = baseline
    print(json.dumps(summary))
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
