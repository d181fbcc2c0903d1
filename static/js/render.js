// SVG stages keyed by stable ids (as NN-SVG): `redraw` builds elements for a structure,
// `redistribute` only moves them, `restyle` only changes colours, widths and text.

import { EdgeCanvas, drawsOnCanvas } from "./edgecanvas.js";
import { bindCanvasEdges } from "./edgehits.js";
import { fmt, fmtTight } from "./format.js";
import { t } from "./i18n.js";
import { edgeCandidates, placeLabels, visibleSegment } from "./labels.js";
import { labelFraction } from "./layout.js";
import { nodeId } from "./model.js";
import { setAttr, setText, svgEl, tint } from "./svg.js";

const POSITIVE = [0, 114, 178];
const NEGATIVE = [213, 94, 0];
const MAX_EDGE_WIDTH = 8;
const LABELS_PER_LAYER = 4; // more edges than this between two layers: values on hover only

/** A renderer bound to one <svg>; `on.hover(id, event)`, `on.leave()`, `on.select(id)`. */
export function createRenderer(svg, on) {
  const groups = {};
  const els = new Map(); // id -> {root, ...parts}
  let layout = null;
  let model = null;
  let edgeCanvas = null; // a big network's edges (edgecanvas.js); null: one SVG line each
  /** The edges drawn in SVG: none when they are on the canvas. */
  const svgEdges = () => (edgeCanvas ? [] : model.edges.values());
  // A canvas edge is hovered, tapped and clicked like an SVG one (a hit test on its segment).
  const canvasEdges = bindCanvasEdges(svg, () => (edgeCanvas && layout
    ? { model, layout, group: groups.hits } : null), on);

  function redraw(nextModel, nextLayout) {
    model = nextModel;
    svg.replaceChildren();
    els.clear();
    edgeCanvas?.remove();
    edgeCanvas = drawsOnCanvas(model) ? new EdgeCanvas(svg) : null;
    svg.classList.toggle("edges-on-canvas", Boolean(edgeCanvas));
    canvasEdges.reset();
    for (const name of ["edges", "hits", "labels", "nodes", "loss"]) {
      groups[name] = svgEl("g", { class: `layer-${name}` }, svg);
    }
    for (const edge of svgEdges()) drawEdge(edge);
    for (const node of model.nodes.values()) drawNode(node);
    drawLossBox();
    redistribute(nextLayout);
    restyle();
  }

  function drawEdge(edge) {
    const line = svgEl("line", { id: edge.id, class: "edge", "data-testid": `edge-${edge.id}` },
      groups.edges);
    const hit = svgEl("line", { class: "edge-hit", "data-id": edge.id,
      "data-testid": `edge-hit-${edge.id}` }, groups.hits);
    const label = svgEl("g", { class: "edge-label", "data-id": edge.id }, groups.labels);
    const weight = svgEl("text", { class: "weight", "data-testid": `weight-${edge.id}` }, label);
    const grad = svgEl("text", { class: "grad", dy: "1.2em", "data-testid": `grad-${edge.id}` },
      label);
    els.set(edge.id, { root: line, line, hit, label, weight, grad });
    for (const el of [hit, label]) bindPointer(el, edge.id);
  }

  function drawNode(node) {
    const root = svgEl("g", { id: node.id, class: `node layer-${node.layer}`,
      "data-testid": `node-${node.id}`, "data-id": node.id }, groups.nodes);
    const circle = svgEl("circle", { class: "body" }, root);
    const value = svgEl("text", { class: "value", dy: "0.35em", "data-testid": `value-${node.id}` },
      root);
    const name = svgEl("text", { class: "name" }, root);
    // z, δ and b under the neuron, moved as one block to a free spot (placeTexts).
    const under = svgEl("g", { class: "under" }, root);
    const below = svgEl("text", { class: "below" }, under);
    const z = svgEl("tspan", { class: "z", "data-testid": `z-${node.id}` }, below);
    const grad = svgEl("tspan", { class: "grad", "data-testid": `delta-${node.id}` }, below);
    const bias = svgEl("text", { class: "bias", "data-testid": `bias-${node.id}` }, under);
    els.set(node.id, { root, circle, value, name, under, below, z, grad, bias });
    bindPointer(root, node.id);
  }

  function drawLossBox() {
    const out = model.layers.length - 1;
    for (let i = 0; i < model.layers[out]; i++) {
      const g = svgEl("g", { class: "target", id: `target-${i}` }, groups.loss);
      const link = svgEl("line", { class: "target-link" }, g);
      const box = svgEl("rect", { class: "target-box", rx: 6 }, g);
      const text = svgEl("text", { class: "target-text", dy: "0.35em",
        "data-testid": `target-${i}` }, g);
      const delta = svgEl("text", { class: "target-delta", "data-testid": `error-${i}` }, g);
      els.set(`target-${i}`, { root: g, link, box, text, delta });
    }
    const total = svgEl("text", { class: "loss-total", "data-testid": "loss-value" }, groups.loss);
    els.set("loss-total", { root: total });
  }

  function bindPointer(el, id) {
    el.addEventListener("pointerenter", (event) => on.hover(id, event));
    el.addEventListener("pointermove", (event) => on.hover(id, event));
    el.addEventListener("pointerleave", () => on.leave(id));
    el.addEventListener("click", (event) => {
      event.stopPropagation();
      on.select(id);
    });
  }

  function redistribute(nextLayout) {
    layout = nextLayout;
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    svg.style.setProperty("--r", `${layout.radius}px`);
    // Type grows with the drawing on large screens (within the layout's limits).
    svg.style.setProperty("--k", layout.k.toFixed(3));
    for (const edge of svgEdges()) placeEdge(edge);
    edgeCanvas?.draw(model, layout, widestEdge());
    canvasEdges.reset();
    markCrowdedLabels();
    const fonts = textSizes();
    for (const node of model.nodes.values()) placeNode(node, fonts);
    placeLossBox(fonts);
    placeTexts();
  }

  /** The font sizes (px) of the texts under a neuron and in the target box, as styled now. */
  function textSizes() {
    const size = (cls) => {
      const el = svg.querySelector(cls);
      return el ? parseFloat(getComputedStyle(el).fontSize) || 12 : 12;
    };
    return { below: size(".node .below"), bias: size(".node .bias"), target: size(".target-text") };
  }

  /**
   * A layer's weight labels show only when they can be read: at most LABELS_PER_LAYER of
   * them, none closer to another than its own two lines of text (a deep network's narrow
   * columns stack them on top of each other). Hidden ones are on hover and in the panel.
   */
  function markCrowdedLabels() {
    const first = els.values().next().value?.label;
    const font = first ? parseFloat(getComputedStyle(first).fontSize) || 13 : 13;
    const byLayer = new Map();
    for (const edge of svgEdges()) {
      if (!byLayer.has(edge.layer)) byLayer.set(edge.layer, []);
      byLayer.get(edge.layer).push(els.get(edge.id));
    }
    for (const parts of byLayer.values()) {
      const clash = (a, b) => Math.abs(a.at.x - b.at.x) < 4 * font && Math.abs(a.at.y - b.at.y) < 2 * font;
      const crowded = parts.length > LABELS_PER_LAYER ||
        parts.some((a, i) => parts.slice(i + 1).some((b) => clash(a, b)));
      for (const { label } of parts) label.classList.toggle("crowded", crowded);
    }
  }

  function placeEdge(edge) {
    const { line, hit, label } = els.get(edge.id);
    const a = layout.nodes[edge.layer - 1][edge.source];
    const b = layout.nodes[edge.layer][edge.target];
    for (const el of [line, hit]) {
      el.setAttribute("x1", a.x); el.setAttribute("y1", a.y);
      el.setAttribute("x2", b.x); el.setAttribute("y2", b.y);
    }
    const f = labelFraction(edge.target, model.layers[edge.layer], edge.source,
      model.layers[edge.layer - 1]);
    const at = { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f - 4 };
    els.get(edge.id).at = at;
    label.setAttribute("transform", `translate(${at.x},${at.y})`);
  }

  function placeNode(node, fonts) {
    const { root, circle, name, below, bias } = els.get(node.id);
    const p = layout.nodes[node.layer][node.index];
    const r = p.r;
    root.setAttribute("transform", `translate(${p.x},${p.y})`);
    root.style.setProperty("--r", `${r}px`);
    root.classList.toggle("compact", r < 17);
    root.classList.toggle("tiny", r < 12);
    // z/δ/b lines would hit the node below
    root.classList.toggle("no-room", p.room < 2 * r + 1.3 * (fonts.below + fonts.bias) + 14);
    root.classList.toggle("nameless", p.room < 12); // names would overlap (64 neurons): hover tells
    circle.setAttribute("r", r);
    // Crowded columns: the name goes to the node's left, where it cannot hit the node above.
    const side = p.room < 2 * r + 30 && node.layer < model.layers.length - 1;
    name.classList.toggle("side", side);
    name.setAttribute("x", side ? -r - 5 : 0);
    name.setAttribute("y", side ? 4 : -r - 6);
    below.setAttribute("y", r + 3 + fonts.below);
    bias.setAttribute("y", r + 3 + fonts.below + 1.2 * fonts.bias);
  }

  function placeLossBox(fonts) {
    const out = model.layers.length - 1;
    const r = layout.radii[out];
    const half = Math.max(14, fonts.target * 0.85);
    for (let i = 0; i < model.layers[out]; i++) {
      const p = layout.nodes[out][i];
      const { link, box, text, delta } = els.get(`target-${i}`);
      Object.entries({ x1: p.x + r, y1: p.y, y2: p.y }).forEach(([k, v]) => link.setAttribute(k, v));
      box.setAttribute("y", p.y - half);
      box.setAttribute("height", 2 * half);
      text.setAttribute("y", p.y);
      delta.setAttribute("x", p.x + r + 6); delta.setAttribute("y", p.y - 0.4 * fonts.target);
    }
    els.get("loss-total").root.setAttribute("y", Math.max(22, layout.nodes[out][0].y - r - 1.6 * fonts.target));
    fitLossBox();
  }

  /**
   * Size the target boxes and place E from their text's measured width (presenter mode's
   * larger type, a target such as "y −1.237", a four-digit E): the box holds its text, Δ stays clear of the
   * node and of the box, and nothing runs off the drawing's right edge.
   */
  function fitLossBox() {
    const out = model.layers.length - 1;
    const r = layout.radii[out];
    const right = layout.width - 4;
    const parts = Array.from({ length: model.layers[out] }, (_, i) => els.get(`target-${i}`));
    // One width and one column for all boxes, as in a table.
    const compact = layout.compact;  // a phone: Δ goes above its box, not beside it
    const width = Math.max(compact ? 44 : 84, ...parts.map((t) => t.text.getComputedTextLength() + 18));
    const gap = compact ? 14 : Math.max(70, ...parts.map((t) => t.delta.getComputedTextLength() + 14));
    for (const [i, { link, box, text, delta }] of parts.entries()) {
      const p = layout.nodes[out][i];
      const x = Math.max(p.x + r + 8, Math.min(p.x + r + gap, right - width));
      link.setAttribute("x2", x - 4);
      box.setAttribute("x", x);
      box.setAttribute("width", width);
      text.setAttribute("x", x + width / 2);
      if (!compact) continue;
      const half = delta.getComputedTextLength() / 2;
      delta.setAttribute("x", Math.min(x + width / 2, right - half) - half);
      delta.setAttribute("y", Number(box.getAttribute("y")) - 5);
    }
    const total = els.get("loss-total").root;
    const half = total.getComputedTextLength() / 2;
    const above = compact ? layout.nodes[out][0].x + r + gap + width / 2 : layout.nodes[out][0].x + r + 112;
    total.setAttribute("x", Math.max(half + 4, Math.min(above, right - half)));
    if (!compact) return;
    const font = parseFloat(getComputedStyle(parts[0].delta).fontSize);
    const top = layout.nodes[out][0];  // above Δ, and above the output's name
    total.setAttribute("y", Math.min(Number(parts[0].box.getAttribute("y")) - 10 - 1.3 * font, top.y - r - 2.2 * font));
  }

  /**
   * Move the texts that can move to free spots: first each neuron's z/δ/b block (under it,
   * lower, or above its name), then each shown weight label (beside its edge, above or below,
   * along it). Nothing may cross a visible edge, a neuron, another text or the drawing's edge;
   * where no spot is free the least crowded one is taken (the text's halo keeps it legible).
   */
  function placeTexts() {
    const at = (node) => layout.nodes[node.layer][node.index];
    const segments = [];
    for (const edge of svgEdges()) {
      const parts = els.get(edge.id);
      parts.seg = visibleSegment(at(model.nodes.get(nodeId(edge.layer - 1, edge.source))),
        at(model.nodes.get(nodeId(edge.layer, edge.target))));
      segments.push(parts.seg);
    }
    const circles = [...model.nodes.values()].map(at);
    const boxes = fixedBoxes();
    const top = Math.min(layout.margin.top - 10, ...circles.map((c) => c.y - c.r - 30));
    const bounds = { x: 2, y: top, w: layout.width - 4, h: layout.height - top - 28 };
    const labels = [...nameLabels(at), ...nodeLabels(at), ...edgeLabels()];
    const chosen = placeLabels(labels, { segments, circles, boxes }, bounds);
    // A text with no free spot is not drawn (a dense network): hover and Explain still tell it.
    chosen.forEach(({ index, clashes }, i) => {
      const { candidates, apply, el } = labels[i];
      el.classList.toggle("unplaced", clashes > 0);
      if (!clashes && candidates[index]) apply(candidates[index]);
    });
  }

  /** Each neuron's name: above it (or beside it in a crowded column), else above-left or right. */
  function nameLabels(at) {
    const labels = [];
    for (const node of model.nodes.values()) {
      const { name } = els.get(node.id);
      name.removeAttribute("transform");
      name.classList.remove("unplaced");
      if (!name.textContent || getComputedStyle(name).display === "none") continue;
      const bb = name.getBBox();
      const p = at(node);
      const [w, h] = [bb.width, bb.height];
      const spots = [[0, 0], [-(p.r + w / 2 + 3) - (bb.x + w / 2), -p.r * 0.75 - (bb.y + h / 2)],
        [p.r + w / 2 + 3 - (bb.x + w / 2), -p.r * 0.75 - (bb.y + h / 2)], [0, -h * 0.6]];
      // In a crowded column the name sits beside its neuron among the edges, on its halo.
      labels.push({ el: name, overEdges: name.classList.contains("side"), candidates: spots.map(([dx, dy]) => ({ x: p.x + bb.x + dx, y: p.y + bb.y + dy, w, h, dx, dy })),
        apply: (c) => { if (c.dx || c.dy) name.setAttribute("transform", `translate(${c.dx},${c.dy})`); } });
    }
    return labels;
  }

  /** Texts that stay where they are: the target boxes, Δ and E. */
  function fixedBoxes() {
    const boxes = [];
    for (const [id, parts] of els) {
      if (!id.startsWith("target-") && id !== "loss-total") continue;
      const bb = parts.root.getBBox();
      if (bb.width) boxes.push({ x: bb.x, y: bb.y, w: bb.width, h: bb.height });
    }
    return boxes;
  }

  /** Each neuron's z/δ/b block: its candidate spots (offsets from where placeNode put it). */
  function nodeLabels(at) {
    const labels = [];
    for (const node of model.nodes.values()) {
      const { under, name, root } = els.get(node.id);
      under.removeAttribute("transform");
      under.classList.remove("unplaced");
      if (root.classList.contains("compact")) continue;
      const bb = under.getBBox();
      if (!bb.width) continue;
      const p = at(node);
      const step = bb.height / 2;
      const nameTop = name.textContent ? name.getBBox().y : -p.r;
      const offsets = [[0, 0], [0, step], [0, 2 * step], [0, 3 * step],
        [0, nameTop - 4 - (bb.y + bb.height)], [bb.width / 2 + p.r * 0.4, 0], [-bb.width / 2 - p.r * 0.4, 0]];
      if (node.layer === model.layers.length - 1) offsets.splice(4, 1);  // E sits above the output
      labels.push({
        el: under,
        candidates: offsets.map(([dx, dy]) => ({ x: p.x + bb.x + dx, y: p.y + bb.y + dy, w: bb.width,
          h: bb.height, dx, dy })),
        apply: (c) => { if (c.dx || c.dy) under.setAttribute("transform", `translate(${c.dx},${c.dy})`); },
      });
    }
    return labels;
  }

  /** Each shown weight label: spots beside its edge, from its staggered place outwards. */
  function edgeLabels() {
    const labels = [];
    for (const edge of svgEdges()) {
      const { label } = els.get(edge.id);
      if (label.classList.contains("crowded")) continue;
      label.removeAttribute("transform");
      label.classList.remove("unplaced");
      const bb = label.getBBox();
      if (!bb.width) continue;
      const a = layout.nodes[edge.layer - 1][edge.source];
      const b = layout.nodes[edge.layer][edge.target];
      const f = labelFraction(edge.target, model.layers[edge.layer], edge.source, model.layers[edge.layer - 1]);
      const cx = bb.x + bb.width / 2;
      const cy = bb.y + bb.height / 2;
      labels.push({
        el: label,
        candidates: edgeCandidates(a, b, f, bb.width + 2, bb.height),
        apply: (c) => {
          els.get(edge.id).at = { x: c.cx, y: c.cy };
          label.setAttribute("transform", `translate(${c.cx - cx},${c.cy - cy})`);
        },
      });
    }
    return labels;
  }

  const widestEdge = () => Math.max(2, Math.min(MAX_EDGE_WIDTH, (layout?.radius ?? 30) * 0.28));

  /** `place: false` (an animation's frames) leaves the texts where they are until the
   * next full restyle: re-placing them every frame costs more than the frame. `edgesOnly`
   * (an update's frames, where only weights move) leaves the neurons alone too. */
  function restyle({ place = true, edgesOnly = false } = {}) {
    if (!model) return;
    const widest = widestEdge();
    let edgeText = false;
    if (edgeCanvas) {
      if (layout) edgeCanvas.draw(model, layout, widest);
    } else {
      const maxW = Math.max(1e-9, ...[...model.edges.values()].map((e) => Math.abs(e.weight)));
      for (const edge of model.edges.values()) edgeText = styleEdge(edge, maxW, widest, !place) || edgeText;
    }
    if (edgesOnly) return;
    const maxA = {};
    for (const n of model.nodes.values()) {
      maxA[n.layer] = Math.max(maxA[n.layer] || 1e-9, Math.abs(n.a ?? 0));
    }
    let changed = false;
    for (const node of model.nodes.values()) changed = styleNode(node, maxA[node.layer]) || changed;
    styleLossBox();
    svg.classList.toggle("stale", Boolean(model.stale));
    if ((changed || edgeText) && layout && place) placeTexts();
  }

  /** `frame`: an animation frame, where a hidden (crowded) label's text can wait. */
  function styleEdge(edge, maxW, widest, frame = false) {
    const { line, weight, grad, label } = els.get(edge.id);
    const w = edge.weight;
    setAttr(line, "stroke", w >= 0 ? "var(--positive)" : "var(--negative)");
    setAttr(line, "stroke-width", (0.6 + (widest - 0.6) * Math.abs(w) / maxW).toFixed(2));
    if (frame && label.classList.contains("crowded")) return false;
    weight.dataset.value = w;
    const change = edge.changing && `${fmt(edge.old_weight)} \u2192 ${fmt(edge.new_weight)}`;
    const a = setText(weight, fmt(w));
    const b = setText(grad, change || (edge.grad === null ? "" : `\u2202 ${fmt(edge.grad)}`));
    grad.classList.toggle("update", Boolean(change));  // old → new in the update's colour
    grad.dataset.value = edge.grad ?? "";
    return a || b;
  }

  function styleNode(node, maxA) {
    const parts = els.get(node.id);
    const known = node.a !== null && node.a !== undefined;
    const text = known ? fmtTight(node.a) : "";
    setText(parts.value, text);
    // Smaller type for longer numbers, so 6.6×10⁻⁴ stays inside its neuron.
    parts.value.classList.toggle("long", text.length > 5 && text.length <= 6);
    parts.value.classList.toggle("longer", text.length > 6);
    parts.value.dataset.value = known ? node.a : "";
    setText(parts.name, node.name);
    const rgb = (node.a ?? 0) >= 0 ? POSITIVE : NEGATIVE;
    setAttr(parts.circle, "fill", known ? tint(rgb, 0.08 + 0.3 * Math.abs(node.a) / maxA) : "#fff");
    const showZ = node.layer > 0 && node.z !== null && model.activations[node.layer - 1] !== "linear";
    const a = setText(parts.z, showZ ? `z ${fmt(node.z)} ` : "");
    const b = setText(parts.grad, node.grad_z === null || node.layer === 0 ? "" : `\u03b4 ${fmt(node.grad_z)}`);
    parts.grad.dataset.value = node.grad_z ?? "";
    const hasBias = node.bias !== null && node.bias !== undefined;
    const c = setText(parts.bias, hasBias ? `b ${fmt(node.bias)}` : "");
    // A compact neuron shows none of these texts: nothing of it to place again.
    return (a || b || c) && !parts.root.classList.contains("compact");
  }

  function styleLossBox() {
    const out = model.layers.length - 1;
    let changed = false;  // measuring text costs a layout: only when some text changed
    for (let i = 0; i < model.layers[out]; i++) {
      const { root, text, delta } = els.get(`target-${i}`);
      const target = model.targets ? model.targets[i] : null;
      root.classList.toggle("known", target !== null);
      changed = setText(text, target === null ? t("math.target") : `y ${fmtTight(target)}`) || changed;
      const output = model.nodes.get(nodeId(out, i)).a;
      changed = setText(delta, target === null || output === null ? ""
        : `\u0394 ${fmtTight(output - target)}`) || changed;
    }
    const total = els.get("loss-total").root;
    changed = setText(total, model.lossValue === null ? "" : `E = ${fmtTight(model.lossValue)}`) || changed;
    total.dataset.value = model.lossValue ?? "";
    if (changed && layout) fitLossBox();
  }

  return {
    redraw, redistribute, restyle,
    /** Canvas edges only: the weights `weightOf(edge)` sweeping in over the drawn ones
     * ({set(t), commit()}), or null when the edges are SVG lines. */
    sweepEdges: (weightOf) => (edgeCanvas && layout
      ? edgeCanvas.sweep(model, layout, widestEdge(), weightOf) : null),
    edgesOnCanvas: () => Boolean(edgeCanvas),
    /** The explained item: outlined when it is an edge on the canvas (SVG ones get a class). */
    selectCanvasEdge: (id) => canvasEdges.select(edgeCanvas && model.edges.has(id) ? id : null),
    el: (id) => els.get(id),
    layout: () => layout,
  };
}
