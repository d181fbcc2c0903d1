// Entry point: find the page's elements, read the setup from the URL, open the network.

import { t } from "./i18n.js";
import * as api from "./api.js";
import { esc, localNumber } from "./format.js";
import { bindCodeExport } from "./codeexport.js";
import { bindControls, respec } from "./controls.js";
import { bindShare, startFollowing } from "./follow.js";
import { bindPlayground } from "./playground.js";
import { bindMatrix } from "./matrix.js";
import { bindClasses, syncClasses } from "./multiclass.js";
import { bindOptimizer, syncOptimizer } from "./optimizer.js";
import { bindSaveOpen } from "./savefile.js";
import { checkSetup, loadLimits } from "./limits.js";
import { readHash, recalledSession, toHash, withFallbacks, writeHash } from "./state.js";
import { Session } from "./session.js";
import { store } from "./store.js";
import { createView } from "./view.js";

const $ = (id) => document.getElementById(id);

function findElements() {
  const ids = ["network", "layer-heads", "explain-panel", "tooltip", "loss-chart", "boundary",
    "boundary-panel", "data-panel", "data-table", "narration", "message", "step-count",
    "btn-play", "train-progress", "train-status", "help", "shortcuts", "speed", "speed-out",
    "slow", "btn-presenter", "preset", "preset-description", "dataset", "noise", "noise-out",
    "samples", "csv", "loss", "learning-rate", "regularization", "regularization-rate",
    "batch-size", "epochs", "add-layer", "remove-layer", "pulses", "loss-log", "btn-setup",
    "boundary-legend"];
  const dom = { root: document.body };
  for (const id of ids) dom[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = $(id);
  Object.assign(dom, { svg: dom.network, heads: dom.layerHeads, panel: dom.explainPanel,
    table: dom.dataTable, play: dom.btnPlay, progress: dom.trainProgress,
    presenter: dom.btnPresenter });
  return dom;
}

/**
 * Show the store in the form fields: the setup's own fields, and the network's actual spec
 * as the server last answered it (never a value typed or asked for).
 */
function syncForm(dom, { setup, network: state, presets }) {
  if (!state) return;
  dom.preset.value = setup.preset;
  const preset = presets.find((p) => p.name === setup.preset);
  dom.presetDescription.textContent = describeNetwork(preset, state);
  const description = preset && presetText(preset, "description");
  const source = preset && presetText(preset, "source");
  dom.presetDescription.title = preset ? `${description}\n\n${t("setup.source", { source })}` : "";
  showDataSource(dom, setup, state);
  dom.noise.value = setup.noise ?? 0;
  dom.noiseOut.textContent = localNumber(dom.noise.value);
  dom.samples.value = setup.samples ?? "";
  dom.loss.value = state.spec?.loss || "";
  dom.learningRate.value = state.learning_rate;
  dom.regularization.value = state.spec?.regularization || "none";
  dom.regularizationRate.value = state.spec?.regularization_rate ?? 0;
  dom.batchSize.value = setup.batchSize ?? "";
  dom.epochs.value = setup.epochs;
  dom.speed.value = setup.speed;
  dom.speedOut.textContent = `${localNumber(setup.speed)}\u00d7`;
  dom.slow.checked = setup.slow;
  showPresenter(dom, setup.presenter);
  syncOptimizer(state);
  syncClasses(state);
}

/**
 * The preset's own description while the network is the preset's; once its layers or data
 * differ, what the network now is, and which preset it started from (not a stale title).
 */
export function describeNetwork(preset, state) {
  if (!preset) return "";
  const layers = state.layers || state.spec?.layers || [];
  const data = state.dataset?.name;
  const title = presetText(preset, "title");
  // A built-in dataset by its title in the page's language (an upload by its own name).
  const dataTitle = data && t(`dataset.${data}.title`, {}, data);
  const own = layers.join() === preset.layers.join() && (!data || data === preset.dataset);
  if (own) return t("setup.preset_line", { title, description: presetText(preset, "description") });
  const shape = layers.join("-");
  if (!data || data === preset.dataset) return t("setup.your_network", { layers: shape, title });
  return t("setup.your_network_on", { layers: shape, data: dataTitle, title });
}

/** Small screens (one column) and presenter mode keep the setup in a drawer. */
const NARROW = window.matchMedia("(max-width: 1024px)");

function showPresenter(dom, on) {
  document.body.classList.toggle("presenter", Boolean(on));
  document.body.classList.toggle("setup-drawer", Boolean(on) || NARROW.matches);
  dom.presenter.setAttribute("aria-pressed", String(Boolean(on)));
}

/** The Dataset menu names what the network really trains on, an uploaded file included. */
function showDataSource(dom, setup, state) {
  dom.dataset.querySelector("option[data-upload]")?.remove();
  if (!setup.datasetId) {
    dom.dataset.value = setup.dataset || "";
    return;
  }
  const option = new Option(t("setup.uploaded", { name: state.dataset?.name || t("setup.your_csv") }), `upload:${setup.datasetId}`);
  option.dataset.upload = "true";
  dom.dataset.append(option);
  dom.dataset.value = option.value;
}

/** A preset's or dataset's title or description in the page's language (the API's English otherwise). */
const presetText = (preset, field) => t(`preset.${preset.name}.${field}`, {}, preset[field]);
const datasetText = (dataset, field) => t(`dataset.${dataset.name}.${field}`, {}, dataset[field]);

/** A menu label that fits the setup column; the full title is the option's tooltip. */
function shortTitle(title) {
  const text = title.replace("Backpropagation", "Backprop");
  return text.length <= 30 ? text : `${text.slice(0, 28).replace(/\s+\S*$/, "")}\u2026`;
}

async function fillChoices(app) {
  const [presets, datasets] = await Promise.all([api.presets(), api.datasets()]);
  store.update({ presets, datasets });
  app.dom.preset.innerHTML = presets.map((p) => {
    const title = presetText(p, "title") || p.name;
    return `<option value="${esc(p.name)}" title="${esc(title)}">${esc(shortTitle(title))}</option>`;
  }).join("");
  app.dom.dataset.innerHTML = `<option value="">${esc(t("setup.own_data"))}</option>` +
    datasets.map((d) => `<option value="${esc(d.name)}" title="${esc(datasetText(d, "description"))}">` +
      `${esc(datasetText(d, "title"))}</option>`).join("");
}

const DEFAULT_PRESET = "two-two-one";
const VIEW_PREFS = ["speed", "slow", "presenter", "epochs"];
const prefsOf = (setup) => Object.fromEntries(VIEW_PREFS.map((k) => [k, setup[k]]));

/**
 * A preset's activations (from GET /api/presets) stretched to another depth: its hidden
 * activation for every hidden layer, its own output activation (which suits its loss).
 */
function activationsFor(preset, depth) {
  const acts = preset.activations;
  const hidden = acts.length > 1 ? acts.at(-2) : acts[0];
  return [...Array(depth - 2).fill(hidden), acts.at(-1)];
}

/** The setup to open: limits checked, an unknown preset replaced by the default one. */
function vetted(wanted, fromUrl) {
  const { presets } = store.state;
  const { problems, setup } = checkSetup(withFallbacks(wanted));
  let next = setup;
  if (presets.length && !presets.some((p) => p.name === next.preset)) {
    problems.push(t("setup.no_preset", { preset: next.preset }));
    next = withFallbacks({ ...prefsOf(next), preset: DEFAULT_PRESET });
  }
  const own = presets.find((p) => p.name === next.preset);
  if (next.layers?.length && !next.activations?.length && own && own.layers.length !== next.layers.length) {
    next.activations = activationsFor(own, next.layers.length);
  }
  if (fromUrl && !next.net) next.net = recalledSession(next);
  return { next, problems };
}

/** The first network could not be built: say why and show the 2-2-1 example instead. */
function fallBack(app, reason) {
  const setup = withFallbacks({ ...prefsOf(store.state.setup), preset: DEFAULT_PRESET });
  writeHash(setup);
  app.reopen(setup, { fromUrl: true, notice: t("setup.fell_back", { reason }) });
}

/**
 * Resize the input and output layers to a built-in dataset's columns (from /api/datasets);
 * null when the network has no layers yet.
 */
function fitLayers(model, name) {
  const { datasets, presets, setup } = store.state;
  const layers = model?.layers.slice();
  const entry = datasets.find((d) => d.name === name);
  const own = presets.find((p) => p.name === setup.preset)?.layers;
  const classes = entry?.classes ? setup.classes ?? entry.classes : null;
  const [inputs, targets] = entry ? [entry.input_names.length, classes ?? entry.target_names.length]
    : own ? [own[0], own.at(-1)] : [];
  if (!layers || !inputs) return setup.layers ?? null;
  layers[0] = inputs;
  layers[layers.length - 1] = targets;
  return layers;
}

/** Build (or reopen) the network for a setup; a bad one falls back with a message. */
function reopen(app, wanted, options = {}) {
  const { session, view } = app;
  const { next, problems } = vetted(wanted, options.fromUrl);
  const previous = store.state.setup;
  store.update({ setup: next });
  writeHash(next, !options.fromUrl);
  return session.enqueue(async () => {
    let state;
    try {
      state = await session.open(next);
    } catch (err) {
      if (!store.state.network) return fallBack(app, err.message);
      store.update({ setup: previous });
      writeHash(previous);
      app.restoreForm();
      throw err;
    }
    store.updateSetup({ net: state.id });
    writeHash(store.state.setup);
    document.body.dataset.ready = "true";
    view.narrate(t("narrate.start"));
    const notes = [options.notice, problems.length ? t("setup.not_used", { problems: problems.join("; ") }) : ""];
    if (notes.some(Boolean)) view.error(notes.filter(Boolean).join(" "));
  });
}

async function main() {
  const dom = findElements();
  store.update({ setup: readHash() });
  const view = createView(dom, () => store.state.setup);
  const session = new Session(view);
  // The wiring (no state here: that is the store's).
  const app = { dom, view, session, store };
  app.fitLayers = (name) => fitLayers(view.model, name);
  /** Put the form back to the store (after a refused change). */
  app.restoreForm = () => {
    syncForm(dom, store.state);
    view.refreshHeads();
  };
  app.reopen = (wanted, options) => reopen(app, wanted, options);

  // The form shows the store: a new server answer or a new setup redraws it.
  store.subscribe((state, changed) => {
    if (changed.includes("network") || changed.includes("presets")) syncForm(dom, state);
    if (changed.includes("setup")) showPresenter(dom, state.setup.presenter);
    if (changed.includes("limits")) view.refreshHeads();
  });

  NARROW.addEventListener("change", () => showPresenter(dom, store.state.setup.presenter));
  showPresenter(dom, store.state.setup.presenter);

  /** Address bar edits, Back and Forward: rebuild the setup the URL now describes. */
  window.addEventListener("hashchange", () => {
    if (session.readOnly) return;
    if ((location.hash || "#") === toHash(store.state.setup)) return;
    app.reopen(readHash(), { fromUrl: true });
  });

  bindControls(app);
  bindOptimizer(app, respec);
  bindClasses(app, respec);
  bindCodeExport(app);
  bindMatrix(app);
  bindSaveOpen(app);
  // The limits come first (a small GET) so a link beyond this server's limits is explained
  // on the page rather than refused by the server.
  const limitsLoaded = loadLimits();
  try {
    await fillChoices(app);
  } catch (err) {
    view.error(t("error.menus", { message: err.message }));
  }
  await limitsLoaded;
  const follow = document.body.dataset.follow;
  if (follow !== undefined) {  // /join or /join/CODE: a student's page follows a room
    startFollowing(app, follow);
    return;
  }
  bindShare(app);
  bindPlayground(app);
  await app.reopen(store.state.setup, { fromUrl: true });
}

main();
