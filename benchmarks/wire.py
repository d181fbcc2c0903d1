"""A big network's step on the wire: the per-edge trace against the compact per-layer form.

    python -m benchmarks.wire [--runs 3]

Two identical 2-64×8-1 networks (28,864 weights) on the `circle` dataset with 1,000
samples, in a real uvicorn process on 127.0.0.1. Each run steps both through forward,
backward and update, one answering `?form=edges` (the default), the other `?form=layers`
(what the page asks for), and records each answer's bytes and time (request to last byte).
Floors, per phase, for the layer form: ≤ 1 MB (2**20 bytes) and median ≤ 100 ms; the ratios
against the per-edge form in the same run are printed beside them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from app.serialize import trace_json, trace_layers_json
from benchmarks.api import server
from engine.data.datasets import make_dataset
from engine.nn.network import Network
from tests.support.live import HOST

LAYERS = [2, *[64] * 8, 1]
PHASES = ("forward", "backward", "update")
FLOORS = {"bytes": 2**20, "ms": 100.0}


SPEC = {"layers": LAYERS, "activations": ["tanh"] * (len(LAYERS) - 2) + ["sigmoid"],
        "loss": "bce", "seed": 3, "init": "xavier", "learning_rate": 0.1}
DATA = {"name": "circle", "samples": 1000, "seed": 1}


def create(client: httpx.Client) -> str:
    response = client.post("/api/networks", json={**SPEC, "dataset": DATA})
    response.raise_for_status()
    return str(response.json()["id"])


def timed_step(client: httpx.Client, ident: str, phase: str, form: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.post(f"/api/networks/{ident}/step?form={form}", json={"phase": phase})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return len(response.content), elapsed * 1000


def measure(runs: int) -> dict[str, dict[str, dict[str, float]]]:
    samples: dict[str, dict[str, list[tuple[int, float]]]] = {
        form: {phase: [] for phase in PHASES} for form in ("edges", "layers")}
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as port, \
            httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60) as client:
        ids = {form: create(client) for form in samples}
        for _ in range(runs):
            for phase in PHASES:
                for form, ident in ids.items():
                    samples[form][phase].append(timed_step(client, ident, phase, form))
    return {form: {phase: {"bytes": max(b for b, _ in rows),
                           "ms": statistics.median(ms for _, ms in rows)}
                   for phase, rows in phases.items()}
            for form, phases in samples.items()}


def serializing(runs: int) -> dict[str, dict[str, float]]:
    """In this process, without HTTP, engine or store: ms to write each phase's trace."""
    net = Network.from_spec_dict(SPEC)
    data = make_dataset(DATA["name"], samples=DATA["samples"], seed=DATA["seed"])
    times: dict[str, dict[str, list[float]]] = {
        form: {phase: [] for phase in PHASES} for form in ("edges", "layers")}
    for _ in range(runs):
        for phase in PHASES:
            trace = net.trace_step(data.inputs, data.targets, phase=phase)
            for form, write in (("edges", trace_json), ("layers", trace_layers_json)):
                started = time.perf_counter()
                write("x", trace)
                times[form][phase].append((time.perf_counter() - started) * 1000)
    return {form: {phase: statistics.median(ms) for phase, ms in phases.items()}
            for form, phases in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = measure(args.runs)
    writing = serializing(args.runs)
    edges = sum(a * b for a, b in itertools.pairwise(LAYERS))
    print(f"network {'-'.join(map(str, LAYERS))}: {edges} weights, 1000 samples, "
          f"{args.runs} runs")
    ok = True
    for phase in PHASES:
        per_edge, per_layer = result["edges"][phase], result["layers"][phase]
        good = per_layer["bytes"] <= FLOORS["bytes"] and per_layer["ms"] <= FLOORS["ms"]
        ok = ok and good
        print(f"{phase:>8}: layers {per_layer['bytes'] / 1024:7.0f} KB {per_layer['ms']:6.1f} ms"
              f" | edges {per_edge['bytes'] / 1024:7.0f} KB {per_edge['ms']:6.1f} ms"
              f" | size ×{per_layer['bytes'] / per_edge['bytes']:.2f}"
              f" time ×{per_layer['ms'] / per_edge['ms']:.2f}  {'ok' if good else 'MISSED'}")
        print(f"{'':>8}  writing the trace alone: layers {writing['layers'][phase]:5.1f} ms, "
              f"edges {writing['edges'][phase]:6.1f} ms")
    print(f"[floors, layer form: <= {FLOORS['bytes'] // 1024} KB and <= {FLOORS['ms']:.0f} ms "
          "per phase]")
    print(json.dumps({"answer": result, "writing_ms": writing}))
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
