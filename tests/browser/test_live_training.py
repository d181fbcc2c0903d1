"""Live training: the drawing, hover card and decision boundary change while a run streams."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.support.page import open_page

# Circle data, 2-8-8-1 tanh: a run of a few seconds, so several live snapshots arrive.
SETUP = ("#preset=xor&dataset=circle&layers=2,8,8,1&activations=tanh,tanh,sigmoid"
         "&samples=1500&noise=0.1&learningRate=0.5&epochs=12000")
EDGE = "e-1-0-0"

# Every 50 ms while the bar is short of its end: a checksum of the boundary's pixels, one
# edge's width and weight, and the hover card's text.
RECORDER = """edge => {
  window.__seen = [];
  const bar = document.querySelector('[data-testid=train-progress]');
  const canvas = document.querySelector('[data-testid=boundary]');
  const pixels = () => {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 97) sum = (sum * 31 + d[i]) % 1000000007;
    return sum;
  };
  window.__recorder = setInterval(() => {
    if (bar.value <= 0 || bar.value >= bar.max || bar.dataset.done === 'true') return;
    window.__seen.push({
      epoch: bar.value, pixels: pixels(),
      width: document.querySelector(`[data-testid=edge-${edge}]`).getAttribute('stroke-width'),
      weight: document.querySelector(`[data-testid=weight-${edge}]`).dataset.value,
      card: document.querySelector('[data-testid=tooltip]').textContent,
    });
  }, 50);
}"""


def distinct(seen: list[dict[str, Any]], key: str) -> int:
    """How many different values of `key` were seen before the result."""
    return len({s[key] for s in seen})


def test_training_refreshes_drawing_and_boundary_while_it_runs(page: Page) -> None:
    open_page(page, SETUP)
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=boundary]').dataset.drawn) > 0")
    page.hover(f"[data-testid=edge-hit-{EDGE}]", force=True)
    expect(page.get_by_test_id("tooltip")).to_be_visible()
    page.evaluate(RECORDER, EDGE)
    page.get_by_test_id("train").dispatch_event("click")  # the pointer stays on the edge
    page.wait_for_function(
        "() => document.querySelector('[data-testid=train-progress]').dataset.done === 'true'",
        timeout=60_000)
    seen = page.evaluate("() => { clearInterval(window.__recorder); return window.__seen; }")
    assert distinct(seen, "epoch") >= 3, seen  # several progress events before the result
    assert distinct(seen, "pixels") >= 2  # the boundary was redrawn during the run
    assert distinct(seen, "width") >= 2 and distinct(seen, "weight") >= 2
    assert distinct(seen, "card") >= 2  # the hover card follows the weights
    expect(page.get_by_test_id("step-count")).to_contain_text("step 12000")
