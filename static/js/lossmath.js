// The loss's part of the chain rule, written with the real K (outputs per sample), m (samples
// in the batch) and the regularization term, exactly as engine/nn/losses.py and passes.py do it:
// node gradients are the focus sample's own loss derivative; edge and bias gradients are the
// reduced batch gradient (÷m for "mean") plus λ·∂penalty/∂w for weights.

import { esc, factor, fmtLong } from "./format.js";
import { t, tn } from "./i18n.js";

const MINUS = "\u2212";
const DOT = "\u00b7";

export const outputs = (model) => model.layers.at(-1);
export const batchSize = (model) => model.data?.samples ?? 1;
export const isMean = (model) => (model.spec?.reduction ?? "mean") === "mean";

/** E for one sample, E₃ when the batch has several: the loss the node gradients belong to. */
export function sampleLoss(model) {
  return batchSize(model) > 1 ? `E<sub>${(model.focus ?? 0) + 1}</sub>` : "E";
}

/** ∂E_s/∂o: [formula in symbols, same formula with numbers] per loss (K = outputs). */
const RULES = {
  half_sse: (o, y) => `${o} ${MINUS} ${y}`,
  mse: (o, y, k) => `2 ${DOT} (${o} ${MINUS} ${y}) / ${k}`,
  bce: (o, y, k) => `(${o} ${MINUS} ${y}) / (${o} ${DOT} (1 ${MINUS} ${o}) ${DOT} ${k})`,
  cross_entropy: (o, y) => `${MINUS}${y} / ${o}`,
};

/** The output node's ∂E_s/∂a line, with K and the sample's numbers. */
export function outputGradLine(model, node, name) {
  const rule = RULES[model.loss];
  const y = model.targets?.[node.index];
  const head = `\u2202${sampleLoss(model)}/\u2202${name}`;
  if (!rule) return `${head} = <b>${fmtLong(node.grad_a)}</b>`;
  const symbols = rule(name, `<i>${t("math.target")}</i>`, "K");
  const numbers = y === undefined || y === null ? ""
    : ` = ${rule(factor(node.a), factor(y), outputs(model))}`;
  return `${head} = ${symbols}${numbers} = <b>${fmtLong(node.grad_a)}</b>`;
}

/** Output activation + loss pairs whose δ the engine computes directly from z (FUSED). */
export function fusedDeltaLine(model, node, name) {
  const act = model.activations.at(-1);
  const y = model.targets?.[node.index];
  if (node.layer !== model.layers.length - 1 || y === undefined || y === null) return null;
  const head = `\u03b4<sub>${esc(node.name)}</sub> = \u2202${sampleLoss(model)}/\u2202z<sub>${esc(node.name)}</sub>`;
  if (act === "sigmoid" && model.loss === "bce") {
    return `${head} = (${name} ${MINUS} <i>${t("math.target")}</i>) / K = (${factor(node.a)} ${MINUS} ` +
      `${factor(y)}) / ${outputs(model)} = <b>${fmtLong(node.grad_z)}</b> (${t("math.sigmoid_cancels")})`;
  }
  if (act === "softmax" && model.loss === "cross_entropy") {
    const sum = (model.targets || []).reduce((s, t) => s + t, 0);
    const numbers = Math.abs(sum - 1) < 1e-12 ? `${factor(node.a)} ${MINUS} ${factor(y)}`
      : `${factor(node.a)} ${DOT} ${fmtLong(sum)} ${MINUS} ${factor(y)}`;
    const target = `<i>${t("math.target")}</i>`;
    return `${head} = ${name} ${DOT} \u03a3${target} ${MINUS} ${target} = ${numbers} = ` +
      `<b>${fmtLong(node.grad_z)}</b>`;
  }
  return null;
}

/** λ·∂penalty/∂w for one weight: L2 is λ·½Σw² → λ·w, L1 is λ·Σ|w| → λ·sign(w). */
export function regularization(model, w) {
  const kind = model.spec?.regularization;
  const rate = model.spec?.regularization_rate ?? 0;
  if (!rate || (kind !== "l1" && kind !== "l2")) return null;
  if (kind === "l2") {
    return { value: rate * w, symbols: `\u03bb ${DOT} w`,
      numbers: `${fmtLong(rate)} ${DOT} ${factor(w)}`, name: "L2, \u03bb\u00b7\u00bd\u03a3w\u00b2" };
  }
  const sign = Math.sign(w);
  return { value: rate * sign, symbols: `\u03bb ${DOT} sign(w)`,
    numbers: `${fmtLong(rate)} ${DOT} ${factor(sign)}`, name: "L1, \u03bb\u00b7\u03a3|w|" };
}

/**
 * The batch part of a gradient: from the focus sample's own term to what the update uses.
 * `own` is the focus sample's term, `total` the trace's gradient, `reg` from regularization().
 */
export function batchLines(model, symbol, own, total, reg) {
  const m = batchSize(model);
  const data = total - (reg ? reg.value : 0);
  const lines = [];
  if (m > 1) {
    const scale = isMean(model) ? `(1/${m}) ${DOT} ` : "";
    const scaleSym = isMean(model) ? "(1/m) " : "";
    lines.push(`${t(isMean(model) ? "math.batch_mean" : "math.batch_sum", { m })}: ` +
      `\u2202E/\u2202${symbol} = ${scaleSym}\u03a3<sub>s</sub> \u2202E<sub>s</sub>/\u2202${symbol} = ` +
      `${scale}(${fmtLong(own)} + ${tn("math.more_terms", m - 1)}) = <b>${fmtLong(data)}</b>`);
  }
  if (reg) {
    lines.push(`+ ${t("math.regularization", { name: reg.name })}: ${reg.symbols} = ${reg.numbers} = ${fmtLong(reg.value)}`);
    lines.push(`\u2202E/\u2202${symbol} = ${fmtLong(data)} + ${factor(reg.value)} = ` +
      `<b>${fmtLong(total)}</b> (${t("math.update_uses")})`);
  }
  return lines;
}
