// Number formatting shared by both pages (network and circuits): the drawing, the tooltips,
// the explanation panel, the status lines, the loss chart's axis, the circuit's wires and
// tables. One scientific form everywhere, as written by hand: 7.2×10¹¹, 1×10⁻⁸ (never
// JavaScript's 7.2e+11); a non-zero number never reads as 0. Negative numbers use "−" (U+2212).
// The decimal separator is the page language's (0,191 in French, German, Romanian, Russian):
// i18n.js sets it from the catalog; edit fields keep "." (exact()).

const MINUS = "\u2212";
let DECIMAL = ".";

/** The decimal separator every formatter below writes ("." or ","). */
export function setDecimal(separator) {
  DECIMAL = separator;
}

/** A number the user reads, written with the page's decimal separator. */
export const localNumber = (value) => String(value).replace(".", DECIMAL);

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074",
  5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

/** Short form for labels on the drawing: about three decimals, trailing zeros dropped. */
export function fmt(value) {
  if (value === null || value === undefined) return "\u2014";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs >= 1e5 || abs < 1e-3) return sci(value, 1); // 7.2×10¹¹; 1×10⁻⁸, never "0"
  if (abs < 10) return minus(trim(value.toFixed(3)));
  if (abs < 100) return minus(trim(value.toFixed(2)));
  return minus(trim(value.toFixed(1)));
}

/** Short form that fits a node's circle: one significant digit past 10⁴ (7×10¹¹). */
export function fmtTight(value) {
  if (!Number.isFinite(value) || Math.abs(value) < 1e4) return fmt(value);
  return sci(value, 0);
}

/** Long form for the chain rule and hover cards: up to 7 significant digits. */
export function fmtLong(value) {
  if (value === null || value === undefined) return "\u2014";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e7)) return sci(value, 6);
  return minus(trim(Number(value.toPrecision(7)).toFixed(10)));
}

/** Fixed decimals for tables (the circuit page): 0.8808, −0.1050; scientific when extreme. */
export function fmtFixed(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "\u2014";
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size !== 0 && (size >= 1e5 || size < 10 ** -digits)) return sci(value, 2);
  return minus(value.toFixed(digits));
}

/**
 * Scientific form with up to `decimals` decimals in the mantissa (trailing zeros dropped):
 * sci(7.21e11, 1) is "7.2×10¹¹", sci(-1e-8, 1) "−1×10⁻⁸".
 */
export function sci(value, decimals) {
  const [mantissa, exponent] = value.toExponential(decimals).split("e");
  const power = String(Number(exponent)).replace(/./g, (c) => SUPERSCRIPT[c]);
  return `${minus(trim(mantissa))}\u00d710${power}`;
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
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** "-0" reads as 0; "-" becomes the typographic minus; "." the page's decimal separator. */
function minus(text) {
  if (/^-0(\.0*)?$/.test(text)) return "0";
  return text.replace(/^-/, MINUS).replace(".", DECIMAL);
}

/** Escape text for use inside HTML built with template strings. */
export function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
