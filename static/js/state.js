// The view's setup and its URL hash: one table of properties, each with a type that says
// how it is written to and read from the URL (as in TF Playground's state.ts).

const TYPES = {
  string: { write: (v) => v, read: (s) => s },
  // A number that does not parse stays NaN, so checkSetup (limits.js) can say so.
  number: { write: (v) => String(v), read: (s) => (s.trim() === "" ? NaN : +s) },
  int: { write: (v) => String(v), read: (s) => (s.trim() === "" ? NaN : +s) },
  bool: { write: (v) => (v ? "1" : "0"), read: (s) => s === "1" || s === "true" },
  ints: {
    write: (v) => v.join(","),
    read: (s) => (s === "" ? [] : s.split(",").map((x) => (x.trim() === "" ? NaN : +x))),
  },
  strings: { write: (v) => v.join(","), read: (s) => (s === "" ? [] : s.split(",")) },
};

// The page's language is not in this table: it is `?lang=` in the query (static/js/i18n.js),
// shared by both pages, and writeHash keeps the query as it is.

/** Every property of the setup. `spec` ones shape the network; the others only the view. */
export const PROPERTIES = [
  { name: "preset", type: "string", spec: true, fallback: "two-two-one" },
  { name: "layers", type: "ints", spec: true },
  { name: "activations", type: "strings", spec: true },
  { name: "loss", type: "string", spec: true },
  { name: "reduction", type: "string", spec: true },
  { name: "init", type: "string", spec: true },
  { name: "seed", type: "int", spec: true },
  { name: "optimizer", type: "string", spec: true },
  { name: "momentum", type: "number", spec: true },
  { name: "beta1", type: "number", spec: true },
  { name: "beta2", type: "number", spec: true },
  { name: "epsilon", type: "number", spec: true },
  { name: "learningRate", type: "number", spec: true },
  { name: "regularization", type: "string", spec: true },
  { name: "regularizationRate", type: "number", spec: true },
  { name: "dataset", type: "string", spec: true },
  { name: "noise", type: "number", spec: true },
  { name: "samples", type: "int", spec: true },
  { name: "classes", type: "int", spec: true },
  { name: "dataSeed", type: "int", spec: true },  // "New data": the dataset's own seed
  { name: "testRatio", type: "number", spec: true },  // share of rows held out for testing
  { name: "features", type: "strings", spec: true },  // derived inputs: x1_squared, sin_x1 …
  { name: "datasetId", type: "string", spec: true },
  // A shared trained network: its weights and biases in the link (small networks), or the id
  // of a snapshot the server keeps (`from`: copied when the link is opened).
  { name: "wb", type: "string", spec: true },
  { name: "from", type: "string", spec: true },
  { name: "batchSize", type: "int" },
  { name: "epochs", type: "int", fallback: 200 },
  // The session id never goes into the URL (a shared link must not share the live network):
  // it is remembered per tab in sessionStorage, keyed by the spec (see rememberSession).
  { name: "net", type: "string", url: false },
  { name: "speed", type: "number", fallback: 1 },
  { name: "slow", type: "bool", fallback: false },
  { name: "presenter", type: "bool", fallback: false },
  { name: "matrix", type: "bool", fallback: false },
  { name: "discretize", type: "bool", fallback: false },  // the boundary in two flat colours
  { name: "rows", type: "bool", fallback: false },  // matrix view: samples in rows (the API's way)
];

const BY_NAME = new Map(PROPERTIES.map((p) => [p.name, p]));
const SHARED = ["wb", "from"];

/** `wb` of a link: base64url of the JSON {weights, biases} (exact: JSON numbers round-trip). */
export function encodeParameters(weights, biases) {
  const bytes = new TextEncoder().encode(JSON.stringify({ weights, biases }));
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeParameters(wb) {
  const text = atob(wb.replace(/-/g, "+").replace(/_/g, "/"));
  const parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
  if (!Array.isArray(parsed?.weights) || !Array.isArray(parsed?.biases)) throw new Error("no weights");
  return parsed;
}

/** The setup described by a URL hash such as "#preset=xor&layers=2,4,1". */
export function readHash(hash = location.hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const setup = {};
  for (const prop of PROPERTIES) {
    if (prop.url !== false && params.has(prop.name)) {
      const value = TYPES[prop.type].read(params.get(prop.name));
      if (value !== undefined) setup[prop.name] = value;
    }
  }
  return withFallbacks(setup);
}

export function withFallbacks(setup) {
  const out = { ...setup };
  for (const prop of PROPERTIES) {
    if (out[prop.name] === undefined && prop.fallback !== undefined) out[prop.name] = prop.fallback;
  }
  return out;
}

/** The hash for a setup; properties left unset (or at their fallback) are not written. */
export function toHash(setup) {
  const params = new URLSearchParams();
  for (const prop of PROPERTIES) {
    const value = setup[prop.name];
    if (value === undefined || value === null || value === prop.fallback || prop.url === false) continue;
    params.set(prop.name, TYPES[prop.type].write(value));
  }
  return "#" + params.toString().replace(/%2C/g, ",");
}

/**
 * Store the setup in the address bar: `push` adds a history entry (a new setup, so Back
 * returns to the previous one); otherwise the current entry is replaced (view tweaks).
 */
export function writeHash(setup, push = false) {
  const hash = toHash(setup);
  rememberSession(setup);
  if (hash === location.hash || (hash === "#" && !location.hash)) return;
  const url = hash === "#" ? location.pathname + location.search : hash;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

/** The key of a setup's network: its spec properties only (not speed, presenter …). */
export function specKey(setup) {
  const spec = {};
  for (const prop of PROPERTIES) if (prop.spec && setup[prop.name] !== undefined) spec[prop.name] = setup[prop.name];
  return `backprop-viz:net:${toHash(spec)}`;
}

/** This tab's session id for the setup, so a reload (or Back) reopens the same network. */
export function rememberSession(setup) {
  try {
    if (setup.net) sessionStorage.setItem(specKey(setup), setup.net);
  } catch { /* storage disabled: a reload builds a fresh network */ }
}

export function recalledSession(setup) {
  try {
    return sessionStorage.getItem(specKey(setup)) || undefined;
  } catch {
    return undefined;
  }
}

/** Setup after a change; changing any spec property forgets the session id (new network). */
export function change(setup, patch) {
  const next = { ...setup, ...patch };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name];
  }
  const keys = Object.keys(patch);
  if (keys.some((name) => BY_NAME.get(name)?.spec)) delete next.net;
  // Another spec no longer fits the shared weights: the link then describes a fresh network.
  if (keys.some((name) => BY_NAME.get(name)?.spec && !SHARED.includes(name))) {
    for (const name of SHARED) if (!(name in patch)) delete next[name];
  }
  return next;
}

/**
 * The POST /api/networks body for a setup: the preset plus the fields the user overrode.
 * `presets` (GET /api/presets) names the preset's own dataset, for a noise or size change.
 */
export function specRequest(setup, presets = []) {
  const body = { preset: setup.preset };
  if (setup.layers?.length) body.layers = setup.layers;
  if (setup.activations?.length) body.activations = setup.activations;
  if (setup.loss) body.loss = setup.loss;
  if (setup.reduction) body.reduction = setup.reduction;
  if (setup.init) body.init = setup.init;
  if (setup.seed !== undefined) body.seed = setup.seed;
  if (setup.optimizer) body.optimizer = setup.optimizer;
  for (const key of ["momentum", "beta1", "beta2", "epsilon"]) {
    if (setup[key] !== undefined) body[key] = setup[key];
  }
  if (setup.learningRate !== undefined) body.learning_rate = setup.learningRate;
  if (setup.regularization) body.regularization = setup.regularization;
  if (setup.regularizationRate !== undefined) body.regularization_rate = setup.regularizationRate;
  if (setup.wb) Object.assign(body, decodeParameters(setup.wb));
  if (setup.datasetId) body.dataset_id = setup.datasetId;
  else if (setup.dataset || setup.noise !== undefined || setup.samples !== undefined ||
    setup.classes !== undefined || setup.dataSeed !== undefined || setup.testRatio !== undefined ||
    setup.features?.length) {
    const own = presets.find((p) => p.name === setup.preset)?.dataset;
    body.dataset = { name: setup.dataset || own || setup.preset };
    if (setup.noise !== undefined) body.dataset.noise = setup.noise;
    if (setup.samples !== undefined) body.dataset.samples = setup.samples;
    if (setup.classes !== undefined) body.dataset.classes = setup.classes;
    if (setup.dataSeed !== undefined) body.dataset.seed = setup.dataSeed;
    if (setup.testRatio !== undefined) body.dataset.test_ratio = setup.testRatio;
    if (setup.features?.length) body.dataset.features = setup.features;
  }
  return body;
}
