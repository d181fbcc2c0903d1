// Three of TF Playground's controls: "New data" draws the dataset again from a new seed (kept
// in the URL as `dataSeed`, so a link rebuilds the same points), "Test share" holds rows out
// of training (the loss chart then draws their loss dashed beside the training loss), and
// "Discretize" shows the decision boundary as two flat colours.

import { respec } from "./controls.js";
import { t } from "./i18n.js";
import { writeHash } from "./state.js";
import { store } from "./store.js";

/** A seed the server accepts (0 … 2³²−1) that differs from `previous`. */
export function nextSeed(previous, random = Math.random) {
  let seed;
  do seed = Math.floor(random() * 2 ** 32); while (seed === previous);
  return seed;
}

/** Each value of a 1-output map flattened to `lo` or `hi`, split halfway between them. */
export function discretize(values, lo, hi) {
  const cut = (lo + hi) / 2;
  return values.map((row) => row.map((v) => (v >= cut ? hi : lo)));
}

export function bindPlayground(app) {
  const regenerate = document.getElementById("regenerate");
  const flat = document.getElementById("discretize");
  regenerate?.addEventListener("click", () => {
    if (store.state.setup.datasetId) {
      app.view.error(t("error.no_seed"));
      return;
    }
    respec(app, { dataSeed: nextSeed(store.state.setup.dataSeed) });
  });
  const ratio = document.getElementById("test-ratio");
  ratio?.addEventListener("change", () => {
    if (store.state.setup.datasetId) {
      app.view.error(t("error.no_seed"));
      ratio.value = "";
      return;
    }
    respec(app, { testRatio: ratio.value ? Number(ratio.value) : null });
  });
  store.subscribe((state, changed) => {  // the menu shows the split the network really has
    if (!ratio || !changed.includes("network") || !state.network) return;
    const data = state.network.dataset;
    const share = data?.test_samples ? data.test_samples / (data.test_samples + data.samples) : 0;
    const options = [...ratio.options].map((o) => Number(o.value || 0));
    const nearest = options.reduce((a, b) => (Math.abs(b - share) < Math.abs(a - share) ? b : a));
    ratio.value = nearest ? String(nearest) : "";
  });
  bindFeatures(app);
  if (!flat) return;
  flat.checked = Boolean(store.state.setup.discretize);
  flat.addEventListener("change", () => {
    store.updateSetup({ discretize: flat.checked || null });
    writeHash(store.state.setup);
    app.view.repaintBoundary();
  });
}

/**
 * "Extra inputs": derived features after x1, x2 (a 2-input built-in dataset only). Ticking one
 * rebuilds the network with one more input neuron, drawn and named like the others (x1²…).
 */
function bindFeatures(app) {
  const box = document.getElementById("features");
  if (!box) return;
  const ticks = [...box.querySelectorAll("input[type=checkbox]")];
  box.addEventListener("change", () => {
    const chosen = ticks.filter((c) => c.checked).map((c) => c.value);
    const layers = [2 + chosen.length, ...app.view.model.layers.slice(1)];
    respec(app, { features: chosen.length ? chosen : null, layers });
  });
  store.subscribe((state, changed) => {
    if (!changed.includes("network") || !state.network) return;
    const data = state.network.dataset || {};
    const own = data.features || [];
    box.hidden = Boolean(state.setup.datasetId) ||
      (data.input_names?.length ?? 0) - own.length !== 2;
    for (const tick of ticks) tick.checked = own.includes(tick.value);
  });
}
