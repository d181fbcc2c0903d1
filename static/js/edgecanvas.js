// A big network's edges drawn on a canvas under the SVG: past CANVAS_EDGES weights, one SVG
// line per weight (plus its hit line and label) makes every restyle and every frame slow.
// Edges are grouped into bands of one colour and one width and each band is one path, so
// 30,000 weights cost a few dozen strokes. Nodes, labels and what is clicked stay in SVG;
// a weight is read by hovering its neurons, in the panel and in the matrix view.

export const CANVAS_EDGES = 2000;
const BANDS = 8;  // widths per sign

/** Does this network's drawing put its edges on a canvas? */
export const drawsOnCanvas = (model) => model.edges.size > CANVAS_EDGES;

export class EdgeCanvas {
  /** Two canvases inserted before `svg`: the edges, and the weights an update moves to. */
  constructor(svg) {
    this.base = makeCanvas(svg, "edges");
    this.next = makeCanvas(svg, "edges-next");
    this.next.style.opacity = "0";
    this.drawn = null;  // the weights and layout of the picture on `base`
  }

  remove() {
    this.base.remove();
    this.next.remove();
  }

  /** Draw every edge at `weightOf(edge)` unless the picture already shows exactly that. */
  draw(model, layout, widest, weightOf = (e) => e.weight) {
    const weights = Float64Array.from(model.edges.values(), weightOf);
    const same = this.drawn && this.drawn.layout === layout && this.drawn.widest === widest &&
      this.drawn.weights.length === weights.length && this.drawn.weights.every((w, i) => w === weights[i]);
    if (same) return false;
    paint(this.base, model, layout, widest, weights);
    this.drawn = { layout, widest, weights };
    this.base.dataset.drawn = String(Number(this.base.dataset.drawn || 0) + 1);
    return true;
  }

  /**
   * An update's weights fade in over the old ones, drawn once (not once a frame): `set(t)`
   * for t in 0..1, then `commit()` makes them the picture (a copy of the bitmap).
   */
  fade(model, layout, widest, weightOf) {
    const weights = Float64Array.from(model.edges.values(), weightOf);
    paint(this.next, model, layout, widest, weights);
    return {
      set: (t) => { this.next.style.opacity = String(t); },
      commit: () => {
        const ctx = this.base.getContext("2d");
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.globalAlpha = 1;
        ctx.clearRect(0, 0, this.base.width, this.base.height);
        ctx.drawImage(this.next, 0, 0);
        this.drawn = { layout, widest, weights };
        this.next.style.opacity = "0";
      },
    };
  }
}

function makeCanvas(svg, name) {
  const canvas = document.createElement("canvas");
  canvas.className = `edge-canvas ${name}`;
  canvas.dataset.testid = name;
  canvas.setAttribute("aria-hidden", "true");
  Object.assign(canvas.style, { position: "absolute", inset: "0", width: "100%", height: "100%",
    pointerEvents: "none", display: "block" });
  svg.parentNode.insertBefore(canvas, svg);
  return canvas;
}

/** One path per (sign, width band): colours and widths as the SVG edges have them. */
function paint(canvas, model, layout, widest, weights) {
  const ctx = fit(canvas, layout);
  let maxW = 1e-9;
  for (const w of weights) maxW = Math.max(maxW, Math.abs(w));
  const paths = Array.from({ length: 2 * BANDS }, () => new Path2D());
  let i = 0;
  for (const edge of model.edges.values()) {
    const w = weights[i++];
    const a = layout.nodes[edge.layer - 1][edge.source];
    const b = layout.nodes[edge.layer][edge.target];
    const band = Math.min(BANDS - 1, Math.floor(BANDS * Math.abs(w) / maxW));
    const path = paths[(w >= 0 ? 0 : BANDS) + band];
    path.moveTo(a.x, a.y);
    path.lineTo(b.x, b.y);
  }
  const style = getComputedStyle(canvas);
  const colours = [style.getPropertyValue("--positive").trim() || "rgb(0,114,178)",
    style.getPropertyValue("--negative").trim() || "rgb(213,94,0)"];
  // Thin bands first, the two signs taking turns, so neither colour buries the other.
  for (let band = 0; band < BANDS; band++) {
    ctx.globalAlpha = 0.3 + 0.6 * band / (BANDS - 1);
    ctx.lineWidth = 0.4 + (widest - 0.4) * (band + 0.5) / BANDS;
    for (const sign of [0, 1]) {
      ctx.strokeStyle = colours[sign];
      ctx.stroke(paths[sign * BANDS + band]);
    }
  }
}

/** Size the backing store to the CSS box and map the layout's coordinates as the SVG's
 * viewBox does (scaled to fit, centred). */
function fit(canvas, layout) {
  const ratio = window.devicePixelRatio || 1;
  const cw = canvas.clientWidth;
  const ch = canvas.clientHeight;
  const w = Math.round(cw * ratio);
  const h = Math.round(ch * ratio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const scale = Math.min(cw / layout.width, ch / layout.height) || 1;
  const dx = (cw - layout.width * scale) / 2;
  const dy = (ch - layout.height * scale) / 2;
  ctx.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * dx, ratio * dy);
  return ctx;
}
