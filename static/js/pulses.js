// Moving dots drawn on a canvas laid over the SVG: hundreds of pulses per frame cost one
// canvas repaint instead of a repaint of the whole drawing.

export class PulseLayer {
  constructor(canvas) {
    this.canvas = canvas;
    this.sets = new Set();
  }

  /** Start a set of pulses [{x, y, dx, dy}] in a colour; returns a handle {move(t), remove()}. */
  add(paths, colour, radius) {
    const set = { paths, colour, radius, t: 0 };
    this.sets.add(set);
    this.draw();
    return {
      move: (t) => { set.t = t; this.draw(); },
      remove: () => { this.sets.delete(set); this.draw(); },
    };
  }

  /** Redraw every running set (called from the timeline's frame, so no extra frame lag). */
  draw() {
    const ctx = this.fit();
    for (const set of this.sets) {
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
    const w = Math.round(this.canvas.clientWidth * ratio);
    const h = Math.round(this.canvas.clientHeight * ratio);
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
