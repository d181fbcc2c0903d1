// "Take it away": the network's next step as a runnable script (GET /api/networks/{id}/code),
// copied to the clipboard or downloaded as a .py file.

import { t } from "./i18n.js";
import { store } from "./store.js";

const $ = (id) => document.getElementById(id);

/** The script's text for the current network, in the flavour chosen. */
export async function fetchCode(id, flavour = "numpy") {
  const response = await fetch(`/api/networks/${encodeURIComponent(id)}/code?flavour=${encodeURIComponent(flavour)}`);
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try { message = JSON.parse(text).message || text; } catch { /* plain text */ }
    throw new Error(message);
  }
  return text;
}

/** The file name of a download: the layers and the step, e.g. net-2-4-1-step12.py. */
function fileName(network, flavour) {
  const layers = (network.layers || []).join("-");
  return `net-${layers}-step${network.step ?? 0}${flavour === "torch" ? "-torch" : ""}.py`;
}

async function copy(text) {
  if (navigator.clipboard?.writeText) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall back */ }
  }
  const area = document.createElement("textarea");
  area.value = text;
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  return done;
}

function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/x-python" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Wire the two buttons; `app.session.enqueue` orders them after any step in flight. */
export function bindCodeExport(app) {
  const status = $("code-status");
  const flavour = $("code-flavour");
  const run = (action) => app.session.enqueue(async () => {
    // The model follows every step (the store's state only the last full answer).
    const model = app.view.model;
    if (!store.state.network || !model) return;
    const network = { id: model.id, layers: model.layers, step: model.step };
    try {
      const kind = action === "copy" ? "numpy" : flavour.value;
      const text = await fetchCode(network.id, kind);
      status.dataset.chars = String(text.length);
      if (action === "copy") {
        status.textContent = (await copy(text))
          ? t("code.copied", { lines: text.split("\n").length, step: network.step + 1 })
          : t("code.clipboard_refused", { download: t("code.download") });
      } else {
        download(text, fileName(network, kind));
        status.textContent = t("code.downloaded", { file: fileName(network, kind) });
      }
    } catch (err) {
      status.textContent = t("code.failed", { message: err.message });
    }
  });
  $("copy-numpy").addEventListener("click", () => run("copy"));
  $("download-py").addEventListener("click", () => run("download"));
}
