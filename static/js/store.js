// The page's state with one owner. Everything the page knows lives here, in one frozen object
// replaced part by part:
//   setup     the setup the URL describes (state.js): preset, layers …, and the view's
//             preferences (speed, slow, presenter, epochs, batchSize)
//   network   the network's state as the server last answered it (GET, POST, PATCH, reset,
//             train): the truth for its spec, learning rate, weights and data
//   limits    the server's limits (GET /api/limits), the README's values until it answers
//   presets   GET /api/presets;   datasets   GET /api/datasets
// Every server answer replaces the part it covers (`update({network: answer})`); nothing else
// keeps a copy. Subscribers hear which parts changed and redraw what shows them. The
// drawing's model (model.js) is derived from `network` plus the step traces on screen.
//
// Other modules read `store.state.…` and write with `store.update({...})`; they never mutate
// the objects they read (they are frozen).

/** The README's limits, used until GET /api/limits answers. */
export const DEFAULT_LIMITS = Object.freeze({
  layers: 10,          // input and output included
  neurons: 64,         // per layer
  samples: 10000,
  epochs: 100000,
  learningRate: 1000,  // exclusive minimum 0
  regularizationRate: 100,
  noise: 10,
  value: 1e9,          // any weight, bias, input or target
  batchSize: 10000,
});

const EMPTY = { setup: {}, network: null, limits: DEFAULT_LIMITS, presets: [], datasets: [] };

/** A store holding `initial`'s parts; `update` replaces parts, `subscribe` listens. */
export function createStore(initial = {}) {
  let state = freeze({ ...EMPTY, ...initial });
  const subscribers = new Set();
  return {
    get state() { return state; },

    /**
     * Replace the parts named in `patch` (each part is replaced whole, never merged) and tell
     * the subscribers which ones changed. Returns the new state.
     */
    update(patch) {
      const changed = Object.keys(patch).filter((key) => patch[key] !== state[key]);
      if (!changed.length) return state;
      state = freeze({ ...state, ...patch });
      for (const fn of [...subscribers]) fn(state, changed);
      return state;
    },

    /** Merge `patch` into the setup (view preferences, a changed field); null deletes a key. */
    updateSetup(patch) {
      const setup = { ...state.setup, ...patch };
      for (const [key, value] of Object.entries(patch)) if (value === null) delete setup[key];
      return this.update({ setup });
    },

    /** Call `fn(state, changedParts)` after every update; returns the function that stops it. */
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}

/** Shallow-freeze the state and its parts: a reader cannot change what others see. */
function freeze(state) {
  for (const value of Object.values(state)) {
    if (value && typeof value === "object") Object.freeze(value);
  }
  return Object.freeze(state);
}

/** The page's one store (both main.js and any feature module import this one). */
export const store = createStore();
