// The view model: the network's structure plus the latest numbers of every node and edge,
// keyed by the same ids the SVG uses (node n-<layer>-<index>, edge e-<layer>-<source>-<target>).

import { edgeName, nodeName } from "./naming.js";

export { nodeName };
export const nodeId = (layer, index) => `n-${layer}-${index}`;
export const edgeId = (layer, source, target) => `e-${layer}-${source}-${target}`;

const NODE_FIELDS = ["z", "a", "grad_z", "grad_a", "bias", "grad_bias", "new_bias"];
const EDGE_FIELDS = ["weight", "signal", "grad", "new_weight"];

/** A fresh model from GET /api/networks/{id} (or the state part of any answer). */
export function modelFromState(state) {
  const spec = state.spec || {};
  const layers = state.layers || spec.layers;
  const model = {
    id: state.id || state.network_id,
    layers,
    activations: state.activations || spec.activations || [],
    spec,
    loss: state.loss_name || spec.loss || "mse",
    learningRate: state.learning_rate ?? spec.learning_rate,
    step: state.step ?? 0,
    lossHistory: state.loss_history || [],
    nodes: new Map(),
    edges: new Map(),
    lossValue: null,
    outputs: null,
    targets: null,
    done: new Set(), // phases whose numbers are on screen for the current weights
    data: state.dataset || null,
  };
  buildNodes(model, state.biases || [], state.dataset?.input_names);
  buildEdges(model, state.weights || []);
  readOptimizerState(model, state.optimizer);
  showSample(model);
  return model;
}

function buildNodes(model, biases, inputNames = []) {
  const { layers } = model;
  layers.forEach((size, layer) => {
    for (let index = 0; index < size; index++) {
      const bias = layer > 0 && biases[layer - 1] ? biases[layer - 1][index] : null;
      model.nodes.set(nodeId(layer, index), {
        id: nodeId(layer, index), layer, index,
        name: nodeName(layers, layer, index, inputNames || []),
        z: null, a: null, grad_z: null, grad_a: null, bias, grad_bias: null, new_bias: null,
      });
    }
  });
}

function buildEdges(model, weights) {
  model.layerEdges = [[]];  // each layer's edges in its matrix's row-major order
  weights.forEach((matrix, k) => {
    const layer = k + 1;
    const list = [];
    matrix.forEach((row, target) => row.forEach((weight, source) => {
      const edge = {
        id: edgeId(layer, source, target), layer, source, target,
        name: edgeName(model.layers, layer, source, target),
        weight, signal: null, grad: null, new_weight: null, old_weight: null,
      };
      model.edges.set(edge.id, edge);
      list.push(edge);
    }));
    model.layerEdges.push(list);
  });
}

/**
 * Each weight's and bias's optimizer state ({velocity} or {m, v}) from the state's
 * `optimizer` ({name: {weights, biases}}); a trace with an update replaces it (applyTrace).
 */
function readOptimizerState(model, optimizer) {
  const names = Object.keys(optimizer || {});
  const pick = (side, k, ...index) => Object.fromEntries(names.map((name) =>
    [name, index.reduce((a, i) => a?.[i], optimizer[name][side]?.[k])]));
  for (const edge of model.edges.values()) {
    edge.optimizer = names.length ? pick("weights", edge.layer - 1, edge.target, edge.source) : null;
  }
  for (const node of model.nodes.values()) {
    const has = node.layer > 0 && names.length && optimizer[names[0]].biases?.[node.layer - 1];
    node.bias_optimizer = has ? pick("biases", node.layer - 1, node.index) : null;
  }
}

/**
 * Merge one step's trace, per edge (TraceOut) or per layer (`form: "layers"`, what the page
 * asks for); after an update, the new weights become the current ones.
 */
export function applyTrace(model, trace) {
  const omitted = new Set(trace.omitted || []);  // matrices this page said it holds
  if (trace.form === "layers") applyLayers(model, trace.layers || [], omitted);
  else applyEdges(model, trace);
  for (const node of model.nodes.values()) node.old_bias = null;
  model.batch = trace.matrices ?? null;  // every sample's values, when asked (matrix view)
  model.lossValue = trace.loss ?? null;
  model.outputs = trace.outputs ?? null;
  model.targets = trace.targets ?? null;
  model.focus = trace.focus ?? 0;
  model.done = trace.form === "layers" ? layerPhases(trace.layers || [], omitted)
    : phasesIn(trace);
  model.step = trace.step ?? model.step;
}

function applyEdges(model, trace) {
  for (const n of trace.nodes || []) {
    const node = model.nodes.get(nodeId(n.layer, n.index));
    if (node) for (const f of NODE_FIELDS) node[f] = n[f] ?? null;
    if (node && n.bias_optimizer) node.bias_optimizer = n.bias_optimizer;
  }
  for (const e of trace.edges || []) {
    const edge = model.edges.get(edgeId(e.layer, e.source, e.target));
    if (edge) for (const f of EDGE_FIELDS) edge[f] = e[f] ?? null;
    if (edge) edge.old_weight = null;
    if (edge && e.optimizer) edge.optimizer = e.optimizer;  // the state after this update
  }
}

/** A base64 string of little-endian float64 values as a Float64Array (null stays null). */
export function f64(text) {
  if (text === null || text === undefined) return null;
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

const LAYER_EDGE_FIELDS = { weight: "weights", grad: "grad_weights", new_weight: "new_weights" };

/** Optimizer state arrays ({name: base64}) → {name: Float64Array}, or null. */
const stateArrays = (state) => (state ? Object.fromEntries(
  Object.entries(state).map(([name, text]) => [name, f64(text)])) : null);
const stateAt = (arrays, i) => Object.fromEntries(
  Object.entries(arrays).map(([name, values]) => [name, values[i]]));

/**
 * What to leave out of a step's answer (`?omit=…&weights_crc=…`): the current weights,
 * always held (from the state, then each update), and the gradients once a backward pass of
 * the current weights is on screen. The server still sends what it computes anew, and the
 * weights if the checksum shows this page's are not the network's (another tab changed it).
 */
export function heldQuery(model) {
  const omit = model.done.has("backward") && !model.stale ? ["weights", "grad_weights"]
    : ["weights"];
  return { omit, weights_crc: weightsCrc(model) };
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 (zlib's) of the weights as little-endian float64, layer 1 first, row-major. */
export function weightsCrc(model) {
  let crc = 0xffffffff;
  for (const edges of model.layerEdges.slice(1)) {
    const bytes = new Uint8Array(Float64Array.from(edges, (edge) => edge.weight).buffer);
    for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The layer form: each edge's signal is its weight times the activation it leaves. A matrix
 * named in `omitted` is one the page holds: its edges keep their numbers.
 */
function applyLayers(model, layers, omitted) {
  let below = null;
  for (const item of layers) {
    const nodeArrays = Object.fromEntries(NODE_FIELDS.map((f) => [f, f64(item[f])]));
    const biasState = stateArrays(item.bias_optimizer);
    for (let i = 0; i < item.size; i++) {
      const node = model.nodes.get(nodeId(item.layer, i));
      if (!node) continue;
      for (const f of NODE_FIELDS) node[f] = nodeArrays[f] ? nodeArrays[f][i] : null;
      if (biasState) node.bias_optimizer = stateAt(biasState, i);
    }
    const edges = model.layerEdges?.[item.layer];
    if (item.shape && edges) {
      const arrays = Object.fromEntries(Object.entries(LAYER_EDGE_FIELDS)
        .filter(([, name]) => !omitted.has(name)).map(([f, name]) => [f, f64(item[name])]));
      const weightState = stateArrays(item.weight_optimizer);
      const sources = item.shape[1];
      edges.forEach((edge, i) => {
        for (const f in arrays) edge[f] = arrays[f] ? arrays[f][i] : null;
        const weight = "weight" in arrays ? arrays.weight?.[i] : edge.weight;
        edge.signal = below && weight !== undefined && weight !== null
          ? weight * below[i % sources] : null;
        edge.old_weight = null;
        if (weightState) edge.optimizer = stateAt(weightState, i);
      });
    }
    below = nodeArrays.a;
  }
}

function layerPhases(layers, omitted) {
  const done = new Set();
  if (layers.some((l) => l.layer > 0 && l.a !== null && l.a !== undefined)) done.add("forward");
  if (omitted.has("grad_weights") || layers.some((l) => l.grad_weights)) done.add("backward");
  if (layers.some((l) => l.new_weights)) done.add("update");
  return done;
}

function phasesIn(trace) {
  const done = new Set();
  const edges = trace.edges || [];
  const nodes = trace.nodes || [];
  if (nodes.some((n) => n.a !== null && n.a !== undefined)) done.add("forward");
  if (edges.some((e) => e.grad !== null && e.grad !== undefined)) done.add("backward");
  if (edges.some((e) => e.new_weight !== null && e.new_weight !== undefined)) done.add("update");
  return done;
}

/** Make the updated parameters current; forward values now belong to the old weights. */
export function commitUpdate(model) {
  for (const edge of model.edges.values()) {
    if (edge.new_weight === null) continue;
    edge.old_weight = edge.weight;
    edge.weight = edge.new_weight;
  }
  for (const node of model.nodes.values()) {
    if (node.new_bias === null || node.new_bias === undefined) continue;
    node.old_bias = node.bias;
    node.bias = node.new_bias;
  }
  model.stale = true;
}

/** Replace the parameters (after training, reset or an edit) and clear the step's numbers. */
export function setParameters(model, state) {
  const fresh = modelFromState(state);
  for (const [id, edge] of fresh.edges) {
    Object.assign(model.edges.get(id) || {}, { weight: edge.weight, optimizer: edge.optimizer });
  }
  for (const [id, node] of fresh.nodes) {
    Object.assign(model.nodes.get(id) || {}, { bias: node.bias, bias_optimizer: node.bias_optimizer });
  }
  model.data = fresh.data;
  clearValues(model);
  model.step = fresh.step;
  model.lossHistory = fresh.lossHistory;
  model.learningRate = fresh.learningRate;
}

export function clearValues(model) {
  for (const node of model.nodes.values()) {
    for (const f of NODE_FIELDS) if (f !== "bias") node[f] = null;
  }
  for (const edge of model.edges.values()) {
    edge.signal = edge.grad = edge.new_weight = edge.old_weight = null;
  }
  model.lossValue = model.outputs = model.targets = model.batch = null;
  model.done = new Set();
  model.stale = false;
  showSample(model);
}

/**
 * A large dataset's focus row, read from GET …/data (the state does not carry its rows):
 * shown as a small dataset's is, unless a pass has already put its own numbers there.
 */
export function setFocusRow(model, index, inputs, targets) {
  model.row = { index, inputs, targets };
  if (model.done.size || model.stale) return false;
  showSample(model);
  return true;
}

/** Before any pass, the inputs and targets of the focus sample are already known. */
function showSample(model) {
  const focus = model.focus ?? 0;
  const row = model.row?.index === focus ? model.row : null;
  const inputs = model.data?.inputs?.[focus] ?? row?.inputs;
  const targets = model.data?.targets?.[focus] ?? row?.targets;
  if (!inputs) return;
  inputs.forEach((value, i) => {
    const node = model.nodes.get(nodeId(0, i));
    if (node) node.a = value;
  });
  model.targets = targets ? targets.slice() : null;
}

export const hasBias = (model, layer) =>
  [...model.nodes.values()].some((n) => n.layer === layer && n.bias !== null && n.bias !== undefined);
