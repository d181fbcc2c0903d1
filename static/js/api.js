// Fetch wrappers for the JSON API (issue 3). No DOM here: callers decide how to show errors.

import { t } from "./i18n.js";

/** An API failure with a message written for people (status, and the server's own words). */
export class ApiError extends Error {
  constructor(message, status = 0, detail = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
  }
}

/** Turn FastAPI's `detail` (a string, or a list of {loc, msg}) into one readable sentence. */
export function describeError(status, body) {
  if (body && typeof body === "object" && typeof body.message === "string" && body.message) {
    return body.message;
  }
  const detail = body && typeof body === "object" ? body.detail : body;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((item) => {
      const where = (item.loc || []).filter((p) => p !== "body").join(".");
      return where ? `${where}: ${item.msg}` : item.msg;
    }).join("; ");
  }
  if (status === 404) return t("error.gone");
  if (status === 413) return t("error.too_large");
  return status ? t("error.status", { status }) : t("error.no_answer");
}

/** One JSON call; rejects with an ApiError carrying the server's own message. */
export async function request(method, path, body, options = {}) {
  const init = { method, headers: { Accept: "application/json" }, signal: options.signal };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(t("error.unreachable"), 0);
  }
  if (response.status === 204) return null;
  const data = await readBody(response);
  if (!response.ok) throw new ApiError(describeError(response.status, data), response.status, data);
  return data;
}

async function readBody(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

const enc = encodeURIComponent;

export const presets = () => request("GET", "/api/presets");
export const datasets = () => request("GET", "/api/datasets");
export const createNetwork = (spec) => request("POST", "/api/networks", spec);
export const getNetwork = (id) => request("GET", `/api/networks/${enc(id)}`);
export const patchNetwork = (id, patch) => request("PATCH", `/api/networks/${enc(id)}`, patch);
export const deleteNetwork = (id) => request("DELETE", `/api/networks/${enc(id)}`);
/**
 * One phase's trace in the compact per-layer form (model.js applyTrace decodes it), without
 * what the page holds (`held`: {omit, weights_crc}, model.js heldQuery).
 */
export const step = (id, phase, extra = {}, held = {}) =>
  request("POST", `/api/networks/${enc(id)}/step?form=layers` + Object.entries(held)
    .flatMap(([key, values]) => [values].flat().map((v) => `&${key}=${enc(v)}`)).join(""),
  { phase, ...extra });
export const reset = (id, seed) =>
  request("POST", `/api/networks/${enc(id)}/reset`, seed === undefined ? {} : { seed });
/** One page of a network's data rows (the state inlines them only up to 1,000 rows). */
export const networkData = (id, offset, limit) =>
  request("GET", `/api/networks/${enc(id)}/data?offset=${enc(offset)}` +
    (limit === undefined ? "" : `&limit=${enc(limit)}`));
export const predict = (id, resolution, { neurons = false } = {}) =>
  request("GET", `/api/networks/${enc(id)}/predict?resolution=${enc(resolution)}` +
    (neurons ? "&neurons=true" : ""));

/** Follow mode: open a room on a network, read it, fork it, close it (teacher token). */
export const openRoom = (networkId) => request("POST", "/api/rooms", { network_id: networkId });
export const getRoom = (code) => request("GET", `/api/rooms/${enc(code)}`);
export const forkRoom = (code) => request("POST", `/api/rooms/${enc(code)}/fork`);
export async function closeRoom(code, token) {
  const response = await fetch(`/api/rooms/${enc(code)}`,
    { method: "DELETE", headers: { "X-Teacher-Token": token } });
  if (!response.ok && response.status !== 404) {
    throw new ApiError(describeError(response.status, await readBody(response)), response.status);
  }
}
export const roomEventsUrl = (code) => `/api/rooms/${enc(code)}/events`;

/**
 * Upload a CSV file; the server answers with a dataset id usable in a spec. `columns` may
 * name `target_columns` (comma-separated) or a `class_column` (its labels become one-hot).
 */
export function uploadDataset(file, columns = {}) {
  const form = new FormData();
  form.append("file", file, file.name);
  for (const [key, value] of Object.entries(columns)) if (value) form.append(key, value);
  return request("POST", "/api/datasets", form);
}

/**
 * Train with live progress: POST …/train with stream=true, read server-sent events from the
 * response body and call onProgress({epoch, loss, …}) for each; resolves with the result.
 * `live` ({weights: true, grid_resolution: n}) asks progress events for snapshots of the
 * weights/biases and the predict grid (at most about twice a second).
 */
export async function train(id, body, onProgress, { signal, live } = {}) {
  let response;
  try {
    response = await fetch(`/api/networks/${enc(id)}/train`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ ...body, stream: true, ...(live ? { live } : {}) }),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(t("error.unreachable"), 0);
  }
  if (!response.ok) {
    const data = await readBody(response);
    throw new ApiError(describeError(response.status, data), response.status, data);
  }
  if (!(response.headers.get("content-type") || "").includes("event-stream")) {
    return readBody(response);
  }
  return readEvents(response.body.getReader(), onProgress);
}

/** The stream's events are `start`, `progress` (epoch, epochs, loss)…, then `result` or `error`. */
async function readEvents(reader, onProgress) {
  const decoder = new TextDecoder();
  let buffer = "";
  let result = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = done ? "" : blocks.pop();
    for (const block of blocks) {
      const event = parseEvent(block);
      if (!event) continue;
      if (event.name === "error") {  // data: {status, detail, message}
        const data = event.data || {};
        throw new ApiError(describeError(data.status, data), data.status || 422, data);
      }
      if (event.name === "result") result = event.data;
      else if (event.name === "progress") onProgress(event.data);
    }
    if (done) break;
  }
  if (!result) throw new ApiError(t("error.no_result"));
  return result;
}


function parseEvent(block) {
  let name = "message";
  const lines = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) lines.push(line.slice(5).trimStart());
  }
  if (!lines.length) return null;
  let data = lines.join("\n");
  try {
    data = JSON.parse(data);
  } catch {
    /* keep the raw text */
  }
  return { name, data };
}
