// The names a learner reads, shared by the network page and the circuit page: i1, i2 for
// inputs, h1, h2 for hidden neurons (h2.1 with several hidden layers), out (or o1, o2) for
// outputs, w1, w2, … for weights numbered layer by layer, target by target, source by source
// (the article's numbering), and samples counted from 1.

/**
 * A neuron's name; `inputNames` (a dataset's column names) replace i1, i2 … if given, a long
 * one shortened to its first 9 characters and "…" (the hover card and table have it whole).
 */
export function nodeName(layers, layer, index, inputNames = []) {
  const last = layers.length - 1;
  if (layer === 0) return named(inputNames[index]) ? shorten(inputNames[index]) : `i${index + 1}`;
  if (layer === last) return layers[last] === 1 ? "out" : `o${index + 1}`;
  return last === 2 ? `h${index + 1}` : `h${layer}.${index + 1}`;
}

/** The weight from `source` (layer − 1) to `target` (layer): w1 is the first weight of layer 1. */
export function edgeName(layers, layer, source, target) {
  let before = 0;
  for (let k = 1; k < layer; k++) before += layers[k] * layers[k - 1];
  return `w${before + target * layers[layer - 1] + source + 1}`;
}

const NAME_CHARACTERS = 10;
const named = (name) => typeof name === "string" && name.trim().length > 0;
const shorten = (name) => (name.length <= NAME_CHARACTERS ? name : `${name.slice(0, NAME_CHARACTERS - 1)}\u2026`);

/** A name usable as a circuit variable (h2.1 → h2_1). */
const identifier = (name) => {
  const text = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z]/.test(text) ? text : `v${text}`;
};

/**
 * The API's generic names for one neuron's circuit (w0, x0, b; "neuron 0 of layer 1") mapped
 * to the network page's names (w1, i1, b_h1): {variables: {generic: shown}, neuron, sample}.
 */
export function neuronNames(layers, layer, index, sample, inputNames = []) {
  const variables = {};
  for (let s = 0; s < layers[layer - 1]; s++) {
    variables[`w${s}`] = edgeName(layers, layer, s, index);
    variables[`x${s}`] = identifier(nodeName(layers, layer - 1, s, inputNames));
  }
  const neuron = nodeName(layers, layer, index, inputNames);
  variables.b = `b_${identifier(neuron)}`;
  return { variables, neuron, sample: `sample ${sample + 1}` };
}

/** Replace whole-word variable names in a text (an expression or a wire label). */
export function renameText(text, variables) {
  return text.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (word) => variables[word] ?? word);
}
