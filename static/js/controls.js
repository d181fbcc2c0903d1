// The only glue from the DOM to the setup (URL), the session (API) and the view:
// toolbar buttons, the setup form, layer heads, the panel's editors, the data table.

import * as api from "./api.js";
import { esc, localNumber } from "./format.js";
import { t } from "./i18n.js";
import { readTable } from "./editors.js";
import { checkSetup, specProblem, valueProblem } from "./limits.js";
import { bindKeys } from "./keys.js";
import { change, writeHash } from "./state.js";
import { softmaxPatch } from "./multiclass.js";
import { store } from "./store.js";

const setupOf = () => store.state.setup;
/** A problem ("the batch size must be …") as a sentence: capital first letter, full stop. */
const sentence = (text) => `${text.charAt(0).toLocaleUpperCase()}${text.slice(1)}.`;

/** Wire everything; `app` = {dom, view, session, store, reopen(setup), restoreForm(), fitLayers(name)}. */
export function bindControls(app) {
  bindToolbar(app);
  bindSetupForm(app);
  bindHeads(app);
  bindPanel(app);
  bindTable(app);
  bindKeys(app, actions(app));
  // The wrap, not the SVG: the SVG has the px size view.js gives it.
  new ResizeObserver(() => app.view.resize({ moved: true })).observe(app.dom.svg.parentElement);
  app.dom.svg.addEventListener("click", () => app.view.select(null));
  // After picking a value, give the keyboard back to the shortcuts (F, B, U …).
  document.addEventListener("change", (event) => {
    if (event.target.matches("select, input:not([data-kind]):not([type=file])")) event.target.blur();
  });
}

/** The actions shared by buttons and keyboard shortcuts. */
export function actions(app) {
  const { session, dom } = app;
  return {
    forward: () => session.phase("forward"),
    backward: () => session.phase("backward"),
    update: () => session.phase("update"),
    step: () => session.fullStep(),
    play: () => session.togglePlay(),
    reset: () => session.reset(),
    train: () => train(app),
    slow: () => { dom.slow.checked = !dom.slow.checked; dom.slow.dispatchEvent(new Event("change")); },
    presenter: () => setPresenter(app, !setupOf().presenter),
    faster: () => setSpeed(app, setupOf().speed * 2),
    slower: () => setSpeed(app, setupOf().speed / 2),
    help: () => { dom.help.hidden = !dom.help.hidden; },
    setup: () => openSetup(app, !document.body.classList.contains("setup-open")),
    escape: () => { dom.help.hidden = true; openSetup(app, false); app.view.select(null); },
  };
}

function bindToolbar(app) {
  const { dom } = app;
  const act = actions(app);
  for (const [name, fn] of Object.entries(act)) {
    dom.root.querySelectorAll(`[data-act=${name}]`).forEach((el) => el.addEventListener("click", fn));
  }
  dom.lossLog.addEventListener("change", () => app.view.setLossLog(dom.lossLog.checked));
  dom.speed.addEventListener("input", () => setSpeed(app, Number(dom.speed.value)));
  dom.slow.addEventListener("change", () => remember({ slow: dom.slow.checked }));
  dom.help.addEventListener("click", (event) => { if (event.target === dom.help) dom.help.hidden = true; });
}

function setSpeed(app, value) {
  const speed = Math.min(4, Math.max(0.25, value));
  app.dom.speed.value = speed;
  app.dom.speedOut.textContent = `${localNumber(speed)}\u00d7`;
  remember({ speed });
}

/** The setup drawer (presenter mode, small screens): open or close it, focus inside it. */
function openSetup(app, open) {
  document.body.classList.toggle("setup-open", open);
  app.dom.btnSetup.setAttribute("aria-expanded", String(open));
  if (open) app.dom.preset.focus();
}

function setPresenter(app, on) {
  remember({ presenter: on });  // main.js's subscriber sets the page's class
  requestAnimationFrame(() => app.view.resize());
}

/** View-only preferences go to the store and the URL without making a new network. */
function remember(patch) {
  store.updateSetup(patch);
  writeHash(store.state.setup);
}

/** A change to the network's spec: new setup, new network from the API (checked first). */
export function respec(app, patch) {
  const next = change(setupOf(), patch);
  const { problems } = checkSetup(next);
  const model = app.view.model;
  const pairing = model && specProblem(next.activations?.length ? next.activations : model.activations,
    next.loss || model.loss, (next.layers?.length ? next.layers : model.layers).at(-1));
  if (pairing && ("activations" in patch || "loss" in patch)) problems.push(pairing);
  if (problems.length) {
    app.view.error(sentence(problems.join("; ")));
    app.restoreForm();
    return;
  }
  app.reopen(next);
}

/** Layers as a setup patch: none when they are the preset's own (keeps its exact weights). */
function layersValue(app, layers) {
  const own = store.state.presets.find((p) => p.name === setupOf().preset)?.layers;
  return own && own.join() === layers.join() ? null : layers;
}


/**
 * A regression dataset under a probability loss (bce, cross-entropy), which the server refuses:
 * switch to mean squared error and a linear output, what such targets need.
 */
function lossForData(app, name) {
  const entry = store.state.datasets.find((d) => d.name === name);
  if (entry?.task === "multiclass") return softmaxPatch(app.view.model);
  const { loss, activations } = app.view.model;
  if (entry?.task !== "regression" || !["bce", "cross_entropy"].includes(loss)) return {};
  return { loss: "mse", activations: [...activations.slice(0, -1), "linear"] };
}

/**
 * A regularization choice as a setup patch: "none" also drops the rate, which the server
 * refuses above 0 without L1 or L2 (otherwise a rate once set would lock the choice in).
 */
function regularizationPatch(kind) {
  return kind === "none" ? { regularization: "none", regularizationRate: null } : { regularization: kind };
}

function bindSetupForm(app) {
  const { dom } = app;
  dom.preset.addEventListener("change", () => {
    const { speed, slow, presenter, epochs, batchSize } = setupOf();
    const keep = { speed, slow, presenter, epochs, batchSize };
    app.reopen({ ...keep, preset: dom.preset.value });
  });
  dom.dataset.addEventListener("change", () => {
    if (dom.dataset.value.startsWith("upload:")) return;
    const layers = app.fitLayers(dom.dataset.value);
    const patch = { dataset: dom.dataset.value || null, datasetId: null, classes: null, features: null,
      ...lossForData(app, dom.dataset.value) };
    if (!layers || layers.join() === app.view.model.layers.join()) respec(app, patch);
    else respec(app, { ...patch, layers: layersValue(app, layers) });
  });
  dom.noise.addEventListener("change", () => respec(app, { noise: Number(dom.noise.value) }));
  dom.noise.addEventListener("input", () => { dom.noiseOut.textContent = localNumber(dom.noise.value); });
  dom.samples.addEventListener("change", () =>
    respec(app, { samples: dom.samples.value ? Number(dom.samples.value) : null }));
  dom.loss.addEventListener("change", () => respec(app, { loss: dom.loss.value }));
  dom.regularization.addEventListener("change", () => respec(app, regularizationPatch(dom.regularization.value)));
  dom.regularizationRate.addEventListener("change", () => {
    const rate = Number(dom.regularizationRate.value);
    if (rate > 0 && (store.state.network?.spec?.regularization ?? "none") === "none") {
      app.view.error(t("error.regularization_first", { none: t("setup.regularization_none") }));
      app.restoreForm();
      return;
    }
    respec(app, { regularizationRate: rate });
  });
  dom.learningRate.addEventListener("change", () => {
    const value = Number(dom.learningRate.value);
    const { problems } = checkSetup({ learningRate: value });
    if (dom.learningRate.value.trim() === "" || problems.length) {
      app.view.error(problems[0] ? sentence(problems[0]) : t("error.type_learning_rate"));
      dom.learningRate.value = store.state.network?.learning_rate ?? "";
      return;
    }
    // The answer replaces the store's network; the form shows its rate (main.js subscribes).
    app.session.setLearningRate(value).then(() => {
      if (store.state.network?.learning_rate === value) remember({ learningRate: value });
      app.restoreForm();  // a refused rate: the field shows the one the server kept
    });
  });
  dom.batchSize.addEventListener("change", () => {
    const batchSize = dom.batchSize.value ? Number(dom.batchSize.value) : undefined;
    const { problems } = checkSetup({ batchSize });
    if (problems.length) {
      app.view.error(sentence(problems[0]));
      dom.batchSize.value = setupOf().batchSize ?? "";  // the box shows what Train will use
    } else { app.view.clearError(); remember({ batchSize: batchSize ?? null }); }
  });
  dom.epochs.addEventListener("change", () => {
    const epochs = Number(dom.epochs.value);
    const { problems } = checkSetup({ epochs: dom.epochs.value.trim() === "" ? NaN : epochs });
    if (problems.length) {  // never into the URL, where a reload would refuse it again
      app.view.error(sentence(problems[0]));
      dom.epochs.value = setupOf().epochs;
    } else { app.view.clearError(); remember({ epochs }); }
  });
  dom.csv.addEventListener("change", () => upload(app));
}

async function upload(app) {
  const file = app.dom.csv.files[0];
  if (!file) return;
  // The narration says what is happening now: never an earlier upload's success.
  app.view.narrate(t("narrate.uploading", { file: esc(file.name) }));
  const failed = () => app.view.narrate(t("narrate.upload_unused", { file: esc(file.name) }));
  try {
    const classColumn = app.dom.root.querySelector("#csv-class").value.trim();
    const data = await api.uploadDataset(file, { class_column: classColumn,
      target_columns: app.dom.root.querySelector("#csv-targets").value.trim() });
    const hidden = app.view.model.layers.slice(1, -1);
    const layers = [data.input_names.length, ...hidden, data.target_names.length];
    // A class column's one-hot targets want softmax and cross-entropy (multiclass.js).
    const pairing = classColumn ? softmaxPatch(app.view.model) : { activations: null };
    const next = change(setupOf(), { datasetId: data.id, dataset: null, classes: null, layers,
      ...pairing });
    const { problems } = checkSetup(next);
    if (problems.length) {
      app.view.error(t("error.csv_unusable", { file: file.name, problems: problems.join("; "),
        inputs: data.input_names.length, targets: data.target_names.length }));
      failed();
      return;
    }
    await app.reopen(next);
    if (setupOf().datasetId === data.id) {
      app.view.narrate(t("narrate.uploaded", { n: data.samples, file: esc(file.name) }));
    } else failed();
  } catch (err) {
    failed();
    app.view.error(t("error.upload_failed", { file: file.name, message: err.message }));
  } finally {
    app.dom.csv.value = "";
  }
}

function train(app) {
  const epochs = Number(app.dom.epochs.value);
  const { problems } = checkSetup({ epochs });
  if (problems.length) {
    app.view.error(sentence(problems[0]));
    return;
  }
  app.session.train(epochs, setupOf().batchSize);
}

function bindHeads(app) {
  const { dom } = app;
  dom.heads.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action=neurons]");
    if (!button) return;
    const layers = app.view.model.layers.slice();
    const l = Number(button.dataset.layer);
    layers[l] = Math.min(store.state.limits.neurons, Math.max(1, layers[l] + Number(button.dataset.delta)));
    respec(app, { layers: layersValue(app, layers) });
  });
  dom.heads.addEventListener("change", (event) => {
    const select = event.target.closest("[data-action=activation]");
    if (!select) return;
    const activations = app.view.model.activations.slice();
    activations[Number(select.dataset.layer) - 1] = select.value;
    respec(app, { activations });
  });
  dom.addLayer.addEventListener("click", () => changeDepth(app, 1));
  dom.removeLayer.addEventListener("click", () => changeDepth(app, -1));
}

function changeDepth(app, delta) {
  const { layers, activations } = app.view.model;
  const hidden = layers.length - 2;
  if (delta > 0 && layers.length >= store.state.limits.layers) return;
  if (delta < 0 && hidden <= 0) return;
  const nextLayers = layers.slice();
  const nextActs = activations.slice();
  if (delta > 0) {
    nextLayers.splice(-1, 0, layers[layers.length - 2] || 2);
    nextActs.splice(-1, 0, activations.at(-2) || "tanh");
  } else {
    nextLayers.splice(-2, 1);
    nextActs.splice(-2, 1);
  }
  respec(app, { layers: layersValue(app, nextLayers), activations: nextActs });
}

function bindPanel(app) {
  app.dom.panel.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-edit]");
    if (!form) return;
    event.preventDefault();
    const text = form.elements.value.value.trim();
    const value = text === "" ? NaN : Number(text);
    const problem = valueProblem(value);
    if (problem) {
      app.view.error(problem);
      return;
    }
    const { model } = app.view;
    const id = form.dataset.id;
    if (form.dataset.edit === "weight") app.session.editWeight(model.edges.get(id), value);
    else app.session.editBias(model.nodes.get(id), value);
  });
}

function bindTable(app) {
  app.dom.table.addEventListener("change", (event) => {
    if (!event.target.matches("input[data-kind]")) return;
    const { inputs, targets } = readTable(app.dom.table);
    const bad = [...inputs, ...targets].flat().map(valueProblem).find(Boolean);
    if (!event.target.checkValidity() || event.target.value.trim() === "" || bad) {
      app.view.error(`${t("error.cell_number")} ${bad || ""}`.trim());
      return;
    }
    app.session.editData(inputs, targets);
  });
}
