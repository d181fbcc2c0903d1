"""Page speed in headless Chromium: animation frame times and first-load bytes.

    python -m benchmarks.page [--runs 3] [--chromium /usr/bin/chromium]

Opens the network page on a 4-16-16-16-2 network (592 edges), runs the forward and the
backward animation `runs` times each and records every requestAnimationFrame interval
while they play → median and 95th percentile frame time (floors: median ≥ 55 fps,
p95 ≤ 25 ms). Also sums the bytes transferred by the first load of the page (floor
≤ 300 KB). The app runs as a real uvicorn process on 127.0.0.1 with a throw-away database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx

from benchmarks.api import server
from tests.support.live import CHROMIUM, CHROMIUM_ARGS, HOST

LAYERS = [4, 16, 16, 16, 2]
FLOORS = {"median_fps": 55.0, "p95_ms": 25.0, "first_load_kb": 300.0}

RECORDER = """() => {
  window.__frames = [];
  let last = null;
  const tick = (now) => {
    if (last !== null) window.__frames.push(now - last);
    last = now;
    window.__rafId = requestAnimationFrame(tick);
  };
  window.__rafId = requestAnimationFrame(tick);
}"""


def dataset_id(base: str) -> str:
    """Upload 32 random-ish rows with 4 inputs and 2 targets; the page's network uses them."""
    inputs = [[((i * 7 + j * 3) % 11) / 5 - 1 for j in range(4)] for i in range(32)]
    targets = [[float(sum(row) > 0), float(row[0] > row[1])] for row in inputs]
    r = httpx.post(f"{base}/api/datasets", json={"name": "bench", "inputs": inputs,
                                                 "targets": targets}, timeout=10)
    r.raise_for_status()
    return str(r.json()["id"])


def first_load_bytes(page: Any, url: str) -> int:
    """Bytes of the document and every resource it pulled in (bodies, as served)."""
    sizes: list[int] = []
    page.on("response", lambda resp: sizes.append(len(resp.body()) if resp.ok else 0))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_load_state("networkidle")
    return sum(sizes)


def run_pass(page: Any, key: str) -> list[float]:
    """Press `key` and record frame intervals until its animation has finished."""
    page.evaluate(RECORDER)
    page.keyboard.press(key)
    page.wait_for_function("() => document.querySelector('#network').dataset.animating")
    page.wait_for_function("() => !document.querySelector('#network').dataset.animating",
                           timeout=30_000)
    frames: list[float] = page.evaluate(
        "() => { cancelAnimationFrame(window.__rafId); return window.__frames; }")
    return frames[1:]  # the first interval includes the API call before the pass started


def measure(chromium: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as port:
        base = f"http://{HOST}:{port}"
        ident = dataset_id(base)
        acts = ",".join(["tanh"] * (len(LAYERS) - 2) + ["sigmoid"])
        url = (f"{base}/#preset=xor&datasetId={ident}&init=xavier&loss=mse"
               f"&layers={','.join(map(str, LAYERS))}&activations={acts}")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            load = first_load_bytes(page, url)
            edges = page.locator("#network line.edge").count()
            frames: list[float] = []
            for _ in range(runs):
                frames += run_pass(page, "f")
                frames += run_pass(page, "b")
            browser.close()
    slow = sum(f > 20 for f in frames)
    frames.sort()
    median = statistics.median(frames)
    p95 = frames[min(len(frames) - 1, int(0.95 * len(frames)))]
    return {"slow_frames": slow, "edges": edges, "frames": len(frames), "median_ms": median,
            "median_fps": 1000 / median, "p95_ms": p95, "first_load_kb": load / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="forward+backward pairs")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    result = measure(args.chromium, args.runs)
    ok = (result["median_fps"] >= FLOORS["median_fps"] and result["p95_ms"] <= FLOORS["p95_ms"]
          and result["first_load_kb"] <= FLOORS["first_load_kb"])
    print(f"network {'-'.join(map(str, LAYERS))}: {result['edges']} edges, "
          f"{result['frames']} frames")
    print(f"frame time median {result['median_ms']:.2f} ms ({result['median_fps']:.1f} fps), "
          f"p95 {result['p95_ms']:.2f} ms  [floors: >= {FLOORS['median_fps']:.0f} fps, "
          f"p95 <= {FLOORS['p95_ms']:.0f} ms]")
    print(f"first load {result['first_load_kb']:.1f} KB  "
          f"[floor <= {FLOORS['first_load_kb']:.0f} KB]")
    print(json.dumps({k: round(v, 3) for k, v in result.items()}))
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
