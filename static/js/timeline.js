// A cancellable timeline: steps run one after another on requestAnimationFrame.
// Each step is {duration (ms at speed 1), start(), frame(t in 0..1), end()}; every hook optional.
// `finish()` jumps to the end, running the remaining hooks at once, so the picture is always
// the one the completed pass would leave.

export function runTimeline(steps, getSpeed = () => 1) {
  let index = -1;
  let progress = 0;
  let last = null;
  let frameId = null;
  let resolve;
  const promise = new Promise((r) => { resolve = r; });

  function begin(i) {
    index = i;
    progress = 0;
    if (index >= steps.length) return done();
    steps[index].start?.();
    return true;
  }

  function close() {
    const step = steps[index];
    step.frame?.(1);
    step.end?.();
  }

  function done() {
    frameId = null;
    resolve();
    return false;
  }

  function tick(now) {
    if (index < 0) {  // the first step starts a frame after the numbers arrived (see below)
      last = now;
      if (begin(0)) frameId = requestAnimationFrame(tick);
      return;
    }
    const dt = last === null ? 16 : Math.min(100, now - last);
    last = now;
    let budget = dt * getSpeed();
    for (;;) {
      const step = steps[index];
      const duration = Math.max(0, step.duration || 0);
      const remaining = (1 - progress) * duration;
      if (duration > 0 && budget < remaining) {
        progress += budget / duration;
        step.frame?.(ease(progress));
        break;
      }
      budget -= remaining;
      close();
      if (!begin(index + 1)) return;
    }
    frameId = requestAnimationFrame(tick);
  }

  function finish() {
    if (frameId === null) return;
    cancelAnimationFrame(frameId);
    frameId = null;
    if (index >= 0) close();
    for (let i = index + 1; i < steps.length; i++) {
      steps[i].start?.();
      steps[i].frame?.(1);
      steps[i].end?.();
    }
    resolve();
  }

  // Not at once: the task that applied the arriving trace is long enough on a big network,
  // and the first step's restyle in the same frame would double it.
  frameId = requestAnimationFrame(tick);
  return { promise, finish, get running() { return frameId !== null; } };
}

/** Smooth start and stop. */
export function ease(t) {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}
