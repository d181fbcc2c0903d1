"""Wide circuits shrink to fit their panel (a 1280×720 projector, a 1024×768 laptop) instead
of scrolling sideways, and their numbers stay readable: at least 11 px, none on another."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

MEASURE = """() => {
  const svg = document.getElementById('circuit-svg');
  const canvas = svg.parentElement;
  const box = canvas.getBoundingClientRect();
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('.wire-label text')];
  return {
    scrolls: canvas.scrollWidth > canvas.clientWidth + 1,
    right: Math.max(...[...svg.querySelectorAll('text, circle')].map(
      (e) => e.getBoundingClientRect().right)),
    canvasRight: box.right, viewport: innerWidth,
    smallest: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
    boxes: texts.map((t) => { const r = t.getBoundingClientRect();
      return [r.left, r.top, r.right, r.bottom]; }),
  };
}"""


def overlaps(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[:i])
            if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1]


def assert_fits(page: Page) -> None:
    got = page.evaluate(MEASURE)
    assert not got["scrolls"], got
    assert got["right"] <= got["canvasRight"] <= got["viewport"], got
    assert got["smallest"] >= 11, got["smallest"]
    assert not overlaps(got["boxes"]), overlaps(got["boxes"])


def test_a_decomposed_neuron_fits_a_projector(page: Page) -> None:
    page.goto("/circuits?preset=one-neuron")
    page.wait_for_selector("#circuit-svg .gate")
    page.check("#circuit-decompose")
    page.click("#circuit-trace")
    page.wait_for_function(
        "() => document.getElementById('circuit-status').textContent.startsWith('8 gates')")
    assert_fits(page)


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_the_decomposed_sigmoid_preset_fits(page: Page, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/circuits?preset=sigmoid-decomposed")
    page.wait_for_selector("#circuit-svg .gate")
    assert_fits(page)
