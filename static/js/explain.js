// The chain rule with real numbers: what the explanation panel and slow motion narrate.

import { esc, factor, fmt, fmtLong } from "./format.js";
import { t } from "./i18n.js";
import { nodeId } from "./model.js";
import { batchLines, fusedDeltaLine, outputGradLine, regularization, sampleLoss } from "./lossmath.js";
import { softmaxLines } from "./multiclass.js";
import { updateRuleLines } from "./optimizer.js";

const DERIVATIVE = {
  linear: () => ["1", () => 1],
  sigmoid: (a) => [`${a}(1 \u2212 ${a})`, (n) => n.a * (1 - n.a)],
  tanh: (a) => [`1 \u2212 ${a}\u00b2`, (n) => 1 - n.a * n.a],
  relu: () => ["(z > 0 ? 1 : 0)", (n) => (n.z > 0 ? 1 : 0)],
  leaky_relu: () => ["(z > 0 ? 1 : 0.01)", (n) => (n.z > 0 ? 1 : 0.01)],
  softmax: () => [`(${t("explain.softmax_jacobian")})`, () => null],
};

const sub = (name) => `<i>${esc(name)}</i>`;
const activationOf = (model, node) => model.activations[node.layer - 1] || "linear";
const isLinear = (model, node) => activationOf(model, node) === "linear";
const zName = (model, node) => (isLinear(model, node) ? sub(node.name) : `z<sub>${esc(node.name)}</sub>`);
const source = (model, edge) => model.nodes.get(nodeId(edge.layer - 1, edge.source));
const target = (model, edge) => model.nodes.get(nodeId(edge.layer, edge.target));

/** The weight the on-screen forward values were computed with (before an update). */
const used = (model, e) => (model.stale && e.old_weight !== null ? e.old_weight : e.weight);

function incoming(model, node) {
  return [...model.edges.values()].filter((e) => e.layer === node.layer && e.target === node.index);
}

function outgoing(model, node) {
  return [...model.edges.values()].filter((e) => e.layer === node.layer + 1 && e.source === node.index);
}

/** z = Σ w·a (+ b) written three ways: symbols, products, sum. */
export function forwardFormula(model, node) {
  const edges = incoming(model, node);
  const symbols = edges.map((e) => `${sub(source(model, e).name)}\u00b7${sub(e.name)}`);
  const numbers = edges.map((e) => `${factor(source(model, e).a)} \u00b7 ${factor(used(model, e))}`);
  const terms = edges.map((e) => factor(source(model, e).a * used(model, e)));
  if (node.bias !== null && node.bias !== undefined) {
    const bias = model.stale && node.old_bias !== null && node.old_bias !== undefined
      ? node.old_bias : node.bias;
    symbols.push(`b<sub>${esc(node.name)}</sub>`);
    numbers.push(factor(bias));
    terms.push(factor(bias));
  }
  const z = `${zName(model, node)} = ${symbols.join(" + ")}`;
  return [z, `= ${numbers.join(" + ")}`, edges.length > 1 ? `= ${terms.join(" + ")}` : null,
    `= <b>${fmtLong(node.z)}</b>`].filter(Boolean);
}

function activationLine(model, node) {
  const act = activationOf(model, node);
  if (act === "linear") return null;
  if (act === "softmax") return softmaxLines(model, node).join(" ");
  return `${sub(node.name)} = ${act}(z) = ${act}(${fmtLong(node.z)}) = <b>${fmtLong(node.a)}</b>`;
}

/** ∂E/∂a of a node: the loss derivative at the output, Σ w·δ downstream elsewhere. */
export function gradALines(model, node) {
  const last = model.layers.length - 1;
  const name = sub(node.name);
  if (node.layer === last) return [outputGradLine(model, node, name)];
  const outs = outgoing(model, node);
  const next = (e) => target(model, e);
  return [
    `\u2202${sampleLoss(model)}/\u2202${name} = ${outs.map((e) => `${sub(e.name)}\u00b7\u03b4<sub>${esc(next(e).name)}</sub>`).join(" + ")}`,
    `= ${outs.map((e) => `${factor(used(model, e))} \u00b7 ${factor(next(e).grad_z)}`).join(" + ")}` +
      ` = <b>${fmtLong(node.grad_a)}</b>`,
  ];
}

/** δ = ∂E/∂z = ∂E/∂a · f′(z). */
export function deltaLine(model, node) {
  const fused = fusedDeltaLine(model, node, sub(node.name));
  if (fused) return fused;
  const [raw, value] = DERIVATIVE[activationOf(model, node)](sub(node.name));
  const symbol = raw.includes(" ") && !raw.startsWith("(") ? `(${raw})` : raw;
  const d = value(node);
  const numbers = d === null ? "" : ` = ${factor(node.grad_a)} \u00b7 ${factor(d)}`;
  const E = sampleLoss(model);
  return `\u03b4<sub>${esc(node.name)}</sub> = \u2202${E}/\u2202${zName(model, node)} = ` +
    `\u2202${E}/\u2202${sub(node.name)} \u00b7 ${symbol}${numbers} = <b>${fmtLong(node.grad_z)}</b>`;
}

/** The headline chain rule for one weight, e.g. ∂E/∂w5 = (out − target) · h1 = … */
export function edgeChain(model, edge) {
  const from = source(model, edge);
  const to = target(model, edge);
  const w = sub(edge.name);
  const z = zName(model, to);
  const last = to.layer === model.layers.length - 1;
  const middle = last && model.loss === "half_sse" && isLinear(model, to)
    ? `(${sub(to.name)} \u2212 <i>${t("math.target")}</i>)` : `\u03b4<sub>${esc(to.name)}</sub>`;
  const product = to.grad_z * from.a;
  const E = sampleLoss(model);
  const lines = [
    `\u2202${E}/\u2202${w} = \u2202${E}/\u2202${z} \u00b7 \u2202${z}/\u2202${w}`,
    `= ${middle} \u00b7 ${sub(from.name)}`,
    `= ${factor(to.grad_z)} \u00b7 ${factor(from.a)} = <b>${fmtLong(product)}</b>`,
  ];
  if (edge.grad === null) return lines;
  return [...lines, ...batchLines(model, w, product, edge.grad, regularization(model, used(model, edge)))];
}

export function updateLine(model, edge) {
  const rule = updateRuleLines(model, edge);
  if (rule) return rule.at(-1);
  const old = edge.old_weight ?? edge.weight;
  return `${sub(edge.name)} \u2190 ${fmtLong(old)} \u2212 ${fmtLong(model.learningRate)} \u00b7 ` +
    `${factor(edge.grad)} = <b>${fmtLong(edge.new_weight)}</b>`;
}

/** One line for slow motion, while a pulse runs along `edge`. */
export function edgeNarration(model, edge, phase) {
  const from = source(model, edge);
  const to = target(model, edge);
  if (phase === "forward") {
    return `${sub(from.name)} \u00b7 ${sub(edge.name)} = ${factor(from.a)} \u00b7 ${factor(edge.weight)}` +
      ` = <b>${fmtLong(from.a * edge.weight)}</b> ${t("explain.flows_into", { name: sub(to.name) })}`;
  }
  return edgeChain(model, edge).join(" ");
}

export function nodeNarration(model, node) {
  const lines = forwardFormula(model, node);
  const act = activationLine(model, node);
  return [lines[0], lines.at(-1), act ? `; ${act}` : ""].join(" ");
}

export const updateNarration = updateLine;

/** Slow motion: how a hidden neuron's δ comes from the layer above (δh1 = w5·δout · f′). */
export function deltaNarration(model, node) {
  return `${gradALines(model, node).join(" ")}; ${deltaLine(model, node)}`;
}

/** The panel's content for a node or an edge id: a title and a list of equation lines. */
export function explain(model, id) {
  if (model.edges.has(id)) return explainEdge(model, model.edges.get(id));
  if (model.nodes.has(id)) return explainNode(model, model.nodes.get(id));
  return null;
}

function explainEdge(model, edge) {
  const from = source(model, edge);
  const to = target(model, edge);
  const sections = [{ title: t("explain.value"), lines: [`${sub(edge.name)} = <b>${fmtLong(edge.weight)}</b> ` +
    t("explain.from_to", { from: sub(from.name), to: sub(to.name) })] }];
  if (from.a !== null) {
    sections.push({ title: t("explain.forward"), lines: [`${t("explain.signal")} = ${sub(from.name)} \u00b7 ${sub(edge.name)} = ` +
      `${factor(from.a)} \u00b7 ${factor(edge.old_weight ?? edge.weight)} = <b>${fmtLong(edge.signal ?? from.a * edge.weight)}</b>`] });
  }
  if (to.grad_z !== null) sections.push({ title: t("explain.backward"), lines: edgeChain(model, edge) });
  if (edge.new_weight !== null) {
    sections.push({ title: t("explain.update"), lines: updateRuleLines(model, edge) ?? [updateLine(model, edge)] });
  }
  return { title: t("explain.weight", { name: edge.name }), sections };
}

function biasLines(model, node) {
  const own = `\u2202${sampleLoss(model)}/\u2202b = \u03b4 = <b>${fmtLong(node.grad_z)}</b>`;
  const lines = [own, ...batchLines(model, "b", node.grad_z, node.grad_bias, null)];
  if (node.new_bias === null || node.new_bias === undefined) return lines;
  // The update rule for the bias, written as for a weight (optimizer.js, updateLine).
  const bias = { name: `b${node.name}`, grad: node.grad_bias, new_weight: node.new_bias,
    old_weight: node.old_bias ?? null, weight: node.bias, optimizer: node.bias_optimizer };
  return [...lines, ...(updateRuleLines(model, bias) ?? [updateLine(model, bias)])];
}

function explainNode(model, node) {
  if (node.layer === 0) {
    return { title: t("explain.input", { name: node.name }), sections: [{ title: t("explain.value"),
      lines: [`${sub(node.name)} = <b>${fmtLong(node.a)}</b> (${t("explain.sample", { n: (model.focus ?? 0) + 1 })})`] }] };
  }
  const sections = [];
  if (node.z !== null) {
    const act = activationOf(model, node) === "softmax" ? softmaxLines(model, node) : [activationLine(model, node)];
    sections.push({ title: t("explain.forward"), lines: [...forwardFormula(model, node), ...act].filter(Boolean) });
  } else sections.push({ title: t("explain.forward"), lines: [t("explain.run_forward")] });
  if (node.grad_z !== null) {
    sections.push({ title: t("explain.backward"), lines: [...gradALines(model, node), deltaLine(model, node)] });
  }
  if (node.bias !== null && node.bias !== undefined && node.grad_bias !== null) {
    sections.push({ title: t("explain.bias"), lines: biasLines(model, node) });
  }
  const act = activationOf(model, node);
  return { title: t("explain.neuron", { name: node.name, activation: act }), sections };
}

