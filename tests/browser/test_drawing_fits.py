"""Text on the drawing stays readable: inside its box, clear of its neighbours, on the drawing."""

from __future__ import annotations

from itertools import pairwise

from playwright.sync_api import Page, expect

from tests.support.page import idle, open_page

# Every output's node, Δ label and target box, and E, in the SVG's own units.
LOSS_BOXES = """() => {
  const svg = document.querySelector('[data-testid=network]');
  const bbox = (el) => {
    const b = el.getBBox();
    return [b.x, b.y, b.x + b.width, b.y + b.height];
  };
  const outputs = [...svg.querySelectorAll('.target')].map((g) => ({
    box: bbox(g.querySelector('.target-box')), text: bbox(g.querySelector('.target-text')),
    delta: bbox(g.querySelector('.target-delta')) }));
  const last = Math.max(...[...svg.querySelectorAll('.node')].map((n) => +n.id.split('-')[1]));
  const circles = [...svg.querySelectorAll(`.node.layer-${last}`)].map((n) => {
    const m = n.transform.baseVal[0].matrix;
    const r = +n.querySelector('circle').getAttribute('r');
    return [m.e - r, m.f - r, m.e + r, m.f + r];
  });
  return { outputs, circles, total: bbox(svg.querySelector('.loss-total')),
    width: svg.viewBox.baseVal.width };
}"""


def inside(inner: list[float], outer: list[float]) -> bool:
    x0, y0, x1, y1 = inner
    return outer[0] <= x0 and x1 <= outer[2] and outer[1] <= y0 and y1 <= outer[3]


def test_presenter_mode_target_boxes_hold_their_text(page: Page) -> None:
    open_page(page, "#preset=high-school&presenter=1")
    page.keyboard.press("f")
    expect(page.get_by_test_id("target-0")).to_have_text("y \u22121.237")
    expect(page.get_by_test_id("error-0")).to_have_text("\u0394 1.79")
    idle(page)
    found = page.evaluate(LOSS_BOXES)
    assert len(found["outputs"]) == 2 == len(found["circles"])
    for out, circle in zip(found["outputs"], found["circles"], strict=True):
        assert inside(out["text"], out["box"]), out
        assert out["delta"][0] > circle[2], (out, circle)  # Δ starts right of the node
        assert out["delta"][2] < out["box"][0], out  # … and ends before the box
        assert out["box"][2] <= found["width"], out
    assert found["total"][0] >= 0 and found["total"][2] <= found["width"], found["total"]



VISIBLE_NAMES = """layer => [...document.querySelectorAll(`.node.layer-${layer} .name`)]
  .map((t) => t.getBoundingClientRect()).filter((b) => b.width > 0)
  .map((b) => [b.left, b.top, b.right, b.bottom])"""


def overlapping(boxes: list[list[float]]) -> int:
    """How many neighbouring boxes (in drawing order) overlap by more than a pixel."""
    return sum(1 for a, b in pairwise(boxes)
               if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1)


def test_neuron_names_never_overlap_in_a_crowded_column(page: Page) -> None:
    open_page(page, "#preset=xor&layers=2,64,1")
    expect(page.get_by_test_id("layer-size-1")).to_have_text("64")
    assert overlapping(page.evaluate(VISIBLE_NAMES, 1)) == 0
    open_page(page, "#preset=xor&layers=2,16,1")
    expect(page.get_by_test_id("layer-size-1")).to_have_text("16")
    names = page.evaluate(VISIBLE_NAMES, 1)
    assert len(names) == 16  # room enough: every name shown
    assert overlapping(names) == 0


VISIBLE_WEIGHT_LABELS = """() => [...document.querySelectorAll('.edge-label')]
  .map((g) => g.getBoundingClientRect()).filter((b) => b.width > 0)
  .map((b) => [b.left, b.top, b.right, b.bottom])"""


def clashes(boxes: list[list[float]]) -> int:
    """Pairs of boxes that overlap by more than a pixel both ways."""
    return sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1)


def test_weight_labels_of_narrow_columns_do_not_pile_up(page: Page) -> None:
    open_page(page, "#preset=xor&layers=2,4,4,4,4,4,4,4,1")
    page.keyboard.press("b")
    expect(page.get_by_test_id("grad-e-8-0-0")).not_to_have_text("")
    idle(page)
    assert clashes(page.evaluate(VISIBLE_WEIGHT_LABELS)) == 0
    # Hidden labels are still a hover away.
    page.get_by_test_id("edge-hit-e-8-0-0").hover()
    expect(page.get_by_test_id("tooltip")).to_contain_text("\u2202E/\u2202w")


def test_the_articles_network_keeps_every_weight_label(page: Page) -> None:
    for hash_ in ("#preset=two-two-one", "#preset=two-two-one&presenter=1"):
        open_page(page, hash_)
        page.keyboard.press("b")
        expect(page.get_by_test_id("grad-e-2-0-0")).to_have_text("\u2202 \u22120.688")
        idle(page)
        labels = page.evaluate(VISIBLE_WEIGHT_LABELS)
        assert len(labels) == 6
        assert clashes(labels) == 0
