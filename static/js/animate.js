// The passes as timelines: forward (pulses left to right, values appear as each node fires),
// loss (output against target), backward (gradient pulses right to left, ∂L/∂w appears on
// each edge) and update (each weight moves from old to new). Slow motion goes edge by edge.

import { fmt } from "./format.js";
import { t } from "./i18n.js";
import { deltaNarration, edgeNarration, nodeNarration, updateNarration } from "./explain.js";
import { runTimeline } from "./timeline.js";

const LAYER_MS = 650;
const EDGE_MS = 900;
const FIRE_MS = 250;
const EDGE_PULSES = 400;  // a layer with more edges pulses as one front (by layer, not by edge)

/** ctx: {renderer, model, slow, speed(), narrate(html)}. Returns a running timeline. */
export function animatePhase(phase, ctx) {
  const steps = phase === "forward" ? forwardSteps(ctx)
    : phase === "backward" ? backwardSteps(ctx)
      : updateSteps(ctx);
  return runTimeline(steps, ctx.speed);
}

function edgesOf(model, layer) {
  return [...model.edges.values()].filter((e) => e.layer === layer);
}

function nodesOf(model, layer) {
  return [...model.nodes.values()].filter((n) => n.layer === layer);
}

function mark(ctx, ids, cls, on) {
  for (const id of ids) ctx.renderer.el(id)?.root.classList.toggle(cls, on);
}

/** A hidden (crowded) label is skipped: a class on each of 600 hidden labels still costs a
 * style recalculation of every one (tens of ms at the start of a backward pass). */
function markLabels(ctx, ids, cls, on) {
  for (const id of ids) {
    const label = ctx.renderer.el(id)?.label;
    if (label && (!on || !label.classList.contains("crowded"))) label.classList.toggle(cls, on);
  }
}

const POP = [{ strokeWidth: "7px" }, { strokeWidth: "2px" }];

/** A short flash of the node's outline as it fires (Web Animations: no style recalc). */
function pop(ctx, ids) {
  for (const id of ids) {
    const parts = ctx.renderer.el(id);
    const shape = parts?.circle || parts?.box;
    shape?.animate?.(POP, { duration: 450, easing: "ease-out" });
  }
}

/** Moving dots along edges; `reverse` runs them from target to source. */
function pulses(ctx, edges, kind, reverse) {
  const layout = ctx.renderer.layout();
  const r = Math.max(3, Math.min(7, layout.radius * 0.25));
  const colourOf = () => getComputedStyle(document.body).getPropertyValue(
    kind === "forward" ? "--positive" : "--gradient").trim();
  if (edges.length > EDGE_PULSES) return ctx.pulses.addFront(front(layout, edges[0].layer, reverse), colourOf(), r);
  const paths = edges.map((e) => {
    let a = layout.nodes[e.layer - 1][e.source];
    let b = layout.nodes[e.layer][e.target];
    if (reverse) [a, b] = [b, a];
    return { x: a.x, y: a.y, dx: b.x - a.x, dy: b.y - a.y };
  });
  return ctx.pulses.add(paths, colourOf(), r);
}

/** The front of a layer's pulse: from one column to the next (or back), spanning both. */
function front(layout, layer, reverse) {
  const columns = [layout.nodes[layer - 1], layout.nodes[layer]];
  const ys = columns.flat().map((p) => p.y);
  const [from, to] = reverse ? [columns[1][0].x, columns[0][0].x] : [columns[0][0].x, columns[1][0].x];
  const pad = layout.radius;
  return { x: from, dx: to - from, top: Math.min(...ys) - pad, bottom: Math.max(...ys) + pad };
}

/** One step in which a set of edges carries pulses, lit up; `after` runs at its end. */
function pulseStep(ctx, edges, kind, reverse, duration, after) {
  let dots = null;
  const ids = edges.map((e) => e.id);
  return {
    duration,
    start() {
      dots = pulses(ctx, edges, kind, reverse);
      mark(ctx, ids, `lit-${kind}`, true);
    },
    frame(t) { dots?.move(t); },
    end() {
      dots?.remove();
      mark(ctx, ids, `lit-${kind}`, false);
      after?.();
    },
  };
}

function forwardSteps(ctx) {
  const { model } = ctx;
  const last = model.layers.length - 1;
  const hidden = [...model.nodes.values()].filter((n) => n.layer > 0).map((n) => n.id);
  const steps = [{
    duration: FIRE_MS,
    start() {
      ctx.renderer.restyle();
      mark(ctx, hidden, "wait", true);
      mark(ctx, ["loss-total", ...targetIds(model)], "wait", true);
      pop(ctx, nodesOf(model, 0).map((n) => n.id));
      ctx.narrate(t("narrate.forward_start"));
    },
  }];
  for (let layer = 1; layer <= last; layer++) {
    if (ctx.slow) steps.push(...slowForwardLayer(ctx, layer));
    else {
      const ids = nodesOf(model, layer).map((n) => n.id);
      steps.push(pulseStep(ctx, edgesOf(model, layer), "forward", false, LAYER_MS, () => {
        mark(ctx, ids, "wait", false);
        pop(ctx, ids);
      }));
    }
  }
  steps.push(lossStep(ctx));
  return steps;
}

function slowForwardLayer(ctx, layer) {
  const steps = [];
  const edges = edgesOf(ctx.model, layer);
  for (const node of nodesOf(ctx.model, layer)) {
    const incoming = edges.filter((e) => e.target === node.index);
    // A big layer goes neuron by neuron (its inputs' pulses at once): edge by edge, a
    // 64-neuron layer would take an hour.
    if (edges.length > EDGE_PULSES) steps.push(pulseStep(ctx, incoming, "forward", false, EDGE_MS));
    else for (const edge of incoming) {
      const step = pulseStep(ctx, [edge], "forward", false, EDGE_MS);
      const start = step.start;
      step.start = () => { start(); ctx.narrate(edgeNarration(ctx.model, edge, "forward")); };
      steps.push(step);
    }
    steps.push({
      duration: EDGE_MS,
      start() {
        mark(ctx, [node.id], "wait", false);
        pop(ctx, [node.id]);
        ctx.narrate(nodeNarration(ctx.model, node));
      },
    });
  }
  return steps;
}

function targetIds(model) {
  return Array.from({ length: model.layers.at(-1) }, (_, i) => `target-${i}`);
}

/**
 * The loss, said truthfully: with one sample E is its output against its target; with several,
 * the sample on screen is one of them and E is the batch's loss (mean or sum), not its own.
 */
export function lossNarration(model) {
  const output = model.outputs?.map(fmt).join(t("number.list"));
  const target = model.targets?.map(fmt).join(t("number.list"));
  const loss = `<b>E = ${fmt(model.lossValue)}</b>`;
  const m = model.data?.samples ?? 1;
  if (m <= 1) return t("narrate.loss", { output, target, loss });
  const key = (model.spec?.reduction ?? "mean") === "mean" ? "narrate.loss_batch_mean" : "narrate.loss_batch_sum";
  return t(key, { sample: (model.focus ?? 0) + 1, output, target, n: m, loss });
}

function lossStep(ctx) {
  const { model } = ctx;
  return {
    duration: ctx.slow ? EDGE_MS * 1.5 : LAYER_MS,
    start() {
      mark(ctx, ["loss-total", ...targetIds(model)], "wait", false);
      pop(ctx, targetIds(model));
      ctx.narrate(lossNarration(model));
    },
  };
}

function backwardSteps(ctx) {
  const { model } = ctx;
  const last = model.layers.length - 1;
  const edges = [...model.edges.keys()];
  const deltas = [...model.nodes.values()].filter((n) => n.layer > 0).map((n) => n.id);
  const outputs = nodesOf(model, last).map((n) => n.id);
  const steps = [{
    duration: ctx.slow ? EDGE_MS : FIRE_MS * 2,
    start() {
      ctx.renderer.restyle();
      markLabels(ctx, edges, "wait-grad", true);
      mark(ctx, deltas, "wait-grad", true);
      mark(ctx, outputs, "wait-grad", false);
      pop(ctx, outputs);
      ctx.narrate(t("narrate.backward_start"));
    },
  }];
  for (let layer = last; layer >= 1; layer--) {
    const layerEdges = edgesOf(model, layer);
    const below = layer > 1 ? nodesOf(model, layer - 1).map((n) => n.id) : [];
    const reveal = () => {
      markLabels(ctx, layerEdges.map((e) => e.id), "wait-grad", false);
      mark(ctx, below, "wait-grad", false);
      pop(ctx, below);
    };
    if (ctx.slow) steps.push(...slowBackwardLayer(ctx, layerEdges, reveal, layer > 1 ? nodesOf(model, layer - 1) : []));
    else steps.push(pulseStep(ctx, layerEdges, "backward", true, LAYER_MS, reveal));
  }
  steps.push({ duration: 0, start: () => ctx.narrate(t("narrate.backward_done")) });
  return steps;
}

function slowBackwardLayer(ctx, edges, reveal, below) {
  if (edges.length > EDGE_PULSES) {  // a big layer: one step of pulses per neuron it enters
    const targets = [...new Set(edges.map((e) => e.target))];
    const steps = targets.map((target) => pulseStep(ctx, edges.filter((e) => e.target === target),
      "backward", true, EDGE_MS));
    return [...steps, { duration: 0, start: reveal }, ...below.map((node) => ({
      duration: EDGE_MS, start() { pop(ctx, [node.id]); ctx.narrate(deltaNarration(ctx.model, node)); },
    }))];
  }
  const steps = edges.map((edge) => {
    const step = pulseStep(ctx, [edge], "backward", true, EDGE_MS, () =>
      markLabels(ctx, [edge.id], "wait-grad", false));
    const start = step.start;
    step.start = () => { start(); ctx.narrate(edgeNarration(ctx.model, edge, "backward")); };
    return step;
  });
  steps.push({ duration: 0, start: reveal });
  for (const node of below) {
    steps.push({ duration: EDGE_MS * 1.5, start() {
      pop(ctx, [node.id]);
      ctx.narrate(deltaNarration(ctx.model, node));
    } });
  }
  return steps;
}

function updateSteps(ctx) {
  const { model } = ctx;
  const moving = [...model.edges.values()].filter((e) => e.old_weight !== null);
  const groups = ctx.slow ? moving.map((e) => [e]) : [moving];
  const steps = groups.map((group) => tweenStep(ctx, group));
  steps.unshift({
    duration: 0,
    start() {
      for (const e of moving) e.weight = e.old_weight;
      ctx.renderer.restyle();
      ctx.narrate(t("narrate.update", { rate: fmt(model.learningRate) }));
    },
  });
  return steps;
}

/**
 * Weights move from old_weight to new_weight (the model already holds the update). Edges on
 * a canvas (a big network) are not redrawn each frame: the new ones sweep in, layer by layer.
 */
function tweenStep(ctx, edges) {
  const ids = edges.map((e) => e.id);
  let sweep = null;
  return {
    duration: ctx.slow ? EDGE_MS * 1.5 : LAYER_MS * 1.4,
    start() {
      for (const e of edges) e.changing = true;
      markLabels(ctx, ids, "changing", true);
      if (edges.length === 1) ctx.narrate(updateNarration(ctx.model, edges[0]));
      sweep = ctx.renderer.sweepEdges?.((e) => (e.changing ? e.new_weight : e.weight)) ?? null;
    },
    frame(t) {
      if (sweep) {
        sweep.set(t);
        return;
      }
      for (const e of edges) e.weight = e.old_weight + (e.new_weight - e.old_weight) * t;
      ctx.renderer.restyle({ place: false, edgesOnly: true });
    },
    end() {
      for (const e of edges) { e.weight = e.new_weight; e.changing = false; }
      sweep?.commit();
      ctx.renderer.restyle();
      markLabels(ctx, ids, "changing", false);
    },
  };
}
