"""Helpers for the browser tests of the network page (a helper module, not a test module):
open it, wait for it to be idle, read its network id, measure what it draws."""

from __future__ import annotations

from playwright.sync_api import Page

MINUS = "\u2212"


def open_page(page: Page, hash_: str = "") -> None:
    """Open the network page at `hash_` and wait until its first network is drawn."""
    page.goto(f"/{hash_}")
    page.wait_for_selector("body[data-ready=true]")


def idle(page: Page) -> None:
    """Wait until every queued action has run and its pass has finished animating (the
    numbers are all visible). `busy` covers the moment a click's request is still out."""
    page.wait_for_function(
        "() => { const d = document.querySelector('[data-testid=network]').dataset;"
        " return !d.animating && !d.busy; }")


def network_id(page: Page) -> str:
    """The id of the network the page shows now."""
    return page.get_attribute("[data-testid=network]", "data-network") or ""


def wait_new_network(page: Page, old: str) -> None:
    """Wait until the page shows a network other than `old`."""
    page.wait_for_function(
        "old => { const id = document.querySelector('[data-testid=network]').dataset.network;"
        " return id && id !== old; }", arg=old)


def set_field(page: Page, element_id: str, value: str) -> None:
    """Type into a field and commit it (the page reacts to `change`, as after Enter or Tab)."""
    field = page.locator(f"#{element_id}")
    field.fill(value)
    field.dispatch_event("change")


def backward_done(page: Page) -> None:
    """Run a backward pass (the forward one comes first) and wait until it is all drawn."""
    page.keyboard.press("b")
    page.wait_for_function(
        "() => { const d = document.querySelector('[data-testid=network]').dataset;"
        " return d.phase === 'backward' && !d.animating && !d.busy; }")


# What the drawing shows, measured in the page: every visible text's box and font size, every
# edge's visible part (rim to rim), the drawing's size and what its content spans.
DRAWING_MEASURES = """() => {
  const svg = document.querySelector('[data-testid=network]');
  const area = svg.getBoundingClientRect();
  const shown = (el) => el.textContent.trim() && el.checkVisibility({opacityProperty: true,
    visibilityProperty: true}) && el.getBoundingClientRect().width > 0;
  const texts = [...svg.querySelectorAll('text')].filter(shown).map((t) => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height,
            font: parseFloat(getComputedStyle(t).fontSize), cls: t.getAttribute('class')};
  });
  const point = (x, y) => { const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
    return {x: p.x, y: p.y}; };
  const scale = svg.getScreenCTM().a;
  const circles = new Map([...svg.querySelectorAll('.node')].map((g) => {
    const c = g.querySelector('circle').getBoundingClientRect();
    return [g.id, {x: c.x + c.width / 2, y: c.y + c.height / 2, r: c.width / 2}];
  }));
  const edges = [...svg.querySelectorAll('line.edge')].map((l) => {
    const [, layer, s, t] = l.id.split('-').map(Number);
    const a = circles.get(`n-${layer - 1}-${s}`), b = circles.get(`n-${layer}-${t}`);
    const p = point(+l.getAttribute('x1'), +l.getAttribute('y1'));
    const q = point(+l.getAttribute('x2'), +l.getAttribute('y2'));
    const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
    const ux = (q.x - p.x) / len, uy = (q.y - p.y) / len;
    return {id: l.id, a: {x: p.x + ux * a.r, y: p.y + uy * a.r},
            b: {x: q.x - ux * b.r, y: q.y - uy * b.r}};
  });
  const boxes = [...texts, ...[...svg.querySelectorAll('.node circle, .target-box')]
    .map((e) => e.getBoundingClientRect())];
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(...boxes.map((b) => b.x + (b.w ?? b.width)));
  return {area: {x: area.x, y: area.y, w: area.width, h: area.height}, texts, edges,
          span: (right - left) / area.width, scale,
          scrollWidth: document.documentElement.scrollWidth, width: innerWidth};
}"""


def _hits(a: dict, b: dict, box: dict) -> bool:
    """Liang–Barsky: does the segment a→b pass through the box (shrunk by 1 px)?"""
    x0, y0, x1, y1 = box["x"] + 1, box["y"] + 1, box["x"] + box["w"] - 1, box["y"] + box["h"] - 1
    dx, dy = b["x"] - a["x"], b["y"] - a["y"]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a["x"] - x0), (dx, x1 - a["x"]), (-dy, a["y"] - y0), (dy, y1 - a["y"])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"]
            and a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"])


def collisions(measures: dict) -> list[str]:
    """Every text crossing a visible edge or another text, and every text off the drawing."""
    texts, area = measures["texts"], measures["area"]
    # Names beside their neurons in a crowded column ("name side") lie on a halo among the
    # edges by design; every other text keeps off them.
    found = [f"{t['text']!r} crosses {e['id']}" for t in texts for e in measures["edges"]
             if t["cls"] != "name side" and _hits(e["a"], e["b"], t)]
    found += [f"{a['text']!r} overlaps {b['text']!r}" for i, a in enumerate(texts)
              for b in texts[i + 1:] if _overlap(a, b)]
    found += [f"{t['text']!r} leaves the drawing" for t in texts
              if t["x"] < area["x"] - 1 or t["x"] + t["w"] > area["x"] + area["w"] + 1]
    return found
