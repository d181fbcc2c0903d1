// Two of TF Playground's controls: "Regenerate" draws the same dataset again from a new seed
// (kept in the URL as dataSeed), and "discretize output" shows the boundary map's decision
// only (kept as discretize).

import { HeatMap } from "./plots.js";
import { writeHash } from "./state.js";
import { store } from "./store.js";

const $ = (id) => document.getElementById(id);

/** The built-in dataset a setup trains on (an upload has no seed to change). */
function generated(setup) {
  return !setup.datasetId;
}

/** Wire both; `respec` makes the new network (the data is part of the spec). */
export function bindPlayground(app, respec) {
  const discretize = $("discretize");
  const regenerate = $("regenerate");
  const show = () => {
    const { setup } = store.state;
    discretize.checked = Boolean(setup.discretize);
    regenerate.disabled = !generated(setup);
    HeatMap.setDiscrete(discretize.checked);
  };
  discretize.addEventListener("change", () => {
    store.updateSetup({ discretize: discretize.checked });
    writeHash(store.state.setup);
  });
  regenerate.addEventListener("click", () => {
    const seed = (store.state.setup.dataSeed ?? 0) + 1;
    respec(app, { dataSeed: seed });
  });
  store.subscribe((state, changed) => { if (changed.includes("setup")) show(); });
  show();
}
