// The server's limits (GET /api/limits: the README's ceilings as this server's
// BACKPROP_VIZ_MAX_* settings may lower them) and the page's checks of a setup against them,
// so routine mistakes get a readable message without a refused request.

import { fmt } from "./format.js";

export const LIMITS = {
  layers: 10,          // input and output included
  neurons: 64,         // per layer
  samples: 10000,
  epochs: 100000,
  learningRate: 1000,  // exclusive minimum 0
  regularizationRate: 100,
  noise: 10,
  value: 1e9,          // any weight, bias, input or target
  batchSize: 10000,
};

/** GET /api/limits field → LIMITS key. */
const FROM_API = {
  layers: "layers", neurons: "neurons", samples: "samples", epochs: "epochs",
  learning_rate: "learningRate", regularization_rate: "regularizationRate", noise: "noise",
  abs_value: "value",
};

/** Refresh LIMITS from the server; keeps the README's values if it cannot answer. */
export async function loadLimits() {
  try {
    const response = await fetch("/api/limits", { headers: { Accept: "application/json" } });
    if (!response.ok) return LIMITS;
    const body = await response.json();
    for (const [field, key] of Object.entries(FROM_API)) {
      if (Number.isFinite(body?.[field])) LIMITS[key] = body[field];
    }
    LIMITS.batchSize = LIMITS.samples;
  } catch {
    /* the README's values stay */
  }
  return LIMITS;
}

const inRange = (v, lo, hi) => Number.isFinite(v) && v >= lo && v <= hi;

/** Each check: [setup property, test, message]. */
const CHECKS = [
  ["layers", (v) => v.length >= 2 && v.length <= LIMITS.layers,
    () => `a network has 2 to ${LIMITS.layers} layers (input and output included)`],
  ["layers", (v) => v.every((n) => Number.isInteger(n) && n >= 1 && n <= LIMITS.neurons),
    () => `each layer has 1 to ${LIMITS.neurons} neurons`],
  ["learningRate", (v) => Number.isFinite(v) && v > 0 && v <= LIMITS.learningRate,
    () => `the learning rate must be above 0 and at most ${LIMITS.learningRate}`],
  ["regularizationRate", (v) => inRange(v, 0, LIMITS.regularizationRate),
    () => `the regularization rate must be between 0 and ${LIMITS.regularizationRate}`],
  ["noise", (v) => inRange(v, 0, LIMITS.noise), () => `noise must be between 0 and ${LIMITS.noise}`],
  ["samples", (v) => Number.isInteger(v) && inRange(v, 1, LIMITS.samples),
    () => `samples must be a whole number from 1 to ${LIMITS.samples}`],
  ["batchSize", (v) => Number.isInteger(v) && inRange(v, 1, LIMITS.batchSize),
    () => `the batch size must be a whole number from 1 to ${LIMITS.batchSize}`],
  ["epochs", (v) => Number.isInteger(v) && inRange(v, 1, LIMITS.epochs),
    () => `epochs must be a whole number from 1 to ${LIMITS.epochs}`],
];

/** Problems of a setup as readable sentences, and the setup without the offending fields. */
export function checkSetup(setup) {
  const problems = [];
  const clean = { ...setup };
  for (const [name, ok, message] of CHECKS) {
    const value = setup[name];
    if (value === undefined || value === null || !(name in clean)) continue;
    if (!ok(value)) {
      problems.push(message());
      delete clean[name];
    }
  }
  return { problems, setup: clean };
}

/** A number a user typed for a weight, bias, input or target: finite and |x| ≤ 1e9. */
export function valueProblem(value) {
  if (!Number.isFinite(value)) return "Type a finite number.";
  if (Math.abs(value) > LIMITS.value) return `Values are limited to |x| ≤ ${fmt(LIMITS.value)}.`;
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
