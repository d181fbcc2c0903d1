// Save, open and share a trained network: download its export (GET …/export) as a file, open
// such a file (POST /api/networks/import), and "Copy link" — the weights in the link for a
// small network, or the id of a snapshot (a copy made now, copied again by whoever opens it,
// expiring with the server's TTL) for a larger one.

import { request } from "./api.js";
import { change, encodeParameters, toHash } from "./state.js";
import { t } from "./i18n.js";
import { store } from "./store.js";

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
// Up to this many characters of weights in the link (about 100 parameters); beyond, a snapshot.
export const MAX_LINK_WEIGHTS = 2400;

const exportOf = (id) => request("GET", `/api/networks/${enc(id)}/export`);
const importDoc = (doc) => request("POST", "/api/networks/import", doc);

/** Open a shared snapshot: a copy of it, so nobody edits the one the link names. */
export async function openSnapshot(id) {
  return importDoc(await exportOf(id));
}

/** The setup that describes an opened network: its own spec, and where it came from. */
function setupFor(state) {
  const spec = state.spec;
  const keep = ["speed", "slow", "presenter", "epochs", "matrix", "rows"];
  const setup = Object.fromEntries(keep.map((k) => [k, store.state.setup[k]]));
  return { ...setup, preset: state.preset || store.state.setup.preset, layers: spec.layers,
    activations: spec.activations, loss: spec.loss, reduction: spec.reduction,
    learningRate: spec.learning_rate, optimizer: spec.optimizer, init: spec.init, seed: spec.seed,
    net: state.id };
}

function save(doc, name) {
  const blob = new Blob([JSON.stringify(doc)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The link for the network on screen: weights inline when small, else a snapshot's id. */
export async function shareLink(model, network) {
  const base = change(store.state.setup, { wb: null, from: null });
  delete base.net;
  const weights = [...Array(model.layers.length - 1).keys()].map((k) =>
    Array.from({ length: model.layers[k + 1] }, (_, t) => Array.from({ length: model.layers[k] },
      (_, s) => model.edges.get(`e-${k + 1}-${s}-${t}`).weight)));
  const biases = network.biases.map((b, k) => (b === null ? null : b.map((_, i) =>
    model.nodes.get(`n-${k + 1}-${i}`).bias)));
  const wb = encodeParameters(weights, biases);
  if (wb.length <= MAX_LINK_WEIGHTS) return `${location.origin}${location.pathname}${toHash({ ...base, wb })}`;
  const copy = await importDoc(await exportOf(network.id));
  return `${location.origin}${location.pathname}${toHash({ ...base, from: copy.id })}`;
}

async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
}

/** Wire Save, Open and Copy link. */
export function bindSaveOpen(app) {
  const status = $("share-status");
  const say = (text) => { status.textContent = text; };
  $("save-network").addEventListener("click", () => app.session.enqueue(async () => {
    const { network } = store.state;
    const model = app.view.model;
    if (!network || !model) return;
    const doc = await exportOf(network.id);
    const name = `network-${model.layers.join("-")}-step${doc.network.step}.json`;
    save(doc, name);
    say(t("save.saved", { file: name, open: t("code.open"), step: doc.network.step }));
  }));
  // Not queued itself: reopen queues the opening (awaiting it from inside the queue would wait
  // for itself).
  $("open-network").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    let state;
    try {
      state = await importDoc(JSON.parse(await file.text()));
    } catch (err) {
      app.view.error(t("save.cannot_open", { file: file.name, message: err instanceof SyntaxError ? t("save.not_json") : err.message }));
      return;
    }
    await app.reopen(setupFor(state));
    say(t("save.opened", { file: file.name, step: state.step }));
  });
  $("copy-link").addEventListener("click", () => app.session.enqueue(async () => {
    const { network } = store.state;
    if (!network || !app.view.model) return;
    const link = await shareLink(app.view.model, network);
    status.dataset.link = link;
    const how = t(link.includes("wb=") ? "save.weights_in_link" : "save.snapshot_kept");
    say((await copyText(link)) ? t("save.link_copied", { how }) : link);
  }));
}
