// One network session on the server and what the page does with it: create or reopen it,
// run phases with their animations, train with progress, reset, edit. No event listeners
// here (controls.js owns the DOM); `view` is the set of drawing callbacks main.js provides.

import * as api from "./api.js";
import { animatePhase } from "./animate.js";
import { fmtLong } from "./format.js";
import { t } from "./i18n.js";
import {
  applyTrace, commitUpdate, heldQuery, modelFromState, setFocusRow, setParameters, weightsCrc,
} from "./model.js";
import { specRequest } from "./state.js";
import { stepExtras } from "./matrix.js";
import { openSnapshot } from "./savefile.js";
import { store } from "./store.js";

const CYCLE = ["forward", "backward", "update"];
/** What a phase pressed during a training run says while it waits. */
const WAITING = {
  forward: () => t("narrate.waiting_forward"),
  backward: () => t("narrate.waiting_backward"),
  update: () => t("narrate.waiting_update"),
};

export class Session {
  constructor(view) {
    this.view = view;
    this.model = null; // the drawing's model of store.state.network plus the traces on screen
    this.animation = null;
    this.queue = Promise.resolve();
    this.pending = 0;
    this.playing = false;
    this.training = null;
    this.hurry = false; // set by interrupt(): the task running now skips its animations
    this.readOnly = false; // following a room: the page watches, it drives nothing
  }

  get id() { return this.model?.id; }

  /** Run `task` after the ones before it; errors become readable messages on the page. */
  enqueue(task) {
    if (this.pending > 2) return this.queue;
    this.pending += 1;
    this.view.busy(this.pending);
    // A new action starts clean: an old message must not outlive a later success.
    this.queue = this.queue.then(() => {
      this.hurry = false;
      this.view.clearError();
      return task();
    }).catch((err) => this.fail(err)).finally(() => {
      this.pending -= 1;
      this.view.busy(this.pending);
    });
    return this.queue;
  }

  fail(err) {
    this.playing = false;
    this.view.playing(false);
    this.view.error(err instanceof api.ApiError ? err.message : t("error.unexpected", { message: err.message }));
  }

  /** Reopen the session named in the setup, or create one from the setup's spec. */
  async open(setup) {
    this.finishAnimation();
    let state = null;
    if (setup.net) {
      state = await api.getNetwork(setup.net).catch((err) => {
        if (err.status === 404) return null;
        throw err;
      });
    }
    if (!state && setup.from) state = await openShared(setup.from, this.view);
    if (!state) state = await api.createNetwork(specRequest(setup, store.state.presets));
    this.adopt(state);
    return state;
  }

  /** A new network: the store holds its state, the drawing starts over from it. */
  adopt(state) {
    this.model = modelFromState(state);
    store.update({ network: state });
    this.view.rebuild(this.model);
    this.loadFocusRow(this.model);
  }

  /**
   * The state carries the rows of at most 1,000 samples: for a larger dataset read the focus
   * row once per network, so its inputs and target show before the first pass, as they do
   * for a small one.
   */
  async loadFocusRow(model) {
    const info = model.data;
    if (!info?.samples || info.inputs) return;
    const focus = model.focus ?? 0;
    let rows;
    try {
      rows = await api.networkData(model.id, focus, 1);
    } catch (err) {
      if (model === this.model) this.view.error(t("error.first_sample", { message: err.message }));
      return;
    }
    if (model !== this.model || !rows.inputs?.length) return;
    if (setFocusRow(model, focus, rows.inputs[0], rows.targets[0])) this.view.restyle();
  }

  finishAnimation() {
    this.animation?.finish();
    this.animation = null;
  }

  /**
   * Stop playing and jump the running pass to its end, at once (not in the queue): the
   * play loop never ends by itself and a slow-motion pass runs for many seconds, so an
   * action queued behind either would wait until then (an edit seemed ignored). A pass
   * whose numbers are still on their way then appears at once too (`hurry`).
   */
  interrupt() {
    this.hurry = true;
    this.playing = false;
    this.view.playing(false);
    this.finishAnimation();
  }

  /** The phases still to run to complete the current step. */
  remaining() {
    const done = this.model.stale ? new Set() : this.model.done;
    const start = CYCLE.findIndex((p) => !done.has(p));
    return start < 0 || done.has("update") ? [...CYCLE] : CYCLE.slice(start);
  }

  /**
   * In follow mode the page shows the teacher's network and drives nothing: every action a
   * control or key would start is refused here, in one place, with a word on how to explore.
   */
  refused() {
    if (!this.readOnly) return false;
    this.view.narrate(t("narrate.following", { fork: `<b>${t("follow.fork")}</b>` }));
    return true;
  }

  /** While a training run holds the queue a phase waits for it: say so, it is not lost. */
  noteWaiting(say) {
    if (this.training) this.view.narrate(say());
  }

  phase(name) {
    if (this.refused()) return this.queue;
    if (this.playing) this.interrupt();
    this.noteWaiting(WAITING[name]);
    return this.enqueue(() => this.runPhase(name));
  }

  fullStep() {
    if (this.refused()) return this.queue;
    if (this.playing) this.interrupt();
    this.noteWaiting(() => t("narrate.waiting_step"));
    return this.enqueue(async () => {
      for (const name of this.remaining()) await this.runPhase(name);
    });
  }

  async runPhase(name) {
    this.finishAnimation();
    this.view.clearError();
    const model = this.model;
    await this.showTrace(name, await api.step(this.id, name, stepExtras(model),
      heldQuery(model)));
  }

  /**
   * Draw and animate a phase's trace: one this page asked for, or, in follow mode, one the
   * teacher's page ran (the room relays the same JSON).
   */
  async showTrace(name, trace) {
    applyTrace(this.model, trace);
    this.model.stale = false;
    if (name === "update" || name === "all") {
      commitUpdate(this.model);
      if (trace.loss !== null && trace.loss !== undefined) this.model.lossHistory.push(trace.loss);
    }
    this.view.phaseDone(name, trace);
    await this.animate(name === "all" ? "update" : name);
    if (name === "update") this.view.parametersChanged();
  }

  async animate(name) {
    this.view.animating(name);
    this.animation = animatePhase(name, this.view.animationContext(this.model));
    if (this.hurry) this.animation.finish();  // interrupted while its numbers were on the way
    await this.animation.promise;
    this.animation = null;
    // The pass's last frame already restyled the drawing: the page's own refresh (panel,
    // status, loss chart, the text alternative) waits for the next task, so a big network's
    // last frame is not twice as long.
    await new Promise((resolve) => { setTimeout(resolve, 0); });
    this.view.restyle();
    this.view.animating(null);
  }

  togglePlay() {
    if (this.refused()) return;
    this.playing = !this.playing;
    this.view.playing(this.playing);
    if (this.playing) this.enqueue(() => this.playLoop());
    else this.finishAnimation();
  }

  async playLoop() {
    while (this.playing) {
      for (const name of this.remaining()) {
        if (!this.playing) return;
        await this.runPhase(name);
      }
    }
  }

  reset() {
    if (this.refused()) return this.queue;
    this.interrupt();
    return this.enqueue(async () => {
      const state = await api.reset(this.id);
      this.refresh(state);
      this.view.clearTraining();
      this.view.narrate(t("narrate.reset"));
    });
  }

  /** New parameters from the server (training, reset, an edit): keep the drawing, restyle. */
  refresh(state) {
    const full = state.weights ? state : state.state;
    if (!full) return;
    setParameters(this.model, full);
    store.update({ network: full });
    this.view.restyle();
    this.view.parametersChanged();
  }

  editWeight(edge, value) {
    if (this.refused()) return this.queue;
    this.interrupt();
    return this.enqueue(async () => {
      const state = await api.patchNetwork(this.id, {
        weight: { layer: edge.layer, source: edge.source, target: edge.target, value },
      });
      this.refresh(state?.weights ? state : await api.getNetwork(this.id));
      this.view.narrate(t("narrate.weight_edited", { name: edge.name, value: fmtLong(value) }));
    });
  }

  editBias(node, value) {
    if (this.refused()) return this.queue;
    this.interrupt();
    return this.enqueue(async () => {
      const state = await api.patchNetwork(this.id, {
        bias: { layer: node.layer, index: node.index, value },
      });
      this.refresh(state?.weights ? state : await api.getNetwork(this.id));
      this.view.narrate(t("narrate.bias_edited", { name: node.name, value: fmtLong(value) }));
    });
  }

  editData(inputs, targets) {
    if (this.refused()) return this.queue;
    this.interrupt();
    return this.enqueue(async () => {
      const state = await api.patchNetwork(this.id, { inputs, targets });
      this.refresh(state?.weights ? state : await api.getNetwork(this.id));
      this.view.dataChanged(inputs, targets);
      this.view.narrate(t("narrate.new_data"));
    });
  }

  /**
   * PATCH the learning rate; the answer (the whole state) replaces the store's network, so the
   * field and the chain rule show the rate the server trains with, whatever was asked.
   */
  setLearningRate(value) {
    if (this.refused()) return this.queue;
    return this.enqueue(async () => {
      const state = await api.patchNetwork(this.id, { learning_rate: value });
      this.model.learningRate = state.learning_rate;
      store.update({ network: state });
    });
  }

  /** Fill in every node's numbers at the current weights, without animation. */
  async showForward() {
    const held = { omit: ["weights"], weights_crc: weightsCrc(this.model) };
    const trace = await api.step(this.id, "forward", stepExtras(this.model), held);
    applyTrace(this.model, trace);
    this.model.stale = false;
    this.view.restyle();
  }

  /**
   * Train `epochs` in one streamed call: progress feeds the bar and the loss curve, and its
   * live snapshots (about twice a second) restyle the drawing and redraw the boundary; the
   * final state and a forward pass come at the end. One call keeps the epoch in a divergence
   * message absolute, and a divergence leaves the network as it was before the click (the
   * server keeps a failed call's weights out).
   */
  train(epochs, batchSize) {
    if (this.refused()) return this.queue;
    this.interrupt();
    return this.enqueue(async () => {
      this.finishAnimation();
      const body = { epochs };
      if (batchSize) body.batch_size = batchSize;
      const live = { weights: true };
      const resolution = this.view.boundaryResolution();
      if (resolution) live.grid_resolution = resolution;
      if (resolution && this.view.boundaryNeurons()) live.neurons = true;
      this.view.trainProgress(0, epochs, null);
      let result;
      this.training = true;
      try {
        result = await api.train(this.id, body, (ev) => this.onProgress(ev, epochs), { live });
      } catch (err) {
        this.training = false;
        this.view.trainFailed(this.model.step);
        this.refresh(await api.getNetwork(this.id));
        throw new api.ApiError(t("error.train_failed", { message: err.message, step: this.model.step }),
          err.status, err.detail);
      }
      this.training = false;
      this.view.trainProgress(epochs, epochs, result.loss, result.state?.test_loss);
      this.refresh(result.state);
      await this.showForward();
      this.view.trainDone(epochs);
    });
  }

  /** One progress event: the bar and curve; a live snapshot restyles edges and the boundary. */
  onProgress(ev, epochs) {
    this.view.trainProgress(ev.epoch ?? 0, epochs, ev.loss, ev.test_loss);
    if (ev.weights) {
      setParameters(this.model, { ...store.state.network, weights: ev.weights, biases: ev.biases,
        step: this.model.step, loss_history: this.model.lossHistory });
      this.view.restyle();
    }
    if (ev.grid) this.view.liveBoundary(ev.grid);
  }
}

/** A shared link's snapshot, copied; gone (expired): null, so the setup builds a fresh one. */
async function openShared(id, view) {
  try {
    return await openSnapshot(id);
  } catch (err) {
    if (err.status !== 404) throw err;
    view.error(t("error.shared_expired"));
    return null;
  }
}
