// static/js/model.js applyTrace reads a step's trace per edge (TraceOut) or per layer
// (`?form=layers`, base64 float64 arrays). Twin networks of the real engine, stepped alike in
// the two forms, must leave the page's model with the same numbers, bit for bit.
// tests/test_js.py writes the twins and names the file in BACKPROP_VIZ_JS_TWINS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { applyTrace, commitUpdate, modelFromState } from "../../static/js/model.js";

const FILE = process.env.BACKPROP_VIZ_JS_TWINS;
const CASES = FILE ? JSON.parse(readFileSync(FILE, "utf8")) : {};
const NODE = ["z", "a", "grad_z", "grad_a", "bias", "grad_bias", "new_bias", "bias_optimizer"];
const EDGE = ["weight", "signal", "grad", "new_weight", "old_weight", "optimizer"];

for (const [name, { state, steps }] of Object.entries(CASES)) {
  test(`${name}: both trace forms make the same model`, () => {
    const byEdge = modelFromState(state);
    const byLayer = modelFromState(state);
    for (const { edges, layers } of steps) {
      assert.equal(layers.form, "layers");
      for (const [model, trace] of [[byEdge, edges], [byLayer, layers]]) {
        applyTrace(model, trace);
        if (trace.phase === "update" || trace.phase === "all") commitUpdate(model);
      }
      for (const [id, node] of byEdge.nodes) {
        for (const f of NODE) assert.deepEqual(byLayer.nodes.get(id)[f], node[f], `${edges.phase} ${id} ${f}`);
      }
      for (const [id, edge] of byEdge.edges) {
        for (const f of EDGE) assert.deepEqual(byLayer.edges.get(id)[f], edge[f], `${edges.phase} ${id} ${f}`);
      }
      assert.deepEqual([...byLayer.done], [...byEdge.done]);
      assert.equal(byLayer.lossValue, byEdge.lossValue);
      assert.equal(byLayer.step, byEdge.step);
    }
  });
}
