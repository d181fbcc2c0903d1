// The side panels of the circuit page: input boxes, the output, the gradient check table,
// the nudge result and the neuron's own numbers. Each function redraws one panel from a trace.

import { fmt } from "./format.js";
import { localNumber } from "../format.js";
import { t, withLang } from "../i18n.js";

const FUNCTIONS = new Set(["exp", "log", "sigmoid", "tanh", "relu", "leaky_relu", "max", "min", "pow"]);

/** Variable names of an expression, in order (a cosmetic pre-parse; the server decides). */
export function variableNames(expression) {
  const names = [];
  const token = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*/g;
  for (const match of expression.matchAll(token)) {
    const word = match[0];
    if (/^[\d.]/.test(word) || FUNCTIONS.has(word)) continue;
    const rest = expression.slice(match.index + word.length).trimStart();
    if (rest.startsWith("(") || names.includes(word)) continue;
    names.push(word);
  }
  return names;
}

/** One number box per input; `onChange(name, value)` fires on every valid edit. */
export function renderInputs(form, trace, onChange) {
  form.replaceChildren();
  for (const [name, input] of Object.entries(trace.inputs)) {
    const label = document.createElement("label");
    label.className = "input-row";
    const span = document.createElement("span");
    span.textContent = name;
    const box = document.createElement("input");
    // Shown to 10 significant digits (1e-8 stays 1e-8, 0.1 + 0.2 reads 0.3); the page keeps
    // the exact value until this box is edited.
    Object.assign(box, { type: "number", step: "any", value: String(Number(input.value.toPrecision(10))), name });
    box.id = `circuit-input-${name}`;
    box.setAttribute("aria-label", t("circuit.value_of", { name }));
    // Every edit is reported, a bad one too (1e400 reads as Infinity): the caller says why.
    box.addEventListener("change", () => {
      if (box.value.trim() === "" && !box.validity.badInput) return;
      onChange(name, box.validity.badInput ? NaN : Number(box.value));
    });
    label.append(span, box);
    form.append(label);
  }
}

function cell(row, text, className = "") {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
  return td;
}

/** Analytic vs numerical gradients per input; with a neuron, the network's own gradient. */
export function renderCheck(table, trace, neuron = null) {
  const head = table.querySelector("thead tr");
  head.querySelector(".network-col")?.remove();
  head.querySelector(".analytic-col").textContent = neuron
    ? t("circuit.col_circuit_neuron") : t("circuit.col_analytic");
  if (neuron) {
    const th = document.createElement("th");
    th.className = "network-col";
    th.textContent = t("circuit.col_network");
    head.append(th);
  }
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const [name, input] of Object.entries(trace.inputs)) {
    const row = document.createElement("tr");
    row.dataset.input = name;
    cell(row, name, "name");
    cell(row, fmt(input.value, 6));
    cell(row, fmt(input.grad, 6), "grad");
    cell(row, fmt(input.numerical_grad, 6));
    cell(row, fmt(input.forward_difference_grad, 6));
    const agree = input.numerical_grad !== null
      && Math.abs(input.numerical_grad - input.grad) <= 1e-4 * Math.max(1, Math.abs(input.grad));
    cell(row, agree ? t("circuit.agree") : t("circuit.differ"), agree ? "agree" : "differ");
    if (neuron) cell(row, fmt(networkGrad(name, neuron), 6), "grad");
    body.append(row);
  }
}

/** The network trace's gradient for a circuit input (weights w<i> and the bias b). */
function networkGrad(shown, neuron) {
  const name = neuron.genericOf?.[shown] ?? shown;
  const match = /^w(\d+)$/.exec(name);
  if (match) return neuron.network.grad_weights[Number(match[1])] ?? null;
  return name === "b" ? neuron.network.grad_bias : null;
}

/** "0.8808 → 0.8825 (+0.0018)" after a nudge, or a hint before one. */
export function renderNudge(node, trace) {
  if (trace.nudged_output === null || trace.nudged_output === undefined) {
    node.textContent = t("circuit.nudge_hint");
    return false;
  }
  const change = trace.nudged_output - trace.output;
  node.replaceChildren();
  const strong = document.createElement("strong");
  strong.id = "circuit-nudged-output";
  strong.textContent = fmt(trace.nudged_output, 6);
  node.append(`${t("circuit.output")} ${fmt(trace.output, 6)} → `, strong,
    ` (${change >= 0 ? "+" : ""}${fmt(change, 6)}) ` + t(trace.direction === "up" ? "circuit.nudged_along"
      : "circuit.nudged_against", { step: localNumber(trace.step_size) }));
  return true;
}

/** The server's sentence on how to read a neuron's circuit, in the page's language. */
function neuronNote(neuron) {
  if (!neuron.note) return "";
  return neuron.note.includes("ends at z") ? t("circuit.note_z", { activation: neuron.activation })
    : t("circuit.note_a");
}

/** The heading of a network neuron's circuit: where it comes from and how to read it. */
export function renderNeuron(node, neuron) {
  node.hidden = !neuron;
  if (!neuron) return;
  node.replaceChildren();
  const title = document.createElement("strong");
  const names = neuron.names;
  title.textContent = names
    ? t("circuit.neuron_named", { neuron: names.neuron, activation: neuron.activation, sample: neuron.sample + 1 })
    : t("circuit.neuron_numbered", { index: neuron.index + 1, layer: neuron.layer, activation: neuron.activation,
      sample: neuron.sample + 1 });
  const back = document.createElement("a");
  const from = document.referrer && new URL(document.referrer);
  back.href = from && from.origin === location.origin && from.pathname === "/" ? from.href : withLang("/");
  back.textContent = t("circuit.back");
  node.append(title, `${neuronNote(neuron)} ${t("circuit.network_says", { z: fmt(neuron.network.z),
    a: fmt(neuron.network.a), grad: fmt(neuron.network.grad_z) })} `, back);
}
