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
    this.drawn = null;  // the weights and layout of the picture on `base`
  }

  remove() {
    this.base.remove();
    this.next.remove();
  }

  /** Draw every edge at `weightOf(edge)` unless the picture already shows exactly that. */
  draw(model, layout, widest, weightOf = (e) => e.weight) {
    const weights = Float64Array.from(model.edges.values(), weightOf);
    const key = layoutKey(layout, widest);
    const same = this.drawn && sameGeometry(this.drawn.key, key) &&
      this.drawn.weights.length === weights.length && this.drawn.weights.every((w, i) => w === weights[i]);
    if (same) return false;
    const ctx = fit(this.base, layout);
    const edges = [...model.edges.values()];
    paint(ctx, edges, layout, widest, weights, 0, edges.length, maxAbs(weights));
    this.drawn = { key, weights };
    this.base.dataset.drawn = String(Number(this.base.dataset.drawn || 0) + 1);
    return true;
  }

  /**
   * An update's new weights sweep in layer by layer, a chunk of edges a frame (rasterising
   * 30,000 lines at once would hold one frame for half a second): `set(t)` for t in 0..1 as
   * the update animates, then `commit()` finishes and makes them the picture.
   */
  sweep(model, layout, widest, weightOf) {
    const weights = Float64Array.from(model.edges.values(), weightOf);
    const edges = [...model.edges.values()];
    const chunks = chunksOf(edges);
    const top = maxAbs(weights);
    const ctx = fit(this.next, layout);
    const base = fit(this.base, layout, false);
    let done = 0;
    const step = () => {
      const [from, to] = chunks[done++];
      const layer = edges[from].layer;
      if (from === 0 || edges[from - 1].layer !== layer) {  // the old weights leave this layer
        const x0 = layout.nodes[layer - 1][0].x;
        base.clearRect(x0, -layout.height, layout.nodes[layer][0].x - x0, 3 * layout.height);
      }
      paint(ctx, edges, layout, widest, weights, from, to, top);
    };
    return {
      set: (t) => { if (done < Math.min(chunks.length, Math.ceil(t * 1.25 * chunks.length))) step(); },
      commit: () => {
        while (done < chunks.length) step();
        base.save();
        base.setTransform(1, 0, 0, 1, 0, 0);
        base.clearRect(0, 0, this.base.width, this.base.height);
        base.drawImage(this.next, 0, 0);
        base.restore();
        fit(this.next, layout);
        this.drawn = { key: layoutKey(layout, widest), weights };
      },
    };
  }
}

const CHUNK = 1500;  // edges rasterised in one frame of an update's sweep

/** [from, to) index ranges of at most CHUNK edges, none spanning two layers. */
function chunksOf(edges) {
  const chunks = [];
  let from = 0;
  for (let i = 1; i <= edges.length; i++) {
    if (i === edges.length || i - from >= CHUNK || edges[i].layer !== edges[from].layer) {
      chunks.push([from, i]);
      from = i;
    }
  }
  return chunks;
}

function maxAbs(weights) {
  let top = 1e-9;
  for (const w of weights) top = Math.max(top, Math.abs(w));
  return top;
}

/** The geometry a picture was drawn for: a new layout within a pixel of it (the status line
 * grew by a fraction of a pixel) keeps the picture rather than rasterising it again. */
const layoutKey = (layout, widest) => {
  const last = layout.nodes.at(-1).at(-1);
  return [layout.width, layout.height, layout.radius, widest, layout.nodes[0][0].x,
    layout.nodes[0][0].y, last.x, last.y];
};
const sameGeometry = (a, b) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1);

function makeCanvas(svg, name) {
  const canvas = document.createElement("canvas");
  canvas.className = `edge-canvas ${name}`;
  canvas.dataset.testid = name;
  canvas.setAttribute("aria-hidden", "true");
  Object.assign(canvas.style, { position: "absolute", inset: "0", width: "100%", height: "100%",
    pointerEvents: "none", display: "block", willChange: "transform" });  // a layer of its own
  svg.parentNode.insertBefore(canvas, svg);
  return canvas;
}

/** Edges from..to-1, one path per (sign, width band): colours and widths as SVG edges have. */
function paint(ctx, edges, layout, widest, weights, from, to, top) {
  const paths = Array.from({ length: 2 * BANDS }, () => new Path2D());
  for (let i = from; i < to; i++) {
    const edge = edges[i];
    const w = weights[i];
    const a = layout.nodes[edge.layer - 1][edge.source];
    const b = layout.nodes[edge.layer][edge.target];
    const band = Math.min(BANDS - 1, Math.floor(BANDS * Math.abs(w) / top));
    const path = paths[(w >= 0 ? 0 : BANDS) + band];
    path.moveTo(a.x, a.y);
    path.lineTo(b.x, b.y);
  }
  const style = getComputedStyle(ctx.canvas);
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
  ctx.globalAlpha = 1;
}

/** Size the backing store to the CSS box and map the layout's coordinates as the SVG's
 * viewBox does (scaled to fit, centred); cleared unless `clear` is false. */
function fit(canvas, layout, clear = true) {
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
  if (clear) ctx.clearRect(0, 0, w, h);
  const scale = Math.min(cw / layout.width, ch / layout.height) || 1;
  const dx = (cw - layout.width * scale) / 2;
  const dy = (ch - layout.height * scale) / 2;
  ctx.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * dx, ratio * dy);
  return ctx;
}
