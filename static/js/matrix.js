// The matrix view: the same step as the drawing, written per layer as the L-layer article
// writes it — Z = W·A + b, A = g(Z), then dZ, dW = dZ·Aᵀ/m, db, dA = Wᵀ·dZ — each matrix
// with its shape and real numbers, in the drawing's colours, following the phases. Hovering
// an entry lights its edge or neuron in the drawing, and hovering the drawing lights the
// entries (a neuron: its row of W and its column in the next layer's W, as netflow.js does).
// The trace reports node values for one sample (the focus), so A, Z, dZ and dA show that
// sample's column; W, b, dW and db are the whole layer's, dW and db those of the batch.

import { esc, fmt } from "./format.js";
import { edgeId, nodeId } from "./model.js";
import { t } from "./i18n.js";
import { store } from "./store.js";
import { writeHash } from "./state.js";

const $ = (id) => document.getElementById(id);
const SUP = (l) => `<sup>[${l}]</sup>`;

/** One matrix as a table; `cell(i, j)` gives {value, ref, kind}. */
function table(rows, cols, cell, label, shape) {
  let html = "";
  for (let i = 0; i < rows; i++) {
    html += "<tr>";
    for (let j = 0; j < cols; j++) {
      const { value, ref, kind, testid } = cell(i, j);
      const sign = value > 0 ? "pos" : value < 0 ? "neg" : "";
      const shown = value === null || value === undefined ? "\u00b7" : fmt(value);
      html += `<td class="${kind} ${kind === "w" ? sign : ""}" data-ref="${ref}"` +
        (testid ? ` data-testid="${testid}"` : "") +
        (value === null || value === undefined ? "" : ` data-value="${value}"`) + `>${shown}</td>`;
    }
    html += "</tr>";
  }
  return `<figure class="mat"><table>${html}</table><figcaption>${label} <span class="shape">${shape}</span></figcaption></figure>`;
}

const BATCH_FIELDS = ["z", "a", "grad_z", "grad_a"];

/** Samples × neurons: every sample's values when the trace brought them, else the focus row. */
function sampleRows(model, layer, field) {
  const batch = BATCH_FIELDS.includes(field) ? model.batch?.[layer]?.[field] : null;
  if (batch) return batch;
  return [Array.from({ length: model.layers[layer] }, (_, i) => model.nodes.get(nodeId(layer, i))?.[field] ?? null)];
}

// Beyond this many samples a matrix shows the first ones and the focus sample, and says so.
export const SHOWN_SAMPLES = 24;
// Layers with more weights than this start collapsed (open one to read it).
export const OPEN_WEIGHTS = 1024;

/** The samples a matrix shows: all of a small batch, else the first ones and the focus. */
function shownSamples(m, focus) {
  if (m <= SHOWN_SAMPLES) return [...Array(m).keys()];
  const first = [...Array(SHOWN_SAMPLES - 1).keys()];
  return focus >= SHOWN_SAMPLES - 1 ? [...first, focus] : [...first, SHOWN_SAMPLES - 1];
}

/** Node values as a matrix: neurons × samples (columns mode) or samples × neurons (rows). */
function vector(model, layer, field, label, rows, kind) {
  const data = sampleRows(model, layer, field);
  const [m, n] = [data.length, model.layers[layer]];
  const focus = m > 1 ? model.focus ?? 0 : -1;
  const shown = shownSamples(m, focus);
  const more = shown.length < m ? ` (${t("matrix.shown", { n: shown.length })})` : "";
  const cell = (s, i) => ({ value: data[shown[s]][i], ref: nodeId(layer, i),
    kind: shown[s] === focus ? `${kind} focus` : kind });
  return rows ? table(shown.length, n, cell, label, `${m}\u00d7${n}${more}`)
    : table(n, shown.length, (i, s) => cell(s, i), label, `${n}\u00d7${m}${more}`);
}

/** W (or Wᵀ in rows mode) of layer l from the edges: `field` weight, grad, new_weight. */
function weights(model, l, field, label, transpose, kind, testid) {
  const [n, p] = [model.layers[l], model.layers[l - 1]];
  const cell = (i, j) => {
    const [t, s] = transpose ? [j, i] : [i, j];
    const edge = model.edges.get(edgeId(l, s, t));
    const value = field === "weight" ? (edge.old_weight ?? edge.weight) : edge[field];
    return { value, ref: edge.id, kind, testid: testid && `${testid}-${l}-${t}-${s}` };
  };
  return transpose ? table(p, n, cell, label, `${p}\u00d7${n}`) : table(n, p, cell, label, `${n}\u00d7${p}`);
}

function biasVector(model, l, field, label, rows, kind) {
  if (![...model.nodes.values()].some((x) => x.layer === l && x.bias !== null && x.bias !== undefined)) return "";
  return vector(model, l, field, label, rows, kind);
}

const op = (text) => `<span class="op">${text}</span>`;

function forwardRow(model, l, rows) {
  const act = model.activations[l - 1];
  const bias = biasVector(model, l, "bias", `b${SUP(l)}`, rows, "b");
  const plus = bias ? op("+") + bias : "";
  const product = rows
    ? vector(model, l - 1, "a", `A${SUP(l - 1)}`, true, "a") + op("\u00b7") + weights(model, l, "weight", `W${SUP(l)}\u1d40`, true, "w")
    : weights(model, l, "weight", `W${SUP(l)}`, false, "w") + op("\u00b7") + vector(model, l - 1, "a", `A${SUP(l - 1)}`, false, "a");
  return `<div class="eqrow">${op(`Z${SUP(l)} =`)}${product}${plus}${op("=")}` +
    `${vector(model, l, "z", `Z${SUP(l)}`, rows, "z")}${op(`A${SUP(l)} = ${esc(act)}(Z${SUP(l)}) =`)}` +
    `${vector(model, l, "a", `A${SUP(l)}`, rows, "a")}</div>`;
}

function backwardRow(model, l, rows) {
  const act = model.activations[l - 1];
  const mean = (model.spec?.reduction ?? "mean") === "mean";
  const dz = vector(model, l, "grad_z", `dZ${SUP(l)}`, rows, "g");
  const dW = weights(model, l, "grad", `dW${SUP(l)}`, false, "g", "dw");
  const db = biasVector(model, l, "grad_bias", `db${SUP(l)}`, rows, "g");
  const dzLabel = l === model.layers.length - 1
    ? `dZ${SUP(l)} = \u2202E/\u2202Z (${t("matrix.output")}) =` : `dZ${SUP(l)} = dA${SUP(l)} \u2299 ${esc(act)}\u2032(Z${SUP(l)}) =`;
  const dwLabel = rows ? `dW${SUP(l)} = dZ${SUP(l)}\u1d40\u00b7A${SUP(l - 1)}${mean ? " / m" : ""} =`
    : `dW${SUP(l)} = dZ${SUP(l)}\u00b7A${SUP(l - 1)}\u1d40${mean ? " / m" : ""} =`;
  const dA = rows ? `dA${SUP(l - 1)} = dZ${SUP(l)}\u00b7W${SUP(l)} =` : `dA${SUP(l - 1)} = W${SUP(l)}\u1d40\u00b7dZ${SUP(l)} =`;
  return `<div class="eqrow">${op(dzLabel)}${dz}${op(dwLabel)}${dW}` +
    (db ? `${op(`db${SUP(l)} = \u03a3 dZ${SUP(l)}${mean ? " / m" : ""} =`)}${db}` : "") +
    `${op(dA)}${vector(model, l - 1, "grad_a", `dA${SUP(l - 1)}`, rows, "g")}</div>`;
}

function updateRow(model, l) {
  const b = biasVector(model, l, "new_bias", `b${SUP(l)} ${t("matrix.new")}`, false, "b");
  return `<div class="eqrow">${op(`W${SUP(l)} \u2190`)}${weights(model, l, "new_weight", `W${SUP(l)} ${t("matrix.new")}`, false, "w")}` +
    (b ? op(`b${SUP(l)} \u2190`) + b : "") + "</div>";
}

/** The whole view for the model's current numbers. */
export function matrixHtml(model, rows) {
  const sample = (model.focus ?? 0) + 1;
  const m = model.data?.samples ?? model.data?.inputs?.length ?? "m";
  const convention = t(rows ? "matrix.rows_convention" : "matrix.columns_convention");
  const line = rows ? "row" : "column";
  const what = model.batch ? t(`matrix.batch_${line}`, { sample, m }) : t(`matrix.sample_${line}`, { sample, m });
  let html = `<div class="matrix-head"><p>${convention} ${what} ${t("matrix.layer_own")}</p>` +
    `<button type="button" data-testid="matrix-flip" class="flip">${t(rows ? "matrix.flip_columns" : "matrix.flip_rows")}</button></div>`;
  for (let l = 1; l < model.layers.length; l++) {
    const open = opened.has(l) || (!closed.has(l) && model.layers[l] * model.layers[l - 1] <= OPEN_WEIGHTS);
    html += `<details class="layer-block" data-layer="${l}"${open ? " open" : ""}><summary>${t("matrix.layer", { n: l })} ` +
      `<span class="shape">(${t("matrix.shape", { n: model.layers[l], from: model.layers[l - 1],
        weights: model.layers[l] * model.layers[l - 1] })})</span></summary>`;
    if (open) html += layerHtml(model, l, rows);  // a closed layer costs nothing to draw
    html += "</details>";
  }
  return html;
}

// Layers the reader opened or closed by hand (by index), kept while the page lives.
const opened = new Set();
const closed = new Set();

function layerHtml(model, l, rows) {
  let html = `<div class="phase-forward${model.done.has("forward") ? "" : " empty"}">${forwardRow(model, l, rows)}</div>`;
  if (model.done.has("backward")) html += `<div class="phase-backward">${backwardRow(model, l, rows)}</div>`;
  if (model.done.has("update")) html += `<div class="phase-update">${updateRow(model, l)}</div>`;
  return html;
}

const MAX_MATRIX_NUMBERS = 65536;  // app/schemas/training.py

/** The extra fields of a step request: every sample's values while the view is open. */
export function stepExtras(model) {
  if (!store.state.setup.matrix || !model) return {};
  const m = model.data?.samples ?? model.data?.inputs?.length ?? Infinity;
  const neurons = model.layers.reduce((a, b) => a + b, 0);
  return m * neurons <= MAX_MATRIX_NUMBERS ? { matrices: true } : {};
}

/** Light an id's entries and its element in the drawing (and only those). */
function light(root, svg, ref) {
  for (const el of document.querySelectorAll(".linked")) el.classList.remove("linked");
  if (!ref) return;
  const refs = [ref];
  const node = /^n-(\d+)-(\d+)$/.exec(ref);
  if (node) {  // a neuron: its row of W (edges in) and its column of the next W (edges out)
    const [layer, index] = [Number(node[1]), Number(node[2])];
    for (const td of root.querySelectorAll("td[data-ref^=e-]")) {
      const [, l, s, t] = td.dataset.ref.split("-").map(Number);
      if ((l === layer && t === index) || (l === layer + 1 && s === index)) refs.push(td.dataset.ref);
    }
  }
  for (const r of refs) {
    for (const td of root.querySelectorAll(`td[data-ref="${r}"]`)) td.classList.add("linked");
  }
  svg.querySelector(`[id="${ref}"]`)?.classList.add("linked");
}

/** Wire the toggle, the convention flip and the two-way hover; redraw after every phase. */
export function bindMatrix(app) {
  const root = $("matrix-view");
  const button = $("btn-matrix");
  const svg = app.dom.svg;
  const draw = () => {
    const { matrix, rows } = store.state.setup;
    root.hidden = !matrix;
    button.setAttribute("aria-pressed", String(Boolean(matrix)));
    if (matrix && app.view.model) {
      root.innerHTML = matrixHtml(app.view.model, Boolean(rows));
      root.dataset.phase = svg.dataset.phase || "";
      root.dataset.drawn = String(Number(root.dataset.drawn || 0) + 1);
    }
  };
  const set = (patch) => {
    store.updateSetup(patch);
    writeHash(store.state.setup);
    draw();
    requestAnimationFrame(() => app.view.resize());
  };
  button.addEventListener("click", () => set({ matrix: !store.state.setup.matrix }));
  root.addEventListener("click", (event) => {
    if (event.target.closest("[data-testid=matrix-flip]")) set({ rows: !store.state.setup.rows });
  });
  // Opening a collapsed layer draws it; the choice sticks across redraws.
  root.addEventListener("toggle", (event) => {
    const block = event.target.closest?.("details.layer-block");
    if (!block) return;
    const l = Number(block.dataset.layer);
    const has = block.querySelector(".phase-forward");
    if (block.open) { opened.add(l); closed.delete(l); } else { closed.add(l); opened.delete(l); }
    if (block.open && !has && app.view.model) {
      block.insertAdjacentHTML("beforeend", layerHtml(app.view.model, l, Boolean(store.state.setup.rows)));
    }
  }, true);
  root.addEventListener("mouseover", (event) => light(root, svg, event.target.closest("td")?.dataset.ref));
  root.addEventListener("mouseleave", () => light(root, svg, null));
  svg.addEventListener("mouseover", (event) => {
    if (!store.state.setup.matrix) return;
    light(root, svg, event.target.closest("[data-id]")?.dataset.id);
  });
  svg.addEventListener("mouseleave", () => light(root, svg, null));
  svg.addEventListener("canvasedge", (event) => {  // an edge drawn on the canvas (edgehits.js)
    if (store.state.setup.matrix) light(root, svg, event.detail);
  });
  // A phase's numbers are on the model once its animation ends (or a new network is drawn).
  new MutationObserver(() => { if (!svg.dataset.animating) draw(); })
    .observe(svg, { attributes: true, attributeFilter: ["data-animating", "data-network", "data-step", "data-phase"] });
  store.subscribe((state, changed) => { if (changed.includes("network") || changed.includes("setup")) draw(); });
  draw();
}
