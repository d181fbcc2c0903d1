// What the page shows: the network drawing, heads, panel, hover card, plots, messages.
// The Session calls these callbacks; controls.js calls select/hover on user input.

import * as api from "./api.js";
import { placeHeads, renderDepth, renderHeads, renderTable } from "./editors.js";
import { fmt } from "./format.js";
import { t, tn } from "./i18n.js";
import { layoutNetwork } from "./layout.js";
import { renderPanel, tooltipHtml } from "./panel.js";
import { HeatMap, LossChart } from "./plots.js";
import { argmax, classCells, showAccuracy } from "./multiclass.js";
import { PulseLayer } from "./pulses.js";
import { createRenderer } from "./render.js";
import { store } from "./store.js";
import { textAlternative } from "./textalt.js";
import { mapsFit, paintNeuronMaps } from "./neuronmaps.js";
import { discretize } from "./playground.js";

const BOUNDARY_RESOLUTION = 48;

/** `prefs()` answers the current view preferences (speed, slow, presenter: the store's setup). */
/**
 * The narration never hides a line: a long one is set smaller (down to 70%), and beyond that
 * the status line grows to hold it.
 */
function fitNarration(el) {
  el.style.fontSize = "";
  el.classList.remove("overflowing");
  let size = parseFloat(getComputedStyle(el).fontSize);
  const min = size * 0.7;
  while (el.scrollHeight > el.clientHeight + 1 && size > min) {
    size -= 1;
    el.style.fontSize = `${size}px`;
  }
  if (el.scrollHeight > el.clientHeight + 1) el.classList.add("overflowing");
}

export function createView(dom, prefs) {
  let model = null;
  let selected = null;
  let hovered = null;
  let boundaryTimer = null;
  let lastGrid = null; // the heat map's grid, to repaint when large data arrives
  let run = null; // {done, total} while a training run streams its progress
  let bigData = null; // {id, inputs, targets, done}: rows of a > 1,000-sample set, read by page
  const lossChart = new LossChart(dom.lossChart);
  const heatMap = new HeatMap(dom.boundary);
  const pulseLayer = new PulseLayer(dom.pulses);
  const describeDrawing = textAlternative(document.getElementById("network-text"));
  const renderer = createRenderer(dom.svg, {
    hover: (id, event) => view.hover(id, event),
    leave: () => view.leave(),
    select: (id) => view.select(id),
  });

  let drawingSize = null;  // {w, h}: the SVG's own size in px, as fitDrawing last set it

  /**
   * Give the SVG its wrap's size in whole pixels. Sized in % the SVG is laid out again, all of
   * its thousands of texts, whenever anything else in its column is (a new narration line:
   * 50–100 ms on a 608-edge network); sized in px it is left alone. True if the size changed.
   */
  function fitDrawing() {
    const box = dom.svg.parentElement.getBoundingClientRect();
    const size = { w: Math.max(1, Math.round(box.width)), h: Math.max(1, Math.round(box.height)) };
    if (drawingSize && size.w === drawingSize.w && size.h === drawingSize.h) return false;
    drawingSize = size;
    dom.svg.style.width = `${size.w}px`;
    dom.svg.style.height = `${size.h}px`;
    return true;
  }

  function layout() {
    fitDrawing();
    const box = { width: drawingSize.w, height: drawingSize.h };
    // Presenter mode (a projector): radius and type grow with the space, up to 2.4×, and the
    // heads above the columns are taller.
    const options = prefs().presenter ? { margin: { top: 100 }, maxScale: 2.4, baseRadius: 37,
      spread: 5.5, typeScale: 1.45 }
      : { margin: { top: 70 }, spread: 5 };
    return layoutNetwork(model.layers, Math.max(280, box.width), Math.max(240, box.height), options);
  }

  function refreshPanel() {
    renderPanel(dom.panel, model, selected);
    document.body.classList.toggle("explaining", Boolean(selected));  // a sheet on small screens
    dom.svg.querySelectorAll(".selected").forEach((el) => el.classList.remove("selected"));
    if (selected) dom.svg.querySelector(`#${selected}`)?.classList.add("selected");
    renderer.selectCanvasEdge(selected);
  }

  function showTooltip(id, event) {
    dom.tooltip.innerHTML = tooltipHtml(model, id);
    dom.tooltip.hidden = false;
    if (!event) return;
    const pad = 14;
    const { innerWidth: W, innerHeight: H } = window;
    const rect = dom.tooltip.getBoundingClientRect();
    const x = Math.min(event.clientX + pad, W - rect.width - 4);
    const y = Math.min(event.clientY + pad, H - rect.height - 4);
    dom.tooltip.style.transform = `translate(${x}px, ${y}px)`;
  }

  /** The network's state as the server last answered it (the store owns it). */
  const network = () => store.state.network;
  /** A 1-input, 1-output network (a regression): its fitted curve over the data instead. */
  const showsCurve = () => model.layers[0] === 1 && model.layers.at(-1) === 1 &&
    network()?.dataset?.samples >= 2;
  // Two inputs, or x1, x2 and derived features (the map spans the x1, x2 plane).
  const planeInputs = () => model.layers[0] - (network()?.dataset?.features?.length ?? 0);
  const showsBoundary = () => (planeInputs() === 2 && network()?.dataset?.samples >= 4) || showsCurve();

  function refreshBoundary() {
    const info = network()?.dataset;
    const show = showsBoundary();
    dom.boundaryPanel.hidden = !show;
    dom.boundaryPanel.querySelector("h2").textContent = t(showsCurve() ? "boundary.curve" : "boundary.title");
    // Cancel a draw queued for the previous network even when this one has no boundary:
    // otherwise it fires against the new (perhaps 1-D) network.
    clearTimeout(boundaryTimer);
    if (!show) return;
    const id = model.id;
    boundaryTimer = setTimeout(() => drawBoundary(id, info), 30);
  }

  async function drawBoundary(id, info) {
    if (id !== model.id) return;
    const neurons = !showsCurve() && mapsFit(model.layers, BOUNDARY_RESOLUTION ** 2);
    const result = await api.predict(id, BOUNDARY_RESOLUTION, { neurons }).catch((err) => {
      view.error(t("error.boundary", { message: err.message }));
      return null;
    });
    if (!result || id !== model.id || !showsBoundary()) return;
    paintBoundary(result, info);
    showAccuracy(id, info);
  }

  /** The heat map of a predict grid (GET /predict, or a live training snapshot). */
  function paintBoundary(result, info) {
    if (!Array.isArray(result.xs)) return;
    if (!Array.isArray(result.ys)) {  // a 1-D grid: the fitted curve through the data
      paintCurve(result, info);
      return;
    }
    lastGrid = result;
    if (result.neurons) paintNeuronMaps(dom.svg, model, result);
    const n = result.xs.length;
    if ((result.outputs[0]?.length ?? 1) > 1) {
      paintClasses(result, info);
      return;
    }
    const values = [];
    for (let r = 0; r < result.ys.length; r++) {
      values.push(result.outputs.slice(r * n, (r + 1) * n).map((row) => row[0]));
    }
    const rows = dataRows(info);
    const t = rows.targets.map((row) => row[0]);
    let lo = 0;
    let hi = 1;
    if (t.length) {  // not Math.min(...t): 10,000 arguments is near some engines' limit
      lo = t.reduce((a, b) => Math.min(a, b));
      hi = t.reduce((a, b) => Math.max(a, b));
    }
    const points = [...rows.inputs.map((row, i) => ({ x: row[0], y: row[1], value: t[i] })),
      ...heldOut(info, (target) => target[0])];
    const top = hi > lo ? hi : lo + 1;
    const shown = store.state.setup.discretize ? discretize(values, lo, top) : values;
    heatMap.set({ xs: result.xs, ys: result.ys, values: shown, lo, hi: top }, points);
    dom.boundary.dataset.drawn = String(Number(dom.boundary.dataset.drawn || 0) + 1);
  }

  /** A regression's fitted curve (GET /predict's points from x_min to x_max) over its data. */
  function paintCurve(result, info) {
    if (!showsCurve()) return;
    lastGrid = result;
    const rows = dataRows(info);
    const points = rows.inputs.map((row, i) => ({ x: row[0], y: rows.targets[i]?.[0] }));
    heatMap.set({ xs: result.xs, ys: null, curve: result.outputs.map((row) => row[0]) }, points);
    dom.boundary.dataset.drawn = String(Number(dom.boundary.dataset.drawn || 0) + 1);
  }

  /**
   * k outputs: each cell in the colour of its most likely class (as strong as it is sure, or
   * at full strength when discretized), each point in its own.
   */
  function paintClasses(result, info) {
    const cells = classCells(result.outputs, result.xs.length, result.ys.length);
    const values = store.state.setup.discretize
      ? cells.map((row) => row.map((cell) => ({ k: cell.k, p: 1 }))) : cells;
    const rows = dataRows(info);
    const points = [...rows.inputs.map((row, i) => ({ x: row[0], y: row[1], value: argmax(rows.targets[i] || [0]) })),
      ...heldOut(info, argmax)];
    const k = result.outputs[0].length;
    heatMap.set({ xs: result.xs, ys: result.ys, values, classes: k }, points);
    const seen = new Set(values.flat().map((cell) => cell.k));
    Object.assign(dom.boundary.dataset, { classes: String(k), colours: String(seen.size),
      drawn: String(Number(dom.boundary.dataset.drawn || 0) + 1) });
  }

  /**
   * The held-out rows of a train/test split (when the state carries them), as points drawn
   * hollow; the legend under the map counts both kinds.
   */
  function heldOut(info, valueOf) {
    const inputs = info?.test_inputs ?? [];
    const targets = info?.test_targets ?? [];
    showMapLegend(info);
    return inputs.map((row, i) => ({ x: row[0], y: row[1], value: valueOf(targets[i] || [0]), test: true }));
  }

  function showMapLegend(info) {
    const legend = dom.boundaryLegend;
    const tests = info?.test_samples ?? 0;
    legend.hidden = !tests;
    if (!tests) return;
    const drawn = info.test_inputs?.length ?? 0;
    legend.querySelector("[data-role=train]").textContent = tn("boundary.legend_train", info.samples ?? 0);
    legend.querySelector("[data-role=test]").textContent = drawn === tests
      ? tn("boundary.legend_test", tests) : tn("boundary.legend_test_undrawn", tests);
  }

  /** The data points to plot: inline rows, or the pages read for a large dataset. */
  function dataRows(info) {
    if (info?.inputs) return { inputs: info.inputs, targets: info.targets || [] };
    if (bigData?.done && bigData.id === model.id) return bigData;
    if (info?.samples) loadBigData(model.id);
    return { inputs: [], targets: [] };
  }

  /** Read every page of GET /data once per network; repaint the map when all have come. */
  async function loadBigData(id) {
    if (bigData?.id === id) return;
    const rows = { id, inputs: [], targets: [], done: false };
    bigData = rows;
    try {
      for (let offset = 0; offset !== null && offset !== undefined;) {
        const page = await api.networkData(id, offset);
        if (bigData !== rows) return;
        for (const row of page.inputs) rows.inputs.push(row);
        for (const row of page.targets) rows.targets.push(row);
        offset = page.next_offset;
      }
    } catch (err) {
      if (bigData === rows) view.error(t("error.data_points", { message: err.message }));
      return;
    }
    rows.done = true;
    if (id === model?.id && lastGrid && showsBoundary()) paintBoundary(lastGrid, network().dataset);
  }

  /** A new network has not been trained here: no full bar, no "done: 200 epochs · step 200". */
  function clearTraining() {
    dom.progress.max = 1;
    dom.progress.value = 0;
    delete dom.progress.dataset.done;
    dom.trainStatus.textContent = "";
  }

  /** "step 3 · E = 0.31": E only once a forward pass has reached the output on screen (E
   * before it would give away what students are asked to predict). */
  function setStatus() {
    if (run) {  // a long run: its epoch, not a step count that moves only at its end
      dom.stepCount.textContent = t("status.training", { done: run.done, total: run.total });
      return;
    }
    const loss = dom.svg.dataset.animating === "forward" ? null : model.lossValue;
    dom.stepCount.textContent = t("status.step", { step: model.step }) + (loss === null || loss === undefined ? "" : ` \u00b7 E = ${fmt(loss)}`);
  }

  const view = {
    get model() { return model; },
    get selected() { return selected; },

    rebuild(nextModel) {
      model = nextModel;
      bigData = null;
      lastGrid = null;
      selected = null;
      const lay = layout();
      renderer.redraw(model, lay);
      renderHeads(dom.heads, model, lay.columns);
      renderDepth(dom.addLayer, dom.removeLayer, model.layers);
      dom.dataPanel.hidden = !renderTable(dom.table, network().dataset);
      lossChart.set(model.lossHistory.slice(), { fresh: true });
      clearTraining();
      refreshPanel();
      refreshBoundary();
      setStatus();
      dom.svg.dataset.network = model.id;
    },

    /** Heads and depth buttons from the network's actual spec (limits may have changed). */
    refreshHeads() {
      if (!model) return;
      renderHeads(dom.heads, model, layout().columns);
      renderDepth(dom.addLayer, dom.removeLayer, model.layers);
    },

    /** `moved`: only if the drawing's box changed by a pixel or more (a ResizeObserver's
     * call; presenter mode and the matrix view lay out again whatever the size). */
    resize({ moved = false } = {}) {
      if (!model || (moved && !fitDrawing())) return;
      const lay = layout();
      renderer.redistribute(lay);
      placeHeads(dom.heads, lay.columns);
      lossChart.draw();
      heatMap.draw();
      if (lastGrid?.neurons) paintNeuronMaps(dom.svg, model, lastGrid);  // new radii
    },

    restyle() {
      if (!model) return;
      renderer.restyle();
      describeDrawing(model);
      if (hovered) showTooltip(hovered, null);
      refreshPanel();
      setStatus();
    },

    select(id) {
      selected = id && id !== selected ? id : null;
      refreshPanel();
    },

    hover(id, event) { hovered = id; showTooltip(id, event); },
    leave() { hovered = null; dom.tooltip.hidden = true; },

    narrate(html) {
      dom.narration.innerHTML = html;
      fitNarration(dom.narration);
    },

    error(message) {
      dom.message.textContent = message;
      dom.message.hidden = false;
    },
    clearError() { dom.message.hidden = true; },

    playing(on) {
      dom.play.setAttribute("aria-pressed", String(on));
      dom.play.querySelector("[data-role=label]").textContent = t(on ? "toolbar.pause" : "toolbar.play");
    },

    phaseDone(name, trace) {
      dom.svg.dataset.phase = name;
      dom.svg.dataset.step = String(trace.step);
      if (name === "forward" || name === "all") return;  // E once the pass reaches the output
      lossChart.current(model.lossValue);
      setStatus();
    },

    parametersChanged() {
      lossChart.set(model.lossHistory.slice());
      refreshBoundary();
      setStatus();
    },

    dataChanged() {},

    /** Which pass is being animated (for tests and the page benchmark), or "" when idle. */
    animating(name) {
      dom.svg.dataset.animating = name || "";
      if (name || !model) return;
      lossChart.current(model.lossValue);
      setStatus();
    },

    /** Actions queued or running (requests included), for tests: "" when there are none.
     * `animating` alone is empty in the moment between a click and its trace's arrival. */
    busy(count) { dom.svg.dataset.busy = count ? String(count) : ""; },

    trainProgress(done, total, loss, testLoss = null) {
      run = done < total ? { done, total } : null;
      setStatus();
      dom.progress.max = total;
      dom.progress.value = done;
      dom.trainStatus.textContent = `${done} / ${total}` + (loss === null || loss === undefined ? "" : ` \u00b7 ${t("train.loss", { loss: fmt(loss) })}`);
      if (loss !== null && loss !== undefined && done > 0) lossChart.push(loss, testLoss);
    },

    setLossLog(on) { lossChart.setLog(on); },

    /** The grid resolution live training snapshots should carry, or null when none is shown. */
    boundaryResolution() { return model && showsBoundary() ? BOUNDARY_RESOLUTION : null; },

    /** Whether that grid may carry the neuron maps too (small enough for the server). */
    boundaryNeurons() { return Boolean(model) && mapsFit(model.layers, BOUNDARY_RESOLUTION ** 2); },

    /** Paint the last grid again (discretize toggled): no request. */
    repaintBoundary() {
      if (model && lastGrid && showsBoundary()) paintBoundary(lastGrid, network().dataset);
    },

    /** Redraw the decision boundary from a training snapshot's grid (no request). */
    liveBoundary(grid) {
      if (!model || !showsBoundary() || !grid?.xs || (!grid.ys && !showsCurve())) return;
      clearTimeout(boundaryTimer);
      paintBoundary(grid, network().dataset);
    },

    clearTraining,

    trainFailed(step) {
      run = null;
      dom.progress.value = 0;
      delete dom.progress.dataset.done;
      dom.trainStatus.textContent = t("train.stopped", { step });
    },

    trainDone(total) {
      refreshBoundary();  // the map, the neuron maps and the accuracy at the final weights
      dom.progress.dataset.done = "true";
      dom.trainStatus.textContent = `${tn("train.done", total)} \u00b7 ${t("status.step", { step: model.step })}`;
      view.narrate(tn("narrate.trained", total));
    },

    animationContext(m) {
      return {
        renderer, model: m, slow: prefs().slow, pulses: pulseLayer, speed: () => prefs().speed,
        narrate: (html) => view.narrate(html),
      };
    },
  };
  return view;
}
