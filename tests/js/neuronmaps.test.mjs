// Neuron maps: pixels of a neuron's output over the plane, y upwards, white at the centre.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapPixels, mapsFit } from "../../static/js/neuronmaps.js";

test("the bottom grid row is the image's last row; colours by sign and size", () => {
  // 2×2 grid, x fastest, y upwards: row 0 (bottom) = [-1, 0], row 1 (top) = [1, 0.5]
  const px = mapPixels([-1, 0, 1, 0.5], 2, 0, 1);
  const at = (row, col) => Array.from(px.slice((row * 2 + col) * 4, (row * 2 + col) * 4 + 4));
  assert.deepEqual(at(1, 0), [213, 94, 0, 255]);       // −1: full vermillion, bottom left
  assert.deepEqual(at(1, 1), [255, 255, 255, 255]);    // 0: white
  assert.deepEqual(at(0, 0), [0, 114, 178, 255]);      // +1: full blue, top left
  assert.deepEqual(at(0, 1), [128, 184, 216, 255]);    // +0.5: halfway to blue (rounded to even)
});

test("maps are asked for only while the server's limit allows", () => {
  assert.equal(mapsFit([2, 8, 8, 1], 48 * 48), true);
  assert.equal(mapsFit([2, 64, 64, 64, 1], 48 * 48), false);
});
