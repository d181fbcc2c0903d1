// static/js/layout.js: pure positions of neurons for a list of layer sizes and a box.
import { test } from "node:test";
import assert from "node:assert/strict";
import { labelFraction, layoutNetwork } from "../../static/js/layout.js";

test("columns run left to right inside the margins, neurons centred in each", () => {
  const lay = layoutNetwork([2, 2, 1], 900, 560);
  assert.equal(lay.columns.length, 3);
  assert.ok(lay.columns[0] >= lay.margin.left);
  assert.ok(lay.columns[2] <= 900 - lay.margin.right + 1e-9);
  assert.ok(lay.columns[0] < lay.columns[1] && lay.columns[1] < lay.columns[2]);
  const mid = lay.margin.top + (560 - lay.margin.top - lay.margin.bottom) / 2;
  assert.equal(lay.nodes[2][0].y, mid);
  assert.equal((lay.nodes[0][0].y + lay.nodes[0][1].y) / 2, mid);
});

test("no two neurons of a column overlap, even with 64 in it", () => {
  for (const layers of [[2, 2, 1], [2, 64, 1], [4, 16, 16, 16, 2], [2, 8, 8, 8, 8, 8, 1]]) {
    const lay = layoutNetwork(layers, 1280, 720);
    for (const column of lay.nodes) {
      for (let i = 1; i < column.length; i++) {
        assert.ok(column[i].y - column[i - 1].y >= 2 * column[i].r - 1e-9, `${layers}`);
      }
    }
  }
});

test("radii stay between 5 px and 1.45 × 30 px; a wide layer does not shrink its neighbours", () => {
  const lay = layoutNetwork([2, 64, 1], 1280, 720);
  assert.ok(lay.radii.every((r) => r >= 5 && r <= 30 * 1.45));
  assert.ok(lay.radii[0] > lay.radii[1]);
  assert.equal(layoutNetwork([2, 2, 1], 3000, 2000).radius, 30 * 1.45);
});

test("a larger drawing area spreads the columns further apart", () => {
  const small = layoutNetwork([2, 2, 1], 900, 560);
  const big = layoutNetwork([2, 2, 1], 1800, 900);
  assert.ok(big.columns[2] - big.columns[0] > small.columns[2] - small.columns[0]);
});

test("label positions are staggered so crossing edges do not share one spot", () => {
  assert.equal(labelFraction(0, 1, 0, 1), 0.5);
  assert.equal(labelFraction(0, 1, 1, 2), 0.62);
  assert.notEqual(labelFraction(0, 2, 0, 2), 0.5);
});
