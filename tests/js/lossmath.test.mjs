// static/js/lossmath.js (through explain.js): the chain rule's loss derivative and batch
// gradient, written with the real K, m and λ, must evaluate to the engine's own trace.
// The states and traces come from the real engine: tests/test_js.py writes them and names the
// file in BACKPROP_VIZ_JS_TRACES (running `node --test tests/js/` alone skips this file).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { explain } from "../../static/js/explain.js";
import { applyTrace, modelFromState } from "../../static/js/model.js";
import { batchSize, outputs, regularization, sampleLoss } from "../../static/js/lossmath.js";

const FILE = process.env.BACKPROP_VIZ_JS_TRACES;
const CASES = FILE ? JSON.parse(readFileSync(FILE, "utf8")) : {};

const text = (html) => html.replace(/<[^>]+>/g, "");
const number = (s) => Number(s.replace(/\u2212/g, "-"));
/** The arithmetic as printed (2 · (0.5 − 0) / 1), evaluated independently of the page. */
function evaluate(expression) {
  const plain = expression.replace(/\u2212/g, "-").replace(/\u00b7/g, "*").trim();
  assert.match(plain, /^[-+*/() .\de]+$/, plain);
  return Function(`"use strict"; return (${plain});`)();
}
const close = (a, b, rel = 1e-5) => Math.abs(a - b) <= rel * Math.abs(b) + 1e-9;

function lines(model, id) {
  return explain(model, id).sections.flatMap((s) => s.lines).map(text);
}

for (const [name, { state, trace }] of Object.entries(CASES)) {
  test(`${name}: output gradient and batch gradient match the trace`, () => {
    const model = modelFromState(state);
    applyTrace(model, trace);
    const out = trace.nodes.find((n) => n.layer === 2);
    const edge = trace.edges.find((e) => e.layer === 2 && e.source === 0);
    const line = lines(model, "n-2-0").find((t) => t.startsWith("\u2202E1/\u2202out"));
    const parts = line.split(" = ");
    assert.ok(close(evaluate(parts[2]), out.grad_a), line);
    assert.ok(close(number(parts.at(-1)), out.grad_a, 1e-6), line);
    if (["mse", "bce"].includes(state.spec.loss)) assert.match(parts[2], /(\/ |· )1\)?$/);

    const edgeLines = lines(model, "e-2-0-0");
    const batch = edgeLines.find((t) => t.startsWith("batch"));
    assert.equal(batch.includes("(1/4)"), state.spec.reduction === "mean", batch);
    assert.ok(batch.includes("m = 4"), batch);
    const reg = regularization(model, edge.weight);
    const final = reg ? edgeLines.at(-1) : batch;
    assert.ok(close(number(final.split(" = ").at(-1).split(" ")[0]), edge.grad, 1e-6), final);
    if (reg) assert.ok(edgeLines.some((t) => t.includes("\u03bb \u00b7 w")), edgeLines.join("\n"));
  });
}

test("K, m and E's subscript come from the model", () => {
  const model = { layers: [2, 3, 2], data: { samples: 4 }, focus: 2, spec: {} };
  assert.equal(outputs(model), 2);
  assert.equal(batchSize(model), 4);
  assert.equal(sampleLoss(model), "E<sub>3</sub>");
  assert.equal(sampleLoss({ ...model, data: { samples: 1 } }), "E");
});

test("regularization: L2 adds λ·w, L1 λ·sign(w), none nothing", () => {
  const spec = (kind, rate) => ({ spec: { regularization: kind, regularization_rate: rate } });
  assert.equal(regularization(spec("l2", 0.1), -0.5).value, -0.05);
  assert.equal(regularization(spec("l1", 0.1), -0.5).value, -0.1);
  assert.equal(regularization(spec("none", 0), 0.3), null);
  assert.equal(regularization(spec("l2", 0), 0.3), null);
});
