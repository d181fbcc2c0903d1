// A network neuron's circuit in the network page's own names (w1, i1, b_h1, sample 1, ∂E),
// using the shared naming module; the API speaks generically (w0, x0, b, sample 0, ∂L).

import { getNetwork } from "../api.js";
import { neuronNames, renameText } from "../naming.js";

/** The display names of one neuron, from its network's layers and input names. */
export async function namesFor(neuron) {
  const state = await getNetwork(neuron.network);
  const layer = Number(neuron.layer);
  const sample = Number(neuron.sample ?? 0);
  return neuronNames(state.layers, layer, Number(neuron.index), sample,
    state.dataset?.input_names || []);
}

/** The trace with every generic name replaced; `genericOf` maps a shown name back. */
export function renameTrace(trace, names) {
  const v = names.variables;
  const rename = (text) => renameText(text, v);
  const inputs = Object.fromEntries(Object.entries(trace.inputs).map(([k, x]) => [rename(k), x]));
  const genericOf = Object.fromEntries(Object.keys(trace.inputs).map((k) => [rename(k), k]));
  const nudged = trace.nudged_values && Object.fromEntries(
    Object.entries(trace.nudged_values).map(([k, x]) => [rename(k), x]));
  return {
    ...trace,
    expression: rename(trace.expression),
    inputs,
    genericOf,
    nudged_values: nudged,
    wires: trace.wires.map((w) => ({ ...w, label: rename(w.label) })),
    note: trace.note?.replaceAll("\u2202L", "\u2202E"),
    names,
  };
}
