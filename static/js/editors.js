// HTML for the architecture heads above each layer column and the small data table.
// Builds markup only; controls.js handles their events by delegation.

import { esc, exact } from "./format.js";
import { t } from "./i18n.js";
import { activationChoices } from "./limits.js";
import { store } from "./store.js";


function layerTitle(layers, l, gap = 200) {
  if (l === 0) return t(gap < 110 ? "layer.in" : "layer.input");
  if (l === layers.length - 1) return t(gap < 110 ? "layer.out" : "layer.output");
  if (layers.length === 3) return t("layer.hidden");
  return t(gap < 110 ? "layer.hidden_short" : "layer.hidden_n", { n: l });
}

/** One head per layer column: title, size with −/+ (hidden only), activation picker. */
export function renderHeads(root, model, columns) {
  const { layers } = model;
  const LIMITS = store.state.limits;
  const gap = columns.length > 1 ? columns[1] - columns[0] : 200;
  root.classList.toggle("narrow", gap < 110);
  root.innerHTML = layers.map((size, l) => {
    const hidden = l > 0 && l < layers.length - 1;
    const full = size >= LIMITS.neurons;
    const why = full ? t("layer.max_neurons", { max: LIMITS.neurons }) : t("layer.add_neuron", { n: l });
    const sizer = hidden
      ? `<span class="sizer"><button type="button" data-action="neurons" data-layer="${l}" data-delta="-1"
          aria-label="${t("layer.fewer", { n: l })}" title="${t("layer.remove_neuron")}" ${size <= 1 ? "disabled" : ""}>\u2212</button>
         <span data-testid="layer-size-${l}">${size}</span>
         <span title="${why}"><button type="button" data-action="neurons" data-layer="${l}" data-delta="1"
          aria-label="${t("layer.more", { n: l })}" title="${why}" ${full ? "disabled" : ""}>+</button></span></span>`
      : `<span class="size">${size}</span>`;
    const act = l === 0 ? "" : `<select data-action="activation" data-layer="${l}"
        data-testid="activation-${l}" aria-label="${t("layer.activation_of", { n: l })}"
        title="${t("layer.activation", { name: model.activations[l - 1] })}">${activationChoices(
          l === layers.length - 1, model.activations[l - 1]).map((a) =>
        `<option value="${a}"${a === model.activations[l - 1] ? " selected" : ""}>${a}</option>`).join("")}</select>`;
    return `<div class="head" data-testid="layer-head-${l}" style="left:${columns[l]}px">
      <div class="title">${layerTitle(layers, l, gap)}</div>${sizer}${act}</div>`;
  }).join("");
}

/** The depth buttons, disabled at the limits with a tooltip saying why. */
export function renderDepth(add, remove, layers) {
  const hidden = layers.length - 2;
  const LIMITS = store.state.limits;
  add.disabled = layers.length >= LIMITS.layers;
  add.title = add.disabled ? t("layer.max_layers", { max: LIMITS.layers }) : t("depth.add_title");
  remove.disabled = hidden <= 0;
  remove.title = remove.disabled ? t("layer.none_to_remove") : t("depth.remove_title");
}

/** Move the heads when the window resizes (positions only). */
export function placeHeads(root, columns) {
  root.querySelectorAll(".head").forEach((el, l) => { el.style.left = `${columns[l]}px`; });
}

/** An editable table of the samples when there are only a few (2-2-1, XOR). */
export function renderTable(root, dataset) {
  const inputs = dataset?.inputs;
  const targets = dataset?.targets;
  if (!inputs || inputs.length > 8) return false;
  const inNames = dataset.input_names?.length ? dataset.input_names : inputs[0].map((_, i) => `x${i + 1}`);
  const outNames = dataset.target_names?.length ? dataset.target_names : targets[0].map((_, i) => `y${i + 1}`);
  // The built-in datasets' generic column names read in the page's language; others are data.
  const generic = { target: "math.target", label: "table.label" };
  const shown = (n) => (generic[n] ? t(generic[n]) : n);
  const head = `<tr><th>#</th>${inNames.map((n) => `<th>${esc(n)}</th>`).join("")}` +
    `${outNames.map((n) => `<th class="target">${esc(shown(n))}</th>`).join("")}</tr>`;
  const cell = (kind, r, c, v) => `<td><input type="number" step="any" required value="${exact(v)}"
    data-kind="${kind}" data-row="${r}" data-col="${c}" data-testid="cell-${kind}-${r}-${c}"
    aria-label="${t(`table.${kind}`, { row: r + 1, column: c + 1 })}"></td>`;
  const rows = inputs.map((row, r) => `<tr><td>${r + 1}</td>` +
    row.map((v, c) => cell("input", r, c, v)).join("") +
    targets[r].map((v, c) => cell("target", r, c, v)).join("") + "</tr>").join("");
  root.innerHTML = `<table>${head}${rows}</table>`;
  return true;
}

/** Read the table back into rows of inputs and targets. */
export function readTable(root) {
  const inputs = [];
  const targets = [];
  for (const input of root.querySelectorAll("input[data-kind]")) {
    const rows = input.dataset.kind === "input" ? inputs : targets;
    const r = +input.dataset.row;
    rows[r] = rows[r] || [];
    rows[r][+input.dataset.col] = Number(input.value);
  }
  return { inputs, targets };
}
