// The server's limits (GET /api/limits: the README's ceilings as this server's
// BACKPROP_VIZ_MAX_* settings may lower them) and the page's checks of a setup against them,
// so routine mistakes get a readable message without a refused request.

import { fmt } from "./format.js";
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
  return limits;
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
    (L) => `a network has 2 to ${L.layers} layers (input and output included)`],
  ["layers", (v, L) => v.every((n) => Number.isInteger(n) && n >= 1 && n <= L.neurons),
    (L) => `each layer has 1 to ${L.neurons} neurons`],
  ["learningRate", (v, L) => Number.isFinite(v) && v > 0 && v <= L.learningRate,
    (L) => `the learning rate must be above 0 and at most ${L.learningRate}`],
  ["regularizationRate", (v, L) => inRange(v, 0, L.regularizationRate),
    (L) => `the regularization rate must be between 0 and ${L.regularizationRate}`],
  ["noise", (v, L) => inRange(v, 0, L.noise), (L) => `noise must be between 0 and ${L.noise}`],
  ["samples", (v, L) => Number.isInteger(v) && inRange(v, 1, L.samples),
    (L) => `samples must be a whole number from 1 to ${L.samples}`],
  ["batchSize", (v, L) => Number.isInteger(v) && inRange(v, 1, L.batchSize),
    (L) => `the batch size must be a whole number from 1 to ${L.batchSize}`],
  ["epochs", (v, L) => Number.isInteger(v) && inRange(v, 1, L.epochs),
    (L) => `epochs must be a whole number from 1 to ${L.epochs}`],
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
  if (!Number.isFinite(value)) return "Type a finite number.";
  if (Math.abs(value) > L.value) return `Values are limited to |x| ≤ ${fmt(L.value)}.`;
  return null;
}

/** The engine's pairing rules (engine/nn/losses.py LOSS_OUTPUTS; softmax only at the output). */
export function specProblem(activations, loss) {
  if (activations.slice(0, -1).includes("softmax")) return "softmax can only be the output layer's activation";
  const needs = { bce: ["sigmoid", "softmax"], cross_entropy: ["softmax", "sigmoid"] }[loss];
  const out = activations.at(-1);
  if (needs && !needs.includes(out)) {
    return `the ${loss === "bce" ? "binary cross-entropy" : "cross-entropy"} loss needs a sigmoid or softmax output (not ${out})`;
  }
  return null;
}
