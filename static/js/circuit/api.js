// Fetch wrappers for the circuit API. No DOM here: callers decide how to show errors.
// Errors are the network page's ApiError; `err.detail.where` names a bad expression's culprit.

import { request } from "../api.js";

/** The seed articles' circuits: [{id, title, expression, values, decompose, step_size, source}]. */
export function fetchPresets(signal) {
  return request("GET", "/api/circuits/presets", undefined, { signal });
}

/** Trace an expression: {expression, values, decompose, step_size?, direction}. */
export function traceCircuit(body, signal) {
  return request("POST", "/api/circuits/trace", body, { signal });
}

/** A network neuron's circuit; `params` may hold sample, decompose, step_size. */
export function fetchNeuronCircuit(networkId, layer, index, params = {}, signal) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const id = encodeURIComponent(networkId);
  const path = `/api/networks/${id}/neurons/${encodeURIComponent(layer)}/${encodeURIComponent(index)}/circuit`;
  return request("GET", query.size ? `${path}?${query}` : path, undefined, { signal });
}
