// Canvas widgets: the loss curve and the decision-boundary heat map (TF Playground style).

import { fmt } from "./format.js";
import { t } from "./i18n.js";
import { classCss, classRgb } from "./multiclass.js";

const BLUE = [0, 114, 178];
const ORANGE = [213, 94, 0];

/** Size a canvas's backing store to its CSS box (crisp on any screen); returns the 2-D context. */
function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const h = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * The loss curve: one point per epoch (or per step), redrawn whole; cheap for ≤ a few 1000.
 * `current` is the E of a forward pass not yet in the history (drawn as a hollow dot);
 * `log` draws log10(loss), useful for divergence and long runs.
 */
export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.points = [];
    this.tests = [];  // the held-out rows' loss beside each point (a train/test split), or null
    this.now = null;
    this.log = false;
  }

  /**
   * A new history. The test losses seen so far keep their place along it (spread as the
   * training run's progress events were, evenly over its epochs); `fresh` drops them (another
   * network).
   */
  set(points, { fresh = false } = {}) {
    const before = this.points.length;
    this.points = points.filter(Number.isFinite);
    const n = this.points.length;
    const tests = [];
    if (!fresh && before > 1 && n > 1) {
      this.tests.forEach((v, i) => {
        if (Number.isFinite(v)) tests[Math.round((i * (n - 1)) / (before - 1))] = v;
      });
    }
    this.tests = tests;
    this.now = null;
    this.draw();
  }

  push(value, test = null) {
    if (!Number.isFinite(value)) return;
    this.points.push(value);
    this.tests[this.points.length - 1] = Number.isFinite(test) ? test : null;
    this.draw();
  }

  current(value) { this.now = Number.isFinite(value) ? value : null; this.draw(); }

  setLog(on) { this.log = on; this.draw(); }

  draw() {
    const ctx = fit(this.canvas);
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    ctx.clearRect(0, 0, w, h);
    this.canvas.dataset.points = String(this.points.length);
    const tests = this.tests.filter(Number.isFinite);
    const all = [...(this.now === null ? this.points : [...this.points, this.now]), ...tests];
    const pad = { l: 50, r: 10, t: 10, b: Math.max(18, Math.round(h / 10) + 8) };
    ctx.font = `${Math.max(11, Math.round(h / 10))}px 'DejaVu Sans', sans-serif`;
    ctx.fillStyle = cssVar("--muted", "#555");
    if (!all.length) {
      ctx.fillText(t("chart.no_loss"), 8, h / 2);
      return;
    }
    const y = this.scale(all, pad, h);
    pad.l = this.axisLabels(ctx, y, w, h, pad);
    ctx.strokeStyle = cssVar("--line", "#ccc");
    ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
    this.epochAxis(ctx, w, h, pad);
    const n = all.length;
    const x = (i) => pad.l + (n === 1 ? 0.5 : i / (n - 1)) * (w - pad.l - pad.r);
    ctx.beginPath();
    this.points.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y.of(v)) : ctx.lineTo(x(i), y.of(v))));
    ctx.strokeStyle = cssVar("--accent", "#009e73");
    ctx.lineWidth = 2;
    ctx.stroke();
    if (this.points.length === 1) ctx.fillRect(x(0) - 3, y.of(this.points[0]) - 3, 6, 6);
    this.canvas.dataset.testPoints = String(tests.length);
    if (tests.length) this.drawTests(ctx, x, y, w, pad);
    if (this.now !== null) {
      ctx.beginPath();
      ctx.arc(x(n - 1), y.of(this.now), 4, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  /** The test loss, dashed, and a key naming both curves (TF Playground draws both). */
  drawTests(ctx, x, y, w, pad) {
    ctx.save();
    ctx.beginPath();
    let open = false;
    this.tests.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      if (open) ctx.lineTo(x(i), y.of(v));
      else ctx.moveTo(x(i), y.of(v));
      open = true;
    });
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = cssVar("--fg", "#222");
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.restore();
    ctx.textAlign = "right";
    ctx.fillText(`${t("chart.train")} —  ${t("chart.test")} - -`, w - pad.r - 4, pad.t + 12);
    ctx.textAlign = "left";
  }

  /**
   * The horizontal axis under the frame: the first and last epoch of the history (each step
   * of the phases counts as one), "this pass" for a forward pass's E alone, and the scale.
   */
  epochAxis(ctx, w, h, pad) {
    const n = this.points.length;
    const left = n ? "1" : "";
    const right = n > 1 ? String(n) : "";
    const caption = n ? `${t("chart.epoch")}${this.log ? ` \u00b7 ${t("chart.log")}` : ""}` : t("chart.this_pass");
    const y = h - 4;
    ctx.textAlign = "left";
    ctx.fillText(left, pad.l, y);
    ctx.textAlign = "right";
    ctx.fillText(right, w - pad.r, y);
    ctx.textAlign = "center";
    ctx.fillText(caption, (pad.l + w - pad.r) / 2, y);
    ctx.textAlign = "left";
    Object.assign(this.canvas.dataset, { axisLeft: left, axisRight: right, axisCaption: caption });
  }

  /**
   * Write the top and bottom values left of the frame and return where the frame starts:
   * just right of the wider label (7.2×10¹¹, 1×10⁻¹²), so no label runs into the plot; the
   * type shrinks if a label would take more than a third of the width.
   */
  axisLabels(ctx, y, w, h, pad) {
    const widest = () => Math.max(ctx.measureText(y.top).width, ctx.measureText(y.bottom).width);
    const room = w / 3 - 6;
    if (widest() > room) {
      const size = Math.max(8, (parseFloat(ctx.font) * room) / widest());
      ctx.font = ctx.font.replace(/^[\d.]+px/, `${size.toFixed(1)}px`);
    }
    const width = widest();
    const left = Math.max(40, Math.ceil(width) + 8);
    ctx.fillText(y.top, 2, pad.t + 10);
    ctx.fillText(y.bottom, 2, h - pad.b);
    // What the axis reads and where the frame starts, for tests (the canvas has no DOM text).
    Object.assign(this.canvas.dataset, { axisTop: y.top, axisBottom: y.bottom,
      labelRight: (2 + width).toFixed(1), frameLeft: String(left) });
    return left;
  }

  /**
   * The vertical scale: linear from 0 (or the minimum) to the maximum, or log10 over whole
   * decades (labels 1×10⁻¹², 1×10³⁰); margins when flat. Flat is relative, so a loss of
   * 1e-12 still fills the chart.
   */
  scale(values, pad, h) {
    // A loss of exactly 0 sits at the bottom of a log chart, at the smallest positive loss.
    const floor = values.reduce((m, v) => (v > 0 && v < m ? v : m), Infinity);
    const tf = this.log ? (v) => Math.log10(Math.max(v, Number.isFinite(floor) ? floor : 1e-16)) : (v) => v;
    const ts = values.map(tf);
    let hi = ts.reduce((a, b) => Math.max(a, b));  // not Math.max(...ts): 100,000 arguments
    let lo = ts.reduce((a, b) => Math.min(a, b), this.log ? Infinity : 0);
    if (this.log) {
      lo = Math.floor(lo);
      hi = Math.max(lo + 1, Math.ceil(hi));
    } else if (hi - lo <= Math.abs(hi) * 1e-9) {
      hi += Math.abs(hi) * 0.1 || 1;
    }
    const span = hi - lo;
    const inner = h - pad.t - pad.b;
    const label = (t) => fmt(this.log ? 10 ** t : t);
    return { top: label(hi), bottom: label(lo), of: (v) => pad.t + (1 - (tf(v) - lo) / span) * inner };
  }
}

/**
 * Decision boundary: `grid` {xs, ys, values[row][col], lo, hi}; `points` [{x, y, value}].
 * With `grid.classes` (k > 1 outputs) each cell is {k, p} (most likely class, its
 * probability) drawn in that class's colour, and a point's value is its class.
 */
export class HeatMap {
  constructor(canvas) {
    this.canvas = canvas;
    this.grid = null;
    this.points = [];
  }

  set(grid, points) { this.grid = grid; this.points = points || []; this.draw(); }

  draw() {
    const ctx = fit(this.canvas);
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    ctx.clearRect(0, 0, w, h);
    if (!this.grid) return;
    if (this.grid.curve) {
      this.drawCurve(ctx, w, h);
      return;
    }
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.image(), 0, 0, w, h);
    const { xs, ys } = this.grid;
    const sx = (x) => ((x - xs[0]) / (xs.at(-1) - xs[0] || 1)) * w;
    const sy = (y) => (1 - (y - ys[0]) / (ys.at(-1) - ys[0] || 1)) * h;
    // Dots shrink as they multiply (3.5 px up to 400 points, 1.8 px from about 1,500), so a
    // large set still shows the map beneath it.
    const n = this.points.length;
    // A larger map (presenter mode, a wide panel) gets larger dots: seen from the back of a room.
    const grow = Math.max(1, Math.min(2.5, w / 200));
    const radius = grow * Math.max(1.8, Math.min(3.5, 3.5 * Math.sqrt(400 / Math.max(n, 1))));
    const fill = (p) => (this.grid.classes ? classCss(p.value) : colour(this.unit(p.value), 1));
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = radius > 2.5 ? 1 : 0.5;
    const train = this.points.filter((p) => !p.test);
    for (const p of train) {
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), radius, 0, 2 * Math.PI);
      ctx.fillStyle = fill(p);
      ctx.fill();
      ctx.stroke();
    }
    // Held-out (test) rows: hollow rings in their class's colour, on a white halo, on top.
    const tests = this.points.filter((p) => p.test);
    for (const p of tests) {
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), radius + 0.5, 0, 2 * Math.PI);
      ctx.lineWidth = Math.max(2.5, radius * 0.9);
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.lineWidth = Math.max(1.3, radius * 0.5);
      ctx.strokeStyle = fill(p);
      ctx.stroke();
    }
    Object.assign(this.canvas.dataset, { points: String(train.length), testPoints: String(tests.length) });
  }

  /**
   * A 1-input regression: the data as dots (x, target) and the network's output as a line
   * over the same x range, on one vertical scale that holds both.
   */
  drawCurve(ctx, w, h) {
    const { xs, curve } = this.grid;
    const ys = [...curve, ...this.points.map((p) => p.y)].filter(Number.isFinite);
    let lo = ys.reduce((a, b) => Math.min(a, b), Infinity);
    let hi = ys.reduce((a, b) => Math.max(a, b), -Infinity);
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const pad = 8;
    const sx = (x) => pad + ((x - xs[0]) / (xs.at(-1) - xs[0] || 1)) * (w - 2 * pad);
    const sy = (y) => pad + (1 - (y - lo) / (hi - lo)) * (h - 2 * pad);
    const radius = Math.max(2.5, Math.min(5, w / 90));
    ctx.fillStyle = colour(0, 1);
    for (const p of this.points) {
      if (!Number.isFinite(p.y)) continue;
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), radius, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.beginPath();
    curve.forEach((y, i) => (i ? ctx.lineTo(sx(xs[i]), sy(y)) : ctx.moveTo(sx(xs[i]), sy(y))));
    ctx.strokeStyle = colour(1, 1);
    ctx.lineWidth = Math.max(2, w / 120);
    ctx.stroke();
    Object.assign(this.canvas.dataset, { points: String(this.points.length), curve: String(curve.length) });
  }

  unit(v) {
    const { lo, hi } = this.grid;
    return Math.max(0, Math.min(1, (v - lo) / (hi - lo || 1)));
  }

  image() {
    const { xs, ys, values } = this.grid;
    const off = document.createElement("canvas");
    off.width = xs.length;
    off.height = ys.length;
    const ctx = off.getContext("2d");
    const img = ctx.createImageData(xs.length, ys.length);
    for (let r = 0; r < ys.length; r++) {
      for (let c = 0; c < xs.length; c++) {
        const rgb = this.grid.classes ? classRgb(values[r][c], 0.55) : mix(this.unit(values[r][c]), 0.55);
        const i = ((ys.length - 1 - r) * xs.length + c) * 4;
        img.data.set([rgb[0], rgb[1], rgb[2], 255], i);
      }
    }
    ctx.putImageData(img, 0, 0);
    return off;
  }
}

/** 0 → orange, 0.5 → white, 1 → blue; `strength` < 1 keeps the background light. */
function mix(t, strength) {
  const base = t < 0.5 ? ORANGE : BLUE;
  const k = Math.abs(t - 0.5) * 2 * strength;
  return base.map((c) => Math.round(255 + (c - 255) * k));
}

function colour(t, strength) {
  const [r, g, b] = mix(t, strength);
  return `rgb(${r},${g},${b})`;
}
