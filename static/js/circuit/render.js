// SVG stages for a circuit: `redraw` builds every element keyed by the trace's ids (wires
// w…, gates g…); `showValues`, `showGrads` and `highlightGate` only restyle by id.

import { GEOMETRY } from "./layout.js";
import { fmt } from "./format.js";
import { localNumber } from "../format.js";
import { t } from "../i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const STUB = 112; // straight stretch after each node where a wire's numbers are written
// The drawing shrinks to fit its panel down to half size: smaller, gates and wires crowd and
// their numbers (enlarged, see fitText) would need more room than their stretch, so the
// panel scrolls sideways instead. Text is never shown below 80% of its size (12 px).
const MIN_SCALE = 0.5;
const MIN_TEXT = 0.8;

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

function gateSymbol(gate) {
  if (gate.op === "pow") return `x^${fmt(gate.param, 2).replace(/\.?0+$/, "")}`;
  return gate.symbol;
}

/** Start and end points of an edge: out of the right of its source, into the left of its gate. */
function edgeEnds(edge, layout) {
  const from = layout.nodes.get(edge.from);
  const to = layout.nodes.get(edge.to);
  const r = GEOMETRY.gateRadius;
  const x1 = from.x + (from.kind === "gate" ? r : 6);
  const spread = edge.slots > 1 ? (edge.slot - (edge.slots - 1) / 2) * 18 : 0;
  return { x1, y1: from.y, x2: to.x - r + 2, y2: to.y + spread };
}

function edgePath({ x1, y1, x2, y2 }) {
  const xm = Math.min(x1 + STUB, x2 - 20);
  const bend = Math.max(20, (x2 - xm) / 2);
  return `M${x1},${y1} H${xm} C${xm + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

/** The two numbers of a wire, value above and gradient below, centred on the stub. */
function wireLabel(wire, x, y) {
  const group = el("g", { class: "wire-label", "data-wire": wire.id });
  group.append(el("text", { class: "value", x, y: y - 8, id: `${wire.id}-value` }, fmt(wire.value)));
  group.append(el("text", { class: "grad", x, y: y + 19, id: `${wire.id}-grad` }, fmt(wire.grad)));
  group.append(el("title", {}, t("circuit.wire_title", { label: wire.label, value: localNumber(wire.value),
    grad: localNumber(wire.grad) })));
  return group;
}

function drawSource(wire, node) {
  const group = el("g", { class: `source ${wire.kind}`, id: wire.id });
  group.append(el("circle", { cx: node.x, cy: node.y, r: 5 }));
  group.append(el("text", { class: "name", x: node.x - 12, y: node.y + 5 }, wire.label));
  return group;
}

function drawGate(gate, node, wires) {
  const group = el("g", { class: `gate op-${gate.op}`, id: gate.id });
  group.append(el("circle", { cx: node.x, cy: node.y, r: GEOMETRY.gateRadius }));
  const symbol = gateSymbol(gate);
  group.append(el("text", { class: symbol.length > 2 ? "symbol small" : "symbol", x: node.x, y: node.y + 6 }, symbol));
  const locals = gate.local_grads.map((g, i) => `∂out/∂${wires.get(gate.inputs[i]).label} = ${fmt(g, 6)}`);
  group.append(el("title", {}, `${t("circuit.gate_title", { op: gate.op, id: gate.id, label: wires.get(gate.output).label })}\n` +
    locals.join("\n")));
  return group;
}

/** One view bound to an <svg>; keeps lookups of its elements for the restyle stages. */
export function createCircuitView(svg) {
  let wires = new Map();
  let drawnWidth = 0;
  new ResizeObserver(fitText).observe(svg);

  function redraw(trace, layout) {
    wires = new Map(trace.wires.map((w) => [w.id, w]));
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    svg.setAttribute("width", layout.width);
    svg.setAttribute("height", layout.height);
    // Fit the panel's width: up to 1.3× for small circuits, down to MIN_SCALE for wide ones
    // (a decomposed neuron on a 1280-pixel projector); only below that does the panel scroll.
    // Presenter mode (CSS) lets it grow up to 2.2×: a projector's numbers.
    svg.style.setProperty("--drawn-width", `${layout.width}px`);
    Object.assign(svg.style, { width: "100%", height: "auto", minWidth: `${layout.width * MIN_SCALE}px` });
    drawnWidth = layout.width;
    const edges = el("g", { class: "edges" });
    const labels = el("g", { class: "labels" });
    const nodes = el("g", { class: "nodes" });
    for (const edge of layout.edges) {
      const ends = edgeEnds(edge, layout);
      edges.append(el("path", { class: "edge", id: edge.id, "data-wire": edge.wire, d: edgePath(ends) }));
      if (edge.label) labels.append(wireLabel(wires.get(edge.wire), ends.x1 + STUB / 2, ends.y1));
    }
    const out = layout.output;
    const outStart = out.x1 + (layout.nodes.get(out.from).kind === "gate" ? GEOMETRY.gateRadius : 6);
    edges.append(el("path", { class: "edge output", id: `${out.wire}-out`, "data-wire": out.wire,
      d: `M${outStart},${out.y} H${out.x2}`, "marker-end": "url(#circuit-arrow)" }));
    labels.append(wireLabel(wires.get(out.wire), (outStart + out.x2) / 2, out.y));
    labels.append(el("text", { class: "output-name", x: out.x2 + 10, y: out.y + 5 }, "out"));
    for (const id of layout.nodes.keys()) {
      const gate = trace.gates.find((g) => g.id === id);
      nodes.append(gate ? drawGate(gate, layout.nodes.get(id), wires) : drawSource(wires.get(id), layout.nodes.get(id)));
    }
    const defs = el("defs");
    const marker = el("marker", { id: "circuit-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto" });
    marker.append(el("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }));
    defs.append(marker);
    svg.append(defs, edges, labels, nodes);
    fitText();
  }

  /**
   * Scaled down, the drawing keeps its numbers readable: text grows within it so that it is
   * never shown below MIN_TEXT of its size (a wire's two numbers still fit their stretch).
   */
  function fitText() {
    const shown = svg.getBoundingClientRect().width;
    if (!drawnWidth || !shown) return;
    const boost = Math.max(1, Math.min(MIN_TEXT / MIN_SCALE, MIN_TEXT / (shown / drawnWidth)));
    svg.style.setProperty("--text-boost", boost.toFixed(3));
  }

  /** Show the values of the wires in `ids` (all when `ids` is null), fade the rest. */
  function showValues(ids = null) {
    svg.querySelectorAll("text.value").forEach((t) => {
      const wire = t.id.replace(/-value$/, "");
      t.classList.toggle("hidden", ids !== null && !ids.has(wire));
    });
  }

  /** Show gradients: `grads` maps wire id → number to write (missing ids are hidden). */
  function showGrads(grads = null) {
    svg.querySelectorAll("text.grad").forEach((t) => {
      const wire = t.id.replace(/-grad$/, "");
      const shown = grads === null ? wires.get(wire).grad : grads.get(wire);
      t.classList.toggle("hidden", shown === undefined);
      if (shown !== undefined) t.textContent = fmt(shown);
    });
  }

  /** Mark one gate (and its wires) as the one working now; null clears. */
  function highlightGate(gate = null, phase = "forward") {
    svg.querySelectorAll(".active").forEach((n) => n.classList.remove("active", "forward", "backward"));
    if (!gate) return;
    const wanted = new Set([...gate.inputs, gate.output]);
    svg.querySelector(`#${gate.id}`)?.classList.add("active", phase);
    svg.querySelectorAll("[data-wire]").forEach((n) => {
      if (wanted.has(n.dataset.wire) && (n.classList.contains("edge") || n.classList.contains("wire-label"))) {
        n.classList.add("active", phase);
      }
    });
  }

  return { redraw, showValues, showGrads, highlightGate };
}
