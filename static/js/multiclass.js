// More than two classes: the Classes field of the multi-class datasets, the boundary map's k
// colours (each point of the plane in the colour of its most likely class), accuracy, and
// softmax written over all the outputs for Explain.

import { esc, factor, fmtLong, localNumber } from "./format.js";
import { request } from "./api.js";
import { t } from "./i18n.js";
import { store } from "./store.js";

const $ = (id) => document.getElementById(id);

/** Okabe–Ito: told apart with any colour vision; class 1 blue, class 2 orange as before. */
export const PALETTE = [[0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167],
  [230, 159, 0], [86, 180, 233], [240, 228, 66], [0, 0, 0]];

export const argmax = (row) => row.reduce((best, x, i) => (x > row[best] ? i : best), 0);

/** A grid cell's colour: its class's, as strong as the network is sure (p of that class). */
export function classRgb(cell, strength) {
  const base = PALETTE[cell.k % PALETTE.length];
  const k = strength * cell.p;
  return base.map((c) => Math.round(255 + (c - 255) * k));
}

export function classCss(k) {
  const [r, g, b] = PALETTE[k % PALETTE.length];
  return `rgb(${r},${g},${b})`;
}

/** Predict-grid outputs (x fastest) as rows of {k, p}, bottom row first. */
export function classCells(outputs, columns, rows) {
  const values = [];
  for (let r = 0; r < rows; r++) {
    values.push(outputs.slice(r * columns, (r + 1) * columns).map((row) => {
      const k = argmax(row);
      return { k, p: row[k] };
    }));
  }
  return values;
}

/** The multi-class entry of GET /api/datasets the setup names, if any. */
export function multiclassEntry(name) {
  const entry = store.state.datasets.find((d) => d.name === name);
  return entry?.task === "multiclass" ? entry : null;
}

/** Show the Classes field for a multi-class dataset, with the number the network has. */
export function syncClasses(state) {
  const field = $("classes-field");
  const entry = multiclassEntry(store.state.setup.dataset);
  field.hidden = !entry;
  if (entry) $("classes").value = state?.dataset?.target_names?.length ?? entry.classes;
}

/** The Classes field: k classes, k output neurons, softmax and cross-entropy. */
export function bindClasses(app, respec) {
  $("classes").addEventListener("change", (event) => {
    const k = Number(event.target.value);
    if (!Number.isInteger(k) || k < 2 || k > 8) {
      app.view.error(t("error.classes"));
      syncClasses(store.state.network);
      return;
    }
    const layers = app.view.model.layers.slice();
    layers[layers.length - 1] = k;
    respec(app, { classes: k, layers, ...softmaxPatch(app.view.model) });
  });
}

/** A multi-class dataset wants a softmax output and cross-entropy. */
export function softmaxPatch(model) {
  return { loss: "cross_entropy", activations: [...model.activations.slice(0, -1), "softmax"] };
}

/**
 * The share of samples whose most likely output is their class (one-hot targets), or whose
 * output is on the target's side of ½ (one 0/1 target); null for regression targets.
 */
export function accuracy(outputs, targets) {
  if (!targets.length) return null;
  const oneHot = targets[0].length > 1 && targets.every((t) => t.filter((x) => x === 1).length === 1);
  const binary = targets[0].length === 1 && targets.every((t) => t[0] === 0 || t[0] === 1);
  if (!oneHot && !binary) return null;
  const right = targets.filter((t, i) => (oneHot ? argmax(outputs[i]) === argmax(t)
    : (outputs[i][0] >= 0.5) === (t[0] === 1))).length;
  return right / targets.length;
}

/** Ask the network's outputs on its own rows and write the accuracy under the map. */
export async function showAccuracy(id, info) {
  const line = $("accuracy");
  if (!info?.inputs?.length) { line.textContent = ""; return; }
  const result = await request("POST", `/api/networks/${encodeURIComponent(id)}/predict`,
    { inputs: info.inputs }).catch(() => null);
  if (!result || store.state.network?.id !== id) return;
  const share = accuracy(result.outputs, info.targets);
  line.dataset.accuracy = share === null ? "" : String(share);
  line.textContent = share === null ? "" :
    t("boundary.accuracy", { n: info.inputs.length, percent: localNumber((100 * share).toFixed(1)) });
}

/** a = softmax(z) over all the outputs of the layer, in symbols, exponentials and numbers. */
export function softmaxLines(model, node) {
  const outs = [...model.nodes.values()].filter((n) => n.layer === node.layer)
    .sort((a, b) => a.index - b.index);
  if (outs.some((n) => n.z === null || n.z === undefined)) return [];
  const shift = Math.max(...outs.map((n) => n.z));  // e^(z − max): never overflows
  const e = (n) => Math.exp(n.z - shift);
  const sym = (n) => `e<sup>z<sub>${esc(n.name)}</sub></sup>`;
  const num = (n) => `e<sup>${fmtLong(n.z)}</sup>`;
  const total = outs.reduce((sum, n) => sum + e(n), 0);
  const shifted = shift === 0 ? "" : ` (${t("math.softmax_shift", { shift: fmtLong(shift) })})`;
  return [
    `<i>${esc(node.name)}</i> = softmax(z)<sub>${esc(node.name)}</sub> = ${sym(node)} / (${outs.map(sym).join(" + ")})`,
    `= ${num(node)} / (${outs.map(num).join(" + ")})`,
    `= ${factor(e(node))} / (${outs.map((n) => factor(e(n))).join(" + ")})${shifted} = <b>${fmtLong(node.a)}</b>`,
  ];
}
