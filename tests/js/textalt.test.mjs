// The drawing's text alternative names every number of the current phase.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe } from "../../static/js/textalt.js";

const node = (name, layer, fields = {}) => ({ name, layer, z: null, a: null, grad_z: null,
  bias: null, ...fields });

test("a small network lists neurons and weights with their gradients", () => {
  const model = {
    layers: [2, 1], step: 0, lossValue: 0.3272405,
    nodes: new Map([["n-0-0", node("i1", 0, { a: 2 })], ["n-0-1", node("i2", 0, { a: 3 })],
      ["n-1-0", node("out", 1, { z: 0.191, a: 0.191, grad_z: -0.809 })]]),
    edges: new Map([["e-1-0-0", { name: "w5", weight: 0.14, old_weight: null, grad: -0.68765,
      new_weight: null }]]),
  };
  const lines = describe(model);
  assert.equal(lines[0], "A 2-1 network at step 0.");
  assert.ok(lines.includes("out: z = 0.191, a = 0.191, \u03b4 = \u2202E/\u2202z = \u22120.809"), lines.join("\n"));
  assert.ok(lines.some((l) => l.startsWith("w5: weight 0.14, \u2202E/\u2202w5 = \u22120.688")), lines.join("\n"));
});

test("a big network leaves its weights to the matrix view", () => {
  const edges = new Map(Array.from({ length: 500 }, (_, i) => [`e${i}`, { name: `w${i}`, weight: 1 }]));
  const lines = describe({ layers: [2, 250, 2], step: 3, lossValue: null, nodes: new Map(), edges });
  assert.equal(lines.at(-1), "500 weights: hover or focus an edge, or open the matrix view, to read them.");
});
