// The optimizer and the initial weights in the page: the form (update rule and its
// parameters, init and seed, all in the URL), each weight's optimizer state on hover, and the
// update rule written out with the step's numbers for Explain.

import { factor, fmtLong } from "./format.js";
import { t } from "./i18n.js";
import { store } from "./store.js";

const $ = (id) => document.getElementById(id);
const PARAMETERS = ["momentum", "beta1", "beta2", "epsilon"];
const STATE_LABELS = { velocity: "tip.velocity", m: "tip.adam_m", v: "tip.adam_v" };  // catalog keys

/** Show the network's own optimizer and init (as the server answered) in the form. */
export function syncOptimizer(state) {
  const spec = state?.spec;
  if (!spec) return;
  $("optimizer").value = spec.optimizer;
  for (const key of PARAMETERS) $(key).value = spec[key];
  $("init").value = spec.init;
  $("seed").value = spec.seed;
  for (const label of document.querySelectorAll("[data-optimizer]")) {
    label.hidden = label.dataset.optimizer !== spec.optimizer;
  }
}

/** Wire the form: each change is a new spec, so a new network (`respec` checks it first). */
export function bindOptimizer(app, respec) {
  $("optimizer").addEventListener("change", (event) => respec(app, { optimizer: event.target.value }));
  $("init").addEventListener("change", (event) => respec(app, { init: event.target.value }));
  for (const key of [...PARAMETERS, "seed"]) {
    $(key).addEventListener("change", (event) => {
      const value = Number(event.target.value);
      if (event.target.value.trim() === "" || !Number.isFinite(value)) {
        app.view.error(t("error.type_number", { name: key }));
        syncOptimizer(store.state.network);
        return;
      }
      respec(app, { [key]: value });
    });
  }
}

/** Hover rows: the optimizer's state of a weight (velocity, or Adam's m and v) or a bias. */
export function stateRows(item) {
  const state = item?.optimizer ?? item?.bias_optimizer;
  if (!state) return "";
  return Object.entries(state).filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `<tr><th>${STATE_LABELS[name] ? t(STATE_LABELS[name]) : name}</th>` +
      `<td title="${value}" data-state="${name}">${fmtLong(value)}</td></tr>`).join("");
}

/** The state before this update, recovered from the one after it (μ, β > 0), else 0. */
const before = (after, decay, added) => (decay > 0 ? (after - added) / decay : 0);

/**
 * The update rule of the spec's optimizer with this step's numbers, one line per equation;
 * null for plain gradient descent (explain.js writes w ← w − η·∂E/∂w) or before an update.
 */
export function updateRuleLines(model, edge) {
  const spec = model.spec || {};
  const state = edge.optimizer;
  if (!state || edge.new_weight === null || edge.grad === null) return null;
  const g = edge.grad;
  const eta = model.learningRate;
  const w = edge.old_weight ?? edge.weight;
  const name = `<i>${edge.name}</i>`;
  if (spec.optimizer === "momentum") {
    const mu = spec.momentum;
    const v = state.velocity;
    return [
      `v \u2190 \u03bc\u00b7v \u2212 \u03b7\u00b7\u2202E/\u2202${name} = ${factor(mu)} \u00b7 ${factor(before(v, mu, -eta * g))}` +
        ` \u2212 ${factor(eta)} \u00b7 ${factor(g)} = <b>${fmtLong(v)}</b>`,
      `${name} \u2190 ${name} + v = ${fmtLong(w)} + ${factor(v)} = <b>${fmtLong(edge.new_weight)}</b>`,
    ];
  }
  if (spec.optimizer !== "adam") return null;
  const { beta1: b1, beta2: b2, epsilon: eps } = spec;
  const t = model.step;
  const mHat = state.m / (1 - b1 ** t);
  const vHat = state.v / (1 - b2 ** t);
  return [
    `m \u2190 \u03b2\u2081\u00b7m + (1 \u2212 \u03b2\u2081)\u00b7g = ${factor(b1)} \u00b7 ${factor(before(state.m, b1, (1 - b1) * g))}` +
      ` + ${factor(1 - b1)} \u00b7 ${factor(g)} = <b>${fmtLong(state.m)}</b>`,
    `v \u2190 \u03b2\u2082\u00b7v + (1 \u2212 \u03b2\u2082)\u00b7g\u00b2 = ${factor(b2)} \u00b7 ${factor(before(state.v, b2, (1 - b2) * g * g))}` +
      ` + ${factor(1 - b2)} \u00b7 ${factor(g)}\u00b2 = <b>${fmtLong(state.v)}</b>`,
    `m\u0302 = m / (1 \u2212 \u03b2\u2081<sup>${t}</sup>) = <b>${fmtLong(mHat)}</b>, ` +
      `v\u0302 = v / (1 \u2212 \u03b2\u2082<sup>${t}</sup>) = <b>${fmtLong(vHat)}</b>`,
    `${name} \u2190 ${name} \u2212 \u03b7\u00b7m\u0302 / (\u221av\u0302 + \u03b5) = ${fmtLong(w)} \u2212 ${factor(eta)} \u00b7 ` +
      `${factor(mHat)} / (${fmtLong(Math.sqrt(vHat))} + ${fmtLong(eps)}) = <b>${fmtLong(edge.new_weight)}</b>`,
  ];
}
