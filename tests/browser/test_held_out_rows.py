"""A train/test split on the 2-input boundary map: the held-out rows are drawn as rings beside
the filled training rows, as many of each as the API's split has, with a legend that counts
them."""

from __future__ import annotations

import math

from playwright.sync_api import Page, expect

from tests.support.page import network_id, open_page

HASH = ("#preset=xor&dataset=circle&samples=200&testRatio=0.3&layers=2,4,1"
        "&activations=tanh,sigmoid")

# The map's pixels (CSS px of the canvas) as [r, g, b] at the asked points.
PIXELS = """(points) => {
  const c = document.querySelector('[data-testid=boundary]');
  const k = c.width / c.clientWidth;
  const ctx = c.getContext('2d');
  const at = ([x, y]) => ctx.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data;
  return points.map((p) => [...at(p)].slice(0, 3));
}"""


def test_held_out_rows_are_drawn_as_rings_and_counted(page: Page) -> None:
    open_page(page, HASH)
    boundary = page.get_by_test_id("boundary")
    expect(boundary).to_have_attribute("data-drawn", "1")
    state = page.request.get(f"/api/networks/{network_id(page)}").json()
    data = state["dataset"]
    assert data["test_samples"] == len(data["test_inputs"]) == 60
    assert data["samples"] == len(data["inputs"]) == 140
    expect(boundary).to_have_attribute("data-points", "140")
    expect(boundary).to_have_attribute("data-test-points", "60")
    legend = page.get_by_test_id("boundary-legend")
    expect(legend).to_contain_text("140 training rows")
    expect(legend).to_contain_text("60 held-out test rows")

    # A held-out row far from every other row: a ring, so its centre shows the map beneath
    # (pale) while its rim has the row's class colour (strong).
    grid = page.request.get(f"/api/networks/{network_id(page)}/predict?resolution=48").json()
    (x0, x1), (y0, y1) = (grid["xs"][0], grid["xs"][-1]), (grid["ys"][0], grid["ys"][-1])
    w, h = page.evaluate("() => { const c = document.querySelector('[data-testid=boundary]');"
                         " return [c.clientWidth, c.clientHeight]; }")
    at = [((x - x0) / (x1 - x0) * w, (1 - (y - y0) / (y1 - y0)) * h)
          for x, y in data["inputs"] + data["test_inputs"]]
    tests = at[len(data["inputs"]):]

    def room(p: tuple[float, float]) -> float:
        return min(math.dist(p, q) for q in at if q is not p)

    lone = max(tests, key=room)
    assert room(lone) > 14, room(lone)
    around = [[lone[0] + r * math.cos(a / 8 * math.pi), lone[1] + r * math.sin(a / 8 * math.pi)]
              for r in (4, 5, 6, 7) for a in range(16)]
    centre, *rim = page.evaluate(PIXELS, [list(lone), *around])

    def saturation(rgb: list[int]) -> int:
        return max(rgb) - min(rgb)

    assert max(map(saturation, rim)) > saturation(centre) + 60, (centre, rim)

    # Without a split there is no legend and no ring.
    open_page(page, HASH.replace("&testRatio=0.3", ""))
    expect(boundary).to_have_attribute("data-test-points", "0")
    expect(legend).to_be_hidden()
