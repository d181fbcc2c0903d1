// The two passes as timelines, one gate per beat, cancellable with an AbortSignal.
// Forward reveals each gate's output value; backward starts from the output gradient and
// adds local × upstream into each input's running gradient (fan-out wires add up).

import { fmt } from "./format.js";
import { t } from "../i18n.js";

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new DOMException("stopped", "AbortError")); return; }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("stopped", "AbortError"));
    }, { once: true });
  });
}

/** Wires known before any gate runs: the inputs and the constants. */
function labels(trace) {
  return new Map(trace.wires.map((w) => [w.id, w.label]));
}

function sourceIds(trace) {
  return new Set(trace.wires.filter((w) => w.kind !== "gate").map((w) => w.id));
}

/** Forward pass: values appear gate by gate; gradients are hidden until the backward pass. */
export async function playForward(view, trace, { beat = 700, signal, onBeat = () => {} }) {
  const shown = sourceIds(trace);
  view.showGrads(new Map());
  view.showValues(shown);
  for (const gate of trace.gates) {
    view.highlightGate(gate, "forward");
    const out = trace.wires.find((w) => w.id === gate.output);
    onBeat(t("circuit.beat_forward", { op: gate.op, label: out.label, value: fmt(out.value) }));
    await sleep(beat / 2, signal);
    shown.add(gate.output);
    view.showValues(shown);
    await sleep(beat / 2, signal);
  }
  view.highlightGate(null);
  view.showValues(null);
}

/** Backward pass: running gradients, last gate first, each input += local × output grad. */
export async function playBackward(view, trace, { beat = 700, signal, onBeat = () => {} }) {
  const running = new Map([[trace.output_wire, trace.output_grad]]);
  view.showValues(null);
  view.showGrads(running);
  await sleep(beat / 2, signal);
  for (const gate of [...trace.gates].reverse()) {
    view.highlightGate(gate, "backward");
    const upstream = running.get(gate.output) ?? 0;
    const name = labels(trace);
    const parts = gate.inputs.map((w, i) => `grad[${name.get(w)}] += ${fmt(gate.local_grads[i])} × ${fmt(upstream)}`);
    onBeat(t("circuit.beat_backward", { op: gate.op, parts: parts.join(";  ") }));
    await sleep(beat / 2, signal);
    gate.inputs.forEach((wire, i) => {
      running.set(wire, (running.get(wire) ?? 0) + gate.local_grads[i] * upstream);
    });
    view.showGrads(running);
    await sleep(beat / 2, signal);
  }
  view.highlightGate(null);
  view.showGrads(null);
}
