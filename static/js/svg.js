// Tiny helpers for building SVG without a library.

const NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes and append it to `parent` (if given). */
export function svgEl(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  if (parent) parent.appendChild(el);
  return el;
}

/** Set text only when it changed (cheap restyles on hundreds of labels); true if it did. */
export function setText(el, text) {
  if (!el || el.textContent === text) return false;
  el.textContent = text;
  return true;
}

/** Set an attribute only when it changed. */
export function setAttr(el, name, value) {
  const text = String(value);
  if (el && el.getAttribute(name) !== text) el.setAttribute(name, text);
}

/** Mix white with an rgb colour: t = 0 white, t = 1 the colour. */
export function tint(rgb, t) {
  const mix = (c) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(rgb[0])},${mix(rgb[1])},${mix(rgb[2])})`;
}
