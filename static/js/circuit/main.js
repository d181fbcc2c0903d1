// Entry point of /circuits: the only glue between the form, the API and the drawing.
// ?network=<id>&layer=<l>&index=<i>[&sample=<s>] opens a network neuron's circuit.

import { fetchNeuronCircuit, fetchPresets, traceCircuit } from "./api.js";
import { playBackward, playForward } from "./animate.js";
import { fmt } from "./format.js";
import { localNumber } from "../format.js";
import { t, tn, withLang } from "../i18n.js";
import { layoutCircuit } from "./layout.js";
import { renderCheck, renderInputs, renderNeuron, renderNudge, variableNames } from "./panels.js";
import { createCircuitView } from "./render.js";
import { namesFor, renameTrace } from "./names.js";

const MAX_VALUE = 1e9;
const MAX_NAME = 32;

const $ = (id) => document.getElementById(id);
const view = createCircuitView($("circuit-svg"));
const state = { presets: [], values: {}, trace: null, neuron: null, request: null, animation: null };

/** Very long words (a 1000-character name) are shortened so the message stays readable. */
const shorten = (text) => text.replace(/\S{41,}/g, (w) => `${w.slice(0, 24)}\u2026${w.slice(-8)} ${t("circuit.characters", { n: w.length })}`);

function showError(message) {
  const box = $("circuit-error");
  box.hidden = !message;
  box.textContent = message ? t("circuit.cannot_trace", { message: shorten(message) }) : "";
  $("circuit-expression").classList.toggle("invalid", Boolean(message));
  // What is still drawn belongs to the last circuit that worked: fade it.
  document.querySelector(".circuit-page").classList.toggle("stale", Boolean(message));
}

function setStatus(text) { $("circuit-status").textContent = text; }


function stopAnimation() {
  state.animation?.abort();
  state.animation = null;
}

/** Draw a fresh trace everywhere on the page. */
function show(trace, neuron = null) {
  stopAnimation();
  state.trace = trace;
  state.values = Object.fromEntries(Object.entries(trace.inputs).map(([k, v]) => [k, v.value]));
  $("circuit-expression").value = trace.expression;
  $("circuit-decompose").checked = trace.decomposed;
  view.redraw(trace, layoutCircuit(trace));
  $("circuit-output").textContent = fmt(trace.output);
  renderInputs($("circuit-inputs"), trace, onValueEdit);
  renderCheck($("circuit-check"), trace, neuron);
  $("circuit-apply-nudge").hidden = !renderNudge($("circuit-nudge-result"), trace);
  renderNeuron($("circuit-neuron"), neuron);
  $("circuit-h").textContent = localNumber(trace.h);
  showError("");
  setStatus(`${tn("circuit.gates", trace.gates.length)}, ${tn("circuit.wires", trace.wires.length)}`);
}

/** Ask the server (free expression or network neuron) and show the answer or the error. */
async function run({ stepSize = null } = {}) {
  state.request?.abort();
  const controller = new AbortController();
  state.request = controller;
  const decompose = $("circuit-decompose").checked;
  const direction = $("circuit-direction").value;
  try {
    let trace;
    if (state.neuron) {
      const { network, layer, index, sample } = state.neuron;
      trace = await fetchNeuronCircuit(network, layer, index,
        { sample, decompose, step_size: stepSize, direction }, controller.signal);
      state.neuron.names ??= await namesFor(state.neuron);
      trace = renameTrace(trace, state.neuron.names);
    } else {
      const expression = $("circuit-expression").value.trim();
      const names = variableNames(expression);
      const problem = checkExpression(expression, names);
      if (problem) { showError(problem); return; }
      const values = Object.fromEntries(names.map((n) => [n, state.values[n] ?? 1]));
      const body = { expression, values, decompose, direction };
      if (stepSize !== null) body.step_size = stepSize;
      trace = await traceCircuit(body, controller.signal);
    }
    show(trace, state.neuron ? trace : null);
    if (!state.neuron) rememberInUrl();
  } catch (err) {
    if (err.name !== "AbortError") showError(err.message);
  }
}

/** Routine mistakes found before asking the server (so they never become a refused request). */
function checkExpression(expression, names) {
  if (!expression) return t("circuit.type_expression");
  const long = names.find((n) => n.length > MAX_NAME);
  if (long) return t("circuit.name_too_long", { name: long, max: MAX_NAME });
  return null;
}

/** The free circuit (preset, expression, values, decompose) lives in the URL, for a link. */
function rememberInUrl() {
  const query = new URLSearchParams();
  const preset = $("circuit-preset").value;
  if (preset) query.set("preset", preset);
  query.set("expression", state.trace.expression);
  for (const [name, value] of Object.entries(state.values)) query.set(`v.${name}`, String(value));
  if ($("circuit-decompose").checked) query.set("decompose", "1");
  history.replaceState(null, "", withLang(`/circuits?${query}`));
}

function onValueEdit(name, value) {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_VALUE) {
    showError(t("circuit.bad_value", { name, got: shorten(String(value)) }));
    return;
  }
  state.values[name] = value;
  if (state.neuron) leaveNeuron(t("circuit.edited_value"));
  run();
}

/** Stop following the network neuron (after the user edits the circuit). */
function leaveNeuron(message) {
  if (!state.neuron) return;
  state.neuron = null;
  setStatus(message);
  history.replaceState(null, "", withLang("/circuits"));
}

function choosePreset(id) {
  const preset = state.presets.find((p) => p.id === id);
  $("circuit-preset-source").textContent = preset ? t(`circuit_preset.${preset.id}.source`, {}, preset.source) : "";
  if (!preset) return;
  leaveNeuron("");
  $("circuit-expression").value = preset.expression;
  $("circuit-decompose").checked = preset.decompose;
  if (preset.step_size !== null) $("circuit-step").value = String(preset.step_size);
  state.values = { ...preset.values };
  run();
}

async function animate(which) {
  if (!state.trace) return;
  stopAnimation();
  const controller = new AbortController();
  state.animation = controller;
  const options = { beat: Number($("circuit-speed").value), signal: controller.signal, onBeat: setStatus };
  try {
    if (which !== "backward") await playForward(view, state.trace, options);
    if (which !== "forward") await playBackward(view, state.trace, options);
    setStatus(t("circuit.done"));
  } catch (err) {
    if (err.name !== "AbortError") throw err;
  }
}

function showAll() {
  stopAnimation();
  view.highlightGate(null);
  view.showValues(null);
  view.showGrads(null);
  setStatus("");
}

function wire() {
  $("circuit-inputs").addEventListener("submit", (event) => event.preventDefault());
  $("circuit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    // Trace on a network's neuron traces that neuron again (decomposed or not); only an edited
    // expression makes it a free circuit, and the status line says so.
    if (state.neuron && $("circuit-expression").value.trim() === state.trace?.expression) {
      run();
      return;
    }
    leaveNeuron(t("circuit.edited_expression"));
    $("circuit-preset").value = "";
    $("circuit-preset-source").textContent = "";
    run();
  });
  $("circuit-preset").addEventListener("change", (e) => choosePreset(e.target.value));
  $("circuit-decompose").addEventListener("change", () => run());
  $("circuit-nudge").addEventListener("click", () => {
    const step = Number($("circuit-step").value);
    if (Number.isFinite(step) && step >= 0) run({ stepSize: step });
    else showError(t("circuit.bad_step"));
  });
  $("circuit-apply-nudge").addEventListener("click", () => {
    if (!state.trace?.nudged_values) return;
    leaveNeuron(t("circuit.nudge_kept"));
    state.values = { ...state.trace.nudged_values };
    run();
  });
  $("circuit-play-forward").addEventListener("click", () => animate("forward"));
  $("circuit-play-backward").addEventListener("click", () => animate("backward"));
  $("circuit-play-both").addEventListener("click", () => animate("both"));
  $("circuit-show-all").addEventListener("click", showAll);
}

/** P toggles presenter mode (large type for a projector), as on the network page. */
function bindPresenterKey() {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.toLowerCase() !== "p") return;
    if (event.target.closest?.("input, select, textarea, [contenteditable]")) return;
    event.preventDefault();
    document.body.classList.toggle("presenter");
    window.dispatchEvent(new Event("resize"));
  });
}

async function start() {
  wire();
  bindPresenterKey();
  const query = new URLSearchParams(location.search);
  if (query.has("network")) {
    state.neuron = { network: query.get("network"), layer: query.get("layer") ?? "1",
      index: query.get("index") ?? "0", sample: query.get("sample") ?? undefined };
  }
  try {
    state.presets = await fetchPresets();
  } catch (err) {
    showError(err.message);
  }
  for (const preset of state.presets) {
    $("circuit-preset").append(new Option(t(`circuit_preset.${preset.id}.title`, {}, preset.title), preset.id));
  }
  if (state.neuron) {
    run();
    return;
  }
  const wanted = query.get("preset") ?? (query.has("expression") ? "" : "one-neuron");
  $("circuit-preset").value = wanted;
  if (!query.has("expression")) {
    choosePreset(wanted);
    return;
  }
  $("circuit-expression").value = query.get("expression");
  $("circuit-decompose").checked = query.get("decompose") === "1";
  for (const [key, text] of query) if (key.startsWith("v.")) state.values[key.slice(2)] = Number(text);
  run();
}

start();
