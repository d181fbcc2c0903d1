// The server's limits (GET /api/limits: the README's ceilings as this server's
// BACKPROP_VIZ_MAX_* settings may lower them) and the page's checks of a setup against them,
// so routine mistakes get a readable message without a refused request.

import { fmt } from "./format.js";
import { t } from "./i18n.js";
import { store } from "./store.js";

/** GET /api/limits field → LIMITS key. */
const FROM_API = {
  layers: "layers", neurons: "neurons", samples: "samples", epochs: "epochs",
  learning_rate: "learningRate", regularization_rate: "regularizationRate", noise: "noise",
  abs_value: "value",
};

/** The limits in a GET /api/limits answer over `base` (fields it lacks keep their value). */
export function limitsFrom(body, base) {
  const limits = { ...base };
  for (const [field, key] of Object.entries(FROM_API)) {
    if (Number.isFinite(body?.[field])) limits[key] = body[field];
  }
  limits.batchSize = limits.samples;
  if (body?.vocabulary) limits.vocabulary = body.vocabulary;  // the engine's names and rules
  return limits;
}

/**
 * The activation names a layer may take, from the API's vocabulary (softmax on the output
 * only); before it answers, just the one the layer has.
 */
export function activationChoices(isOutput, current, L = store.state.limits) {
  const names = (L.vocabulary?.activations || [])
    .filter((a) => isOutput || !a.output_only).map((a) => a.name);
  return names.length ? names : [current];
}

/** Put this server's limits into the store; keeps the README's values if it cannot answer. */
export async function loadLimits() {
  try {
    const response = await fetch("/api/limits", { headers: { Accept: "application/json" } });
    if (response.ok) store.update({ limits: limitsFrom(await response.json(), store.state.limits) });
  } catch {
    /* the README's values stay */
  }
  return store.state.limits;
}

const inRange = (v, lo, hi) => Number.isFinite(v) && v >= lo && v <= hi;

/** Each check: [setup property, test(value, limits), message(limits)]. */
const CHECKS = [
  ["layers", (v, L) => v.length >= 2 && v.length <= L.layers,
    (L) => t("limit.layers", { max: L.layers })],
  ["layers", (v, L) => v.every((n) => Number.isInteger(n) && n >= 1 && n <= L.neurons),
    (L) => t("limit.neurons", { max: L.neurons })],
  ["learningRate", (v, L) => Number.isFinite(v) && v > 0 && v <= L.learningRate,
    (L) => t("limit.learning_rate", { max: fmt(L.learningRate) })],
  ["regularizationRate", (v, L) => inRange(v, 0, L.regularizationRate),
    (L) => t("limit.regularization_rate", { max: fmt(L.regularizationRate) })],
  ["noise", (v, L) => inRange(v, 0, L.noise), (L) => t("limit.noise", { max: fmt(L.noise) })],
  ["samples", (v, L) => Number.isInteger(v) && inRange(v, 1, L.samples),
    (L) => t("limit.samples", { max: L.samples })],
  ["batchSize", (v, L) => Number.isInteger(v) && inRange(v, 1, L.batchSize),
    (L) => t("limit.batch_size", { max: L.batchSize })],
  ["epochs", (v, L) => Number.isInteger(v) && inRange(v, 1, L.epochs),
    (L) => t("limit.epochs", { max: L.epochs })],
];

/**
 * Problems of a setup as readable sentences, and the setup without the offending fields;
 * checked against `limits` (the store's, that is this server's, unless given).
 */
export function checkSetup(setup, limits = store.state.limits) {
  const problems = [];
  const clean = { ...setup };
  for (const [name, ok, message] of CHECKS) {
    const value = setup[name];
    if (value === undefined || value === null || !(name in clean)) continue;
    if (!ok(value, limits)) {
      problems.push(message(limits));
      delete clean[name];
    }
  }
  return { problems, setup: clean };
}

/** A number a user typed for a weight, bias, input or target: finite and |x| ≤ 1e9. */
export function valueProblem(value, L = store.state.limits) {
  if (!Number.isFinite(value)) return t("limit.finite");
  if (Math.abs(value) > L.value) return t("limit.value", { max: fmt(L.value) });
  return null;
}

/**
 * The engine's pairing rules, as GET /api/limits states them (engine/nn/spec.py's checks):
 * output-only activations, an activation's minimum outputs, a loss's output activations and
 * those it refuses on a single output. Without the vocabulary the server still checks.
 */
export function specProblem(activations, loss, outputs = 2, L = store.state.limits) {
  const vocab = L.vocabulary;
  if (!vocab) return null;
  const act = Object.fromEntries(vocab.activations.map((a) => [a.name, a]));
  if (activations.slice(0, -1).some((a) => act[a]?.output_only)) return t("limit.softmax_output");
  const out = activations.at(-1);
  const rule = vocab.losses.find((l) => l.name === loss);
  if (rule?.outputs && !rule.outputs.includes(out)) {
    return t("limit.loss_output", { loss: t(`loss.${loss}`), out });
  }
  if (outputs === 1 && rule?.one_output_refused?.includes(out)) {
    return t("limit.one_output", { loss: t(`loss.${loss}`), out });
  }
  if (outputs < (act[out]?.min_outputs ?? 1)) {
    return t("limit.min_outputs", { out, n: act[out].min_outputs });
  }
  return null;
}
