// Number formatting shared by both pages (network and circuits): the drawing, the tooltips,
// the explanation panel, the circuit's wires and tables. Negative numbers use "−" (U+2212).

const MINUS = "\u2212";

/** Short form for labels on the drawing: about three decimals, trailing zeros dropped. */
export function fmt(value) {
  if (value === null || value === undefined) return "\u2014";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs < 5e-4) return "0"; // below display precision (e.g. a target of −1.2e−16)
  let text;
  if (abs >= 1e5) text = value.toExponential(1);
  else if (abs < 10) text = trim(value.toFixed(3));
  else if (abs < 100) text = trim(value.toFixed(2));
  else text = trim(value.toFixed(1));
  return minus(text);
}

/** Short form that fits a node's circle: huge numbers as 7e130 instead of 6.6e+130. */
export function fmtTight(value) {
  if (!Number.isFinite(value) || Math.abs(value) < 1e4) return fmt(value);
  return minus(value.toExponential(0).replace("e+", "e"));
}

/** Long form for the chain rule and hover cards: up to 7 significant digits. */
export function fmtLong(value) {
  if (value === null || value === undefined) return "\u2014";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const text = abs !== 0 && (abs < 1e-6 || abs >= 1e7)
    ? value.toExponential(4) : trim(Number(value.toPrecision(7)).toFixed(10));
  return minus(text);
}

/** Fixed decimals for tables (the circuit page): 0.8808, −0.1050; scientific when extreme. */
export function fmtFixed(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "\u2014";
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size !== 0 && (size >= 1e5 || size < 10 ** -digits)) return minus(value.toExponential(2));
  return minus(value.toFixed(digits));
}

/** The shortest text that reads back as exactly this number (for edit fields). */
export function exact(value) {
  return Number.isFinite(value) ? String(value) : "";
}

/** A factor in a product: negative numbers get parentheses, as one writes them by hand. */
export function factor(value) {
  const text = fmtLong(value);
  return value < 0 ? `(${text})` : text;
}

function trim(text) {
  return text.includes(".") && !text.includes("e") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** "-0" reads as 0; "-" becomes the typographic minus. */
function minus(text) {
  if (/^-0(\.0*)?$/.test(text)) return "0";
  return text.replace(/^-/, MINUS).replace("e-", `e${MINUS}`);
}

/** Escape text for use inside HTML built with template strings. */
export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
