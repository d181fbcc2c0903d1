// Entry point: find the page's elements, read the setup from the URL, open the network.

import * as api from "./api.js";
import { esc } from "./format.js";
import { bindControls } from "./controls.js";
import { checkSetup, loadLimits } from "./limits.js";
import { readHash, recalledSession, toHash, withFallbacks, writeHash } from "./state.js";
import { Session } from "./session.js";
import { createView } from "./view.js";

const $ = (id) => document.getElementById(id);

function findElements() {
  const ids = ["network", "layer-heads", "explain-panel", "tooltip", "loss-chart", "boundary",
    "boundary-panel", "data-panel", "data-table", "narration", "message", "step-count",
    "btn-play", "train-progress", "train-status", "help", "shortcuts", "speed", "speed-out",
    "slow", "btn-presenter", "preset", "preset-description", "dataset", "noise", "noise-out",
    "samples", "csv", "loss", "learning-rate", "regularization", "regularization-rate",
    "batch-size", "epochs", "add-layer", "remove-layer", "pulses", "loss-log"];
  const dom = { root: document.body };
  for (const id of ids) dom[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = $(id);
  Object.assign(dom, { svg: dom.network, heads: dom.layerHeads, panel: dom.explainPanel,
    table: dom.dataTable, play: dom.btnPlay, progress: dom.trainProgress,
    presenter: dom.btnPresenter });
  return dom;
}

/** Show the setup and the network's actual spec in the form fields. */
function syncForm(app, state) {
  const { dom, setup } = app;
  dom.preset.value = setup.preset;
  const preset = app.presets.find((p) => p.name === setup.preset);
  dom.presetDescription.textContent = preset ? `${preset.title}: ${preset.description}` : "";
  dom.presetDescription.title = preset ? `${preset.description}\n\nSource: ${preset.source}` : "";
  showDataSource(app, state);
  dom.noise.value = setup.noise ?? 0;
  dom.noiseOut.textContent = dom.noise.value;
  dom.samples.value = setup.samples ?? "";
  dom.loss.value = state.spec?.loss || "";
  dom.learningRate.value = state.learning_rate;
  dom.regularization.value = state.spec?.regularization || "none";
  dom.regularizationRate.value = state.spec?.regularization_rate ?? 0;
  dom.batchSize.value = setup.batchSize ?? "";
  dom.epochs.value = setup.epochs;
  dom.speed.value = setup.speed;
  dom.speedOut.textContent = `${setup.speed}\u00d7`;
  dom.slow.checked = setup.slow;
  document.body.classList.toggle("presenter", setup.presenter);
  dom.presenter.setAttribute("aria-pressed", String(setup.presenter));
}

/** The Dataset menu names what the network really trains on, an uploaded file included. */
function showDataSource(app, state) {
  const { dom, setup } = app;
  dom.dataset.querySelector("option[data-upload]")?.remove();
  if (!setup.datasetId) {
    dom.dataset.value = setup.dataset || "";
    return;
  }
  const option = new Option(`${state.dataset?.name || "your CSV"} (uploaded)`, `upload:${setup.datasetId}`);
  option.dataset.upload = "true";
  dom.dataset.append(option);
  dom.dataset.value = option.value;
}

/** A menu label that fits the setup column; the full title is the option's tooltip. */
function shortTitle(title) {
  const text = title.replace("Backpropagation", "Backprop");
  return text.length <= 30 ? text : `${text.slice(0, 28).replace(/\s+\S*$/, "")}\u2026`;
}

async function fillChoices(app) {
  const [presets, datasets] = await Promise.all([api.presets(), api.datasets()]);
  app.presets = presets;
  app.session.presets = presets;
  app.datasets = datasets;
  app.dom.preset.innerHTML = presets.map((p) =>
    `<option value="${esc(p.name)}" title="${esc(p.title || p.name)}">${esc(shortTitle(p.title || p.name))}</option>`).join("");
  app.dom.dataset.innerHTML = `<option value="">the preset's own data</option>` +
    datasets.map((d) => `<option value="${d.name}" title="${d.description}">${d.title}</option>`)
      .join("");
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
function vetted(app, wanted, fromUrl) {
  const { problems, setup } = checkSetup(withFallbacks(wanted));
  let next = setup;
  if (app.presets.length && !app.presets.some((p) => p.name === next.preset)) {
    problems.push(`there is no preset \u201c${next.preset}\u201d, so here is the 2-2-1 example`);
    next = withFallbacks({ ...prefsOf(next), preset: DEFAULT_PRESET });
  }
  const own = app.presets.find((p) => p.name === next.preset);
  if (next.layers?.length && !next.activations?.length && own && own.layers.length !== next.layers.length) {
    next.activations = activationsFor(own, next.layers.length);
  }
  if (fromUrl && !next.net) next.net = recalledSession(next);
  return { next, problems };
}

/** The first network could not be built: say why and show the 2-2-1 example instead. */
function fallBack(app, reason) {
  const setup = withFallbacks({ ...prefsOf(app.setup), preset: DEFAULT_PRESET });
  writeHash(setup);
  app.reopen(setup, { fromUrl: true, notice: `${reason} Showing the 2-2-1 example instead.` });
}

async function main() {
  const dom = findElements();
  const setup = readHash();
  const prefs = { speed: setup.speed, slow: setup.slow, presenter: setup.presenter };
  const view = createView(dom, prefs);
  const session = new Session(view);
  const app = { dom, view, session, prefs, setup, presets: [], datasets: [] };

  /** Resize the input and output layers to a built-in dataset's columns (from /api/datasets). */
  app.fitLayers = (name) => {
    const layers = view.model?.layers.slice();
    const entry = app.datasets.find((d) => d.name === name);
    const own = app.presets.find((p) => p.name === app.setup.preset)?.layers;
    const [inputs, targets] = entry ? [entry.input_names.length, entry.target_names.length]
      : own ? [own[0], own.at(-1)] : [];
    if (!layers || !inputs) return app.setup.layers ?? null;
    layers[0] = inputs;
    layers[layers.length - 1] = targets;
    return layers;
  };

  /** Put the form back to the network's actual spec (after a refused change). */
  app.restoreForm = () => {
    if (session.state) syncForm(app, session.state);
    view.refreshHeads();
  };

  /** Build (or reopen) the network for a setup; a bad one falls back with a message. */
  app.reopen = (wanted, options = {}) => {
    const { next, problems } = vetted(app, wanted, options.fromUrl);
    const previous = app.setup;
    app.setup = next;
    Object.assign(prefs, { speed: next.speed, slow: next.slow, presenter: next.presenter });
    writeHash(next, !options.fromUrl);
    return session.enqueue(async () => {
      let state;
      try {
        state = await session.open(next);
      } catch (err) {
        if (!session.state) return fallBack(app, err.message);
        app.setup = previous;
        writeHash(previous);
        syncForm(app, session.state);
        view.refreshHeads();
        throw err;
      }
      app.setup.net = state.id;
      writeHash(app.setup);
      syncForm(app, state);
      document.body.dataset.ready = "true";
      view.narrate("Press <kbd>F</kbd> for a forward pass, or <kbd>S</kbd> for a full step.");
      const notes = [options.notice, problems.length ? `Not used from the link: ${problems.join("; ")}.` : ""];
      if (notes.some(Boolean)) view.error(notes.filter(Boolean).join(" "));
    });
  };

  /** Address bar edits, Back and Forward: rebuild the setup the URL now describes. */
  window.addEventListener("hashchange", () => {
    if ((location.hash || "#") === toHash(app.setup)) return;
    app.reopen(readHash(), { fromUrl: true });
  });

  bindControls(app);
  // The limits come first (a small GET) so a link beyond this server's limits is explained
  // on the page rather than refused by the server.
  const limitsLoaded = loadLimits();
  try {
    await fillChoices(app);
  } catch (err) {
    view.error(`Could not load the menus: ${err.message}`);
  }
  await limitsLoaded;
  await app.reopen(setup, { fromUrl: true });
}

main();
