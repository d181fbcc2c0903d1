// static/js/labels.js: the geometry that keeps the drawing's texts off edges and each other.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boxesOverlap, circleHitsBox, clashes, edgeCandidates, placeLabels, segmentHitsBox,
  visibleSegment } from "../../static/js/labels.js";

const box = { x: 10, y: 10, w: 20, h: 10 };

test("a segment through, beside, ending inside or along a box", () => {
  assert.equal(segmentHitsBox({ x: 0, y: 15 }, { x: 40, y: 15 }, box), true);
  assert.equal(segmentHitsBox({ x: 0, y: 0 }, { x: 40, y: 5 }, box), false);
  assert.equal(segmentHitsBox({ x: 0, y: 0 }, { x: 15, y: 15 }, box), true);
  assert.equal(segmentHitsBox({ x: 0, y: 40 }, { x: 5, y: 0 }, box), false);
  assert.equal(segmentHitsBox({ x: 20, y: 0 }, { x: 20, y: 9 }, box), false);
});

test("boxes and circles", () => {
  assert.equal(boxesOverlap(box, { x: 29, y: 19, w: 5, h: 5 }), true);
  assert.equal(boxesOverlap(box, { x: 30, y: 10, w: 5, h: 5 }), false);  // touching only
  assert.equal(circleHitsBox({ x: 0, y: 0, r: 15 }, box), true);
  assert.equal(circleHitsBox({ x: 0, y: 0, r: 14 }, box), false);
});

test("the visible part of an edge runs from rim to rim", () => {
  const [a, b] = visibleSegment({ x: 0, y: 0, r: 10 }, { x: 100, y: 0, r: 20 });
  assert.deepEqual([a, b], [{ x: 10, y: 0 }, { x: 80, y: 0 }]);
});

test("candidates beside a sloped edge clear it over their whole width", () => {
  const a = { x: 0, y: 0 };
  const b = { x: 200, y: 100 };
  const spots = edgeCandidates(a, b, 0.5, 60, 20);
  assert.ok(spots.length >= 10);
  for (const spot of spots) assert.equal(segmentHitsBox(a, b, spot), false);
  assert.equal(spots[0].cx, 100);  // the preferred place first
});

test("the first free spot wins; taken spots block the labels after", () => {
  const obstacles = { segments: [[{ x: 0, y: 15 }, { x: 100, y: 15 }]], circles: [], boxes: [] };
  const first = { candidates: [{ x: 0, y: 10, w: 20, h: 10 }, { x: 0, y: 20, w: 20, h: 10 }] };
  const second = { candidates: [{ x: 5, y: 22, w: 20, h: 10 }, { x: 5, y: 40, w: 20, h: 10 }] };
  const chosen = placeLabels([first, second], obstacles, { x: 0, y: 0, w: 100, h: 100 });
  assert.deepEqual(chosen, [{ index: 1, clashes: 0 }, { index: 1, clashes: 0 }]);
  assert.equal(clashes({ x: 95, y: 0, w: 10, h: 5 }, obstacles, { x: 0, y: 0, w: 100, h: 100 }), 1);
});

test("with no free spot the least crowded one is taken", () => {
  const segments = [[{ x: 0, y: 5 }, { x: 100, y: 5 }], [{ x: 0, y: 25 }, { x: 100, y: 25 }]];
  const label = { candidates: [{ x: 0, y: 0, w: 10, h: 30 }, { x: 0, y: 20, w: 10, h: 10 }] };
  assert.deepEqual(placeLabels([label], { segments, circles: [], boxes: [] }), [{ index: 1, clashes: 1 }]);
});

test("a label that may lie over edges minds only texts, neurons and the bounds", () => {
  const segments = [[{ x: 0, y: 5 }, { x: 100, y: 5 }]];
  const label = { overEdges: true, candidates: [{ x: 0, y: 0, w: 10, h: 10 }] };
  assert.deepEqual(placeLabels([label], { segments, circles: [], boxes: [] }), [{ index: 0, clashes: 0 }]);
});
