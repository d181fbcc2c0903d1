// Which edge drawn on the canvas is under the pointer. A canvas has no elements to hover, so
// the drawing's edges are put in a grid of CELL-sized squares (each edge listed in every square
// its segment crosses); a pointer then measures its distance to the few edges of the squares
// within reach, not to all 30,000. Built on the first query after a layout change (a few ms
// at 2-64×8-1), never during an animation frame.

const CELL = 16;  // layout units (CSS px at the usual scale)

export class EdgeHits {
  /** `edges` in drawing order; `at(edge)` gives its segment {x1, y1, x2, y2} in layout units. */
  constructor(edges, width, height, at) {
    this.edges = edges;
    this.cols = Math.max(1, Math.ceil(width / CELL));
    this.rows = Math.max(1, Math.ceil(height / CELL));
    this.seg = new Float64Array(4 * edges.length);
    edges.forEach((edge, i) => {
      const { x1, y1, x2, y2 } = at(edge);
      this.seg.set([x1, y1, x2, y2], 4 * i);
    });
    // Compressed rows: the edges of cell c are list[start[c] .. start[c + 1]).
    const counts = new Int32Array(this.cols * this.rows + 1);
    this.cells((cell) => { counts[cell + 1] += 1; });
    for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
    this.start = counts.slice();
    this.list = new Int32Array(counts.at(-1));
    const fill = counts;  // reused as each cell's write position
    this.cells((cell, i) => { this.list[fill[cell]++] = i; });
  }

  /** Call `visit(cell, edgeIndex)` for every cell each segment passes through. */
  cells(visit) {
    const { seg, cols, rows } = this;
    const clampCol = (x) => Math.min(cols - 1, Math.max(0, Math.floor(x / CELL)));
    const clampRow = (y) => Math.min(rows - 1, Math.max(0, Math.floor(y / CELL)));
    for (let i = 0; i < seg.length / 4; i++) {
      const [x1, y1, x2, y2] = seg.subarray(4 * i, 4 * i + 4);
      const [left, right] = x1 <= x2 ? [x1, x2] : [x2, x1];
      const slope = x2 !== x1 ? (y2 - y1) / (x2 - x1) : 0;
      const yAt = (x) => (x2 !== x1 ? y1 + slope * (x - x1) : null);
      for (let col = clampCol(left); col <= clampCol(right); col++) {
        // The segment's part within this column of cells: its y range there.
        const a = Math.max(left, col * CELL);
        const b = Math.min(right, (col + 1) * CELL);
        const ya = yAt(a) ?? Math.min(y1, y2);
        const yb = yAt(b) ?? Math.max(y1, y2);
        for (let row = clampRow(Math.min(ya, yb)); row <= clampRow(Math.max(ya, yb)); row++) {
          visit(row * cols + col, i);
        }
      }
    }
  }

  /** The edge nearest (x, y) within `reach` (layout units, at most CELL), or null. */
  at(x, y, reach) {
    const r = Math.min(reach, CELL);
    let best = null;
    let bestDistance = r * r;
    const col0 = Math.max(0, Math.floor((x - r) / CELL));
    const col1 = Math.min(this.cols - 1, Math.floor((x + r) / CELL));
    const row0 = Math.max(0, Math.floor((y - r) / CELL));
    const row1 = Math.min(this.rows - 1, Math.floor((y + r) / CELL));
    for (let row = row0; row <= row1; row++) {
      for (let col = col0; col <= col1; col++) {
        const cell = row * this.cols + col;
        for (let k = this.start[cell]; k < this.start[cell + 1]; k++) {
          const i = this.list[k];
          const d = distanceSquared(this.seg, i, x, y);
          if (d <= bestDistance) {
            bestDistance = d;
            best = this.edges[i];
          }
        }
      }
    }
    return best;
  }
}

/** Squared distance from (x, y) to segment i of `seg`. */
function distanceSquared(seg, i, x, y) {
  const [x1, y1, x2, y2] = [seg[4 * i], seg[4 * i + 1], seg[4 * i + 2], seg[4 * i + 3]];
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / length)) : 0;
  const ex = x1 + t * dx - x;
  const ey = y1 + t * dy - y;
  return ex * ex + ey * ey;
}

const REACH = 6;  // CSS px: how close the pointer must come to a canvas edge

/**
 * Hover, tap and click for the edges on the canvas, as SVG edges have them: `on.hover(id,
 * event)`, `on.leave(id)`, `on.select(id)`. `current()` answers {model, layout, group} while
 * the edges are on the canvas (`group`: where the hovered edge's outline goes), else null.
 * Returns {reset()} to call when the edges or the layout change, {select(id)} to outline the
 * edge being explained.
 */
export function bindCanvasEdges(svg, current, on) {
  let hits = null;
  let hovered = null;
  let selected = null;  // the id of the edge chosen (clicked), outlined when none is hovered
  let outline = null;

  function edgeAt(event) {
    const now = current();
    const matrix = svg.getScreenCTM();
    if (!now || !matrix || event.target !== svg) return null;
    hits ??= new EdgeHits([...now.model.edges.values()], now.layout.width, now.layout.height, (e) => segment(now.layout, e));
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return hits.at(p.x, p.y, REACH / (matrix.a || 1));
  }

  /** Outline the hovered edge (else the selected one) in the SVG: one line, moved about. */
  function show(hover) {
    const now = current();
    const edge = hover ?? (selected && now?.model.edges.get(selected)) ?? null;
    if (!edge || !now) {
      outline?.remove();
      outline = null;
      return;
    }
    if (!outline?.isConnected) {
      outline = document.createElementNS("http://www.w3.org/2000/svg", "line");
      outline.setAttribute("class", "edge-outline");
      outline.dataset.testid = "edge-outline";
      now.group.appendChild(outline);
    }
    const s = segment(now.layout, edge);
    for (const [name, value] of Object.entries(s)) outline.setAttribute(name, value);
    outline.dataset.id = edge.id;
    outline.classList.toggle("negative", edge.weight < 0);
    outline.classList.toggle("selected", edge.id === selected);
  }

  svg.addEventListener("pointermove", (event) => {
    const edge = edgeAt(event);
    if (edge === hovered) {
      if (edge) on.hover(edge.id, event);  // the card follows the pointer
      return;
    }
    const left = hovered;
    hovered = edge;
    show(edge);
    // The matrix view lights its entry, as for an SVG edge's mouseover.
    svg.dispatchEvent(new CustomEvent("canvasedge", { detail: edge?.id ?? null }));
    if (edge) on.hover(edge.id, event);
    // Onto a neuron or label: its own pointerenter already showed its card.
    else if (left && event.target === svg) on.leave(left.id);
  });
  svg.addEventListener("pointerleave", () => {
    if (!hovered) return;
    on.leave(hovered.id);
    hovered = null;
    show(null);
  });
  svg.addEventListener("click", (event) => {
    const edge = edgeAt(event);
    if (!edge) return;
    event.stopImmediatePropagation();  // not the drawing's own click, which clears the choice
    on.select(edge.id);
  });
  return {
    reset() {
      hits = null;
      hovered = null;
      show(null);
    },
    /** The explained edge (or null): outlined while the pointer is elsewhere. */
    select(id) {
      selected = id;
      show(hovered);
    },
  };
}

function segment(layout, edge) {
  const a = layout.nodes[edge.layer - 1][edge.source];
  const b = layout.nodes[edge.layer][edge.target];
  return { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
}
