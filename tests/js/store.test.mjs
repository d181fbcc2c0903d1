// static/js/store.js: one owner of the page's state, replaced part by part, with subscribers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LIMITS, createStore } from "../../static/js/store.js";
import { checkSetup, limitsFrom, valueProblem } from "../../static/js/limits.js";

test("an update replaces whole parts and tells subscribers which changed", () => {
  const store = createStore({ setup: { preset: "xor", speed: 1 } });
  const heard = [];
  const stop = store.subscribe((state, changed) => heard.push([changed, state.network?.learning_rate]));
  store.update({ network: { id: "a", learning_rate: 0.05 } });
  store.update({ network: { id: "a", learning_rate: 0.5 } });  // the PATCH answer
  assert.equal(store.state.network.learning_rate, 0.5);
  assert.deepEqual(heard, [[["network"], 0.05], [["network"], 0.5]]);
  stop();
  store.update({ network: null });
  assert.equal(heard.length, 2);
});

test("an update of identical parts notifies nobody", () => {
  const store = createStore();
  let calls = 0;
  store.subscribe(() => { calls += 1; });
  store.update({ limits: store.state.limits });
  assert.equal(calls, 0);
});

test("updateSetup merges preferences; null removes a key", () => {
  const store = createStore({ setup: { preset: "xor", batchSize: 2 } });
  store.updateSetup({ presenter: true, batchSize: null });
  assert.deepEqual(store.state.setup, { preset: "xor", presenter: true });
});

test("what a reader gets is frozen: nobody edits a copy behind the store's back", () => {
  const store = createStore({ setup: { preset: "xor" } });
  assert.throws(() => { store.state.setup.preset = "celsius"; }, TypeError);
  assert.throws(() => { store.state.limits.layers = 3; }, TypeError);
});

test("the server's limits replace the README's, and the checks use them", () => {
  const limits = limitsFrom({ layers: 4, epochs: 300, samples: 500, abs_value: 1e6 }, DEFAULT_LIMITS);
  assert.equal(limits.layers, 4);
  assert.equal(limits.batchSize, 500);
  assert.equal(limits.neurons, DEFAULT_LIMITS.neurons);
  const { problems, setup } = checkSetup({ layers: [2, 4, 4, 4, 1], epochs: 200 }, limits);
  assert.deepEqual(problems, ["a network has 2 to 4 layers (input and output included)"]);
  assert.deepEqual(setup, { epochs: 200 });
  assert.deepEqual(checkSetup({ epochs: 301 }, limits).problems,
    ["epochs must be a whole number from 1 to 300"]);
  assert.equal(valueProblem(2e6, limits), "Values are limited to |x| \u2264 1\u00d710\u2076.");
  assert.equal(valueProblem(5, limits), null);
});

test("pairing rules come from the API's vocabulary, not a copy", async () => {
  const { activationChoices, specProblem } = await import("../../static/js/limits.js");
  const vocabulary = {
    activations: [{ name: "sigmoid", output_only: false, min_outputs: 1 },
      { name: "softmax", output_only: true, min_outputs: 2 }],
    losses: [{ name: "bce", outputs: ["sigmoid", "softmax"], one_output_refused: [] },
      { name: "cross_entropy", outputs: ["softmax", "sigmoid"], one_output_refused: ["sigmoid"] }],
  };
  const L = limitsFrom({ vocabulary }, DEFAULT_LIMITS);
  assert.deepEqual(activationChoices(false, "sigmoid", L), ["sigmoid"]);
  assert.deepEqual(activationChoices(true, "sigmoid", L), ["sigmoid", "softmax"]);
  assert.equal(specProblem(["sigmoid", "sigmoid"], "bce", 1, L), null);
  assert.ok(specProblem(["sigmoid", "sigmoid"], "cross_entropy", 1, L));  // use bce
  assert.equal(specProblem(["sigmoid", "sigmoid"], "cross_entropy", 3, L), null);
  assert.ok(specProblem(["softmax", "sigmoid"], "bce", 1, L));  // softmax on a hidden layer
  assert.ok(specProblem(["sigmoid", "softmax"], "cross_entropy", 1, L));  // softmax of one
  assert.equal(specProblem(["sigmoid", "sigmoid"], "cross_entropy", 1, DEFAULT_LIMITS), null);
});
