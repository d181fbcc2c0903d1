// Moving dots drawn on a canvas laid over the SVG: hundreds of pulses per frame cost one
// canvas repaint instead of a repaint of the whole drawing.

export class PulseLayer {
  constructor(canvas) {
    this.canvas = canvas;
    this.sets = new Set();
    // The CSS box, measured when it changes rather than read each frame: reading
    // clientWidth mid-animation forces a layout of the whole (restyled) drawing.
    this.box = null;
    this.clean = false;  // nothing drawn since the last clear
    // A compositing layer of its own: a frame's dots then re-raster only this canvas, not
    // the page under it (without a GPU a canvas is otherwise painted into its parent).
    canvas.style.willChange = "transform";
    new ResizeObserver(() => { this.box = null; }).observe(canvas);
  }

  /** Start a set of pulses [{x, y, dx, dy}] in a colour; returns a handle {move(t), remove()}. */
  add(paths, colour, radius, front = null) {
    const set = { paths, colour, radius, front, t: 0 };
    this.sets.add(set);
    this.draw();
    return {
      move: (t) => { set.t = t; this.draw(); },
      remove: () => { this.sets.delete(set); this.draw(); },
    };
  }

  /**
   * A big layer's pulse: one front {x, dx, top, bottom} crossing from column to column
   * instead of a dot on each of its thousands of edges.
   */
  addFront(front, colour, radius) {
    return this.add([], colour, radius, front);
  }

  /** Redraw every running set (called from the timeline's frame, so no extra frame lag). */
  draw() {
    if (!this.sets.size && this.clean) return;
    const ctx = this.fit();
    this.clean = !this.sets.size;
    for (const set of this.sets) {
      if (set.front) {
        drawFront(ctx, set);
        continue;
      }
      ctx.fillStyle = set.colour;
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const p of set.paths) {
        const x = p.x + p.dx * set.t;
        const y = p.y + p.dy * set.t;
        ctx.moveTo(x + set.radius, y);
        ctx.arc(x, y, set.radius, 0, 2 * Math.PI);
      }
      ctx.fill();
      ctx.stroke();
    }
  }

  /** Match the backing store to the CSS box (and the screen's pixel ratio); clear it. */
  fit() {
    const ratio = window.devicePixelRatio || 1;
    this.box ??= { w: this.canvas.clientWidth, h: this.canvas.clientHeight };
    const w = Math.round(this.box.w * ratio);
    const h = Math.round(this.box.h * ratio);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }
}

/** A bar as tall as the two columns, the pulses' colour, fading at its edges. */
function drawFront(ctx, { front, colour, radius, t }) {
  const x = front.x + front.dx * t;
  const half = 2 * radius;
  const glow = ctx.createLinearGradient(x - half, 0, x + half, 0);
  glow.addColorStop(0, "rgba(255,255,255,0)");
  glow.addColorStop(0.5, colour);
  glow.addColorStop(1, "rgba(255,255,255,0)");
  ctx.globalAlpha = 0.8;
  ctx.fillStyle = glow;
  ctx.fillRect(x - half, front.top, 2 * half, front.bottom - front.top);
  ctx.globalAlpha = 1;
}
