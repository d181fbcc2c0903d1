// Pure geometry for placing text on the drawing: each label tries its candidate spots in order
// and takes the first whose box crosses no visible edge, no neuron, no label placed before it
// and stays inside the drawing (none free: the least-crowded spot, which render.js hides).
// No DOM here.

/** Does the segment a→b pass through the box {x, y, w, h}? (Liang–Barsky clipping.) */
export function segmentHitsBox(a, b, box) {
  // Most segments are nowhere near the box: their bounding boxes do not even meet.
  if (Math.max(a.x, b.x) < box.x || Math.min(a.x, b.x) > box.x + box.w ||
    Math.max(a.y, b.y) < box.y || Math.min(a.y, b.y) > box.y + box.h) return false;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  const sides = [[-dx, a.x - box.x], [dx, box.x + box.w - a.x], [-dy, a.y - box.y], [dy, box.y + box.h - a.y]];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** Do two boxes overlap (touching edges do not count)? */
export function boxesOverlap(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Does a circle {x, y, r} reach into the box? */
export function circleHitsBox(c, box) {
  const nx = Math.max(box.x, Math.min(c.x, box.x + box.w));
  const ny = Math.max(box.y, Math.min(c.y, box.y + box.h));
  return (c.x - nx) ** 2 + (c.y - ny) ** 2 < c.r * c.r;
}

/**
 * The visible part of an edge between two neurons: from circle rim to circle rim (the part
 * inside a neuron is hidden under it).
 */
export function visibleSegment(a, b) {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len;
  const uy = (b.y - a.y) / len;
  return [{ x: a.x + ux * a.r, y: a.y + uy * a.r }, { x: b.x - ux * b.r, y: b.y - uy * b.r }];
}

/** How many obstacles a box meets (0: a free spot); `overEdges` lets it lie across edges. */
export function clashes(box, obstacles, bounds, overEdges = false) {
  let n = 0;
  if (bounds && (box.x < bounds.x || box.y < bounds.y || box.x + box.w > bounds.x + bounds.w ||
    box.y + box.h > bounds.y + bounds.h)) n += 1;
  if (!overEdges) for (const [a, b] of obstacles.segments) if (segmentHitsBox(a, b, box)) n += 1;
  for (const c of obstacles.circles) if (circleHitsBox(c, box)) n += 1;
  for (const other of obstacles.boxes) if (boxesOverlap(box, other)) n += 1;
  return n;
}

/**
 * Place labels one after the other. Each label: {candidates: [box …], overEdges} in order of
 * preference (overEdges: it may lie across edges, as a name in a crowded column, haloed);
 * a free box joins the obstacles of the labels after it. `obstacles` = {segments: [[a, b]],
 * circles: [{x, y, r}], boxes: [box]}. Returns, per label, the index of the chosen candidate
 * and how many clashes it still has (0 when a free spot was found; a label with clashes is
 * left out by the caller, so it blocks nothing).
 */
export function placeLabels(labels, obstacles, bounds) {
  const placed = { segments: obstacles.segments, circles: obstacles.circles, boxes: [...obstacles.boxes] };
  return labels.map(({ candidates, overEdges }) => {
    let best = { index: 0, clashes: Infinity };
    for (const [index, box] of candidates.entries()) {
      const n = clashes(box, placed, bounds, overEdges);
      if (n < best.clashes) best = { index, clashes: n };
      if (n === 0) break;
    }
    if (best.clashes === 0) placed.boxes.push(candidates[best.index]);
    return best;
  });
}

/**
 * Candidate boxes for an edge's label (a box `w`×`h`) beside the segment a→b: at fractions
 * around `f`, above then below the line, far enough that the box clears the line over its whole
 * width (`pad` more). Returns [{x, y, w, h, cx, cy}] with the box's centre.
 */
export function edgeCandidates(a, b, f, w, h, pad = 3) {
  const slope = Math.abs(b.x - a.x) < 1e-9 ? 0 : (b.y - a.y) / (b.x - a.x);
  const clear = h / 2 + Math.abs(slope) * w / 2 + pad;
  const out = [];
  for (const d of [0, 0.06, -0.06, 0.12, -0.12, 0.18, -0.18, 0.24, -0.24, 0.3, -0.3]) {
    const t = f + d;
    if (t < 0.12 || t > 0.88) continue;
    const px = a.x + (b.x - a.x) * t;
    const py = a.y + (b.y - a.y) * t;
    for (const side of [-1, 1]) {
      const cy = py + side * clear;
      out.push({ x: px - w / 2, y: cy - h / 2, w, h, cx: px, cy });
    }
  }
  return out;
}
