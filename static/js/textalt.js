// The drawing's text alternative: the numbers of the current phase, as a list a screen reader
// reads (the SVG points at it with aria-describedby). Small networks list every neuron and
// weight; a big one lists its neurons and leaves the weights to the matrix view and tooltips.

import { fmt } from "./format.js";
import { t } from "./i18n.js";

const MAX_EDGES_LISTED = 200;

const known = (v) => v !== null && v !== undefined;

function nodeLine(node) {
  const parts = [];
  if (known(node.z) && node.layer > 0) parts.push(`z = ${fmt(node.z)}`);
  if (known(node.a)) parts.push(`${node.layer === 0 ? t("alt.value") : "a"} = ${fmt(node.a)}`);
  if (known(node.grad_z) && node.layer > 0) parts.push(`\u03b4 = \u2202E/\u2202z = ${fmt(node.grad_z)}`);
  if (known(node.bias)) parts.push(`${t("alt.bias")} ${fmt(node.bias)}`);
  return `${node.name}: ${parts.join(t("number.list")) || t("alt.not_computed")}`;
}

function edgeLine(edge) {
  const parts = [`${t("tip.weight")} ${fmt(edge.old_weight ?? edge.weight)}`];
  if (known(edge.grad)) parts.push(`\u2202E/\u2202${edge.name} = ${fmt(edge.grad)}`);
  if (known(edge.new_weight) && known(edge.old_weight)) parts.push(t("alt.updated_to", { value: fmt(edge.new_weight) }));
  return `${edge.name}: ${parts.join(t("number.list"))}`;
}

/** Plain lines describing the model's numbers now (pure: tested with node --test). */
export function describe(model) {
  const lines = [t("alt.network", { layers: model.layers.join("-"), step: model.step })];
  if (known(model.lossValue)) lines.push(t("alt.loss", { loss: fmt(model.lossValue) }));
  for (const node of model.nodes.values()) lines.push(nodeLine(node));
  if (model.edges.size <= MAX_EDGES_LISTED) {
    for (const edge of model.edges.values()) lines.push(edgeLine(edge));
  } else {
    lines.push(t("alt.many_weights", { n: model.edges.size }));
  }
  return lines;
}

/** Keep `element` (a visually hidden list) describing the model; at most a few times a second. */
export function textAlternative(element) {
  let timer = null;
  let latest = null;
  const write = () => {
    timer = null;
    element.replaceChildren(...describe(latest).map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }));
  };
  return (model) => {
    latest = model;
    if (model && timer === null) timer = setTimeout(write, 150);
  };
}
