// static/js/state.js: the URL table for the new properties (optimizer, init, classes, matrix
// view, shared weights) and the exact round trip of weights through a link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { change, decodeParameters, encodeParameters, readHash, specRequest, toHash } from "../../static/js/state.js";

test("optimizer, init, seed and classes go from the URL to the create request", () => {
  const setup = readHash("#preset=xor&optimizer=adam&beta1=0.8&init=he&seed=7&dataset=spirals&classes=4");
  const body = specRequest(setup);
  assert.equal(body.optimizer, "adam");
  assert.equal(body.beta1, 0.8);
  assert.equal(body.init, "he");
  assert.equal(body.seed, 7);
  assert.deepEqual(body.dataset, { name: "spirals", classes: 4 });
});

test("weights survive the link bit for bit", () => {
  const weights = [[[0.1, -2.5e-17], [1 / 3, 7.2e11]], [[Math.PI, -0]]];
  const biases = [[0.30000000000000004, -1e-300], null];
  const wb = encodeParameters(weights, biases);
  assert.match(wb, /^[A-Za-z0-9_-]+$/);
  const back = decodeParameters(wb);
  assert.deepEqual(back.weights, [[[0.1, -2.5e-17], [1 / 3, 7.2e11]], [[Math.PI, 0]]]);
  assert.deepEqual(back.biases, biases);
  const body = specRequest(readHash(toHash({ preset: "xor", wb })));
  assert.deepEqual(body.biases, biases);
});

test("another spec drops the shared weights; a view preference keeps them", () => {
  const setup = { preset: "xor", wb: "abc", matrix: true };
  assert.equal(change(setup, { rows: true }).wb, "abc");
  assert.equal(change(setup, { layers: [2, 3, 1] }).wb, undefined);
  assert.equal(change(setup, { from: "id" }).wb, "abc");
  assert.equal(toHash({ preset: "xor", matrix: true, rows: false }), "#preset=xor&matrix=1");
});
