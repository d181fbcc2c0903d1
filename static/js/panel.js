// The explanation panel (chain rule for the selected node or edge, with editors) and the
// hover card. Builds HTML only; controls.js listens to the forms by delegation.

import { explain } from "./explain.js";
import { esc, exact, fmt, fmtLong } from "./format.js";
import { t, withLang } from "./i18n.js";
import { stateRows } from "./optimizer.js";

const hint = () => `<p class="hint">${t("explain.hint")}</p>`;

/** Fill the panel for `id` (or the hint when nothing is selected). */
export function renderPanel(root, model, id) {
  const title = root.querySelector("[data-role=title]");
  const body = root.querySelector("[data-role=body]");
  const info = id && model ? explain(model, id) : null;
  if (!info) {
    title.textContent = t("explain.title");
    body.innerHTML = hint();
    return;
  }
  title.textContent = info.title;
  body.innerHTML = editorHtml(model, id) + info.sections.map(sectionHtml).join("") + gatesLink(model, id);
}

function sectionHtml(section) {
  const lines = section.lines.map((line) => `<div class="eq">${line}</div>`).join("");
  return `<section class="explain-section"><h3>${esc(section.title)}</h3>${lines}</section>`;
}

function editorHtml(model, id) {
  if (model.edges.has(id)) {
    const edge = model.edges.get(id);
    return `<form class="edit-form" data-edit="weight" data-id="${id}">
      <label>${esc(edge.name)} = <input name="value" type="number" step="any" required
        data-testid="weight-input" value="${exact(edge.weight)}"></label>
      <button type="submit" data-testid="weight-set">${t("explain.set")}</button></form>`;
  }
  const node = model.nodes.get(id);
  if (node.bias === null || node.bias === undefined) return "";
  return `<form class="edit-form" data-edit="bias" data-id="${id}">
    <label>b<sub>${esc(node.name)}</sub> = <input name="value" type="number" step="any" required
      data-testid="bias-input" value="${exact(node.bias)}"></label>
    <button type="submit">${t("explain.set")}</button></form>`;
}

function gatesLink(model, id) {
  const node = model.nodes.get(id);
  if (!node || node.layer === 0) return "";
  const href = withLang(`/circuits?network=${encodeURIComponent(model.id)}&layer=${node.layer}&index=${node.index}&sample=${model.focus ?? 0}`);
  return `<p><a class="gates-link" data-testid="expand-gates" href="${esc(href)}">${t("explain.expand_gates", { name: esc(node.name) })} \u2192</a></p>`;
}

// Each row: [field, its label's key] (tip.* in the catalogs).
const NODE_ROWS = [["a", "tip.a"], ["z", "tip.z"], ["grad_a", "tip.grad_a"],
  ["grad_z", "tip.grad_z"], ["bias", "tip.bias"], ["grad_bias", "tip.grad_bias"]];
const EDGE_ROWS = [["weight", "tip.weight"], ["signal", "tip.signal"], ["grad", "tip.grad"],
  ["old_weight", "tip.old_weight"], ["new_weight", "tip.new_weight"]];

/** The hover card: every current number of a node or edge, in full. */
export function tooltipHtml(model, id) {
  const item = model.nodes.get(id) || model.edges.get(id);
  if (!item) return "";
  const rows = (model.nodes.has(id) ? NODE_ROWS : EDGE_ROWS)
    .filter(([key]) => item[key] !== null && item[key] !== undefined)
    .map(([key, label]) => `<tr><th>${t(label)}</th><td title="${item[key]}" data-field="${key}">${fmtLong(item[key])}</td></tr>`)
    .join("");
  const kind = t(model.nodes.has(id) ? (item.layer === 0 ? "tip.input" : "tip.neuron") : "tip.weight");
  const all = rows + stateRows(item);
  return `<div class="tip-title">${esc(item.name)} <span>${kind}</span></div>` +
    `<table>${all || `<tr><td>${fmt(null)}</td></tr>`}</table>`;
}
