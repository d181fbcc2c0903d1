"""Engine speed: µs per step of the fast loop and of a fully traced step, against a plain
hand-written NumPy loop doing the same math (measured in the same run), and PyTorch eager
when it happens to be installed.

    python -m benchmarks.engine [--seconds 0.3] [--repeats 7]

Networks: 2-2-1 batch 1, 2-8-8-1 batch 200, 2-16-16-16-1 batch 1000; sigmoid everywhere,
biases, MSE (mean), plain gradient descent, full batch. Floors: fast loop ≤ 1.2× the
hand-written loop; traced step ≤ 3× the fast loop. Each figure is the best of `repeats`
timings of about `seconds` each, interleaved (the least disturbed by other work).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable

import numpy as np

from engine.allocator import keep_freed_memory
from engine.nn.network import Network, NetworkSpec

CASES = (((2, 2, 1), 1), ((2, 8, 8, 1), 200), ((2, 16, 16, 16, 1), 1000))
FLOORS = {"fast/hand": 1.2, "traced/fast": 3.0}
LEARNING_RATE = 0.1


def make_network(layers: tuple[int, ...]) -> Network:
    """Sigmoid layers with biases, MSE, SGD, xavier weights from seed 0."""
    spec = NetworkSpec.from_dict({"layers": list(layers), "activations": "sigmoid",
                                  "use_bias": True, "loss": "mse", "reduction": "mean",
                                  "learning_rate": LEARNING_RATE, "seed": 0})
    return Network(spec)


def make_data(layers: tuple[int, ...], m: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.normal(size=(m, layers[0])), rng.uniform(size=(m, layers[-1]))


def hand_written(
    ws: list[np.ndarray], bs: list[np.ndarray], X: np.ndarray, Y: np.ndarray, steps: int
) -> list[float]:
    """The baseline: the same forward, loss, backward and update, written out plainly."""
    m, k_out = Y.shape
    lr = LEARNING_RATE
    history = []
    for _ in range(steps):
        acts = [X]
        a = X
        for W, b in zip(ws, bs, strict=True):
            a = 1.0 / (1.0 + np.exp(-(a @ W.T + b)))
            acts.append(a)
        d = a - Y
        history.append(float((d * d).mean()))
        g = d * (2.0 / k_out) * a * (1.0 - a)
        for k in range(len(ws) - 1, -1, -1):
            dW = g.T @ acts[k] / m
            db = g.sum(axis=0) / m
            if k:
                a_k = acts[k]
                g = (g @ ws[k]) * a_k * (1.0 - a_k)
            ws[k] = ws[k] - lr * dW
            bs[k] = bs[k] - lr * db
    return history


def torch_eager(layers: tuple[int, ...], X: np.ndarray, Y: np.ndarray) -> Callable[[int], None]:
    """The same network in PyTorch eager mode (float64, autograd, manual SGD)."""
    import torch

    net = make_network(layers)
    ws = [torch.tensor(w, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases if b is not None]
    x, y = torch.tensor(X), torch.tensor(Y)

    def run(steps: int) -> None:
        for _ in range(steps):
            a = x
            for W, b in zip(ws, bs, strict=True):
                a = torch.sigmoid(a @ W.T + b)
            loss = ((a - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                for p in (*ws, *bs):
                    p -= LEARNING_RATE * p.grad
                    p.grad = None

    return run


def calibrate(run: Callable[[int], object], seconds: float) -> int:
    """How many steps take about `seconds`."""
    steps = 1
    while True:
        start = time.perf_counter()
        run(steps)
        elapsed = time.perf_counter() - start
        if elapsed > seconds / 10:
            return max(1, int(steps * seconds / elapsed))
        steps *= 4


def best_per_step(
    runs: dict[str, Callable[[int], object]], seconds: float, repeats: int
) -> dict[str, float]:
    """Best µs per step of each contender; rounds interleave them, so that load from other
    work on the machine hits all of them alike."""
    steps = {name: calibrate(run, seconds) for name, run in runs.items()}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run(steps[name])
            best[name] = min(best[name], (time.perf_counter() - start) / steps[name] * 1e6)
    return best


def measure(layers: tuple[int, ...], m: int, seconds: float, repeats: int) -> dict[str, float]:
    """µs per step of every contender for one network and batch size."""
    X, Y = make_data(layers, m)
    fast, traced, start = make_network(layers), make_network(layers), make_network(layers)
    ws = [w.copy() for w in start.weights]
    bs = [b.copy() for b in start.biases if b is not None]

    def traced_steps(steps: int) -> None:
        for _ in range(steps):
            traced.trace_step(X, Y)

    runs: dict[str, Callable[[int], object]] = {
        "hand": lambda n: hand_written(ws, bs, X, Y, n),
        "fast": lambda n: fast.train(X, Y, n),
        "traced": traced_steps,
    }
    if importlib.util.find_spec("torch") is not None:
        runs["torch"] = torch_eager(layers, X, Y)
    return best_per_step(runs, seconds, repeats)


def check_same_math() -> None:
    """The baseline computes what the engine computes (else the comparison means nothing)."""
    layers, m = CASES[1]
    X, Y = make_data(layers, m)
    net = make_network(layers)
    ws = [w.copy() for w in net.weights]
    bs = [b.copy() for b in net.biases if b is not None]
    expected = hand_written(ws, bs, X, Y, 5)
    got = net.train(X, Y, 5)
    assert np.allclose(got, expected, rtol=1e-12), (got, expected)
    assert all(np.allclose(a, b, rtol=1e-12) for a, b in zip(net.weights, ws, strict=True))


def main() -> None:
    """Print a table of µs/step and ratios, and whether each floor holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    keep_freed_memory()  # as the server does at start-up (engine/allocator.py says why)
    check_same_math()
    print(f"{'network':>14} {'batch':>5} {'hand µs':>9} {'fast µs':>9} {'traced µs':>10} "
          f"{'torch µs':>9} {'fast/hand':>9} {'traced/fast':>11}")
    ok = True
    for layers, m in CASES:
        r = measure(layers, m, args.seconds, args.repeats)
        fast_hand, traced_fast = r["fast"] / r["hand"], r["traced"] / r["fast"]
        ok &= fast_hand <= FLOORS["fast/hand"] and traced_fast <= FLOORS["traced/fast"]
        torch = f"{r['torch']:9.1f}" if "torch" in r else f"{'—':>9}"
        print(f"{'-'.join(map(str, layers)):>14} {m:>5} {r['hand']:9.1f} {r['fast']:9.1f} "
              f"{r['traced']:10.1f} {torch} {fast_hand:9.2f} {traced_fast:11.2f}")
    print(f"floors: fast/hand ≤ {FLOORS['fast/hand']}, traced/fast ≤ {FLOORS['traced/fast']}: "
          f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
