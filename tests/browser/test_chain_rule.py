"""The chain rule panel's loss derivative and batch gradient against the trace, in the page.

Every loss and reduction is checked without a browser in tests/js/lossmath.test.mjs (against
the engine's traces); this case checks that the page shows those lines for its own network."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page

from tests.support.page import idle, network_id, open_page


def number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def evaluate(expression: str) -> float:
    """The arithmetic as printed (e.g. 2 · (0.5 − 0) / 1), evaluated independently."""
    plain = expression.replace("\u2212", "-").replace("\u00b7", "*").strip()
    assert re.fullmatch(r"[-+*/() .\de]+", plain), plain
    return float(eval(plain))


def trace(server_url: str, net: str) -> dict:
    """The same backward pass the page ran (same weights, same data)."""
    answer = httpx.post(f"{server_url}/api/networks/{net}/step", json={"phase": "backward"})
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize(("loss", "reduction"), [("mse", "mean")])
def test_output_gradient_and_batch_gradient_match_the_trace(
        page: Page, server_url: str, loss: str, reduction: str) -> None:
    reg = "&regularization=l2&regularizationRate=0.1" if loss == "mse" else ""
    open_page(page, f"#preset=xor&activations=tanh,sigmoid&loss={loss}&reduction={reduction}{reg}")
    page.get_by_test_id("backward").click()
    idle(page)
    got = trace(server_url, network_id(page))
    out = next(n for n in got["nodes"] if n["layer"] == 2)
    edge = next(e for e in got["edges"] if e["layer"] == 2 and e["source"] == 0)
    panel = page.get_by_test_id("explain-panel")

    page.get_by_test_id("node-n-2-0").click()
    lines = panel.locator(".eq").all_inner_texts()
    line = next(t for t in lines if t.startswith("\u2202E1/\u2202out"))
    parts = line.split(" = ")
    assert evaluate(parts[2]) == pytest.approx(out["grad_a"], rel=1e-5, abs=1e-9), line
    assert number(parts[-1]) == pytest.approx(out["grad_a"], rel=1e-6, abs=1e-9)
    if loss in ("mse", "bce"):
        assert re.search(r"(/ |· )1\)?$", parts[2]), parts[2]  # K = 1 output, written out

    page.get_by_test_id("edge-hit-e-2-0-0").click()
    lines = panel.locator(".eq").all_inner_texts()
    batch = next(t for t in lines if t.startswith("batch"))
    assert ("(1/4)" in batch) == (reduction == "mean"), batch
    assert "m = 4" in batch
    final = lines[-1] if reg else batch
    assert number(final.split(" = ")[-1].split(" ")[0]) == pytest.approx(edge["grad"], rel=1e-6)
    if reg:
        assert any("\u03bb \u00b7 w" in t for t in lines), lines
