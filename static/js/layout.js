// Pure positions: where each neuron sits for a given list of layer sizes and a box size.

const MARGIN = { left: 60, right: 185, top: 40, bottom: 40 };
const BASE_RADIUS = 30; // at a 900 × 560 drawing; larger ones scale it (and the type) by k
const MIN_RADIUS = 5;
const MAX_SCALE = 1.45; // a laptop's drawing; presenter mode passes a larger one (a projector)

/** How much a drawing of this size scales the base radius and type: 1 at 900 × 560. */
export function drawingScale(width, height, maxScale = MAX_SCALE) {
  return clamp(Math.min(width / 900, height / 560), 1, maxScale);
}

/**
 * Columns left to right, neurons centred vertically in each column. `options`: margin,
 * maxScale (how far radius and type may grow), baseRadius (at scale 1, default 30),
 * typeScale (the type's size against the usual one, for the room E and the targets need),
 * spread (row spacing in radii, default 4.2).
 * Returns { width, height, k, radius, columns: [x per layer], nodes: [[{x, y, r, room}]] }.
 */
export function layoutNetwork(layers, width, height, options = {}) {
  const k = drawingScale(width, height, options.maxScale);
  const MAX_RADIUS = (options.baseRadius ?? BASE_RADIUS) * k;
  const margin = { ...MARGIN, ...options.margin };
  // A phone's drawing: Δ sits above the target box (render.js), so the strip right of the
  // output holds only the box; the input column moves closer to the left edge.
  const compact = width < 560;
  // Room right of the output for Δ, the target box and E, whose type grows with k too.
  margin.right = compact ? 96 : Math.max(margin.right, MAX_RADIUS + 175 * k * (options.typeScale ?? 1));
  margin.left = compact ? 34 : Math.max(margin.left, MAX_RADIUS + 20);
  const innerW = Math.max(10, width - margin.left - margin.right);
  const innerH = Math.max(10, height - margin.top - margin.bottom);
  const gaps = Math.max(1, layers.length - 1);
  const widest = Math.max(...layers);
  const rowGap = innerH / Math.max(1, widest);
  const colGap = innerW / gaps;
  // One radius per column: a 64-neuron layer must not shrink its neighbours to dots.
  // The output column has no weight labels to its right: its neurons may take more of the gap,
  // so a deep network still shows the output's value (not only on hover).
  const share = (l) => (l === layers.length - 1 ? 0.3 : compact ? 0.2 : 0.18);
  const radii = layers.map((size, l) =>
    clamp(Math.min((innerH / Math.max(1, size)) * 0.38, colGap * share(l)), MIN_RADIUS, MAX_RADIUS));
  const radius = Math.min(...radii);
  const columns = layers.map((_, l) => margin.left + (layers.length === 1 ? innerW / 2 : l * colGap));
  const midY = margin.top + innerH / 2;
  const nodes = layers.map((size, l) => {
    const spacing = Math.min(innerH / Math.max(1, size), radii[l] * (options.spread ?? 4.2));
    return Array.from({ length: size }, (_, i) => ({
      x: columns[l],
      y: midY + (i - (size - 1) / 2) * spacing,
      r: radii[l],
      room: spacing, // vertical room per node: the z/b text below only when it fits
    }));
  });
  return { width, height, k, compact, radius, radii, columns, nodes, margin, rowGap };
}

/** Where along an edge its weight label sits: staggered by target so labels do not collide. */
export function labelFraction(target, targets, source, sources) {
  if (targets === 1) return sources === 1 ? 0.5 : 0.62;
  // One fraction ≠ ½ for the whole layer: two crossing edges then have their labels at the
  // same x but |1 − 2f| of the vertical gap apart (at ½ they would sit on the crossing).
  return 0.3;
}

function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(hi, v));
}
