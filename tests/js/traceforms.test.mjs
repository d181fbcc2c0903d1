// static/js/model.js applyTrace reads a step's trace per edge (TraceOut) or per layer
// (`?form=layers`, base64 float64 arrays), also without the matrices the page holds
// (`&omit=weights&omit=grad_weights`). Triplet networks of the real engine, stepped alike in
// the three forms, must leave the page's model with the same numbers, bit for bit.
// tests/test_js.py writes them and names the file in BACKPROP_VIZ_JS_TWINS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  applyTrace, commitUpdate, heldQuery, modelFromState, weightsCrc,
} from "../../static/js/model.js";

const FILE = process.env.BACKPROP_VIZ_JS_TWINS;
const CASES = FILE ? JSON.parse(readFileSync(FILE, "utf8")) : {};
const NODE = ["z", "a", "grad_z", "grad_a", "bias", "grad_bias", "new_bias", "bias_optimizer"];
const EDGE = ["weight", "signal", "grad", "new_weight", "old_weight", "optimizer"];

/** Every number of `model` equals `byEdge`'s (the per-edge form's), field by field. */
function assertSameModel(model, byEdge, phase) {
  for (const [id, node] of byEdge.nodes) {
    for (const f of NODE) assert.deepEqual(model.nodes.get(id)[f], node[f], `${phase} ${id} ${f}`);
  }
  for (const [id, edge] of byEdge.edges) {
    for (const f of EDGE) assert.deepEqual(model.edges.get(id)[f], edge[f], `${phase} ${id} ${f}`);
  }
  assert.deepEqual([...model.done], [...byEdge.done]);
  assert.equal(model.lossValue, byEdge.lossValue);
  assert.equal(model.step, byEdge.step);
}

for (const [name, { state, steps, crc }] of Object.entries(CASES)) {
  test(`${name}: every trace form makes the same model`, () => {
    const models = { edges: modelFromState(state), layers: modelFromState(state),
      compact: modelFromState(state) };
    for (const answers of steps) {
      assert.equal(answers.layers.form, "layers");
      for (const [form, model] of Object.entries(models)) {
        applyTrace(model, answers[form]);
        if (answers[form].phase === "update" || answers[form].phase === "all") commitUpdate(model);
      }
      assertSameModel(models.layers, models.edges, answers.edges.phase);
      assertSameModel(models.compact, models.edges, answers.edges.phase);
    }
    const left = steps.map((answers) => answers.compact.omitted.join("+"));
    assert.deepEqual(left, ["weights", "weights", "weights+grad_weights", "weights", "weights",
      "weights+grad_weights"]);  // forward, backward, update, all, backward, update
    assert.equal(weightsCrc(models.compact), crc);  // the server's CRC of its weights now
  });
}

test("the page holds the weights always, the gradients while their backward is on screen", () => {
  const [{ state, steps } = {}] = Object.values(CASES);
  if (!state) return;
  const model = modelFromState(state);
  const omit = () => heldQuery(model).omit;
  assert.deepEqual(omit(), ["weights"]);
  applyTrace(model, steps[0].compact);  // forward
  assert.deepEqual(omit(), ["weights"]);
  applyTrace(model, steps[1].compact);  // backward
  assert.deepEqual(omit(), ["weights", "grad_weights"]);
  const before = heldQuery(model).weights_crc;
  applyTrace(model, steps[2].compact);  // update: the gradients belong to the old weights
  commitUpdate(model);
  assert.deepEqual(omit(), ["weights"]);
  assert.notEqual(heldQuery(model).weights_crc, before);
});
