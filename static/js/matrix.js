// The matrix view: the same step as the drawing, written per layer as the L-layer article
// writes it — Z = W·A + b, A = g(Z), then dZ, dW = dZ·Aᵀ/m, db, dA = Wᵀ·dZ — each matrix
// with its shape and real numbers, in the drawing's colours, following the phases. Hovering
// an entry lights its edge or neuron in the drawing, and hovering the drawing lights the
// entries (a neuron: its row of W and its column in the next layer's W, as netflow.js does).
// The trace reports node values for one sample (the focus), so A, Z, dZ and dA show that
// sample's column; W, b, dW and db are the whole layer's, dW and db those of the batch.

import { esc, fmt } from "./format.js";
import { edgeId, nodeId } from "./model.js";
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

/** A column (or, in rows mode, a row) of one sample's node values. */
function vector(model, layer, field, label, rows, kind) {
  const size = model.layers[layer];
  const node = (i) => model.nodes.get(nodeId(layer, i));
  const cell = (i) => ({ value: node(i)?.[field] ?? null, ref: nodeId(layer, i), kind });
  const n = size;
  return rows ? table(1, n, (_, j) => cell(j), label, `1\u00d7${n}`)
    : table(n, 1, (i) => cell(i), label, `${n}\u00d71`);
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
    ? `dZ${SUP(l)} = \u2202loss/\u2202Z (output) =` : `dZ${SUP(l)} = dA${SUP(l)} \u2299 ${esc(act)}\u2032(Z${SUP(l)}) =`;
  const dwLabel = rows ? `dW${SUP(l)} = dZ${SUP(l)}\u1d40\u00b7A${SUP(l - 1)}${mean ? " / m" : ""} =`
    : `dW${SUP(l)} = dZ${SUP(l)}\u00b7A${SUP(l - 1)}\u1d40${mean ? " / m" : ""} =`;
  const dA = rows ? `dA${SUP(l - 1)} = dZ${SUP(l)}\u00b7W${SUP(l)} =` : `dA${SUP(l - 1)} = W${SUP(l)}\u1d40\u00b7dZ${SUP(l)} =`;
  return `<div class="eqrow">${op(dzLabel)}${dz}${op(dwLabel)}${dW}` +
    (db ? `${op(`db${SUP(l)} = \u03a3 dZ${SUP(l)}${mean ? " / m" : ""} =`)}${db}` : "") +
    `${op(dA)}${vector(model, l - 1, "grad_a", `dA${SUP(l - 1)}`, rows, "g")}</div>`;
}

function updateRow(model, l) {
  const b = biasVector(model, l, "new_bias", `b${SUP(l)} new`, false, "b");
  return `<div class="eqrow">${op(`W${SUP(l)} \u2190`)}${weights(model, l, "new_weight", `W${SUP(l)} new`, false, "w")}` +
    (b ? op(`b${SUP(l)} \u2190`) + b : "") + "</div>";
}

/** The whole view for the model's current numbers. */
export function matrixHtml(model, rows) {
  const sample = (model.focus ?? 0) + 1;
  const m = model.data?.samples ?? model.data?.inputs?.length ?? "m";
  const convention = rows
    ? "Samples in <b>rows</b>, as the API sends them: A is m\u00d7n, Z = A\u00b7W\u1d40 + b."
    : "Samples in <b>columns</b>, as in the L-layer article: A is n\u00d7m, Z = W\u00b7A + b.";
  let html = `<div class="matrix-head"><p>${convention} A, Z, dZ and dA show sample ${sample}'s ` +
    `${rows ? "row" : "column"} (of m = ${m}); W, b, dW and db are the layer's (dW, db over the batch).</p>` +
    `<button type="button" data-testid="matrix-flip" class="flip">${rows ? "Samples in columns" : "Samples in rows"}</button></div>`;
  for (let l = 1; l < model.layers.length; l++) {
    html += `<section class="layer-block" data-layer="${l}"><h3>Layer ${l} ` +
      `<span class="shape">(${model.layers[l]} neurons \u2190 ${model.layers[l - 1]})</span></h3>`;
    html += `<div class="phase-forward${model.done.has("forward") ? "" : " empty"}">${forwardRow(model, l, rows)}</div>`;
    if (model.done.has("backward")) html += `<div class="phase-backward">${backwardRow(model, l, rows)}</div>`;
    if (model.done.has("update")) html += `<div class="phase-update">${updateRow(model, l)}</div>`;
    html += "</section>";
  }
  return html;
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
  root.addEventListener("mouseover", (event) => light(root, svg, event.target.closest("td")?.dataset.ref));
  root.addEventListener("mouseleave", () => light(root, svg, null));
  svg.addEventListener("mouseover", (event) => {
    if (!store.state.setup.matrix) return;
    light(root, svg, event.target.closest("[data-id]")?.dataset.id);
  });
  svg.addEventListener("mouseleave", () => light(root, svg, null));
  // A phase's numbers are on the model once its animation ends (or a new network is drawn).
  new MutationObserver(() => { if (!svg.dataset.animating) draw(); })
    .observe(svg, { attributes: true, attributeFilter: ["data-animating", "data-network", "data-step", "data-phase"] });
  store.subscribe((state, changed) => { if (changed.includes("network") || changed.includes("setup")) draw(); });
  draw();
}
