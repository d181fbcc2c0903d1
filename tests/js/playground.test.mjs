// "New data" seeds and the discretized boundary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { discretize, nextSeed } from "../../static/js/playground.js";

test("a new seed is a 32-bit integer other than the last one", () => {
  const fixed = [0.5, 0.5, 0.25];
  const random = () => fixed.shift();
  assert.equal(nextSeed(2 ** 31, random), 2 ** 30);  // 0.5·2³² is the previous: drawn again
  const seed = nextSeed(undefined);
  assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
});

test("discretize splits halfway between the targets' range", () => {
  assert.deepEqual(discretize([[0.1, 0.5], [0.49, 0.9]], 0, 1), [[0, 1], [0, 1]]);
  assert.deepEqual(discretize([[-0.2, 0.3]], -1, 1), [[-1, 1]]);
});
